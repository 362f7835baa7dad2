"""Seeds moto_server with ASFF findings in several accounts, each reached by AssumeRole.

usage: seed_securityhub.py ENDPOINT FIRST_INDEX COUNT UPDATED_AT ACCOUNT...

Talks only to ENDPOINT (127.0.0.1). The findings are ACTIVE and NEW; ids are f-<index>.
"""
import sys

import boto3

endpoint, first, count, updated_at, *accounts = sys.argv[1:]
first, count = int(first), int(count)
base = boto3.Session(
    aws_access_key_id="AKIATESTTESTTESTTEST",
    aws_secret_access_key="x" * 40,
    region_name="us-east-1",
)
for account in accounts:
    creds = base.client("sts", endpoint_url=endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/audit", RoleSessionName="seed"
    )["Credentials"]
    hub = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    ).client("securityhub", endpoint_url=endpoint)
    findings = [
        {
            "SchemaVersion": "2018-10-08",
            "Id": f"f-{i}",
            "ProductArn": f"arn:aws:securityhub:us-east-1:{account}:product/{account}/default",
            "GeneratorId": "rampart-test",
            "AwsAccountId": account,
            "Types": ["Software and Configuration Checks/Vulnerabilities/CVE"],
            "CreatedAt": "2026-11-20T00:00:00Z",
            "UpdatedAt": updated_at,
            "Severity": {"Label": ["LOW", "MEDIUM", "HIGH", "CRITICAL"][i % 4]},
            "Title": f"finding {i} in {account}",
            "Description": "seeded for the live tests",
            "Resources": [{"Type": "AwsEc2Instance", "Id": f"i-{i:017x}"}],
            "Workflow": {"Status": "NEW"},
            "RecordState": "ACTIVE",
        }
        for i in range(first, first + count)
    ]
    for start in range(0, len(findings), 100):
        result = hub.batch_import_findings(Findings=findings[start : start + 100])
        if result["FailedCount"]:
            sys.exit(f"{account}: {result['FailedFindings']}")

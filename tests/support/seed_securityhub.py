"""Seeds moto_server with ASFF findings in several accounts, each reached by AssumeRole.

usage: seed_securityhub.py ENDPOINT FIRST_INDEX COUNT UPDATED_AT ACCOUNT...

Talks only to ENDPOINT (127.0.0.1). The findings are ACTIVE and NEW; ids are f-<index>.
"""
import sys

from moto_accounts import session_in

endpoint, first, count, updated_at, *accounts = sys.argv[1:]
first, count = int(first), int(count)
for account in accounts:
    hub = session_in(endpoint, account).client("securityhub", endpoint_url=endpoint)
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

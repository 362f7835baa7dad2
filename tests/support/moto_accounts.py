"""The boto3 session of an account in moto_server, reached by AssumeRole from static test
keys; shared by the seed scripts. Talks only to the given (loopback) endpoint."""

import boto3


def session_in(endpoint, account):
    base = boto3.Session(
        aws_access_key_id="AKIATESTTESTTESTTEST",
        aws_secret_access_key="x" * 40,
        region_name="us-east-1",
    )
    creds = base.client("sts", endpoint_url=endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/audit", RoleSessionName="seed"
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    )

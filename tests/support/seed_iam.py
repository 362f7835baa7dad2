"""Creates IAM users in moto_server accounts reached by AssumeRole: each account gets
USERS users, every one with an access key, and every other one with a console password.

usage: seed_iam.py ENDPOINT USERS ACCOUNT...
"""
import sys

import boto3

endpoint, users, *accounts = sys.argv[1:]
base = boto3.Session(
    aws_access_key_id="AKIATESTTESTTESTTEST",
    aws_secret_access_key="x" * 40,
    region_name="us-east-1",
)
for account in accounts:
    creds = base.client("sts", endpoint_url=endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/audit", RoleSessionName="seed"
    )["Credentials"]
    iam = boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name="us-east-1",
    ).client("iam", endpoint_url=endpoint)
    for i in range(int(users)):
        name = f"user-{i}"
        iam.create_user(UserName=name)
        iam.create_access_key(UserName=name)
        if i % 2 == 0:
            iam.create_login_profile(UserName=name, Password="Passw0rd!Passw0rd!")

"""Creates IAM users in moto_server accounts reached by AssumeRole: each account gets
USERS users, every one with an access key, and every other one with a console password.

usage: seed_iam.py ENDPOINT USERS ACCOUNT...
"""
import sys

from moto_accounts import session_in

endpoint, users, *accounts = sys.argv[1:]
for account in accounts:
    iam = session_in(endpoint, account).client("iam", endpoint_url=endpoint)
    for i in range(int(users)):
        name = f"user-{i}"
        iam.create_user(UserName=name)
        iam.create_access_key(UserName=name)
        if i % 2 == 0:
            iam.create_login_profile(UserName=name, Password="Passw0rd!Passw0rd!")

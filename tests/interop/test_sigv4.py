"""Signed (admin) operations under a configured credential (--access-key-id / --secret-access-key):
boto3 and the AWS CLI with that key work; another key, another secret, no signature, a stale
signature or a request altered after signing are refused as AWS refuses them, and change nothing.
Public operations need no signature."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import time
from unittest import mock

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from interop_helpers import PASSWORD, REGION, TARGET_PREFIX, assert_wire_error, cognate_bin, free_port, raw_call, unique

KEY_ID, SECRET = "AKIDCOGNATETEST", "cognate-test-secret/+="


@pytest.fixture(scope="module")
def signed_server(tmp_path_factory):
    from interop_helpers import ARTIFACTS, CognateServer

    srv = CognateServer(tmp_path_factory.mktemp("sigv4-data"), ARTIFACTS / f"cognate-sigv4-{unique('srv')}.log",
                        extra_args=["--access-key-id", KEY_ID], env={"COGNATE_SECRET_ACCESS_KEY": SECRET})
    srv.start()
    yield srv
    srv.stop()


def client(endpoint, key=KEY_ID, secret=SECRET):
    return boto3.session.Session().client(
        "cognito-idp", endpoint_url=endpoint, region_name=REGION, aws_access_key_id=key, aws_secret_access_key=secret,
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )


def signed(endpoint, op, body, *, key=KEY_ID, secret=SECRET, at: datetime.datetime | None = None):
    """Headers and body of `op` signed as botocore signs it (at a given time if asked)."""
    data = json.dumps(body).encode()
    req = botocore.awsrequest.AWSRequest(method="POST", url=endpoint + "/", data=data, headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": f"{TARGET_PREFIX}.{op}"})
    auth = botocore.auth.SigV4Auth(botocore.credentials.Credentials(key, secret), "cognito-idp", REGION)
    if at is None:
        auth.add_auth(req)
    else:
        class Frozen(datetime.datetime):
            @classmethod
            def utcnow(cls):
                return at

            @classmethod
            def now(cls, tz=None):
                return at.replace(tzinfo=tz) if tz else at

        with mock.patch.object(botocore.auth.datetime, "datetime", Frozen):
            auth.add_auth(req)
    return dict(req.headers.items()), data


def test_the_configured_key_administers(signed_server):
    idp = client(signed_server.endpoint)
    pool = idp.create_user_pool(PoolName=unique("sig"))["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=pool, Username="alice", MessageAction="SUPPRESS")
    idp.admin_set_user_password(UserPoolId=pool, Username="alice", Password=PASSWORD, Permanent=True)
    assert [u["Username"] for u in idp.list_users(UserPoolId=pool)["Users"]] == ["alice"]
    # The AWS CLI signs the same way.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({"AWS_ACCESS_KEY_ID": KEY_ID, "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_DEFAULT_REGION": REGION,
                "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull, "AWS_PAGER": ""})
    cli = subprocess.run([sys.executable, "-m", "awscli", "--endpoint-url", signed_server.endpoint, "--output", "json",
                          "cognito-idp", "admin-get-user", "--user-pool-id", pool, "--username", "alice"],
                         capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert cli.returncode == 0, cli.stderr
    assert json.loads(cli.stdout)["Username"] == "alice"
    env["AWS_SECRET_ACCESS_KEY"] = "wrong"
    cli = subprocess.run([sys.executable, "-m", "awscli", "--endpoint-url", signed_server.endpoint, "cognito-idp",
                          "admin-delete-user", "--user-pool-id", pool, "--username", "alice"],
                         capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert cli.returncode != 0 and "InvalidSignatureException" in cli.stderr, cli.stderr
    assert idp.admin_get_user(UserPoolId=pool, Username="alice")["Username"] == "alice"


@pytest.mark.parametrize("key,secret,code", [
    (KEY_ID, "not-the-secret", "InvalidSignatureException"),
    ("AKIDSOMEONEELSE", SECRET, "UnrecognizedClientException"),
])
def test_other_credentials_are_refused_and_change_nothing(signed_server, key, secret, code):
    idp = client(signed_server.endpoint)
    pool = idp.create_user_pool(PoolName=unique("sig"))["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=pool, Username="bob", MessageAction="SUPPRESS")
    other = client(signed_server.endpoint, key, secret)
    for call in (lambda: other.admin_delete_user(UserPoolId=pool, Username="bob"),
                 lambda: other.admin_set_user_password(UserPoolId=pool, Username="bob", Password=PASSWORD, Permanent=True),
                 lambda: other.list_user_pools(MaxResults=10)):
        with pytest.raises(ClientError) as e:
            call()
        assert e.value.response["Error"]["Code"] == code
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    user = idp.admin_get_user(UserPoolId=pool, Username="bob")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"


def test_unsigned_stale_and_altered_requests_are_refused(signed_server):
    ep = signed_server.endpoint
    idp = client(ep)
    pool = idp.create_user_pool(PoolName=unique("sig"))["UserPool"]["Id"]
    idp.admin_create_user(UserPoolId=pool, Username="carol", MessageAction="SUPPRESS")
    body = {"UserPoolId": pool, "Username": "carol"}

    r = raw_call(ep, "AdminDeleteUser", body, sign=False)
    assert_wire_error(r, "MissingAuthenticationTokenException")

    # Signed 20 minutes ago: refused as expired.
    headers, data = signed(ep, "AdminDeleteUser", body, at=datetime.datetime.utcnow() - datetime.timedelta(minutes=20))
    r = requests.post(ep + "/", data=data, headers=headers, timeout=30)
    err = assert_wire_error(r, "InvalidSignatureException")
    assert err["message"].startswith("Signature expired:"), err

    # A good signature for AdminGetUser replayed as AdminDeleteUser (the same body fits both).
    headers, data = signed(ep, "AdminGetUser", body)
    assert requests.post(ep + "/", data=data, headers=headers, timeout=30).status_code == 200
    headers["X-Amz-Target"] = f"{TARGET_PREFIX}.AdminDeleteUser"
    assert_wire_error(requests.post(ep + "/", data=data, headers=headers, timeout=30), "InvalidSignatureException")

    # The body changed after signing.
    headers, data = signed(ep, "AdminDeleteUser", {"UserPoolId": pool, "Username": "nobody"})
    assert_wire_error(requests.post(ep + "/", data=json.dumps(body).encode(), headers=headers, timeout=30), "InvalidSignatureException")

    assert idp.admin_get_user(UserPoolId=pool, Username="carol")["Username"] == "carol"


def test_public_operations_need_no_signature(signed_server):
    ep = signed_server.endpoint
    idp = client(ep)
    pool = idp.create_user_pool(PoolName=unique("sig"))["UserPool"]["Id"]
    app = idp.create_user_pool_client(UserPoolId=pool, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    cid = app["UserPoolClient"]["ClientId"]
    r = raw_call(ep, "SignUp", {"ClientId": cid, "Username": "dave", "Password": PASSWORD}, sign=False)
    assert r.status_code == 200, r.text
    idp.admin_confirm_sign_up(UserPoolId=pool, Username="dave")
    r = raw_call(ep, "InitiateAuth", {"ClientId": cid, "AuthFlow": "USER_PASSWORD_AUTH",
                                      "AuthParameters": {"USERNAME": "dave", "PASSWORD": PASSWORD}}, sign=False)
    assert r.status_code == 200, r.text
    access = r.json()["AuthenticationResult"]["AccessToken"]
    # A signature on a public operation is tolerated, even one by another key.
    r = raw_call(ep, "GetUser", {"AccessToken": access})
    assert r.status_code == 200 and r.json()["Username"] == "dave", r.text


def test_open_admin_is_refused_beyond_loopback(tmp_path):
    """Without a key, the server will not listen on a non-loopback address unless told that is intended."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COGNATE_")}
    base = [str(cognate_bin()), "serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path / "d")]
    refused = subprocess.run(base + ["--port", str(free_port())], capture_output=True, text=True, env=env, timeout=60,
                             stdin=subprocess.DEVNULL)
    assert refused.returncode != 0
    assert "--access-key-id" in refused.stderr and "--allow-unsigned-admin" in refused.stderr, refused.stderr
    for extra, extra_env in ((["--allow-unsigned-admin"], {}), ([], {"COGNATE_ACCESS_KEY_ID": "k", "COGNATE_SECRET_ACCESS_KEY": "s"})):
        port = free_port()
        proc = subprocess.Popen(base + ["--port", str(port)] + extra, env={**env, **extra_env}, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    if requests.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                        break
                except requests.RequestException:
                    pass
                assert proc.poll() is None, f"{extra} {extra_env}: exited {proc.returncode}"
                time.sleep(0.1)
            else:
                pytest.fail(f"{extra} {extra_env}: not ready")
        finally:
            proc.terminate()
            proc.wait(20)

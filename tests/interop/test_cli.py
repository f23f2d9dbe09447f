"""The AWS CLI (v1, pip-installed) against the server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from interop_helpers import PASSWORD, unique


@pytest.fixture(scope="module")
def aws(endpoint, tmp_path_factory):
    home = tmp_path_factory.mktemp("awscli-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") or k == "AWS_CA_BUNDLE"}
    env.update({
        "AWS_ACCESS_KEY_ID": "x",
        "AWS_SECRET_ACCESS_KEY": "x",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(home / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(home / "credentials"),
        "AWS_PAGER": "",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
    })

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "awscli", "--endpoint-url", endpoint, "--output", "json", "cognito-idp", *args]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL)
        if check:
            assert proc.returncode == 0, f"aws {' '.join(args)} -> {proc.returncode}\nstderr: {proc.stderr}"
        return proc

    return run


def _json(proc) -> dict:
    return json.loads(proc.stdout)


def test_cli_pool_lifecycle(aws, cognito):
    name = unique("cli")
    pool = _json(aws("create-user-pool", "--pool-name", name))["UserPool"]
    assert pool["Name"] == name
    pool_id = pool["Id"]
    listed = _json(aws("list-user-pools", "--max-results", "60"))["UserPools"]
    assert pool_id in {p["Id"] for p in listed}, "awscli follows NextToken across all pages"
    described = _json(aws("describe-user-pool", "--user-pool-id", pool_id))["UserPool"]
    assert described["Id"] == pool_id and described["Name"] == name
    # what boto3 sees agrees
    assert cognito.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Name"] == name


def test_cli_users(aws, make_pool):
    p = make_pool()
    created = _json(aws("admin-create-user", "--user-pool-id", p.id, "--username", "cliuser",
                        "--temporary-password", PASSWORD, "--message-action", "SUPPRESS",
                        "--user-attributes", "Name=email,Value=cli@example.com"))["User"]
    assert created["Username"] == "cliuser"
    assert created["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    for n in ("cli-a", "cli-b"):
        aws("admin-create-user", "--user-pool-id", p.id, "--username", n, "--message-action", "SUPPRESS")
    # --page-size 1 makes the CLI walk PaginationToken through three requests
    users = _json(aws("list-users", "--user-pool-id", p.id, "--page-size", "1"))["Users"]
    assert sorted(u["Username"] for u in users) == ["cli-a", "cli-b", "cliuser"]
    filtered = _json(aws("list-users", "--user-pool-id", p.id, "--filter", 'email = "cli@example.com"'))["Users"]
    assert [u["Username"] for u in filtered] == ["cliuser"]
    got = _json(aws("admin-get-user", "--user-pool-id", p.id, "--username", "cliuser"))
    assert got["Username"] == "cliuser"
    assert {"Name": "email", "Value": "cli@example.com"} in got["UserAttributes"]


def test_cli_public_sign_up(aws, make_pool):
    p = make_pool()
    c = p.client()
    out = _json(aws("sign-up", "--client-id", c.id, "--username", "cli-signup", "--password", PASSWORD,
                    "--user-attributes", "Name=email,Value=cli-signup@example.com"))
    assert out["UserConfirmed"] is False
    assert p.status("cli-signup") == "UNCONFIRMED"


def test_cli_error_exit_code_and_message(aws, make_pool):
    p = make_pool()
    proc = aws("admin-get-user", "--user-pool-id", p.id, "--username", "ghost", check=False)
    assert proc.returncode != 0
    assert "UserNotFoundException" in proc.stderr, proc.stderr
    assert "User does not exist." in proc.stderr, proc.stderr
    assert proc.stdout.strip() == ""


def test_cli_validation_error(aws):
    proc = aws("describe-user-pool", "--user-pool-id", "no-underscore", check=False)
    assert proc.returncode != 0
    assert "InvalidParameterException" in proc.stderr, proc.stderr

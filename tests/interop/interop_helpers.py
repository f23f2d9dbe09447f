"""Shared helpers for the interop suite: the server process, raw wire calls, the dev outbox,
secret hashes, error assertions and small pool/client wrappers around boto3.

Everything here talks to the real `cognate` binary over HTTP; nothing imports the server's code.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import hmac
import json
import os
import re
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any, Iterable

import boto3
import botocore.auth
import botocore.awsrequest
import botocore.credentials
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

REGION = "us-east-1"
TARGET_PREFIX = "AWSCognitoIdentityProviderService"
AMZ_JSON = "application/x-amz-json-1.1"

# Satisfies the default policy (8+ chars, upper, lower, digit, symbol).
PASSWORD = "Passw0rd!ok"
NEW_PASSWORD = "N3w-Passw0rd!"

ALL_TEST_FLOWS = [
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
]

POOL_ID_RE = re.compile(r"^us-east-1_[0-9A-Za-z]{9}$")
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
UUID4_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
CODE_RE = re.compile(r"^[0-9]{6}$")

# Every password-policy message the contract (§1, §7) names.
POLICY_PREFIX = "Password did not conform with policy: "
MSG_TOO_SHORT = POLICY_PREFIX + "Password not long enough"
MSG_NO_UPPER = POLICY_PREFIX + "Password must have uppercase characters"
MSG_NO_LOWER = POLICY_PREFIX + "Password must have lowercase characters"
MSG_NO_NUMBER = POLICY_PREFIX + "Password must have numeric characters"
MSG_NO_SYMBOL = POLICY_PREFIX + "Password must have symbol characters"

MSG_BAD_CREDENTIALS = "Incorrect username or password."
MSG_NO_USER = "User does not exist."


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def secret_hash(secret: str, username: str, client_id: str) -> str:
    """base64(HMAC-SHA256(key=secret, msg=username + clientId)) — contract §4."""
    mac = hmac.new(secret.encode("utf-8"), (username + client_id).encode("utf-8"), hashlib.sha256)
    return base64.b64encode(mac.digest()).decode("ascii")


def attrs_to_dict(attrs: Iterable[dict] | None) -> dict[str, str]:
    return {a["Name"]: a.get("Value") for a in (attrs or [])}


def dict_to_attrs(d: dict[str, str]) -> list[dict[str, str]]:
    return [{"Name": k, "Value": v} for k, v in d.items()]


def jwt_segments(token: str) -> tuple[dict, dict]:
    """Header and payload of a JWT without verifying it (used only for structural checks;
    signature verification is done with PyJWT against the JWKS in the token tests)."""

    def dec(seg: str) -> dict:
        return json.loads(base64.urlsafe_b64decode(seg + "=" * (-len(seg) % 4)))

    parts = token.split(".")
    assert len(parts) == 3, f"not a JWS compact token: {token[:40]}..."
    return dec(parts[0]), dec(parts[1])


# ---------------------------------------------------------------------------------------------
# Errors


def expect_error(fn, code, message=None, *, status: int = 400, **kwargs) -> ClientError:
    """Call a boto3 method and assert it fails with `code` (a string or a tuple of acceptable
    codes), HTTP `status`, and — if given — the exact `message` (a string), a message accepted by
    a compiled regex, or any of a tuple/set of exact messages."""
    try:
        resp = fn(**kwargs)
    except ClientError as e:
        err = e.response.get("Error", {})
        meta = e.response.get("ResponseMetadata", {})
        got_code, got_msg = err.get("Code"), err.get("Message")
        codes = (code,) if isinstance(code, str) else tuple(code)
        assert got_code in codes, f"expected {codes} ({message!r}), got {got_code}: {got_msg!r}"
        if message is not None:
            if isinstance(message, re.Pattern):
                assert got_msg is not None and message.search(got_msg), (
                    f"{got_code} message {got_msg!r} does not match /{message.pattern}/"
                )
            elif isinstance(message, (tuple, set, frozenset, list)):
                assert got_msg in message, f"{got_code} message {got_msg!r} not one of {message!r}"
            else:
                assert got_msg == message, f"{got_code} message: expected {message!r}, got {got_msg!r}"
        assert meta.get("HTTPStatusCode") == status, (
            f"{got_code}: expected HTTP {status}, got {meta.get('HTTPStatusCode')}"
        )
        headers = {k.lower(): v for k, v in (meta.get("HTTPHeaders") or {}).items()}
        et = headers.get("x-amzn-errortype", "")
        assert et.split(":")[0].split("#")[-1] == got_code, (
            f"{got_code}: x-amzn-ErrorType header is {et!r}"
        )
        assert headers.get("x-amzn-requestid"), f"{got_code}: no x-amzn-RequestId header"
        return e
    raise AssertionError(f"expected {code} ({message!r}) but the call succeeded: {resp!r}")


# ---------------------------------------------------------------------------------------------
# Raw wire access


def raw_call(
    endpoint: str,
    op: str | None,
    body: Any = None,
    *,
    data: bytes | str | None = None,
    target: str | None = None,
    content_type: str | None = AMZ_JSON,
    sign: bool = True,
    region: str = REGION,
    extra_headers: dict | None = None,
    timeout: float = 30,
) -> requests.Response:
    """POST one AWS JSON 1.1 request exactly as given. `data` overrides the JSON-encoded `body`;
    `target=""` omits the X-Amz-Target header; `content_type=None` omits Content-Type. Signed
    with SigV4 (dummy credentials) unless sign=False, like botocore does for non-public ops."""
    url = endpoint.rstrip("/") + "/"
    if data is None:
        data = json.dumps({} if body is None else body)
    if isinstance(data, str):
        data = data.encode("utf-8")
    headers: dict[str, str] = {}
    if content_type is not None:
        headers["Content-Type"] = content_type
    if target is None:
        target = f"{TARGET_PREFIX}.{op}"
    if target != "":
        headers["X-Amz-Target"] = target
    if extra_headers:
        headers.update(extra_headers)
    if sign:
        req = botocore.awsrequest.AWSRequest(method="POST", url=url, data=data, headers=headers)
        creds = botocore.credentials.Credentials("x", "x")
        botocore.auth.SigV4Auth(creds, "cognito-idp", region).add_auth(req)
        headers = dict(req.headers.items())
    return requests.post(url, data=data, headers=headers, timeout=timeout)


def assert_wire_error(resp: requests.Response, code: str, *, status: int = 400) -> dict:
    """Assert an AWS JSON error response: status, `__type`, x-amzn-ErrorType and a request id."""
    assert resp.status_code == status, f"expected HTTP {status}, got {resp.status_code}: {resp.text[:500]}"
    try:
        body = resp.json()
    except ValueError:
        raise AssertionError(f"error body is not JSON: {resp.text[:500]!r}")
    assert isinstance(body, dict), body
    got = str(body.get("__type", "")).split("#")[-1].split(":")[0]
    assert got == code, f"expected __type {code}, got {body!r}"
    et = resp.headers.get("x-amzn-ErrorType")
    assert et is not None, f"missing x-amzn-ErrorType header; headers={dict(resp.headers)}"
    assert et.split(":")[0].split("#")[-1] == code, f"x-amzn-ErrorType {et!r} != {code}"
    rid = resp.headers.get("x-amzn-RequestId")
    assert rid, f"missing x-amzn-RequestId header; headers={dict(resp.headers)}"
    return body


# ---------------------------------------------------------------------------------------------
# The server process


def cognate_bin() -> Path:
    env = os.environ.get("COGNATE_BIN")
    return Path(env) if env else REPO_ROOT / ".build" / "debug" / "cognate"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


LIVE_SERVERS: list["CognateServer"] = []


class CognateServer:
    """One `cognate serve` process on 127.0.0.1 with its own data dir and log file."""

    def __init__(
        self,
        data_dir: Path,
        log_path: Path,
        *,
        port: int | None = None,
        dev: bool = True,
        extra_args: Iterable[str] = (),
        env: dict[str, str] | None = None,
        port_via_env: bool = False,
    ):
        self.data_dir = Path(data_dir)
        self.log_path = Path(log_path)
        self.port = port or free_port()
        self.dev = dev
        self.extra_args = list(extra_args)
        self.env = env
        self.port_via_env = port_via_env
        self.proc: subprocess.Popen | None = None
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        cmd = [str(cognate_bin()), "serve", "--host", "127.0.0.1", "--data-dir", str(self.data_dir)]
        if not self.port_via_env:
            cmd += ["--port", str(self.port)]
        if self.dev:
            cmd.append("--dev")
        return cmd + self.extra_args

    def start(self, timeout: float = 30.0) -> "CognateServer":
        binary = cognate_bin()
        if not binary.exists():
            raise RuntimeError(
                f"cognate binary not found at {binary}; build it (swift build --product cognate) "
                "or set COGNATE_BIN"
            )
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ)
        if self.port_via_env:
            env["COGNATE_PORT"] = str(self.port)
        if self.env:
            env.update(self.env)
        log = open(self.log_path, "ab")
        log.write(f"\n===== {time.strftime('%H:%M:%S')} start: {' '.join(self.command())}\n".encode())
        log.flush()
        self.proc = subprocess.Popen(
            self.command(), stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
            start_new_session=True,
        )
        log.close()
        LIVE_SERVERS.append(self)
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                raise RuntimeError(
                    f"cognate exited with code {rc} before becoming ready\n--- log tail ---\n{self.log_tail()}"
                )
            try:
                r = requests.get(self.endpoint + "/health", timeout=2)
                if r.status_code == 200:
                    return
                last = f"HTTP {r.status_code}"
            except requests.RequestException as e:
                last = repr(e)
            time.sleep(0.1)
        self.kill()
        raise RuntimeError(
            f"cognate did not answer GET /health with 200 within {timeout}s (last: {last})\n"
            f"--- log tail ---\n{self.log_tail()}"
        )

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        """Send `sig` and wait; returns the exit code (negative = killed by a signal). If the
        process does not exit in time it is SIGKILLed and an error is raised."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
                raise RuntimeError(
                    f"cognate did not exit within {timeout}s of signal {sig}\n--- log tail ---\n{self.log_tail()}"
                )
        if self in LIVE_SERVERS:
            LIVE_SERVERS.remove(self)
        return self.proc.returncode

    def kill(self) -> int:
        return self.stop(signal.SIGKILL, timeout=10)

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError as e:
            return f"(no log: {e})"
        return "\n".join(text.splitlines()[-lines:])


class Node:
    """One node of a deployment: its process, a boto3 client on it, and its dev outbox (which
    holds only the messages this process queued)."""

    def __init__(self, server: CognateServer):
        self.server = server
        self.endpoint = server.endpoint
        self.cognito = make_boto_client(server.endpoint)
        self.outbox = Outbox(server.endpoint)

    def __repr__(self) -> str:
        return f"Node({self.endpoint})"


def make_boto_client(endpoint: str, region: str = REGION, *, validate: bool = True, read_timeout: float = 60):
    # A fresh session per client: boto3's default session is not thread-safe.
    session = boto3.session.Session()
    return session.client(
        "cognito-idp",
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=Config(
            retries={"total_max_attempts": 1, "mode": "standard"},
            connect_timeout=10,
            read_timeout=read_timeout,
            max_pool_connections=32,
            parameter_validation=validate,
        ),
    )


# ---------------------------------------------------------------------------------------------
# Dev outbox


def _ts(value: Any) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
        try:
            return _dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return 0.0
    return 0.0


class Outbox:
    """GET /_dev/outbox → {"messages": [...]}. Messages are taken in the server's order (assumed
    chronological) and then stably sorted by createdAt, so "latest" is the last one."""

    KINDS = {
        "SignUp", "ResendCode", "ForgotPassword", "AdminCreateUser", "VerifyUserAttribute",
        "UpdateUserAttribute", "AdminResetUserPassword", "Authentication",
    }

    def __init__(self, endpoint: str):
        self.endpoint = endpoint

    def messages(self, pool_id: str | None = None, username: str | None = None) -> list[dict]:
        params = {}
        if pool_id is not None:
            params["poolId"] = pool_id
        if username is not None:
            params["username"] = username
        r = requests.get(self.endpoint + "/_dev/outbox", params=params, timeout=10)
        assert r.status_code == 200, f"GET /_dev/outbox -> {r.status_code}: {r.text[:300]}"
        body = r.json()
        assert isinstance(body, dict) and isinstance(body.get("messages"), list), body
        return body["messages"]

    def matching(self, pool_id: str, username: str | None = None, kind: str | None = None) -> list[dict]:
        # Filter by pool on the server, by user/kind here: in email-as-username pools the stored
        # username is a UUID, so a user may be named by the username or the destination address.
        out = []
        for m in self.messages(pool_id=pool_id):
            if m.get("poolId") != pool_id:
                continue
            if username is not None and username not in (m.get("username"), m.get("destination")):
                continue
            if kind is not None and m.get("kind") != kind:
                continue
            out.append(m)
        return sorted(out, key=lambda m: _ts(m.get("createdAt")))

    def count(self, pool_id: str, username: str | None = None, kind: str | None = None) -> int:
        return len(self.matching(pool_id, username, kind))

    def wait_for(self, pool_id: str, username: str | None = None, kind: str | None = None,
                 count: int = 1, timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while True:
            ms = self.matching(pool_id, username, kind)
            if len(ms) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert len(ms) >= count, (
            f"expected >= {count} outbox message(s) pool={pool_id} user={username} kind={kind}, "
            f"found {len(ms)}: {ms!r}"
        )
        return ms

    def latest(self, pool_id: str, username: str, kind: str | None = None, count: int = 1) -> dict:
        return self.wait_for(pool_id, username, kind, count)[-1]

    def latest_code(self, pool_id: str, username: str, kind: str | None = None, count: int = 1) -> str:
        m = self.latest(pool_id, username, kind, count)
        code = m.get("code")
        assert isinstance(code, str) and code, f"outbox message without a code: {m!r}"
        return code


# ---------------------------------------------------------------------------------------------
# Pool / client wrappers


class PoolCtx:
    def __init__(self, cognito, outbox: Outbox, pool: dict):
        self.cognito = cognito
        self.outbox = outbox
        self.pool = pool
        self.id: str = pool["Id"]

    def client(self, secret: bool = False, flows: list[str] | None = None, **kwargs) -> "ClientCtx":
        params = {
            "UserPoolId": self.id,
            "ClientName": unique("client"),
            "ExplicitAuthFlows": list(ALL_TEST_FLOWS if flows is None else flows),
        }
        if secret:
            params["GenerateSecret"] = True
        params.update(kwargs)
        resp = self.cognito.create_user_pool_client(**params)["UserPoolClient"]
        return ClientCtx(self, resp)

    def create_user(self, username: str, password: str = PASSWORD, *, email: str | None = None,
                    email_verified: bool = True, attrs: dict[str, str] | None = None) -> str:
        """AdminCreateUser (SUPPRESS) + AdminSetUserPassword(Permanent) → a CONFIRMED user.
        Returns the stored username (a UUID in email-as-username pools)."""
        a: dict[str, str] = {}
        if email is not None:
            a["email"] = email
            a["email_verified"] = "true" if email_verified else "false"
        if attrs:
            a.update(attrs)
        params = {"UserPoolId": self.id, "Username": username, "MessageAction": "SUPPRESS"}
        if a:
            params["UserAttributes"] = dict_to_attrs(a)
        user = self.cognito.admin_create_user(**params)["User"]
        self.cognito.admin_set_user_password(
            UserPoolId=self.id, Username=username, Password=password, Permanent=True
        )
        return user["Username"]

    def get_user(self, username: str) -> dict:
        return self.cognito.admin_get_user(UserPoolId=self.id, Username=username)

    def attrs(self, username: str) -> dict[str, str]:
        return attrs_to_dict(self.get_user(username).get("UserAttributes"))

    def status(self, username: str) -> str:
        return self.get_user(username)["UserStatus"]


class ClientCtx:
    def __init__(self, pool: PoolCtx, desc: dict):
        self.pool = pool
        self.cognito = pool.cognito
        self.desc = desc
        self.id: str = desc["ClientId"]
        self.secret: str | None = desc.get("ClientSecret")

    def hash(self, username: str) -> str:
        assert self.secret, "client has no secret"
        return secret_hash(self.secret, username, self.id)

    def _with_hash(self, params: dict, username: str, key: str = "SecretHash") -> dict:
        if self.secret:
            params[key] = self.hash(username)
        return params

    def sign_up(self, username: str, password: str = PASSWORD, *, email: str | None = None,
                attrs: dict[str, str] | None = None, **kwargs) -> dict:
        a = dict(attrs or {})
        if email is not None:
            a["email"] = email
        params = {"ClientId": self.id, "Username": username, "Password": password}
        if a:
            params["UserAttributes"] = dict_to_attrs(a)
        self._with_hash(params, username)
        params.update(kwargs)
        return self.cognito.sign_up(**params)

    def confirm(self, username: str, code: str | None = None) -> dict:
        if code is None:
            code = self.pool.outbox.latest_code(self.pool.id, username, "SignUp")
        params = self._with_hash({"ClientId": self.id, "Username": username, "ConfirmationCode": code}, username)
        return self.cognito.confirm_sign_up(**params)

    def sign_up_confirmed(self, username: str, password: str = PASSWORD, *, email: str | None = None,
                          attrs: dict[str, str] | None = None) -> dict:
        resp = self.sign_up(username, password, email=email, attrs=attrs)
        self.confirm(username)
        return resp

    def initiate(self, username: str, password: str = PASSWORD, flow: str = "USER_PASSWORD_AUTH") -> dict:
        params = {"USERNAME": username, "PASSWORD": password}
        self._with_hash(params, username, "SECRET_HASH")
        return self.cognito.initiate_auth(ClientId=self.id, AuthFlow=flow, AuthParameters=params)

    def admin_initiate(self, username: str, password: str = PASSWORD,
                       flow: str = "ADMIN_USER_PASSWORD_AUTH") -> dict:
        params = {"USERNAME": username, "PASSWORD": password}
        self._with_hash(params, username, "SECRET_HASH")
        return self.cognito.admin_initiate_auth(
            UserPoolId=self.pool.id, ClientId=self.id, AuthFlow=flow, AuthParameters=params
        )

    def login(self, username: str, password: str = PASSWORD) -> dict:
        resp = self.initiate(username, password)
        assert "ChallengeName" not in resp, f"unexpected challenge: {resp!r}"
        return resp["AuthenticationResult"]

    def refresh(self, refresh_token: str, *, username: str | None = None, flow: str = "REFRESH_TOKEN_AUTH",
                admin: bool = False) -> dict:
        params = {"REFRESH_TOKEN": refresh_token}
        if self.secret and username is not None:
            params["SECRET_HASH"] = self.hash(username)
        if admin:
            return self.cognito.admin_initiate_auth(
                UserPoolId=self.pool.id, ClientId=self.id, AuthFlow=flow, AuthParameters=params
            )
        return self.cognito.initiate_auth(ClientId=self.id, AuthFlow=flow, AuthParameters=params)

"""Server process options: --public-url, COGNATE_PORT, --dev, health, shutdown."""

from __future__ import annotations

import signal

import jwt
import requests

from interop_helpers import Outbox, PoolCtx, make_boto_client, unique


def test_health(endpoint):
    r = requests.get(endpoint + "/health", timeout=5)
    assert r.status_code == 200


def test_default_issuer_is_the_listen_address(endpoint, server, cognito, pool, client):
    assert endpoint == f"http://127.0.0.1:{server.port}"
    doc = requests.get(f"{endpoint}/{pool.id}/.well-known/openid-configuration", timeout=10).json()
    assert doc["issuer"] == f"http://127.0.0.1:{server.port}/{pool.id}"


def test_public_url_sets_the_issuer(server_factory):
    public = "http://cognate.example.test:8443"
    srv = server_factory(extra_args=["--public-url", public])
    cognito = make_boto_client(srv.endpoint)
    pool = PoolCtx(cognito, Outbox(srv.endpoint), cognito.create_user_pool(PoolName=unique("pub"))["UserPool"])
    client = pool.client()
    pool.create_user("pu")
    ar = client.login("pu")
    iss = f"{public}/{pool.id}"
    doc = requests.get(f"{srv.endpoint}/{pool.id}/.well-known/openid-configuration", timeout=10).json()
    assert doc["issuer"] == iss
    assert doc["jwks_uri"] == f"{iss}/.well-known/jwks.json"
    jwks = jwt.PyJWKClient(f"{srv.endpoint}/{pool.id}/.well-known/jwks.json", cache_keys=False)
    for tok, aud in ((ar["IdToken"], client.id), (ar["AccessToken"], None)):
        key = jwks.get_signing_key_from_jwt(tok).key
        claims = jwt.decode(tok, key, algorithms=["RS256"], issuer=iss, audience=aud)
        assert claims["iss"] == iss
    assert srv.stop(signal.SIGTERM) == 0


def test_port_from_environment(server_factory):
    srv = server_factory(port_via_env=True)
    assert requests.get(srv.endpoint + "/health", timeout=5).status_code == 200
    assert make_boto_client(srv.endpoint).list_user_pools(MaxResults=1)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert srv.stop(signal.SIGTERM) == 0


def test_outbox_only_with_dev(server_factory):
    srv = server_factory(dev=False)
    r = requests.get(srv.endpoint + "/_dev/outbox", timeout=5)
    assert r.status_code != 200, "the dev outbox (which exposes codes) must not be served without --dev"
    assert srv.stop(signal.SIGTERM) == 0


def test_sigterm_on_idle_fresh_server_exits_zero(server_factory):
    srv = server_factory()
    assert srv.stop(signal.SIGTERM) == 0


def test_quick_start_works_as_printed(server_factory):
    """The start-up banner's AWS CLI lines, pasted into a shell unchanged, sign a user in."""
    import json
    import subprocess
    import time

    srv = server_factory()
    text = ""
    for _ in range(50):
        text = srv.log_path.read_text(errors="replace")
        if "curl " in text:
            break
        time.sleep(0.1)
    banner = text[text.rindex("Quick start"):]
    lines = [l.strip() for l in banner.splitlines()[1:] if l.startswith("  ")]
    assert any(l.startswith("POOL=$(aws") for l in lines)
    # Each line as printed; only where its output goes is added.
    def redirect(line: str) -> str:
        if line.startswith("curl "):
            return line + " > jwks.json"
        if " initiate-auth " in line or "=$(" in line or line.startswith("export "):
            return line
        return line + " > /dev/null"
    script = "set -euo pipefail\n" + "\n".join(redirect(l) for l in lines) + "\n"
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120, cwd=srv.data_dir)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["AuthenticationResult"]["TokenType"] == "Bearer"
    assert len(json.loads((srv.data_dir / "jwks.json").read_text())["keys"]) == 2

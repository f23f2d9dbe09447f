"""Signing-key rotation with `cognate keys` and the master-key check at start, on the real binary.

The CLI works on the database directly, a running server's included (SQLite lets several
processes share the file): a running node publishes a new key in its JWKS within a second and signs with
it once the delay has passed. Tokens are verified as a relying party does, with PyJWT against
the JWKS. A node given another master key than the database's refuses to start.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import time

import jwt
import pytest

from interop_helpers import CognateServer, Outbox, PoolCtx, cognate_bin, free_port, make_boto_client, unique

OTHER_KEY = "cd" * 32


def keys_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("COGNATE_")}
    full_env.update(env or {})
    return subprocess.run([str(cognate_bin()), "keys", *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL, env=full_env)


def keys_json(*args: str, env: dict[str, str] | None = None) -> dict:
    proc = keys_cli(*args, "--json", env=env)
    assert proc.returncode == 0, f"cognate keys {' '.join(args)} -> {proc.returncode}\n{proc.stderr}"
    return json.loads(proc.stdout)


def serve_refused(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`cognate serve` that must exit by itself (it refuses to start)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("COGNATE_")}
    full_env.update(env or {})
    return subprocess.run([str(cognate_bin()), "serve", "--host", "127.0.0.1", "--port", "0", *args],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=full_env)


def pool_on(srv: CognateServer) -> tuple[PoolCtx, object]:
    cognito = make_boto_client(srv.endpoint)
    pool = PoolCtx(cognito, Outbox(srv.endpoint), cognito.create_user_pool(PoolName=unique("keys"))["UserPool"])
    client = pool.client()
    pool.create_user("alice")
    return pool, client


def jwks_kids(srv: CognateServer, pool_id: str) -> set[str]:
    client = jwt.PyJWKClient(f"{srv.endpoint}/{pool_id}/.well-known/jwks.json", cache_keys=False)
    return {k.key_id for k in client.get_signing_keys()}


def published_soon(srv: CognateServer, pool_id: str, kids: set[str], within: float = 3.0) -> set[str]:
    """The JWKS once it lists `kids`: a node serves it from a copy at most a second old."""
    deadline = time.monotonic() + within
    while True:
        now = jwks_kids(srv, pool_id)
        if kids <= now or time.monotonic() > deadline:
            return now
        time.sleep(0.1)


def verify(srv: CognateServer, pool_id: str, token: str) -> dict:
    """PyJWT against the JWKS as served now (no cache): the key must be published."""
    client = jwt.PyJWKClient(f"{srv.endpoint}/{pool_id}/.well-known/jwks.json", cache_keys=False)
    key = client.get_signing_key_from_jwt(token).key
    return jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False})


def kid(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


def test_rotate_on_a_running_server_then_on_a_stopped_one(server_factory, tmp_path):
    data = tmp_path / "data"
    srv = server_factory(data_dir=data)
    pool, client = pool_on(srv)
    first = client.login("alice")
    first_kids = jwks_kids(srv, pool.id)
    assert len(first_kids) == 2 and kid(first["AccessToken"]) in first_kids

    # On the running server's database: the new keys are in its JWKS within a second, pending for an hour.
    doc = keys_json("rotate", "--pool", pool.id, "--delay", "1h", "--data-dir", str(data))
    assert doc["poolId"] == pool.id
    pending = {k["kid"] for k in doc["keys"] if k["state"] == "pending"}
    assert len(pending) == 2 and {k["use"] for k in doc["keys"] if k["state"] == "pending"} == {"id", "access"}
    activates = dt.datetime.fromisoformat(next(k["activates"] for k in doc["keys"] if k["state"] == "pending"))
    assert dt.timedelta(minutes=59) < activates - dt.datetime.now(dt.timezone.utc) <= dt.timedelta(hours=1)
    assert published_soon(srv, pool.id, pending) == first_kids | pending
    # Still signing with the first keys, whose tokens verify and work.
    during = client.login("alice")
    assert kid(during["AccessToken"]) in first_kids and kid(during["IdToken"]) in first_kids
    assert verify(srv, pool.id, first["IdToken"])["token_use"] == "id"
    client.cognito.get_user(AccessToken=first["AccessToken"])

    # On a stopped server's data directory, with no delay: after the restart the newest keys sign.
    assert srv.stop() == 0
    doc = keys_json("rotate", "--pool", pool.id, "--delay", "0", "--data-dir", str(data))
    active = {k["kid"] for k in doc["keys"] if k["state"] == "active"}
    assert len(active) == 2 and all(k["generation"] == 2 for k in doc["keys"] if k["state"] == "active")
    assert {k["state"] for k in doc["keys"] if k["kid"] not in active} == {"retiring"}
    assert all(k["retires"] for k in doc["keys"] if k["kid"] not in active)
    srv = server_factory(data_dir=data, port=srv.port)
    after = client.login("alice")
    assert kid(after["AccessToken"]) in active and kid(after["IdToken"]) in active
    assert jwks_kids(srv, pool.id) == first_kids | pending | active
    assert verify(srv, pool.id, after["IdToken"])["sub"] == verify(srv, pool.id, first["IdToken"])["sub"]
    verify(srv, pool.id, after["AccessToken"])
    # Tokens of the superseded keys still verify until those retire.
    verify(srv, pool.id, during["AccessToken"])
    client.cognito.get_user(AccessToken=first["AccessToken"])
    client.cognito.get_user(AccessToken=after["AccessToken"])

    listed = keys_json("list", "--pool", pool.id, "--data-dir", str(data))
    assert [k["kid"] for k in listed["keys"]] == [k["kid"] for k in doc["keys"]]
    table = keys_cli("list", "--pool", pool.id, "--data-dir", str(data))
    assert table.returncode == 0 and table.stdout.splitlines()[0].split() == ["KID", "USE", "GEN", "CREATED", "ACTIVATES", "RETIRES", "STATE"]


def test_keys_refuse_an_unknown_pool_or_a_missing_database(server_factory, tmp_path):
    data = tmp_path / "data"
    srv = server_factory(data_dir=data)
    proc = keys_cli("rotate", "--pool", "us-east-1_Nope12345", "--data-dir", str(data))
    assert proc.returncode == 1
    assert "There is no user pool us-east-1_Nope12345" in proc.stderr
    srv.stop()

    empty = tmp_path / "empty"
    proc = keys_cli("list", "--pool", "us-east-1_Nope12345", "--data-dir", str(empty))
    assert proc.returncode == 1 and "No master key" in proc.stderr
    assert not empty.exists(), "the keys commands create neither a database nor a key"
    proc = keys_cli("list", "--pool", "us-east-1_Nope12345", "--data-dir", str(empty), env={"COGNATE_MASTER_KEY": OTHER_KEY})
    assert proc.returncode == 1 and "There is no database at" in proc.stderr
    assert not empty.exists()


def test_a_node_with_another_master_key_refuses_to_start(server_factory, tmp_path):
    data = tmp_path / "data"
    srv = server_factory(data_dir=data)
    pool, _ = pool_on(srv)
    assert srv.stop() == 0

    proc = serve_refused("--data-dir", str(data), env={"COGNATE_MASTER_KEY": OTHER_KEY})
    assert proc.returncode != 0
    assert "The master key does not match the one this database" in proc.stderr
    assert "COGNATE_MASTER_KEY" in proc.stderr
    # The CLI says the same instead of failing on the keys.
    cli = keys_cli("list", "--pool", pool.id, "--data-dir", str(data), env={"COGNATE_MASTER_KEY": OTHER_KEY})
    assert cli.returncode == 1 and "The master key does not match" in cli.stderr

    # A node pointed at the database with no key of its own makes one, is refused, and removes it.
    other = tmp_path / "other-node"
    proc = serve_refused("--data-dir", str(other), "--database-url", str(data / "cognate.sqlite"))
    assert proc.returncode != 0 and "The master key does not match" in proc.stderr
    assert "removed again" in proc.stderr
    assert not (other / "master.key").exists()

    # With the database's own key it starts and its tokens work.
    srv = server_factory(data_dir=data)
    make_boto_client(srv.endpoint).describe_user_pool(UserPoolId=pool.id)


def test_a_database_without_the_session_key_is_checked_on_its_signing_keys(server_factory, tmp_path):
    """A database holding keys but no session key yet: the start opens a signing key instead."""
    data = tmp_path / "data"
    srv = server_factory(data_dir=data)
    pool, client = pool_on(srv)
    assert srv.stop() == 0
    with sqlite3.connect(data / "cognate.sqlite") as db:
        db.execute("DELETE FROM settings WHERE key = 'session-key'")

    proc = serve_refused("--data-dir", str(data), env={"COGNATE_MASTER_KEY": OTHER_KEY})
    assert proc.returncode != 0 and "The master key does not match" in proc.stderr
    with sqlite3.connect(data / "cognate.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM settings WHERE key = 'session-key'").fetchone()[0] == 0, \
            "nothing is stored under the wrong key"

    srv = server_factory(data_dir=data, port=srv.port)
    verify(srv, pool.id, client.login("alice")["IdToken"])


# --- PostgreSQL: several nodes on one database (COGNATE_TEST_POSTGRES_URL, which scripts/test sets)


@pytest.fixture
def postgres_url(postgres_database):
    """A database of the test's own, from the suite's shared fixture (skipped without
    COGNATE_TEST_POSTGRES_URL, failed on CI)."""
    return postgres_database.url


def test_postgres_nodes_share_a_rotation_and_refuse_another_master_key(server_factory, tmp_path, postgres_url):
    first_dir = tmp_path / "node-1"
    # Nodes behind one address share a public URL, so each accepts the others' tokens.
    port = free_port()
    shared = ["--database-url", postgres_url, "--public-url", f"http://127.0.0.1:{port}"]
    node1 = server_factory(data_dir=first_dir, port=port, extra_args=shared)
    key = (first_dir / "master.key").read_text().strip()

    # A second node given no key, or another one, is refused with the reason.
    proc = serve_refused("--data-dir", str(tmp_path / "node-x"), "--database-url", postgres_url)
    assert proc.returncode != 0 and "The master key does not match" in proc.stderr
    proc = serve_refused("--data-dir", str(tmp_path / "node-x"), "--database-url", postgres_url, env={"COGNATE_MASTER_KEY": OTHER_KEY})
    assert proc.returncode != 0 and "every node on one database must be given the same key" in proc.stderr

    node2 = server_factory(data_dir=tmp_path / "node-2", extra_args=shared, env={"COGNATE_MASTER_KEY": key})
    pool, client = pool_on(node1)
    before = client.login("alice")
    assert jwks_kids(node2, pool.id) == jwks_kids(node1, pool.id)

    doc = keys_json("rotate", "--pool", pool.id, "--delay", "10m", "--database-url", postgres_url,
                    env={"COGNATE_MASTER_KEY": key})
    pending = {k["kid"] for k in doc["keys"] if k["state"] == "pending"}
    assert len(pending) == 2
    for node in (node1, node2):
        assert pending <= published_soon(node, pool.id, pending), "every node publishes the new key within a second"
        verify(node, pool.id, before["IdToken"])
    make_boto_client(node2.endpoint).get_user(AccessToken=before["AccessToken"])

    cli = keys_cli("list", "--pool", pool.id, "--database-url", postgres_url, env={"COGNATE_MASTER_KEY": OTHER_KEY})
    assert cli.returncode == 1 and "The master key does not match" in cli.stderr

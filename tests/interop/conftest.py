"""Fixtures for the interop suite.

One `cognate serve --dev` process is shared by the whole session (started on a free port with a
fresh data dir, stopped with SIGTERM at the end, which must exit 0). Tests that need their own
process (durability, server options) use `server_factory`. Server output goes to
tests/interop/artifacts/*.log; a failing test gets the tail of every live server's log attached.
"""

from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jwt
import pytest

from delivery_helpers import WEBHOOK_SECRET, Receiver, SMTPServer
from interop_helpers import (
    ARTIFACTS,
    LIVE_SERVERS,
    CognateServer,
    Node,
    Outbox,
    PoolCtx,
    make_boto_client,
    secret_hash,
    unique,
)
from postgres_helpers import Database, admin_url


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> CognateServer:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "cognate-session.log"
    if log.exists():
        log.unlink()
    extra = ["--webhook-secret", WEBHOOK_SECRET]
    # The session's server on PostgreSQL instead of SQLite: an empty database's URL.
    if os.environ.get("COGNATE_INTEROP_DATABASE_URL"):
        extra += ["--database-url", os.environ["COGNATE_INTEROP_DATABASE_URL"]]
    srv = CognateServer(tmp_path_factory.mktemp("cognate-data"), log, extra_args=extra)
    srv.start(timeout=30)
    yield srv
    if not srv.running():
        pytest.fail(
            f"the session server died during the run (exit code {srv.proc.returncode})\n"
            f"--- log tail ---\n{srv.log_tail()}"
        )
    rc = srv.stop(signal.SIGTERM, timeout=20)
    assert rc == 0, f"cognate did not shut down gracefully on SIGTERM: exit code {rc}\n--- log tail ---\n{srv.log_tail()}"


@pytest.fixture(scope="session")
def endpoint(server) -> str:
    return server.endpoint


@pytest.fixture(scope="session")
def cognito(endpoint):
    return make_boto_client(endpoint)


@pytest.fixture(scope="session")
def cognito_nv(endpoint):
    """boto3 client without client-side parameter validation, to send out-of-range values."""
    return make_boto_client(endpoint, validate=False)


@pytest.fixture(scope="session")
def make_cognito(endpoint):
    """Factory for extra boto3 clients (other regions, one per thread)."""

    def make(region: str = "us-east-1", endpoint_url: str | None = None):
        return make_boto_client(endpoint_url or endpoint, region)

    return make


@pytest.fixture(scope="session")
def outbox(endpoint) -> Outbox:
    return Outbox(endpoint)


@pytest.fixture(scope="session")
def latest_code(outbox):
    """latest_code(pool_id, username, kind=None, count=1) -> the newest code for that user."""
    return outbox.latest_code


@pytest.fixture(scope="session")
def make_secret_hash():
    return secret_hash


@pytest.fixture
def make_pool(cognito, outbox):
    """make_pool(**CreateUserPool overrides) -> PoolCtx. Pools get a unique name and, unless
    overridden, AutoVerifiedAttributes=["email"] so sign-up codes go to the outbox."""

    def make(**kwargs) -> PoolCtx:
        params = {"PoolName": unique("pool"), "AutoVerifiedAttributes": ["email"]}
        params.update(kwargs)
        params = {k: v for k, v in params.items() if v is not None}
        resp = cognito.create_user_pool(**params)
        return PoolCtx(cognito, outbox, resp["UserPool"])

    return make


@pytest.fixture
def pool(make_pool) -> PoolCtx:
    return make_pool()


@pytest.fixture
def client(pool):
    """Client without a secret, all test flows enabled."""
    return pool.client()


@pytest.fixture
def secret_client(pool):
    """Client with GenerateSecret=True, all test flows enabled."""
    return pool.client(secret=True)


@pytest.fixture
def jwks_for(endpoint):
    """jwks_for(pool_id, base=endpoint) -> a PyJWKClient on {base}/{pool_id}/.well-known/jwks.json"""

    def make(pool_id: str, base: str | None = None) -> jwt.PyJWKClient:
        return jwt.PyJWKClient(f"{base or endpoint}/{pool_id}/.well-known/jwks.json", cache_keys=False)

    return make


@pytest.fixture
def server_factory(tmp_path):
    """Start extra, function-scoped servers: server_factory(data_dir=None, **CognateServer kwargs).
    Anything still running at the end is killed (tests assert on exit codes themselves)."""
    started: list[CognateServer] = []
    counter = iter(range(1, 1000))

    def start(data_dir: Path | None = None, **kwargs) -> CognateServer:
        n = next(counter)
        data = Path(data_dir) if data_dir is not None else tmp_path / f"data-{n}"
        log = ARTIFACTS / f"cognate-{time.strftime('%H%M%S')}-{unique('srv')}.log"
        srv = CognateServer(data, log, **kwargs)
        started.append(srv)
        return srv.start(timeout=30)

    yield start
    for srv in started:
        if srv.running():
            try:
                srv.kill()
            except Exception:
                pass


@pytest.fixture
def postgres_database():
    """A new, empty PostgreSQL database of the test's own (dropped afterwards); skipped without
    COGNATE_TEST_POSTGRES_URL, failed on CI."""
    db = Database(admin_url())
    yield db
    db.drop()


# The key and public URL every node of a test's deployment shares: nodes behind one address
# issue tokens with one issuer, and read each other's sealed secrets.
CLUSTER_MASTER_KEY = "5e" * 32
CLUSTER_PUBLIC_URL = "http://cognate.example"


@pytest.fixture
def start_nodes(server_factory, tmp_path):
    """start_nodes(n, database_url, extra_args=()) -> [Node]: n nodes on one database, started
    at once, with one master key and one public URL (each with a data dir of its own)."""

    def start(n: int, database_url: str, extra_args=()) -> list[Node]:
        args = ["--database-url", database_url, "--public-url", CLUSTER_PUBLIC_URL, *extra_args]
        env = {"COGNATE_MASTER_KEY": CLUSTER_MASTER_KEY}
        with ThreadPoolExecutor(max_workers=n) as ex:
            servers = list(ex.map(lambda i: server_factory(extra_args=args, env=env), range(n)))
        return [Node(s) for s in servers]

    return start


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed and rep.when in ("setup", "call"):
        for srv in list(LIVE_SERVERS):
            rep.sections.append((f"cognate log tail ({srv.log_path.name})", srv.log_tail(40)))


@pytest.fixture(scope="session")
def receiver():
    """An HTTP receiver for trigger and SMS webhooks (signatures checked with WEBHOOK_SECRET)."""
    r = Receiver()
    yield r
    r.close()
    assert not r.errors, f"webhook requests the receiver refused: {r.errors}"


@pytest.fixture
def smtp():
    """A running aiosmtpd server on a free port (tests may stop and start it)."""
    s = SMTPServer().start()
    yield s
    s.stop()

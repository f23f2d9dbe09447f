"""PostgreSQL for the interop suite: the server the tests create their databases on, a database
of a test's own, and a throwaway server a test may stop and start (scripts/postgres-throwaway).

The rule is the Swift suite's: without COGNATE_TEST_POSTGRES_URL (an admin URL on a server where
databases may be created; scripts/test starts one) the PostgreSQL tests are skipped, except on CI
(CI=true), where that fails them.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from interop_helpers import REPO_ROOT

THROWAWAY = REPO_ROOT / "scripts" / "postgres-throwaway"
ON_CI = os.environ.get("CI", "").lower() == "true"


def admin_url() -> str:
    """COGNATE_TEST_POSTGRES_URL, or the test is skipped (failed on CI)."""
    url = os.environ.get("COGNATE_TEST_POSTGRES_URL") or ""
    if url:
        return url
    reason = ("COGNATE_TEST_POSTGRES_URL is not set (an admin URL on a PostgreSQL server where databases may be "
              "created; scripts/test starts a throwaway server when PostgreSQL is installed)")
    if ON_CI:
        pytest.fail(f"CI=true but {reason}: the multi-node and PostgreSQL tests must run on CI")
    pytest.skip(f"needs PostgreSQL: {reason}")


def with_database(url: str, name: str) -> str:
    """The URL with its database replaced (query, such as sslmode, kept)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def connect(url: str):
    try:
        import psycopg
    except ImportError:
        reason = "psycopg is not installed (python3 -m pip install -r tests/requirements.txt)"
        if ON_CI:
            pytest.fail(reason)
        pytest.skip(f"needs PostgreSQL: {reason}")
    return psycopg.connect(url, autocommit=True, connect_timeout=10)


class Database:
    """A new, empty database on the server behind `admin`; `drop()` removes it (connections and all)."""

    def __init__(self, admin: str):
        self.admin = admin
        self.name = "cognate_interop_" + uuid.uuid4().hex[:16]
        with connect(admin) as c:
            c.execute(f"CREATE DATABASE {self.name}")
        self.url = with_database(admin, self.name)

    def rows(self, sql: str, params: tuple = ()) -> list[tuple]:
        with connect(self.url) as c:
            return c.execute(sql, params).fetchall()

    def drop(self) -> None:
        with connect(self.admin) as c:
            c.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


class ThrowawayPostgres:
    """A PostgreSQL server of a test's own (scripts/postgres-throwaway), which the test may take
    down and bring up again on the same port."""

    def __init__(self):
        done = subprocess.run([str(THROWAWAY), "start"], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            reason = f"scripts/postgres-throwaway start failed: {done.stderr.strip()[-500:]}"
            if ON_CI:
                pytest.fail(f"CI=true: {reason}")
            pytest.skip(f"needs a PostgreSQL server of its own: {reason}")
        self.admin, self.dir = done.stdout.split()

    def _run(self, command: str) -> None:
        done = subprocess.run([str(THROWAWAY), command, self.dir], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, f"postgres-throwaway {command} failed: {done.stderr}"

    def down(self) -> None:
        self._run("down")

    def up(self) -> None:
        self._run("up")

    def stop(self) -> None:
        self._run("stop")

"""PostgreSQL for the interop suite: the server the tests create their databases on, and a
database of a test's own.

The rule is the Swift suite's: without COGNATE_TEST_POSTGRES_URL (an admin URL on a server where
databases may be created; scripts/test starts one) the PostgreSQL tests are skipped, except on CI
(CI=true), where that fails them.
"""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

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

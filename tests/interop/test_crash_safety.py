"""Crash safety under write load: a node killed with SIGKILL in the middle of sign-ups,
confirmations, attribute updates and group changes (on SQLite and on PostgreSQL), and a
PostgreSQL server stopped under load and started again.

Workers each walk users of their own through a fixed sequence of writes and note every write
the API acknowledged, and the one write whose answer never came (the node died, or the database
did). Afterwards every user is exactly as its acknowledged writes left it, or as the write in
flight left it (whether that one committed is unknown to the client, and either is allowed),
and no user is half-written: the store's rows for each user are all there or none are.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import botocore.exceptions
import pytest
import requests

from interop_helpers import PASSWORD, Outbox, attrs_to_dict, make_boto_client, unique, unique_email
from postgres_helpers import Database, ThrowawayPostgres

# Each user's writes, in order, and the user as each leaves it: (status, given_name, groups).
STEPS = ["sign_up", "confirm", "name_1", "join_alpha", "name_2", "leave_alpha", "join_beta"]


def expected(steps: list[str]) -> tuple | None:
    state = None
    for step in steps:
        if step == "sign_up":
            state = ("UNCONFIRMED", "v0", frozenset())
        elif step == "confirm":
            state = ("CONFIRMED", *state[1:])
        elif step.startswith("name_"):
            state = (state[0], "v" + step[-1], state[2])
        elif step.startswith("join_"):
            state = (state[0], state[1], state[2] | {step[5:]})
        elif step.startswith("leave_"):
            state = (state[0], state[1], state[2] - {step[6:]})
    return state


class Journal:
    """One user's writes: those acknowledged, and the one sent whose answer never came."""

    def __init__(self, name: str, email: str):
        self.name = name
        self.email = email
        self.acked: list[str] = []
        self.in_flight: str | None = None

    def allowed(self) -> set:
        states = {expected(self.acked)}
        if self.in_flight:
            states.add(expected(self.acked + [self.in_flight]))
        return states


# What a client sees when the node or its database is gone: the connection refused or cut, or
# Cognito's InternalErrorException. Anything else is a wrong answer.
CONNECTION_ERRORS = (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectionClosedError,
                     botocore.exceptions.ReadTimeoutError, requests.ConnectionError)


class WriteLoad:
    """`workers` threads writing through one endpoint until stopped. After a failed request a
    worker leaves that user and starts the next one, or (`stop_on_failure`: the node is gone)
    stops. Every request is timed; boto3 waits `read_timeout` seconds for an answer."""

    def __init__(self, endpoint: str, pool_id: str, client_id: str, workers: int = 6, *, sign_up_workers: int = 0,
                 stop_on_failure: bool = True, read_timeout: float = 60):
        self.endpoint = endpoint
        self.pool_id = pool_id
        self.client_id = client_id
        self.stop_on_failure = stop_on_failure
        self.read_timeout = read_timeout
        self.journals: list[Journal] = []
        self.failures: list[tuple[str, str, float]] = []  # (step, error, seconds)
        self.longest: tuple[float, str] = (0.0, "")  # the slowest request, answered or not
        self.wrong: list[str] = []  # answers that are neither success nor a clean failure
        self.stop = threading.Event()
        self.lock = threading.Lock()
        # Workers past `workers` only sign users up: more sign-ups in flight when the node dies.
        self.threads = [threading.Thread(target=self._run, args=(i, STEPS if i < workers else STEPS[:1]), daemon=True)
                        for i in range(workers + sign_up_workers)]

    def start(self) -> "WriteLoad":
        for t in self.threads:
            t.start()
        return self

    def join(self, timeout: float = 60) -> None:
        self.stop.set()
        deadline = time.monotonic() + timeout
        for t in self.threads:
            t.join(max(0.1, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self.threads), "a load worker is still waiting for an answer"

    def acked(self) -> int:
        with self.lock:
            return sum(len(j.acked) for j in self.journals)

    def _timed(self, step: str, call) -> None:
        started = time.monotonic()
        try:
            call()
        finally:
            took = time.monotonic() - started
            with self.lock:
                self.longest = max(self.longest, (took, step))

    def _run(self, worker: int, steps: list[str]) -> None:
        cognito = make_boto_client(self.endpoint, read_timeout=self.read_timeout)
        outbox = Outbox(self.endpoint)
        while not self.stop.is_set():
            journal = Journal(unique(f"w{worker}"), unique_email())
            with self.lock:
                self.journals.append(journal)
            for step in steps:
                if self.stop.is_set():
                    break
                journal.in_flight = step
                started = time.monotonic()
                try:
                    self._write(cognito, outbox, journal, step)
                except botocore.exceptions.ClientError as e:
                    err = e.response["Error"]
                    status = e.response["ResponseMetadata"]["HTTPStatusCode"]
                    if err["Code"] == "InternalErrorException" and status == 500:
                        self.failures.append((step, "InternalErrorException", time.monotonic() - started))
                    else:
                        self.wrong.append(f"{step}: HTTP {status} {err['Code']}: {err.get('Message')}")
                    break
                except CONNECTION_ERRORS as e:
                    self.failures.append((step, type(e).__name__, time.monotonic() - started))
                    if self.stop_on_failure:
                        return
                    break
                except AssertionError as e:  # no code for an acknowledged sign-up
                    self.wrong.append(f"{step}: {e}")
                    break
                journal.acked.append(step)
                journal.in_flight = None

    def _write(self, cognito, outbox: Outbox, j: Journal, step: str) -> None:
        p = self.pool_id
        if step == "sign_up":
            self._timed(step, lambda: cognito.sign_up(
                ClientId=self.client_id, Username=j.name, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": j.email}, {"Name": "given_name", "Value": "v0"}]))
        elif step == "confirm":
            # An acknowledged sign-up's code is in the dev outbox of the node that queued it.
            code = outbox.latest_code(p, j.name, "SignUp")
            self._timed(step, lambda: cognito.confirm_sign_up(ClientId=self.client_id, Username=j.name, ConfirmationCode=code))
        elif step.startswith("name_"):
            self._timed(step, lambda: cognito.admin_update_user_attributes(
                UserPoolId=p, Username=j.name, UserAttributes=[{"Name": "given_name", "Value": "v" + step[-1]}]))
        elif step.startswith("join_"):
            self._timed(step, lambda: cognito.admin_add_user_to_group(UserPoolId=p, Username=j.name, GroupName=step[5:]))
        elif step.startswith("leave_"):
            self._timed(step, lambda: cognito.admin_remove_user_from_group(UserPoolId=p, Username=j.name, GroupName=step[6:]))


def write_load_pool(endpoint: str):
    cognito = make_boto_client(endpoint)
    pool_id = cognito.create_user_pool(PoolName=unique("crash"), AutoVerifiedAttributes=["email"])["UserPool"]["Id"]
    client_id = cognito.create_user_pool_client(UserPoolId=pool_id, ClientName="load")["UserPoolClient"]["ClientId"]
    for group in ("alpha", "beta"):
        cognito.create_group(UserPoolId=pool_id, GroupName=group)
    return pool_id, client_id


def wait_until(condition, timeout: float, what: str, interval: float = 0.05):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out after {timeout}s waiting for {what}"
        time.sleep(interval)


def check_acknowledged_writes(endpoint: str, pool_id: str, load: WriteLoad) -> None:
    """Every user as its acknowledged writes (and perhaps the one in flight) left it."""
    cognito = make_boto_client(endpoint)
    wrong = []
    for j in load.journals:
        try:
            u = cognito.admin_get_user(UserPoolId=pool_id, Username=j.name)
        except cognito.exceptions.UserNotFoundException:
            actual = None
        else:
            groups = cognito.admin_list_groups_for_user(UserPoolId=pool_id, Username=j.name)["Groups"]
            actual = (u["UserStatus"], attrs_to_dict(u["UserAttributes"]).get("given_name"), frozenset(g["GroupName"] for g in groups))
        if actual not in j.allowed():
            wrong.append(f"{j.name}: acknowledged {j.acked}, in flight {j.in_flight}: found {actual}, allowed {j.allowed()}")
    assert not wrong, "\n".join(wrong)


def half_written_users(rows, pool_id: str) -> list[str]:
    """The store's rows of one pool that do not make up whole users: a user without its search
    rows or listing, search, alias or group rows without their user, and an unconfirmed user
    without the code its sign-up sent."""
    p = pool_id
    checks = {
        "user without its ListUsers rows": f"""
            SELECT u.username FROM users u WHERE u.pool_id = '{p}' AND (u.listing IS NULL OR
              (SELECT COUNT(*) FROM user_search s WHERE s.pool_id = u.pool_id AND s.username = u.username
                 AND s.attribute IN ('username', 'sub', 'cognito:user_status', 'status')) < 4)""",
        "search row without its user": f"""
            SELECT s.username FROM user_search s WHERE s.pool_id = '{p}'
              AND NOT EXISTS (SELECT 1 FROM users u WHERE u.pool_id = s.pool_id AND u.username = s.username)""",
        "alias without its user": f"""
            SELECT a.username FROM user_aliases a WHERE a.pool_id = '{p}'
              AND NOT EXISTS (SELECT 1 FROM users u WHERE u.pool_id = a.pool_id AND u.username = a.username)""",
        "group member without its user": f"""
            SELECT m.username FROM group_members m WHERE m.pool_id = '{p}'
              AND NOT EXISTS (SELECT 1 FROM users u WHERE u.pool_id = m.pool_id AND u.username = m.username)""",
        "unconfirmed user without its sign-up code": f"""
            SELECT s.username FROM user_search s WHERE s.pool_id = '{p}' AND s.attribute = 'cognito:user_status'
              AND s.value = 'unconfirmed' AND NOT EXISTS (SELECT 1 FROM codes c WHERE c.pool_id = s.pool_id
                AND c.username = s.username AND c.purpose = 'signUp')""",
    }
    return [f"{what}: {row[0]}" for what, sql in checks.items() for row in rows(sql)]


def check_listing_matches(endpoint: str, pool_id: str) -> None:
    """ListUsers (read from the listing and search rows) agrees with AdminGetUser (the user's own row)."""
    cognito = make_boto_client(endpoint)
    listed, token = [], None
    while True:
        page = cognito.list_users(UserPoolId=pool_id, Limit=60, **({"PaginationToken": token} if token else {}))
        listed += page["Users"]
        token = page.get("PaginationToken")
        if not token:
            break
    for u in listed:
        own = cognito.admin_get_user(UserPoolId=pool_id, Username=u["Username"])
        assert (u["UserStatus"], attrs_to_dict(u["Attributes"])) == (own["UserStatus"], attrs_to_dict(own["UserAttributes"])), u["Username"]


def sqlite_rows(path):
    def rows(sql: str) -> list[tuple]:
        db = sqlite3.connect(path)
        try:
            return db.execute(sql).fetchall()
        finally:
            db.close()

    return rows


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_acknowledged_writes_survive_sigkill_under_load(engine, server_factory, tmp_path, request):
    data = tmp_path / "data"
    if engine == "postgres":
        db = request.getfixturevalue("postgres_database")
        args, rows = ["--database-url", db.url], db.rows
    else:
        args, rows = [], sqlite_rows(data / "cognate.sqlite")
    node = server_factory(data_dir=data, extra_args=args)
    pool_id, client_id = write_load_pool(node.endpoint)

    load = WriteLoad(node.endpoint, pool_id, client_id, workers=4, sign_up_workers=4).start()
    wait_until(lambda: load.acked() >= 60, 60, "60 acknowledged writes")
    node.kill()
    load.join()
    assert not load.wrong, load.wrong
    assert load.failures, "the kill interrupted no request"

    again = server_factory(data_dir=data, port=node.port, extra_args=args)
    check_acknowledged_writes(again.endpoint, pool_id, load)
    assert half_written_users(rows, pool_id) == []
    check_listing_matches(again.endpoint, pool_id)


CONNECT_TIMEOUT = 2
STATEMENT_TIMEOUT = 4
# No request may take longer than the configured timeouts allow (a second for the rest).
LONGEST_REQUEST = CONNECT_TIMEOUT + STATEMENT_TIMEOUT + 1


def test_postgres_stopped_under_load_fails_cleanly_and_recovers(server_factory):
    pg = ThrowawayPostgres()
    try:
        run_outage(pg, server_factory)
    finally:
        pg.stop()


def health(node) -> tuple[int, dict, float]:
    started = time.monotonic()
    r = requests.get(node.endpoint + "/health", timeout=30)
    return r.status_code, r.json(), time.monotonic() - started


def run_outage(pg: ThrowawayPostgres, server_factory) -> None:
    db = Database(pg.admin)
    args = ["--database-url", db.url, "--public-url", "http://cognate.example",
            "--database-connect-timeout", str(CONNECT_TIMEOUT), "--database-statement-timeout", str(STATEMENT_TIMEOUT)]
    env = {"COGNATE_MASTER_KEY": "6f" * 32}
    nodes = [server_factory(extra_args=args, env=env) for _ in range(2)]
    pool_id, client_id = write_load_pool(nodes[0].endpoint)
    loads = [WriteLoad(n.endpoint, pool_id, client_id, workers=3, stop_on_failure=False, read_timeout=LONGEST_REQUEST + 5).start()
             for n in nodes]
    wait_until(lambda: all(load.acked() >= 15 for load in loads), 60, "writes acknowledged on both nodes")

    pg.down()
    for node in nodes:
        status, body, took = health(node)
        assert (status, body) == (503, {"status": "unavailable", "database": "unreachable"}), (status, body)
        assert took < CONNECT_TIMEOUT + 1, f"/health took {took:.1f}s with the database down"
    # Requests fail meanwhile (the load goes on).
    internal = lambda: sum(1 for load in loads for f in load.failures if f[1] == "InternalErrorException")
    wait_until(lambda: internal() >= 6, 30, "requests to fail while the database is down")
    pg.up()

    # The nodes recover by themselves, and writes go through again on both.
    for node in nodes:
        wait_until(lambda: health(node)[0] == 200, 30, f"{node.endpoint}/health to answer 200 again")
    acked = [load.acked() for load in loads]
    wait_until(lambda: all(load.acked() >= a + 15 for load, a in zip(loads, acked)), 60,
               "writes to be acknowledged again on both nodes")
    for load in loads:
        load.join()

    assert all(n.running() for n in nodes), "a node died while the database was down"
    wrong = [w for load in loads for w in load.wrong]
    assert not wrong, wrong
    failures = [f for load in loads for f in load.failures]
    unclean = [f for f in failures if f[1] != "InternalErrorException"]
    assert not unclean, f"requests that did not fail with InternalErrorException (step, error, seconds): {unclean}"
    longest = max(load.longest for load in loads)
    assert longest[0] < LONGEST_REQUEST, f"a request ({longest[1]}) took {longest[0]:.1f}s: {failures}"
    for load in loads:
        check_acknowledged_writes(nodes[0].endpoint, pool_id, load)
    assert half_written_users(db.rows, pool_id) == []
    check_listing_matches(nodes[1].endpoint, pool_id)

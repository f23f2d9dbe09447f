"""Concurrent writes: uniqueness must hold under races (each thread has its own boto3 client)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from botocore.exceptions import ClientError

from interop_helpers import PASSWORD, make_boto_client, unique, unique_email

N = 20


def _race(endpoint, fn_per_client):
    clients = [make_boto_client(endpoint) for _ in range(N)]
    barrier = threading.Barrier(N)

    def run(i):
        barrier.wait(timeout=30)
        try:
            fn_per_client(clients[i], i)
            return "ok"
        except ClientError as e:
            return e.response["Error"]["Code"]

    with ThreadPoolExecutor(max_workers=N) as ex:
        return list(ex.map(run, range(N)))


def test_concurrent_sign_up_same_username(endpoint, pool, client):
    name = unique("race")
    results = _race(endpoint, lambda c, i: c.sign_up(
        ClientId=client.id, Username=name, Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": unique_email()}]))
    assert results.count("ok") == 1, results
    assert results.count("UsernameExistsException") == N - 1, results
    users = pool.cognito.list_users(UserPoolId=pool.id, Filter=f'username = "{name}"')["Users"]
    assert len(users) == 1


def test_concurrent_sign_up_distinct_usernames(endpoint, pool, client):
    names = [unique(f"par{i}") for i in range(N)]
    results = _race(endpoint, lambda c, i: c.sign_up(ClientId=client.id, Username=names[i], Password=PASSWORD))
    assert results == ["ok"] * N, results
    listed = []
    token = None
    while True:
        kw = {"UserPoolId": pool.id, "Limit": 60}
        if token:
            kw["PaginationToken"] = token
        resp = pool.cognito.list_users(**kw)
        listed += [u["Username"] for u in resp["Users"]]
        token = resp.get("PaginationToken")
        if not token:
            break
    assert sorted(listed) == sorted(names)


def test_concurrent_admin_create_user_same_username(endpoint, pool):
    name = unique("adm-race")
    results = _race(endpoint, lambda c, i: c.admin_create_user(UserPoolId=pool.id, Username=name, MessageAction="SUPPRESS"))
    assert results.count("ok") == 1, results
    assert results.count("UsernameExistsException") == N - 1, results


def test_concurrent_email_sign_up_same_email(endpoint, make_pool):
    p = make_pool(UsernameAttributes=["email"])
    c = p.client()
    email = unique_email("race")
    results = _race(endpoint, lambda b, i: b.sign_up(ClientId=c.id, Username=email, Password=PASSWORD))
    assert results.count("ok") == 1, results
    assert results.count("UsernameExistsException") == N - 1, results


def test_concurrent_create_group(endpoint, pool):
    results = _race(endpoint, lambda c, i: c.create_group(UserPoolId=pool.id, GroupName="contested"))
    assert results.count("ok") == 1, results
    assert results.count("GroupExistsException") == N - 1, results

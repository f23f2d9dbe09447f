"""ListUsers: filters, AttributesToGet, pagination (contract §2.3)."""

from __future__ import annotations

import re

import pytest

from interop_helpers import PoolCtx, attrs_to_dict, expect_error, unique, unique_email

FILTER_ERROR = re.compile(r"^(Error while parsing filter\.|Invalid search attribute: .*)$")


def _all(cognito, pool_id, **kwargs) -> tuple[list[dict], int]:
    users, token, pages = [], None, 0
    while True:
        kw = {"UserPoolId": pool_id, **kwargs}
        if token:
            kw["PaginationToken"] = token
        resp = cognito.list_users(**kw)
        users.extend(resp["Users"])
        pages += 1
        token = resp.get("PaginationToken")
        if not token:
            return users, pages
        assert pages < 200


def _names(users) -> list[str]:
    return sorted(u["Username"] for u in users)


@pytest.fixture(scope="module")
def directory(cognito, outbox):
    """One pool shared by the read-only filter tests (module scope keeps the suite fast)."""
    pool = PoolCtx(cognito, outbox, cognito.create_user_pool(PoolName=unique("dir"), AutoVerifiedAttributes=["email"])["UserPool"])
    client = pool.client()
    alice_email = unique_email("alice")
    pool.create_user("alice", email=alice_email, attrs={"given_name": "Alice", "family_name": "Liddell"})
    pool.create_user("albert", email=unique_email("albert"), attrs={"given_name": "Albert"})
    pool.create_user("bob", email="bob-" + alice_email.split("-", 1)[1], attrs={"given_name": "Bob"})
    cognito.admin_disable_user(UserPoolId=pool.id, Username="bob")
    client.sign_up("carol", email=unique_email("carol"))  # UNCONFIRMED
    cognito.admin_create_user(UserPoolId=pool.id, Username="dave", MessageAction="SUPPRESS",
                              TemporaryPassword="Passw0rd!ok")  # FORCE_CHANGE_PASSWORD
    subs = {u: pool.attrs(u)["sub"] for u in ("alice", "albert", "bob", "carol", "dave")}
    emails = {u: pool.attrs(u).get("email") for u in ("alice", "albert", "bob", "carol")}
    return {"pool": pool, "subs": subs, "emails": emails}


def _filter(cognito, directory, f) -> list[str]:
    users, _ = _all(cognito, directory["pool"].id, Filter=f)
    return _names(users)


def test_no_filter_lists_everyone(cognito, directory):
    users, _ = _all(cognito, directory["pool"].id)
    assert _names(users) == ["albert", "alice", "bob", "carol", "dave"]
    for u in users:
        assert {"Username", "Attributes", "UserCreateDate", "UserLastModifiedDate", "Enabled", "UserStatus"} <= set(u)


def test_empty_filter_lists_everyone(cognito, directory):
    assert _filter(cognito, directory, "") == ["albert", "alice", "bob", "carol", "dave"]


@pytest.mark.parametrize("f", ['username = "alice"', 'username="alice"', 'username ="alice"', 'username= "alice"'])
def test_username_equals(cognito, directory, f):
    assert _filter(cognito, directory, f) == ["alice"]


@pytest.mark.parametrize("f", ['username ^= "al"', 'username^="al"'])
def test_username_prefix(cognito, directory, f):
    assert _filter(cognito, directory, f) == ["albert", "alice"]


def test_username_is_case_sensitive(cognito, directory):
    assert _filter(cognito, directory, 'username = "Alice"') == []


def test_email_filters(cognito, directory):
    e = directory["emails"]
    assert _filter(cognito, directory, f'email = "{e["alice"]}"') == ["alice"]
    assert _filter(cognito, directory, f'email="{e["carol"]}"') == ["carol"]
    assert _filter(cognito, directory, 'email ^= "alice-"') == ["alice"]
    assert _filter(cognito, directory, 'email^="b"') == ["bob"]


def test_given_name_filters(cognito, directory):
    assert _filter(cognito, directory, 'given_name = "Alice"') == ["alice"]
    assert _filter(cognito, directory, 'given_name ^= "Al"') == ["albert", "alice"]
    assert _filter(cognito, directory, 'family_name = "Liddell"') == ["alice"]


def test_user_status_filter(cognito, directory):
    assert _filter(cognito, directory, 'cognito:user_status = "UNCONFIRMED"') == ["carol"]
    assert _filter(cognito, directory, 'cognito:user_status="FORCE_CHANGE_PASSWORD"') == ["dave"]
    assert _filter(cognito, directory, 'cognito:user_status = "CONFIRMED"') == ["albert", "alice", "bob"]
    # values are matched case-insensitively
    assert _filter(cognito, directory, 'cognito:user_status = "unconfirmed"') == ["carol"]


def test_enabled_status_filter(cognito, directory):
    assert _filter(cognito, directory, 'status = "Disabled"') == ["bob"]
    assert _filter(cognito, directory, 'status="Enabled"') == ["albert", "alice", "carol", "dave"]


def test_sub_filter(cognito, directory):
    sub = directory["subs"]["carol"]
    assert _filter(cognito, directory, f'sub = "{sub}"') == ["carol"]
    assert _filter(cognito, directory, f'sub ^= "{sub[:8]}"') == ["carol"]


def test_filter_without_match(cognito, directory):
    assert _filter(cognito, directory, 'username = "zelda"') == []
    assert _filter(cognito, directory, 'email ^= "nobody-at-all"') == []


@pytest.mark.parametrize("f", [
    'username = alice',             # unquoted value
    'username == "alice"',          # unknown operator
    'username',                     # no operator
    'nonsense',
    'username = "alice" and email = "x"',
    'foo = "bar"',                  # not a searchable attribute
    'custom:tier = "gold"',         # custom attributes are not searchable
])
def test_bad_filter(cognito, directory, f):
    expect_error(cognito.list_users, "InvalidParameterException", FILTER_ERROR,
                 UserPoolId=directory["pool"].id, Filter=f)


def test_attributes_to_get(cognito, directory):
    users, _ = _all(cognito, directory["pool"].id, AttributesToGet=["email"])
    assert len(users) == 5
    for u in users:
        names = {a["Name"] for a in u.get("Attributes", [])}
        assert names <= {"email", "sub"}, f"{u['Username']}: unexpected attributes {names}"
        if u["Username"] != "dave":
            assert "email" in names
    alice = next(u for u in users if u["Username"] == "alice")
    assert attrs_to_dict(alice["Attributes"])["email"] == directory["emails"]["alice"]


def test_limit_and_pagination(cognito, make_pool):
    p = make_pool()
    names = {f"user-{i:02d}" for i in range(7)}
    for n in names:
        p.create_user(n)
    users, pages = _all(cognito, p.id, Limit=3)
    got = [u["Username"] for u in users]
    assert len(got) == len(set(got)), f"duplicates across pages: {got}"
    assert set(got) == names
    assert pages == 3
    first = cognito.list_users(UserPoolId=p.id, Limit=3)
    assert len(first["Users"]) == 3 and first["PaginationToken"]


def test_filter_is_applied_before_limit(cognito, make_pool):
    p = make_pool()
    for i in range(10):
        p.create_user(f"{'zz' if i in (3, 8) else 'aa'}-user-{i}")
    first = cognito.list_users(UserPoolId=p.id, Filter='username ^= "zz"', Limit=1)
    assert len(first["Users"]) == 1 and first["Users"][0]["Username"].startswith("zz")
    users, _ = _all(cognito, p.id, Filter='username ^= "zz"', Limit=1)
    assert _names(users) == ["zz-user-3", "zz-user-8"]


def test_limit_out_of_range(cognito, pool):
    expect_error(cognito.list_users, "InvalidParameterException", UserPoolId=pool.id, Limit=61)


def test_list_users_unknown_pool(cognito):
    expect_error(cognito.list_users, "ResourceNotFoundException", UserPoolId="us-east-1_000000000")


def test_email_pool_username_filter_matches_uuid(cognito, make_pool):
    p = make_pool(UsernameAttributes=["email"])
    email = unique_email()
    sub = p.create_user(email)
    assert _names(_all(cognito, p.id, Filter=f'username = "{sub}"')[0]) == [sub]
    assert _names(_all(cognito, p.id, Filter=f'email = "{email}"')[0]) == [sub]
    assert _all(cognito, p.id, Filter=f'username = "{email}"')[0] == []

"""Groups and membership (contract §2.1)."""

from __future__ import annotations

import datetime as dt

from interop_helpers import MSG_NO_USER, expect_error

ROLE = "arn:aws:iam::123456789012:role/test-role"


def _walk(fn, key, **kwargs):
    items, token, pages = [], None, 0
    while True:
        kw = dict(kwargs)
        if token:
            kw["NextToken"] = token
        resp = fn(**kw)
        items.extend(resp[key])
        pages += 1
        token = resp.get("NextToken")
        if not token:
            return items, pages
        assert pages < 100


def test_create_and_get_group(cognito, pool):
    g = cognito.create_group(UserPoolId=pool.id, GroupName="admins", Description="Admins", Precedence=1,
                             RoleArn=ROLE)["Group"]
    assert g["GroupName"] == "admins"
    assert g["UserPoolId"] == pool.id
    assert g["Description"] == "Admins"
    assert g["Precedence"] == 1
    assert g["RoleArn"] == ROLE
    assert isinstance(g["CreationDate"], dt.datetime)
    assert isinstance(g["LastModifiedDate"], dt.datetime)
    got = cognito.get_group(UserPoolId=pool.id, GroupName="admins")["Group"]
    assert {k: got[k] for k in ("GroupName", "UserPoolId", "Description", "Precedence", "RoleArn")} == \
           {k: g[k] for k in ("GroupName", "UserPoolId", "Description", "Precedence", "RoleArn")}


def test_duplicate_group(cognito, pool):
    cognito.create_group(UserPoolId=pool.id, GroupName="dups")
    expect_error(cognito.create_group, "GroupExistsException", "A group with the name already exists.",
                 UserPoolId=pool.id, GroupName="dups")


def test_same_group_name_in_two_pools(cognito, make_pool):
    a, b = make_pool(), make_pool()
    cognito.create_group(UserPoolId=a.id, GroupName="g")
    cognito.create_group(UserPoolId=b.id, GroupName="g")
    assert cognito.get_group(UserPoolId=b.id, GroupName="g")["Group"]["UserPoolId"] == b.id


def test_get_unknown_group(cognito, pool):
    expect_error(cognito.get_group, "ResourceNotFoundException", UserPoolId=pool.id, GroupName="nope")
    expect_error(cognito.create_group, "ResourceNotFoundException", UserPoolId="us-east-1_000000000", GroupName="g")


def test_list_groups_pagination(cognito, pool):
    names = {f"group-{i}" for i in range(5)}
    for n in names:
        cognito.create_group(UserPoolId=pool.id, GroupName=n)
    groups, pages = _walk(cognito.list_groups, "Groups", UserPoolId=pool.id, Limit=2)
    got = [g["GroupName"] for g in groups]
    assert len(got) == len(set(got)), "a group appeared twice"
    assert set(got) == names
    assert pages == 3
    assert all(g["UserPoolId"] == pool.id for g in groups)


def test_update_group(cognito, pool):
    cognito.create_group(UserPoolId=pool.id, GroupName="ug", Description="before", Precedence=5)
    g = cognito.update_group(UserPoolId=pool.id, GroupName="ug", Description="after", Precedence=2)["Group"]
    assert g["Description"] == "after" and g["Precedence"] == 2
    got = cognito.get_group(UserPoolId=pool.id, GroupName="ug")["Group"]
    assert got["Description"] == "after"
    assert got["Precedence"] == 2
    expect_error(cognito.update_group, "ResourceNotFoundException", UserPoolId=pool.id, GroupName="nope", Description="x")


def test_delete_group(cognito, pool):
    pool.create_user("m")
    cognito.create_group(UserPoolId=pool.id, GroupName="dg")
    cognito.admin_add_user_to_group(UserPoolId=pool.id, Username="m", GroupName="dg")
    cognito.delete_group(UserPoolId=pool.id, GroupName="dg")
    expect_error(cognito.get_group, "ResourceNotFoundException", UserPoolId=pool.id, GroupName="dg")
    expect_error(cognito.delete_group, "ResourceNotFoundException", UserPoolId=pool.id, GroupName="dg")
    assert cognito.admin_list_groups_for_user(UserPoolId=pool.id, Username="m")["Groups"] == []


def test_membership(cognito, pool):
    for u in ("u1", "u2", "u3"):
        pool.create_user(u)
    cognito.create_group(UserPoolId=pool.id, GroupName="team", Precedence=3)
    cognito.create_group(UserPoolId=pool.id, GroupName="leads", Precedence=1)
    for u in ("u1", "u2"):
        cognito.admin_add_user_to_group(UserPoolId=pool.id, Username=u, GroupName="team")
    cognito.admin_add_user_to_group(UserPoolId=pool.id, Username="u1", GroupName="leads")

    groups = cognito.admin_list_groups_for_user(UserPoolId=pool.id, Username="u1")["Groups"]
    assert {g["GroupName"]: g["Precedence"] for g in groups} == {"team": 3, "leads": 1}
    assert cognito.admin_list_groups_for_user(UserPoolId=pool.id, Username="u3")["Groups"] == []

    users = cognito.list_users_in_group(UserPoolId=pool.id, GroupName="team")["Users"]
    assert {u["Username"] for u in users} == {"u1", "u2"}
    for u in users:
        assert u["UserStatus"] == "CONFIRMED"
        assert any(a["Name"] == "sub" for a in u["Attributes"])

    cognito.admin_remove_user_from_group(UserPoolId=pool.id, Username="u1", GroupName="team")
    assert {u["Username"] for u in cognito.list_users_in_group(UserPoolId=pool.id, GroupName="team")["Users"]} == {"u2"}
    assert [g["GroupName"] for g in cognito.admin_list_groups_for_user(UserPoolId=pool.id, Username="u1")["Groups"]] == ["leads"]


def test_list_users_in_group_pagination(cognito, pool):
    cognito.create_group(UserPoolId=pool.id, GroupName="big")
    names = {f"member-{i}" for i in range(5)}
    for n in names:
        pool.create_user(n)
        cognito.admin_add_user_to_group(UserPoolId=pool.id, Username=n, GroupName="big")
    users, pages = _walk(cognito.list_users_in_group, "Users", UserPoolId=pool.id, GroupName="big", Limit=2)
    got = [u["Username"] for u in users]
    assert len(got) == len(set(got))
    assert set(got) == names
    assert pages == 3


def test_admin_list_groups_for_user_pagination(cognito, pool):
    pool.create_user("many")
    names = {f"g{i}" for i in range(5)}
    for n in names:
        cognito.create_group(UserPoolId=pool.id, GroupName=n)
        cognito.admin_add_user_to_group(UserPoolId=pool.id, Username="many", GroupName=n)
    groups, pages = _walk(cognito.admin_list_groups_for_user, "Groups", UserPoolId=pool.id, Username="many", Limit=2)
    got = [g["GroupName"] for g in groups]
    assert len(got) == len(set(got))
    assert set(got) == names
    assert pages == 3


def test_membership_errors(cognito, pool):
    pool.create_user("someone")
    cognito.create_group(UserPoolId=pool.id, GroupName="real")
    expect_error(cognito.admin_add_user_to_group, "UserNotFoundException", MSG_NO_USER,
                 UserPoolId=pool.id, Username="nobody", GroupName="real")
    expect_error(cognito.admin_add_user_to_group, "ResourceNotFoundException",
                 UserPoolId=pool.id, Username="someone", GroupName="ghost")
    expect_error(cognito.admin_remove_user_from_group, "UserNotFoundException",
                 UserPoolId=pool.id, Username="nobody", GroupName="real")
    expect_error(cognito.admin_list_groups_for_user, "UserNotFoundException", UserPoolId=pool.id, Username="nobody")
    expect_error(cognito.list_users_in_group, "ResourceNotFoundException", UserPoolId=pool.id, GroupName="ghost")


def test_deleted_user_leaves_groups(cognito, pool):
    pool.create_user("gone")
    pool.create_user("stays")
    cognito.create_group(UserPoolId=pool.id, GroupName="g")
    for u in ("gone", "stays"):
        cognito.admin_add_user_to_group(UserPoolId=pool.id, Username=u, GroupName="g")
    cognito.admin_delete_user(UserPoolId=pool.id, Username="gone")
    assert [u["Username"] for u in cognito.list_users_in_group(UserPoolId=pool.id, GroupName="g")["Users"]] == ["stays"]

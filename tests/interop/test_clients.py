"""User pool clients (contract §2.1 and "Client defaults")."""

from __future__ import annotations

import re

from interop_helpers import ALL_TEST_FLOWS, PASSWORD, expect_error, unique

CLIENT_ID_RE = re.compile(r"^[a-z0-9]{26}$")
DEFAULT_FLOWS = {"ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH", "ALLOW_CUSTOM_AUTH"}


def test_create_client_without_secret(cognito, pool):
    name = unique("client")
    c = cognito.create_user_pool_client(UserPoolId=pool.id, ClientName=name, ExplicitAuthFlows=ALL_TEST_FLOWS)["UserPoolClient"]
    assert CLIENT_ID_RE.match(c["ClientId"]), c["ClientId"]
    assert c["UserPoolId"] == pool.id
    assert c["ClientName"] == name
    assert "ClientSecret" not in c
    assert set(c["ExplicitAuthFlows"]) == set(ALL_TEST_FLOWS)
    assert "CreationDate" in c and "LastModifiedDate" in c


def test_create_client_with_secret(cognito, pool):
    c = cognito.create_user_pool_client(UserPoolId=pool.id, ClientName=unique("c"), GenerateSecret=True)["UserPoolClient"]
    secret = c["ClientSecret"]
    assert re.fullmatch(r"[a-z0-9]{24,64}", secret), secret
    d = cognito.describe_user_pool_client(UserPoolId=pool.id, ClientId=c["ClientId"])["UserPoolClient"]
    assert d["ClientSecret"] == secret


def test_client_ids_and_secrets_are_unique(cognito, pool):
    made = [cognito.create_user_pool_client(UserPoolId=pool.id, ClientName="same-name", GenerateSecret=True)["UserPoolClient"]
            for _ in range(3)]
    assert len({c["ClientId"] for c in made}) == 3
    assert len({c["ClientSecret"] for c in made}) == 3


def test_default_explicit_auth_flows(cognito, pool):
    c = cognito.create_user_pool_client(UserPoolId=pool.id, ClientName=unique("c"))["UserPoolClient"]
    assert set(c["ExplicitAuthFlows"]) == DEFAULT_FLOWS
    d = cognito.describe_user_pool_client(UserPoolId=pool.id, ClientId=c["ClientId"])["UserPoolClient"]
    assert set(d["ExplicitAuthFlows"]) == DEFAULT_FLOWS


def test_describe_client_round_trips_settings(cognito, pool):
    c = cognito.create_user_pool_client(
        UserPoolId=pool.id, ClientName=unique("c"),
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=5, IdTokenValidity=10, RefreshTokenValidity=2,
        TokenValidityUnits={"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
        ReadAttributes=["email", "nickname"], WriteAttributes=["nickname"],
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]
    d = cognito.describe_user_pool_client(UserPoolId=pool.id, ClientId=c["ClientId"])["UserPoolClient"]
    assert d["ClientId"] == c["ClientId"]
    assert d["ClientName"] == c["ClientName"]
    assert set(d["ExplicitAuthFlows"]) == {"ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    assert d["AccessTokenValidity"] == 5
    assert d["IdTokenValidity"] == 10
    assert d["RefreshTokenValidity"] == 2
    assert d["TokenValidityUnits"]["AccessToken"] == "minutes"
    assert d["TokenValidityUnits"]["IdToken"] == "minutes"
    assert d["TokenValidityUnits"]["RefreshToken"] == "days"
    assert set(d["ReadAttributes"]) == {"email", "nickname"}
    assert set(d["WriteAttributes"]) == {"nickname"}
    assert d["PreventUserExistenceErrors"] == "ENABLED"


def test_describe_unknown_client(cognito, pool):
    expect_error(cognito.describe_user_pool_client, "ResourceNotFoundException",
                 "User pool client abcdefghijklmnopqrstuvwxyz does not exist.",
                 UserPoolId=pool.id, ClientId="abcdefghijklmnopqrstuvwxyz")


def test_client_of_another_pool_is_not_found(cognito, make_pool):
    a, b = make_pool(), make_pool()
    c = a.client()
    expect_error(cognito.describe_user_pool_client, "ResourceNotFoundException", UserPoolId=b.id, ClientId=c.id)


def test_create_client_in_unknown_pool(cognito):
    expect_error(cognito.create_user_pool_client, "ResourceNotFoundException",
                 UserPoolId="us-east-1_000000000", ClientName="c")


def test_list_user_pool_clients_pagination(cognito, pool):
    made = {pool.client().id for _ in range(5)}
    seen = []
    token = None
    pages = 0
    while True:
        kwargs = {"UserPoolId": pool.id, "MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        resp = cognito.list_user_pool_clients(**kwargs)
        pages += 1
        assert len(resp["UserPoolClients"]) <= 2
        for c in resp["UserPoolClients"]:
            assert c["UserPoolId"] == pool.id
            assert c["ClientName"]
            assert "ClientSecret" not in c
            seen.append(c["ClientId"])
        token = resp.get("NextToken")
        if not token:
            break
        assert pages < 100
    assert sorted(seen) == sorted(made)
    assert pages == 3


def test_update_client(cognito, pool):
    c = pool.client(secret=True)
    resp = cognito.update_user_pool_client(
        UserPoolId=pool.id, ClientId=c.id, ClientName="renamed",
        ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        AccessTokenValidity=2, TokenValidityUnits={"AccessToken": "hours"},
    )["UserPoolClient"]
    assert resp["ClientName"] == "renamed"
    d = cognito.describe_user_pool_client(UserPoolId=pool.id, ClientId=c.id)["UserPoolClient"]
    assert d["ClientName"] == "renamed"
    assert set(d["ExplicitAuthFlows"]) == {"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}
    assert d["AccessTokenValidity"] == 2
    assert d["ClientSecret"] == c.secret, "updating a client must not change its secret"
    # the flows take effect: USER_PASSWORD_AUTH is now off
    pool.create_user("u1")
    expect_error(cognito.initiate_auth, "InvalidParameterException",
                 "USER_PASSWORD_AUTH flow not enabled for this client",
                 ClientId=c.id, AuthFlow="USER_PASSWORD_AUTH",
                 AuthParameters={"USERNAME": "u1", "PASSWORD": PASSWORD, "SECRET_HASH": c.hash("u1")})


def test_update_unknown_client(cognito, pool):
    expect_error(cognito.update_user_pool_client, "ResourceNotFoundException",
                 UserPoolId=pool.id, ClientId="abcdefghijklmnopqrstuvwxyz", ClientName="x")


def test_delete_client(cognito, pool):
    c = pool.client()
    cognito.delete_user_pool_client(UserPoolId=pool.id, ClientId=c.id)
    expect_error(cognito.describe_user_pool_client, "ResourceNotFoundException",
                 f"User pool client {c.id} does not exist.", UserPoolId=pool.id, ClientId=c.id)
    expect_error(cognito.delete_user_pool_client, "ResourceNotFoundException", UserPoolId=pool.id, ClientId=c.id)
    expect_error(cognito.sign_up, "ResourceNotFoundException", ClientId=c.id, Username="x", Password=PASSWORD)


def test_legacy_and_allow_flows_cannot_be_mixed(cognito, pool):
    expect_error(cognito.create_user_pool_client, "InvalidParameterException",
                 UserPoolId=pool.id, ClientName="c", ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH", "ALLOW_USER_SRP_AUTH"])


def test_unknown_explicit_auth_flow(cognito, pool):
    expect_error(cognito.create_user_pool_client, "InvalidParameterException",
                 UserPoolId=pool.id, ClientName="c", ExplicitAuthFlows=["ALLOW_EVERYTHING"])


def test_token_validity_out_of_range(cognito, pool):
    expect_error(cognito.create_user_pool_client, "InvalidParameterException",
                 UserPoolId=pool.id, ClientName="c", AccessTokenValidity=2,
                 TokenValidityUnits={"AccessToken": "minutes"})
    expect_error(cognito.create_user_pool_client, "InvalidParameterException",
                 UserPoolId=pool.id, ClientName="c", IdTokenValidity=2, TokenValidityUnits={"IdToken": "days"})

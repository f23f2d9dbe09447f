"""Persistence across restarts: graceful (SIGTERM) and abrupt (SIGKILL after an acknowledged write).
Each test runs its own server instance on its own data dir."""

from __future__ import annotations

import signal

import jwt
import requests

from interop_helpers import NEW_PASSWORD, PASSWORD, Outbox, PoolCtx, attrs_to_dict, make_boto_client, unique, unique_email


def _seed(endpoint):
    cognito = make_boto_client(endpoint)
    pool = PoolCtx(cognito, Outbox(endpoint), cognito.create_user_pool(PoolName=unique("durable"))["UserPool"])
    client = pool.client(secret=True)
    email = unique_email()
    pool.create_user("keeper", email=email, attrs={"given_name": "Kim"})
    cognito.create_group(UserPoolId=pool.id, GroupName="vault", Precedence=4)
    cognito.admin_add_user_to_group(UserPoolId=pool.id, Username="keeper", GroupName="vault")
    tokens = client.login("keeper")
    return cognito, pool, client, email, tokens


def _check(endpoint, pool, client, email, tokens, password=PASSWORD):
    cognito = make_boto_client(endpoint)
    d = cognito.describe_user_pool(UserPoolId=pool.id)["UserPool"]
    assert d["Name"] == pool.pool["Name"]
    dc = cognito.describe_user_pool_client(UserPoolId=pool.id, ClientId=client.id)["UserPoolClient"]
    assert dc["ClientSecret"] == client.secret
    u = cognito.admin_get_user(UserPoolId=pool.id, Username="keeper")
    a = attrs_to_dict(u["UserAttributes"])
    assert a["email"] == email and a["given_name"] == "Kim"
    assert u["UserStatus"] == "CONFIRMED"
    groups = cognito.admin_list_groups_for_user(UserPoolId=pool.id, Username="keeper")["Groups"]
    assert [(g["GroupName"], g["Precedence"]) for g in groups] == [("vault", 4)]
    # the password still verifies
    resp = cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": "keeper", "PASSWORD": password,
                                                 "SECRET_HASH": client.hash("keeper")})
    assert resp["AuthenticationResult"]["AccessToken"]
    # tokens issued before the restart are still honoured (signing keys and refresh tokens persisted)
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == "keeper"
    refreshed = cognito.initiate_auth(ClientId=client.id, AuthFlow="REFRESH_TOKEN_AUTH",
                                      AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"],
                                                      "SECRET_HASH": client.hash("keeper")})
    assert refreshed["AuthenticationResult"]["IdToken"]
    jwks = jwt.PyJWKClient(f"{endpoint}/{pool.id}/.well-known/jwks.json", cache_keys=False)
    key = jwks.get_signing_key_from_jwt(tokens["IdToken"]).key
    claims = jwt.decode(tokens["IdToken"], key, algorithms=["RS256"], audience=client.id, issuer=f"{endpoint}/{pool.id}")
    assert claims["cognito:username"] == "keeper"


def test_data_survives_graceful_restart(server_factory, tmp_path):
    data = tmp_path / "durable-data"
    s1 = server_factory(data_dir=data)
    cognito, pool, client, email, tokens = _seed(s1.endpoint)
    kids_before = {k["kid"] for k in requests.get(f"{s1.endpoint}/{pool.id}/.well-known/jwks.json", timeout=10).json()["keys"]}
    rc = s1.stop(signal.SIGTERM)
    assert rc == 0, f"SIGTERM must shut down cleanly, got exit code {rc}\n{s1.log_tail()}"

    s2 = server_factory(data_dir=data, port=s1.port)  # same port: the issuer includes it
    kids_after = {k["kid"] for k in requests.get(f"{s2.endpoint}/{pool.id}/.well-known/jwks.json", timeout=10).json()["keys"]}
    assert kids_after == kids_before, "signing keys must persist across restarts"
    _check(s2.endpoint, pool, client, email, tokens)
    assert s2.stop(signal.SIGTERM) == 0


def test_acknowledged_writes_survive_sigkill(server_factory, tmp_path):
    data = tmp_path / "crash-data"
    s1 = server_factory(data_dir=data)
    cognito, pool, client, email, tokens = _seed(s1.endpoint)
    # the last acknowledged writes before the crash
    cognito.admin_set_user_password(UserPoolId=pool.id, Username="keeper", Password=NEW_PASSWORD, Permanent=True)
    cognito.admin_update_user_attributes(UserPoolId=pool.id, Username="keeper",
                                         UserAttributes=[{"Name": "family_name", "Value": "Crash"}])
    s1.kill()

    s2 = server_factory(data_dir=data, port=s1.port)
    assert attrs_to_dict(make_boto_client(s2.endpoint).admin_get_user(
        UserPoolId=pool.id, Username="keeper")["UserAttributes"])["family_name"] == "Crash"
    _check(s2.endpoint, pool, client, email, tokens, password=NEW_PASSWORD)


def test_revocation_survives_restart(server_factory, tmp_path):
    data = tmp_path / "revoke-data"
    s1 = server_factory(data_dir=data)
    cognito, pool, client, email, tokens = _seed(s1.endpoint)
    cognito.global_sign_out(AccessToken=tokens["AccessToken"])
    assert s1.stop(signal.SIGTERM) == 0
    s2 = server_factory(data_dir=data, port=s1.port)
    c2 = make_boto_client(s2.endpoint)
    try:
        c2.get_user(AccessToken=tokens["AccessToken"])
        raise AssertionError("a revoked access token was accepted after a restart")
    except c2.exceptions.NotAuthorizedException:
        pass
    try:
        c2.initiate_auth(ClientId=client.id, AuthFlow="REFRESH_TOKEN_AUTH",
                         AuthParameters={"REFRESH_TOKEN": tokens["RefreshToken"], "SECRET_HASH": client.hash("keeper")})
        raise AssertionError("a revoked refresh token was accepted after a restart")
    except c2.exceptions.NotAuthorizedException:
        pass


def test_deleted_pool_stays_deleted(server_factory, tmp_path):
    data = tmp_path / "delete-data"
    s1 = server_factory(data_dir=data)
    c1 = make_boto_client(s1.endpoint)
    keep = c1.create_user_pool(PoolName=unique("keep"))["UserPool"]["Id"]
    gone = c1.create_user_pool(PoolName=unique("gone"))["UserPool"]["Id"]
    c1.delete_user_pool(UserPoolId=gone)
    s1.kill()
    s2 = server_factory(data_dir=data, port=s1.port)
    c2 = make_boto_client(s2.endpoint)
    assert c2.describe_user_pool(UserPoolId=keep)["UserPool"]["Id"] == keep
    try:
        c2.describe_user_pool(UserPoolId=gone)
        raise AssertionError("a deleted pool came back after a restart")
    except c2.exceptions.ResourceNotFoundException:
        pass

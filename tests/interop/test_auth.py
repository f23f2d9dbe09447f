"""InitiateAuth / AdminInitiateAuth / (Admin)RespondToAuthChallenge (contract §2.2, §4, §7)."""

from __future__ import annotations

import json

import pytest

from interop_helpers import (
    MSG_BAD_CREDENTIALS,
    MSG_NO_UPPER,
    MSG_NO_USER,
    NEW_PASSWORD,
    PASSWORD,
    expect_error,
    jwt_segments,
    unique_email,
)


def _assert_tokens(resp: dict, *, refresh: bool = True, expires_in: int = 3600) -> dict:
    assert "ChallengeName" not in resp, resp
    assert resp.get("ChallengeParameters", {}) == {}
    ar = resp["AuthenticationResult"]
    assert ar["TokenType"] == "Bearer"
    assert ar["ExpiresIn"] == expires_in
    for k in ("AccessToken", "IdToken"):
        assert ar[k].count(".") == 2, f"{k} is not a JWT"
    if refresh:
        assert ar["RefreshToken"], "RefreshToken missing"
    else:
        assert "RefreshToken" not in ar, "refresh flows must not return a new refresh token (no rotation)"
    return ar


# --- USER_PASSWORD_AUTH -------------------------------------------------------------------------


def test_user_password_auth(cognito, pool, client):
    pool.create_user("upa")
    resp = client.initiate("upa")
    ar = _assert_tokens(resp)
    assert "ChallengeParameters" in resp and resp["ChallengeParameters"] == {}
    assert cognito.get_user(AccessToken=ar["AccessToken"])["Username"] == "upa"


def test_user_password_auth_wrong_password(pool, client):
    pool.create_user("wp")
    expect_error(client.initiate, "NotAuthorizedException", MSG_BAD_CREDENTIALS, username="wp", password="Wr0ng-password!")


def test_user_password_auth_unknown_user(client):
    expect_error(client.initiate, "UserNotFoundException", MSG_NO_USER, username="nobody")


def test_prevent_user_existence_errors(cognito, pool):
    c = pool.client(PreventUserExistenceErrors="ENABLED")
    expect_error(c.initiate, "NotAuthorizedException", MSG_BAD_CREDENTIALS, username="nobody")
    expect_error(c.admin_initiate, "NotAuthorizedException", MSG_BAD_CREDENTIALS, username="nobody")


def test_user_password_auth_not_enabled(cognito, pool):
    c = pool.client(flows=["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"])
    pool.create_user("ne")
    expect_error(c.initiate, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client", username="ne")


def test_user_password_auth_not_enabled_by_default(cognito, pool):
    pool.create_user("nd")
    cid = cognito.create_user_pool_client(UserPoolId=pool.id, ClientName="defaults")["UserPoolClient"]["ClientId"]
    expect_error(cognito.initiate_auth, "InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client",
                 ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "nd", "PASSWORD": PASSWORD})


def test_unknown_client(cognito):
    expect_error(cognito.initiate_auth, "ResourceNotFoundException", ClientId="abcdefghijklmnopqrstuvwxyz",
                 AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "u", "PASSWORD": PASSWORD})


def test_missing_password_parameter(cognito, pool, client):
    pool.create_user("mp")
    expect_error(cognito.initiate_auth, "InvalidParameterException", ClientId=client.id,
                 AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "mp"})


def test_admin_flow_via_public_initiate_auth_is_rejected(cognito, pool, client):
    pool.create_user("ap")
    expect_error(cognito.initiate_auth, "InvalidParameterException", ClientId=client.id,
                 AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "ap", "PASSWORD": PASSWORD})


# --- ADMIN_USER_PASSWORD_AUTH / ADMIN_NO_SRP_AUTH ----------------------------------------------


@pytest.mark.parametrize("flow", ["ADMIN_USER_PASSWORD_AUTH", "ADMIN_NO_SRP_AUTH"])
def test_admin_user_password_auth(cognito, pool, client, flow):
    pool.create_user("adm")
    ar = _assert_tokens(client.admin_initiate("adm", flow=flow))
    assert cognito.get_user(AccessToken=ar["AccessToken"])["Username"] == "adm"
    expect_error(client.admin_initiate, "NotAuthorizedException", MSG_BAD_CREDENTIALS,
                 username="adm", password="Wr0ng-password!", flow=flow)
    expect_error(client.admin_initiate, "UserNotFoundException", MSG_NO_USER, username="nobody", flow=flow)


def test_admin_flow_not_enabled(cognito, pool):
    c = pool.client(flows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    pool.create_user("ane")
    e = expect_error(c.admin_initiate, "InvalidParameterException", username="ane")
    assert e.response["Error"]["Message"].endswith("flow not enabled for this client"), e.response["Error"]


def test_admin_initiate_auth_client_of_other_pool(cognito, make_pool):
    a, b = make_pool(), make_pool()
    cb = b.client()
    a.create_user("x")
    expect_error(cognito.admin_initiate_auth, "ResourceNotFoundException", UserPoolId=a.id, ClientId=cb.id,
                 AuthFlow="ADMIN_USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "x", "PASSWORD": PASSWORD})


# --- user states --------------------------------------------------------------------------------


def test_disabled_user(cognito, pool, client):
    pool.create_user("dis")
    cognito.admin_disable_user(UserPoolId=pool.id, Username="dis")
    expect_error(client.initiate, "NotAuthorizedException", "User is disabled.", username="dis")
    expect_error(client.admin_initiate, "NotAuthorizedException", "User is disabled.", username="dis")


def test_unconfirmed_user_even_with_wrong_password(cognito, pool, client):
    client.sign_up("unc", email=unique_email())
    expect_error(client.initiate, "UserNotConfirmedException", "User is not confirmed.", username="unc")
    expect_error(client.initiate, "UserNotConfirmedException", "User is not confirmed.", username="unc",
                 password="Wr0ng-password!")


def test_reset_required_user(cognito, pool, client):
    pool.create_user("rr", email=unique_email())
    cognito.admin_reset_user_password(UserPoolId=pool.id, Username="rr")
    expect_error(client.initiate, "PasswordResetRequiredException", "Password reset required for the user", username="rr")
    expect_error(client.admin_initiate, "PasswordResetRequiredException", "Password reset required for the user", username="rr")


# --- secret hash ----------------------------------------------------------------------------------


def test_secret_hash_on_initiate_auth(cognito, pool, secret_client):
    pool.create_user("sh")
    cid = secret_client.id
    expect_error(cognito.initiate_auth, "NotAuthorizedException",
                 f"Client {cid} is configured for secret but secret was not received",
                 ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "sh", "PASSWORD": PASSWORD})
    expect_error(cognito.initiate_auth, "NotAuthorizedException", f"Unable to verify secret hash for client {cid}",
                 ClientId=cid, AuthFlow="USER_PASSWORD_AUTH",
                 AuthParameters={"USERNAME": "sh", "PASSWORD": PASSWORD, "SECRET_HASH": secret_client.hash("other")})
    _assert_tokens(secret_client.initiate("sh"))


def test_secret_hash_on_admin_initiate_auth(cognito, pool, secret_client):
    pool.create_user("ash")
    cid = secret_client.id
    expect_error(cognito.admin_initiate_auth, "NotAuthorizedException",
                 f"Client {cid} is configured for secret but secret was not received",
                 UserPoolId=pool.id, ClientId=cid, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                 AuthParameters={"USERNAME": "ash", "PASSWORD": PASSWORD})
    expect_error(cognito.admin_initiate_auth, "NotAuthorizedException", f"Unable to verify secret hash for client {cid}",
                 UserPoolId=pool.id, ClientId=cid, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                 AuthParameters={"USERNAME": "ash", "PASSWORD": PASSWORD, "SECRET_HASH": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="})
    _assert_tokens(secret_client.admin_initiate("ash"))


def test_secret_hash_checked_before_user_lookup(cognito, secret_client):
    cid = secret_client.id
    expect_error(cognito.initiate_auth, "NotAuthorizedException",
                 f"Client {cid} is configured for secret but secret was not received",
                 ClientId=cid, AuthFlow="USER_PASSWORD_AUTH", AuthParameters={"USERNAME": "nobody", "PASSWORD": PASSWORD})


def test_secret_hash_ignored_for_public_client(cognito, pool, client):
    pool.create_user("pub")
    resp = cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_PASSWORD_AUTH",
                                 AuthParameters={"USERNAME": "pub", "PASSWORD": PASSWORD,
                                                 "SECRET_HASH": "c29tZXRoaW5nLWlycmVsZXZhbnQ="})
    _assert_tokens(resp)


# --- refresh ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("flow,admin", [
    ("REFRESH_TOKEN_AUTH", False), ("REFRESH_TOKEN", False), ("REFRESH_TOKEN_AUTH", True), ("REFRESH_TOKEN", True),
])
def test_refresh(cognito, pool, client, flow, admin):
    pool.create_user("rf")
    first = client.login("rf")
    ar = _assert_tokens(client.refresh(first["RefreshToken"], flow=flow, admin=admin), refresh=False)
    assert ar["AccessToken"] != first["AccessToken"]
    assert ar["IdToken"] != first["IdToken"]
    assert cognito.get_user(AccessToken=ar["AccessToken"])["Username"] == "rf"
    # the refresh token stays usable
    _assert_tokens(client.refresh(first["RefreshToken"], flow=flow, admin=admin), refresh=False)


def test_refresh_with_invalid_token(client):
    expect_error(client.refresh, "NotAuthorizedException", "Invalid Refresh Token", refresh_token="not-a-real-refresh-token")


def test_refresh_token_is_bound_to_its_client(cognito, pool, client):
    other = pool.client()
    pool.create_user("bc")
    rt = client.login("bc")["RefreshToken"]
    expect_error(other.refresh, "NotAuthorizedException", refresh_token=rt)


def test_refresh_not_enabled(cognito, pool):
    c = pool.client(flows=["ALLOW_USER_PASSWORD_AUTH"])
    pool.create_user("rne")
    rt = c.login("rne").get("RefreshToken") or "x" * 40
    expect_error(c.refresh, "InvalidParameterException", refresh_token=rt)


def test_refresh_with_secret_client(cognito, pool, secret_client):
    pool.create_user("rsc")
    rt = secret_client.login("rsc")["RefreshToken"]
    _assert_tokens(secret_client.refresh(rt, username="rsc"), refresh=False)
    expect_error(secret_client.refresh, "NotAuthorizedException", refresh_token=rt)  # no SECRET_HASH


def test_refresh_secret_hash_lenient_on_identifier(cognito, make_pool):
    """Contract §4: for REFRESH_TOKEN_AUTH accept a hash made from any identifier of the user."""
    p = make_pool(UsernameAttributes=["email"])
    c = p.client(secret=True)
    email = unique_email()
    sub = p.create_user(email)
    rt = c.login(email)["RefreshToken"]
    _assert_tokens(c.refresh(rt, username=sub), refresh=False)
    _assert_tokens(c.refresh(rt, username=email), refresh=False)


# --- NEW_PASSWORD_REQUIRED --------------------------------------------------------------------------


def _temp_user(cognito, pool, name, email=None):
    attrs = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}] if email else []
    cognito.admin_create_user(UserPoolId=pool.id, Username=name, TemporaryPassword=PASSWORD,
                              MessageAction="SUPPRESS", UserAttributes=attrs)


def test_new_password_required(cognito, pool, client):
    email = unique_email()
    _temp_user(cognito, pool, "np", email)
    resp = client.initiate("np")
    assert resp["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert "AuthenticationResult" not in resp
    session = resp["Session"]
    assert 20 <= len(session) <= 2048
    cp = resp["ChallengeParameters"]
    assert cp["USER_ID_FOR_SRP"] == "np"
    assert isinstance(json.loads(cp["requiredAttributes"]), list)
    ua = json.loads(cp["userAttributes"])
    assert isinstance(ua, dict) and ua.get("email") == email
    out = cognito.respond_to_auth_challenge(
        ClientId=client.id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=session,
        ChallengeResponses={"USERNAME": "np", "NEW_PASSWORD": NEW_PASSWORD, "userAttributes.given_name": "Newt"},
    )
    ar = _assert_tokens(out)
    assert cognito.get_user(AccessToken=ar["AccessToken"])["Username"] == "np"
    assert pool.status("np") == "CONFIRMED"
    assert pool.attrs("np")["given_name"] == "Newt"
    _assert_tokens(client.initiate("np", NEW_PASSWORD))
    expect_error(client.initiate, "NotAuthorizedException", MSG_BAD_CREDENTIALS, username="np", password=PASSWORD)


def test_new_password_required_admin(cognito, pool, client):
    _temp_user(cognito, pool, "anp")
    resp = client.admin_initiate("anp")
    assert resp["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    out = cognito.admin_respond_to_auth_challenge(
        UserPoolId=pool.id, ClientId=client.id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=resp["Session"],
        ChallengeResponses={"USERNAME": "anp", "NEW_PASSWORD": NEW_PASSWORD},
    )
    _assert_tokens(out)
    assert pool.status("anp") == "CONFIRMED"


def test_new_password_required_weak_password(cognito, pool, client):
    _temp_user(cognito, pool, "wnp")
    resp = client.initiate("wnp")
    expect_error(cognito.respond_to_auth_challenge, "InvalidPasswordException", MSG_NO_UPPER,
                 ClientId=client.id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=resp["Session"],
                 ChallengeResponses={"USERNAME": "wnp", "NEW_PASSWORD": "lowercase1!"})
    assert pool.status("wnp") == "FORCE_CHANGE_PASSWORD"


def test_new_password_required_bad_session(cognito, pool, client):
    _temp_user(cognito, pool, "bs")
    client.initiate("bs")
    expect_error(cognito.respond_to_auth_challenge, "NotAuthorizedException",
                 ClientId=client.id, ChallengeName="NEW_PASSWORD_REQUIRED", Session="A" * 64,
                 ChallengeResponses={"USERNAME": "bs", "NEW_PASSWORD": NEW_PASSWORD})
    assert pool.status("bs") == "FORCE_CHANGE_PASSWORD"


def test_new_password_required_with_secret_client(cognito, pool, secret_client):
    _temp_user(cognito, pool, "snp")
    resp = secret_client.initiate("snp")
    assert resp["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    expect_error(cognito.respond_to_auth_challenge, "NotAuthorizedException",
                 f"Client {secret_client.id} is configured for secret but secret was not received",
                 ClientId=secret_client.id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=resp["Session"],
                 ChallengeResponses={"USERNAME": "snp", "NEW_PASSWORD": NEW_PASSWORD})
    out = cognito.respond_to_auth_challenge(
        ClientId=secret_client.id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=resp["Session"],
        ChallengeResponses={"USERNAME": "snp", "NEW_PASSWORD": NEW_PASSWORD, "SECRET_HASH": secret_client.hash("snp")},
    )
    _assert_tokens(out)


def test_temp_password_wrong_is_rejected(cognito, pool, client):
    _temp_user(cognito, pool, "tw")
    expect_error(client.initiate, "NotAuthorizedException", MSG_BAD_CREDENTIALS, username="tw", password="Wr0ng-password!")


# --- token validity -----------------------------------------------------------------------------------


def test_access_token_validity_minutes(cognito, pool):
    c = pool.client(AccessTokenValidity=5, TokenValidityUnits={"AccessToken": "minutes"})
    pool.create_user("tv")
    ar = _assert_tokens(c.initiate("tv"), expires_in=300)
    _, access = jwt_segments(ar["AccessToken"])
    assert access["exp"] - access["iat"] == 300
    _, idt = jwt_segments(ar["IdToken"])
    assert idt["exp"] - idt["iat"] == 3600


def test_default_token_validity(pool, client):
    pool.create_user("dtv")
    ar = _assert_tokens(client.initiate("dtv"), expires_in=3600)
    _, access = jwt_segments(ar["AccessToken"])
    assert access["exp"] - access["iat"] == 3600


def test_id_token_validity_hours(cognito, pool):
    c = pool.client(IdTokenValidity=2, TokenValidityUnits={"IdToken": "hours"})
    pool.create_user("itv")
    ar = _assert_tokens(c.initiate("itv"))
    _, idt = jwt_segments(ar["IdToken"])
    assert idt["exp"] - idt["iat"] == 7200


# --- username forms -----------------------------------------------------------------------------------


def test_sign_in_with_email_in_email_pool(cognito, make_pool):
    p = make_pool(UsernameAttributes=["email"])
    c = p.client()
    email = unique_email()
    sub = p.create_user(email)
    ar = _assert_tokens(c.initiate(email))
    assert cognito.get_user(AccessToken=ar["AccessToken"])["Username"] == sub
    _, idt = jwt_segments(ar["IdToken"])
    assert idt["cognito:username"] == sub
    assert idt["email"] == email
    _assert_tokens(c.admin_initiate(email))


def test_case_insensitive_sign_in(cognito, make_pool):
    p = make_pool(UsernameConfiguration={"CaseSensitive": False})
    c = p.client()
    p.create_user("CamelUser")
    _assert_tokens(c.initiate("cameluser"))
    _assert_tokens(c.initiate("CAMELUSER"))


def test_case_sensitive_sign_in(cognito, pool, client):
    pool.create_user("CamelUser")
    _assert_tokens(client.initiate("CamelUser"))
    expect_error(client.initiate, "UserNotFoundException", MSG_NO_USER, username="cameluser")

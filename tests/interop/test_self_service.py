"""Access-token operations and password recovery (contract §2.1, §5, §7)."""

from __future__ import annotations

import pytest

from interop_helpers import (
    CODE_RE,
    MSG_BAD_CREDENTIALS,
    MSG_NO_UPPER,
    MSG_NO_USER,
    NEW_PASSWORD,
    PASSWORD,
    attrs_to_dict,
    expect_error,
    unique,
    unique_email,
)

MSG_CODE_MISMATCH = "Invalid verification code provided, please try again."
MSG_REVOKED = "Access Token has been revoked"


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


@pytest.fixture
def user(pool, client):
    """A confirmed user with a verified email, signed in with the plain client."""
    name, email = unique("me"), unique_email()
    pool.create_user(name, email=email, attrs={"given_name": "Gina", "family_name": "Ford"})
    tokens = client.login(name)
    return {"name": name, "email": email, "tokens": tokens, "at": tokens["AccessToken"]}


def test_get_user(cognito, user):
    r = cognito.get_user(AccessToken=user["at"])
    assert r["Username"] == user["name"]
    a = attrs_to_dict(r["UserAttributes"])
    assert a["email"] == user["email"]
    assert a["given_name"] == "Gina"
    assert a["sub"]


def test_get_user_with_garbage_token(cognito):
    expect_error(cognito.get_user, "NotAuthorizedException", AccessToken="abc.def.ghi")


def test_update_user_attributes(cognito, pool, user):
    r = cognito.update_user_attributes(AccessToken=user["at"], UserAttributes=[{"Name": "given_name", "Value": "Gwen"}])
    assert not r.get("CodeDeliveryDetailsList")
    assert pool.attrs(user["name"])["given_name"] == "Gwen"
    assert attrs_to_dict(cognito.get_user(AccessToken=user["at"])["UserAttributes"])["given_name"] == "Gwen"


def test_update_email_sends_code_and_verify(cognito, pool, user, outbox):
    new_email = unique_email()
    r = cognito.update_user_attributes(AccessToken=user["at"], UserAttributes=[{"Name": "email", "Value": new_email}])
    cdd = r["CodeDeliveryDetailsList"]
    assert len(cdd) == 1 and cdd[0]["AttributeName"] == "email" and cdd[0]["DeliveryMedium"] == "EMAIL"
    a = pool.attrs(user["name"])
    assert a["email"] == new_email
    assert a["email_verified"] == "false"
    m = outbox.latest(pool.id, user["name"], "UpdateUserAttribute")
    assert m["destination"] == new_email and CODE_RE.match(m["code"])
    expect_error(cognito.verify_user_attribute, "CodeMismatchException", MSG_CODE_MISMATCH,
                 AccessToken=user["at"], AttributeName="email", Code=_wrong(m["code"]))
    cognito.verify_user_attribute(AccessToken=user["at"], AttributeName="email", Code=m["code"])
    assert pool.attrs(user["name"])["email_verified"] == "true"


def test_update_non_writable_attribute(cognito, pool):
    c = pool.client(WriteAttributes=["given_name"])
    pool.create_user("nw", attrs={"family_name": "Old"})
    at = c.login("nw")["AccessToken"]
    expect_error(cognito.update_user_attributes, "NotAuthorizedException",
                 "A client attempted to write unauthorized attribute",
                 AccessToken=at, UserAttributes=[{"Name": "family_name", "Value": "New"}])
    assert pool.attrs("nw")["family_name"] == "Old"
    cognito.update_user_attributes(AccessToken=at, UserAttributes=[{"Name": "given_name", "Value": "Ok"}])
    assert pool.attrs("nw")["given_name"] == "Ok"


def test_update_immutable_attribute(cognito, user):
    expect_error(cognito.update_user_attributes, "InvalidParameterException", AccessToken=user["at"],
                 UserAttributes=[{"Name": "sub", "Value": "00000000-0000-4000-8000-000000000000"}])


def test_delete_user_attributes(cognito, pool, user):
    cognito.delete_user_attributes(AccessToken=user["at"], UserAttributeNames=["family_name"])
    a = pool.attrs(user["name"])
    assert "family_name" not in a
    assert a["given_name"] == "Gina"


def test_get_user_attribute_verification_code(cognito, pool, client, outbox):
    pool.create_user("vc", email=unique_email(), email_verified=False)
    at = client.login("vc")["AccessToken"]
    r = cognito.get_user_attribute_verification_code(AccessToken=at, AttributeName="email")
    assert r["CodeDeliveryDetails"]["AttributeName"] == "email"
    assert r["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    code = outbox.latest_code(pool.id, "vc", "VerifyUserAttribute")
    assert CODE_RE.match(code)
    expect_error(cognito.verify_user_attribute, "CodeMismatchException", MSG_CODE_MISMATCH,
                 AccessToken=at, AttributeName="email", Code=_wrong(code))
    assert pool.attrs("vc")["email_verified"] == "false"
    cognito.verify_user_attribute(AccessToken=at, AttributeName="email", Code=code)
    assert pool.attrs("vc")["email_verified"] == "true"


def test_verification_code_resend_invalidates_old(cognito, pool, client, outbox):
    pool.create_user("vr", email=unique_email(), email_verified=False)
    at = client.login("vr")["AccessToken"]
    cognito.get_user_attribute_verification_code(AccessToken=at, AttributeName="email")
    old = outbox.latest_code(pool.id, "vr", "VerifyUserAttribute")
    cognito.get_user_attribute_verification_code(AccessToken=at, AttributeName="email")
    new = outbox.latest_code(pool.id, "vr", "VerifyUserAttribute", count=2)
    assert new != old
    expect_error(cognito.verify_user_attribute, ("CodeMismatchException", "ExpiredCodeException"),
                 AccessToken=at, AttributeName="email", Code=old)
    cognito.verify_user_attribute(AccessToken=at, AttributeName="email", Code=new)
    assert pool.attrs("vr")["email_verified"] == "true"


# --- passwords -----------------------------------------------------------------------------------


def test_change_password(cognito, client, user):
    cognito.change_password(AccessToken=user["at"], PreviousPassword=PASSWORD, ProposedPassword=NEW_PASSWORD)
    assert client.login(user["name"], NEW_PASSWORD)["AccessToken"]
    expect_error(client.initiate, "NotAuthorizedException", MSG_BAD_CREDENTIALS, username=user["name"], password=PASSWORD)


def test_change_password_errors(cognito, client, user):
    expect_error(cognito.change_password, "NotAuthorizedException", MSG_BAD_CREDENTIALS,
                 AccessToken=user["at"], PreviousPassword="Wr0ng-password!", ProposedPassword=NEW_PASSWORD)
    expect_error(cognito.change_password, "InvalidPasswordException", MSG_NO_UPPER,
                 AccessToken=user["at"], PreviousPassword=PASSWORD, ProposedPassword="lowercase1!")
    assert client.login(user["name"], PASSWORD)["AccessToken"]


def test_forgot_password(cognito, pool, client, user, outbox):
    r = cognito.forgot_password(ClientId=client.id, Username=user["name"])
    cdd = r["CodeDeliveryDetails"]
    assert cdd["DeliveryMedium"] == "EMAIL" and cdd["AttributeName"] == "email"
    assert cdd["Destination"] != user["email"] and "*" in cdd["Destination"]
    m = outbox.latest(pool.id, user["name"], "ForgotPassword")
    assert m["destination"] == user["email"]
    code = m["code"]
    assert CODE_RE.match(code)
    expect_error(cognito.confirm_forgot_password, "CodeMismatchException", MSG_CODE_MISMATCH, ClientId=client.id,
                 Username=user["name"], ConfirmationCode=_wrong(code), Password=NEW_PASSWORD)
    expect_error(cognito.confirm_forgot_password, "InvalidPasswordException", MSG_NO_UPPER, ClientId=client.id,
                 Username=user["name"], ConfirmationCode=code, Password="lowercase1!")
    # whether a failed attempt consumes the code is not pinned: use a fresh one
    cognito.forgot_password(ClientId=client.id, Username=user["name"])
    code = outbox.latest_code(pool.id, user["name"], "ForgotPassword", count=2)
    cognito.confirm_forgot_password(ClientId=client.id, Username=user["name"], ConfirmationCode=code, Password=NEW_PASSWORD)
    assert client.login(user["name"], NEW_PASSWORD)["AccessToken"]
    expect_error(client.initiate, "NotAuthorizedException", MSG_BAD_CREDENTIALS, username=user["name"], password=PASSWORD)
    # the code is single-use
    expect_error(cognito.confirm_forgot_password, ("CodeMismatchException", "ExpiredCodeException"), ClientId=client.id,
                 Username=user["name"], ConfirmationCode=code, Password="An0ther-Passw0rd!")
    assert client.login(user["name"], NEW_PASSWORD)["AccessToken"]


def test_forgot_password_new_code_invalidates_old(cognito, pool, client, user, outbox):
    cognito.forgot_password(ClientId=client.id, Username=user["name"])
    old = outbox.latest_code(pool.id, user["name"], "ForgotPassword")
    cognito.forgot_password(ClientId=client.id, Username=user["name"])
    new = outbox.latest_code(pool.id, user["name"], "ForgotPassword", count=2)
    assert new != old
    expect_error(cognito.confirm_forgot_password, ("CodeMismatchException", "ExpiredCodeException"), ClientId=client.id,
                 Username=user["name"], ConfirmationCode=old, Password=NEW_PASSWORD)
    cognito.confirm_forgot_password(ClientId=client.id, Username=user["name"], ConfirmationCode=new, Password=NEW_PASSWORD)
    assert client.login(user["name"], NEW_PASSWORD)["AccessToken"]


def test_forgot_password_unknown_user(cognito, client):
    expect_error(cognito.forgot_password, "UserNotFoundException", MSG_NO_USER, ClientId=client.id, Username="nobody")
    expect_error(cognito.confirm_forgot_password, "UserNotFoundException", MSG_NO_USER, ClientId=client.id,
                 Username="nobody", ConfirmationCode="123456", Password=NEW_PASSWORD)


def test_forgot_password_without_verified_email(cognito, pool, client):
    pool.create_user("nov", email=unique_email(), email_verified=False)
    expect_error(cognito.forgot_password, "InvalidParameterException",
                 "Cannot reset password for the user as there is no registered/verified email or phone_number",
                 ClientId=client.id, Username="nov")


def test_forgot_password_with_secret_client(cognito, pool, secret_client, outbox):
    pool.create_user("fsc", email=unique_email())
    expect_error(cognito.forgot_password, "NotAuthorizedException",
                 f"Client {secret_client.id} is configured for secret but secret was not received",
                 ClientId=secret_client.id, Username="fsc")
    cognito.forgot_password(ClientId=secret_client.id, Username="fsc", SecretHash=secret_client.hash("fsc"))
    code = outbox.latest_code(pool.id, "fsc", "ForgotPassword")
    expect_error(cognito.confirm_forgot_password, "NotAuthorizedException",
                 f"Unable to verify secret hash for client {secret_client.id}", ClientId=secret_client.id,
                 Username="fsc", ConfirmationCode=code, Password=NEW_PASSWORD, SecretHash=secret_client.hash("other"))
    cognito.confirm_forgot_password(ClientId=secret_client.id, Username="fsc", ConfirmationCode=code,
                                    Password=NEW_PASSWORD, SecretHash=secret_client.hash("fsc"))
    assert secret_client.login("fsc", NEW_PASSWORD)["AccessToken"]


# --- sign-out, revocation, deletion ---------------------------------------------------------------


def test_global_sign_out(cognito, client, user):
    other = client.login(user["name"])
    cognito.global_sign_out(AccessToken=user["at"])
    for t in (user["tokens"], other):
        expect_error(cognito.get_user, "NotAuthorizedException", MSG_REVOKED, AccessToken=t["AccessToken"])
        expect_error(client.refresh, "NotAuthorizedException", "Refresh Token has been revoked",
                     refresh_token=t["RefreshToken"])
    expect_error(cognito.global_sign_out, "NotAuthorizedException", MSG_REVOKED, AccessToken=user["at"])
    # a new sign-in works
    fresh = client.login(user["name"])
    assert cognito.get_user(AccessToken=fresh["AccessToken"])["Username"] == user["name"]


def test_revoke_token(cognito, client, user):
    other = client.login(user["name"])
    cognito.revoke_token(Token=user["tokens"]["RefreshToken"], ClientId=client.id)
    expect_error(client.refresh, "NotAuthorizedException", refresh_token=user["tokens"]["RefreshToken"])
    expect_error(cognito.get_user, "NotAuthorizedException", MSG_REVOKED, AccessToken=user["at"])
    # other sessions are untouched
    assert cognito.get_user(AccessToken=other["AccessToken"])["Username"] == user["name"]
    assert client.refresh(other["RefreshToken"])["AuthenticationResult"]["AccessToken"]


def test_revoke_token_kills_refreshed_access_tokens(cognito, client, user):
    refreshed = client.refresh(user["tokens"]["RefreshToken"])["AuthenticationResult"]["AccessToken"]
    cognito.revoke_token(Token=user["tokens"]["RefreshToken"], ClientId=client.id)
    expect_error(cognito.get_user, "NotAuthorizedException", MSG_REVOKED, AccessToken=refreshed)


def test_revoke_token_with_secret_client(cognito, pool, secret_client):
    pool.create_user("rts")
    t = secret_client.login("rts")
    cognito.revoke_token(Token=t["RefreshToken"], ClientId=secret_client.id, ClientSecret=secret_client.secret)
    expect_error(secret_client.refresh, "NotAuthorizedException", refresh_token=t["RefreshToken"], username="rts")


def test_revoke_access_token_is_unsupported(cognito, client, user):
    expect_error(cognito.revoke_token, "UnsupportedTokenTypeException", Token=user["at"], ClientId=client.id)


def test_revoke_token_when_revocation_disabled(cognito, pool):
    c = pool.client(EnableTokenRevocation=False)
    pool.create_user("rd")
    t = c.login("rd")
    expect_error(cognito.revoke_token, "UnsupportedOperationException", Token=t["RefreshToken"], ClientId=c.id)


def test_delete_user(cognito, pool, client, user):
    cognito.delete_user(AccessToken=user["at"])
    expect_error(cognito.admin_get_user, "UserNotFoundException", MSG_NO_USER, UserPoolId=pool.id, Username=user["name"])
    expect_error(cognito.get_user, ("NotAuthorizedException", "UserNotFoundException"), AccessToken=user["at"])
    expect_error(client.refresh, ("NotAuthorizedException", "UserNotFoundException"),
                 refresh_token=user["tokens"]["RefreshToken"])
    expect_error(client.initiate, "UserNotFoundException", MSG_NO_USER, username=user["name"])


def test_tokens_of_admin_deleted_user_are_refused(cognito, pool, user):
    cognito.admin_delete_user(UserPoolId=pool.id, Username=user["name"])
    expect_error(cognito.get_user, ("NotAuthorizedException", "UserNotFoundException"), AccessToken=user["at"])
    # re-creating a user with the same name must not revive the old token
    pool.create_user(user["name"])
    expect_error(cognito.get_user, ("NotAuthorizedException", "UserNotFoundException"), AccessToken=user["at"])

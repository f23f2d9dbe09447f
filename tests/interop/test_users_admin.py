"""Admin user operations (contract §2.1, §7)."""

from __future__ import annotations

import datetime as dt

from interop_helpers import (
    MSG_BAD_CREDENTIALS,
    MSG_NO_UPPER,
    MSG_NO_USER,
    NEW_PASSWORD,
    PASSWORD,
    UUID4_RE,
    UUID_RE,
    attrs_to_dict,
    expect_error,
    unique,
    unique_email,
)


def test_admin_create_user(cognito, pool, outbox):
    name, email = unique("alice"), unique_email()
    u = cognito.admin_create_user(
        UserPoolId=pool.id, Username=name, TemporaryPassword=PASSWORD, MessageAction="SUPPRESS",
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "given_name", "Value": "Alice"}],
    )["User"]
    assert u["Username"] == name
    assert u["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert u["Enabled"] is True
    assert isinstance(u["UserCreateDate"], dt.datetime)
    assert isinstance(u["UserLastModifiedDate"], dt.datetime)
    a = attrs_to_dict(u["Attributes"])
    assert UUID4_RE.match(a["sub"]), a
    assert a["email"] == email
    assert a["given_name"] == "Alice"
    assert outbox.count(pool.id, name) == 0, "MessageAction=SUPPRESS must not send anything"


def test_admin_create_user_sends_invitation_with_working_temp_password(cognito, pool, outbox):
    name, email = unique("inv"), unique_email()
    cognito.admin_create_user(UserPoolId=pool.id, Username=name, DesiredDeliveryMediums=["EMAIL"],
                              UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}])
    m = outbox.latest(pool.id, name, "AdminCreateUser")
    assert m["destination"] == email
    assert m["deliveryMedium"] == "EMAIL"
    temp = m["code"]
    assert temp and name in m["message"] and temp in m["message"], m
    c = pool.client()
    resp = c.admin_initiate(name, temp)
    assert resp["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_admin_create_user_resend(cognito, pool, outbox):
    name, email = unique("rs"), unique_email()
    cognito.admin_create_user(UserPoolId=pool.id, Username=name, DesiredDeliveryMediums=["EMAIL"],
                              UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}])
    outbox.wait_for(pool.id, name, "AdminCreateUser", 1)
    cognito.admin_create_user(UserPoolId=pool.id, Username=name, MessageAction="RESEND",
                              DesiredDeliveryMediums=["EMAIL"])
    msgs = outbox.wait_for(pool.id, name, "AdminCreateUser", 2)
    assert len(msgs) == 2
    # the resent temporary password works
    resp = pool.client().admin_initiate(name, msgs[-1]["code"])
    assert resp["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_admin_create_user_resend_unknown_user(cognito, pool):
    expect_error(cognito.admin_create_user, "UserNotFoundException", UserPoolId=pool.id,
                 Username="ghost", MessageAction="RESEND")


def test_admin_create_user_duplicate(cognito, pool):
    pool.create_user("dup")
    expect_error(cognito.admin_create_user, "UsernameExistsException", "User account already exists",
                 UserPoolId=pool.id, Username="dup", MessageAction="SUPPRESS")


def test_admin_create_user_weak_temp_password(cognito, pool):
    expect_error(cognito.admin_create_user, "InvalidPasswordException", MSG_NO_UPPER,
                 UserPoolId=pool.id, Username=unique("u"), TemporaryPassword="lowercase1!", MessageAction="SUPPRESS")


def test_admin_create_user_unknown_pool(cognito):
    expect_error(cognito.admin_create_user, "ResourceNotFoundException", UserPoolId="us-east-1_000000000",
                 Username="x", MessageAction="SUPPRESS")


def test_admin_create_user_unknown_attribute(cognito, pool):
    expect_error(cognito.admin_create_user, "InvalidParameterException", UserPoolId=pool.id, Username=unique("u"),
                 MessageAction="SUPPRESS", UserAttributes=[{"Name": "custom:undefined", "Value": "x"}])


def test_admin_get_user(cognito, pool):
    name, email = unique("g"), unique_email()
    pool.create_user(name, email=email)
    r = cognito.admin_get_user(UserPoolId=pool.id, Username=name)
    assert r["Username"] == name
    assert r["UserStatus"] == "CONFIRMED"
    assert r["Enabled"] is True
    assert isinstance(r["UserCreateDate"], dt.datetime)
    a = attrs_to_dict(r["UserAttributes"])
    assert a["email"] == email
    assert a["email_verified"] == "true"
    assert UUID_RE.match(a["sub"])


def test_admin_get_unknown_user(cognito, pool):
    expect_error(cognito.admin_get_user, "UserNotFoundException", MSG_NO_USER, UserPoolId=pool.id, Username="nobody")


def test_usernames_are_case_sensitive_by_default(cognito, pool):
    pool.create_user("CaseUser")
    expect_error(cognito.admin_get_user, "UserNotFoundException", MSG_NO_USER, UserPoolId=pool.id, Username="caseuser")
    # and both spellings can exist side by side
    pool.create_user("caseuser")
    assert cognito.admin_get_user(UserPoolId=pool.id, Username="caseuser")["Username"] == "caseuser"
    assert cognito.admin_get_user(UserPoolId=pool.id, Username="CaseUser")["Username"] == "CaseUser"


def test_case_insensitive_pool_lookup(cognito, make_pool):
    p = make_pool(UsernameConfiguration={"CaseSensitive": False})
    p.create_user("MixedCase")
    r = cognito.admin_get_user(UserPoolId=p.id, Username="mixedcase")
    assert r["Username"].lower() == "mixedcase"
    expect_error(cognito.admin_create_user, "UsernameExistsException", UserPoolId=p.id, Username="MIXEDCASE",
                 MessageAction="SUPPRESS")


def test_admin_delete_user(cognito, pool):
    pool.create_user("del")
    cognito.admin_delete_user(UserPoolId=pool.id, Username="del")
    expect_error(cognito.admin_get_user, "UserNotFoundException", MSG_NO_USER, UserPoolId=pool.id, Username="del")
    expect_error(cognito.admin_delete_user, "UserNotFoundException", MSG_NO_USER, UserPoolId=pool.id, Username="del")
    # the name can be reused
    pool.create_user("del")


def test_admin_disable_enable_user(cognito, pool, client):
    pool.create_user("dis")
    tokens = client.login("dis")
    cognito.admin_disable_user(UserPoolId=pool.id, Username="dis")
    assert pool.get_user("dis")["Enabled"] is False
    expect_error(client.initiate, "NotAuthorizedException", "User is disabled.", username="dis")
    # disabling revokes existing tokens
    expect_error(cognito.get_user, "NotAuthorizedException", AccessToken=tokens["AccessToken"])
    expect_error(client.refresh, "NotAuthorizedException", refresh_token=tokens["RefreshToken"])
    cognito.admin_enable_user(UserPoolId=pool.id, Username="dis")
    assert pool.get_user("dis")["Enabled"] is True
    assert client.login("dis")["AccessToken"]


def test_disable_enable_unknown_user(cognito, pool):
    expect_error(cognito.admin_disable_user, "UserNotFoundException", UserPoolId=pool.id, Username="nobody")
    expect_error(cognito.admin_enable_user, "UserNotFoundException", UserPoolId=pool.id, Username="nobody")


def test_admin_update_user_attributes(cognito, make_pool):
    p = make_pool(Schema=[{"Name": "tier", "AttributeDataType": "String", "Mutable": True}])
    p.create_user("upd", email=unique_email(), email_verified=False)
    new_email = unique_email()
    cognito.admin_update_user_attributes(UserPoolId=p.id, Username="upd", UserAttributes=[
        {"Name": "given_name", "Value": "Updated"},
        {"Name": "custom:tier", "Value": "gold"},
        {"Name": "email", "Value": new_email},
        {"Name": "email_verified", "Value": "true"},
    ])
    a = p.attrs("upd")
    assert a["given_name"] == "Updated"
    assert a["custom:tier"] == "gold"
    assert a["email"] == new_email
    assert a["email_verified"] == "true"


def test_admin_update_immutable_or_unknown_attribute(cognito, pool):
    pool.create_user("imm")
    expect_error(cognito.admin_update_user_attributes, "InvalidParameterException", UserPoolId=pool.id,
                 Username="imm", UserAttributes=[{"Name": "sub", "Value": "00000000-0000-4000-8000-000000000000"}])
    expect_error(cognito.admin_update_user_attributes, "InvalidParameterException", UserPoolId=pool.id,
                 Username="imm", UserAttributes=[{"Name": "not_an_attribute", "Value": "x"}])
    expect_error(cognito.admin_update_user_attributes, "UserNotFoundException", UserPoolId=pool.id,
                 Username="nobody", UserAttributes=[{"Name": "given_name", "Value": "x"}])


def test_admin_delete_user_attributes(cognito, pool):
    pool.create_user("da", attrs={"given_name": "G", "family_name": "F"})
    cognito.admin_delete_user_attributes(UserPoolId=pool.id, Username="da", UserAttributeNames=["given_name"])
    a = pool.attrs("da")
    assert "given_name" not in a
    assert a["family_name"] == "F"
    expect_error(cognito.admin_delete_user_attributes, "UserNotFoundException", UserPoolId=pool.id,
                 Username="nobody", UserAttributeNames=["given_name"])


def test_admin_set_user_password_permanent(cognito, pool, client):
    cognito.admin_create_user(UserPoolId=pool.id, Username="sp", MessageAction="SUPPRESS", TemporaryPassword=PASSWORD)
    assert pool.status("sp") == "FORCE_CHANGE_PASSWORD"
    cognito.admin_set_user_password(UserPoolId=pool.id, Username="sp", Password=NEW_PASSWORD, Permanent=True)
    assert pool.status("sp") == "CONFIRMED"
    assert client.login("sp", NEW_PASSWORD)["IdToken"]
    expect_error(client.initiate, "NotAuthorizedException", MSG_BAD_CREDENTIALS, username="sp", password=PASSWORD)


def test_admin_set_user_password_temporary(cognito, pool, client):
    pool.create_user("tp")
    cognito.admin_set_user_password(UserPoolId=pool.id, Username="tp", Password=NEW_PASSWORD, Permanent=False)
    assert pool.status("tp") == "FORCE_CHANGE_PASSWORD"
    resp = client.initiate("tp", NEW_PASSWORD)
    assert resp["ChallengeName"] == "NEW_PASSWORD_REQUIRED"


def test_admin_set_user_password_errors(cognito, pool):
    pool.create_user("spe")
    expect_error(cognito.admin_set_user_password, "InvalidPasswordException", MSG_NO_UPPER,
                 UserPoolId=pool.id, Username="spe", Password="lowercase1!", Permanent=True)
    expect_error(cognito.admin_set_user_password, "UserNotFoundException",
                 UserPoolId=pool.id, Username="nobody", Password=PASSWORD, Permanent=True)


def test_admin_reset_user_password(cognito, pool, client, outbox):
    email = unique_email()
    pool.create_user("rst", email=email)
    cognito.admin_reset_user_password(UserPoolId=pool.id, Username="rst")
    assert pool.status("rst") == "RESET_REQUIRED"
    m = outbox.latest(pool.id, "rst", "AdminResetUserPassword")
    assert m["destination"] == email
    code = m["code"]
    expect_error(client.initiate, "PasswordResetRequiredException", "Password reset required for the user", username="rst")
    cognito.confirm_forgot_password(ClientId=client.id, Username="rst", ConfirmationCode=code, Password=NEW_PASSWORD)
    assert pool.status("rst") == "CONFIRMED"
    assert client.login("rst", NEW_PASSWORD)["AccessToken"]


def test_admin_reset_user_password_unknown_user(cognito, pool):
    expect_error(cognito.admin_reset_user_password, "UserNotFoundException", UserPoolId=pool.id, Username="nobody")


def test_admin_confirm_sign_up(cognito, pool, client):
    email = unique_email()
    client.sign_up("acs", email=email)
    assert pool.status("acs") == "UNCONFIRMED"
    cognito.admin_confirm_sign_up(UserPoolId=pool.id, Username="acs")
    assert pool.status("acs") == "CONFIRMED"
    assert pool.attrs("acs").get("email_verified", "false") == "false", "AdminConfirmSignUp verifies no attribute"
    assert client.login("acs")["AccessToken"]
    expect_error(cognito.admin_confirm_sign_up, "UserNotFoundException", UserPoolId=pool.id, Username="nobody")


def test_admin_user_global_sign_out(cognito, pool, client):
    pool.create_user("gso")
    t1, t2 = client.login("gso"), client.login("gso")
    cognito.admin_user_global_sign_out(UserPoolId=pool.id, Username="gso")
    for t in (t1, t2):
        expect_error(cognito.get_user, "NotAuthorizedException", "Access Token has been revoked", AccessToken=t["AccessToken"])
        expect_error(client.refresh, "NotAuthorizedException", refresh_token=t["RefreshToken"])
    # signing in again works
    assert cognito.get_user(AccessToken=client.login("gso")["AccessToken"])["Username"] == "gso"
    expect_error(cognito.admin_user_global_sign_out, "UserNotFoundException", UserPoolId=pool.id, Username="nobody")


def test_email_username_pool_admin_create_user(cognito, make_pool):
    p = make_pool(UsernameAttributes=["email"])
    email = unique_email()
    u = cognito.admin_create_user(UserPoolId=p.id, Username=email, MessageAction="SUPPRESS")["User"]
    a = attrs_to_dict(u["Attributes"])
    assert UUID_RE.match(u["Username"]), f"username should be a generated UUID, got {u['Username']!r}"
    assert u["Username"] == a["sub"]
    assert a["email"] == email
    g = cognito.admin_get_user(UserPoolId=p.id, Username=email)
    assert g["Username"] == a["sub"]
    assert cognito.admin_get_user(UserPoolId=p.id, Username=a["sub"])["Username"] == a["sub"]
    expect_error(cognito.admin_create_user, "InvalidParameterException", "Username should be an email.",
                 UserPoolId=p.id, Username="not-an-email", MessageAction="SUPPRESS")

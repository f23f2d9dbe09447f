"""Self sign-up, confirmation codes, password policy, secret hash, email-as-username and
case-insensitive pools (contract §2.1, §4, §7)."""

from __future__ import annotations

import pytest

from interop_helpers import (
    CODE_RE,
    MSG_NO_LOWER,
    MSG_NO_NUMBER,
    MSG_NO_SYMBOL,
    MSG_NO_UPPER,
    MSG_NO_USER,
    MSG_TOO_SHORT,
    PASSWORD,
    UUID4_RE,
    UUID_RE,
    expect_error,
    unique,
    unique_email,
)

MSG_CODE_MISMATCH = "Invalid verification code provided, please try again."


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_sign_up_returns_sub_and_delivery(cognito, pool, client, outbox):
    name, email = unique("su"), unique_email()
    r = client.sign_up(name, email=email)
    assert r["UserConfirmed"] is False
    assert UUID4_RE.match(r["UserSub"]), r["UserSub"]
    cdd = r["CodeDeliveryDetails"]
    assert cdd["DeliveryMedium"] == "EMAIL"
    assert cdd["AttributeName"] == "email"
    assert cdd["Destination"] != email and "*" in cdd["Destination"], f"destination must be masked: {cdd}"
    u = pool.get_user(name)
    assert u["UserStatus"] == "UNCONFIRMED"
    a = {x["Name"]: x["Value"] for x in u["UserAttributes"]}
    assert a["sub"] == r["UserSub"]
    assert a["email"] == email
    m = outbox.latest(pool.id, name, "SignUp")
    assert m["poolId"] == pool.id
    assert m["username"] == name
    assert m["destination"] == email
    assert m["deliveryMedium"] == "EMAIL"
    assert m["attributeName"] == "email"
    assert CODE_RE.match(m["code"]), m
    assert m["code"] in m["message"]
    assert m["createdAt"]


def test_confirm_sign_up(cognito, pool, client, outbox):
    name = unique("cf")
    client.sign_up(name, email=unique_email())
    code = outbox.latest_code(pool.id, name, "SignUp")
    r = cognito.confirm_sign_up(ClientId=client.id, Username=name, ConfirmationCode=code)
    assert r["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert pool.status(name) == "CONFIRMED"
    assert pool.attrs(name)["email_verified"] == "true"
    assert client.login(name)["AccessToken"]


def test_confirm_sign_up_wrong_code(cognito, pool, client, outbox):
    name = unique("wc")
    client.sign_up(name, email=unique_email())
    code = outbox.latest_code(pool.id, name, "SignUp")
    expect_error(cognito.confirm_sign_up, "CodeMismatchException", MSG_CODE_MISMATCH,
                 ClientId=client.id, Username=name, ConfirmationCode=_wrong(code))
    assert pool.status(name) == "UNCONFIRMED"
    cognito.confirm_sign_up(ClientId=client.id, Username=name, ConfirmationCode=code)
    assert pool.status(name) == "CONFIRMED"


def test_confirmation_code_cannot_be_used_twice(cognito, pool, client, outbox):
    name = unique("tw")
    client.sign_up(name, email=unique_email())
    code = outbox.latest_code(pool.id, name, "SignUp")
    cognito.confirm_sign_up(ClientId=client.id, Username=name, ConfirmationCode=code)
    expect_error(cognito.confirm_sign_up, "NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED",
                 ClientId=client.id, Username=name, ConfirmationCode=code)


def test_confirm_unknown_user(cognito, client):
    expect_error(cognito.confirm_sign_up, "UserNotFoundException", MSG_NO_USER,
                 ClientId=client.id, Username="nobody", ConfirmationCode="123456")


def test_resend_confirmation_code_invalidates_old_code(cognito, pool, client, outbox):
    name = unique("rs")
    client.sign_up(name, email=unique_email())
    old = outbox.latest_code(pool.id, name, "SignUp")
    r = cognito.resend_confirmation_code(ClientId=client.id, Username=name)
    assert r["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    assert r["CodeDeliveryDetails"]["AttributeName"] == "email"
    new = outbox.latest_code(pool.id, name, "ResendCode")
    assert new != old, "a resent code must be a new code"
    expect_error(cognito.confirm_sign_up, ("CodeMismatchException", "ExpiredCodeException"),
                 ClientId=client.id, Username=name, ConfirmationCode=old)
    assert pool.status(name) == "UNCONFIRMED"
    cognito.confirm_sign_up(ClientId=client.id, Username=name, ConfirmationCode=new)
    assert pool.status(name) == "CONFIRMED"


def test_resend_for_confirmed_or_unknown_user(cognito, pool, client):
    name = unique("rc")
    client.sign_up_confirmed(name, email=unique_email())
    expect_error(cognito.resend_confirmation_code, "InvalidParameterException", "User is already confirmed.",
                 ClientId=client.id, Username=name)
    expect_error(cognito.resend_confirmation_code, "UserNotFoundException", MSG_NO_USER,
                 ClientId=client.id, Username="nobody")


def test_sign_up_duplicate_username(cognito, client):
    name = unique("dup")
    client.sign_up(name, email=unique_email())
    expect_error(client.sign_up, "UsernameExistsException", "User already exists", username=name, email=unique_email())


def test_sign_up_unknown_client(cognito):
    expect_error(cognito.sign_up, "ResourceNotFoundException", "User pool client abcdefghijklmnopqrstuvwxyz does not exist.",
                 ClientId="abcdefghijklmnopqrstuvwxyz", Username="x", Password=PASSWORD)


def test_sign_up_unknown_attribute(client):
    expect_error(client.sign_up, "InvalidParameterException", username=unique("ua"), attrs={"custom:nope": "x"})


def test_sign_up_without_auto_verified_attribute(cognito, make_pool, outbox):
    p = make_pool(AutoVerifiedAttributes=[])
    c = p.client()
    name = unique("nv")
    r = c.sign_up(name, email=unique_email())
    assert r["UserConfirmed"] is False
    assert "CodeDeliveryDetails" not in r
    assert p.status(name) == "UNCONFIRMED"
    assert outbox.count(p.id, name, "SignUp") == 0


@pytest.mark.parametrize(
    "password,message",
    [
        ("Ab1!xyz", MSG_TOO_SHORT),
        ("abcdefg1!", MSG_NO_UPPER),
        ("ABCDEFG1!", MSG_NO_LOWER),
        ("Abcdefgh!", MSG_NO_NUMBER),
        ("Abcdefg12", MSG_NO_SYMBOL),
    ],
    ids=["short", "no-upper", "no-lower", "no-number", "no-symbol"],
)
def test_default_password_policy(cognito, client, password, message):
    expect_error(client.sign_up, "InvalidPasswordException", message, username=unique("pw"), password=password,
                 email=unique_email())


def test_custom_password_policy(cognito, make_pool):
    p = make_pool(Policies={"PasswordPolicy": {"MinimumLength": 10, "RequireUppercase": False,
                                                "RequireLowercase": True, "RequireNumbers": True,
                                                "RequireSymbols": False}})
    c = p.client()
    expect_error(c.sign_up, "InvalidPasswordException", MSG_TOO_SHORT, username=unique("p"), password="abcdefg12")
    expect_error(c.sign_up, "InvalidPasswordException", MSG_NO_NUMBER, username=unique("p"), password="abcdefghijk")
    r = c.sign_up(unique("p"), password="abcdefgh12")
    assert UUID_RE.match(r["UserSub"])


def test_password_too_long_is_rejected(client):
    expect_error(client.sign_up, ("InvalidParameterException", "InvalidPasswordException"),
                 username=unique("p"), password="Aa1!" + "x" * 253)


# --- secret hash ------------------------------------------------------------------------------


def test_sign_up_with_secret_hash(cognito, pool, secret_client, outbox):
    name = unique("sh")
    r = cognito.sign_up(ClientId=secret_client.id, Username=name, Password=PASSWORD,
                        SecretHash=secret_client.hash(name), UserAttributes=[{"Name": "email", "Value": unique_email()}])
    assert UUID_RE.match(r["UserSub"])
    code = outbox.latest_code(pool.id, name, "SignUp")
    expect_error(cognito.confirm_sign_up, "NotAuthorizedException",
                 f"Client {secret_client.id} is configured for secret but secret was not received",
                 ClientId=secret_client.id, Username=name, ConfirmationCode=code)
    cognito.confirm_sign_up(ClientId=secret_client.id, Username=name, ConfirmationCode=code,
                            SecretHash=secret_client.hash(name))
    assert pool.status(name) == "CONFIRMED"


def test_sign_up_missing_secret_hash(cognito, secret_client):
    expect_error(cognito.sign_up, "NotAuthorizedException",
                 f"Client {secret_client.id} is configured for secret but secret was not received",
                 ClientId=secret_client.id, Username=unique("m"), Password=PASSWORD)


def test_sign_up_wrong_secret_hash(cognito, secret_client):
    name = unique("w")
    bad = secret_client.hash(name + "x")  # well-formed but for another username
    expect_error(cognito.sign_up, "NotAuthorizedException", f"Unable to verify secret hash for client {secret_client.id}",
                 ClientId=secret_client.id, Username=name, Password=PASSWORD, SecretHash=bad)


def test_secret_hash_ignored_for_public_client(cognito, client):
    r = cognito.sign_up(ClientId=client.id, Username=unique("p"), Password=PASSWORD,
                        SecretHash="c29tZXRoaW5nLWlycmVsZXZhbnQ=")
    assert UUID_RE.match(r["UserSub"])


def test_resend_requires_secret_hash(cognito, pool, secret_client):
    name = unique("rsh")
    secret_client.sign_up(name, email=unique_email())
    expect_error(cognito.resend_confirmation_code, "NotAuthorizedException",
                 f"Client {secret_client.id} is configured for secret but secret was not received",
                 ClientId=secret_client.id, Username=name)
    r = cognito.resend_confirmation_code(ClientId=secret_client.id, Username=name, SecretHash=secret_client.hash(name))
    assert r["CodeDeliveryDetails"]["AttributeName"] == "email"


# --- email as username --------------------------------------------------------------------------


@pytest.fixture
def email_pool(make_pool):
    return make_pool(UsernameAttributes=["email"])


def test_email_pool_sign_up(cognito, email_pool, outbox):
    c = email_pool.client()
    email = unique_email("dana")
    r = c.sign_up(email)
    sub = r["UserSub"]
    assert UUID_RE.match(sub)
    u = cognito.admin_get_user(UserPoolId=email_pool.id, Username=email)
    assert u["Username"] == sub, "in email-as-username pools the stored username is the sub"
    a = {x["Name"]: x["Value"] for x in u["UserAttributes"]}
    assert a["email"] == email
    assert a["sub"] == sub
    code = outbox.latest_code(email_pool.id, email, "SignUp")
    cognito.confirm_sign_up(ClientId=c.id, Username=email, ConfirmationCode=code)
    assert email_pool.status(email) == "CONFIRMED"
    assert c.login(email)["IdToken"]


def test_email_pool_duplicate_email(cognito, email_pool):
    c = email_pool.client()
    email = unique_email()
    c.sign_up(email)
    expect_error(c.sign_up, "UsernameExistsException", "An account with the given email already exists.", username=email)


def test_email_pool_rejects_non_email_username(cognito, email_pool):
    c = email_pool.client()
    expect_error(c.sign_up, "InvalidParameterException", "Username should be an email.", username="plainname")


# --- case sensitivity ---------------------------------------------------------------------------


def test_case_sensitive_pool_allows_names_differing_in_case(cognito, pool, client):
    base = unique("Case")
    client.sign_up(base, email=unique_email())
    r = client.sign_up(base.lower(), email=unique_email())
    assert UUID_RE.match(r["UserSub"])


def test_case_insensitive_pool_rejects_names_differing_in_case(cognito, make_pool):
    p = make_pool(UsernameConfiguration={"CaseSensitive": False})
    c = p.client()
    base = unique("Case")
    c.sign_up(base, email=unique_email())
    expect_error(c.sign_up, "UsernameExistsException", "User already exists", username=base.upper(), email=unique_email())


# --- the dev outbox itself ----------------------------------------------------------------------


def test_outbox_query_filters(endpoint, make_pool, outbox):
    p1, p2 = make_pool(), make_pool()
    c1, c2 = p1.client(), p2.client()
    a, b = unique("oa"), unique("ob")
    c1.sign_up(a, email=unique_email())
    c1.sign_up(b, email=unique_email())
    c2.sign_up(a, email=unique_email())
    outbox.wait_for(p1.id, b, "SignUp")
    outbox.wait_for(p2.id, a, "SignUp")
    only_p1 = outbox.messages(pool_id=p1.id)
    assert only_p1 and all(m["poolId"] == p1.id for m in only_p1)
    assert {m["username"] for m in only_p1} == {a, b}
    only_a = outbox.messages(pool_id=p1.id, username=a)
    assert len(only_a) == 1 and only_a[0]["username"] == a and only_a[0]["kind"] == "SignUp"
    everything = outbox.messages()
    assert {m["poolId"] for m in everything} >= {p1.id, p2.id}
    for m in only_p1:
        assert m["kind"] in outbox.KINDS
        assert set(m) >= {"poolId", "username", "destination", "deliveryMedium", "attributeName", "kind",
                          "code", "subject", "message", "createdAt"}, m

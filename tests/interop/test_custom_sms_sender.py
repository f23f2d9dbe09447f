"""The CustomSMSSender trigger (contract §8): a pool whose LambdaConfig.CustomSMSSender is
{LambdaVersion, LambdaArn: an http(s) URL} has its SMS codes POSTed to that URL as Cognito's
custom-sender event, signed with X-Cognate-Signature, through the outbox. `request.code` is the
code in plain text (where Cognito would encrypt it with the pool's KMS key — the signed webhook
takes the place of that encryption), and it is the code the user confirms with. The message goes
only to the sender: the server's `--sms-webhook` gets nothing for it, while a pool without the
trigger on the same server still texts through the webhook (the control that shows the webhook
is listening)."""

from __future__ import annotations

import re
import time

import pytest

from delivery_helpers import WEBHOOK_SECRET, Reply
from interop_helpers import (
    NEW_PASSWORD,
    PASSWORD,
    Outbox,
    PoolCtx,
    expect_error,
    make_boto_client,
    unique,
)

KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"


def phone_number() -> str:
    return "+1555" + str(time.time_ns())[-7:]


def masked(phone: str) -> str:
    return "+" + "*" * (len(phone) - 5) + phone[-4:]


@pytest.fixture
def sms_server(server_factory, receiver):
    """A server whose SMS webhook is a receiver path of its own: (server, sms webhook URL)."""
    sms = receiver.route("sms-webhook")
    srv = server_factory(extra_args=["--webhook-secret", WEBHOOK_SECRET, "--sms-webhook", sms,
                                     "--delivery-max-backoff", "1"])
    return srv, sms


def sms_pool(server, sender_url: str | None) -> PoolCtx:
    cognito = make_boto_client(server.endpoint)
    params = {"PoolName": unique("csms"), "AutoVerifiedAttributes": ["phone_number"]}
    if sender_url is not None:
        params["LambdaConfig"] = {"CustomSMSSender": {"LambdaVersion": "V1_0", "LambdaArn": sender_url}, "KMSKeyID": KMS_KEY}
    return PoolCtx(cognito, Outbox(server.endpoint), cognito.create_user_pool(**params)["UserPool"])


def check_sender_event(event: dict, pool: PoolCtx, source: str, user_name: str, client_id: str | None, phone: str) -> str:
    """Checks a CustomSMSSender event's envelope and request; returns its code."""
    assert set(event) >= {"version", "triggerSource", "region", "userPoolId", "userName", "callerContext", "request", "response"}, event
    assert event["version"] == "1"
    assert event["triggerSource"] == source
    assert event["region"] == "us-east-1"
    assert event["userPoolId"] == pool.id
    assert event["userName"] == user_name
    assert event["callerContext"]["clientId"] == (client_id or "CLIENT_ID_NOT_APPLICABLE")
    req = event["request"]
    assert req["type"] == "customSMSSenderRequestV1", req
    attrs = req["userAttributes"]
    assert all(isinstance(v, str) for v in attrs.values()), attrs
    assert attrs["phone_number"] == phone
    assert isinstance(req["code"], str), req
    return req["code"]


def sms_to(receiver, sms_url: str, pool: PoolCtx) -> list[dict]:
    return [t for t in receiver.events(sms_url) if t.get("poolId") == pool.id]


def test_custom_sms_sender_gets_the_sign_up_code_which_confirms_the_account(sms_server, receiver):
    srv, sms = sms_server
    sender = receiver.route("custom-sms-sender")
    pool = sms_pool(srv, sender)
    config = pool.cognito.describe_user_pool(UserPoolId=pool.id)["UserPool"]["LambdaConfig"]
    assert config["CustomSMSSender"] == {"LambdaVersion": "V1_0", "LambdaArn": sender}
    client = pool.client()
    name, phone = unique("cs"), phone_number()

    r = client.sign_up(name, attrs={"phone_number": phone}, ClientMetadata={"lang": "de"})
    assert r["UserConfirmed"] is False
    assert r["CodeDeliveryDetails"] == {"Destination": masked(phone), "DeliveryMedium": "SMS", "AttributeName": "phone_number"}

    [event] = receiver.wait_events(sender)
    code = check_sender_event(event, pool, "CustomSMSSender_SignUp", name, client.id, phone)
    assert re.fullmatch(r"\d{6}", code), f"the code travels in plain text inside the signed event: {code!r}"
    req = event["request"]
    assert req["clientMetadata"] == {"lang": "de"}
    assert req["userAttributes"]["sub"] == r["UserSub"]
    assert req["userAttributes"]["cognito:user_status"] == "UNCONFIRMED"
    assert req["userAttributes"].get("phone_number_verified") != "true"
    assert "email" not in req["userAttributes"]

    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    expect_error(lambda: client.confirm(name, wrong), "CodeMismatchException")
    assert pool.status(name) == "UNCONFIRMED"
    client.confirm(name, code)
    assert pool.status(name) == "CONFIRMED"
    assert pool.attrs(name)["phone_number_verified"] == "true"
    assert client.login(name)["AccessToken"]

    # The control: the same server texts a pool without the trigger through its SMS webhook...
    plain = sms_pool(srv, None)
    plain_name = unique("pl")
    plain.client().sign_up(plain_name, attrs={"phone_number": phone_number()})
    [text] = receiver.wait_events(sms)
    assert text["poolId"] == plain.id and text["username"] == plain_name and text["kind"] == "SignUp"
    # ...and sent the custom sender's message nowhere else, once.
    time.sleep(1.5)
    assert sms_to(receiver, sms, pool) == [], "a message for a CustomSMSSender pool must not go to the SMS webhook"
    assert len(receiver.events(sender)) == 1, "the sender answered 200: no further tries"


def test_custom_sms_sender_resend_and_forgot_password(sms_server, receiver):
    srv, sms = sms_server
    sender = receiver.route("custom-sms-sender")
    pool = sms_pool(srv, sender)
    client = pool.client()
    name, phone = unique("cr"), phone_number()
    client.sign_up(name, attrs={"phone_number": phone})
    [first] = receiver.wait_events(sender)
    first_code = check_sender_event(first, pool, "CustomSMSSender_SignUp", name, client.id, phone)

    r = client.cognito.resend_confirmation_code(ClientId=client.id, Username=name)
    assert r["CodeDeliveryDetails"] == {"Destination": masked(phone), "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    resent = receiver.wait_events(sender, 2)[-1]
    code = check_sender_event(resent, pool, "CustomSMSSender_ResendCode", name, client.id, phone)
    assert re.fullmatch(r"\d{6}", code)
    if code != first_code:
        expect_error(lambda: client.confirm(name, first_code), "CodeMismatchException")
    client.confirm(name, code)
    assert pool.status(name) == "CONFIRMED"

    r = client.cognito.forgot_password(ClientId=client.id, Username=name, ClientMetadata={"flow": "reset"})
    assert r["CodeDeliveryDetails"] == {"Destination": masked(phone), "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    reset = receiver.wait_events(sender, 3)[-1]
    reset_code = check_sender_event(reset, pool, "CustomSMSSender_ForgotPassword", name, client.id, phone)
    assert re.fullmatch(r"\d{6}", reset_code)
    assert reset["request"]["clientMetadata"] == {"flow": "reset"}
    assert reset["request"]["userAttributes"]["phone_number_verified"] == "true"
    client.cognito.confirm_forgot_password(ClientId=client.id, Username=name, ConfirmationCode=reset_code, Password=NEW_PASSWORD)
    assert client.login(name, NEW_PASSWORD)["AccessToken"]
    expect_error(client.login, "NotAuthorizedException", username=name, password=PASSWORD)

    time.sleep(1.5)
    assert len(receiver.events(sender)) == 3
    assert sms_to(receiver, sms, pool) == [], "no message for a CustomSMSSender pool goes to the SMS webhook"


def test_custom_sms_sender_invitation_carries_the_temporary_password(sms_server, receiver):
    srv, sms = sms_server
    sender = receiver.route("custom-sms-sender")
    pool = sms_pool(srv, sender)
    phone = phone_number()
    pool.cognito.admin_create_user(
        UserPoolId=pool.id, Username="invitee", TemporaryPassword="Temp#Pass1", DesiredDeliveryMediums=["SMS"],
        UserAttributes=[{"Name": "phone_number", "Value": phone}, {"Name": "phone_number_verified", "Value": "true"}],
        ClientMetadata={"by": "admin"},
    )
    [event] = receiver.wait_events(sender)
    code = check_sender_event(event, pool, "CustomSMSSender_AdminCreateUser", "invitee", None, phone)
    assert code == "Temp#Pass1", "an invitation's code is the temporary password"
    assert event["request"]["userAttributes"]["cognito:user_status"] == "FORCE_CHANGE_PASSWORD"
    assert event["request"]["clientMetadata"] == {"by": "admin"}
    time.sleep(1.5)
    assert sms_to(receiver, sms, pool) == [], "the invitation must not go to the SMS webhook"


def test_custom_sms_sender_is_retried_until_it_answers(sms_server, receiver):
    srv, sms = sms_server
    sender = receiver.route("custom-sms-sender", lambda e: Reply({"message": "busy"}, status=503))
    pool = sms_pool(srv, sender)
    client = pool.client()
    name, phone = unique("rt"), phone_number()
    client.sign_up(name, attrs={"phone_number": phone})
    receiver.wait_events(sender, 2, timeout=15)
    receiver.set(sender, None)
    n = len(receiver.wait_events(sender, 3, timeout=30))
    time.sleep(3)
    events = receiver.events(sender)
    assert len(events) == n, "delivered: no more tries"
    codes = {e["request"]["code"] for e in events}
    assert len(codes) == 1, f"a retry carries the same code: {codes}"
    client.confirm(name, codes.pop())
    assert pool.status(name) == "CONFIRMED"
    assert sms_to(receiver, sms, pool) == [], "a busy sender does not make the message fall back to the SMS webhook"

"""Cognito's Lambda triggers as signed webhooks (contract §8): each event's fields, each response
option, and the three failure modes — a refusal (UserLambdaValidationException with the
function's message), no answer in time (UnexpectedLambdaException) and a malformed answer
(InvalidLambdaResponseException) — none of which changes anything."""

from __future__ import annotations

import json
import subprocess
import time
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from pycognito.aws_srp import AWSSRP

from delivery_helpers import WEBHOOK_SECRET, Receiver, Reply, respond
from hosted_helpers import submit
from interop_helpers import (
    NEW_PASSWORD,
    PASSWORD,
    UUID_RE,
    Outbox,
    PoolCtx,
    expect_error,
    jwt_segments,
    cognate_bin,
    make_boto_client,
    unique,
    unique_email,
)

REFUSE = lambda msg: (lambda e: Reply({"errorMessage": msg, "errorType": "Error"}, status=400))  # noqa: E731
SLOW = lambda e: Reply(respond(e), delay=6.5)  # noqa: E731
GARBAGE = lambda e: Reply(raw=b"this is not json")  # noqa: E731


@pytest.fixture
def trigger_pool(make_pool, receiver):
    """trigger_pool(PreSignUp=handler, ...) -> (pool, {trigger: url}). Each trigger gets its own
    receiver path; a handler of None answers with the event unchanged."""

    def make(pool_kwargs=None, **handlers):
        urls = {name: receiver.route(name, h) for name, h in handlers.items()}
        config = {k: v for k, v in urls.items() if k not in ("PreTokenGenerationV2", "CustomEmailSender", "CustomSMSSender")}
        if "PreTokenGenerationV2" in urls:
            config["PreTokenGenerationConfig"] = {"LambdaVersion": "V2_0", "LambdaArn": urls["PreTokenGenerationV2"]}
        for sender in ("CustomEmailSender", "CustomSMSSender"):
            if sender in urls:
                config[sender] = {"LambdaVersion": "V1_0", "LambdaArn": urls[sender]}
                config["KMSKeyID"] = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
        return make_pool(LambdaConfig=config, **(pool_kwargs or {})), urls

    return make


def check_envelope(event: dict, pool: PoolCtx, source: str, user_name: str | None, client_id: str | None):
    assert set(event) >= {"version", "triggerSource", "region", "userPoolId", "userName", "callerContext", "request", "response"}, event
    assert event["version"] == "1"
    assert event["triggerSource"] == source
    assert event["region"] == "us-east-1"
    assert event["userPoolId"] == pool.id
    if user_name is not None:
        assert event["userName"] == user_name
    assert event["callerContext"]["awsSdkVersion"]
    assert event["callerContext"]["clientId"] == (client_id or "CLIENT_ID_NOT_APPLICABLE")
    attrs = event["request"].get("userAttributes", {})
    assert all(isinstance(v, str) for v in attrs.values()), attrs


# --------------------------------------------------------------------------------------------- PreSignUp


def test_pre_sign_up_event_and_auto_confirm(trigger_pool, receiver, outbox):
    pool, urls = trigger_pool(
        PreSignUp=lambda e: respond(e, autoConfirmUser=True, autoVerifyEmail=True), PostConfirmation=None
    )
    client = pool.client()
    name, address = unique("ps"), unique_email()
    r = client.sign_up(name, email=address, ValidationData=[{"Name": "invite", "Value": "abc"}],
                       ClientMetadata={"source": "test"})
    assert r["UserConfirmed"] is True and "CodeDeliveryDetails" not in r
    [event] = receiver.events(urls["PreSignUp"])
    check_envelope(event, pool, "PreSignUp_SignUp", name, client.id)
    req = event["request"]
    assert req["userAttributes"] == {"email": address}
    assert req["validationData"] == {"invite": "abc"}
    assert req["clientMetadata"] == {"source": "test"}
    assert event["response"] == {"autoConfirmUser": False, "autoVerifyEmail": False, "autoVerifyPhone": False}
    assert pool.status(name) == "CONFIRMED"
    assert pool.attrs(name)["email_verified"] == "true"
    assert outbox.count(pool.id, name) == 0, "an auto-confirmed user gets no code"
    [post] = receiver.events(urls["PostConfirmation"])
    check_envelope(post, pool, "PostConfirmation_ConfirmSignUp", name, client.id)
    assert post["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    assert post["request"]["userAttributes"]["sub"] == r["UserSub"]
    assert client.login(name)["AccessToken"]


def test_pre_sign_up_refusal_timeout_and_garbage_create_nothing(trigger_pool, receiver):
    pool, urls = trigger_pool(PreSignUp=REFUSE("Sign-ups are closed"))
    client = pool.client()
    name = unique("no")
    expect_error(client.sign_up, "UserLambdaValidationException", "PreSignUp failed with error Sign-ups are closed.",
                 username=name, email=unique_email())
    expect_error(pool.get_user, "UserNotFoundException", username=name)

    receiver.set(urls["PreSignUp"], GARBAGE)
    expect_error(client.sign_up, "InvalidLambdaResponseException", username=name, email=unique_email())
    receiver.set(urls["PreSignUp"], lambda e: respond(e, autoConfirmUser="maybe"))
    expect_error(client.sign_up, "InvalidLambdaResponseException", username=name, email=unique_email())
    expect_error(pool.get_user, "UserNotFoundException", username=name)

    receiver.set(urls["PreSignUp"], SLOW)
    started = time.monotonic()
    expect_error(client.sign_up, "UnexpectedLambdaException",
                 "PreSignUp invocation failed due to error Socket timeout while invoking Lambda function.",
                 username=name, email=unique_email())
    assert time.monotonic() - started < 6.5, "the trigger timeout is 5 s"
    expect_error(pool.get_user, "UserNotFoundException", username=name)

    receiver.set(urls["PreSignUp"], None)
    client.sign_up(name, email=unique_email())
    assert pool.status(name) == "UNCONFIRMED"


def test_pre_sign_up_admin_create_user(trigger_pool, receiver):
    pool, urls = trigger_pool(PreSignUp=None)
    pool.cognito.admin_create_user(UserPoolId=pool.id, Username="adm", MessageAction="SUPPRESS",
                                   ValidationData=[{"Name": "k", "Value": "v"}])
    [event] = receiver.events(urls["PreSignUp"])
    check_envelope(event, pool, "PreSignUp_AdminCreateUser", "adm", None)
    assert event["request"]["validationData"] == {"k": "v"}
    receiver.set(urls["PreSignUp"], REFUSE("no admins"))
    expect_error(pool.cognito.admin_create_user, "UserLambdaValidationException", "PreSignUp failed with error no admins.",
                 UserPoolId=pool.id, Username="adm2", MessageAction="SUPPRESS")
    expect_error(pool.get_user, "UserNotFoundException", username="adm2")


# --------------------------------------------------------------------------------------------- PostConfirmation


def test_post_confirmation_failure_leaves_the_user_unconfirmed_and_the_code_usable(trigger_pool, receiver, outbox):
    pool, urls = trigger_pool(PostConfirmation=REFUSE("app database is down"))
    client = pool.client()
    name = unique("pc")
    client.sign_up(name, email=unique_email())
    code = outbox.latest_code(pool.id, name, "SignUp")
    expect_error(lambda: client.confirm(name, code), "UserLambdaValidationException",
                 "PostConfirmation failed with error app database is down.")
    assert pool.status(name) == "UNCONFIRMED"
    assert pool.attrs(name).get("email_verified") != "true"
    receiver.set(urls["PostConfirmation"], None)
    client.confirm(name, code)
    assert pool.status(name) == "CONFIRMED"
    events = receiver.events(urls["PostConfirmation"])
    assert len(events) == 2
    check_envelope(events[-1], pool, "PostConfirmation_ConfirmSignUp", name, client.id)
    assert events[-1]["request"]["userAttributes"]["email_verified"] == "true"


def test_post_confirmation_on_admin_confirm_and_forgot_password(trigger_pool, receiver, outbox):
    pool, urls = trigger_pool(PostConfirmation=None)
    client = pool.client()
    name = unique("ac")
    client.sign_up(name, email=unique_email())
    pool.cognito.admin_confirm_sign_up(UserPoolId=pool.id, Username=name, ClientMetadata={"by": "admin"})
    [e1] = receiver.events(urls["PostConfirmation"])
    check_envelope(e1, pool, "PostConfirmation_ConfirmSignUp", name, None)
    assert e1["request"]["clientMetadata"] == {"by": "admin"}

    pool.cognito.admin_update_user_attributes(UserPoolId=pool.id, Username=name,
                                              UserAttributes=[{"Name": "email_verified", "Value": "true"}])
    client.cognito.forgot_password(ClientId=client.id, Username=name)
    code = outbox.latest_code(pool.id, name, "ForgotPassword")
    receiver.set(urls["PostConfirmation"], REFUSE("later"))
    expect_error(client.cognito.confirm_forgot_password, "UserLambdaValidationException",
                 ClientId=client.id, Username=name, ConfirmationCode=code, Password=NEW_PASSWORD)
    assert client.login(name, PASSWORD)["AccessToken"], "the old password still works"
    receiver.set(urls["PostConfirmation"], None)
    client.cognito.confirm_forgot_password(ClientId=client.id, Username=name, ConfirmationCode=code, Password=NEW_PASSWORD)
    e3 = receiver.events(urls["PostConfirmation"])[-1]
    check_envelope(e3, pool, "PostConfirmation_ConfirmForgotPassword", name, client.id)
    assert client.login(name, NEW_PASSWORD)["AccessToken"]


# --------------------------------------------------------------------------------------------- Pre/PostAuthentication


def test_pre_and_post_authentication(trigger_pool, receiver):
    pool, urls = trigger_pool(PreAuthentication=None, PostAuthentication=None)
    client = pool.client()
    name = pool.create_user(unique("au"), email=unique_email())
    tokens = client.cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_PASSWORD_AUTH",
                                          AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
                                          ClientMetadata={"device": "kiosk"})["AuthenticationResult"]
    assert tokens["IdToken"]
    [pre] = receiver.events(urls["PreAuthentication"])
    check_envelope(pre, pool, "PreAuthentication_Authentication", name, client.id)
    assert pre["request"]["validationData"] == {"device": "kiosk"}
    assert pre["request"]["userNotFound"] is False
    assert pre["request"]["userAttributes"]["cognito:user_status"] == "CONFIRMED"
    [post] = receiver.events(urls["PostAuthentication"])
    check_envelope(post, pool, "PostAuthentication_Authentication", name, client.id)
    assert post["request"]["newDeviceUsed"] is False

    receiver.set(urls["PreAuthentication"], REFUSE("Account locked by the app"))
    expect_error(client.login, "UserLambdaValidationException", "PreAuthentication failed with error Account locked by the app.",
                 username=name)
    receiver.set(urls["PreAuthentication"], None)
    receiver.set(urls["PostAuthentication"], SLOW)
    expect_error(client.login, "UnexpectedLambdaException", username=name)
    # SRP reaches the same triggers.
    receiver.set(urls["PostAuthentication"], None)
    before = len(receiver.events(urls["PreAuthentication"]))
    srp = AWSSRP(username=name, password=PASSWORD, pool_id=pool.id, client_id=client.id, client=client.cognito)
    assert srp.authenticate_user()["AuthenticationResult"]["AccessToken"]
    assert len(receiver.events(urls["PreAuthentication"])) == before + 1


def test_pre_authentication_hears_of_unknown_users_when_existence_errors_are_prevented(trigger_pool, receiver):
    pool, urls = trigger_pool(PreAuthentication=None)
    client = pool.client(PreventUserExistenceErrors="ENABLED")
    expect_error(client.login, "NotAuthorizedException", "Incorrect username or password.", username="ghost")
    [event] = receiver.events(urls["PreAuthentication"])
    check_envelope(event, pool, "PreAuthentication_Authentication", "ghost", client.id)
    assert event["request"]["userNotFound"] is True


# --------------------------------------------------------------------------------------------- PreTokenGeneration


def test_pre_token_generation_v1(trigger_pool, receiver):
    def handler(e):
        return respond(e, claimsOverrideDetails={
            "claimsToAddOrOverride": {"plan": "pro", "email": "override@example.com", "sub": "hijack", "iss": "x"},
            "claimsToSuppress": ["custom:team", "aud"],
            "groupOverrideDetails": {"groupsToOverride": ["from-trigger"], "iamRolesToOverride": [], "preferredRole": None},
        })

    pool, urls = trigger_pool(
        PreTokenGeneration=handler,
        pool_kwargs={"Schema": [{"Name": "team", "AttributeDataType": "String", "Mutable": True}]},
    )
    client = pool.client()
    pool.cognito.create_group(UserPoolId=pool.id, GroupName="admins")
    name = pool.create_user(unique("pt"), email=unique_email(), attrs={"custom:team": "blue"})
    pool.cognito.admin_add_user_to_group(UserPoolId=pool.id, Username=name, GroupName="admins")
    tokens = client.login(name)
    [event] = receiver.events(urls["PreTokenGeneration"])
    check_envelope(event, pool, "TokenGeneration_Authentication", name, client.id)
    assert event["request"]["groupConfiguration"]["groupsToOverride"] == ["admins"]
    _, id_claims = jwt_segments(tokens["IdToken"])
    _, access = jwt_segments(tokens["AccessToken"])
    assert id_claims["plan"] == "pro" and id_claims["email"] == "override@example.com"
    assert "custom:team" not in id_claims
    assert id_claims["sub"] != "hijack" and id_claims["aud"] == client.id, "protected claims stay"
    assert id_claims["cognito:groups"] == ["from-trigger"] and access["cognito:groups"] == ["from-trigger"]
    assert "plan" not in access, "V1 leaves the access token's claims alone"

    refreshed = client.refresh(tokens["RefreshToken"])["AuthenticationResult"]
    assert receiver.events(urls["PreTokenGeneration"])[-1]["triggerSource"] == "TokenGeneration_RefreshTokens"
    assert jwt_segments(refreshed["IdToken"])[1]["plan"] == "pro"

    receiver.set(urls["PreTokenGeneration"], lambda e: respond(e, claimsOverrideDetails={"claimsToSuppress": "email"}))
    expect_error(client.login, "InvalidLambdaResponseException", username=name)


def test_pre_token_generation_v2_access_token(trigger_pool, receiver):
    def handler(e):
        assert e["version"] == "2", e["version"]
        return respond(e, claimsAndScopeOverrideDetails={
            "idTokenGeneration": {"claimsToAddOrOverride": {"tier": "gold"}},
            "accessTokenGeneration": {"claimsToAddOrOverride": {"tenant": "t-42", "roles": ["a", "b"]},
                                      "scopesToAdd": ["orders/read"], "scopesToSuppress": []},
        })

    pool, urls = trigger_pool(PreTokenGenerationV2=handler)
    client = pool.client()
    name = pool.create_user(unique("v2"), email=unique_email())
    tokens = client.login(name)
    [event] = receiver.events(urls["PreTokenGenerationV2"])
    assert event["request"]["scopes"] == ["aws.cognito.signin.user.admin"]
    _, id_claims = jwt_segments(tokens["IdToken"])
    _, access = jwt_segments(tokens["AccessToken"])
    assert id_claims["tier"] == "gold" and "tenant" not in id_claims
    assert access["tenant"] == "t-42" and access["roles"] == ["a", "b"]
    assert access["scope"].split() == ["aws.cognito.signin.user.admin", "orders/read"]
    assert client.cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == name


# --------------------------------------------------------------------------------------------- CustomMessage


def test_custom_message(trigger_pool, receiver, outbox):
    def handler(e):
        if e["triggerSource"] == "CustomMessage_SignUp":
            return respond(e, emailSubject="Welcome to the course",
                           emailMessage=f"Hello {e['request']['userAttributes']['email']}, your code is {e['request']['codeParameter']}")
        return respond(e, emailMessage="I forgot the placeholder")

    pool, urls = trigger_pool(CustomMessage=handler)
    client = pool.client()
    name, address = unique("cm"), unique_email()
    client.sign_up(name, email=address, ClientMetadata={"lang": "en"})
    [event] = receiver.events(urls["CustomMessage"])
    check_envelope(event, pool, "CustomMessage_SignUp", name, client.id)
    req = event["request"]
    assert req["codeParameter"] == "{####}" and req["linkParameter"] == "{##Click Here##}"
    assert req["usernameParameter"] is None and req["clientMetadata"] == {"lang": "en"}
    assert req["userAttributes"]["cognito:user_status"] == "UNCONFIRMED"
    m = outbox.latest(pool.id, name, "SignUp")
    assert m["subject"] == "Welcome to the course"
    assert m["message"] == f"Hello {address}, your code is {m['code']}"

    client.cognito.resend_confirmation_code(ClientId=client.id, Username=name)
    m2 = outbox.latest(pool.id, name, "ResendCode")
    assert receiver.events(urls["CustomMessage"])[-1]["triggerSource"] == "CustomMessage_ResendCode"
    assert m2["message"] == f"Your verification code is {m2['code']}. ", "without {####} the default text is used"

    receiver.set(urls["CustomMessage"], REFUSE("templates broken"))
    expect_error(client.cognito.resend_confirmation_code, "UserLambdaValidationException",
                 ClientId=client.id, Username=name)
    client.confirm(name, m2["code"])  # the failed resend did not replace the code


def test_custom_message_invitation(trigger_pool, receiver, outbox):
    pool, urls = trigger_pool(CustomMessage=lambda e: respond(
        e, emailSubject="Your account", emailMessage=f"User {e['request']['usernameParameter']} / {e['request']['codeParameter']}"))
    pool.cognito.admin_create_user(UserPoolId=pool.id, Username="inv", TemporaryPassword="Temp#Pass1",
                                   UserAttributes=[{"Name": "email", "Value": unique_email()}])
    [event] = receiver.events(urls["CustomMessage"])
    check_envelope(event, pool, "CustomMessage_AdminCreateUser", "inv", None)
    assert event["request"]["usernameParameter"] == "{username}"
    m = outbox.latest(pool.id, "inv", "AdminCreateUser")
    assert m["subject"] == "Your account" and m["message"] == "User inv / Temp#Pass1"


# --------------------------------------------------------------------------------------------- UserMigration


def test_user_migration_on_sign_in_and_forgot_password(trigger_pool, receiver, outbox):
    legacy = {"old-alice": ("Legacy#Pass1", "alice@legacy.example")}

    def handler(e):
        user = legacy.get(e["userName"])
        if user is None:
            return Reply({"errorMessage": "Bad user"}, status=400)
        if e["triggerSource"] == "UserMigration_Authentication" and e["request"]["password"] != user[0]:
            return Reply({"errorMessage": "Bad password"}, status=400)
        return respond(e, userAttributes={"email": user[1], "email_verified": "true"}, finalUserStatus="CONFIRMED",
                       messageAction="SUPPRESS")

    pool, urls = trigger_pool(UserMigration=handler)
    client = pool.client()
    expect_error(client.login, "UserLambdaValidationException", "UserMigration failed with error Bad password.",
                 username="old-alice", password="wrong#Pass1")
    expect_error(pool.get_user, "UserNotFoundException", username="old-alice")
    tokens = client.login("old-alice", "Legacy#Pass1")
    [_, event] = receiver.events(urls["UserMigration"])
    check_envelope(event, pool, "UserMigration_Authentication", "old-alice", client.id)
    assert event["request"]["password"] == "Legacy#Pass1"
    assert tokens["AccessToken"]
    assert pool.status("old-alice") == "CONFIRMED"
    assert pool.attrs("old-alice")["email"] == "alice@legacy.example"
    assert client.login("old-alice", "Legacy#Pass1")["AccessToken"], "the second sign-in needs no trigger"
    assert len(receiver.events(urls["UserMigration"])) == 2

    legacy["old-bob"] = ("unused", "bob@legacy.example")
    r = client.cognito.forgot_password(ClientId=client.id, Username="old-bob")
    assert r["CodeDeliveryDetails"]["AttributeName"] == "email"
    event = receiver.events(urls["UserMigration"])[-1]
    assert event["triggerSource"] == "UserMigration_ForgotPassword" and "password" not in event["request"]
    assert pool.status("old-bob") == "RESET_REQUIRED"
    code = outbox.latest_code(pool.id, "old-bob", "ForgotPassword")
    client.cognito.confirm_forgot_password(ClientId=client.id, Username="old-bob", ConfirmationCode=code, Password=NEW_PASSWORD)
    assert client.login("old-bob", NEW_PASSWORD)["AccessToken"]
    expect_error(client.cognito.forgot_password, "UserLambdaValidationException", ClientId=client.id, Username="nobody")


# --------------------------------------------------------------------------------------------- Custom auth


def _define(e):
    session = e["request"]["session"]
    if session and session[-1]["challengeName"] == "SRP_A":
        return respond(e, challengeName="PASSWORD_VERIFIER", issueTokens=False, failAuthentication=False)
    customs = [s for s in session if s["challengeName"] == "CUSTOM_CHALLENGE"]
    if customs and customs[-1]["challengeResult"]:
        return respond(e, issueTokens=True, failAuthentication=False)
    if len(customs) >= 3:
        return respond(e, issueTokens=False, failAuthentication=True)
    return respond(e, challengeName="CUSTOM_CHALLENGE", issueTokens=False, failAuthentication=False)


def _create(e):
    n = len(e["request"]["session"])
    return respond(e, publicChallengeParameters={"question": f"2+{n}?"}, privateChallengeParameters={"answer": str(2 + n)},
                   challengeMetadata=f"Q{n}")


def _verify(e):
    return respond(e, answerCorrect=e["request"]["challengeAnswer"] == e["request"]["privateChallengeParameters"]["answer"])


def test_custom_auth_challenges(trigger_pool, receiver):
    pool, urls = trigger_pool(DefineAuthChallenge=_define, CreateAuthChallenge=_create, VerifyAuthChallengeResponse=_verify)
    client = pool.client(flows=["ALLOW_CUSTOM_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    name = pool.create_user(unique("ca"), email=unique_email())
    idp = client.cognito
    r = idp.initiate_auth(ClientId=client.id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": name})
    assert r["ChallengeName"] == "CUSTOM_CHALLENGE"
    assert r["ChallengeParameters"] == {"question": "2+0?", "USERNAME": name}
    define = receiver.events(urls["DefineAuthChallenge"])[0]
    check_envelope(define, pool, "DefineAuthChallenge_Authentication", name, client.id)
    assert define["request"]["session"] == [] and define["request"]["userNotFound"] is False
    create = receiver.events(urls["CreateAuthChallenge"])[0]
    assert create["request"]["challengeName"] == "CUSTOM_CHALLENGE"

    wrong = idp.respond_to_auth_challenge(ClientId=client.id, ChallengeName="CUSTOM_CHALLENGE", Session=r["Session"],
                                          ChallengeResponses={"USERNAME": name, "ANSWER": "5"})
    assert wrong["ChallengeName"] == "CUSTOM_CHALLENGE" and wrong["ChallengeParameters"]["question"] == "2+1?"
    verify = receiver.events(urls["VerifyAuthChallengeResponse"])[0]
    assert verify["request"]["privateChallengeParameters"] == {"answer": "2"} and verify["request"]["challengeAnswer"] == "5"
    expect_error(idp.respond_to_auth_challenge, "NotAuthorizedException", ClientId=client.id, ChallengeName="CUSTOM_CHALLENGE",
                 Session=r["Session"], ChallengeResponses={"USERNAME": name, "ANSWER": "2"})  # a session is used once
    ok = idp.respond_to_auth_challenge(ClientId=client.id, ChallengeName="CUSTOM_CHALLENGE", Session=wrong["Session"],
                                       ChallengeResponses={"USERNAME": name, "ANSWER": "3"})
    assert ok["AuthenticationResult"]["AccessToken"]
    last = receiver.events(urls["DefineAuthChallenge"])[-1]["request"]["session"]
    assert last == [{"challengeName": "CUSTOM_CHALLENGE", "challengeResult": False, "challengeMetadata": "Q0"},
                    {"challengeName": "CUSTOM_CHALLENGE", "challengeResult": True, "challengeMetadata": "Q1"}]

    session = idp.initiate_auth(ClientId=client.id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": name})["Session"]
    for answer in ("x", "y"):
        session = idp.respond_to_auth_challenge(ClientId=client.id, ChallengeName="CUSTOM_CHALLENGE", Session=session,
                                                ChallengeResponses={"USERNAME": name, "ANSWER": answer})["Session"]
    expect_error(idp.respond_to_auth_challenge, "NotAuthorizedException", "Incorrect username or password.",
                 ClientId=client.id, ChallengeName="CUSTOM_CHALLENGE", Session=session,
                 ChallengeResponses={"USERNAME": name, "ANSWER": "z"})

    receiver.set(urls["DefineAuthChallenge"], lambda e: respond(e, challengeName="SOMETHING_ELSE"))
    expect_error(idp.initiate_auth, "InvalidLambdaResponseException", ClientId=client.id, AuthFlow="CUSTOM_AUTH",
                 AuthParameters={"USERNAME": name})


def test_custom_with_srp(trigger_pool):
    pool, _ = trigger_pool(DefineAuthChallenge=_define, CreateAuthChallenge=_create, VerifyAuthChallengeResponse=_verify)
    client = pool.client(flows=["ALLOW_CUSTOM_AUTH"])
    name = pool.create_user(unique("cs"), email=unique_email())
    idp = client.cognito
    srp = AWSSRP(username=name, password=PASSWORD, pool_id=pool.id, client_id=client.id, client=idp)
    params = srp.get_auth_params()
    params["CHALLENGE_NAME"] = "SRP_A"
    r = idp.initiate_auth(ClientId=client.id, AuthFlow="CUSTOM_AUTH", AuthParameters=params)
    assert r["ChallengeName"] == "PASSWORD_VERIFIER" and r["Session"]
    answer = srp.process_challenge(r["ChallengeParameters"], params)
    r2 = idp.respond_to_auth_challenge(ClientId=client.id, ChallengeName="PASSWORD_VERIFIER", Session=r["Session"],
                                       ChallengeResponses=answer)
    assert r2["ChallengeName"] == "CUSTOM_CHALLENGE" and r2["ChallengeParameters"]["question"] == "2+2?"
    r3 = idp.respond_to_auth_challenge(ClientId=client.id, ChallengeName="CUSTOM_CHALLENGE", Session=r2["Session"],
                                       ChallengeResponses={"USERNAME": name, "ANSWER": "4"})
    assert r3["AuthenticationResult"]["IdToken"]


def test_custom_auth_without_triggers(pool):
    client = pool.client(flows=["ALLOW_CUSTOM_AUTH"])
    expect_error(client.cognito.initiate_auth, "InvalidParameterException",
                 "Custom auth lambda trigger is not configured for the user pool.",
                 ClientId=client.id, AuthFlow="CUSTOM_AUTH", AuthParameters={"USERNAME": "x"})


# --------------------------------------------------------------------------------------------- Custom senders


def test_custom_email_sender_gets_the_code_over_the_webhook(trigger_pool, receiver):
    pool, urls = trigger_pool(CustomEmailSender=None)
    client = pool.client()
    name, address = unique("ce"), unique_email()
    client.sign_up(name, email=address, ClientMetadata={"k": "v"})
    [event] = receiver.wait_events(urls["CustomEmailSender"])
    check_envelope(event, pool, "CustomEmailSender_SignUp", name, client.id)
    assert event["request"]["type"] == "customEmailSenderRequestV1"
    assert event["request"]["userAttributes"]["email"] == address
    assert event["request"]["clientMetadata"] == {"k": "v"}
    client.confirm(name, event["request"]["code"])
    assert pool.status(name) == "CONFIRMED"


def test_custom_sender_is_retried_until_it_answers(trigger_pool, receiver):
    pool, urls = trigger_pool(CustomEmailSender=lambda e: Reply({"message": "busy"}, status=503))
    client = pool.client()
    name = unique("cr")
    client.sign_up(name, email=unique_email())
    receiver.wait_events(urls["CustomEmailSender"], 2, timeout=15)
    receiver.set(urls["CustomEmailSender"], None)
    n = len(receiver.wait_events(urls["CustomEmailSender"], 3, timeout=30))
    time.sleep(3)
    assert len(receiver.events(urls["CustomEmailSender"])) == n, "delivered: no more tries"


# --------------------------------------------------------------------------------------------- ARN mapping, SMS


def test_lambda_arns_map_to_urls_and_sms_goes_to_the_webhook(server_factory, receiver, tmp_path):
    pre = receiver.route("mapped-presignup", lambda e: respond(e, autoVerifyPhone=False))
    sms = receiver.route("sms")
    mapping = tmp_path / "triggers.json"
    mapping.write_text(json.dumps({
        "arn:aws:lambda:us-east-1:123456789012:function:course-presignup": pre,
        "course-postconfirm": receiver.route("mapped-postconfirm"),
    }))
    srv = server_factory(extra_args=["--webhook-secret", WEBHOOK_SECRET, "--trigger-map", str(mapping), "--sms-webhook", sms])
    cognito = make_boto_client(srv.endpoint)
    pool = PoolCtx(cognito, Outbox(srv.endpoint), cognito.create_user_pool(
        PoolName=unique("arn"), AutoVerifiedAttributes=["phone_number"],
        LambdaConfig={"PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:course-presignup",
                      "PostConfirmation": "arn:aws:lambda:us-east-1:123456789012:function:course-postconfirm:live",
                      "PreAuthentication": "arn:aws:lambda:us-east-1:123456789012:function:not-mapped"})["UserPool"])
    client = pool.client()
    name = unique("sm")
    r = client.sign_up(name, attrs={"phone_number": "+15555550123"})
    assert r["CodeDeliveryDetails"] == {"Destination": "+*******0123", "DeliveryMedium": "SMS", "AttributeName": "phone_number"}
    assert len(receiver.events(pre)) == 1
    [text] = receiver.wait_events(sms)
    assert text["to"] == "+15555550123" and text["poolId"] == pool.id and text["kind"] == "SignUp" and UUID_RE.match(text["id"])
    code = pool.outbox.latest_code(pool.id, name, "SignUp")
    assert text["message"] == f"Your verification code is {code}. "
    client.confirm(name, code)
    expect_error(client.login, "UnexpectedLambdaException",
                 "PreAuthentication invocation failed due to error ResourceNotFoundException.", username=name)


def test_without_a_secret_webhooks_are_signed_with_the_printed_key(server_factory, tmp_path):
    data = tmp_path / "keyed"
    srv = server_factory(data_dir=data)
    key = subprocess.run([str(cognate_bin()), "webhook-key", "--data-dir", str(data)], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert len(key) == 64 and key != WEBHOOK_SECRET
    own = Receiver(secret=key)
    try:
        url = own.route("keyed", lambda e: respond(e, autoConfirmUser=True))
        cognito = make_boto_client(srv.endpoint)
        pool = cognito.create_user_pool(PoolName=unique("k"), LambdaConfig={"PreSignUp": url})["UserPool"]
        client = cognito.create_user_pool_client(UserPoolId=pool["Id"], ClientName="c")["UserPoolClient"]
        r = cognito.sign_up(ClientId=client["ClientId"], Username=unique("k"), Password=PASSWORD)
        assert r["UserConfirmed"] is True
        assert not own.errors and len(own.events(url)) == 1
    finally:
        own.close()


def test_hosted_ui_sign_in_runs_the_triggers(trigger_pool, receiver, endpoint):
    pool, urls = trigger_pool(
        PreAuthentication=None, PostAuthentication=None,
        PreTokenGeneration=lambda e: respond(e, claimsOverrideDetails={"claimsToAddOrOverride": {"plan": "pro"}}),
    )
    name = pool.create_user(unique("hu"), email=unique_email())
    redirect = "http://localhost:9/callback"
    client = pool.cognito.create_user_pool_client(
        UserPoolId=pool.id, ClientName="web", AllowedOAuthFlowsUserPoolClient=True, AllowedOAuthFlows=["code"],
        AllowedOAuthScopes=["openid", "email"], SupportedIdentityProviders=["COGNITO"], CallbackURLs=[redirect],
    )["UserPoolClient"]
    s = requests.Session()
    page = s.get(endpoint + "/login", params={"client_id": client["ClientId"], "response_type": "code",
                                              "scope": "openid email", "redirect_uri": redirect}, timeout=10)
    done = submit(s, page, {"username": name, "password": PASSWORD}, allow_redirects=False, timeout=10)
    assert done.status_code in (302, 303), done.text[:300]
    code = parse_qs(urlparse(done.headers["Location"]).query)["code"][0]
    tokens = requests.post(endpoint + "/oauth2/token", timeout=10, data={
        "grant_type": "authorization_code", "client_id": client["ClientId"], "code": code, "redirect_uri": redirect}).json()
    assert jwt_segments(tokens["id_token"])[1]["plan"] == "pro"
    assert receiver.events(urls["PreTokenGeneration"])[-1]["triggerSource"] == "TokenGeneration_HostedAuth"
    assert receiver.events(urls["PreAuthentication"])[-1]["callerContext"]["clientId"] == client["ClientId"]
    assert receiver.events(urls["PostAuthentication"])[-1]["triggerSource"] == "PostAuthentication_Authentication"
    # The refresh grant at the token endpoint tells the trigger it is a refresh, as the API's does.
    refreshed = requests.post(endpoint + "/oauth2/token", timeout=10, data={
        "grant_type": "refresh_token", "client_id": client["ClientId"], "refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    assert receiver.events(urls["PreTokenGeneration"])[-1]["triggerSource"] == "TokenGeneration_RefreshTokens"

"""Sign-in history (issue #15, point 6): AdminListUserAuthEvents in a pool with threat protection
(UserPoolAddOns.AdvancedSecurityMode AUDIT), one event per sign-in attempt with its challenges and
outcome, newest first and paged; feedback with AdminUpdateAuthEventFeedback and
UpdateAuthEventFeedback; pools without the add-on, which keep nothing and refuse the operations.

The FeedbackToken of UpdateAuthEventFeedback reaches a user only in Cognito's risk notification
e-mails, which Cognate does not send: a token that the server made is checked in the Swift tests
(AuthEventTests); here only refusals of made-up tokens are."""

from __future__ import annotations

import time

import pyotp
from pycognito.aws_srp import AWSSRP

from interop_helpers import PASSWORD, expect_error, jwt_segments, unique, unique_email
from test_mfa import ahead, enroll

AUDIT = {"UserPoolAddOns": {"AdvancedSecurityMode": "AUDIT"}}


def events(cognito, pool, name, **kwargs) -> list[dict]:
    return cognito.admin_list_user_auth_events(UserPoolId=pool.id, Username=name, **kwargs)["AuthEvents"]


def challenges(event: dict) -> list[tuple[str, str]]:
    return [(c["ChallengeName"], c["ChallengeResponse"]) for c in event.get("ChallengeResponses", [])]


def test_wrong_then_right_password_newest_first(cognito, make_pool):
    pool = make_pool(**AUDIT)
    assert cognito.describe_user_pool(UserPoolId=pool.id)["UserPool"]["UserPoolAddOns"] == {"AdvancedSecurityMode": "AUDIT"}
    client = pool.client()
    name = pool.create_user(unique("ev"), email=unique_email())
    expect_error(client.initiate, "NotAuthorizedException", "Incorrect username or password.", username=name, password="Wr0ng!pass")
    time.sleep(0.01)
    tokens = client.login(name)

    listed = events(cognito, pool, name)
    assert [e["EventResponse"] for e in listed] == ["Pass", "Fail"]
    assert [challenges(e) for e in listed] == [[("Password", "Success")], [("Password", "Failure")]]
    assert listed[0]["CreationDate"] > listed[1]["CreationDate"]
    for e in listed:
        assert e["EventType"] == "SignIn"
        assert e["EventRisk"] == {"RiskDecision": "NoRisk", "CompromisedCredentialsDetected": False}
        context = e["EventContextData"]
        assert context["IpAddress"] == "127.0.0.1"
        # boto3's User-Agent ("Boto3/1.x … os/linux#…") names the device.
        assert context["DeviceName"].startswith("Boto3 1, ")
        assert "EventFeedback" not in e
    # The tokens carry the id of the sign-in's event.
    assert jwt_segments(tokens["IdToken"])[1]["event_id"] == listed[0]["EventId"]
    assert jwt_segments(tokens["AccessToken"])[1]["event_id"] == listed[0]["EventId"]


def test_srp_and_admin_sign_ins(cognito, make_pool):
    pool = make_pool(**AUDIT)
    client = pool.client()
    name = pool.create_user(unique("srp"), email=unique_email())
    AWSSRP(username=name, password=PASSWORD, pool_id=pool.id, client_id=client.id, client=cognito).authenticate_user()
    # A server-side caller relays its user's address and browser in ContextData.
    cognito.admin_initiate_auth(
        UserPoolId=pool.id, ClientId=client.id, AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD},
        ContextData={"IpAddress": "192.0.2.7", "ServerName": "app.example.com", "ServerPath": "/login",
                     "HttpHeaders": [{"headerName": "User-Agent",
                                      "headerValue": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}]},
    )
    admin, srp = events(cognito, pool, name)
    assert challenges(srp) == [("Password", "Success")] and srp["EventResponse"] == "Pass"
    assert srp["EventContextData"]["IpAddress"] == "127.0.0.1"
    assert admin["EventResponse"] == "Pass"
    assert admin["EventContextData"] == {"IpAddress": "192.0.2.7", "DeviceName": "Firefox 128, Linux"}


def test_software_token_mfa_is_one_event(cognito, make_pool):
    pool = make_pool(**AUDIT)
    cognito.set_user_pool_mfa_config(UserPoolId=pool.id, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})
    client = pool.client()
    name = pool.create_user(unique("mfa"), email=unique_email())
    totp: pyotp.TOTP = enroll(client, name)
    cognito.admin_set_user_mfa_preference(UserPoolId=pool.id, Username=name, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    time.sleep(0.01)

    r = client.initiate(name)
    assert r["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    pending = events(cognito, pool, name)[0]
    assert pending["EventResponse"] == "InProgress" and challenges(pending) == [("Password", "Success")]

    code = ahead(totp, 1)
    bad = f"{(int(code) + 1) % 1_000_000:06d}"
    expect_error(cognito.respond_to_auth_challenge, "CodeMismatchException", ClientId=client.id, ChallengeName="SOFTWARE_TOKEN_MFA",
                 Session=r["Session"], ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": bad})
    done = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=r["Session"],
                                             ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code})
    listed = events(cognito, pool, name)
    # The enrolment's sign-in, and this one: each attempt is one event, whatever its steps.
    assert len(listed) == 2
    newest = listed[0]
    assert newest["EventId"] == pending["EventId"]
    assert newest["EventResponse"] == "Pass"
    assert challenges(newest) == [("Password", "Success"), ("Mfa", "Failure"), ("Mfa", "Success")]
    assert jwt_segments(done["AuthenticationResult"]["IdToken"])[1]["event_id"] == newest["EventId"]


def test_pages(cognito, make_pool):
    pool = make_pool(**AUDIT)
    client = pool.client()
    name = pool.create_user(unique("pg"), email=unique_email())
    for _ in range(5):
        client.login(name)
    first = cognito.admin_list_user_auth_events(UserPoolId=pool.id, Username=name, MaxResults=2)
    assert len(first["AuthEvents"]) == 2 and first["NextToken"]
    seen = [e["EventId"] for e in first["AuthEvents"]]
    token = first["NextToken"]
    while token:
        page = cognito.admin_list_user_auth_events(UserPoolId=pool.id, Username=name, MaxResults=2, NextToken=token)
        seen += [e["EventId"] for e in page["AuthEvents"]]
        token = page.get("NextToken")
    everything = events(cognito, pool, name)
    assert seen == [e["EventId"] for e in everything] and len(set(seen)) == 5
    dates = [e["CreationDate"] for e in everything]
    assert dates == sorted(dates, reverse=True)
    # The CLI's paginator walks the same pages.
    paged = [e["EventId"] for p in cognito.get_paginator("admin_list_user_auth_events").paginate(
        UserPoolId=pool.id, Username=name, PaginationConfig={"PageSize": 2}) for e in p["AuthEvents"]]
    assert paged == seen
    expect_error(cognito.admin_list_user_auth_events, "InvalidParameterException", UserPoolId=pool.id, Username=name, NextToken="bm9wZQ==")


def test_feedback(cognito, make_pool):
    pool = make_pool(**AUDIT)
    client = pool.client()
    name = pool.create_user(unique("fb"), email=unique_email())
    client.login(name)
    event_id = events(cognito, pool, name)[0]["EventId"]

    cognito.admin_update_auth_event_feedback(UserPoolId=pool.id, Username=name, EventId=event_id, FeedbackValue="Invalid")
    feedback = events(cognito, pool, name)[0]["EventFeedback"]
    assert feedback["FeedbackValue"] == "Invalid" and feedback["Provider"] == "Admin"
    assert abs(feedback["FeedbackDate"].timestamp() - time.time()) < 60

    # The user's feedback needs the token of the event; one made up is refused and changes nothing.
    for forged in ["bm90LWEtdG9rZW4", "a" * 43]:
        expect_error(cognito.update_auth_event_feedback, "NotAuthorizedException", UserPoolId=pool.id, Username=name, EventId=event_id,
                     FeedbackToken=forged, FeedbackValue="Valid")
    assert events(cognito, pool, name)[0]["EventFeedback"]["FeedbackValue"] == "Invalid"

    expect_error(cognito.admin_update_auth_event_feedback, "ResourceNotFoundException", UserPoolId=pool.id, Username=name,
                 EventId="no-such-event", FeedbackValue="Valid")
    expect_error(cognito.admin_update_auth_event_feedback, "UserNotFoundException", UserPoolId=pool.id, Username="nobody-" + unique(),
                 EventId=event_id, FeedbackValue="Valid")


def test_bad_input(cognito, cognito_nv, make_pool):
    pool = make_pool(**AUDIT)
    client = pool.client()
    name = pool.create_user(unique("bad"), email=unique_email())
    client.login(name)
    event_id = events(cognito, pool, name)[0]["EventId"]
    expect_error(cognito_nv.admin_list_user_auth_events, "InvalidParameterException", UserPoolId=pool.id, Username=name, MaxResults=61)
    expect_error(cognito_nv.admin_update_auth_event_feedback, "InvalidParameterException", UserPoolId=pool.id, Username=name,
                 EventId=event_id, FeedbackValue="Maybe")
    expect_error(cognito_nv.admin_update_auth_event_feedback, "InvalidParameterException", UserPoolId=pool.id, Username=name,
                 EventId="has spaces", FeedbackValue="Valid")
    expect_error(cognito.admin_list_user_auth_events, "ResourceNotFoundException", UserPoolId="us-east-1_Nope12345", Username=name)
    expect_error(cognito.admin_list_user_auth_events, "UserNotFoundException", UserPoolId=pool.id, Username="nobody-" + unique())
    assert "EventFeedback" not in events(cognito, pool, name)[0]


def test_pool_without_the_add_on(cognito, make_pool):
    pool = make_pool()
    client = pool.client()
    name = pool.create_user(unique("off"), email=unique_email())
    client.login(name)
    expect_error(cognito.admin_list_user_auth_events, "UserPoolAddOnNotEnabledException", UserPoolId=pool.id, Username=name)
    expect_error(cognito.admin_update_auth_event_feedback, "UserPoolAddOnNotEnabledException", UserPoolId=pool.id, Username=name,
                 EventId="e1", FeedbackValue="Valid")
    expect_error(cognito.update_auth_event_feedback, "UserPoolAddOnNotEnabledException", UserPoolId=pool.id, Username=name,
                 EventId="e1", FeedbackToken="abc", FeedbackValue="Valid")
    # Turned on afterwards: only what comes after is recorded.
    cognito.update_user_pool(UserPoolId=pool.id, **AUDIT)
    assert events(cognito, pool, name) == []
    client.login(name)
    assert [e["EventResponse"] for e in events(cognito, pool, name)] == ["Pass"]
    # Deleting the user deletes the history with it.
    cognito.admin_delete_user(UserPoolId=pool.id, Username=name)
    pool.create_user(name, email=unique_email())
    assert events(cognito, pool, name) == []

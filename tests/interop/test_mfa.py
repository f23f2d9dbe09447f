"""Multi-factor authentication (issue: MFA, devices, history): the pool's MFA settings, software
tokens, users' preferences, and the second factor on every sign-in path — USER_PASSWORD_AUTH,
ADMIN_USER_PASSWORD_AUTH, USER_SRP_AUTH (pycognito), CUSTOM_WITH_SRP, after NEW_PASSWORD_REQUIRED —
with SOFTWARE_TOKEN_MFA, SMS_MFA, EMAIL_OTP, SELECT_MFA_TYPE and MFA_SETUP.

TOTP codes come from pyotp, which no one here wrote. The server's clock is real, so a test never
reuses a time step: a token is verified with the code of the current step and every later code is
taken one or more steps ahead, which the server accepts as drift (one step either way). Expiry and
the exact drift window are checked with an injected clock in the Swift tests (MFATests)."""

from __future__ import annotations

import time

import pyotp
import pytest
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import SoftwareTokenMFAChallengeException

from delivery_helpers import respond
from interop_helpers import (
    NEW_PASSWORD,
    PASSWORD,
    attrs_to_dict,
    expect_error,
    jwt_segments,
    unique,
    unique_email,
)

SMS_CONFIG = {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms", "ExternalId": "cognate-tests", "SnsRegion": "us-east-1"}
SES_CONFIG = {"EmailSendingAccount": "DEVELOPER", "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com"}
PHONE = "+15555550123"


def totp_pool(make_pool, mode: str = "OPTIONAL", **kwargs):
    pool = make_pool(**kwargs)
    pool.cognito.set_user_pool_mfa_config(UserPoolId=pool.id, MfaConfiguration=mode,
                                          SoftwareTokenMfaConfiguration={"Enabled": True})
    return pool


def ahead(totp: pyotp.TOTP, steps: int) -> str:
    """The code `steps` time steps from now (the server accepts one step of drift)."""
    return totp.at(time.time() + 30 * steps)


def enroll(client, username: str, password: str = PASSWORD) -> pyotp.TOTP:
    """Sign in, associate and verify a software token with the access token; the token's current
    step is then spent, so the next code a test sends is `ahead(totp, 1)`."""
    tokens = client.login(username, password)
    secret = client.cognito.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    totp = pyotp.TOTP(secret)
    r = client.cognito.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=totp.now(), FriendlyDeviceName="phone")
    assert r["Status"] == "SUCCESS"
    return totp


def check_tokens(result: dict, client, username: str) -> None:
    _, claims = jwt_segments(result["AccessToken"])
    assert claims["username"] == username and claims["client_id"] == client.id
    assert result["IdToken"] and result["RefreshToken"]


# --------------------------------------------------------------------------------------------- pool settings


def test_pool_mfa_config_and_its_rules(cognito, make_pool):
    pool = make_pool()
    assert cognito.get_user_pool_mfa_config(UserPoolId=pool.id)["MfaConfiguration"] == "OFF"
    expect_error(cognito.set_user_pool_mfa_config, "InvalidParameterException",
                 "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.",
                 UserPoolId=pool.id, MfaConfiguration="OFF", SoftwareTokenMfaConfiguration={"Enabled": True})
    expect_error(cognito.set_user_pool_mfa_config, "InvalidParameterException",
                 "Invalid MFA Configuration given. SMS MFA, Email MFA, or Software Token MFA must be enabled.",
                 UserPoolId=pool.id, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": False})
    # E-mail MFA needs the pool's own SES sender, as Cognito requires.
    expect_error(cognito.set_user_pool_mfa_config, "InvalidParameterException", UserPoolId=pool.id, MfaConfiguration="OPTIONAL",
                 EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Sign-in code"})
    # SMS MFA needs an SMS configuration.
    expect_error(cognito.set_user_pool_mfa_config, "InvalidParameterException", UserPoolId=pool.id, MfaConfiguration="OPTIONAL",
                 SmsMfaConfiguration={"SmsAuthenticationMessage": "Code {####}"})
    # A template without the code's placeholder is a model violation.
    expect_error(cognito.set_user_pool_mfa_config, "InvalidParameterException", UserPoolId=pool.id, MfaConfiguration="OPTIONAL",
                 SmsMfaConfiguration={"SmsAuthenticationMessage": "no code here", "SmsConfiguration": SMS_CONFIG})
    assert cognito.describe_user_pool(UserPoolId=pool.id)["UserPool"]["MfaConfiguration"] == "OFF", "refusals change nothing"

    r = cognito.set_user_pool_mfa_config(UserPoolId=pool.id, MfaConfiguration="ON", SoftwareTokenMfaConfiguration={"Enabled": True},
                                         SmsMfaConfiguration={"SmsAuthenticationMessage": "Your code: {####}", "SmsConfiguration": SMS_CONFIG})
    assert r["MfaConfiguration"] == "ON" and r["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert r["SmsMfaConfiguration"]["SmsAuthenticationMessage"] == "Your code: {####}"
    got = cognito.get_user_pool_mfa_config(UserPoolId=pool.id)
    assert {k: got[k] for k in ("MfaConfiguration", "SoftwareTokenMfaConfiguration", "SmsMfaConfiguration")} == \
        {k: r[k] for k in ("MfaConfiguration", "SoftwareTokenMfaConfiguration", "SmsMfaConfiguration")}
    described = cognito.describe_user_pool(UserPoolId=pool.id)["UserPool"]
    assert described["MfaConfiguration"] == "ON" and described["SmsAuthenticationMessage"] == "Your code: {####}"
    # Turning MFA off turns its factors off.
    off = cognito.set_user_pool_mfa_config(UserPoolId=pool.id, MfaConfiguration="OFF")
    assert off["MfaConfiguration"] == "OFF" and off["SoftwareTokenMfaConfiguration"] == {"Enabled": False}
    assert "SmsMfaConfiguration" not in off

    # CreateUserPool configures only SMS MFA, and ON needs it.
    expect_error(cognito.create_user_pool, "InvalidParameterException",
                 "SMS configuration and Auto verification for phone_number are required when MFA is required/optional",
                 PoolName=unique("p"), MfaConfiguration="ON")
    sms_pool = make_pool(MfaConfiguration="OPTIONAL", SmsConfiguration=SMS_CONFIG)
    assert cognito.get_user_pool_mfa_config(UserPoolId=sms_pool.id)["SmsMfaConfiguration"]["SmsConfiguration"]["SnsCallerArn"] == SMS_CONFIG["SnsCallerArn"]

    ses_pool = make_pool(EmailConfiguration=SES_CONFIG)
    r = cognito.set_user_pool_mfa_config(UserPoolId=ses_pool.id, MfaConfiguration="OPTIONAL",
                                         EmailMfaConfiguration={"Message": "Code {####}", "Subject": "Sign-in code"})
    assert r["EmailMfaConfiguration"] == {"Message": "Code {####}", "Subject": "Sign-in code"}
    expect_error(cognito.get_user_pool_mfa_config, "ResourceNotFoundException", UserPoolId="us-east-1_000000000")


# --------------------------------------------------------------------------------------------- software tokens


def test_software_token_association_and_preferences(cognito, make_pool):
    pool = make_pool()
    client = pool.client()
    name = pool.create_user(unique("tt"), email=unique_email())
    tokens = client.login(name)
    # The pool does not offer software tokens yet.
    expect_error(cognito.associate_software_token, "SoftwareTokenMFANotFoundException",
                 "Software Token MFA has not been enabled by the userPool", AccessToken=tokens["AccessToken"])
    cognito.set_user_pool_mfa_config(UserPoolId=pool.id, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})
    # Nothing to turn on before a token is verified.
    expect_error(cognito.set_user_mfa_preference, "InvalidParameterException",
                 "User does not have delivery config set to turn on SOFTWARE_TOKEN_MFA",
                 AccessToken=tokens["AccessToken"], SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    secret = cognito.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    assert len(secret) == 52 and all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567" for c in secret), secret
    totp = pyotp.TOTP(secret)
    wrong = f"{(int(totp.now()) + 1) % 1_000_000:06d}"
    expect_error(cognito.verify_software_token, "EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA",
                 AccessToken=tokens["AccessToken"], UserCode=wrong)
    expect_error(cognito.verify_software_token, "InvalidParameterException", AccessToken=tokens["AccessToken"], UserCode="12a456")
    assert "UserMFASettingList" not in cognito.get_user(AccessToken=tokens["AccessToken"]), "a failed verification changes nothing"
    assert cognito.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=totp.now(), FriendlyDeviceName="my phone")["Status"] == "SUCCESS"

    user = cognito.get_user(AccessToken=tokens["AccessToken"])
    assert user["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"] and "PreferredMfaSetting" not in user and "MFAOptions" not in user
    cognito.set_user_mfa_preference(AccessToken=tokens["AccessToken"], SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    admin_view = pool.get_user(name)
    assert admin_view["PreferredMfaSetting"] == "SOFTWARE_TOKEN_MFA" and admin_view["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]
    # One preferred factor at most; SMS needs a phone number.
    expect_error(cognito.admin_set_user_mfa_preference, "InvalidParameterException", "Only one MFA method can be set as preferred.",
                 UserPoolId=pool.id, Username=name, SMSMfaSettings={"Enabled": True, "PreferredMfa": True},
                 SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True})
    expect_error(cognito.admin_set_user_mfa_preference, "InvalidParameterException", "User does not have delivery config set to turn on SMS_MFA",
                 UserPoolId=pool.id, Username=name, SMSMfaSettings={"Enabled": True})

    # The challenge names the authenticator; a wrong code, then the right one.
    r = client.initiate(name)
    assert r["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    assert r["ChallengeParameters"] == {"USER_ID_FOR_SRP": name, "FRIENDLY_DEVICE_NAME": "my phone"}
    code = ahead(totp, 1)
    bad = f"{(int(code) + 1) % 1_000_000:06d}"
    expect_error(cognito.respond_to_auth_challenge, "CodeMismatchException", "Invalid code received for user", ClientId=client.id,
                 ChallengeName="SOFTWARE_TOKEN_MFA", Session=r["Session"], ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": bad})
    # amazon-cognito-identity-js also sends SMS_MFA_CODE with every code; it is ignored.
    done = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=r["Session"],
                                             ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code, "SMS_MFA_CODE": code})
    check_tokens(done["AuthenticationResult"], client, name)
    expect_error(cognito.respond_to_auth_challenge, "NotAuthorizedException", "Invalid session for the user, session can only be used once.",
                 ClientId=client.id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=r["Session"],
                 ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code})
    # The same code in a new sign-in: a code is good once.
    again = client.initiate(name)
    expect_error(cognito.respond_to_auth_challenge, "ExpiredCodeException", "Your software token has already been used once.",
                 ClientId=client.id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=again["Session"],
                 ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code})

    # Turned off, then deleted by an administrator: no challenge in an OPTIONAL pool.
    cognito.admin_set_user_mfa_preference(UserPoolId=pool.id, Username=name, SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False})
    assert "ChallengeName" not in client.initiate(name)
    cognito.admin_set_user_mfa_preference(UserPoolId=pool.id, Username=name, SoftwareTokenMfaSettings={"Enabled": True})
    assert client.initiate(name)["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    cognito.admin_delete_software_token(UserPoolId=pool.id, Username=name)
    assert "UserMFASettingList" not in pool.get_user(name)
    assert "ChallengeName" not in client.initiate(name)


def test_legacy_sms_settings(cognito, make_pool):
    pool = make_pool()
    client = pool.client()
    name = pool.create_user(unique("ls"), email=unique_email(), attrs={"phone_number": PHONE})
    tokens = client.login(name)
    cognito.set_user_settings(AccessToken=tokens["AccessToken"], MFAOptions=[{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}])
    assert cognito.get_user(AccessToken=tokens["AccessToken"])["MFAOptions"] == [{"DeliveryMedium": "SMS", "AttributeName": "phone_number"}]
    expect_error(cognito.admin_set_user_settings, "InvalidParameterException", UserPoolId=pool.id, Username=name,
                 MFAOptions=[{"DeliveryMedium": "EMAIL", "AttributeName": "email"}])
    cognito.admin_set_user_settings(UserPoolId=pool.id, Username=name, MFAOptions=[])
    assert "MFAOptions" not in pool.get_user(name)


# --------------------------------------------------------------------------------------------- every path


def test_admin_password_auth_and_required_mfa(cognito, make_pool):
    pool = totp_pool(make_pool, "ON")
    client = pool.client()
    name = pool.create_user(unique("ap"), email=unique_email())
    # Required and nothing set up: MFA_SETUP, completed with the session through Associate/Verify.
    r = client.admin_initiate(name)
    assert r["ChallengeName"] == "MFA_SETUP"
    assert r["ChallengeParameters"] == {"MFAS_CAN_SETUP": '["SOFTWARE_TOKEN_MFA"]', "USER_ID_FOR_SRP": name}
    expect_error(cognito.admin_respond_to_auth_challenge, "InvalidParameterException", UserPoolId=pool.id, ClientId=client.id,
                 ChallengeName="MFA_SETUP", Session=r["Session"], ChallengeResponses={"USERNAME": name})
    assoc = cognito.associate_software_token(Session=r["Session"])
    totp = pyotp.TOTP(assoc["SecretCode"])
    verified = cognito.verify_software_token(Session=assoc["Session"], UserCode=totp.now())
    assert verified["Status"] == "SUCCESS" and verified["Session"]
    done = cognito.admin_respond_to_auth_challenge(UserPoolId=pool.id, ClientId=client.id, ChallengeName="MFA_SETUP",
                                                   Session=verified["Session"], ChallengeResponses={"USERNAME": name})
    check_tokens(done["AuthenticationResult"], client, name)
    # Every session of that sign-in is spent with it.
    expect_error(cognito.admin_respond_to_auth_challenge, "NotAuthorizedException", UserPoolId=pool.id, ClientId=client.id,
                 ChallengeName="MFA_SETUP", Session=verified["Session"], ChallengeResponses={"USERNAME": name})
    assert pool.get_user(name)["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]

    r = client.admin_initiate(name)
    assert r["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    done = cognito.admin_respond_to_auth_challenge(UserPoolId=pool.id, ClientId=client.id, ChallengeName="SOFTWARE_TOKEN_MFA",
                                                   Session=r["Session"], ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": ahead(totp, 1)})
    check_tokens(done["AuthenticationResult"], client, name)


def test_srp_with_pycognito_and_a_secret_client(cognito, make_pool, endpoint):
    pool = totp_pool(make_pool)
    plain = pool.client()
    client = pool.client(secret=True)
    name = pool.create_user(unique("sr"), email=unique_email())
    totp = enroll(plain, name)
    u = Cognito(pool.id, client.id, client_secret=client.secret, username=name,
                boto3_client_kwargs={"endpoint_url": endpoint, "region_name": "us-east-1"})
    with pytest.raises(SoftwareTokenMFAChallengeException):
        u.authenticate(password=PASSWORD)
    u.respond_to_software_token_mfa_challenge(ahead(totp, 1))
    assert u.access_token and u.id_token
    _, claims = jwt_segments(u.access_token)
    assert claims["username"] == name and claims["client_id"] == client.id


def test_custom_with_srp_gets_the_second_factor_before_define(cognito, make_pool, receiver):
    sessions = []

    def define(e):
        session = e["request"]["session"]
        sessions.append([s["challengeName"] for s in session])
        if session and session[-1]["challengeName"] == "SRP_A":
            return respond(e, challengeName="PASSWORD_VERIFIER", issueTokens=False, failAuthentication=False)
        return respond(e, issueTokens=True, failAuthentication=False)

    pool = totp_pool(make_pool, LambdaConfig={"DefineAuthChallenge": receiver.route("DefineAuthChallenge", define)})
    client = pool.client(flows=["ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH"])
    name = pool.create_user(unique("cw"), email=unique_email())
    totp = enroll(client, name)

    srp = AWSSRP(username=name, password=PASSWORD, pool_id=pool.id, client_id=client.id, client=cognito)
    params = srp.get_auth_params()
    params["CHALLENGE_NAME"] = "SRP_A"
    r = cognito.initiate_auth(ClientId=client.id, AuthFlow="CUSTOM_AUTH", AuthParameters=params)
    assert r["ChallengeName"] == "PASSWORD_VERIFIER"
    r2 = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="PASSWORD_VERIFIER", Session=r["Session"],
                                           ChallengeResponses=srp.process_challenge(r["ChallengeParameters"], params))
    assert r2["ChallengeName"] == "SOFTWARE_TOKEN_MFA", "the factor comes after the password, before DefineAuthChallenge decides"
    assert sessions == [["SRP_A"]]
    r3 = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=r2["Session"],
                                           ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": ahead(totp, 1)})
    check_tokens(r3["AuthenticationResult"], client, name)
    assert sessions[-1] == ["SRP_A", "PASSWORD_VERIFIER", "SOFTWARE_TOKEN_MFA"]


def test_new_password_then_the_second_factor(cognito, make_pool, outbox):
    pool = totp_pool(make_pool, "ON")
    client = pool.client()
    name = unique("np")
    cognito.admin_create_user(UserPoolId=pool.id, Username=name, TemporaryPassword=PASSWORD, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "email", "Value": unique_email()}])
    r = client.initiate(name)
    assert r["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    r2 = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="NEW_PASSWORD_REQUIRED", Session=r["Session"],
                                           ChallengeResponses={"USERNAME": name, "NEW_PASSWORD": NEW_PASSWORD})
    assert r2["ChallengeName"] == "MFA_SETUP", r2
    assert pool.status(name) == "CONFIRMED"
    assoc = cognito.associate_software_token(Session=r2["Session"])
    totp = pyotp.TOTP(assoc["SecretCode"])
    verified = cognito.verify_software_token(Session=assoc["Session"], UserCode=totp.now())
    done = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="MFA_SETUP", Session=verified["Session"],
                                             ChallengeResponses={"USERNAME": name})
    check_tokens(done["AuthenticationResult"], client, name)


# --------------------------------------------------------------------------------------------- codes by SMS and e-mail


def test_sms_mfa_code_through_the_outbox(cognito, make_pool, outbox):
    pool = make_pool(SmsConfiguration=SMS_CONFIG)
    cognito.set_user_pool_mfa_config(UserPoolId=pool.id, MfaConfiguration="OPTIONAL",
                                     SmsMfaConfiguration={"SmsAuthenticationMessage": "Your sign-in code is {####}", "SmsConfiguration": SMS_CONFIG})
    client = pool.client()
    name = pool.create_user(unique("sm"), email=unique_email(), attrs={"phone_number": PHONE})
    cognito.admin_set_user_mfa_preference(UserPoolId=pool.id, Username=name, SMSMfaSettings={"Enabled": True, "PreferredMfa": True})
    assert pool.attrs(name).get("phone_number_verified") != "true"
    r = client.initiate(name)
    assert r["ChallengeName"] == "SMS_MFA"
    assert r["ChallengeParameters"] == {"CODE_DELIVERY_DELIVERY_MEDIUM": "SMS", "CODE_DELIVERY_DESTINATION": "+*******0123", "USER_ID_FOR_SRP": name}
    message = outbox.latest(pool.id, name, "Authentication")
    assert message["deliveryMedium"] == "SMS" and message["destination"] == PHONE
    code = message["code"]
    assert len(code) == 6 and message["message"] == f"Your sign-in code is {code}"
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    expect_error(cognito.respond_to_auth_challenge, "CodeMismatchException", "Invalid code or auth state for the user.", ClientId=client.id,
                 ChallengeName="SMS_MFA", Session=r["Session"], ChallengeResponses={"USERNAME": name, "SMS_MFA_CODE": wrong})
    done = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="SMS_MFA", Session=r["Session"],
                                             ChallengeResponses={"USERNAME": name, "SMS_MFA_CODE": code})
    check_tokens(done["AuthenticationResult"], client, name)
    assert pool.attrs(name)["phone_number_verified"] == "true", "a code that arrived proves the number"
    # A code belongs to its own sign-in.
    r2 = client.initiate(name)
    expect_error(cognito.respond_to_auth_challenge, "CodeMismatchException", ClientId=client.id, ChallengeName="SMS_MFA",
                 Session=r2["Session"], ChallengeResponses={"USERNAME": name, "SMS_MFA_CODE": code})


def test_email_otp_and_the_choice_of_factor(cognito, make_pool, outbox):
    pool = make_pool(EmailConfiguration=SES_CONFIG)
    cognito.set_user_pool_mfa_config(UserPoolId=pool.id, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True},
                                     EmailMfaConfiguration={"Message": "Sign-in code: {####}", "Subject": "Your code"})
    client = pool.client()
    address = unique_email()
    name = pool.create_user(unique("em"), email=address)
    totp = enroll(client, name)
    cognito.admin_set_user_mfa_preference(UserPoolId=pool.id, Username=name, EmailMfaSettings={"Enabled": True})
    assert pool.get_user(name)["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]

    # Two factors, none preferred: the user chooses.
    r = client.initiate(name)
    assert r["ChallengeName"] == "SELECT_MFA_TYPE"
    assert r["ChallengeParameters"] == {"MFAS_CAN_CHOOSE": '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]', "USER_ID_FOR_SRP": name}
    expect_error(cognito.respond_to_auth_challenge, "InvalidParameterException", ClientId=client.id, ChallengeName="SELECT_MFA_TYPE",
                 Session=r["Session"], ChallengeResponses={"USERNAME": name, "ANSWER": "SMS_MFA"})
    r2 = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="SELECT_MFA_TYPE", Session=r["Session"],
                                           ChallengeResponses={"USERNAME": name, "ANSWER": "EMAIL_OTP"})
    assert r2["ChallengeName"] == "EMAIL_OTP"
    masked = r2["ChallengeParameters"]["CODE_DELIVERY_DESTINATION"]
    assert r2["ChallengeParameters"]["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL" and masked.startswith(address[0] + "***@e***")
    message = outbox.latest(pool.id, name, "Authentication")
    assert message["deliveryMedium"] == "EMAIL" and message["subject"] == "Your code"
    assert len(message["code"]) == 8 and message["message"] == f"Sign-in code: {message['code']}"
    done = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="EMAIL_OTP", Session=r2["Session"],
                                             ChallengeResponses={"USERNAME": name, "EMAIL_OTP_CODE": message["code"]})
    check_tokens(done["AuthenticationResult"], client, name)

    # The software token chosen instead.
    r = client.initiate(name)
    r2 = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="SELECT_MFA_TYPE", Session=r["Session"],
                                           ChallengeResponses={"USERNAME": name, "ANSWER": "SOFTWARE_TOKEN_MFA"})
    assert r2["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    done = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=r2["Session"],
                                             ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": ahead(totp, 1)})
    check_tokens(done["AuthenticationResult"], client, name)

    # A preference settles it.
    cognito.admin_set_user_mfa_preference(UserPoolId=pool.id, Username=name, EmailMfaSettings={"Enabled": True, "PreferredMfa": True})
    assert client.initiate(name)["ChallengeName"] == "EMAIL_OTP"


# --------------------------------------------------------------------------------------------- lockout, pools without MFA


def test_wrong_codes_count_toward_lockout(cognito, make_pool):
    pool = totp_pool(make_pool)
    client = pool.client()
    name = pool.create_user(unique("lk"), email=unique_email())
    totp = enroll(client, name)
    r = client.initiate(name)
    good = ahead(totp, 1)
    bad = f"{(int(good) + 1) % 1_000_000:06d}"
    for _ in range(5):
        expect_error(cognito.respond_to_auth_challenge, "CodeMismatchException", ClientId=client.id, ChallengeName="SOFTWARE_TOKEN_MFA",
                     Session=r["Session"], ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": bad})
    # Locked now: even the right code is refused, and signing in again does not reset the count.
    expect_error(cognito.respond_to_auth_challenge, "NotAuthorizedException", "Password attempts exceeded", ClientId=client.id,
                 ChallengeName="SOFTWARE_TOKEN_MFA", Session=r["Session"], ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": good})
    expect_error(lambda: client.initiate(name), "NotAuthorizedException", "Password attempts exceeded")


def test_pools_without_mfa_are_unchanged(cognito, make_pool):
    pool = make_pool()
    client = pool.client()
    name = pool.create_user(unique("off"), email=unique_email(), attrs={"phone_number": PHONE})
    # Settings a user made while the pool offered MFA do not apply once it is off.
    cognito.set_user_pool_mfa_config(UserPoolId=pool.id, MfaConfiguration="OPTIONAL", SoftwareTokenMfaConfiguration={"Enabled": True})
    enroll(client, name)
    assert client.initiate(name)["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    cognito.set_user_pool_mfa_config(UserPoolId=pool.id, MfaConfiguration="OFF")
    check_tokens(client.login(name), client, name)
    assert attrs_to_dict(pool.get_user(name)["UserAttributes"])["phone_number"] == PHONE

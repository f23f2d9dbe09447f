"""Remembered devices (issue: MFA, devices, history): NewDeviceMetadata with the tokens,
ConfirmDevice with a verifier made by pycognito's `generate_hash_device`, the device operations,
a remembered device standing in for MFA through DEVICE_SRP_AUTH / DEVICE_PASSWORD_VERIFIER (the
client's side computed by pycognito's AWSSRP, which no one here wrote), and refresh tokens bound
to their device."""

from __future__ import annotations

import time
import uuid

import pyotp
import pytest
from pycognito.aws_srp import AWSSRP, generate_hash_device

from interop_helpers import PASSWORD, expect_error, jwt_segments, unique, unique_email

DEVICE_KEY_PREFIX = "us-east-1_"


def device_pool(make_pool, *, challenge: bool = True, on_prompt: bool = False, mfa: str = "OPTIONAL"):
    pool = make_pool(DeviceConfiguration={"ChallengeRequiredOnNewDevice": challenge, "DeviceOnlyRememberedOnUserPrompt": on_prompt})
    pool.cognito.set_user_pool_mfa_config(UserPoolId=pool.id, MfaConfiguration=mfa, SoftwareTokenMfaConfiguration={"Enabled": True})
    return pool


def srp(pool, client, name, device=None) -> AWSSRP:
    kw = {}
    if device:
        kw = {"device_key": device["key"], "device_group_key": device["group"], "device_password": device["password"]}
    return AWSSRP(username=name, password=PASSWORD, pool_id=pool.id, client_id=client.id, client=client.cognito, **kw)


def password_verifier(pool, client, name, device=None):
    """USER_SRP_AUTH and its PASSWORD_VERIFIER answer (DEVICE_KEY in both when there is a device)."""
    s = srp(pool, client, name, device)
    params = s.get_auth_params()
    r = client.cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_SRP_AUTH", AuthParameters=params)
    assert r["ChallengeName"] == "PASSWORD_VERIFIER"
    answer = s.process_challenge(r["ChallengeParameters"], params)
    return s, client.cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="PASSWORD_VERIFIER", ChallengeResponses=answer)


def enroll_totp(client, name) -> pyotp.TOTP:
    tokens = client.login(name)
    totp = pyotp.TOTP(client.cognito.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"])
    client.cognito.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=totp.now())
    return totp


def test_a_remembered_device_stands_in_for_mfa(cognito, make_pool):
    pool = device_pool(make_pool)
    client = pool.client()
    name = pool.create_user(unique("dv"), email=unique_email())
    totp = enroll_totp(client, name)

    # A sign-in on a new device: the second factor, then tokens with the device's metadata.
    _, r = password_verifier(pool, client, name)
    assert r["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    done = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=r["Session"],
                                             ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": totp.at(time.time() + 30)})
    result = done["AuthenticationResult"]
    meta = result["NewDeviceMetadata"]
    key, group = meta["DeviceKey"], meta["DeviceGroupKey"]
    assert key.startswith(DEVICE_KEY_PREFIX) and uuid.UUID(key[len(DEVICE_KEY_PREFIX):])
    assert group.startswith("-") and len(group) == 10
    assert jwt_segments(result["AccessToken"])[1]["device_key"] == key

    # The device's secret, made as the SDKs make it; the pool remembers confirmed devices at once.
    device_password, verifier_config = generate_hash_device(group, key)
    confirmed = cognito.confirm_device(AccessToken=result["AccessToken"], DeviceKey=key, DeviceSecretVerifierConfig=verifier_config,
                                       DeviceName="Pixel 9")
    assert confirmed["UserConfirmationNecessary"] is False
    expect_error(cognito.confirm_device, "DeviceKeyExistsException", AccessToken=result["AccessToken"], DeviceKey=key,
                 DeviceSecretVerifierConfig=verifier_config)
    got = cognito.get_device(AccessToken=result["AccessToken"], DeviceKey=key)["Device"]
    attrs = {a["Name"]: a["Value"] for a in got["DeviceAttributes"]}
    assert attrs["device_name"] == "Pixel 9" and attrs["dev:device_remembered_status"] == "remembered" and attrs["device_status"] == "valid"
    # Every sign-in without a device made one: the enrolment's and this one.
    listed = [d["DeviceKey"] for d in cognito.list_devices(AccessToken=result["AccessToken"], Limit=10)["Devices"]]
    assert key in listed and len(listed) == 2
    assert cognito.admin_get_device(UserPoolId=pool.id, Username=name, DeviceKey=key)["Device"]["DeviceKey"] == key
    assert [d["DeviceKey"] for d in cognito.admin_list_devices(UserPoolId=pool.id, Username=name)["Devices"]] == listed
    expect_error(cognito.get_device, "ResourceNotFoundException", "Device does not exist.", AccessToken=result["AccessToken"],
                 DeviceKey=DEVICE_KEY_PREFIX + str(uuid.uuid4()))

    # Signing in on the remembered device: device SRP instead of the code.
    device = {"key": key, "group": group, "password": device_password}
    s, r = password_verifier(pool, client, name, device)
    assert r["ChallengeName"] == "DEVICE_SRP_AUTH", r
    r2 = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="DEVICE_SRP_AUTH", Session=r["Session"],
                                           ChallengeResponses={"USERNAME": name, "DEVICE_KEY": key, "SRP_A": s.get_auth_params()["SRP_A"]})
    assert r2["ChallengeName"] == "DEVICE_PASSWORD_VERIFIER"
    assert set(r2["ChallengeParameters"]) >= {"SALT", "SRP_B", "SECRET_BLOCK", "USERNAME"}
    answer = s.process_device_challenge(r2["ChallengeParameters"])
    r3 = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="DEVICE_PASSWORD_VERIFIER", ChallengeResponses=answer)
    tokens = r3["AuthenticationResult"]
    assert "NewDeviceMetadata" not in tokens, "the device is known"
    assert jwt_segments(tokens["AccessToken"])[1]["device_key"] == key

    # The wrong device secret proves nothing.
    wrong = {**device, "password": device_password[:-4] + "AAA="}
    s, r = password_verifier(pool, client, name, wrong)
    r2 = cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="DEVICE_SRP_AUTH", Session=r["Session"],
                                           ChallengeResponses={"USERNAME": name, "DEVICE_KEY": key, "SRP_A": s.get_auth_params()["SRP_A"]})
    expect_error(cognito.respond_to_auth_challenge, "NotAuthorizedException", "Incorrect username or password.", ClientId=client.id,
                 ChallengeName="DEVICE_PASSWORD_VERIFIER", ChallengeResponses=s.process_device_challenge(r2["ChallengeParameters"]))

    # Not remembered any more: the code again.
    cognito.update_device_status(AccessToken=tokens["AccessToken"], DeviceKey=key, DeviceRememberedStatus="not_remembered")
    _, r = password_verifier(pool, client, name, device)
    assert r["ChallengeName"] == "SOFTWARE_TOKEN_MFA"
    cognito.admin_update_device_status(UserPoolId=pool.id, Username=name, DeviceKey=key, DeviceRememberedStatus="remembered")
    assert password_verifier(pool, client, name, device)[1]["ChallengeName"] == "DEVICE_SRP_AUTH"


def test_refresh_tokens_are_bound_to_their_device(cognito, make_pool):
    pool = make_pool(DeviceConfiguration={"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": True})
    client = pool.client()
    name = pool.create_user(unique("rf"), email=unique_email())
    result = client.login(name)
    key = result["NewDeviceMetadata"]["DeviceKey"]
    _, config = generate_hash_device(result["NewDeviceMetadata"]["DeviceGroupKey"], key)
    # Remembered only when the user says so.
    assert cognito.confirm_device(AccessToken=result["AccessToken"], DeviceKey=key, DeviceSecretVerifierConfig=config)["UserConfirmationNecessary"] is True
    attrs = {a["Name"]: a["Value"] for a in cognito.get_device(AccessToken=result["AccessToken"], DeviceKey=key)["Device"]["DeviceAttributes"]}
    assert attrs["dev:device_remembered_status"] == "not_remembered"

    refresh = result["RefreshToken"]
    ok = cognito.initiate_auth(ClientId=client.id, AuthFlow="REFRESH_TOKEN_AUTH", AuthParameters={"REFRESH_TOKEN": refresh, "DEVICE_KEY": key})
    assert jwt_segments(ok["AuthenticationResult"]["AccessToken"])[1]["device_key"] == key
    expect_error(cognito.initiate_auth, "NotAuthorizedException", ClientId=client.id, AuthFlow="REFRESH_TOKEN_AUTH",
                 AuthParameters={"REFRESH_TOKEN": refresh})
    other = client.login(name)["NewDeviceMetadata"]["DeviceKey"]
    expect_error(cognito.initiate_auth, "NotAuthorizedException", ClientId=client.id, AuthFlow="REFRESH_TOKEN_AUTH",
                 AuthParameters={"REFRESH_TOKEN": refresh, "DEVICE_KEY": other})
    # A forgotten device's refresh tokens stop working, and signing in with its key is refused.
    cognito.forget_device(AccessToken=result["AccessToken"], DeviceKey=key)
    expect_error(cognito.initiate_auth, "NotAuthorizedException", ClientId=client.id, AuthFlow="REFRESH_TOKEN_AUTH",
                 AuthParameters={"REFRESH_TOKEN": refresh, "DEVICE_KEY": key})
    expect_error(cognito.initiate_auth, "ResourceNotFoundException", "Device does not exist.", ClientId=client.id, AuthFlow="USER_PASSWORD_AUTH",
                 AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD, "DEVICE_KEY": key})
    expect_error(cognito.admin_forget_device, "ResourceNotFoundException", UserPoolId=pool.id, Username=name, DeviceKey=key)
    assert [d["DeviceKey"] for d in cognito.admin_list_devices(UserPoolId=pool.id, Username=name)["Devices"]] == [other]


def test_pools_without_device_tracking_hand_out_no_device(cognito, pool, client):
    name = pool.create_user(unique("nd"), email=unique_email())
    result = client.login(name)
    assert "NewDeviceMetadata" not in result
    assert "device_key" not in jwt_segments(result["AccessToken"])[1]
    assert cognito.list_devices(AccessToken=result["AccessToken"])["Devices"] == []
    # A DEVICE_KEY in such a pool is ignored, as there are no devices to check it against.
    r = cognito.initiate_auth(ClientId=client.id, AuthFlow="REFRESH_TOKEN_AUTH",
                              AuthParameters={"REFRESH_TOKEN": result["RefreshToken"], "DEVICE_KEY": DEVICE_KEY_PREFIX + str(uuid.uuid4())})
    assert r["AuthenticationResult"]["AccessToken"]


@pytest.mark.parametrize("paged", [1, 2])
def test_listing_devices_pages(cognito, make_pool, paged):
    pool = make_pool(DeviceConfiguration={"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False})
    client = pool.client()
    name = pool.create_user(unique("pg"), email=unique_email())
    keys = sorted(client.login(name)["NewDeviceMetadata"]["DeviceKey"] for _ in range(3))
    token = client.login(name)["AccessToken"]
    keys = sorted(keys + [d["DeviceKey"] for d in cognito.list_devices(AccessToken=token, Limit=60)["Devices"] if d["DeviceKey"] not in keys])
    seen, next_token = [], None
    while True:
        page = cognito.admin_list_devices(UserPoolId=pool.id, Username=name, Limit=paged, **({"PaginationToken": next_token} if next_token else {}))
        seen += [d["DeviceKey"] for d in page["Devices"]]
        next_token = page.get("PaginationToken")
        if not next_token:
            break
    assert seen == keys and len(keys) == 4

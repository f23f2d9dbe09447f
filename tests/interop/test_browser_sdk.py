"""A browser app on the Cognito JS SDK, in real headless Chromium, against Cognate.

Browser apps built on amazon-cognito-identity-js (and Amplify, which uses its wire format) must
work against Cognate by changing only the endpoint. That library cannot be installed here, so the
page under tests/interop/browser_sdk/ carries a small client written from the public wire format
(`cognito-wire.js`) that sends what the SDK sends, header for header and member for member: a
cross-origin fetch() with the SDK's headers, SignUp with UserContextData and ClientMetadata, SRP
sign-in (USER_SRP_AUTH + PASSWORD_VERIFIER, BigInt and WebCrypto), the session under the SDK's
localStorage keys, and refreshSession's REFRESH_TOKEN_AUTH with `"DEVICE_KEY": null` when no
device is remembered (Cognito accepts that null; an emulator that refuses it signs every SDK user
out at their first refresh).

A second journey runs the same page against a pool that remembers devices (DeviceConfiguration,
no MFA), with the calls the SDK makes by itself there: the device secret (generateHashDevice) and
ConfirmDevice after the sign-in that hands out NewDeviceMetadata, the three device keys in
localStorage, REFRESH_TOKEN_AUTH with the stored DEVICE_KEY, GetDevice and ListDevices, a later
sign-in with DEVICE_KEY that makes no new device, a refresh refused once the device was forgotten
(AdminForgetDevice), and the SDK's retry of PASSWORD_VERIFIER without the forgotten key, which
gets the browser a new device.

The page is served from http://localhost:<port> and Cognate is at http://127.0.0.1:<port>, so
every call is a real CORS request with a preflight and the page reads errors only through the
headers Cognate exposes. The test drives the page one step at a time (window.steps, through
selenium's execute_async_script), reloads it between sign-in and refresh as a returning user
would, and saves a screenshot of the page's log after each step under
tests/interop/artifacts/browser-sdk/ (with the browser console in console.log).

Needs Debian's chromium and chromium-driver and the selenium package (.ci/run installs them). Off
CI the browser test is skipped when they are missing; on CI (CI=true) their absence is a failure.
The preflight test needs only `requests`."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlencode

import jwt
import pytest
import requests

from browser_helpers import start_chromium
from interop_helpers import (
    ARTIFACTS,
    MSG_BAD_CREDENTIALS,
    NEW_PASSWORD,
    PASSWORD,
    UUID_RE,
    attrs_to_dict,
    expect_error,
    jwt_segments,
    unique,
    unique_email,
)

PAGE_DIR = Path(__file__).resolve().parent / "browser_sdk"
SHOTS = ARTIFACTS / "browser-sdk"
# The page's console, one file per test (the first journey's keeps its old name).
CONSOLE_LOGS = {"test_sdk_remembered_device_in_chromium": "console-devices.log"}

MSG_REVOKED = "Access Token has been revoked"

# Every header the SDK's Client and Amplify v6 put on a Cognito request; a preflight must allow all.
SDK_REQUEST_HEADERS = [
    "content-type", "x-amz-target", "x-amz-user-agent", "cache-control", "amz-sdk-request", "amz-sdk-invocation-id",
]

# The worked SRP vector of the contract (§3), for the page to check its own SRP code against.
SRP_VECTOR = {
    "poolId": "us-east-1_ExAmPlE12",
    "userId": "f3a9c2d0-1b2c-4d5e-8f70-123456789abc",
    "password": "P@ssw0rd!",
    "salt": "c3a1f09e5b7d2c4f6a8b0c1d2e3f4a5b",
    "a": "692e0aff8cab994c89e56f6d297ac338d7f4d3f35a241dec8cdf58aabf43b159",
    "b": "2a2df2a8d702250a0881db6a7d4d80249fbf40ccc25d54de07c6f20929feaf63",
    "secretBlock": "b3BhcXVlLXNlcnZlci1zZWNyZXQtYmxvY2stMDAwMQ==",
    "timestamp": "Tue Nov 3 09:05:07 UTC 2026",
    # 2026-11-03 09:05:07, 2026-12-07 15:04:05, 2026-11-21 20:45:03 (UTC), as epoch milliseconds.
    "dates": [int(dt.datetime(*t, tzinfo=dt.timezone.utc).timestamp() * 1000)
              for t in ((2026, 11, 3, 9, 5, 7), (2026, 12, 7, 15, 4, 5), (2026, 11, 21, 20, 45, 3))],
    "padHexCases": ["1", "7f", "80", "abc", "0123", "ff00"],
}
SRP_EXPECTED = {
    "k": "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6",
    "u": "db8b727930799b21e72f8380423963bb8db23e69d250d478c623a1894448ac42",
    "x": "245edeea40b8f84ee2239463c4bf4ec7e2fed57b355c315af9564a4db877c9a",
    "key": "c67a569459b2a2c37d8ef715784fc791",
    "signature": "08aJ1maDxb26AP9AeT/j62L/1ehagXPhxDrrgiHvmXA=",
    "timestamps": ["Tue Nov 3 09:05:07 UTC 2026", "Mon Dec 7 15:04:05 UTC 2026", "Sat Nov 21 20:45:03 UTC 2026"],
    "padHex": ["01", "7f", "0080", "0abc", "0123", "00ff00"],
}
TIMESTAMP_RE = re.compile(r"^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                          r"[1-9][0-9]? [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC [0-9]{4}$")


# ---------------------------------------------------------------------------------------------
# The page's own origin and the browser


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass


class PageServer:
    """tests/interop/browser_sdk/ over plain HTTP on http://localhost:<port>: an origin other than
    the endpoint's (http://127.0.0.1:<port>), and a secure context, so crypto.subtle is there."""

    def __init__(self):
        handler = functools.partial(_QuietHandler, directory=str(PAGE_DIR))
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base = f"http://localhost:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="browser-sdk-page", daemon=True)

    def start(self) -> "PageServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)

    def url(self, **params: str) -> str:
        return f"{self.base}/index.html?{urlencode(params)}"


@pytest.fixture
def page_server():
    srv = PageServer().start()
    yield srv
    srv.stop()


@pytest.fixture
def browser(request):
    """Headless Chromium, keeping the page's console for console.log (see CONSOLE_LOGS)."""
    driver = start_chromium(height=1100, console=True)
    yield driver
    try:
        SHOTS.mkdir(parents=True, exist_ok=True)
        lines = [f"{e.get('level')} {e.get('message')}" for e in driver.get_log("browser")]
        (SHOTS / CONSOLE_LOGS.get(request.node.name, "console.log")).write_text("\n".join(lines) + "\n")
    finally:
        driver.quit()


# ---------------------------------------------------------------------------------------------
# Driving the page


def wait_ready(driver) -> None:
    from selenium.webdriver.support.ui import WebDriverWait
    WebDriverWait(driver, 15).until(lambda d: d.execute_script("return window.pageReady === true"))


def step(driver, name: str, *args) -> dict:
    """Run window.steps[name](...args) in the page and return what it resolved to."""
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "window.steps[arguments[0]](...arguments[1]).then(done,"
        " (e) => done({ok: false, code: 'PageError', message: String(e && e.stack || e)}));",
        name, list(args),
    )
    assert isinstance(result, dict), f"step {name} returned {result!r}"
    return result


def shot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def describe(result: dict) -> str:
    """A failed step, for assertion messages: the error and the bodies that were exchanged."""
    out = {k: v for k, v in result.items() if k != "exchanges"}
    out["exchanges"] = [
        {k: ex.get(k) for k in ("operation", "requestBody", "status", "code", "message", "errorTypeHeader")}
        for ex in result.get("exchanges", [])
    ]
    return json.dumps(out, indent=1, default=str)[:4000]


def assert_ok(result: dict, what: str) -> dict:
    assert result.get("ok") is True, f"{what} failed in the browser:\n{describe(result)}"
    return result


def assert_refused(result: dict, what: str, code: str, message: str | None = None) -> None:
    """The SDK's view of an error (code from __type, message from message) and the
    x-amzn-ErrorType header, which the page can only read if CORS exposes it."""
    assert result.get("ok") is False, f"{what} should have been refused:\n{describe(result)}"
    assert result.get("code") == code, f"{what}: expected {code}, got:\n{describe(result)}"
    if message is not None:
        assert result.get("message") == message, f"{what}: message {result.get('message')!r}, expected {message!r}"
    assert result.get("status") == 400, f"{what}: HTTP {result.get('status')}"
    header = result.get("errorTypeHeader")
    assert header is not None, (
        f"{what}: the page could not read x-amzn-ErrorType (not in Access-Control-Expose-Headers?)"
    )
    assert header.split(":")[0] == code, f"{what}: x-amzn-ErrorType {header!r}"
    assert result.get("requestId"), f"{what}: the page could not read x-amzn-RequestId"


def request_of(result: dict, operation: str, index: int = -1) -> dict:
    """The JSON body the page sent for `operation`, parsed from the exact string it POSTed."""
    bodies = [ex["requestBody"] for ex in result["exchanges"] if ex["operation"] == operation]
    assert bodies, f"no {operation} request in this step: {describe(result)}"
    return json.loads(bodies[index])


def verified_claims(jwks, token: str, client_id: str, issuer: str, token_use: str) -> dict:
    key = jwks.get_signing_key_from_jwt(token).key
    options = {"verify_aud": token_use == "id"}
    claims = jwt.decode(token, key, algorithms=["RS256"], audience=client_id if token_use == "id" else None,
                        issuer=issuer, options=options)
    assert claims["token_use"] == token_use, claims
    return claims


DEVICE_KEY_NAMES = ("deviceKey", "randomPasswordKey", "deviceGroupKey")


def sdk_keys(client_id: str, user: str, *, device: bool = False, tokens: bool = True) -> list[str]:
    """The SDK's localStorage keys: the session's, and with `device` the remembered device's."""
    prefix = f"CognitoIdentityServiceProvider.{client_id}"
    keys = [f"{prefix}.LastAuthUser"] + [f"{prefix}.{user}.{n}" for n in
                                         ("idToken", "accessToken", "refreshToken", "clockDrift")] if tokens else []
    if device:
        keys += [f"{prefix}.{user}.{n}" for n in DEVICE_KEY_NAMES]
    return sorted(keys)


def assert_signed_in(result: dict, username: str, client_id: str, password_note: str, *, device: bool = False) -> dict:
    """An SRP sign-in that went as Cognito's does: a PASSWORD_VERIFIER challenge without a
    Session, naming the user as USER_ID_FOR_SRP, then tokens cached under the SDK's keys."""
    assert_ok(result, f"SRP sign-in ({password_note})")
    challenge = result["challenge"]
    assert challenge["ChallengeName"] == "PASSWORD_VERIFIER", challenge
    assert "Session" not in challenge, f"Cognito's PASSWORD_VERIFIER challenge carries no Session: {challenge}"
    params = challenge["ChallengeParameters"]
    assert set(params) >= {"SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"}, params
    assert params["USER_ID_FOR_SRP"] == username, params
    assert TIMESTAMP_RE.match(result["timestamp"]), result["timestamp"]
    sent = request_of(result, "RespondToAuthChallenge")["ChallengeResponses"]
    assert sent["USERNAME"] == params["USER_ID_FOR_SRP"] and sent["TIMESTAMP"] == result["timestamp"], sent
    tokens = result["answer"]["AuthenticationResult"]
    assert {"IdToken", "AccessToken", "RefreshToken", "ExpiresIn", "TokenType"} <= set(tokens), tokens
    assert result["storedKeys"] == sdk_keys(client_id, username, device=device), result["storedKeys"]
    return tokens


# ---------------------------------------------------------------------------------------------
# The tests


def test_sdk_journey_in_chromium(browser, page_server, cognito, endpoint, latest_code, jwks_for):
    for old in SHOTS.glob("*.png"):
        old.unlink()
    pool = cognito.create_user_pool(PoolName=unique("browser-sdk"), AutoVerifiedAttributes=["email"])["UserPool"]
    client = cognito.create_user_pool_client(
        UserPoolId=pool["Id"], ClientName=unique("spa"),
        ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    )["UserPoolClient"]
    assert "ClientSecret" not in client, "a browser app's client has no secret"
    client_id = client["ClientId"]
    issuer = f"{endpoint}/{pool['Id']}"
    jwks = jwks_for(pool["Id"])
    username, email = unique("sam"), unique_email("sam")

    browser.get(page_server.url(endpoint=endpoint, pool=pool["Id"], client=client_id))
    wait_ready(browser)
    origin = browser.execute_script("return location.origin")
    assert origin == page_server.base and not endpoint.startswith(origin), (origin, endpoint)

    # 1. The page's SRP code reproduces the contract's worked vector before it talks to anyone.
    r = assert_ok(step(browser, "selfTest", SRP_VECTOR), "SRP self-test")
    for name, want in SRP_EXPECTED.items():
        assert r[name] == want, f"SRP self-test: {name} is {r[name]!r}, the contract says {want!r}"
    assert len(r["padHexA"]) == 770 and r["padHexA"].startswith("00bd1247db083b94"), r["padHexA"][:20]
    assert r["srpA"] == r["padHexA"][2:], "SRP_A goes on the wire unpadded"
    shot(browser, "01-loaded-srp-self-test")

    # 2. SignUp, with UserAttributes, ClientMetadata and UserContextData as the SDK sends them.
    r = step(browser, "signUp", username, PASSWORD, email)
    shot(browser, "02-sign-up")
    assert_ok(r, "SignUp")
    sent = request_of(r, "SignUp")
    assert sent["UserContextData"]["EncodedData"] and sent["ClientMetadata"], sent
    assert sent["AnalyticsMetadata"] == {"AnalyticsEndpointId": "pinpoint-endpoint-0b1f"}, sent
    assert r["result"]["UserConfirmed"] is False, r["result"]
    user_sub = r["result"]["UserSub"]
    assert UUID_RE.match(user_sub), r["result"]
    assert r["result"]["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL", r["result"]

    # 3. ConfirmSignUp with the code from the outbox.
    r = step(browser, "confirmSignUp", username, latest_code(pool["Id"], username, "SignUp"))
    shot(browser, "03-confirm-sign-up")
    assert_ok(r, "ConfirmSignUp")
    assert r["result"] == {}, r["result"]

    # 4. SRP sign-in, GetUser, tokens in localStorage under the SDK's keys.
    r = step(browser, "signIn", username, PASSWORD)
    shot(browser, "04-srp-sign-in")
    first = assert_signed_in(r, username, client_id, "first password")
    sent = request_of(r, "InitiateAuth")
    assert sent["AuthFlow"] == "USER_SRP_AUTH" and sent["ClientMetadata"] == {}, sent
    assert sent["AnalyticsMetadata"] == {"AnalyticsEndpointId": "pinpoint-endpoint-0b1f"}, sent
    assert set(sent["AuthParameters"]) == {"USERNAME", "SRP_A"}, sent["AuthParameters"]
    id_claims = verified_claims(jwks, first["IdToken"], client_id, issuer, "id")
    assert id_claims["sub"] == user_sub and id_claims["cognito:username"] == username, id_claims
    assert id_claims["email"] == email, id_claims
    access_claims = verified_claims(jwks, first["AccessToken"], client_id, issuer, "access")
    assert access_claims["client_id"] == client_id and access_claims["sub"] == user_sub, access_claims

    r = step(browser, "getUser")
    shot(browser, "05-get-user")
    assert_ok(r, "GetUser")
    assert r["result"]["Username"] == username, r["result"]
    attrs = attrs_to_dict(r["result"]["UserAttributes"])
    assert attrs.get("email") == email and attrs.get("sub") == user_sub, attrs

    # 5. A returning user: reload the page and read the session back from localStorage.
    browser.refresh()
    wait_ready(browser)
    r = assert_ok(step(browser, "readSession"), "read session")
    shot(browser, "06-reloaded-session-read")
    session = r["session"]
    assert session is not None, f"no session after the reload; localStorage keys: {r['storedKeys']}"
    assert session["username"] == username, session
    assert (session["idToken"], session["accessToken"], session["refreshToken"]) == (
        first["IdToken"], first["AccessToken"], first["RefreshToken"]), "localStorage lost the tokens"
    assert re.fullmatch(r"-?[0-9]+", session["clockDrift"]), session["clockDrift"]
    assert session["deviceKey"] is None, session

    # 6. refreshSession: REFRESH_TOKEN_AUTH with the SDK's exact AuthParameters, DEVICE_KEY null.
    r = step(browser, "refreshSession")
    shot(browser, "07-refresh-session")
    sent = request_of(r, "InitiateAuth")
    assert sent["AuthFlow"] == "REFRESH_TOKEN_AUTH", sent
    assert sent["AuthParameters"] == {"REFRESH_TOKEN": first["RefreshToken"], "DEVICE_KEY": None}, (
        f"the page must send the SDK's DEVICE_KEY: null: {sent['AuthParameters']}")
    assert_ok(r, 'REFRESH_TOKEN_AUTH with "DEVICE_KEY": null (Cognito accepts it)')
    refreshed = r["result"]["AuthenticationResult"]
    assert "RefreshToken" not in refreshed, "REFRESH_TOKEN_AUTH returns new ID and access tokens only"
    assert refreshed["IdToken"] != first["IdToken"] and refreshed["AccessToken"] != first["AccessToken"]
    new_id = verified_claims(jwks, refreshed["IdToken"], client_id, issuer, "id")
    assert new_id["sub"] == user_sub and new_id["cognito:username"] == username, new_id
    assert new_id["iat"] >= id_claims["iat"], (new_id["iat"], id_claims["iat"])
    after = r["after"]
    assert (after["idToken"], after["accessToken"], after["refreshToken"]) == (
        refreshed["IdToken"], refreshed["AccessToken"], first["RefreshToken"]), "the page did not cache the refresh"

    # 7. ChangePassword with the refreshed access token.
    r = step(browser, "changePassword", PASSWORD, NEW_PASSWORD)
    shot(browser, "08-change-password")
    assert_ok(r, "ChangePassword")
    assert r["result"] == {}, r["result"]
    assert set(request_of(r, "ChangePassword")) == {"PreviousPassword", "ProposedPassword", "AccessToken"}

    # 8. The old password no longer signs in; the new one does.
    r = step(browser, "signInExpectingRefusal", username, PASSWORD)
    assert_refused(r, "SRP sign-in with the old password", "NotAuthorizedException", MSG_BAD_CREDENTIALS)
    assert [ex["operation"] for ex in r["exchanges"]] == ["InitiateAuth", "RespondToAuthChallenge"], (
        "the refusal comes at the password verifier, not before")
    r = step(browser, "signIn", username, NEW_PASSWORD)
    shot(browser, "09-sign-in-old-and-new-password")
    second = assert_signed_in(r, username, client_id, "new password")
    assert verified_claims(jwks, second["IdToken"], client_id, issuer, "id")["sub"] == user_sub

    # 9. GlobalSignOut; the signed-out access token (and the earlier session's) no longer works.
    r = step(browser, "globalSignOut")
    assert_ok(r, "GlobalSignOut")
    assert r["result"] == {} and r["storedKeys"] == [], r
    assert r["signedOutAccessToken"] == second["AccessToken"]
    for label, token in (("signed-out token", second["AccessToken"]), ("earlier refreshed token", refreshed["AccessToken"])):
        r = step(browser, "getUserAfterSignOut", token, label)
        assert_refused(r, f"GetUser with {label} after GlobalSignOut", "NotAuthorizedException", MSG_REVOKED)
    shot(browser, "10-global-sign-out")

    # Every response of this page load was a CORS response the page was allowed to read.
    r = step(browser, "exchanges")
    types = {(ex["operation"], ex.get("responseType")) for ex in r["exchanges"]}
    assert types and all(t == "cors" for _, t in types), types


def test_cors_preflight_allows_the_sdk_headers(endpoint):
    """The preflight a browser sends before each SDK call: every header the SDK's Client and
    Amplify v6 send must be allowed, or the browser never sends the call at all. The actual
    response must let the page read the error headers."""
    origin = "http://localhost:5173"
    r = requests.options(endpoint + "/", headers={
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": ",".join(SDK_REQUEST_HEADERS),
    }, timeout=10)
    assert 200 <= r.status_code < 300, f"preflight answered HTTP {r.status_code}: {r.text[:300]}"
    assert r.headers.get("Access-Control-Allow-Origin") in ("*", origin), dict(r.headers)
    methods = {m.strip().upper() for m in r.headers.get("Access-Control-Allow-Methods", "").split(",")}
    assert "POST" in methods or "*" in methods, f"Access-Control-Allow-Methods: {methods}"
    allowed = {h.strip().lower() for h in r.headers.get("Access-Control-Allow-Headers", "").split(",")}
    missing = [h for h in SDK_REQUEST_HEADERS if h not in allowed] if "*" not in allowed else []
    assert not missing, f"the preflight does not allow {missing}; Access-Control-Allow-Headers: {sorted(allowed)}"

    # The call itself, as the page sends it (an error, so the error headers are there to expose).
    r = requests.post(endpoint + "/", data=json.dumps({"AccessToken": "not-a-token"}), timeout=10, headers={
        "Origin": origin,
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSCognitoIdentityProviderService.GetUser",
        "X-Amz-User-Agent": "aws-amplify/6.0.0 framework/0",
        "Cache-Control": "no-store",
    })
    assert r.status_code == 400, r.text
    assert r.headers.get("Access-Control-Allow-Origin") in ("*", origin), dict(r.headers)
    exposed = {h.strip().lower() for h in r.headers.get("Access-Control-Expose-Headers", "").split(",")}
    assert {"x-amzn-errortype", "x-amzn-requestid"} <= exposed, f"Access-Control-Expose-Headers: {sorted(exposed)}"


# ---------------------------------------------------------------------------------------------
# Remembered devices

DEVICE_KEY_RE = re.compile(r"^us-east-1_[0-9a-f-]+$")      # [\w-]+_[0-9a-f-]+, at most 55 (spec §5.2)
DEVICE_GROUP_KEY_RE = re.compile(r"^-[0-9A-Za-z]{8,9}$")
MSG_NO_DEVICE = "Device does not exist."


def assert_device_confirmed(result: dict, tokens: dict, client_id: str, username: str) -> dict:
    """The SDK's work after a sign-in with NewDeviceMetadata, checked against pycognito's
    generate_hash_device arithmetic: the verifier the page sent is the one its stored random
    password gives, and the three device keys are in localStorage. Returns the device."""
    from pycognito.aws_srp import G_HEX, N_HEX, hash_sha256, hex_hash, hex_to_long, pad_hex

    meta = tokens.get("NewDeviceMetadata")
    assert meta is not None, f"a sign-in in a pool that remembers devices hands out NewDeviceMetadata: {tokens.keys()}"
    assert set(meta) == {"DeviceKey", "DeviceGroupKey"}, meta
    key, group = meta["DeviceKey"], meta["DeviceGroupKey"]
    assert DEVICE_KEY_RE.match(key) and len(key) <= 55, key
    assert DEVICE_GROUP_KEY_RE.match(group), group
    assert [ex["operation"] for ex in result["exchanges"]][-1] == "ConfirmDevice", "the SDK confirms the new device at once"

    sent = request_of(result, "ConfirmDevice")
    assert list(sent) == ["DeviceKey", "AccessToken", "DeviceSecretVerifierConfig", "DeviceName"], sent
    assert sent["DeviceKey"] == key and sent["AccessToken"] == tokens["AccessToken"], sent
    assert sent["DeviceName"] == result["userAgent"] and "Chrome" in sent["DeviceName"], sent["DeviceName"]
    config = sent["DeviceSecretVerifierConfig"]
    assert set(config) == {"Salt", "PasswordVerifier"}, config

    stored = result["device"]
    assert stored["deviceKey"] == key and stored["deviceGroupKey"] == group, stored
    password = stored["randomPasswordKey"]
    assert len(base64.b64decode(password, validate=True)) == 40, "the random password is base64 of 40 random bytes"
    salt_hex = base64.b64decode(config["Salt"], validate=True).hex()
    assert salt_hex == result["newDevice"]["secret"]["saltHex"], (salt_hex, result["newDevice"]["secret"])
    assert salt_hex == pad_hex(hex_to_long(salt_hex)) and len(salt_hex) <= 34, f"salt is padHex of 16 bytes: {salt_hex}"
    x = hex_to_long(hex_hash(salt_hex + hash_sha256(f"{group}{key}:{password}".encode("utf-8"))))
    verifier = pad_hex(pow(hex_to_long(G_HEX), x, hex_to_long(N_HEX)))
    assert base64.b64decode(config["PasswordVerifier"], validate=True).hex() == verifier, (
        "the page's verifier is not pycognito's generate_hash_device arithmetic over its own salt and password")

    confirmed = result["newDevice"]["result"]
    assert confirmed == {"UserConfirmationNecessary": False}, (
        f"ConfirmDevice in a pool with DeviceOnlyRememberedOnUserPrompt false answers {confirmed}")
    assert result["storedKeys"] == sdk_keys(client_id, username, device=True), result["storedKeys"]
    return {"key": key, "group": group, "password": password}


def assert_device_listed(device: dict, key: str, user_agent: str) -> dict:
    assert device["DeviceKey"] == key, device
    attrs = attrs_to_dict(device.get("DeviceAttributes"))
    assert attrs.get("device_name") == user_agent, f"device_name is the SDK's DeviceName (the user agent): {attrs}"
    assert attrs.get("dev:device_remembered_status") == "remembered", attrs
    assert attrs.get("device_status") == "valid", attrs
    for field in ("DeviceCreateDate", "DeviceLastModifiedDate", "DeviceLastAuthenticatedDate"):
        assert isinstance(device.get(field), (int, float)), f"{field} as epoch seconds: {device}"
    return attrs


def test_sdk_remembered_device_in_chromium(browser, page_server, cognito, make_pool, endpoint, jwks_for):
    for old in SHOTS.glob("d[0-9][0-9]-*.png"):
        old.unlink()
    pool = make_pool(PoolName=unique("browser-sdk-devices"),
                     DeviceConfiguration={"ChallengeRequiredOnNewDevice": False, "DeviceOnlyRememberedOnUserPrompt": False})
    client = pool.client(flows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"], ClientName=unique("spa"))
    client_id = client.id
    issuer = f"{endpoint}/{pool.id}"
    jwks = jwks_for(pool.id)
    username = pool.create_user(unique("dee"), email=unique_email("dee"))

    browser.get(page_server.url(endpoint=endpoint, pool=pool.id, client=client_id))
    wait_ready(browser)

    # 1. SRP sign-in on a new browser: tokens with NewDeviceMetadata, then ConfirmDevice.
    r = step(browser, "signIn", username, PASSWORD)
    shot(browser, "d01-sign-in-confirm-device")
    first = assert_signed_in(r, username, client_id, "new device", device=True)
    assert set(request_of(r, "InitiateAuth")["AuthParameters"]) == {"USERNAME", "SRP_A"}, "no device yet"
    assert "DEVICE_KEY" not in request_of(r, "RespondToAuthChallenge")["ChallengeResponses"]
    device = assert_device_confirmed(r, first, client_id, username)
    key = device["key"]
    claims = verified_claims(jwks, first["AccessToken"], client_id, issuer, "access")
    assert claims.get("device_key") == key, f"the access token names its device: {claims}"
    user_agent = r["userAgent"]

    # 2. A returning user: the session and the device come back from localStorage.
    browser.refresh()
    wait_ready(browser)
    r = assert_ok(step(browser, "readSession"), "read session")
    shot(browser, "d02-reloaded-device-read")
    assert r["session"]["deviceKey"] == key and r["inMemoryDeviceKey"] is None, r
    assert r["device"] == {"deviceKey": key, "randomPasswordKey": device["password"], "deviceGroupKey": device["group"]}, r["device"]

    # 3. refreshSession sends the stored DEVICE_KEY; the new access token is the device's.
    r = step(browser, "refreshSession")
    shot(browser, "d03-refresh-with-device-key")
    sent = request_of(r, "InitiateAuth")
    assert sent["AuthFlow"] == "REFRESH_TOKEN_AUTH", sent
    assert sent["AuthParameters"] == {"REFRESH_TOKEN": first["RefreshToken"], "DEVICE_KEY": key}, sent["AuthParameters"]
    assert_ok(r, "REFRESH_TOKEN_AUTH with the remembered DEVICE_KEY")
    refreshed = r["result"]["AuthenticationResult"]
    assert "NewDeviceMetadata" not in refreshed and "RefreshToken" not in refreshed, refreshed.keys()
    claims = verified_claims(jwks, refreshed["AccessToken"], client_id, issuer, "access")
    assert claims.get("device_key") == key, f"the refreshed access token names the device: {claims}"

    # The refresh token's family is bound to the device: without DEVICE_KEY it is refused.
    expect_error(cognito.initiate_auth, "NotAuthorizedException", ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                 AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]})
    ok = cognito.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                               AuthParameters={"REFRESH_TOKEN": first["RefreshToken"], "DEVICE_KEY": key})
    assert jwt_segments(ok["AuthenticationResult"]["AccessToken"])[1]["device_key"] == key

    # 4. getDevice and listDevices, as the SDK sends them.
    r = step(browser, "getDevice")
    shot(browser, "d04-get-device")
    assert_ok(r, "GetDevice")
    assert request_of(r, "GetDevice") == {"AccessToken": refreshed["AccessToken"], "DeviceKey": key}
    assert_device_listed(r["result"]["Device"], key, user_agent)

    r = step(browser, "listDevices", 10)
    shot(browser, "d05-list-devices")
    assert_ok(r, "ListDevices")
    assert request_of(r, "ListDevices") == {"AccessToken": refreshed["AccessToken"], "Limit": 10}
    devices = r["result"]["Devices"]
    assert len(devices) == 1 and "PaginationToken" not in r["result"], r["result"]
    assert_device_listed(devices[0], key, user_agent)

    # 5. Signing in again on this browser: DEVICE_KEY in both requests, no new device.
    r = step(browser, "signIn", username, PASSWORD)
    shot(browser, "d06-sign-in-on-remembered-device")
    second = assert_signed_in(r, username, client_id, "remembered device", device=True)
    assert request_of(r, "InitiateAuth")["AuthParameters"].get("DEVICE_KEY") == key, request_of(r, "InitiateAuth")
    assert request_of(r, "RespondToAuthChallenge")["ChallengeResponses"].get("DEVICE_KEY") == key
    assert [ex["operation"] for ex in r["exchanges"]] == ["InitiateAuth", "RespondToAuthChallenge"], "no ConfirmDevice"
    assert "NewDeviceMetadata" not in second, f"the device is known, yet the sign-in made a new one: {second['NewDeviceMetadata']}"
    assert r["device"]["deviceKey"] == key and r["device"]["randomPasswordKey"] == device["password"], r["device"]
    assert verified_claims(jwks, second["AccessToken"], client_id, issuer, "access").get("device_key") == key
    listed = cognito.admin_list_devices(UserPoolId=pool.id, Username=username)["Devices"]
    assert [d["DeviceKey"] for d in listed] == [key], listed

    # 6. The device is forgotten (by an admin); the browser's refresh is refused, and it says so.
    cognito.admin_forget_device(UserPoolId=pool.id, Username=username, DeviceKey=key)
    assert cognito.admin_list_devices(UserPoolId=pool.id, Username=username)["Devices"] == []
    r = step(browser, "refreshSessionExpectingRefusal")
    shot(browser, "d07-refresh-refused-device-forgotten")
    assert request_of(r, "InitiateAuth")["AuthParameters"] == {"REFRESH_TOKEN": second["RefreshToken"], "DEVICE_KEY": key}
    assert_refused(r, "REFRESH_TOKEN_AUTH for a forgotten device", "NotAuthorizedException")
    for token in (first["RefreshToken"], second["RefreshToken"]):
        expect_error(cognito.initiate_auth, "NotAuthorizedException", ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                     AuthParameters={"REFRESH_TOKEN": token, "DEVICE_KEY": key})
    # The SDK drops the session on that NotAuthorizedException and keeps the device keys.
    left = step(browser, "storage", username)
    assert left["session"] is None and left["storedKeys"] == sdk_keys(client_id, username, device=True, tokens=False), left

    # 7. A new page load signs in: the stale key goes with PASSWORD_VERIFIER only, is refused as a
    #    missing device, and the SDK sends the same answer again with "DEVICE_KEY": null.
    browser.refresh()
    wait_ready(browser)
    r = step(browser, "signIn", username, PASSWORD)
    shot(browser, "d08-sign-in-after-forget-new-device")
    assert [ex["operation"] for ex in r["exchanges"]][:3] == ["InitiateAuth", "RespondToAuthChallenge", "RespondToAuthChallenge"], (
        describe(r))
    assert "DEVICE_KEY" not in request_of(r, "InitiateAuth")["AuthParameters"], "a fresh page holds no device key yet"
    stale, retry = request_of(r, "RespondToAuthChallenge", 0), request_of(r, "RespondToAuthChallenge", 1)
    assert stale["ChallengeResponses"]["DEVICE_KEY"] == key, stale
    refusal = [ex for ex in r["exchanges"] if ex["operation"] == "RespondToAuthChallenge"][0]
    assert (refusal["status"], refusal["code"], refusal["message"]) == (400, "ResourceNotFoundException", MSG_NO_DEVICE), (
        describe(r))
    assert (refusal["errorTypeHeader"] or "").split(":")[0] == "ResourceNotFoundException", refusal["errorTypeHeader"]
    assert retry == {**stale, "ChallengeResponses": {**stale["ChallengeResponses"], "DEVICE_KEY": None}}, (
        "the SDK resends the same answer, DEVICE_KEY null")
    third = assert_signed_in(r, username, client_id, "retry without the forgotten device", device=True)
    assert r["forgottenDevice"] == key, r["forgottenDevice"]
    new_device = assert_device_confirmed(r, third, client_id, username)
    assert new_device["key"] != key, (new_device, device)
    listed = cognito.admin_list_devices(UserPoolId=pool.id, Username=username)["Devices"]
    assert [d["DeviceKey"] for d in listed] == [new_device["key"]], listed

    r = step(browser, "exchanges")
    types = {(ex["operation"], ex.get("responseType")) for ex in r["exchanges"]}
    assert types and all(t == "cors" for _, t in types), types

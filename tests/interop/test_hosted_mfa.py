"""The second factor on the hosted pages: the code page (software token, SMS), setting up an
authenticator app on the MFA_SETUP page (secret and QR code rendered by the server), a wrong code
shown again on the same page, and the authorization code the app gets only after the factor.
Driven with requests, then once in headless Chromium with a screenshot of every page under
tests/interop/artifacts/hosted-mfa/; zxing-cpp (a decoder no one here wrote) reads the QR code off
the screenshot."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import pyotp
import requests
import zxingcpp
from PIL import Image

from browser_helpers import press_and_wait, start_chromium
from hosted_helpers import photos_client, read_page, submit
from interop_helpers import ARTIFACTS, PASSWORD, free_port, secret_hash, unique, unique_email

SHOTS = ARTIFACTS / "hosted-mfa"
SMS_CONFIG = {"SnsCallerArn": "arn:aws:iam::123456789012:role/cognito-sms", "ExternalId": "cognate-tests"}


def mfa_app(cognito, mode: str, *, sms: bool = False):
    """A pool with MFA (software tokens, and SMS when asked), a hosted-UI client, a user."""
    pool = cognito.create_user_pool(PoolName=unique("mfa"), **({"SmsConfiguration": SMS_CONFIG} if sms else {}))["UserPool"]
    extra = {"SmsMfaConfiguration": {"SmsConfiguration": SMS_CONFIG}} if sms else {}
    cognito.set_user_pool_mfa_config(UserPoolId=pool["Id"], MfaConfiguration=mode, SoftwareTokenMfaConfiguration={"Enabled": True}, **extra)
    base = f"http://localhost:{free_port()}"
    client = photos_client(cognito, pool["Id"], base, ExplicitAuthFlows=["ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    name = unique("hm")
    attrs = [{"Name": "email", "Value": unique_email()}, {"Name": "nickname", "Value": "Hana"}]
    if sms:
        attrs.append({"Name": "phone_number", "Value": "+15555550188"})
    cognito.admin_create_user(UserPoolId=pool["Id"], Username=name, MessageAction="SUPPRESS", UserAttributes=attrs)
    cognito.admin_set_user_password(UserPoolId=pool["Id"], Username=name, Password=PASSWORD, Permanent=True)
    return pool, client, base, name


def authorize_url(endpoint: str, client: dict, base: str) -> str:
    q = requests.models.RequestEncodingMixin._encode_params({
        "response_type": "code", "client_id": client["ClientId"], "redirect_uri": base + "/callback", "state": "st4te", "scope": "openid email",
    })
    return f"{endpoint}/login?{q}"


def redeem(endpoint: str, client: dict, base: str, location: str) -> dict:
    target = urlparse(location)
    assert f"{target.scheme}://{target.netloc}{target.path}" == base + "/callback", location
    q = parse_qs(target.query)
    assert q["state"] == ["st4te"]
    r = requests.post(endpoint + "/oauth2/token", auth=(client["ClientId"], client["ClientSecret"]),
                      data={"grant_type": "authorization_code", "code": q["code"][0], "redirect_uri": base + "/callback"})
    assert r.status_code == 200, r.text
    return r.json()


def test_code_page_for_a_software_token(cognito, endpoint):
    pool, client, base, name = mfa_app(cognito, "OPTIONAL")
    tokens = cognito.admin_initiate_auth(UserPoolId=pool["Id"], ClientId=client["ClientId"], AuthFlow="ADMIN_USER_PASSWORD_AUTH",
                                         AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD,
                                                         "SECRET_HASH": secret_hash(client["ClientSecret"], name, client["ClientId"])})["AuthenticationResult"]
    totp = pyotp.TOTP(cognito.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"])
    cognito.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=totp.now(), FriendlyDeviceName="Pixel")

    s = requests.Session()
    login = s.get(authorize_url(endpoint, client, base))
    page = submit(s, login, {"username": name, "password": PASSWORD}, allow_redirects=False)
    assert page.status_code == 200 and "Enter your code" in page.text and "(Pixel)" in page.text, page.text[:400]
    form, _ = read_page(page)
    assert {"challenge", "session", "username", "code", "_csrf"} <= set(form.names) and form.fields["challenge"] == "SOFTWARE_TOKEN_MFA"
    assert "Location" not in page.headers, "no authorization code before the second factor"

    code = totp.at(time.time() + 30)
    wrong = submit(s, page, {"code": f"{(int(code) + 1) % 1_000_000:06d}"}, allow_redirects=False)
    assert wrong.status_code == 400 and "That code is not right" in wrong.text
    done = submit(s, wrong, {"code": code}, allow_redirects=False)
    assert done.status_code == 302, done.text[:400]
    result = redeem(endpoint, client, base, done.headers["Location"])
    assert result["id_token"] and result["access_token"]
    # The browser has a session now: the next authorize goes straight back.
    again = s.get(authorize_url(endpoint, client, base), allow_redirects=False)
    assert again.status_code == 302 and "code=" in again.headers["Location"]


def test_code_page_for_sms(cognito, endpoint, outbox):
    pool, client, base, name = mfa_app(cognito, "ON", sms=True)
    s = requests.Session()
    page = submit(s, s.get(authorize_url(endpoint, client, base)), {"username": name, "password": PASSWORD}, allow_redirects=False)
    assert "Check your phone" in page.text and "+*******0188" in page.text, page.text[:400]
    code = outbox.latest_code(pool["Id"], name, "Authentication")
    done = submit(s, page, {"code": code}, allow_redirects=False)
    assert done.status_code == 302
    assert redeem(endpoint, client, base, done.headers["Location"])["access_token"]


def test_setting_up_an_authenticator_on_the_hosted_page(cognito, endpoint):
    pool, client, base, name = mfa_app(cognito, "ON")
    s = requests.Session()
    setup = submit(s, s.get(authorize_url(endpoint, client, base)), {"username": name, "password": PASSWORD}, allow_redirects=False)
    assert setup.status_code == 200 and "Set up an authenticator app" in setup.text, setup.text[:400]
    assert "<svg" in setup.text and 'role="img"' in setup.text, "the QR code is drawn by the server"
    uri = re.search(r'href="(otpauth://totp/[^"]+)"', setup.text).group(1).replace("&amp;", "&")
    parsed = urlparse(uri)
    secret = parse_qs(parsed.query)["secret"][0]
    assert len(secret) == 52 and parse_qs(parsed.query)["issuer"] == [pool["Name"]]
    totp = pyotp.TOTP(secret)
    # A wrong code keeps the same secret on the page.
    wrong = submit(s, setup, {"code": f"{(int(totp.now()) + 1) % 1_000_000:06d}"}, allow_redirects=False)
    assert wrong.status_code == 400 and secret in wrong.text
    done = submit(s, wrong, {"code": totp.now()}, allow_redirects=False)
    assert done.status_code == 302, done.text[:400]
    assert redeem(endpoint, client, base, done.headers["Location"])["id_token"]
    assert cognito.admin_get_user(UserPoolId=pool["Id"], Username=name)["UserMFASettingList"] == ["SOFTWARE_TOKEN_MFA"]


def test_the_journey_in_chromium(cognito, endpoint):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    pool, client, base, name = mfa_app(cognito, "ON")
    driver = start_chromium()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        driver.get(authorize_url(endpoint, client, base))
        driver.find_element(By.NAME, "username").send_keys(name)
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        driver.save_screenshot(str(SHOTS / "01-sign-in.png"))
        press_and_wait(driver, "signInSubmitButton")
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.NAME, "secret"), message=lambda: driver.page_source[:2000])
        secret = driver.find_element(By.NAME, "secret").get_attribute("value")
        uri = driver.find_element(By.CSS_SELECTOR, 'a[href^="otpauth:"]').get_attribute("href")
        assert driver.find_element(By.CSS_SELECTOR, ".qr svg").is_displayed()
        driver.save_screenshot(str(SHOTS / "02-set-up-authenticator.png"))
        # What an authenticator app's camera reads off the screen: zxing-cpp decodes the screenshot.
        shown = zxingcpp.read_barcodes(Image.open(SHOTS / "02-set-up-authenticator.png"))
        assert [b.text for b in shown if b.format == zxingcpp.BarcodeFormat.QRCode] == [uri], shown
        assert f"secret={secret}" in uri
        totp = pyotp.TOTP(secret)
        driver.find_element(By.NAME, "code").send_keys(totp.now())
        press_and_wait(driver, "verify")
        assert driver.current_url.startswith(base + "/callback?code="), driver.current_url
        # A fresh browser (no hosted session), then in again: the code page.
        driver.get(endpoint + "/health")
        driver.delete_all_cookies()
        driver.get(authorize_url(endpoint, client, base))
        driver.find_element(By.NAME, "username").send_keys(name)
        driver.find_element(By.NAME, "password").send_keys(PASSWORD)
        press_and_wait(driver, "signInSubmitButton")
        assert "Enter your code" in driver.page_source
        driver.save_screenshot(str(SHOTS / "03-code.png"))
        driver.find_element(By.NAME, "code").send_keys("000000" if totp.at(time.time() + 30) != "000000" else "111111")
        press_and_wait(driver, "verify")
        assert "That code is not right" in driver.page_source
        driver.save_screenshot(str(SHOTS / "04-wrong-code.png"))
        driver.find_element(By.NAME, "code").send_keys(totp.at(time.time() + 30))
        press_and_wait(driver, "verify")
        assert driver.current_url.startswith(base + "/callback?code="), driver.current_url
    finally:
        driver.quit()


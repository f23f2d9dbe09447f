"""The same journey in real headless Chromium: sign up, verify, land on the callback, sign out,
sign in again, sign out. Every page is saved as a screenshot under tests/interop/artifacts/hosted-ui/.

Needs Debian's chromium and chromium-driver and the selenium package (.ci/run installs them). Off
CI the test is skipped when they are missing; on CI (CI=true) their absence is a failure."""

from __future__ import annotations

import base64

import pytest

from browser_helpers import press_and_wait, start_chromium
from hosted_helpers import FlaskApp, photos_client, photos_pool
from interop_helpers import ARTIFACTS, PASSWORD, free_port, unique, unique_email

SHOTS = ARTIFACTS / "hosted-ui"
LOGO = base64.b64decode(  # a 24x24 teal square
    "iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAH0lEQVR4nGPgL8ujCmIYNWjUoFGDRg0aNWjUoIE3CACHqiLfQFZeJQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def browser():
    driver = start_chromium()
    yield driver
    driver.quit()


def shot(driver, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def fill(driver, values: dict[str, str]) -> None:
    from selenium.webdriver.common.by import By
    for name, value in values.items():
        field = driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)


def press(driver, name: str) -> None:
    press_and_wait(driver, name)


def test_journey_in_chromium(browser, cognito, endpoint, outbox):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 15)
    port = free_port()
    pool = photos_pool(cognito)
    client = photos_client(cognito, pool["Id"], f"http://localhost:{port}")
    cognito.set_ui_customization(UserPoolId=pool["Id"], ImageFile=LOGO,
                                 CSS=".banner-customizable { border-bottom: 3px solid #0f766e; padding-bottom: .75rem; }")
    app = FlaskApp(endpoint, pool["Id"], client, port=port).start()
    try:
        browser.get(app.base + "/")
        shot(browser, "01-app-signed-out")
        browser.find_element(By.ID, "login").click()
        wait.until(EC.presence_of_element_located((By.NAME, "signInSubmitButton")))
        assert browser.current_url.startswith(endpoint + "/login?")
        assert pool["Name"] in browser.page_source
        shot(browser, "02-login")

        browser.find_element(By.LINK_TEXT, "Sign up").click()
        wait.until(EC.presence_of_element_located((By.NAME, "signUpButton")))
        shot(browser, "03-signup")
        name = unique("dee")
        fill(browser, {"username": name, "email": unique_email("dee"), "nickname": "Dee", "password": "short"})
        press(browser, "signUpButton")
        wait.until(EC.presence_of_element_located((By.ID, "form-error")))
        shot(browser, "04-signup-error")
        fill(browser, {"password": PASSWORD})
        press(browser, "signUpButton")
        wait.until(EC.presence_of_element_located((By.NAME, "code")))
        shot(browser, "05-confirm")

        code = outbox.wait_for(pool["Id"], name)[-1]["code"]
        fill(browser, {"code": code})
        press(browser, "confirm")
        wait.until(EC.presence_of_element_located((By.ID, "welcome")))
        assert browser.current_url == app.base + "/"
        assert browser.find_element(By.ID, "nickname").text == "Dee"
        shot(browser, "06-app-signed-in")

        browser.find_element(By.ID, "logout").click()
        wait.until(EC.presence_of_element_located((By.ID, "anonymous")))
        assert browser.current_url == app.base + "/"
        shot(browser, "07-app-signed-out-again")

        browser.find_element(By.ID, "login").click()
        wait.until(EC.presence_of_element_located((By.NAME, "signInSubmitButton")))
        fill(browser, {"username": name, "password": "Wrong-" + PASSWORD})
        press(browser, "signInSubmitButton")
        wait.until(EC.presence_of_element_located((By.ID, "form-error")))
        assert "Incorrect username or password." in browser.page_source
        shot(browser, "08-login-error")
        fill(browser, {"password": PASSWORD})
        press(browser, "signInSubmitButton")
        wait.until(EC.presence_of_element_located((By.ID, "welcome")))
        shot(browser, "09-app-signed-in-again")

        browser.find_element(By.ID, "logout").click()
        wait.until(EC.presence_of_element_located((By.ID, "anonymous")))

        # The other hosted pages, for the record.
        browser.get(f"{endpoint}/forgotPassword?client_id={client['ClientId']}&response_type=code"
                    f"&redirect_uri=http%3A%2F%2Flocalhost%3A{port}%2Fcallback")
        shot(browser, "10-forgot-password")
        browser.get(f"{endpoint}/login?client_id={client['ClientId']}&response_type=code&redirect_uri=http%3A%2F%2Fevil.example%2F")
        assert "redirect_mismatch" in browser.page_source
        shot(browser, "11-error")
    finally:
        app.stop()

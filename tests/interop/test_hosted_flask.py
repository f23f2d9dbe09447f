"""The course's Flask exercise (examples/flask-photos, unchanged) against the real binary, with
requests as the browser: sign up, verify, land on the callback, read the verified claims, refresh,
sign out, sign in again."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
import requests

from hosted_helpers import FlaskApp, link, photos_client, photos_pool, read_page, submit
from interop_helpers import PASSWORD, free_port, unique, unique_email


@pytest.fixture
def photos(cognito, endpoint):
    apps = []

    def start(*, link: bool = False) -> FlaskApp:
        port = free_port()
        pool = photos_pool(cognito, link=link)
        client = photos_client(cognito, pool["Id"], f"http://localhost:{port}")
        app = FlaskApp(endpoint, pool["Id"], client, port=port).start()
        apps.append(app)
        return app

    yield start
    for app in apps:
        app.stop()


def test_sign_up_with_a_code_then_sign_out_and_in_again(photos, endpoint, outbox):
    app = photos()
    s = requests.Session()
    assert "Sign in" in s.get(app.base + "/").text

    # /login sends the browser to COGNITO_DOMAIN/login with the app's client, state and callback.
    r = s.get(app.base + "/login", allow_redirects=False)
    assert r.status_code == 302
    target = urlparse(r.headers["Location"])
    assert f"{target.scheme}://{target.netloc}" == endpoint and target.path == "/login"
    q = parse_qs(target.query)
    assert q["response_type"] == ["code"] and q["client_id"] == [app.client["ClientId"]]
    assert q["redirect_uri"] == [app.base + "/callback"] and q["state"][0]

    login = s.get(r.headers["Location"])
    assert login.status_code == 200 and "Sign in" in login.text
    signup = s.get(link(login, "/signup?"))
    form, _ = read_page(signup)
    assert {"username", "password", "nickname", "email", "_csrf"} <= set(form.names)

    name, email = unique("ann"), unique_email("ann")
    confirm = submit(s, signup, {"username": name, "password": PASSWORD, "nickname": "Annie", "email": email})
    assert confirm.status_code == 200 and "Confirm your account" in confirm.text, confirm.text[:500]
    code = outbox.wait_for(app.pool_id, name)[-1]["code"]

    # The code signs the new user in: back at the app's callback, which exchanges the code.
    home = submit(s, confirm, {"code": code})
    assert home.status_code == 200, home.text[:500]
    assert home.url == app.base + "/"
    assert any(h.url.startswith(app.base + "/callback?code=") for h in home.history)
    assert "Annie" in home.text and name in home.text

    # The expiry the app read from the verified ID token, and a refresh through the token endpoint.
    exp = int(re.search(r'<time id="exp" data-exp="(\d+)"', home.text).group(1))
    again = s.get(app.base + "/refresh")
    assert again.status_code == 200 and "Annie" in again.text
    assert int(re.search(r'<time id="exp" data-exp="(\d+)"', again.text).group(1)) >= exp

    # Sign out: the hosted session ends and the browser lands on the app's home.
    out = s.get(app.base + "/logout")
    assert out.url == app.base + "/" and "Sign in to see your photos" in out.text
    assert any(urlparse(h.url).path == "/logout" and h.url.startswith(endpoint) for h in out.history)

    # Signing in again shows the form (the session is gone) and works with the password.
    login = s.get(app.base + "/login")
    assert urlparse(login.url).path == "/login" and login.url.startswith(endpoint)
    home = submit(s, login, {"username": name, "password": PASSWORD})
    assert home.url == app.base + "/" and "Annie" in home.text

    # While the hosted session lives, /login goes straight back without a form.
    s.get(app.base + "/logout", allow_redirects=False)  # the app forgets its own session only
    back = s.get(app.base + "/login")
    assert back.url == app.base + "/" and "Annie" in back.text


def test_sign_up_verified_by_link(photos, outbox):
    app = photos(link=True)
    s = requests.Session()
    login = s.get(app.base + "/login")
    signup = s.get(link(login, "/signup?"))
    name = unique("ben")
    sent = submit(s, signup, {"username": name, "password": PASSWORD, "nickname": "Benny", "email": unique_email("ben")})
    assert "Check your email" in sent.text
    message = outbox.wait_for(app.pool_id, name)[-1]
    href = re.search(r'href="([^"]+)"', message["message"]).group(1)
    assert "/confirmUser?client_id=" in href
    confirmed = s.get(href)
    assert confirmed.status_code == 200 and "Account confirmed" in confirmed.text
    login = s.get(app.base + "/login")
    home = submit(s, login, {"username": name, "password": PASSWORD})
    assert home.url == app.base + "/" and "Benny" in home.text


def test_the_tokens_the_callback_gets_verify_against_the_jwks(cognito, endpoint, outbox):
    """What the app does in /callback, step by step, with the checks the exercise relies on."""
    port = free_port()
    base = f"http://localhost:{port}"
    pool = photos_pool(cognito)
    client = photos_client(cognito, pool["Id"], base)
    name = unique("cy")
    cognito.admin_create_user(UserPoolId=pool["Id"], Username=name, MessageAction="SUPPRESS",
                              UserAttributes=[{"Name": "nickname", "Value": "Cy"}])
    cognito.admin_set_user_password(UserPoolId=pool["Id"], Username=name, Password=PASSWORD, Permanent=True)
    s = requests.Session()
    params = {"response_type": "code", "client_id": client["ClientId"], "state": "s1", "redirect_uri": base + "/callback",
              "nonce": "n1"}
    login = s.get(endpoint + "/login", params=params)
    back = submit(s, login, {"username": name, "password": PASSWORD}, allow_redirects=False)
    assert back.status_code == 302
    loc = urlparse(back.headers["Location"])
    q = parse_qs(loc.query)
    assert f"{loc.scheme}://{loc.netloc}{loc.path}" == base + "/callback" and q["state"] == ["s1"]

    r = requests.post(endpoint + "/oauth2/token", auth=(client["ClientId"], client["ClientSecret"]),
                      data={"grant_type": "authorization_code", "code": q["code"][0], "redirect_uri": base + "/callback"})
    assert r.status_code == 200, r.text
    t = r.json()
    assert set(t) == {"access_token", "id_token", "refresh_token", "token_type", "expires_in"}
    jwks = jwt.PyJWKClient(f"{endpoint}/{pool['Id']}/.well-known/jwks.json")
    claims = jwt.decode(t["id_token"], jwks.get_signing_key_from_jwt(t["id_token"]).key, algorithms=["RS256"],
                        audience=client["ClientId"], issuer=f"{endpoint}/{pool['Id']}")
    assert claims["cognito:username"] == name and claims["nickname"] == "Cy" and claims["nonce"] == "n1"
    assert claims["exp"] > claims["iat"] and "at_hash" in claims
    access = jwt.decode(t["access_token"], jwks.get_signing_key_from_jwt(t["access_token"]).key, algorithms=["RS256"],
                        issuer=f"{endpoint}/{pool['Id']}", options={"verify_aud": False})
    assert access["version"] == 2 and set(access["scope"].split()) == {"openid", "email", "profile"}

    # A second exchange of the same code fails and revokes what the first one got.
    again = requests.post(endpoint + "/oauth2/token", auth=(client["ClientId"], client["ClientSecret"]),
                          data={"grant_type": "authorization_code", "code": q["code"][0], "redirect_uri": base + "/callback"})
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    refresh = requests.post(endpoint + "/oauth2/token", auth=(client["ClientId"], client["ClientSecret"]),
                            data={"grant_type": "refresh_token", "refresh_token": t["refresh_token"]})
    assert refresh.json()["error"] == "invalid_grant"

    info = requests.get(endpoint + "/oauth2/userInfo", headers={"Authorization": "Bearer " + t["access_token"]})
    assert info.status_code == 401

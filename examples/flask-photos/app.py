"""Photos: a small Flask app that signs its users in with Cognito's hosted UI.

It is written the way the course's "photos" exercise is: nothing in it knows about Cognate.
Point COGNITO_DOMAIN at a Cognito user pool domain (https://PREFIX.auth.REGION.amazoncognito.com)
or at a Cognate server (http://127.0.0.1:9229) and it works the same.

  /login     -> redirect to COGNITO_DOMAIN/login (authorization code flow, with state)
  /callback  -> exchange the code at COGNITO_DOMAIN/oauth2/token (HTTP Basic client auth),
                verify the ID token against the pool's JWKS, keep the user in the session
  /logout    -> forget the session, redirect to COGNITO_DOMAIN/logout
  tokens are refreshed with grant_type=refresh_token once the ID token has expired.
"""

from __future__ import annotations

import os
import secrets
import time
from urllib.parse import urlencode

import jwt
import requests
from flask import Flask, abort, redirect, render_template, request, session, url_for
from requests.auth import HTTPBasicAuth

COGNITO_DOMAIN = os.environ["COGNITO_DOMAIN"].rstrip("/")
COGNITO_REGION = os.environ.get("COGNITO_REGION", "us-east-1")
COGNITO_USER_POOL_ID = os.environ["COGNITO_USER_POOL_ID"]
COGNITO_CLIENT_ID = os.environ["COGNITO_CLIENT_ID"]
COGNITO_CLIENT_SECRET = os.environ["COGNITO_CLIENT_SECRET"]
# Cognito's issuer by default; Cognate's is its public URL followed by the pool id.
COGNITO_ISSUER = os.environ.get(
    "COGNITO_ISSUER", f"https://cognito-idp.{COGNITO_REGION}.amazonaws.com/{COGNITO_USER_POOL_ID}"
).rstrip("/")
BASE_URL = os.environ.get("BASE_URL", "http://localhost:5000").rstrip("/")

JWKS = jwt.PyJWKClient(f"{COGNITO_ISSUER}/.well-known/jwks.json")

app = Flask(__name__)
app.secret_key = os.environ.get("FLASK_SECRET_KEY") or secrets.token_hex(32)


@app.template_filter("clock")
def clock(epoch: int) -> str:
    return time.strftime("%H:%M:%S UTC", time.gmtime(epoch))

# The photos themselves: captions and image URLs, per user, in memory.
PHOTOS: dict[str, list[dict[str, str]]] = {}


def verify(token: str, **kwargs) -> dict:
    """Checks an ID token's signature against the pool's JWKS, and its issuer, audience and expiry."""
    key = JWKS.get_signing_key_from_jwt(token)
    claims = jwt.decode(token, key.key, algorithms=["RS256"], issuer=COGNITO_ISSUER, audience=COGNITO_CLIENT_ID, **kwargs)
    if claims.get("token_use") != "id":
        raise jwt.InvalidTokenError("not an ID token")
    return claims


def token_request(data: dict) -> dict:
    resp = requests.post(
        f"{COGNITO_DOMAIN}/oauth2/token",
        data=data,
        auth=HTTPBasicAuth(COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=10,
    )
    if resp.status_code != 200:
        abort(401, f"token endpoint: {resp.text}")
    return resp.json()


def remember(tokens: dict) -> None:
    claims = verify(tokens["id_token"])
    session["id_token"] = tokens["id_token"]
    session["access_token"] = tokens["access_token"]
    if "refresh_token" in tokens:
        session["refresh_token"] = tokens["refresh_token"]
    session["username"] = claims["cognito:username"]
    session["nickname"] = claims.get("nickname", claims["cognito:username"])
    session["exp"] = claims["exp"]


@app.before_request
def refresh_expired_tokens():
    """An expired ID token is renewed with the refresh token, as the exercise does."""
    if "exp" in session and session["exp"] <= time.time() and "refresh_token" in session:
        remember(token_request({"grant_type": "refresh_token", "client_id": COGNITO_CLIENT_ID,
                                "refresh_token": session["refresh_token"]}))


@app.route("/")
def home():
    user = session.get("username")
    return render_template("home.html", user=user, nickname=session.get("nickname"), exp=session.get("exp"),
                           photos=PHOTOS.get(user, []) if user else [])


@app.route("/photos", methods=["POST"])
def add_photo():
    if "username" not in session:
        return redirect(url_for("login"))
    PHOTOS.setdefault(session["username"], []).append(
        {"caption": request.form.get("caption", ""), "url": request.form.get("url", "")})
    return redirect(url_for("home"))


@app.route("/login")
def login():
    session["csrf_state"] = secrets.token_urlsafe(16)
    params = {
        "response_type": "code",
        "client_id": COGNITO_CLIENT_ID,
        "state": session["csrf_state"],
        "redirect_uri": BASE_URL + "/callback",
    }
    return redirect(COGNITO_DOMAIN + "/login?" + urlencode(params))


@app.route("/callback")
def callback():
    if request.args.get("state") != session.pop("csrf_state", None):
        abort(403, "state does not match")
    if "code" not in request.args:
        abort(400, request.args.get("error", "no code"))
    remember(token_request({
        "grant_type": "authorization_code",
        "client_id": COGNITO_CLIENT_ID,
        "code": request.args["code"],
        "redirect_uri": BASE_URL + "/callback",
    }))
    return redirect(url_for("home"))


@app.route("/refresh")
def refresh():
    """Renews the tokens now (the exercise does it when they expire)."""
    if "refresh_token" not in session:
        return redirect(url_for("login"))
    remember(token_request({"grant_type": "refresh_token", "client_id": COGNITO_CLIENT_ID,
                            "refresh_token": session["refresh_token"]}))
    return redirect(url_for("home"))


@app.route("/logout")
def logout():
    session.clear()
    params = {"client_id": COGNITO_CLIENT_ID, "logout_uri": BASE_URL + "/"}
    return redirect(COGNITO_DOMAIN + "/logout?" + urlencode(params))


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "localhost"), port=int(os.environ.get("PORT", "5000")))

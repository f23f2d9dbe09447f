"""Helpers for the hosted-UI tests: the example Flask app as a process, a pool set up the way
the course's exercise sets its pool up, and a small HTML form reader for scripted browsing."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import requests

from interop_helpers import ARTIFACTS, REPO_ROOT, free_port, unique

EXAMPLE = REPO_ROOT / "examples" / "flask-photos" / "app.py"


def photos_pool(cognito, *, link: bool = False, domain: str | None = None) -> dict:
    """A pool like the exercise's: nickname required, email verified (by code, or by link)."""
    params = {
        "PoolName": unique("photos"),
        "AutoVerifiedAttributes": ["email"],
        "Schema": [{"Name": "nickname", "AttributeDataType": "String", "Required": True, "Mutable": True}],
    }
    if link:
        params["VerificationMessageTemplate"] = {"DefaultEmailOption": "CONFIRM_WITH_LINK"}
    pool = cognito.create_user_pool(**params)["UserPool"]
    if domain:
        cognito.create_user_pool_domain(UserPoolId=pool["Id"], Domain=domain)
    return pool


def photos_client(cognito, pool_id: str, base_url: str, **extra) -> dict:
    params = {
        "UserPoolId": pool_id,
        "ClientName": "photos-web",
        "GenerateSecret": True,
        "AllowedOAuthFlowsUserPoolClient": True,
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["openid", "email", "profile"],
        "SupportedIdentityProviders": ["COGNITO"],
        "CallbackURLs": [base_url + "/callback"],
        "LogoutURLs": [base_url + "/"],
    }
    params.update(extra)
    return cognito.create_user_pool_client(**params)["UserPoolClient"]


class FlaskApp:
    """examples/flask-photos/app.py, unchanged, as a process configured by its environment."""

    def __init__(self, endpoint: str, pool_id: str, client: dict, port: int | None = None):
        self.port = port or free_port()
        self.base = f"http://localhost:{self.port}"
        self.endpoint = endpoint
        self.pool_id = pool_id
        self.client = client
        self.log_path = ARTIFACTS / f"flask-photos-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 20.0) -> "FlaskApp":
        env = dict(os.environ)
        env.update({
            "COGNITO_DOMAIN": self.endpoint,
            "COGNITO_USER_POOL_ID": self.pool_id,
            "COGNITO_CLIENT_ID": self.client["ClientId"],
            "COGNITO_CLIENT_SECRET": self.client["ClientSecret"],
            "COGNITO_ISSUER": f"{self.endpoint}/{self.pool_id}",
            "BASE_URL": self.base,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "FLASK_SECRET_KEY": "test-secret",
        })
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen([sys.executable, str(EXAMPLE)], cwd=EXAMPLE.parent, env=env, stdout=log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the Flask app exited ({self.proc.returncode}):\n{self.log()}")
            try:
                if requests.get(self.base + "/", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the Flask app did not start:\n{self.log()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no log)"


class Form:
    """The first POST form of a page: its absolute action and its inputs' values."""

    def __init__(self, action: str, fields: dict[str, str], names: list[str]):
        self.action = action
        self.fields = fields
        self.names = names


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self.names: list[str] = []
        self.links: list[str] = []
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if self._done:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.action = a.get("action") or ""
            self._in_form = True
        elif tag == "input" and self._in_form and a.get("name"):
            self.names.append(a["name"])
            if a.get("type") not in ("submit",):
                self.fields.setdefault(a["name"], a.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
            self._done = True


def read_page(resp: requests.Response) -> tuple[Form | None, list[str]]:
    """The page's form (with absolute action) and its links (absolute)."""
    p = _FormParser()
    p.feed(resp.text)
    form = Form(urljoin(resp.url, p.action), p.fields, p.names) if p.action is not None else None
    return form, [urljoin(resp.url, h) for h in p.links]


def submit(session: requests.Session, resp: requests.Response, values: dict[str, str], **kwargs) -> requests.Response:
    form, _ = read_page(resp)
    assert form is not None, f"no form on {resp.url}: {resp.text[:500]}"
    data = dict(form.fields)
    data.update(values)
    return session.post(form.action, data=data, **kwargs)


def link(resp: requests.Response, contains: str) -> str:
    _, links = read_page(resp)
    found = [h for h in links if contains in h]
    assert found, f"no link containing {contains!r} on {resp.url}"
    return found[0]

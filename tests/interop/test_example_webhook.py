"""examples/postconfirmation-webhook against the real server: a confirmed user lands in the
app's own table, and a forged request is refused."""

from __future__ import annotations

import importlib.util
import sqlite3
import threading

import pytest
import requests
from flask import Flask
from werkzeug.serving import make_server

from delivery_helpers import WEBHOOK_SECRET
from interop_helpers import REPO_ROOT, free_port, unique, unique_email

spec = importlib.util.spec_from_file_location("webhook", REPO_ROOT / "examples" / "postconfirmation-webhook" / "webhook.py")
webhook = importlib.util.module_from_spec(spec)
spec.loader.exec_module(webhook)


@pytest.fixture
def app_url(tmp_path):
    db = tmp_path / "app.sqlite"
    app = Flask("example")
    app.register_blueprint(webhook.post_confirmation_blueprint(str(db), WEBHOOK_SECRET))
    srv = make_server("127.0.0.1", free_port(), app, threaded=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_port}", db
    srv.shutdown()


def test_confirmed_users_are_written_to_the_app_table(make_pool, outbox, app_url):
    base, db = app_url
    pool = make_pool(LambdaConfig={"PostConfirmation": base + "/hooks/post-confirmation"})
    client = pool.client()
    name, address = unique("ex"), unique_email()
    sub = client.sign_up(name, email=address)["UserSub"]
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0
    client.confirm(name)
    rows = sqlite3.connect(db).execute("SELECT sub, username, email FROM users").fetchall()
    assert rows == [(sub, name, address)]


def test_forged_requests_are_refused(app_url):
    base, _ = app_url
    r = requests.post(base + "/hooks/post-confirmation", json={"triggerSource": "PostConfirmation_ConfirmSignUp"},
                      headers={"X-Cognate-Signature": "t=1,v1=00"}, timeout=5)
    assert r.status_code == 401

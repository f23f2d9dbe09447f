"""A PostConfirmation trigger for Cognate, as a Flask blueprint: every user who confirms their
account is written into the app's own `users` table.

Plug it into a Flask app:

    from webhook import post_confirmation_blueprint
    app.register_blueprint(post_confirmation_blueprint(db_path="app.sqlite", secret=os.environ["COGNATE_WEBHOOK_SECRET"]))

and point the pool's PostConfirmation trigger at it (LambdaConfig={"PostConfirmation": "http://127.0.0.1:5000/hooks/post-confirmation"}),
or run it on its own: `python3 webhook.py --db app.sqlite --port 5001`.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import sqlite3
import time

from flask import Blueprint, Flask, jsonify, request

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    sub TEXT PRIMARY KEY,          -- Cognito's stable user id (the `sub` claim of every token)
    username TEXT NOT NULL,        -- cognito:username
    email TEXT,
    confirmed_at TEXT NOT NULL
)
"""


def verify_signature(header: str | None, body: bytes, secret: str, max_age: float = 300) -> bool:
    """Checks `X-Cognate-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)>`."""
    if not header:
        return False
    try:
        parts = dict(p.split("=", 1) for p in header.split(","))
        t = int(parts["t"])
        given = parts["v1"]
    except (KeyError, ValueError):
        return False
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given) and abs(time.time() - t) <= max_age


def init_db(db_path: str) -> None:
    with sqlite3.connect(db_path) as db:
        db.execute(SCHEMA)


def record_confirmed_user(db_path: str, event: dict) -> None:
    """Idempotent: Cognate may deliver an event again if the first answer was lost."""
    attrs = event["request"]["userAttributes"]
    with sqlite3.connect(db_path) as db:
        db.execute(SCHEMA)
        db.execute(
            "INSERT INTO users(sub, username, email, confirmed_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(sub) DO UPDATE SET username = excluded.username, email = excluded.email",
            (attrs["sub"], event["userName"], attrs.get("email"), time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
        )


def post_confirmation_blueprint(db_path: str, secret: str, path: str = "/hooks/post-confirmation") -> Blueprint:
    bp = Blueprint("cognate_post_confirmation", __name__)
    init_db(db_path)

    @bp.post(path)
    def post_confirmation():
        body = request.get_data()
        if not verify_signature(request.headers.get("X-Cognate-Signature"), body, secret):
            return jsonify(errorMessage="bad signature"), 401
        event = request.get_json(force=True)
        if not str(event.get("triggerSource", "")).startswith("PostConfirmation_"):
            return jsonify(errorMessage="not a PostConfirmation event"), 400
        if event["triggerSource"] == "PostConfirmation_ConfirmSignUp":
            try:
                record_confirmed_user(db_path, event)
            except sqlite3.Error as e:
                # Reported as the function's error: Cognate answers UserLambdaValidationException
                # and leaves the user unconfirmed, so confirming again retries.
                return jsonify(errorMessage=f"could not record the user: {e}"), 500
        return jsonify(event)  # PostConfirmation's response has nothing to fill in

    return bp


def main() -> None:
    ap = argparse.ArgumentParser(description="Cognate PostConfirmation webhook")
    ap.add_argument("--db", default="app.sqlite")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=5001)
    args = ap.parse_args()
    secret = os.environ.get("COGNATE_WEBHOOK_SECRET")
    if not secret:
        raise SystemExit("set COGNATE_WEBHOOK_SECRET (the same value as Cognate's --webhook-secret, or `cognate webhook-key`)")
    app = Flask(__name__)
    app.register_blueprint(post_confirmation_blueprint(args.db, secret))
    app.run(host=args.host, port=args.port)


if __name__ == "__main__":
    main()

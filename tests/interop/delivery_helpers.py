"""Test doubles for what Cognate delivers to: a real SMTP server (aiosmtpd) and an HTTP receiver
for trigger and SMS webhooks that checks every request's signature and answers as each test
tells it to."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import re
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from aiosmtpd.controller import Controller

from interop_helpers import free_port

WEBHOOK_SECRET = "interop-webhook-secret"


# ---------------------------------------------------------------------------------------------
# SMTP


class Mailbox:
    """Every message an SMTP server accepted, parsed."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(msg)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        with self.lock:
            return [m for m in self.messages if m["To"] == address]

    def wait_for(self, address: str, count: int = 1, timeout: float = 15.0) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.to(address)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"expected {count} mail(s) to {address} within {timeout}s, got {len(self.to(address))}")


class SMTPServer:
    """An aiosmtpd server on 127.0.0.1 that can be stopped and started again on the same port.
    With `tls_cert` (a (cert.pem, key.pem) pair) it offers STARTTLS and requires it; with `login`
    it requires AUTH with that (user, password), over TLS only."""

    def __init__(self, port: int | None = None, *, tls_cert: tuple[str, str] | None = None,
                 login: tuple[str, str] | None = None):
        self.port = port or free_port()
        self.mailbox = Mailbox()
        self.controller: Controller | None = None
        self.tls_cert = tls_cert
        self.login = login
        self.auth_attempts: list[tuple[str, bool]] = []

    @property
    def url(self) -> str:
        creds = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        return f"smtp://{creds}127.0.0.1:{self.port}"

    def _authenticate(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult, LoginPassword

        ok = (isinstance(auth_data, LoginPassword) and self.login is not None
              and (auth_data.login.decode(), auth_data.password.decode()) == self.login)
        self.auth_attempts.append((mechanism, ok))
        return AuthResult(success=ok)

    def start(self) -> "SMTPServer":
        kwargs = {}
        if self.tls_cert:
            ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ctx.load_cert_chain(*self.tls_cert)
            kwargs.update(tls_context=ctx, require_starttls=True)
        if self.login:
            kwargs.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=bool(self.tls_cert))
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, **kwargs)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def self_signed_cert(directory) -> tuple[str, str]:
    """A certificate for 127.0.0.1 (and its key), as PEM files: the server's and the CA Cognate trusts."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = f"{directory}/smtp-cert.pem", f"{directory}/smtp-key.pem"
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


def body_text(msg: email.message.EmailMessage) -> str:
    return msg.get_body(preferencelist=("html", "plain")).get_content()


def code_in(msg: email.message.EmailMessage) -> str:
    m = re.search(r"\b(\d{6})\b", body_text(msg))
    assert m, f"no six-digit code in {body_text(msg)!r}"
    return m.group(1)


# ---------------------------------------------------------------------------------------------
# Webhooks


def check_signature(header: str | None, body: bytes, secret: str = WEBHOOK_SECRET, max_age: float = 300) -> None:
    """X-Cognate-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + body)> — as README documents."""
    assert header, "the webhook request has no X-Cognate-Signature header"
    parts = dict(p.split("=", 1) for p in header.split(","))
    t, v1 = parts["t"], parts["v1"]
    expected = hmac.new(secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, v1), "bad webhook signature"
    assert abs(time.time() - int(t)) < max_age, "stale webhook timestamp"


class Reply:
    """What a handler answers: a JSON body (or raw bytes) with a status, after an optional delay."""

    def __init__(self, body: Any = None, status: int = 200, raw: bytes | None = None, delay: float = 0):
        self.body, self.status, self.raw, self.delay = body, status, raw, delay


Handler = Callable[[dict], "Reply | dict | None"]


class Receiver:
    """An HTTP server for trigger and SMS webhooks. Each test registers handlers on paths of its
    own (`route(name, handler)` → URL); every request is signature-checked and recorded."""

    def __init__(self, secret: str = WEBHOOK_SECRET):
        self.handlers: dict[str, Handler] = {}
        self.calls: dict[str, list[dict]] = {}
        self.errors: list[str] = []
        self.lock = threading.Lock()
        receiver = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                try:
                    check_signature(self.headers.get("X-Cognate-Signature"), body, secret)
                    event = json.loads(body)
                except Exception as e:  # recorded: the test fails on it
                    with receiver.lock:
                        receiver.errors.append(f"{self.path}: {e!r}")
                    self.send_response(401)
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.calls.setdefault(self.path, []).append({"event": event, "headers": dict(self.headers)})
                    handler = receiver.handlers.get(self.path)
                reply = handler(event) if handler else None
                if reply is None:
                    reply = Reply(event)
                elif isinstance(reply, dict):
                    reply = Reply(reply)
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.raw if reply.raw is not None else json.dumps(reply.body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass  # the caller gave up (timeout tests)

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), H)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.counter = 0

    def route(self, name: str, handler: Handler | None = None) -> str:
        with self.lock:
            self.counter += 1
            path = f"/{name}/{self.counter}"
            if handler is not None:
                self.handlers[path] = handler
        return self.base + path

    def set(self, url: str, handler: Handler | None) -> None:
        path = url[len(self.base):]
        with self.lock:
            if handler is None:
                self.handlers.pop(path, None)
            else:
                self.handlers[path] = handler

    def events(self, url: str) -> list[dict]:
        path = url[len(self.base):]
        with self.lock:
            return [c["event"] for c in self.calls.get(path, [])]

    def wait_events(self, url: str, count: int = 1, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.events(url)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"expected {count} call(s) to {url}, got {len(self.events(url))}")

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def respond(event: dict, **response) -> dict:
    """The event back with `response` filled, as a Lambda function returns it."""
    out = dict(event)
    out["response"] = {**(event.get("response") or {}), **response}
    return out

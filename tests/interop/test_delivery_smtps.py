"""E-mail over SMTP with implicit TLS: `--smtp-url smtps://user:pass@host:port` speaks TLS from the
first byte (as on port 465), where smtp:// starts in plain text and upgrades with STARTTLS. The
server here (aiosmtpd with `ssl_context`) offers no STARTTLS and no plain text at all, so a mail
only arrives if Cognate opened the connection with a TLS handshake; each accepted message records
the TLS version of the connection it came over. A certificate Cognate doesn't trust gets nothing,
and the API call succeeds all the same (contract §7)."""

from __future__ import annotations

import re
import sqlite3
import ssl
import time

import pytest
from aiosmtpd.controller import Controller

from delivery_helpers import WEBHOOK_SECRET, Mailbox, SMTPServer, code_in, self_signed_cert
from interop_helpers import Outbox, PoolCtx, make_boto_client, unique, unique_email


class TLSMailbox(Mailbox):
    """A Mailbox that also notes, for every message it accepts, the TLS version of the connection
    (None: plain text)."""

    def __init__(self):
        super().__init__()
        self.tls_versions: list[str | None] = []

    async def handle_DATA(self, server, session, envelope):
        ssl_object = server.transport.get_extra_info("ssl_object") if server.transport else None
        with self.lock:
            self.tls_versions.append(ssl_object.version() if ssl_object is not None else None)
        return await super().handle_DATA(server, session, envelope)


class ImplicitTLSServer(SMTPServer):
    """aiosmtpd on 127.0.0.1 that speaks TLS from the first byte (SMTPS) with `tls_cert` (a
    (cert.pem, key.pem) pair). With `login` it requires AUTH with that (user, password) — the whole
    connection is TLS, so aiosmtpd's STARTTLS-only `auth_require_tls` is off."""

    def __init__(self, tls_cert: tuple[str, str], *, login: tuple[str, str] | None = None):
        super().__init__(login=login)
        self.cert = tls_cert
        self.mailbox = TLSMailbox()

    @property
    def url(self) -> str:
        creds = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        return f"smtps://{creds}127.0.0.1:{self.port}"

    def start(self) -> "ImplicitTLSServer":
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*self.cert)
        kwargs = {}
        if self.login:
            kwargs.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=False)
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port, ssl_context=ctx, **kwargs)
        self.controller.start()
        return self


def smtps_args(smtp_url: str) -> list[str]:
    return ["--smtp-url", smtp_url, "--webhook-secret", WEBHOOK_SECRET, "--delivery-max-backoff", "1"]


def pool_on(server) -> PoolCtx:
    cognito = make_boto_client(server.endpoint)
    pool = cognito.create_user_pool(PoolName=unique("smtps"), AutoVerifiedAttributes=["email"])["UserPool"]
    return PoolCtx(cognito, Outbox(server.endpoint), pool)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_sign_up_mail_over_implicit_tls_confirms_the_account(server_factory, tmp_path):
    cert = self_signed_cert(tmp_path)
    smtp = ImplicitTLSServer(cert, login=("mailer", "s3cret")).start()
    try:
        srv = server_factory(extra_args=smtps_args(smtp.url) + ["--smtp-ca-file", cert[0]])
        pool = pool_on(srv)
        client = pool.client()
        name, address = unique("ss"), unique_email()
        r = client.sign_up(name, email=address)
        assert r["UserConfirmed"] is False
        assert r["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
        [mail] = smtp.mailbox.wait_for(address)
        assert mail["Subject"] == "Your verification code"
        assert mail["From"] == "no-reply@verificationemail.com"
        assert smtp.mailbox.envelopes[-1] == ("no-reply@verificationemail.com", [address])
        # The server offers neither STARTTLS nor plain text: the message came over TLS from the start.
        assert smtp.mailbox.tls_versions and all(v and v.startswith("TLS") for v in smtp.mailbox.tls_versions), \
            smtp.mailbox.tls_versions
        assert smtp.auth_attempts and all(ok for _, ok in smtp.auth_attempts), \
            f"the smtps:// URL's user and password must be used for AUTH: {smtp.auth_attempts}"
        client.confirm(name, code_in(mail))
        assert pool.status(name) == "CONFIRMED"
        assert pool.attrs(name)["email_verified"] == "true"
        time.sleep(1.5)
        assert len(smtp.mailbox.to(address)) == 1, "sent once"
    finally:
        smtp.stop()


def test_untrusted_implicit_tls_certificate_gets_nothing(server_factory, tmp_path):
    smtp = ImplicitTLSServer(self_signed_cert(tmp_path)).start()
    try:
        srv = server_factory(extra_args=smtps_args(smtp.url))  # no --smtp-ca-file: the system's CAs
        pool = pool_on(srv)
        client = pool.client()
        name, address = unique("su"), unique_email()
        started = time.monotonic()
        r = client.sign_up(name, email=address)
        assert time.monotonic() - started < 5, "sign-up must not wait for SMTP"
        assert r["UserConfirmed"] is False and r["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
        assert pool.status(name) == "UNCONFIRMED"
        time.sleep(3)  # several tries at a 1 s backoff
        assert smtp.mailbox.messages == [], "no mail may go to a server whose certificate fails"
        assert "will retry" in srv.log_path.read_text(), "a certificate failure is retried (an operator can fix it)"
        assert srv.stop() == 0
        db = sqlite3.connect(srv.data_dir / "cognate.sqlite")
        rows = db.execute("SELECT state, attempts, last_error FROM outbox").fetchall()
        db.close()
        assert len(rows) == 1, rows
        state, attempts, last_error = rows[0]
        assert state == "pending" and attempts >= 2, rows
        assert re.search(r"certificate", last_error or "", re.I), f"the failure names the certificate problem: {last_error!r}"
    finally:
        smtp.stop()

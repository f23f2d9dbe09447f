"""E-mail over SMTP to a real server (aiosmtpd): codes, links, invitations and resets with
Cognito's default texts, the pool's sender, and the outbox's promise — an API call never waits
for or fails with SMTP, and a message queued while SMTP is down arrives once it is back, also
across a restart of Cognate (contract §7)."""

from __future__ import annotations

import re
import sqlite3
import time
from urllib.parse import parse_qs, urlparse

import pytest
import requests

from delivery_helpers import WEBHOOK_SECRET, SMTPServer, body_text, code_in, self_signed_cert
from interop_helpers import NEW_PASSWORD, PASSWORD, PoolCtx, Outbox, make_boto_client, unique, unique_email


def smtp_args(smtp_url: str) -> list[str]:
    return ["--smtp-url", smtp_url, "--webhook-secret", WEBHOOK_SECRET, "--delivery-max-backoff", "1"]


@pytest.fixture
def mail_server(server_factory, smtp):
    return server_factory(extra_args=smtp_args(smtp.url))


def pool_on(server, **kwargs) -> PoolCtx:
    cognito = make_boto_client(server.endpoint)
    params = {"PoolName": unique("mail"), "AutoVerifiedAttributes": ["email"], **kwargs}
    return PoolCtx(cognito, Outbox(server.endpoint), cognito.create_user_pool(**params)["UserPool"])


def test_sign_up_mail_code_confirms_the_account(mail_server, smtp):
    pool = pool_on(mail_server)
    client = pool.client()
    name, address = unique("m"), unique_email()
    r = client.sign_up(name, email=address)
    cdd = r["CodeDeliveryDetails"]
    assert cdd["DeliveryMedium"] == "EMAIL" and cdd["AttributeName"] == "email"
    assert re.fullmatch(r"[a-z0-9]\*\*\*@e\*\*\*\.com", cdd["Destination"]), cdd
    [mail] = smtp.mailbox.wait_for(address)
    assert mail["Subject"] == "Your verification code"
    assert mail["From"] == "no-reply@verificationemail.com"
    assert re.fullmatch(r"Your verification code is \d{6}\. ", body_text(mail)), body_text(mail)
    assert smtp.mailbox.envelopes[-1] == ("no-reply@verificationemail.com", [address])
    client.confirm(name, code_in(mail))
    assert pool.status(name) == "CONFIRMED"
    assert pool.attrs(name)["email_verified"] == "true"


def test_link_mail_confirms_the_account_over_http(mail_server, smtp, receiver):
    post_confirmation = receiver.route("link-postconfirm")
    pool = pool_on(mail_server, VerificationMessageTemplate={"DefaultEmailOption": "CONFIRM_WITH_LINK"},
                   LambdaConfig={"PostConfirmation": post_confirmation})
    client = pool.client()
    name, address = unique("lk"), unique_email()
    client.sign_up(name, email=address)
    [mail] = smtp.mailbox.wait_for(address)
    assert mail["Subject"] == "Your verification link"
    html = body_text(mail)
    assert html.startswith("Please click the link below to verify your email address. <a href=")
    m = re.search(r'<a href="([^"]+)">Verify Email</a>', html)
    assert m, html
    link = urlparse(m.group(1))
    assert f"{link.scheme}://{link.netloc}" == mail_server.endpoint and link.path == "/confirmUser"
    q = parse_qs(link.query)
    assert q["client_id"] == [client.id] and q["user_name"] == [name] and re.fullmatch(r"\d{6}", q["confirmation_code"][0])
    resp = requests.get(m.group(1), timeout=10, allow_redirects=False)
    assert resp.status_code < 400, resp.text[:300]
    assert pool.status(name) == "CONFIRMED"
    assert pool.attrs(name)["email_verified"] == "true"
    [event] = receiver.events(post_confirmation)
    assert event["triggerSource"] == "PostConfirmation_ConfirmSignUp" and event["userName"] == name


def test_pool_sender_templates_invitation_reset_and_attribute_codes(mail_server, smtp):
    pool = pool_on(
        mail_server,
        EmailConfiguration={"EmailSendingAccount": "DEVELOPER", "From": "Course <course@example.org>",
                            "ReplyToEmailAddress": "help@example.org",
                            "SourceArn": "arn:aws:ses:us-east-1:123456789012:identity/course@example.org"},
        VerificationMessageTemplate={"DefaultEmailOption": "CONFIRM_WITH_CODE", "EmailSubject": "Dein Code ✓",
                                     "EmailMessage": "<p>Code: <b>{####}</b></p>"},
        AdminCreateUserConfig={"InviteMessageTemplate": {"EmailSubject": "Welcome", "EmailMessage": "Hi {username}, use {####}"}},
    )
    client = pool.client()
    cognito = pool.cognito

    address = unique_email()
    cognito.admin_create_user(UserPoolId=pool.id, Username="invited", TemporaryPassword="Temp#Pass1",
                              UserAttributes=[{"Name": "email", "Value": address}, {"Name": "email_verified", "Value": "true"}])
    [invite] = smtp.mailbox.wait_for(address)
    assert invite["From"] == "Course <course@example.org>" and invite["Reply-To"] == "help@example.org"
    assert invite["Subject"] == "Welcome" and body_text(invite) == "Hi invited, use Temp#Pass1"
    assert smtp.mailbox.envelopes[-1][0] == "course@example.org"

    cognito.admin_set_user_password(UserPoolId=pool.id, Username="invited", Password=PASSWORD, Permanent=True)
    r = client.cognito.forgot_password(ClientId=client.id, Username="invited")
    assert r["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    reset = smtp.mailbox.wait_for(address, 2)[-1]
    assert reset["Subject"] == "Dein Code ✓"
    assert re.fullmatch(r"<p>Code: <b>\d{6}</b></p>", body_text(reset))
    cognito.confirm_forgot_password(ClientId=client.id, Username="invited", ConfirmationCode=code_in(reset), Password=NEW_PASSWORD)

    token = client.login("invited", NEW_PASSWORD)["AccessToken"]
    changed = unique_email()
    r = cognito.update_user_attributes(AccessToken=token, UserAttributes=[{"Name": "email", "Value": changed}])
    assert r["CodeDeliveryDetailsList"][0]["AttributeName"] == "email"
    [verify] = smtp.mailbox.wait_for(changed)
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code_in(verify))
    assert pool.attrs("invited")["email_verified"] == "true"


def test_smtp_down_the_call_succeeds_and_the_mail_arrives_later(server_factory):
    smtp = SMTPServer()  # not started: nothing listens on its port yet
    srv = server_factory(extra_args=smtp_args(smtp.url))
    pool = pool_on(srv)
    client = pool.client()
    name, address = unique("dn"), unique_email()
    started = time.monotonic()
    r = client.sign_up(name, email=address)
    assert time.monotonic() - started < 5, "sign-up must not wait for SMTP"
    assert r["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    time.sleep(1.5)
    smtp.start()
    try:
        [mail] = smtp.mailbox.wait_for(address, timeout=15)
        client.confirm(name, code_in(mail))
        assert pool.status(name) == "CONFIRMED"
        time.sleep(1.5)
        assert len(smtp.mailbox.to(address)) == 1, "sent once"
    finally:
        smtp.stop()


def test_queued_mail_survives_a_restart(server_factory, tmp_path):
    smtp = SMTPServer()
    data = tmp_path / "data"
    srv = server_factory(data_dir=data, extra_args=smtp_args(smtp.url))
    pool = pool_on(srv)
    client = pool.client()
    name, address = unique("rs"), unique_email()
    client.sign_up(name, email=address)
    assert srv.stop() == 0
    db = sqlite3.connect(data / "cognate.sqlite")
    rows = db.execute("SELECT state, attempts, last_error FROM outbox").fetchall()
    db.close()
    assert len(rows) == 1 and rows[0][0] == "pending", rows
    smtp.start()
    try:
        srv2 = server_factory(data_dir=data, port=srv.port, extra_args=smtp_args(smtp.url))
        [mail] = smtp.mailbox.wait_for(address, timeout=15)
        client.confirm(name, code_in(mail))
        assert pool.status(name) == "CONFIRMED"
        assert srv2.running()
    finally:
        smtp.stop()


def test_nodes_sharing_a_database_send_each_message_once(server_factory, smtp, tmp_path):
    db = tmp_path / "shared.sqlite"
    key = "cd" * 32
    args = smtp_args(smtp.url) + ["--database-url", str(db)]
    a = server_factory(extra_args=args, env={"COGNATE_MASTER_KEY": key})
    b = server_factory(extra_args=args, env={"COGNATE_MASTER_KEY": key})
    pool = pool_on(a)
    client_a = pool.client()
    cognito_b = make_boto_client(b.endpoint)
    addresses = []
    for i in range(12):
        address = unique_email()
        addresses.append(address)
        c = pool.cognito if i % 2 == 0 else cognito_b
        c.sign_up(ClientId=client_a.id, Username=unique("n"), Password=PASSWORD,
                  UserAttributes=[{"Name": "email", "Value": address}])
    for address in addresses:
        smtp.mailbox.wait_for(address)
    time.sleep(2.5)  # both drains poll every second: give a double send time to show
    for address in addresses:
        assert len(smtp.mailbox.to(address)) == 1, f"{address} got {len(smtp.mailbox.to(address))} mails"


def test_starttls_and_auth(server_factory, tmp_path):
    cert = self_signed_cert(tmp_path)
    smtp = SMTPServer(tls_cert=cert, login=("mailer", "s3cret")).start()
    try:
        srv = server_factory(extra_args=smtp_args(smtp.url) + ["--smtp-ca-file", cert[0]])
        pool = pool_on(srv)
        client = pool.client()
        name, address = unique("tls"), unique_email()
        client.sign_up(name, email=address)
        [mail] = smtp.mailbox.wait_for(address)
        assert smtp.auth_attempts and smtp.auth_attempts[-1][1], smtp.auth_attempts
        client.confirm(name, code_in(mail))
        assert pool.status(name) == "CONFIRMED"
    finally:
        smtp.stop()


def test_untrusted_tls_certificate_is_not_used(server_factory, tmp_path):
    smtp = SMTPServer(tls_cert=self_signed_cert(tmp_path)).start()
    try:
        srv = server_factory(extra_args=smtp_args(smtp.url))  # no --smtp-ca-file: the system's CAs
        pool = pool_on(srv)
        client = pool.client()
        address = unique_email()
        client.sign_up(unique("ut"), email=address)
        time.sleep(3)
        assert smtp.mailbox.to(address) == [], "the mail must not go to a server whose certificate fails"
        assert "will retry" in srv.log_path.read_text(), "a certificate failure is retried (an operator can fix it)"
    finally:
        smtp.stop()

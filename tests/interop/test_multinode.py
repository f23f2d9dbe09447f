"""Several nodes on one PostgreSQL database: three real `cognate` processes share a fresh
database (one per test), one master key and one public URL, as nodes behind a load balancer do,
and each step of a journey goes to another node. Whatever one node writes, the next node sees
at once: codes, SRP challenges, refresh-token families and their revocation, hosted-UI codes
and sessions, spent TOTP steps, failed sign-ins and the outbox's claims.

A node's dev outbox (`GET /_dev/outbox`) lists the messages that node queued, so codes are read
from the node that handled the request which sent them. Delivery is checked where it happens:
on a real SMTP server that every node sends to.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs, urlparse

import jwt
import pyotp
import pytest
import requests
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from conftest import CLUSTER_PUBLIC_URL
from delivery_helpers import WEBHOOK_SECRET, code_in
from hosted_helpers import photos_client, photos_pool, submit
from interop_helpers import (
    MSG_BAD_CREDENTIALS,
    PASSWORD,
    PoolCtx,
    expect_error,
    raw_call,
    unique,
    unique_email,
)

REFRESH_REVOKED = "Refresh Token has been revoked"
ACCESS_REVOKED = "Access Token has been revoked"


@pytest.fixture
def nodes(start_nodes, postgres_database):
    return start_nodes(3, postgres_database.url)


def pool_on(node, **kwargs) -> PoolCtx:
    params = {"PoolName": unique("nodes"), "AutoVerifiedAttributes": ["email"], **kwargs}
    return PoolCtx(node.cognito, node.outbox, node.cognito.create_user_pool(**params)["UserPool"])


def refresh(node, client_id: str, token: str) -> dict:
    return node.cognito.initiate_auth(ClientId=client_id, AuthFlow="REFRESH_TOKEN_AUTH",
                                      AuthParameters={"REFRESH_TOKEN": token})


def test_a_user_journey_hops_across_three_nodes(nodes):
    n1, n2, n3 = nodes
    pool = pool_on(n1)
    client = pool.client()
    name = unique("hop")
    n1.cognito.sign_up(ClientId=client.id, Username=name, Password=PASSWORD,
                       UserAttributes=[{"Name": "email", "Value": unique_email()}])
    code = n1.outbox.latest_code(pool.id, name, "SignUp")
    n2.cognito.confirm_sign_up(ClientId=client.id, Username=name, ConfirmationCode=code)
    assert n3.cognito.admin_get_user(UserPoolId=pool.id, Username=name)["UserStatus"] == "CONFIRMED"

    # SRP: the challenge from node 3, the proof to node 1.
    srp = AWSSRP(username=name, password=PASSWORD, pool_id=pool.id, client_id=client.id, client=n3.cognito)
    start = n3.cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_SRP_AUTH", AuthParameters=srp.get_auth_params())
    assert start["ChallengeName"] == "PASSWORD_VERIFIER"
    answer = srp.process_challenge(start["ChallengeParameters"], {"USERNAME": name})
    tokens = n1.cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="PASSWORD_VERIFIER",
                                                  ChallengeResponses=answer)["AuthenticationResult"]
    # Every node publishes the key that signed them, under the deployment's issuer.
    for node in nodes:
        jwks = jwt.PyJWKClient(f"{node.endpoint}/{pool.id}/.well-known/jwks.json", cache_keys=False)
        claims = jwt.decode(tokens["IdToken"], jwks.get_signing_key_from_jwt(tokens["IdToken"]).key, algorithms=["RS256"],
                            audience=client.id, issuer=f"{CLUSTER_PUBLIC_URL}/{pool.id}")
        assert claims["cognito:username"] == name

    # Node 1's access token serves GetUser on node 2; node 2 refreshes, node 1 takes the new one.
    assert n2.cognito.get_user(AccessToken=tokens["AccessToken"])["Username"] == name
    refreshed = refresh(n2, client.id, tokens["RefreshToken"])["AuthenticationResult"]
    assert n1.cognito.get_user(AccessToken=refreshed["AccessToken"])["Username"] == name

    # Revoked on node 3: node 1 refuses the refresh token and the family's access tokens at once,
    # although it verified that access token a moment ago.
    n3.cognito.revoke_token(Token=tokens["RefreshToken"], ClientId=client.id)
    expect_error(refresh, "NotAuthorizedException", REFRESH_REVOKED, node=n1, client_id=client.id, token=tokens["RefreshToken"])
    expect_error(n1.cognito.get_user, "NotAuthorizedException", ACCESS_REVOKED, AccessToken=refreshed["AccessToken"])

    # A new sign-in on node 2, used on node 1; GlobalSignOut on node 3 ends it on node 1 at once.
    again = n2.cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_PASSWORD_AUTH",
                                     AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})["AuthenticationResult"]
    assert n1.cognito.get_user(AccessToken=again["AccessToken"])["Username"] == name
    n3.cognito.global_sign_out(AccessToken=again["AccessToken"])
    expect_error(n1.cognito.get_user, "NotAuthorizedException", ACCESS_REVOKED, AccessToken=again["AccessToken"])
    expect_error(refresh, "NotAuthorizedException", REFRESH_REVOKED, node=n2, client_id=client.id, token=again["RefreshToken"])


def test_a_hosted_ui_code_from_one_node_is_redeemed_at_another_and_refused_at_a_third(nodes):
    n1, n2, n3 = nodes
    base = "http://localhost:5000"
    pool = photos_pool(n1.cognito)
    client = photos_client(n1.cognito, pool["Id"], base)
    auth = (client["ClientId"], client["ClientSecret"])
    name = unique("ui")
    n1.cognito.admin_create_user(UserPoolId=pool["Id"], Username=name, MessageAction="SUPPRESS",
                                 UserAttributes=[{"Name": "nickname", "Value": "Ui"}])
    n1.cognito.admin_set_user_password(UserPoolId=pool["Id"], Username=name, Password=PASSWORD, Permanent=True)

    def code_from(resp) -> str:
        assert resp.status_code == 302, resp.text[:500]
        loc = urlparse(resp.headers["Location"])
        assert f"{loc.scheme}://{loc.netloc}{loc.path}" == base + "/callback", resp.headers["Location"]
        return parse_qs(loc.query)["code"][0]

    def redeem(node, code: str) -> requests.Response:
        return requests.post(node.endpoint + "/oauth2/token", auth=auth, timeout=30,
                             data={"grant_type": "authorization_code", "code": code, "redirect_uri": base + "/callback"})

    def userinfo(node, access: str) -> int:
        return requests.get(node.endpoint + "/oauth2/userInfo", headers={"Authorization": "Bearer " + access}, timeout=30).status_code

    params = {"response_type": "code", "client_id": client["ClientId"], "redirect_uri": base + "/callback", "state": "s"}
    browser = requests.Session()
    login = browser.get(n1.endpoint + "/login", params=params, timeout=30)
    code = code_from(submit(browser, login, {"username": name, "password": PASSWORD}, allow_redirects=False))

    first = redeem(n2, code)
    assert first.status_code == 200, first.text
    tokens = first.json()
    assert userinfo(n3, tokens["access_token"]) == 200
    assert refresh_oauth(n1, auth, tokens["refresh_token"]).status_code == 200

    # The replay at node 3 is refused and revokes what the first use got, on every node.
    replay = redeem(n3, code)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant", replay.text
    after = refresh_oauth(n1, auth, tokens["refresh_token"])
    assert after.status_code == 400 and after.json()["error"] == "invalid_grant", after.text
    assert userinfo(n1, tokens["access_token"]) == 401

    # The browser's session from node 1 signs it in again at node 2 without a form.
    again = browser.get(n2.endpoint + "/oauth2/authorize", params=params, allow_redirects=False, timeout=30)
    second = redeem(n3, code_from(again))
    assert second.status_code == 200, second.text
    assert userinfo(n1, second.json()["access_token"]) == 200


def refresh_oauth(node, auth, token: str) -> requests.Response:
    return requests.post(node.endpoint + "/oauth2/token", auth=auth, timeout=30,
                         data={"grant_type": "refresh_token", "refresh_token": token})


def test_fifty_concurrent_sign_ups_of_one_username_over_three_nodes_make_one_user(nodes):
    pool = pool_on(nodes[0])
    client = pool.client()
    name = unique("race")
    n = 50
    barrier = threading.Barrier(n)

    def sign_up(i: int) -> str:
        body = {"ClientId": client.id, "Username": name, "Password": PASSWORD,
                "UserAttributes": [{"Name": "email", "Value": unique_email()}]}
        barrier.wait(timeout=30)
        r = raw_call(nodes[i % 3].endpoint, "SignUp", body, sign=False, timeout=60)
        return "ok" if r.status_code == 200 else f"{r.status_code} {r.json().get('__type')}"

    with ThreadPoolExecutor(max_workers=n) as ex:
        results = list(ex.map(sign_up, range(n)))
    assert results.count("ok") == 1, results
    assert results.count("400 UsernameExistsException") == n - 1, results
    for node in nodes:
        users = node.cognito.list_users(UserPoolId=pool.id)["Users"]
        assert [u["Username"] for u in users] == [name]
    # Only the sign-up that made the user sent a code.
    assert sum(node.outbox.count(pool.id, name, "SignUp") for node in nodes) == 1


def fresh_time_step(margin: float = 4.0) -> None:
    """Returns with at least `margin` seconds left in the current 30 s TOTP step, so codes
    computed now stay the server's previous, current and next ones for the next few calls."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.05)


def test_a_totp_code_used_on_one_node_is_refused_on_another(nodes):
    n1, n2, n3 = nodes
    pool = pool_on(n1)
    n1.cognito.set_user_pool_mfa_config(UserPoolId=pool.id, MfaConfiguration="OPTIONAL",
                                        SoftwareTokenMfaConfiguration={"Enabled": True})
    client = pool.client()
    name = pool.create_user(unique("otp"), email=unique_email())
    access = n1.cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_PASSWORD_AUTH",
                                      AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})["AuthenticationResult"]["AccessToken"]
    totp = pyotp.TOTP(n1.cognito.associate_software_token(AccessToken=access)["SecretCode"])
    fresh_time_step()
    step = int(time.time() // 30)
    # Verified with the previous step's code (one step of drift), so this step and the next stay unspent.
    assert n2.cognito.verify_software_token(AccessToken=access, UserCode=totp.at((step - 1) * 30))["Status"] == "SUCCESS"

    def challenge(node) -> str:
        r = node.cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_PASSWORD_AUTH",
                                       AuthParameters={"USERNAME": name, "PASSWORD": PASSWORD})
        assert r["ChallengeName"] == "SOFTWARE_TOKEN_MFA", r
        return r["Session"]

    def answer(node, session: str, code: str) -> dict:
        return node.cognito.respond_to_auth_challenge(ClientId=client.id, ChallengeName="SOFTWARE_TOKEN_MFA", Session=session,
                                                      ChallengeResponses={"USERNAME": name, "SOFTWARE_TOKEN_MFA_CODE": code})

    used = "Your software token has already been used once."
    # One after the other: used on node 3, refused on node 1.
    now_code = totp.at(step * 30)
    first = answer(n3, challenge(n2), now_code)
    assert first["AuthenticationResult"]["AccessToken"]
    replay = challenge(n1)
    expect_error(lambda: answer(n1, replay, now_code), "ExpiredCodeException", used)

    # At the same moment on two nodes: exactly one of them takes the code.
    next_code = totp.at((step + 1) * 30)
    sessions = [challenge(n1), challenge(n2)]
    barrier = threading.Barrier(2)

    def race(i: int):
        barrier.wait(timeout=30)
        try:
            return answer((n1, n2)[i], sessions[i], next_code)["AuthenticationResult"]["AccessToken"] and "ok"
        except ClientError as e:
            return f"{e.response['Error']['Code']}: {e.response['Error']['Message']}"

    with ThreadPoolExecutor(max_workers=2) as ex:
        results = sorted(ex.map(race, range(2)))
    assert results == ["ExpiredCodeException: " + used, "ok"], results


def test_failed_sign_ins_spread_over_nodes_lock_the_user_after_five(nodes):
    pool = pool_on(nodes[0])
    client = pool.client()
    name = pool.create_user(unique("lock"), email=unique_email())

    def sign_in(node, password: str) -> dict:
        return node.cognito.initiate_auth(ClientId=client.id, AuthFlow="USER_PASSWORD_AUTH",
                                          AuthParameters={"USERNAME": name, "PASSWORD": password})

    # Five failures, no node seeing more than two of them.
    for i in range(5):
        expect_error(sign_in, "NotAuthorizedException", MSG_BAD_CREDENTIALS, node=nodes[i % 3], password="Wr0ng!pass")
    # Locked on every node: even the right password is refused (for 1 s after the fifth failure).
    expect_error(sign_in, "NotAuthorizedException", "Password attempts exceeded", node=nodes[2], password=PASSWORD)
    expect_error(sign_in, "NotAuthorizedException", "Password attempts exceeded", node=nodes[0], password=PASSWORD)
    # And the lockout ends by itself.
    deadline = time.monotonic() + 15
    while True:
        try:
            assert sign_in(nodes[1], PASSWORD)["AuthenticationResult"]["AccessToken"]
            break
        except ClientError as e:
            err = e.response["Error"]
            assert (err["Code"], err["Message"]) == ("NotAuthorizedException", "Password attempts exceeded"), err
            assert time.monotonic() < deadline, "the lockout did not end"
            time.sleep(0.2)


def test_three_nodes_draining_one_outbox_send_each_message_once(start_nodes, postgres_database, smtp):
    nodes = start_nodes(3, postgres_database.url, ["--smtp-url", smtp.url, "--webhook-secret", WEBHOOK_SECRET,
                                                   "--delivery-max-backoff", "1"])
    pool = pool_on(nodes[0])
    client = pool.client()
    users = [(unique("mail"), unique_email()) for _ in range(30)]

    def sign_up(i: int) -> None:
        name, address = users[i]
        nodes[i % 3].cognito.sign_up(ClientId=client.id, Username=name, Password=PASSWORD,
                                     UserAttributes=[{"Name": "email", "Value": address}])

    with ThreadPoolExecutor(max_workers=6) as ex:
        list(ex.map(sign_up, range(len(users))))
    # Done when every message arrived and the outbox is empty: a sent message leaves the table,
    # so nothing is left that any node could send again.
    deadline = time.monotonic() + 30
    while True:
        arrived = all(smtp.mailbox.to(address) for _, address in users)
        left = postgres_database.rows("SELECT id, state, attempts FROM outbox")
        if arrived and not left:
            break
        assert time.monotonic() < deadline, f"still waiting: arrived={arrived}, outbox={left}"
        time.sleep(0.1)
    counts = {address: len(smtp.mailbox.to(address)) for _, address in users}
    assert set(counts.values()) == {1}, {a: c for a, c in counts.items() if c != 1}
    # The mailed codes confirm the users, on other nodes than the ones that queued them.
    for i, (name, address) in enumerate(users[:3]):
        [mail] = smtp.mailbox.to(address)
        nodes[(i + 1) % 3].cognito.confirm_sign_up(ClientId=client.id, Username=name, ConfirmationCode=code_in(mail))
        assert nodes[(i + 2) % 3].cognito.admin_get_user(UserPoolId=pool.id, Username=name)["UserStatus"] == "CONFIRMED"

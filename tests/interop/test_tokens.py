"""JWTs, JWKS and OIDC discovery (contract §5), verified with PyJWT against the server's JWKS."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
import requests

from interop_helpers import UUID_RE, expect_error, jwt_segments, unique, unique_email

ACCESS_SCOPE = "aws.cognito.signin.user.admin"
REQUIRED = ["exp", "iat", "iss", "sub", "jti"]


def _verify_id(jwks, token, client_id, issuer):
    key = jwks.get_signing_key_from_jwt(token).key
    return jwt.decode(token, key, algorithms=["RS256"], audience=client_id, issuer=issuer,
                      options={"require": REQUIRED + ["aud"]})


def _verify_access(jwks, token, issuer):
    key = jwks.get_signing_key_from_jwt(token).key
    # No `audience`: PyJWT then rejects a token that carries `aud`, which access tokens must not.
    return jwt.decode(token, key, algorithms=["RS256"], issuer=issuer, options={"require": REQUIRED})


@pytest.fixture
def token_pool(make_pool):
    return make_pool(Schema=[
        {"Name": "tier", "AttributeDataType": "String", "Mutable": True},
        {"Name": "level", "AttributeDataType": "Number", "Mutable": True},
    ])


@pytest.fixture
def signed_in(cognito, token_pool, endpoint, jwks_for):
    """A confirmed user with email (verified via the sign-up code), nickname and custom attributes."""
    c = token_pool.client()
    name, email = unique("tok"), unique_email()
    c.sign_up(name, email=email, attrs={"nickname": "Nick", "custom:tier": "gold", "custom:level": "5"})
    c.confirm(name)
    before = int(time.time())
    ar = c.login(name)
    after = int(time.time())
    iss = f"{endpoint}/{token_pool.id}"
    jwks = jwks_for(token_pool.id)
    return {
        "pool": token_pool, "client": c, "name": name, "email": email, "ar": ar, "iss": iss, "jwks": jwks,
        "before": before, "after": after,
        "id": _verify_id(jwks, ar["IdToken"], c.id, iss),
        "access": _verify_access(jwks, ar["AccessToken"], iss),
    }


def test_jwks_document(endpoint, pool):
    r = requests.get(f"{endpoint}/{pool.id}/.well-known/jwks.json", timeout=10)
    assert r.status_code == 200
    keys = r.json()["keys"]
    assert len(keys) >= 2, "one key per token type"
    kids = [k["kid"] for k in keys]
    assert len(set(kids)) == len(kids)
    for k in keys:
        assert k["kty"] == "RSA"
        assert k["alg"] == "RS256"
        assert k["use"] == "sig"
        assert k["e"] == "AQAB"
        n = base64.urlsafe_b64decode(k["n"] + "=" * (-len(k["n"]) % 4))
        assert len(n) * 8 >= 2048, "2048-bit keys"
        assert "d" not in k and "p" not in k, "private key material in the JWKS!"


def test_id_token_claims(signed_in):
    s = signed_in
    idt = s["id"]
    assert UUID_RE.match(idt["sub"])
    assert idt["token_use"] == "id"
    assert idt["aud"] == s["client"].id
    assert idt["iss"] == s["iss"]
    assert idt["cognito:username"] == s["name"]
    assert idt["email"] == s["email"]
    assert idt["email_verified"] is True
    assert idt["nickname"] == "Nick"
    assert idt["custom:tier"] == "gold"
    assert idt["custom:level"] == "5", "custom attributes are always strings"
    for claim in ("auth_time", "iat", "exp"):
        assert isinstance(idt[claim], int), f"{claim} must be an integer"
    assert s["before"] - 5 <= idt["auth_time"] <= s["after"] + 5
    assert s["before"] - 5 <= idt["iat"] <= s["after"] + 5
    assert idt["exp"] - idt["iat"] == 3600
    for claim in ("jti", "origin_jti", "event_id"):
        assert UUID_RE.match(idt[claim]), f"{claim}={idt.get(claim)!r}"
    assert "cognito:groups" not in idt, "no groups claim when the user is in no group"
    assert "client_id" not in idt and "scope" not in idt


def test_access_token_claims(signed_in):
    s = signed_in
    at = s["access"]
    assert "aud" not in at
    assert at["token_use"] == "access"
    assert at["client_id"] == s["client"].id
    assert at["scope"] == ACCESS_SCOPE
    assert at["username"] == s["name"]
    assert at["sub"] == s["id"]["sub"]
    assert at["iss"] == s["iss"]
    assert at["exp"] - at["iat"] == 3600
    assert "email" not in at and "cognito:username" not in at
    assert "cognito:groups" not in at


def test_pair_shares_event_and_origin_but_not_jti(signed_in):
    idt, at = signed_in["id"], signed_in["access"]
    assert idt["event_id"] == at["event_id"]
    assert idt["origin_jti"] == at["origin_jti"]
    assert idt["auth_time"] == at["auth_time"]
    assert idt["jti"] != at["jti"]


def test_new_sign_in_gets_new_ids(signed_in):
    s = signed_in
    ar2 = s["client"].login(s["name"])
    id2 = _verify_id(s["jwks"], ar2["IdToken"], s["client"].id, s["iss"])
    at2 = _verify_access(s["jwks"], ar2["AccessToken"], s["iss"])
    assert len({s["id"]["jti"], s["access"]["jti"], id2["jti"], at2["jti"]}) == 4
    assert id2["event_id"] != s["id"]["event_id"]
    assert id2["origin_jti"] != s["id"]["origin_jti"]


def test_refreshed_tokens(signed_in):
    s = signed_in
    time.sleep(1.1)  # so a new iat is distinguishable from auth_time
    ar = s["client"].refresh(s["ar"]["RefreshToken"])["AuthenticationResult"]
    idt = _verify_id(s["jwks"], ar["IdToken"], s["client"].id, s["iss"])
    at = _verify_access(s["jwks"], ar["AccessToken"], s["iss"])
    assert idt["auth_time"] == s["id"]["auth_time"], "auth_time is the original sign-in time"
    assert at["auth_time"] == s["access"]["auth_time"]
    assert idt["origin_jti"] == s["id"]["origin_jti"], "origin_jti is constant for the refresh-token family"
    assert at["origin_jti"] == s["access"]["origin_jti"]
    assert idt["jti"] != s["id"]["jti"] and at["jti"] != s["access"]["jti"]
    assert idt["iat"] > s["id"]["auth_time"]
    assert idt["event_id"] == at["event_id"]
    assert idt["sub"] == s["id"]["sub"]


def test_id_and_access_tokens_use_different_keys(signed_in, endpoint):
    s = signed_in
    h_id, _ = jwt_segments(s["ar"]["IdToken"])
    h_at, _ = jwt_segments(s["ar"]["AccessToken"])
    assert h_id["alg"] == "RS256" and h_at["alg"] == "RS256"
    assert h_id["kid"] != h_at["kid"]
    kids = {k["kid"] for k in requests.get(f"{endpoint}/{s['pool'].id}/.well-known/jwks.json", timeout=10).json()["keys"]}
    assert {h_id["kid"], h_at["kid"]} <= kids


def test_jwt_header_has_only_kid_and_alg(signed_in):
    for tok in (signed_in["ar"]["IdToken"], signed_in["ar"]["AccessToken"]):
        header, _ = jwt_segments(tok)
        assert set(header) == {"kid", "alg"}, header


def test_groups_claim(cognito, signed_in):
    s = signed_in
    pid = s["pool"].id
    for g in ("admins", "readers"):
        cognito.create_group(UserPoolId=pid, GroupName=g)
        cognito.admin_add_user_to_group(UserPoolId=pid, Username=s["name"], GroupName=g)
    ar = s["client"].login(s["name"])
    idt = _verify_id(s["jwks"], ar["IdToken"], s["client"].id, s["iss"])
    at = _verify_access(s["jwks"], ar["AccessToken"], s["iss"])
    assert sorted(idt["cognito:groups"]) == ["admins", "readers"]
    assert sorted(at["cognito:groups"]) == ["admins", "readers"]


def test_email_verified_false_is_boolean(cognito, token_pool, endpoint, jwks_for):
    c = token_pool.client()
    token_pool.create_user("ev", email=unique_email(), email_verified=False)
    ar = c.login("ev")
    iss = f"{endpoint}/{token_pool.id}"
    idt = _verify_id(jwks_for(token_pool.id), ar["IdToken"], c.id, iss)
    assert idt["email_verified"] is False


def test_read_attributes_limit_id_token(cognito, token_pool, endpoint, jwks_for):
    c = token_pool.client(ReadAttributes=["email"])
    token_pool.create_user("ra", email=unique_email(), attrs={"nickname": "Nick", "custom:tier": "gold"})
    ar = c.login("ra")
    idt = _verify_id(jwks_for(token_pool.id), ar["IdToken"], c.id, f"{endpoint}/{token_pool.id}")
    assert "email" in idt
    assert "nickname" not in idt
    assert "custom:tier" not in idt
    assert UUID_RE.match(idt["sub"])
    assert idt["cognito:username"] == "ra"


def test_token_from_other_client_has_its_audience(cognito, token_pool, endpoint, jwks_for):
    c1, c2 = token_pool.client(), token_pool.client()
    token_pool.create_user("aud")
    tok = c1.login("aud")["IdToken"]
    jwks = jwks_for(token_pool.id)
    with pytest.raises(jwt.InvalidAudienceError):
        _verify_id(jwks, tok, c2.id, f"{endpoint}/{token_pool.id}")


def test_tampered_token_fails_verification_and_is_refused(cognito, signed_in):
    s = signed_in
    h, _, sig = s["ar"]["AccessToken"].split(".")
    claims = jwt_segments(s["ar"]["AccessToken"])[1]
    claims["username"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = f"{h}.{forged_payload}.{sig}"
    with pytest.raises(jwt.InvalidSignatureError):
        _verify_access(s["jwks"], forged, s["iss"])
    expect_error(cognito.get_user, "NotAuthorizedException", AccessToken=forged)


def test_id_token_is_not_an_access_token(cognito, signed_in):
    expect_error(cognito.get_user, "NotAuthorizedException", AccessToken=signed_in["ar"]["IdToken"])


def test_openid_configuration(endpoint, pool):
    r = requests.get(f"{endpoint}/{pool.id}/.well-known/openid-configuration", timeout=10)
    assert r.status_code == 200
    doc = r.json()
    iss = f"{endpoint}/{pool.id}"
    assert doc["issuer"] == iss
    assert doc["jwks_uri"] == f"{iss}/.well-known/jwks.json"
    assert "RS256" in doc["id_token_signing_alg_values_supported"]
    # the advertised jwks_uri is live
    assert requests.get(doc["jwks_uri"], timeout=10).json()["keys"]


def test_well_known_for_unknown_pool(endpoint):
    for doc in ("jwks.json", "openid-configuration"):
        r = requests.get(f"{endpoint}/us-east-1_000000000/.well-known/{doc}", timeout=10)
        assert r.status_code >= 400, f"{doc} for a pool that does not exist -> HTTP {r.status_code}"

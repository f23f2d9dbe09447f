#!/usr/bin/env python3
"""Regenerates srp-vectors.json: Cognito SRP test vectors for CognateCryptoTests.

Every vector is computed twice and the two must agree:
  * server side: independent integer arithmetic written here from the contract
    (shared/reference/cognito-contract.md section 3), with Python's pow();
  * client side: pycognito's AWSSRP (pip install pycognito==2024.5.1), the reference client,
    fed fixed a, b, salt and clock.
The first vector is the contract's worked example and is also checked against every value the
contract prints. The others are chosen (by a deterministic search over b or a) to hit the
padHex and HKDF edge cases.

Run from anywhere: python3 make_srp_vectors.py  (writes srp-vectors.json beside this file)
"""

import base64
import datetime
import hashlib
import hmac
import json
import os

from pycognito import aws_srp
from pycognito.aws_srp import AWSSRP

# --- the group, derived from its definition rather than copied -------------------------------


def pi_scaled(bits):
    """floor(pi * 2**bits) via Machin's formula in fixed point, with guard bits."""
    guard = 64
    one = 1 << (bits + guard)

    def arctan_inv(x):
        total, term, n, sign = 0, one // x, 1, 1
        x2 = x * x
        while term:
            total += sign * (term // n)
            term //= x2
            n += 2
            sign = -sign
        return total

    pi = 4 * (4 * arctan_inv(5) - arctan_inv(239))
    return pi >> guard


# RFC 3526 section 4: p = 2^3072 - 2^3008 - 1 + 2^64 * { [2^2942 pi] + 1690314 }
N = 2**3072 - 2**3008 - 1 + 2**64 * (pi_scaled(2942) + 1690314)
G = 2
assert N == int(aws_srp.N_HEX, 16), "N from its definition differs from pycognito's N_HEX"
N_BYTES = N.to_bytes(384, "big")
N_SHA256 = hashlib.sha256(N_BYTES).hexdigest()
assert N_SHA256 == "48cf8b092fbce4359d9871abf74f98e25b6163379eaa15cd9087e800c6d1c55c"


def pad_hex(n):
    """Contract padHex: minimal two's-complement hex of a non-negative integer."""
    h = format(n, "x")
    if len(h) % 2 == 1:
        return "0" + h
    if h[0] in "89abcdef":
        return "00" + h
    return h


def H(hex_string):
    return hashlib.sha256(bytes.fromhex(hex_string)).hexdigest()


def Hs(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


K_MULT = int(H(pad_hex(N) + pad_hex(G)), 16)
assert format(K_MULT, "064x") == "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def cognito_timestamp(dt):
    return (f"{WEEKDAYS[dt.weekday()]} {MONTHS[dt.month - 1]} {dt.day} "
            f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} UTC {dt.year}")


def server_side(pool_id, user_id, password, salt_hex, a, b, secret_block, timestamp):
    """The server's computation, per the contract, independent of pycognito."""
    pool_name = pool_id.split("_", 1)[1]
    salt = int(salt_hex, 16)
    x_hex = H(pad_hex(salt) + Hs(pool_name + user_id + ":" + password))
    x = int(x_hex, 16)
    v = pow(G, x, N)
    big_b = (K_MULT * v + pow(G, b, N)) % N
    assert big_b != 0
    big_a = pow(G, a, N)  # what the client sends; the server only sees it
    assert big_a % N != 0
    u_hex = H(pad_hex(big_a) + pad_hex(big_b))
    u = int(u_hex, 16)
    assert u != 0
    s = pow(big_a * pow(v, u, N), b, N)
    prk = hmac.new(bytes.fromhex(pad_hex(u)), bytes.fromhex(pad_hex(s)), hashlib.sha256).digest()
    key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
    msg = pool_name.encode() + user_id.encode() + secret_block + timestamp.encode()
    signature = hmac.new(key, msg, hashlib.sha256).digest()
    return dict(pool_name=pool_name, x_hex=x_hex, u_hex=u_hex, v=v, A=big_a, B=big_b, S=s, u=u,
                K=key, signature=signature)


class _FixedClock(datetime.datetime):
    fixed = None

    @classmethod
    def utcnow(cls):
        return cls.fixed


class _NoBoto:
    """AWSSRP wants a boto3 client; the challenge math never touches it."""


def pycognito_client(pool_id, login_name, user_id, password, salt_hex, a, big_b, secret_block_b64, when):
    srp = AWSSRP(username=login_name, password=password, pool_id=pool_id, client_id="vectorclient",
                 client=_NoBoto())
    srp.small_a_value = a
    srp.large_a_value = srp.calculate_a()
    _FixedClock.fixed = when
    real_datetime = aws_srp.datetime
    aws_srp.datetime = type("datetime_module", (), {"datetime": _FixedClock})
    try:
        challenge = {
            "SALT": salt_hex,
            "SRP_B": format(big_b, "x"),
            "SECRET_BLOCK": secret_block_b64,
            "USERNAME": user_id,
            "USER_ID_FOR_SRP": user_id,
        }
        auth_params = srp.get_auth_params()
        response = srp.process_challenge(challenge, auth_params)
        hkdf = srp.get_password_authentication_key(user_id, password, big_b, salt_hex)
    finally:
        aws_srp.datetime = real_datetime
    return dict(A=srp.large_a_value, srp_a=auth_params["SRP_A"], timestamp=response["TIMESTAMP"],
                signature=base64.b64decode(response["PASSWORD_CLAIM_SIGNATURE"]), K=hkdf)


def seeded(label):
    return int(hashlib.sha256(label.encode()).hexdigest(), 16)


def make_vector(name, purpose, pool_id, login_name, user_id, password, salt_hex, a, b, secret_block, when):
    secret_block_b64 = base64.b64encode(secret_block).decode()
    timestamp = cognito_timestamp(when)
    srv = server_side(pool_id, user_id, password, salt_hex, a, b, secret_block, timestamp)
    cli = pycognito_client(pool_id, login_name, user_id, password, salt_hex, a, srv["B"], secret_block_b64, when)
    assert cli["A"] == srv["A"]
    assert cli["timestamp"] == timestamp, (cli["timestamp"], timestamp)
    assert cli["K"] == srv["K"], f"{name}: pycognito's K differs from the server's"
    assert cli["signature"] == srv["signature"], f"{name}: pycognito's signature differs from the server's"
    large = {k: pad_hex(srv[k]) for k in ("v", "A", "B", "S")}
    return {
        "name": name,
        "purpose": purpose,
        "poolId": pool_id,
        "poolName": srv["pool_name"],
        "loginName": login_name,
        "userId": user_id,
        "password": password,
        "salt": salt_hex,
        "a": format(a, "x"),
        "b": format(b, "x"),
        "secretBlock": secret_block_b64,
        "timestamp": timestamp,
        "epochSeconds": int(when.replace(tzinfo=datetime.timezone.utc).timestamp()),
        "x": srv["x_hex"],
        "u": srv["u_hex"],
        "K": srv["K"].hex(),
        "signature": base64.b64encode(srv["signature"]).decode(),
        "srpA": cli["srp_a"],
        "v": large["v"],
        "A": large["A"],
        "B": large["B"],
        "S": large["S"],
        "sha256OfPadHex": {k: hashlib.sha256(large[k].encode()).hexdigest() for k in large},
    }


def search_b(label, predicate, **fixed):
    """The first b = SHA-256(label-i) whose server-side values satisfy predicate."""
    for i in range(100000):
        b = seeded(f"{label}-{i}")
        srv = server_side(fixed["pool_id"], fixed["user_id"], fixed["password"], fixed["salt_hex"],
                          fixed["a"], b, b"", "")
        if predicate(srv):
            return b
    raise RuntimeError(f"no b found for {label}")


def search_a(label, predicate):
    for i in range(100000):
        a = seeded(f"{label}-{i}")
        if predicate(pow(G, a, N)):
            return a
    raise RuntimeError(f"no a found for {label}")


def main():
    vectors = []

    # 1. The contract's worked example, checked against every value the contract prints.
    contract = make_vector(
        "contract-section-3",
        "the worked vector of cognito-contract.md section 3 (salt and A, B, u all need a 00 byte)",
        "us-east-1_ExAmPlE12", "alice@example.com", "f3a9c2d0-1b2c-4d5e-8f70-123456789abc", "P@ssw0rd!",
        "c3a1f09e5b7d2c4f6a8b0c1d2e3f4a5b", seeded("test-vector-small-a"), seeded("test-vector-small-b"),
        b"opaque-server-secret-block-0001", datetime.datetime(2026, 11, 3, 9, 5, 7))
    expected = {
        "x": "0245edeea40b8f84ee2239463c4bf4ec7e2fed57b355c315af9564a4db877c9a",
        "u": "db8b727930799b21e72f8380423963bb8db23e69d250d478c623a1894448ac42",
        "K": "c67a569459b2a2c37d8ef715784fc791",
        "signature": "08aJ1maDxb26AP9AeT/j62L/1ehagXPhxDrrgiHvmXA=",
        "timestamp": "Tue Nov 3 09:05:07 UTC 2026",
        "a": "692e0aff8cab994c89e56f6d297ac338d7f4d3f35a241dec8cdf58aabf43b159",
        "b": "2a2df2a8d702250a0881db6a7d4d80249fbf40ccc25d54de07c6f20929feaf63",
        "secretBlock": "b3BhcXVlLXNlcnZlci1zZWNyZXQtYmxvY2stMDAwMQ==",
    }
    for key, value in expected.items():
        assert contract[key] == value, (key, contract[key], value)
    assert Hs("ExAmPlE12f3a9c2d0-1b2c-4d5e-8f70-123456789abc:P@ssw0rd!") == \
        "e3ab957e40e7ecbd426a745d2cbc2ed86cc36bda6f25801c91a1e2e454bde70c"
    large = {
        "v": (768, "1e77cb187e299e76", "ceba74e11273beac", "05ab3604e6509f3d34b99881f606599981fcace5d62deab20470b590e260bb05"),
        "A": (770, "00bd1247db083b94", "230ae9840158d2a0", "2cc5a6fae9654cbeed2157e3580881ba56033ba3d31dd02b686d0b6aa586994a"),
        "B": (770, "00e388f1426be322", "f73ef2444b5734c0", "b3692b56223fdff067b44d1e694a896c66cc346cbd4094ae19fee722fe7114ea"),
        "S": (768, "18780e4ec70d18dd", "bfac7c8afac58534", "a1ae51b7d431e8e66a90f86d183e3178a37b16d0c5dc5287801c396617d2f5e5"),
    }
    for key, (length, head, tail, digest) in large.items():
        value = contract[key]
        assert (len(value), value[:16], value[-16:]) == (length, head, tail), key
        assert contract["sha256OfPadHex"][key] == digest, key
    assert contract["srpA"].startswith("bd1247db083b94bb") and len(contract["srpA"]) == 768
    vectors.append(contract)

    # 2. Non-ASCII username; salt whose top bit is set (padHex adds 00); A with an odd-length hex
    #    (padHex adds a single 0); B whose top nibble is >= 8 (padHex adds 00).
    pool, user, pw, salt = "eu-west-1_Abc123xyz", "zoë.müller-日本語-Ω", "Pässwörd-1", "8f01d2c3b4a5968778695a4b3c2d1e0f"
    a = search_a("cognate-vector-2-a", lambda big_a: len(format(big_a, "x")) % 2 == 1)
    b = search_b("cognate-vector-2-b", lambda s: format(s["B"], "x")[0] in "89abcdef" and len(format(s["B"], "x")) == 768,
                 pool_id=pool, user_id=user, password=pw, salt_hex=salt, a=a)
    vectors.append(make_vector(
        "non-ascii-username", "UTF-8 userId; salt top bit set; A has odd-length hex; B top nibble >= 8",
        pool, user, user, pw, salt, a, b, b"\x00\x01binary\xff\xfe" * 8,
        datetime.datetime(2026, 11, 21, 20, 45, 3)))

    # 3. Password with spaces, symbols and non-ASCII; salt with a leading zero nibble (no 00 added);
    #    B whose top nibble is < 8 and A whose top nibble is >= 8.
    pool, user = "ap-southeast-2_Zz9Yy8Xx7", "bob"
    pw = " p@ss w0rd!\t#$%^&*()_+-=[]{}|;':\",./<>?`~ é "
    salt = "07a1b2c3d4e5f60718293a4b5c6d7e8f"
    a = search_a("cognate-vector-3-a", lambda big_a: format(big_a, "x")[0] in "89abcdef" and len(format(big_a, "x")) == 768)
    b = search_b("cognate-vector-3-b", lambda s: format(s["B"], "x")[0] in "1234567" and len(format(s["B"], "x")) == 768,
                 pool_id=pool, user_id=user, password=pw, salt_hex=salt, a=a)
    vectors.append(make_vector(
        "password-symbols-spaces", "password with spaces/tab/symbols/non-ASCII; salt leading 0 nibble; B top nibble < 8",
        pool, "bob@example.com", user, pw, salt, a, b, b"secret-block-3", datetime.datetime(2032, 2, 29, 0, 0, 0)))

    # 4. UUID userId (email-as-username pools); u whose first byte is 00, so padHex(u) is 31 bytes
    #    and the HKDF key shrinks; a 15-byte salt (the stored 16 bytes began with 00).
    pool, user, pw = "us-west-2_UUIDpool1", "0b7e1c7a-54d1-4f3e-9a2b-6c1d2e3f4a5b", "correct horse battery staple"
    salt = "5e4d3c2b1a09f8e7d6c5b4a3928170"
    a = seeded("cognate-vector-4-a")
    b = search_b("cognate-vector-4-b", lambda s: s["u_hex"].startswith("00"),
                 pool_id=pool, user_id=user, password=pw, salt_hex=salt, a=a)
    vectors.append(make_vector(
        "uuid-user-id-short-u", "UUID userId; u has a leading zero byte; 15-byte salt",
        pool, "carol@example.com", user, pw, salt, a, b, bytes(range(256)) * 4,
        datetime.datetime(2027, 1, 1, 23, 59, 59)))

    # 5. S whose first byte is 00 (padHex(S) is shorter than |N|); 128-byte a as pycognito draws it.
    pool, user, pw = "us-east-1_ShortS001", "dave", "Secr3t!"
    salt = "e1d2c3b4a5968778695a4b3c2d1e0f10"
    a = seeded("cognate-vector-5-a") << 768 | seeded("cognate-vector-5-a2") << 512 | seeded("cognate-vector-5-a3")
    a %= N
    b = search_b("cognate-vector-5-b", lambda s: len(format(s["S"], "x")) <= 766,
                 pool_id=pool, user_id=user, password=pw, salt_hex=salt, a=a)
    vectors.append(make_vector(
        "short-premaster-secret", "S has a leading zero byte; long a",
        pool, user, user, pw, salt, a, b, b"s", datetime.datetime(2030, 7, 9, 4, 3, 2)))

    out = {
        "generator": "make_srp_vectors.py (server: independent pow() arithmetic; client: pycognito 2024.5.1 AWSSRP)",
        "N_hex": format(N, "x"),
        "N_sha256": N_SHA256,
        "g": "02",
        "k": format(K_MULT, "064x"),
        "vectors": vectors,
    }
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "srp-vectors.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2, ensure_ascii=False)
        f.write("\n")
    print(f"wrote {len(vectors)} vectors to {path}")


if __name__ == "__main__":
    main()

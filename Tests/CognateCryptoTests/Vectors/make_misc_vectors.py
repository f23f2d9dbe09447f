#!/usr/bin/env python3
"""Regenerates digest-vectors.json and timestamp-vectors.json for CognateCryptoTests.

Digests: published SHA-256 (FIPS 180-2) and HMAC-SHA256 (RFC 4231) answers plus the SECRET_HASH
example of cognito-contract.md section 4, each re-checked with hashlib/hmac before writing.
Timestamps: valid TIMESTAMPs formatted from Python datetime in UTC (English names, day not
zero-padded), and strings a Cognito server must refuse, each with the reason.
"""

import base64
import datetime
import hashlib
import hmac
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, value):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")


def digests():
    hmac_cases = [
        ("rfc4231-1", bytes([0x0B] * 20), b"Hi There",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        ("rfc4231-2", b"Jefe", b"what do ya want for nothing?",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        ("rfc4231-6-long-key", bytes([0xAA] * 131), b"Test Using Larger Than Block-Size Key - Hash Key First",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
    ]
    for name, key, data, mac in hmac_cases:
        assert hmac.new(key, data, hashlib.sha256).hexdigest() == mac, name
    sha_cases = [
        (b"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (b"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        (b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ]
    for data, digest in sha_cases:
        assert hashlib.sha256(data).hexdigest() == digest
    secret, username, client_id = "examplesecret0123456789abcdefghijklmnopqrstuvwxyz", "alice@example.com", "1example23456789"
    secret_hash = base64.b64encode(hmac.new(secret.encode(), (username + client_id).encode(), hashlib.sha256).digest()).decode()
    assert secret_hash == "yzUo7y62+konULO3Dv4gW0K8nFNzW7l32A58G0toTHY="
    write("digest-vectors.json", {
        "source": "SHA-256: FIPS 180-2 examples; HMAC-SHA256: RFC 4231 cases 1, 2, 6; secretHash: cognito-contract.md section 4",
        "sha256": [{"dataHex": d.hex(), "digest": h} for d, h in sha_cases],
        "hmacSHA256": [{"name": n, "keyHex": k.hex(), "dataHex": d.hex(), "mac": m} for n, k, d, m in hmac_cases],
        "secretHash": [{"username": username, "clientId": client_id, "clientSecret": secret, "secretHash": secret_hash}],
    })


WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def timestamps():
    def fmt(dt):
        return (f"{WEEKDAYS[dt.weekday()]} {MONTHS[dt.month - 1]} {dt.day} "
                f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d} UTC {dt.year}")

    valid = []
    for fields in [(2026, 11, 3, 9, 5, 7), (2026, 11, 21, 20, 45, 3), (1970, 1, 1, 0, 0, 0), (2000, 2, 29, 12, 0, 0),
                   (2032, 2, 29, 0, 0, 0), (2026, 12, 31, 23, 59, 59), (1999, 12, 31, 23, 59, 59),
                   (2100, 3, 1, 1, 2, 3), (2038, 1, 19, 3, 14, 8)]:
        dt = datetime.datetime(*fields, tzinfo=datetime.timezone.utc)
        valid.append({"text": fmt(dt), "epochSeconds": int(dt.timestamp())})
    invalid = [
        ("zero-padded day", "Tue Nov 03 09:05:07 UTC 2026"),
        ("wrong weekday", "Wed Nov 3 09:05:07 UTC 2026"),
        ("wrong weekday 2", "Fri Nov 21 20:45:03 UTC 2026"),
        ("lowercase weekday", "tue Nov 3 09:05:07 UTC 2026"),
        ("full month name", "Tue November 3 09:05:07 UTC 2026"),
        ("non-English month", "Tue Okt 3 09:05:07 UTC 2026"),
        ("double space", "Tue Nov  3 09:05:07 UTC 2026"),
        ("unpadded hour", "Tue Nov 3 9:05:07 UTC 2026"),
        ("other zone", "Tue Nov 3 09:05:07 GMT 2026"),
        ("two-digit year", "Tue Nov 3 09:05:07 UTC 26"),
        ("day 31 in November", "Tue Nov 31 09:05:07 UTC 2026"),
        ("Feb 29 in a common year", "Sun Feb 29 00:00:00 UTC 2026"),
        ("hour 24", "Tue Nov 3 24:00:00 UTC 2026"),
        ("second 60", "Tue Nov 3 09:05:60 UTC 2026"),
        ("trailing space", "Tue Nov 3 09:05:07 UTC 2026 "),
        ("leading space", " Tue Nov 3 09:05:07 UTC 2026"),
        ("day 0", "Tue Nov 0 09:05:07 UTC 2026"),
        ("non-ASCII digit", "Tue Nov \u0663 09:05:07 UTC 2026"),
        ("ISO 8601", "2026-11-03T09:05:07Z"),
        ("empty", ""),
    ]
    write("timestamp-vectors.json", {
        "source": "generated with Python datetime (UTC); format per cognito-contract.md section 3",
        "valid": valid,
        "invalid": [{"why": why, "text": text} for why, text in invalid],
    })


if __name__ == "__main__":
    digests()
    timestamps()
    print("wrote digest-vectors.json and timestamp-vectors.json")

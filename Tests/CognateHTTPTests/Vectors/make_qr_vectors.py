#!/usr/bin/env python3
"""Reference QR matrices for QRCode.swift, from python-qrcode 8.2 and segno 1.6.6.

  qr-vectors.json       the committed vectors (Tests/CognateHTTPTests/Vectors/qr-vectors.json)
  qr-vectors-full.json  dev only: every version 1-40 at every level, masks in turn
  qr-auto.json          dev only: automatic version and mask choices for random inputs, no matrices
  qr-capacity.json      dev only: python-qrcode's byte-mode capacity of every version at every level

`python3 gen_vectors.py [NAME...]` writes the named files only.

Each vector: text, level, version, mask, rows (row y as "0101...", 1 = dark, no quiet zone),
minVersion (the smallest version the reference picks for text+level), autoMask (the mask the
reference picks at that version).

The matrices come from python-qrcode, and segno must produce the same one. segno 1.6.6 adds eight
zero bits when the bit stream already ends on a codeword boundary (heuer/segno#148, open), against
ISO/IEC 18004:2015 7.4.10, which in byte mode is nearly always; it is patched below to add none.
autoMask is segno's choice (after that patch): segno scores finder-like patterns (N3) once each,
with the quiet zone counting as light, as QRCode.swift does; python-qrcode looks only inside the
symbol and scores a pattern with light on both sides twice. Its choice is kept in qr-auto.json as
qrcodeMask, for comparison only. One more segno slip: once a 1011101 scores, its N3 scan resumes
after it, so a second 1011101 overlapping it (starting 4 or 6 modules later) is never scored. That
changes the winning mask for about 1 input in 170; autoMask adds those patterns back
(segno_masks below), and qr-auto.json keeps segno's own pick as segnoMask.
"""
import json
import random

import qrcode
import qrcode.util
import segno
import segno.encoder

segno.encoder.write_padding_bits = lambda buff, version, length: buff.extend([0] * (-length % 8))

_unmasked = []
_find_and_apply_best_mask = segno.encoder.find_and_apply_best_mask


def _keep_unmasked(matrix, width, height, proposed_mask=None):
    _unmasked[:] = [[bytearray(r) for r in matrix]]
    return _find_and_apply_best_mask(matrix, width, height, proposed_mask)


segno.encoder.find_and_apply_best_mask = _keep_unmasked


def _finder_like(line, n, every):
    """1011101 runs with 4 light modules (or the edge) on one side; every=False skips as segno does."""
    count, i = 0, 0
    while i <= n - 7:
        if line[i:i + 7] == b"\x01\x00\x01\x01\x01\x00\x01":
            if not any(line[max(i - 4, 0):i]) or not any(line[i + 7:i + 11]):
                count += 1
                i += 1 if every else 7
                continue
        i += 1
    return count


def segno_masks(data, level, version):
    """(segno's mask, the mask segno picks once its N3 scan scores overlapping patterns too)."""
    e = segno.encoder
    picked = segno.make_qr(data, error=level.lower(), version=version, mode="byte", boost_error=False).mask
    base = _unmasked[0]
    n = len(base)
    function = e.make_matrix(n, n)
    e.add_finder_patterns(function, n, n)
    e.add_alignment_patterns(function, n, n)
    function[-8][8] = 1
    scores = []
    for mask_function in e.get_data_mask_functions(False):
        m = [bytearray(r) for r in base]
        e.apply_mask(m, mask_function, n, n, lambda i, j: function[i][j] > 1)
        lines = m + [bytearray(m[y][x] for y in range(n)) for x in range(n)]
        missed = sum(_finder_like(line, n, True) - _finder_like(line, n, False) for line in lines)
        scores.append(e.evaluate_mask(m, n, n) + 40 * missed)
    return picked, scores.index(min(scores))

LEVELS = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
          "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}


def qrcode_make(data, level, version=None, mask=None):
    q = qrcode.QRCode(version=version, error_correction=LEVELS[level], border=0, mask_pattern=mask)
    q.add_data(qrcode.util.QRData(data, mode=qrcode.util.MODE_8BIT_BYTE))
    q.make(fit=version is None)
    return q


def rows_of(matrix):
    return ["".join("1" if b else "0" for b in row) for row in matrix]


def vector(text, level, version=None, mask=None):
    data = text.encode("utf-8")
    min_version = qrcode_make(data, level).version
    auto_segno = segno.make_qr(data, error=level.lower(), mode="byte", boost_error=False)
    assert auto_segno.version == min_version, (text, level)
    v = version or min_version
    auto_mask = segno_masks(data, level, v)[1]
    m = auto_mask if mask is None else mask
    ref = qrcode_make(data, level, v, m)
    rows = rows_of(ref.modules)
    seg = segno.make_qr(data, error=level.lower(), version=v, mask=m, mode="byte", boost_error=False)
    assert rows_of(seg.matrix) == rows, ("segno and python-qrcode differ", text, level, v, m)
    return {"text": text, "level": level, "version": v, "mask": m, "rows": rows,
            "minVersion": min_version, "autoMask": auto_mask}


def capacity(version, level):
    """Bytes that fit, per python-qrcode (the most that still picks this version or a smaller one)."""
    lo, hi = 0, 3000
    while lo < hi:
        mid = (lo + hi + 1) // 2
        q = qrcode.QRCode(error_correction=LEVELS[level])
        q.add_data(qrcode.util.QRData(b"a" * mid, mode=qrcode.util.MODE_8BIT_BYTE))
        try:
            fits = q.best_fit() <= version
        except ValueError:  # more than version 40 holds
            fits = False
        if fits:
            lo = mid
        else:
            hi = mid - 1
    return lo


OTPAUTH = ("otpauth://totp/Cognate:alice%40example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
           "JBSWY3DPEHPK3PXPJBSWY3D&issuer=Cognate")


def committed():
    rnd = random.Random(18004)
    ascii_text = lambda n: "".join(rnd.choice("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.:/?=&%") for _ in range(n))
    cases = [
        ("A", "L", None, None),
        ("Hello, Cognate!", "M", None, None),
        ("hello world", "M", 1, 7),
        (OTPAUTH, "M", None, None),
        (OTPAUTH, "L", None, None),
        (OTPAUTH, "Q", None, 3),
        (OTPAUTH, "H", None, None),
        (OTPAUTH, "H", 12, 5),
        ("otpauth://totp/Cognate:b%C3%A9a?secret=JBSWY3DPEHPK3PXP&issuer=Cognate&algorithm=SHA1&digits=6&period=30", "M", None, 0),
        ("Café crème — sign in to Cognate 🔐✨", "Q", None, None),
        ("é🙂", "H", None, 6),
        ("14 bytes at M!", "M", None, None),       # exactly version 1-M's 14 bytes
        ("15 bytes at M!!", "M", None, None),      # one more: version 2
        (ascii_text(capacity(9, "L")), "L", None, None),       # last version with an 8-bit count
        (ascii_text(capacity(9, "L") + 1), "L", None, None),   # first with a 16-bit count (version 10)
        (ascii_text(capacity(6, "Q") + 1), "Q", None, None),   # first with version information (7)
        (ascii_text(capacity(7, "H") - 5), "H", 7, 1),
        (ascii_text(capacity(7, "Q") - 20), "Q", 8, 2),  # a version above the smallest
        (ascii_text(capacity(13, "M")), "M", 13, 4),
        (ascii_text(capacity(14, "L") - 3), "L", 14, 6),
        (ascii_text(capacity(20, "H")), "H", None, None),
        (ascii_text(capacity(27, "Q") - 9), "Q", 27, 7),
        (ascii_text(capacity(32, "M") - 30), "M", 32, 0),           # the irregular alignment spacing of Table E.1
        (ascii_text(capacity(40, "L")), "L", None, None),      # the largest symbol, full
    ]
    return [vector(*c) for c in cases]


def full():
    rnd = random.Random(40)
    out = []
    for v in range(1, 41):
        for i, level in enumerate("LMQH"):
            lo = capacity(v - 1, level) + 1 if v > 1 else 1
            n = rnd.randint(lo, capacity(v, level))
            text = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz0123456789 .,:/?") for _ in range(n))
            out.append(vector(text, level, None, (v + i) % 8))
    return out


def random_text(rnd, max_bytes):
    alphabet = ["abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ./:?=&%-_", "éèàüßñç", "€—“”", "🙂🔐✨🚀", "日本語中文한국어"]
    while True:
        n = rnd.randint(1, max_bytes)
        s = "".join(rnd.choice(rnd.choice(alphabet[:1] * 6 + alphabet[1:])) for _ in range(n))
        s = s.encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
        if s:
            return s


def auto(count=1000):
    rnd = random.Random(7)
    out = []
    for _ in range(count):
        level = rnd.choice("LMQH")
        text = random_text(rnd, 300)
        data = text.encode("utf-8")
        q = qrcode_make(data, level)
        s = segno.make_qr(data, error=level.lower(), mode="byte", boost_error=False)
        assert s.version == q.version
        qm = qrcode_make(data, level, q.version)
        picked, fixed = segno_masks(data, level, q.version)
        assert picked == s.mask
        out.append({"text": text, "level": level, "minVersion": q.version, "autoMask": fixed,
                    "segnoMask": picked, "qrcodeMask": qm.best_mask_pattern()})
    return out


def capacities():
    return {level: [capacity(v, level) for v in range(1, 41)] for level in "LMQH"}


if __name__ == "__main__":
    import sys
    outputs = [("qr-vectors.json", committed), ("qr-vectors-full.json", full), ("qr-auto.json", auto),
               ("qr-capacity.json", capacities)]
    for name, make in outputs:
        if len(sys.argv) > 1 and name not in sys.argv[1:]:
            continue
        vectors = make()
        with open(name, "w", encoding="utf-8") as f:
            if name == "qr-vectors.json":  # a row per line, so the file shows each symbol
                json.dump(vectors, f, ensure_ascii=False, indent=1)
            else:
                json.dump(vectors, f, ensure_ascii=False, separators=(",", ":"))
            f.write("\n")
        print(name, len(vectors))

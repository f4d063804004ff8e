"""17TRACK webhook signatures: sha256(body + "/" + key) in the ``sign`` header."""

from __future__ import annotations

import hashlib
from pathlib import Path

from carriers.seventeentrack import verify_push

BODY = (
    Path(__file__).resolve().parents[2] / "fixtures" / "carriers" / "17track" / "push-tracking-stopped.json"
).read_bytes()
KEY = "SIM17TRACKSECURITYKEY0123456789AB"


def test_a_body_signed_with_the_key_verifies_whatever_the_header_case() -> None:
    sign = hashlib.sha256(BODY + b"/" + KEY.encode()).hexdigest()
    assert verify_push({"sign": sign}, BODY, KEY)
    assert verify_push({"Sign": sign.upper()}, BODY, KEY)


def test_a_changed_body_a_wrong_key_or_no_header_does_not_verify() -> None:
    sign = hashlib.sha256(BODY + b"/" + KEY.encode()).hexdigest()
    assert not verify_push({"sign": sign}, BODY.replace(b"STOPPED", b"UPDATED"), KEY)
    assert not verify_push({"sign": sign}, BODY, "other")
    assert not verify_push({"sign": sign}, BODY, "")
    assert not verify_push({}, BODY, KEY)

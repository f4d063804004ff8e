"""AfterShip webhook signatures: base64 HMAC-SHA256 of the body in ``aftership-hmac-sha256``."""

from __future__ import annotations

import base64
import hashlib
import hmac
from pathlib import Path

from carriers.aftership import SPEC, verify_push

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "carriers" / "aftership"
BODY = (FIXTURES / "webhook-v4-ems-osaka-shanghai-customs-hold.json").read_bytes()
SECRET = "sim-webhook-secret-7d1e"


def _signature(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_a_signed_webhook_verifies_and_parses() -> None:
    assert verify_push({"aftership-hmac-sha256": _signature(BODY, SECRET)}, BODY, SECRET)
    assert verify_push({"Aftership-Hmac-Sha256": _signature(BODY, SECRET)}, BODY, SECRET)
    assert SPEC.parse(BODY).shipments[0].events[-1].milestone == "customs_held"


def test_a_changed_body_a_wrong_secret_or_no_header_does_not_verify() -> None:
    good = {"aftership-hmac-sha256": _signature(BODY, SECRET)}
    assert not verify_push(good, BODY.replace(b"Exception_004", b"Delivered_001"), SECRET)
    assert not verify_push(good, BODY, "other")
    assert not verify_push(good, BODY, "")
    assert not verify_push({}, BODY, SECRET)

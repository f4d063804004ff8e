"""Cainiao LINK digests: base64(MD5(logistics_interface + secret)) in ``data_digest``."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlencode

from carriers.cainiao import verify_push

SECRET = "sim-link-secret"
CONTENT = '{"mailNo":"LP00712345678901","action":"GTMS_SIGNED"}'


def _body(content: str, digest: str) -> bytes:
    fields = {"logistic_provider_id": "SIM", "msg_type": "SIM_MSG", "logistics_interface": content}
    return urlencode({**fields, "data_digest": digest}).encode()


def test_a_digested_body_verifies() -> None:
    digest = base64.b64encode(hashlib.md5((CONTENT + SECRET).encode()).digest()).decode()
    assert verify_push({}, _body(CONTENT, digest), SECRET)


def test_a_changed_content_a_wrong_secret_or_a_hex_digest_does_not_verify() -> None:
    digest = base64.b64encode(hashlib.md5((CONTENT + SECRET).encode()).digest()).decode()
    assert not verify_push({}, _body(CONTENT.replace("SIGNED", "DO_DEPART"), digest), SECRET)
    assert not verify_push({}, _body(CONTENT, digest), "other")
    assert not verify_push({}, _body(CONTENT, digest), "")
    assert not verify_push({}, _body(CONTENT, hashlib.md5((CONTENT + SECRET).encode()).hexdigest()), SECRET)

"""Kuaidi100 push signatures: MD5(param + salt), upper-case, in the form."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from carriers.kuaidi100 import verify_push
from carriers.kuaidi100.push import sign

PUSH = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "carriers"
    / "kuaidi100"
    / "push-ems-tokyo-shanghai-handover-yunda.txt"
)
SALT = "sim-salt-3f9c2a71d04e4b6c8e15a9d2"


def test_the_fixture_push_verifies_with_its_salt() -> None:
    assert verify_push({}, PUSH.read_bytes(), SALT)


def test_a_wrong_salt_an_empty_salt_or_a_changed_param_does_not_verify() -> None:
    body = PUSH.read_bytes()
    assert not verify_push({}, body, "another-salt")
    assert not verify_push({}, body, "")
    assert not verify_push({}, body.replace(b"EB582073164JP", b"EB582073164JQ"), SALT)


def test_a_lower_case_sign_is_accepted_and_missing_fields_are_not() -> None:
    param = '{"status":"polling"}'
    assert verify_push({}, urlencode({"param": param, "sign": sign(param, SALT).lower()}).encode(), SALT)
    assert not verify_push({}, urlencode({"param": param}).encode(), SALT)
    assert not verify_push({}, b"\xff\xfe", SALT)
    assert not verify_push({}, urlencode([("param", param), ("param", param), ("sign", "x")]).encode(), SALT)

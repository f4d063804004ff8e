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


def test_a_field_the_signature_does_not_cover_is_refused() -> None:
    """Only ``param`` is signed: padding (issue 10, class 9) must not ride along with a valid signature."""
    body = PUSH.read_bytes()
    assert not verify_push({}, body + b"&pad=" + b"x" * 1000, SALT)
    assert not verify_push({}, b"pad=1&" + body, SALT)


def test_the_signed_content_is_the_same_however_the_form_is_encoded() -> None:
    from urllib.parse import parse_qs, quote

    from carriers.kuaidi100.push import signed_content

    fields = {k: v[0] for k, v in parse_qs(PUSH.read_text("utf-8")).items()}
    reordered = urlencode({"sign": fields["sign"], "param": fields["param"]}).encode()
    percent_spaces = ("param=" + quote(fields["param"], safe="") + "&sign=" + fields["sign"]).encode()
    assert verify_push({}, reordered, SALT) and verify_push({}, percent_spaces, SALT)
    assert signed_content(reordered) == signed_content(percent_spaces) == signed_content(PUSH.read_bytes())
    assert signed_content(PUSH.read_bytes() + b"&pad=1") is None

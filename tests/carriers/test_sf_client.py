"""The SF route query client against the simulator: the signed form, the envelope back, refusals."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from urllib.parse import parse_qs, quote_plus

import pytest
import requests

from carriers._fetch import CarrierGuards, CarrierUnavailable, FetchPolicy
from carriers.sf import SPEC
from carriers.sf.client import SfClient, msg_digest, route_query
from carriers.simulator import parse_fault
from tests.carriers.support import FIXTURES, FakeClock, Sim

SF_DIR = FIXTURES / "carriers" / "sf"
WAYBILL = "SF1420073985519"
NOW = datetime(2026, 3, 21, 2, 30, tzinfo=UTC)
pytestmark = pytest.mark.usefixtures("clean_sim")


def _client(base: str, session: requests.Session | None = None) -> SfClient:
    policy = FetchPolicy(carrier="sf", rate_per_second=5.0, burst=2, total_deadline=5, backoff_jitter=0)
    clock = FakeClock(NOW)
    guards = CarrierGuards.for_policy(policy, clock)
    return SfClient(
        base + "/std/service", "PARTNER01", "checkword-123", policy, session,
        guards=guards, clock=clock, request_id=lambda: "req-1",
    )  # fmt: skip


def test_the_signature_is_base64_md5_of_the_url_encoded_message_time_and_check_word() -> None:
    data = route_query(WAYBILL)
    digest = hashlib.md5(quote_plus(data + "1774060200000" + "checkword-123").encode()).digest()
    assert msg_digest(data, "1774060200000", "checkword-123") == base64.b64encode(digest).decode()
    assert msg_digest('{"a":"深圳 市"}', "1", "k") != msg_digest('{"a":"深圳+市"}', "1", "k")


def test_fetch_posts_the_signed_form_and_returns_the_envelope_byte_for_byte(
    sim: Sim,
) -> None:
    app, base = sim
    seen: list[requests.PreparedRequest] = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: seen.append(r.request))
    body = _client(base, session).fetch(f" {WAYBILL} ")
    assert body == (SF_DIR / "intl-tokyo-guangzhou-delivered.json").read_bytes()
    assert SPEC.parse(body).shipments[0].tracking_number == WAYBILL
    assert app.requests == [("POST", "/std/service")]
    raw = seen[0].body
    form = {k: v[0] for k, v in parse_qs(raw if isinstance(raw, str) else (raw or b"").decode()).items()}
    assert form["partnerID"] == "PARTNER01" and form["requestID"] == "req-1"
    assert form["serviceCode"] == "EXP_RECE_SEARCH_ROUTES"
    assert form["timestamp"] == str(int(NOW.timestamp() * 1000))
    assert form["msgData"] == route_query(WAYBILL)
    assert form["msgDigest"] == msg_digest(form["msgData"], form["timestamp"], "checkword-123")
    assert "checkword-123" not in str(raw)


def test_an_unknown_waybill_is_a_not_found_answer(sim: Sim) -> None:
    _, base = sim
    assert [e.code for e in SPEC.parse(_client(base).fetch("SF9999999999999")).errors] == ["not_found"]


def test_the_read_is_retried_then_raises(sim: Sim) -> None:
    app, base = sim
    app.faults.add(parse_fault("status=503"), path="/std/service", times=5)
    with pytest.raises(CarrierUnavailable):
        _client(base).fetch(WAYBILL)
    assert len(app.requests) == 3


@pytest.mark.parametrize(
    ("waybill", "tail"), [("", None), ("SF14", None), ("SF1420073985519!", None), (WAYBILL, "12a4")]
)
def test_malformed_input_is_refused_before_any_request(sim: Sim, waybill: str, tail: str | None) -> None:
    app, base = sim
    with pytest.raises(ValueError):
        _client(base).fetch(waybill, tail)
    assert app.requests == []


def test_the_phone_tail_goes_into_the_message() -> None:
    assert '"checkPhoneNo":"5678"' in route_query(WAYBILL, "5678")


def test_credentials_are_required_and_the_check_word_is_never_printed() -> None:
    with pytest.raises(ValueError):
        SfClient("http://127.0.0.1:1", "PARTNER01", "")
    assert "checkword-123" not in repr(SfClient("http://127.0.0.1:1", "PARTNER01", "checkword-123"))

"""The Kuaidi100 live client against the simulator: the signed form it sends, what it returns."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qs

import pytest
import requests

from carriers._fetch import CarrierGuards, FetchPolicy
from carriers.kuaidi100 import SPEC
from carriers.kuaidi100.client import KUAIDI100_POLICY, Kuaidi100Client, query_sign
from tests.carriers.support import FIXTURES, FakeClock, Sim

K100_DIR = FIXTURES / "carriers" / "kuaidi100"
NUMBER = "EB204817360JP"


def _client(base: str, session: requests.Session | None = None) -> Kuaidi100Client:
    policy = FetchPolicy(
        carrier="kuaidi100", rate_per_second=5.0, burst=5, total_deadline=5, backoff_jitter=0
    )
    clock = FakeClock()
    guards = CarrierGuards.for_policy(policy, clock)
    return Kuaidi100Client(base, "SIMCUSTOMER", "sim-key", policy, session, guards=guards, clock=clock)


def test_the_query_sign_is_md5_of_param_key_customer_upper_case() -> None:
    expected = hashlib.md5(b'{"com":"ems"}' + b"KEY" + b"CUST").hexdigest().upper()
    assert query_sign('{"com":"ems"}', "KEY", "CUST") == expected
    assert expected.isupper() and len(expected) == 32


def test_fetch_posts_the_signed_form_and_returns_the_raw_answer(sim: Sim) -> None:
    app, base = sim
    sent: list[str | bytes | None] = []
    session = requests.Session()
    session.hooks["response"].append(lambda r, *a, **k: sent.append(r.request.body))
    body = _client(base, session).fetch("ems", f" {NUMBER} ")
    assert body == (K100_DIR / "query-ems-tokyo-hangzhou-delivered.json").read_bytes()
    assert app.requests[-1] == ("POST", "/poll/query.do")
    raw = sent[-1]
    text = raw.decode() if isinstance(raw, bytes) else str(raw)
    form = {k: v[0] for k, v in parse_qs(text).items()}
    assert json.loads(form["param"]) == {
        "com": "ems",
        "num": NUMBER,
        "resultv2": "4",
        "show": "0",
        "order": "desc",
    }
    assert form["customer"] == "SIMCUSTOMER"
    assert form["sign"] == query_sign(form["param"], "sim-key", "SIMCUSTOMER")


def test_an_unknown_number_returns_kuaidi100s_refusal(sim: Sim) -> None:
    _, base = sim
    result = SPEC.parse(_client(base).fetch("ems", "EB000000000JP"))
    assert [e.code for e in result.errors] == ["not_found"]


@pytest.mark.parametrize(
    ("com", "number"), [("EMS", NUMBER), ("ems", "12345"), ("ems", "x/../y"), ("", NUMBER)]
)
def test_bad_codes_and_numbers_are_refused_before_any_request(com: str, number: str) -> None:
    with pytest.raises(ValueError):
        _client("http://127.0.0.1:1").fetch(com, number)


def test_credentials_are_required_and_the_policy_is_named() -> None:
    with pytest.raises(ValueError):
        Kuaidi100Client("http://127.0.0.1:1", "", "key")
    assert KUAIDI100_POLICY.carrier == "kuaidi100"

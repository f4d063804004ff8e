"""Compensation is exact: computed in the test from the bundle, every formula line in formula order."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from tests.support import assert_valid_verdict, bundle
from trace_verify.services.verification import VerificationService

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _money(obj: dict[str, Any], key: str) -> Decimal:
    return Decimal(obj.get(key, "0"))


def _verify(service: VerificationService, obj: dict[str, Any], now: datetime = NOW) -> dict[str, Any]:
    verdict = service.verify_json(obj, now)
    assert_valid_verdict(verdict)
    return verdict


def test_ods_compensation_formula(service: VerificationService) -> None:
    obj = bundle("mainland-fraud")
    verdict = _verify(service, obj)
    assert verdict["verdict"] == "not_met"
    complaint = verdict["complaint"]
    assert complaint["decision"] == "upheld"
    order = obj["order"]
    amount = _money(order, "amount_paid")
    other = sum((Decimal(c["amount"]) for c in order.get("other_costs", [])), Decimal(0))
    delivery, returns = _money(order, "buyer_delivery_cost"), _money(order, "return_shipping_cost")
    lines = complaint["compensation"]["lines"]
    assert [line["kind"] for line in lines] == [
        "refund",
        "other_costs",
        "extra_compensation",
        "logistics_costs",
    ]
    assert [Decimal(line["amount"]) for line in lines] == [amount, other, amount, delivery + returns]
    total = Decimal(complaint["compensation"]["total"])
    assert total == 2 * amount + other + delivery + returns
    assert complaint["compensation"]["total"] == f"{total:.2f}"
    assert complaint["compensation"]["currency"] == "CNY"


def test_ods_absent_money_fields_count_as_zero(service: VerificationService) -> None:
    obj = bundle("mainland-fraud")
    for key in ("buyer_delivery_cost", "return_shipping_cost", "other_costs"):
        del obj["order"][key]
    comp = _verify(service, obj)["complaint"]["compensation"]
    assert [line["amount"] for line in comp["lines"]] == ["389.50", "0.00", "389.50", "0.00"]
    assert comp["total"] == "779.00"


def test_ggg_compensation_formula(service: VerificationService) -> None:
    obj = bundle("ggg-upheld")
    complaint = _verify(service, obj)["complaint"]
    assert complaint == {
        "type": "genuine_goods",
        "decision": "upheld",
        "compensation": complaint["compensation"],
    }
    amount, delivery = _money(obj["order"], "amount_paid"), _money(obj["order"], "buyer_delivery_cost")
    lines = complaint["compensation"]["lines"]
    assert [line["kind"] for line in lines] == ["refund", "compensation", "delivery"]
    assert [Decimal(line["amount"]) for line in lines] == [amount, 4 * amount, delivery]
    assert Decimal(complaint["compensation"]["total"]) == 5 * amount + delivery


def test_zero_decimal_currency_keeps_whole_units(service: VerificationService) -> None:
    obj = bundle("ggg-upheld")
    obj["order"].update(currency="JPY", amount_paid="12800", buyer_delivery_cost="900")
    comp = _verify(service, obj)["complaint"]["compensation"]
    assert comp["total"] == str(5 * 12800 + 900)
    assert comp["lines"][1]["amount"] == "51200"


def _ggg_with_times(completed: str | None, filed: str) -> dict[str, Any]:
    obj = copy.deepcopy(bundle("ggg-upheld"))
    obj["order"]["completed_at"] = completed
    obj["complaint"]["filed_at"] = filed
    return obj


# completed 2026-01-01 23:59:59 in Shanghai: the window's last day is 2026-04-01 (Shanghai).
WINDOW_CASES = [
    ("day-90-last-second", "2026-01-01T15:59:59Z", "2026-04-01T15:59:59Z", "upheld"),
    ("day-91-first-second", "2026-01-01T15:59:59Z", "2026-04-01T16:00:00Z", "rejected"),
    # 16:00Z is already the next calendar day in Shanghai: the window moves with it.
    ("completed-after-shanghai-midnight", "2026-01-01T16:00:00Z", "2026-04-02T15:59:59Z", "upheld"),
    ("utc-day-90-but-shanghai-day-91", "2026-01-01T10:00:00Z", "2026-04-01T17:00:00Z", "rejected"),
    ("not-completed-is-in-time", None, "2027-01-01T00:00:00Z", "upheld"),
]


@pytest.mark.parametrize(
    ("case", "completed", "filed", "decision"), WINDOW_CASES, ids=[c[0] for c in WINDOW_CASES]
)
def test_ggg_window_in_shanghai_calendar_days(
    service: VerificationService, case: str, completed: str | None, filed: str, decision: str
) -> None:
    verdict = _verify(service, _ggg_with_times(completed, filed), now=datetime(2027, 1, 2, tzinfo=UTC))
    assert verdict["complaint"]["decision"] == decision
    expired = "GGG_WINDOW_EXPIRED" in [f["code"] for f in verdict["findings"]]
    assert expired == (decision == "rejected")


def test_ggg_without_accepted_certificate_goes_to_manual_review(service: VerificationService) -> None:
    obj = bundle("ggg-upheld")
    obj["complaint"]["certificate"]["issuer_type"] = "other"
    verdict = _verify(service, obj)
    assert verdict["complaint"] == {
        "type": "genuine_goods",
        "decision": "manual_review",
        "compensation": None,
    }
    assert "GGG_CERTIFICATE_MISSING" in [f["code"] for f in verdict["findings"]]
    assert verdict["verdict"] == "met"  # complaint findings never change the verdict

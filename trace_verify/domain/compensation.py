"""Compensation formulas in exact decimals (rules.md §1 ODS compensation, §2 GGG).

Every line is listed, in formula order, even when it is zero, so a person can re-add the total.
"""

from __future__ import annotations

from decimal import Decimal

from trace_verify.domain.bundle import Order
from trace_verify.domain.money import ZERO, round_money
from trace_verify.domain.policy import Policy
from trace_verify.domain.verdict import Compensation, CompensationLine


def _compensation(order: Order, lines: list[CompensationLine]) -> Compensation:
    unit = order.minor_unit
    rounded = tuple(CompensationLine(line.kind, round_money(line.amount, unit)) for line in lines)
    total = sum((line.amount for line in rounded), ZERO)
    return Compensation(order.currency, rounded, round_money(total, unit), unit)


def ods_compensation(order: Order, policy: Policy) -> Compensation:
    """Refund, other costs, a further amount equal to the price, and all logistics costs."""
    other: Decimal = sum((cost.amount for cost in order.other_costs), ZERO)
    return _compensation(
        order,
        [
            CompensationLine("refund", order.amount_paid),
            CompensationLine("other_costs", other),
            CompensationLine("extra_compensation", order.amount_paid * policy.ods_extra_multiplier),
            CompensationLine("logistics_costs", order.buyer_delivery_cost + order.return_shipping_cost),
        ],
    )


def ggg_compensation(order: Order, policy: Policy) -> Compensation:
    """Refund one, compensate four, plus the delivery costs the buyer bore."""
    return _compensation(
        order,
        [
            CompensationLine("refund", order.amount_paid),
            CompensationLine("compensation", order.amount_paid * policy.ggg_compensation_multiplier),
            CompensationLine("delivery", order.buyer_delivery_cost),
        ],
    )

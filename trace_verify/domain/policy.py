"""Versioned policy settings (rules.md §7): every verdict names the policy it was decided under."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Policy:
    """The tunable numbers of the platform rules, with the values of rules.md as defaults."""

    version: str = "2026.11-seed"
    #: ODS: compensation equal to the amount paid, on top of the refund (rules.md §1, compensation).
    ods_extra_multiplier: Decimal = Decimal(1)
    #: GGG: "refund 1, compensate 4".
    ggg_compensation_multiplier: Decimal = Decimal(4)
    ggg_window_days: int = 90
    ggg_window_timezone: str = "Asia/Shanghai"
    accepted_certificate_issuers: frozenset[str] = frozenset(
        {"right_owner", "judicial_authority", "enforcement_authority"}
    )
    #: TIMELINE_IMPOSSIBLE: faster than this between consecutive events of a chain.
    max_speed_kmh: float = 1000.0
    #: Moves shorter than this are not speed-checked.
    min_checked_distance_km: float = 100.0
    #: The time between two events is taken as at least this.
    min_interval: timedelta = timedelta(minutes=10)
    #: An ``assumed_utc`` time supports a time-based blocker only with this margin.
    assumed_utc_margin: timedelta = timedelta(hours=14)
    #: Earliest plausible year of a customs declaration number.
    first_declaration_year: int = 2000


DEFAULT_POLICY = Policy()

#: Named policies; configuration selects one by version.
POLICIES: dict[str, Policy] = {DEFAULT_POLICY.version: DEFAULT_POLICY}


def policy_named(version: str) -> Policy:
    """The policy with this version; raises KeyError for an unknown one."""
    return POLICIES[version]

"""The service's clock, and the one place a caller's ``now`` is read.

Windows (GGG's 90 days), plausible years and key expiry are computed against an instant. The command
line (``--now``), the API (``?now=``) and the demo page (a bundle's ``$now``) may fix it; otherwise it
is the current UTC time. Reading it here, once, keeps the rule (RFC 3339 *with an offset*, never a
naive time) and its refusal the same everywhere; tests give a fixed clock instead of patching time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from trace_verify.contract.schemas import INSTANT_RULE, rfc3339_or_none
from trace_verify.errors import InvalidInput


def utc_now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC)


class Clock:
    """The current instant, or the one the caller fixed."""

    def __init__(self, source: Callable[[], datetime] = utc_now) -> None:
        self._source = source

    def now(self) -> datetime:
        """The current instant (timezone-aware)."""
        return self._source()

    def at(self, text: str | None) -> datetime:
        """``text`` read as ``now`` (RFC 3339 with an offset) when given, else :meth:`now`.

        Raises ``INVALID_ARGUMENT`` at ``/now`` for anything else (the command line names it ``--now``).
        """
        if text is None:
            return self.now()
        moment = rfc3339_or_none(text)
        if moment is None:
            raise InvalidInput("INVALID_ARGUMENT", f"now must be {INSTANT_RULE}", "/now")
        return moment

"""Polling a carrier at most once per tracking number per carrier interval, whoever polls.

Every poll of a carrier (the scheduled refresh, a complaint's check and re-check, a re-verification)
first *claims* the number in ``carrier_polls``: one conditional upsert, so of any number of service
instances and workers polling at once exactly one wins, and a number polled less than its carrier's
``min_poll_interval`` ago (Kuaidi100 locks a number polled more often than every 30 minutes) is not
polled again. The claim is in the database rather than in Redis: it is one atomic statement on SQLite
(the embedded default, one file lock) and on PostgreSQL (several instances) alike, so one mechanism is
tested everywhere; it survives a Redis restart or eviction (an expired ``SET NX EX`` key would let a
number be polled again and locked); and the scheduler needs each number's last poll in the database
anyway to find what is due.

A poll the carrier did not answer (timeout, 5xx, breaker open: no document) releases its claim at
once, so an outage does not hold a complaint's evidence back for a whole interval: a caller with its
own back-off (a complaint's re-checks, a user's re-verification) may try again when it retries, while
the schedule waits :data:`RETRY_AFTER_FAILURE` before it hands the number out again (the carrier's
breaker and rate limits bound the calls either way). An answered poll (even a carrier's "not found")
holds the number for the whole interval, and so does a poll still running.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from trace_verify.db.models import CarrierPoll
from trace_verify.db.session import Database
from trace_verify.domain.numbers import normalize_number
from trace_verify.services.ports import CarrierPorts, TrackingClient
from trace_verify.services.refresh import Fetched, Wanted, refresh

#: ``carrier_polls.outcome`` of a poll the carrier answered.
ANSWERED: Final = "ok"
#: Why a held number has no answer yet when its last poll is still running.
RUNNING: Final = "another poll of it is running"
#: The schedule hands a number whose last poll got no answer out again this long after it.
RETRY_AFTER_FAILURE: Final = timedelta(minutes=1)
_OUTCOME_LENGTH: Final = 64


def due_clause(
    interval: timedelta, now: datetime, retry_after: timedelta = timedelta(0)
) -> sa.ColumnElement[bool]:
    """A ``carrier_polls`` row whose number may be polled again at ``now``: its interval is over, or
    its last poll got no answer more than ``retry_after`` ago."""
    return sa.or_(
        CarrierPoll.polled_at <= now - interval,
        sa.and_(
            CarrierPoll.outcome.is_not(None),
            CarrierPoll.outcome != ANSWERED,
            CarrierPoll.polled_at <= now - retry_after,
        ),
    )


@dataclass(frozen=True, slots=True)
class Held:
    """A number not polled now because it was polled within its carrier's interval."""

    wanted: Wanted
    #: Why that last poll gave nothing (yet: it may still be running), or None when it was answered.
    failure: str | None


class Polls:
    """Claims and records polls in ``carrier_polls``."""

    def __init__(self, db: Database, ports: CarrierPorts) -> None:
        self.db = db
        self.ports = ports

    def claim(self, carrier: str, number: str, now: datetime) -> bool:
        """True when this caller may poll ``number`` at ``carrier`` now (the claim is committed)."""
        key = normalize_number(number)
        with self.db.transaction() as session:
            insert: Any = (postgresql if self.db.dialect == "postgresql" else sqlite).insert(CarrierPoll)
            statement = insert.values(carrier=carrier, tracking_key=key, polled_at=now).on_conflict_do_update(
                index_elements=["carrier", "tracking_key"],
                set_={"polled_at": now, "outcome": None},
                where=due_clause(self.ports.poll_interval(carrier), now),
            )
            # RETURNING, not rowcount: a row comes back only when the insert or the update happened.
            return session.execute(statement.returning(CarrierPoll.polled_at)).first() is not None

    def record(self, fetched: Iterable[tuple[Wanted, Fetched]]) -> None:
        """Store each claimed poll's outcome: answered, or why not."""
        rows = [
            {
                "c": w.carrier,
                "k": normalize_number(w.tracking_number),
                "o": ANSWERED if f.content is not None else (f.failure or "failed")[:_OUTCOME_LENGTH],
            }
            for w, f in fetched
        ]
        if not rows:
            return
        statement = (
            sa.update(CarrierPoll)
            .where(CarrierPoll.carrier == sa.bindparam("c"), CarrierPoll.tracking_key == sa.bindparam("k"))
            .values(outcome=sa.bindparam("o"))
        )
        with self.db.transaction() as session:
            session.connection().execute(statement, rows)

    def last_failures(self, wanted: Iterable[Wanted]) -> dict[tuple[str, str], str]:
        """(carrier, key) → why its last poll gave nothing yet, for the numbers whose last poll failed
        or is still running (another caller's: its answer is not stored yet)."""
        keys = {(w.carrier, normalize_number(w.tracking_number)) for w in wanted}
        if not keys:
            return {}
        with self.db.transaction() as session:
            rows = session.execute(
                sa.select(CarrierPoll.carrier, CarrierPoll.tracking_key, CarrierPoll.outcome).where(
                    sa.tuple_(CarrierPoll.carrier, CarrierPoll.tracking_key).in_(sorted(keys))
                )
            ).all()
        return {(c, k): o or RUNNING for c, k, o in rows if o != ANSWERED}

    def refresh(
        self,
        clients: Mapping[str, TrackingClient],
        wanted: list[Wanted],
        budget_seconds: float,
        now: datetime,
    ) -> tuple[list[Fetched], list[Held]]:
        """Poll every wanted number this caller can claim, within ``budget_seconds``; the rest is held.

        Only numbers whose carrier has a live client are claimed (the others are not polled at all).
        """
        live = [w for w in wanted if w.carrier in clients]
        claimed = [w for w in live if self.claim(w.carrier, w.tracking_number, now)]
        held_back = [w for w in live if w not in claimed]
        fetched = refresh(dict(clients), claimed, budget_seconds)
        by_index = {w.index: w for w in claimed}
        self.record((by_index[f.index], f) for f in fetched)
        failures = self.last_failures(held_back)
        held = [Held(w, failures.get((w.carrier, normalize_number(w.tracking_number)))) for w in held_back]
        return fetched, held


def held_failures(held: Iterable[Held]) -> list[Fetched]:
    """Held numbers whose last poll failed or is still running, as failed refreshes: the verdict must not
    read the stored evidence as the carrier's latest word when the carrier has not answered (it says
    CARRIER_UNAVAILABLE, and a complaint waits for a re-check)."""
    return [
        Fetched(h.wanted.index, h.wanted.carrier, None, f"no answer yet: {h.failure}")
        for h in held
        if h.failure is not None
    ]

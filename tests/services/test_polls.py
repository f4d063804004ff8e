"""The poll claim: a number is polled at most once per its carrier's interval, by anyone, on both backends."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from carriers import REGISTRY
from carriers.spec import DEFAULT_MIN_POLL_INTERVAL
from trace_verify.config import Settings
from trace_verify.db.session import Database
from trace_verify.services.polls import RETRY_AFTER_FAILURE, RUNNING, Polls
from trace_verify.services.ports import CarrierPorts
from trace_verify.services.refresh import Fetched, Wanted
from trace_verify.startup import carrier_ports

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _polls(database: Database) -> Polls:
    return Polls(database, carrier_ports(Settings()))


def test_the_manifest_gives_every_carrier_an_interval_and_kuaidi100_its_documented_30_minutes() -> None:
    ports = carrier_ports(Settings())
    assert ports.poll_interval("kuaidi100") == timedelta(minutes=30)
    for spec in REGISTRY.all():
        assert ports.poll_interval(spec.id) == spec.min_poll_interval >= timedelta(minutes=1)
    assert timedelta(minutes=30) == DEFAULT_MIN_POLL_INTERVAL


def test_a_number_is_claimed_once_per_interval(database: Database) -> None:
    polls = _polls(database)
    assert polls.claim("kuaidi100", "eb582073164jp", T0)
    assert not polls.claim("kuaidi100", "EB582073164JP", T0 + timedelta(minutes=29, seconds=59))
    assert polls.claim("kuaidi100", "EB582073164JP", T0 + timedelta(minutes=30))
    assert polls.claim("dhl", "EB582073164JP", T0), "another carrier's poll of the same number is its own"


def test_of_many_concurrent_claims_exactly_one_wins(database: Database) -> None:
    polls = _polls(database)
    with ThreadPoolExecutor(8) as pool:
        won = list(pool.map(lambda _: polls.claim("kuaidi100", "SF1234567890", T0), range(16)))
    assert won.count(True) == 1


def test_a_failed_poll_releases_its_number_an_answered_one_holds_it(database: Database) -> None:
    polls = _polls(database)
    failed, answered = Wanted(0, "dhl", "FAILED1"), Wanted(1, "dhl", "ANSWERED1")
    assert polls.claim("dhl", failed.tracking_number, T0) and polls.claim("dhl", answered.tracking_number, T0)
    polls.record([(failed, Fetched(0, "dhl", None, "carrier_error")), (answered, Fetched(1, "dhl", b"{}"))])
    assert polls.last_failures([failed, answered]) == {("dhl", "FAILED1"): "carrier_error"}
    # a caller with its own back-off (a complaint's re-check) may try the failed one again
    assert polls.claim("dhl", failed.tracking_number, T0 + timedelta(seconds=1))
    assert not polls.claim("dhl", failed.tracking_number, T0 + timedelta(seconds=2)), "that retry is running"
    assert not polls.claim("dhl", answered.tracking_number, T0 + timedelta(minutes=29))
    assert timedelta(minutes=1) == RETRY_AFTER_FAILURE  # what the schedule waits (test_background_jobs)


def test_a_poll_still_running_holds_its_number(database: Database) -> None:
    polls = Polls(database, CarrierPorts(REGISTRY, poll_intervals={"ups": timedelta(minutes=5)}))
    assert polls.claim("ups", "1Z999AA10123456784", T0)
    # No outcome recorded yet (a worker is polling, or died polling): held for the whole interval.
    assert not polls.claim("ups", "1Z999AA10123456784", T0 + timedelta(minutes=4))
    assert polls.last_failures([Wanted(0, "ups", "1Z999AA10123456784")]) == {
        ("ups", "1Z999AA10123456784"): RUNNING
    }, "a complaint must not read the stored evidence as the carrier's latest word meanwhile"
    assert polls.claim("ups", "1Z999AA10123456784", T0 + timedelta(minutes=5))

"""The idempotency store on both databases: claim, replay, reuse with another request, in flight,
a crashed claim taken over after 60 s, release, retention."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trace_verify.db.session import Database
from trace_verify.errors import Conflict, InvalidInput, Unprocessable
from trace_verify.services.idempotency import Claim, DatabaseIdempotency, Replay, check_key, request_hash

T0 = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
SAME = request_hash("POST", "/api/v1/x?", b'{"a": 1}')
OTHER = request_hash("POST", "/api/v1/x?", b'{"a": 2}')


def test_the_first_answer_is_replayed_and_another_request_is_refused(database: Database) -> None:
    store = DatabaseIdempotency(database)
    claim = store.begin("key-a", "K", SAME, T0)
    assert isinstance(claim, Claim)
    store.finish(claim, 201, '{"id": 1}\n')
    assert store.begin("key-a", "K", SAME, T0 + timedelta(hours=23)) == Replay(201, '{"id": 1}\n')
    with pytest.raises(Unprocessable) as reused:
        store.begin("key-a", "K", OTHER, T0)
    assert reused.value.code == "IDEMPOTENCY_KEY_REUSED"
    assert isinstance(store.begin("key-b", "K", OTHER, T0), Claim), "keys are scoped to the API key"


def test_a_running_request_holds_its_key_until_its_claim_expires(database: Database) -> None:
    store = DatabaseIdempotency(database)
    first = store.begin("key-a", "K", SAME, T0)
    assert isinstance(first, Claim)
    with pytest.raises(Conflict) as in_flight:
        store.begin("key-a", "K", SAME, T0 + timedelta(seconds=59))
    assert in_flight.value.code == "IDEMPOTENCY_IN_FLIGHT"
    taken_over = store.begin("key-a", "K", SAME, T0 + timedelta(seconds=61))
    assert isinstance(taken_over, Claim) and taken_over.row_id == first.row_id


def test_a_released_claim_leaves_the_key_free_for_another_request(database: Database) -> None:
    store = DatabaseIdempotency(database)
    claim = store.begin("key-a", "K", SAME, T0)
    assert isinstance(claim, Claim)
    store.release(claim)
    assert isinstance(store.begin("key-a", "K", OTHER, T0), Claim)


def test_keys_are_kept_a_day_and_purged_later(database: Database) -> None:
    store = DatabaseIdempotency(database)
    claim = store.begin("key-a", "K", SAME, T0)
    assert isinstance(claim, Claim)
    store.finish(claim, 201, "{}")
    assert store.purge(T0 + timedelta(hours=24)) == 0
    assert store.purge(T0 + timedelta(hours=49)) == 1


def test_key_format() -> None:
    assert check_key("0f8fad5b-d9cb-469f-a165-70867728950e")
    for bad in ("", "x" * 256, "with space", "nul\x00"):
        with pytest.raises(InvalidInput):
            check_key(bad)

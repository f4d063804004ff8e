"""Migration 0002: rows stored before evidence sources existed get the conservative reading (rules.md §8).

Fetched by a refresh → ``carrier_api``; brought by a verified push → ``carrier_push``; everything else
(submitted events and documents, events read from submitted documents, shipments, customs) →
``merchant``: no row says which key stored it, so none is trusted more than a merchant's word.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.db.support import BACKENDS, sqlite_url, throwaway_postgres
from trace_verify.db import migrate

AT = "2026-03-01 00:00:00+00:00"


@pytest.fixture(params=BACKENDS)
def url_at_0001(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of each backend at revision 0001 holding one order of every kind of evidence."""
    if request.param == "postgres":
        for url in throwaway_postgres():  # dropped when the test is done
            yield _seeded(url)
    else:
        yield _seeded(sqlite_url(tmp_path))


def _seeded(url: str) -> str:
    migrate.upgrade(url, "0001")
    engine = sa.create_engine(url)
    rows = {
        "merchants": [{"id": "M", "name": "M", "created_at": AT, "updated_at": AT}],
        "orders": [{"id": "O", "merchant_id": "M", "placed_at": AT, "data": "{}", "created_at": AT}],
        "shipments": [
            {
                "id": 1,
                "order_id": "O",
                "position": 0,
                "carrier": "dhl",
                "tracking_number": "1",
                "tracking_key": "1",
                "created_at": AT,
            }
        ],
        "carrier_documents": [
            {
                "id": i,
                "shipment_id": 1,
                "carrier": "dhl",
                "origin": origin,
                "content": b"x" * i,
                "sha256": str(i),
                "size": i,
                "received_at": AT,
            }
            for i, origin in ((1, "submitted"), (2, "refresh"), (3, "push"))
        ],
        "tracking_events": [
            {
                "id": i,
                "shipment_id": 1,
                "key": str(i),
                "origin": origin,
                "occurred_at": AT,
                "milestone": "in_transit",
                "data": "{}",
                "created_at": AT,
            }
            for i, origin in ((1, "submitted"), (2, "document"), (3, "refresh"), (4, "push"))
        ],
        "customs_declarations": [{"id": 1, "order_id": "O", "position": 0, "data": "{}", "created_at": AT}],
    }
    with engine.begin() as conn:
        for table, values in rows.items():
            columns = ", ".join(values[0])
            params = ", ".join(f":{c}" for c in values[0])
            conn.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({params})"), values)
    engine.dispose()
    return url


def _sources(url: str, table: str) -> dict[int, str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return dict(conn.execute(sa.text(f"SELECT id, source FROM {table} ORDER BY id")).all())
    finally:
        engine.dispose()


def test_existing_rows_get_the_conservative_source(url_at_0001: str) -> None:
    migrate.upgrade(url_at_0001, "0002_evidence_sources")
    assert _sources(url_at_0001, "carrier_documents") == {1: "merchant", 2: "carrier_api", 3: "carrier_push"}
    assert _sources(url_at_0001, "tracking_events") == {
        1: "merchant",
        2: "merchant",
        3: "carrier_api",
        4: "carrier_push",
    }
    assert _sources(url_at_0001, "shipments") == {1: "merchant"}
    assert _sources(url_at_0001, "customs_declarations") == {1: "merchant"}
    engine = sa.create_engine(url_at_0001)
    try:
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(sa.text("UPDATE shipments SET source = 'carrier' WHERE id = 1"))
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(sa.text("UPDATE shipments SET source = NULL WHERE id = 1"))
    finally:
        engine.dispose()
    migrate.downgrade(url_at_0001, "0001")
    engine = sa.create_engine(url_at_0001)
    try:
        columns = {c["name"] for c in sa.inspect(engine).get_columns("tracking_events")}
    finally:
        engine.dispose()
    assert "source" not in columns

"""Reading a bulk validation upload: JSON Lines (a bundle a line) or CSV (an event a row).

Both readers stream: they hold one line (JSON Lines) or one order's rows (CSV) at a time, and yield
``(line number, bundle bytes or ServiceError)`` items for the verify engine, numbered by the line the
bundle starts on so a results row points at the user's own file.

CSV: the columns of :data:`CSV_COLUMNS`, a header first; one event a row; the rows of one order are
consecutive, so an order is complete when the next row names another order (constant memory). The
order's and shipment's columns are read from the order's first row (and a shipment's first row); a row
whose event columns are all empty adds the shipment without an event, so the stored events are used.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Final

from trace_verify.errors import InvalidInput, ServiceError, TooLarge

#: Formats an upload may have, by media type.
MEDIA_TYPES: Final = {"application/x-ndjson": "jsonl", "application/jsonl": "jsonl", "text/csv": "csv"}

ORDER_COLUMNS: Final = (
    "order_id",
    "merchant_id",
    "consumer_id",
    "placed_at",
    "promise",
    "claimed_path",
    "amount_paid",
    "currency",
    "destination_country",
    "destination_region",
    "destination_city",
    "destination_postal_code",
)
SHIPMENT_COLUMNS: Final = (
    "carrier",
    "tracking_number",
    "declared_origin_country",
    "dispatch_bonded_zone",
    "dispatch_facility",
)
EVENT_COLUMNS: Final = (
    "event_occurred_at",
    "event_local_offset_minutes",
    "event_time_basis",
    "event_milestone",
    "event_country",
    "event_region",
    "event_city",
    "event_facility",
    "event_code",
    "event_description",
)
#: Every column a CSV upload may have, in the documented order (README, "Bulk pre-validation").
CSV_COLUMNS: Final = (*ORDER_COLUMNS, *SHIPMENT_COLUMNS, *EVENT_COLUMNS)
#: Columns every CSV upload must have.
REQUIRED_COLUMNS: Final = (
    "order_id",
    "merchant_id",
    "placed_at",
    "amount_paid",
    "currency",
    "destination_country",
    "carrier",
    "tracking_number",
)
#: Rows one order may span (an order is held in memory while its rows are read).
MAX_ROWS_PER_ORDER: Final = 10_000
#: Bytes of one line or field, beyond which the line is reported as too large.
MAX_LINE_BYTES: Final = 16 * 1024 * 1024

Item = tuple[int, bytes | ServiceError]


def jsonl_items(path: Path, limit: int = MAX_LINE_BYTES) -> Iterator[Item]:
    """Each line of a JSON Lines file, numbered from 1; an oversized line becomes an error."""
    with open(path, "rb") as handle:
        number = 0
        while True:
            line = handle.readline(limit + 1)
            if not line:
                return
            number += 1
            if len(line) > limit and not line.endswith(b"\n"):
                while line and not line.endswith(b"\n"):
                    line = handle.readline(limit)
                yield number, TooLarge("BODY_TOO_LARGE", f"line longer than {limit} bytes")
                continue
            yield number, line


def check_csv_header(header: list[str]) -> None:
    """Refuse a header with unknown, repeated or missing columns (the whole upload is refused)."""
    known = set(CSV_COLUMNS)
    for name in header:
        if name not in known:
            raise InvalidInput("UNKNOWN_FIELD", f"unknown CSV column {name[:40]!r}", f"/columns/{name[:40]}")
    if len(set(header)) != len(header):
        raise InvalidInput("INVALID_CSV", "a CSV column is repeated", "/columns")
    for name in REQUIRED_COLUMNS:
        if name not in header:
            raise InvalidInput("MISSING_FIELD", f"the CSV has no {name} column", f"/columns/{name}")


def read_csv_header(first_line: bytes) -> list[str]:
    """The column names of a CSV upload's first line (checked)."""
    try:
        text = first_line.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("INVALID_CSV", "the CSV is not UTF-8 text", "/columns") from None
    rows = list(csv.reader(io.StringIO(text)))
    header = [name.strip() for name in rows[0]] if rows else []
    check_csv_header(header)
    return header


def csv_items(path: Path) -> Iterator[Item]:
    """One bundle per run of consecutive rows of one order, numbered by the run's first line."""
    with open(path, encoding="utf-8-sig", newline="", errors="strict") as handle:
        yield from _csv_groups(handle)


def _csv_groups(handle: IO[str]) -> Iterator[Item]:
    reader = csv.reader(handle)
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        return
    check_csv_header(header)
    group: _Order | None = None
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            if group is not None:
                yield group.item()
                group = None
            yield line, InvalidInput("INVALID_CSV", f"unreadable CSV row: {str(exc)[:80]}")
            continue
        except UnicodeDecodeError:  # the rest of the file cannot be read reliably: stop here
            if group is not None:
                yield group.item()
            yield line, InvalidInput("INVALID_CSV", "the CSV is not UTF-8 text from here on")
            return
        if not any(cell.strip() for cell in row):
            continue
        values = _row_values(header, row)
        if isinstance(values, ServiceError):
            if group is not None:
                yield group.item()
                group = None
            yield line, values
            continue
        if group is not None and group.order_id == values.get("order_id"):
            group.add(values)
            continue
        if group is not None:
            yield group.item()
        group = _Order(line, values)
    if group is not None:
        yield group.item()


def _row_values(header: list[str], row: list[str]) -> dict[str, str] | ServiceError:
    if len(row) != len(header):
        return InvalidInput("INVALID_CSV", f"row has {len(row)} cells, the header {len(header)}")
    return {name: cell.strip() for name, cell in zip(header, row, strict=True) if cell.strip()}


class _Order:
    """The rows of one order read so far, built into a bundle when the order ends."""

    def __init__(self, line: int, values: dict[str, str]) -> None:
        self.line = line
        self.order_id = values.get("order_id")
        self.first = values
        self.shipments: dict[tuple[str, str], dict[str, Any]] = {}
        self.rows = 0
        self.error: ServiceError | None = None
        self.add(values)

    def add(self, values: dict[str, str]) -> None:
        self.rows += 1
        if self.error is not None:
            return
        if self.rows > MAX_ROWS_PER_ORDER:
            self.error = InvalidInput(
                "ORDER_TOO_LARGE", f"an order spans more than {MAX_ROWS_PER_ORDER} rows"
            )
            self.shipments.clear()
            return
        key = (values.get("carrier", ""), values.get("tracking_number", ""))
        shipment = self.shipments.get(key)
        if shipment is None:
            shipment = self.shipments[key] = _shipment(values)
        try:
            event = _event(values, shipment, len(self.shipments) - 1)
        except ServiceError as exc:
            self.error = exc
            return
        if event is not None:
            shipment["events"].append(event)

    def item(self) -> Item:
        if self.error is not None:
            return self.line, self.error
        bundle = {"order": _order(self.first), "shipments": list(self.shipments.values())}
        return self.line, json.dumps(bundle, ensure_ascii=False, separators=(",", ":")).encode()


def _order(values: dict[str, str]) -> dict[str, Any]:
    order: dict[str, Any] = {"id": values["order_id"]} if "order_id" in values else {}
    for name in (
        "merchant_id",
        "consumer_id",
        "placed_at",
        "promise",
        "claimed_path",
        "amount_paid",
        "currency",
    ):
        if name in values:
            order[name] = values[name]
    destination = _prefixed(values, "destination_", ("country", "region", "city", "postal_code"))
    if destination:
        order["destination"] = destination
    return order


def _shipment(values: dict[str, str]) -> dict[str, Any]:
    shipment: dict[str, Any] = {
        name: values[name]
        for name in ("carrier", "tracking_number", "declared_origin_country")
        if name in values
    }
    dispatch = _prefixed(values, "dispatch_", ("bonded_zone", "facility"))
    if dispatch:
        shipment["dispatch"] = dispatch
    shipment["events"] = []
    return shipment


def _event(values: dict[str, str], shipment: dict[str, Any], index: int) -> dict[str, Any] | None:
    if not any(name in values for name in EVENT_COLUMNS):
        return None
    event: dict[str, Any] = {
        "carrier": shipment.get("carrier", ""),
        "tracking_number": shipment.get("tracking_number", ""),
    }
    for name in ("occurred_at", "time_basis", "milestone", "description"):
        if f"event_{name}" in values:
            event[name] = values[f"event_{name}"]
    event.setdefault("description", "")
    if "event_code" in values:
        event["carrier_code"] = values["event_code"]
    offset = values.get("event_local_offset_minutes")
    if offset is not None:
        try:
            event["local_offset_minutes"] = int(offset)
        except ValueError:
            pointer = f"/shipments/{index}/events/{len(shipment['events'])}/local_offset_minutes"
            raise InvalidInput(
                "INVALID_TYPE", "event_local_offset_minutes must be whole minutes", pointer
            ) from None
    event["location"] = _prefixed(values, "event_", ("country", "region", "city", "facility"))
    return event


def _prefixed(values: dict[str, str], prefix: str, names: tuple[str, ...]) -> dict[str, str]:
    return {name: values[prefix + name] for name in names if prefix + name in values}

"""One bad event does not sink a document (issue 11 §5): readable events are kept, what was dropped is a
parse warning with its pointer, and a document is refused only when nothing trustworthy is left."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from carriers.base import parse_result_to_json
from carriers.registry import REGISTRY
from trace_verify.domain.documents import DocumentRejected

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "carriers"


def test_usps_event_without_eventdate_is_dropped_with_a_warning() -> None:
    whole = REGISTRY.read(
        "usps", (FIXTURES / "usps" / "webtools-domestic-maumee-argyle-delivered.xml").read_bytes()
    )
    body = (FIXTURES / "usps" / "webtools-domestic-event-without-date.xml").read_bytes()
    result = REGISTRY.read("usps", body)
    [shipment] = result.shipments
    assert len(shipment.events) == len(whole.shipments[0].events) - 1
    assert "HANNA CITY" not in [e.location.city for e in shipment.events]
    assert shipment.events[-1].milestone == "delivered"
    out = parse_result_to_json(result)
    assert out["warnings"] == [
        {
            "pointer": "/TrackResponse/TrackInfo[1]/TrackDetail[3]/EventDate",
            "message": "event 3 has no EventDate; it was left out",
        }
    ]
    assert "warnings" not in parse_result_to_json(whole), "a whole document's output is unchanged"


def test_usps_document_with_no_dated_event_is_refused() -> None:
    body = (FIXTURES / "usps" / "webtools-domestic-maumee-argyle-delivered.xml").read_bytes()
    for day in (b"April 2, 2026", b"April 4, 2026", b"April 5, 2026", b"April 7, 2026"):
        body = body.replace(b"<EventDate>" + day + b"</EventDate>", b"")
    with pytest.raises(DocumentRejected) as caught:
        REGISTRY.read("usps", body)
    assert caught.value.code == "DOCUMENT_UNREADABLE"


def test_fedex_alerts_as_a_string_does_not_refuse_the_results() -> None:
    """FedEx's portal sample sends ``alerts`` as a string where its schema says array."""
    body = (FIXTURES / "fedex" / "ip-tokyo-shanghai-delivered-alerts-string.json").read_bytes()
    result = REGISTRY.read("fedex", body)
    whole = REGISTRY.read("fedex", (FIXTURES / "fedex" / "ip-tokyo-shanghai-delivered.json").read_bytes())
    assert result.shipments == whole.shipments
    assert [(w.pointer, w.message) for w in result.warnings] == [
        ("/output/alerts", "alerts is a string, not an array; read as text")
    ]


def test_fedex_string_alert_alone_is_the_carriers_message() -> None:
    doc = json.loads((FIXTURES / "fedex" / "ip-tokyo-shanghai-delivered-alerts-string.json").read_text())
    doc["output"]["completeTrackResults"] = []
    result = REGISTRY.read("fedex", json.dumps(doc).encode())
    assert result.shipments == ()
    assert [e.message for e in result.errors] == ["TRACKING.DATA.NOTFOUND -  Tracking data unavailable"]

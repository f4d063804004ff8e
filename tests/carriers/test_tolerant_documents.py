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


# --- the aggregators: an event without any time is left out, the rest is read --------------------------


def _drop_time(carrier: str, path: str) -> tuple[int, int, list[tuple[str, str]]]:
    """(events whole, events with one event's time removed, warnings) for one aggregator document."""
    body = (FIXTURES / path).read_text(encoding="utf-8")
    doc = json.loads(body)
    if carrier == "kuaidi100":
        for key in ("time", "ftime"):
            doc["data"][3].pop(key)
    elif carrier == "17track":
        event = doc["data"]["accepted"][0]["track_info"]["tracking"]["providers"][0]["events"][1]
        for key in ("time_iso", "time_utc", "time_raw"):
            event.pop(key)
    elif carrier == "cainiao":
        for key in ("time", "timeStr"):
            doc["module"][0]["detailList"][2].pop(key)
    else:
        doc["data"]["checkpoints"][1].pop("checkpoint_time")
    whole = REGISTRY.read(carrier, body.encode())
    result = REGISTRY.read(carrier, json.dumps(doc, ensure_ascii=False).encode())
    return (
        len(whole.shipments[0].events),
        len(result.shipments[0].events),
        [(w.pointer, w.message) for w in result.warnings],
    )


@pytest.mark.parametrize(
    ("carrier", "path", "pointer"),
    [
        ("kuaidi100", "kuaidi100/query-ems-sydney-hangzhou-delivered.json", "/data/3/ftime"),
        (
            "17track",
            "17track/gettrackinfo-dpost-frankfurt-hangzhou-delivered.json",
            "/data/accepted/0/track_info/tracking/providers/0/events/1/time_utc",
        ),
        ("cainiao", "cainiao/detail-incheon-hangzhou-yto-delivered.json", "/module/0/detailList/2/time"),
        (
            "aftership",
            "aftership/tracking-2024-10-dhl-tokyo-sf-hangzhou-delivered.json",
            "/data/checkpoints/1/checkpoint_time",
        ),
    ],
)
def test_an_aggregator_event_without_time_is_left_out_with_a_warning(
    carrier: str, path: str, pointer: str
) -> None:
    whole, kept, warnings = _drop_time(carrier, path)
    assert kept == whole - 1
    assert len(warnings) == 1 and warnings[0][0] == pointer
    assert warnings[0][1].endswith("; it was left out")

"""Every official GS1 EPCIS 2.0 example (fixtures/conformance/epcis, gs1/EPCIS 2b888be) parses into
exactly one normalized event per EPCIS event, at the UTC instant its ``eventTime`` states.

Event counts are derived independently of the adapter: JSON files are counted with the stdlib
``json`` module, XML files by counting event start tags in the text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from carriers.epcis import SPEC

ROOT = Path(__file__).resolve().parents[2]
CONFORMANCE = ROOT / "fixtures" / "conformance" / "epcis"
EXAMPLES = sorted(
    p
    for folder in ("XML", "JSON", "JSON-simple-context")
    for p in (CONFORMANCE / folder).rglob("*")
    if p.suffix in (".xml", ".json", ".jsonld")
)
#: Upstream defect: both copies of AssociationEvent-h repeat the key ``eventID`` with two different
#: values (an ni:/// hash and a urn:uuid). The conformance README requires every example to parse, so
#: the EPCIS reader keeps the last value, as JavaScript's JSON.parse does (bundles stay strict).
DUPLICATE_KEYS = {
    f"{folder}/AssociationEvent/AssociationEvent-h.jsonld" for folder in ("JSON", "JSON-simple-context")
}
_XML_EVENT = re.compile(
    r"<(ObjectEvent|AggregationEvent|TransactionEvent|TransformationEvent|AssociationEvent)>"
)


def name(path: Path) -> str:
    return path.relative_to(CONFORMANCE).as_posix()


def expected_count(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".xml":
        return len(_XML_EVENT.findall(re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)))
    doc = json.loads(text)
    body = doc.get("epcisBody", {})
    events = body.get("eventList") or body.get("queryResults", {}).get("resultsBody", {}).get("eventList", [])
    return len(events)


def test_the_copy_holds_the_whole_official_set() -> None:
    folders = ("XML", "JSON", "JSON-simple-context")
    counts = {folder: sum(1 for p in EXAMPLES if name(p).startswith(folder + "/")) for folder in folders}
    assert counts == {"XML": 38, "JSON": 47, "JSON-simple-context": 46}


@pytest.mark.parametrize("path", EXAMPLES, ids=name)
def test_every_official_example_gives_one_event_per_epcis_event(path: Path) -> None:
    result = SPEC.parse(path.read_bytes())
    events = [e for s in result.shipments for e in s.events]
    assert len(events) == expected_count(path)
    for shipment in result.shipments:
        assert shipment.tracking_number and all(
            e.tracking_number == shipment.tracking_number for e in shipment.events
        )
        stamps = [e.occurred_at for e in shipment.events]
        assert stamps == sorted(stamps)
    for event in events:
        assert event.time_basis == "carrier_offset" and event.local_offset_minutes is not None
        assert event.carrier == "epcis" and event.operator is None


def test_per_folder_totals_match_the_conformance_readme() -> None:
    totals = {"XML": 0, "JSON": 0, "JSON-simple-context": 0}
    for path in EXAMPLES:
        result = SPEC.parse(path.read_bytes())
        totals[name(path).split("/")[0]] += sum(len(s.events) for s in result.shipments)
    assert totals == {"XML": 64, "JSON": 56, "JSON-simple-context": 54}  # the README's totals


@pytest.mark.parametrize("relative", sorted(DUPLICATE_KEYS))
def test_the_example_with_a_duplicated_event_id_keeps_the_last_value(relative: str) -> None:
    result = SPEC.parse((CONFORMANCE / relative).read_bytes())
    events = [e for s in result.shipments for e in s.events]
    assert len(events) == 1


def test_bundles_still_refuse_duplicate_keys() -> None:
    from trace_verify.strictjson import StrictJsonError, loads

    with pytest.raises(StrictJsonError):
        loads(b'{"a": 1, "a": 2}')
    assert loads(b'{"a": 1, "a": 2}', duplicate_keys="last") == {"a": 2}


@pytest.mark.parametrize(
    "relative",
    [
        "XML/CBV/CBV-11.4-2020-06-16a.xml",
        "XML/Mimasu/Example-masterData.xml",
        "XML/WithFullCombinationOfFields/masterdata_all_possible_fields.xml",
        "XML/CaptureJob/Example-CaptureJobRunning.xml",
        "XML/CaptureJob/Example-CaptureJobSuccess.xml",
    ],
)
def test_master_data_and_capture_jobs_are_valid_documents_without_events(relative: str) -> None:
    result = SPEC.parse((CONFORMANCE / relative).read_bytes())
    assert result.shipments == () and result.errors == ()


def test_a_failed_capture_job_is_a_carrier_error() -> None:
    result = SPEC.parse((CONFORMANCE / "XML/CaptureJob/Example-CaptureJobWithErrors.xml").read_bytes())
    assert [(e.code, e.message) for e in result.errors] == [
        ("carrier_error", "EPCIS capture job failed: One or more EPCIS Events failed validation")
    ]


def test_the_seven_renderings_of_one_hashed_event_give_one_instant() -> None:
    folder = CONFORMANCE / "XML" / "WithEventHashID"
    instants = set()
    for path in sorted(folder.iterdir()):
        [shipment] = SPEC.parse(path.read_bytes()).shipments
        instants |= {e.to_json()["occurred_at"] for e in shipment.events}
    assert instants == {"2005-04-05T02:33:31.116000Z"}


# raw eventTime | raw eventTimeZoneOffset | UTC | local_offset_minutes
INSTANTS = [
    ("XML/Example_9.6.1-ObjectEvent-2020_06_18a.xml", 0,
     "2005-04-03T20:33:31.116-06:00", "-06:00", "2005-04-04T02:33:31.116000Z", -360),
    ("JSON/Example_9.6.1-ObjectEvent.jsonld", 0,
     "2005-04-03T20:33:31.116000-06:00", "-06:00", "2005-04-04T02:33:31.116000Z", -360),
    # the trap: a Z time with a +02:00 offset is 14:58:56Z, not 12:58:56Z
    ("XML/WithFullCombinationOfFields/transformation_event_all_possible_fields.xml", 0,
     "2013-10-31T14:58:56.591Z", "+02:00", "2013-10-31T14:58:56.591000Z", 120),
    ("XML/WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml", 0,
     "2020-01-14T00:00:00+01:00", "+01:00", "2020-01-13T23:00:00Z", 60),
    ("JSON/WithSensorData/SensorDataExample17.jsonld", 0,
     "2021-04-27T15:00:00+01:00", "+01:00", "2021-04-27T14:00:00Z", 60),
]  # fmt: skip


@pytest.mark.parametrize(("relative", "index", "raw", "raw_offset", "utc", "offset"), INSTANTS)
def test_utc_instants_field_by_field(
    relative: str, index: int, raw: str, raw_offset: str, utc: str, offset: int
) -> None:
    text = (CONFORMANCE / relative).read_text(encoding="utf-8")
    assert raw in text and raw_offset in text, "the table quotes the document"
    result = SPEC.parse(text.encode())
    events = sorted((e for s in result.shipments for e in s.events), key=lambda e: e.occurred_at)
    out = events[index].to_json()
    assert (out["occurred_at"], out["local_offset_minutes"], out["time_basis"]) == (
        utc,
        offset,
        "carrier_offset",
    )


def test_an_error_declaration_and_the_event_it_retracts_are_no_custody() -> None:
    result = SPEC.parse(
        (CONFORMANCE / "XML/WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent.xml").read_bytes()
    )
    [shipment] = result.shipments  # both events name the same output EPC
    assert shipment.tracking_number == "urn:epc:id:sgtin:4012345.033333.AGHFG"
    declared, corrective = shipment.events
    assert declared.milestone == "unknown"
    assert declared.description == (
        "TransformationEvent; bizStep commissioning; error declaration (incorrect_data)"
    )
    assert corrective.milestone == "label_created"


def test_json_and_simple_context_renderings_of_one_example_agree() -> None:
    a = SPEC.parse((CONFORMANCE / "JSON/Example_9.6.2-ObjectEvent.jsonld").read_bytes())
    b = SPEC.parse((CONFORMANCE / "JSON-simple-context/Example_9.6.2-ObjectEvent.jsonld").read_bytes())
    assert a == b

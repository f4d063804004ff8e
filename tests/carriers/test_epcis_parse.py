"""The ``epcis`` adapter on the project's own story documents, its vocabulary and its rules.

Each story fixture is checked field by field against a table that shows, per event, the raw
``eventTime`` and ``eventTimeZoneOffset`` as written and the UTC instant they must become.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from carriers import parse_result_to_json
from carriers.epcis import SPEC
from carriers.epcis.identifiers import bol_number, check_digit, location_key, object_number, site_key
from carriers.epcis.model import EpcisEvent
from carriers.epcis.normalize import tracking_number
from carriers.epcis.vocabulary import BIZSTEP_MILESTONES, BIZSTEPS, milestone, read_term
from tests.carriers.parse_checks import assert_rejected
from trace_verify.domain.documents import DocumentRejected

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "carriers" / "epcis"
CONFORMANCE = ROOT / "fixtures" / "conformance" / "epcis"
EVENT_SCHEMA = json.loads((ROOT / "trace_verify" / "contract" / "schemas" / "event.schema.json").read_text())
STORY = "story-ningbo-bonded-dispatch-cleared-delivered"
SF = "SF1420006358916"


def parse_json(name: str) -> dict[str, Any]:
    return parse_result_to_json(SPEC.parse((FIXTURES / name).read_bytes()))


NINGBO = {"city": "Ningbo", "region": "Zhejiang", "postal_code": "315800", "country": "CN"}
# raw eventTime (XML | JSON-LD) | offset | UTC | milestone | location | carrier_code | description
STORY_TABLE = [
    ("2026-03-03T09:40:00.000+08:00", "2026-03-03T09:40:00.000+08:00", "+08:00", "2026-03-03T01:40:00Z",
     "in_transit", {**NINGBO, "facility": "urn:epc:id:sgln:6901234.00001.1"},
     "urn:epcglobal:cbv:bizstep:departing", "ObjectEvent OBSERVE; bizStep departing; disposition in_transit"),
    ("2026-03-03T03:02:00.000Z", "2026-03-03T11:02:00+08:00", "+08:00", "2026-03-03T03:02:00Z",
     "import_cleared", {**NINGBO, "facility": "urn:epc:id:sgln:6901234.00001.2"},
     "urn:trace-verify:cbv:bizstep:customs_cleared",
     "ObjectEvent OBSERVE; bizStep customs_cleared; disposition in_progress"),
    ("2026-03-04T21:15:00.000+08:00", "2026-03-04T13:15:00.000Z", "+08:00", "2026-03-04T13:15:00Z",
     "in_transit", {"city": "Hangzhou", "country": "CN", "facility": "urn:epc:id:sgln:6909876.00010.0",
                    "locode": "CNHGH"},
     "urn:epcglobal:cbv:bizstep:arriving", "ObjectEvent OBSERVE; bizStep arriving; disposition in_transit"),
    ("2026-03-05T16:20:00.000+08:00", "2026-03-05T16:20:00.000+08:00", "+08:00", "2026-03-05T08:20:00Z",
     "delivered", {"city": "Hangzhou", "region": "Zhejiang", "postal_code": "310012", "country": "CN"},
     "urn:trace-verify:cbv:bizstep:delivered", "ObjectEvent OBSERVE; bizStep delivered"),
]  # fmt: skip


@pytest.mark.parametrize("suffix", [".xml", ".jsonld"])
def test_the_bonded_story_field_by_field(suffix: str) -> None:
    text = (FIXTURES / (STORY + suffix)).read_text(encoding="utf-8")
    out = parse_json(STORY + suffix)
    assert out["errors"] == [] and [s["tracking_number"] for s in out["shipments"]] == [SF]
    events = out["shipments"][0]["events"]
    assert len(events) == len(STORY_TABLE)
    for event, row in zip(events, STORY_TABLE, strict=True):
        raw_xml, raw_json, raw_offset, utc, milestone_, location, code, description = row
        assert (raw_xml if suffix == ".xml" else raw_json) in text and raw_offset in text
        jsonschema.validate(event, EVENT_SCHEMA)
        assert event == {
            "carrier": "epcis",
            "tracking_number": SF,
            "occurred_at": utc,
            "local_offset_minutes": 480,
            "time_basis": "carrier_offset",
            "milestone": milestone_,
            "location": location,
            "carrier_code": code,
            "description": description,
        }


def test_the_xml_and_json_ld_stories_give_identical_events() -> None:
    xml = SPEC.parse((FIXTURES / f"{STORY}.xml").read_bytes())
    jsonld = SPEC.parse((FIXTURES / f"{STORY}.jsonld").read_bytes())
    assert xml == jsonld


def test_the_json_ld_story_validates_against_the_official_schema() -> None:
    schema = json.loads((CONFORMANCE / "EPCIS-JSON-Schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(json.loads((FIXTURES / f"{STORY}.jsonld").read_text()))


def test_a_customs_hold_in_a_query_document_filed_under_the_pallet_sscc() -> None:
    out = parse_json("query-osaka-shanghai-customs-held.xml")
    [shipment] = out["shipments"]
    # urn:epc:id:sscc:4912345.0000000042 → extension 0, prefix 4912345, serial 000000042, check 2
    assert shipment["tracking_number"] == "049123450000000422"
    picked, held = shipment["events"]
    # raw 2026-03-01T18:20:00+09:00 → 09:20Z; raw 2026-03-02T02:55:00Z with +08:00 → 02:55Z (not 18:55Z)
    assert (picked["occurred_at"], picked["local_offset_minutes"], picked["milestone"]) == (
        "2026-03-01T09:20:00Z",
        540,
        "picked_up",
    )
    assert picked["location"] == {
        "city": "Osaka",
        "country": "JP",
        "facility": "https://id.gs1.org/414/4912345000017",
    }
    assert (held["occurred_at"], held["local_offset_minutes"], held["milestone"]) == (
        "2026-03-02T02:55:00Z",
        480,
        "customs_held",
    )
    assert held["location"] == {"country": "CN", "locode": "CNSHA"}  # country from the UN/LOCODE
    assert held["description"] == "AggregationEvent OBSERVE; bizStep holding; disposition customs_held"


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("error-404-no-such-resource.json", "not_found", "Resource not found"),
        ("error-query-security-exception.xml", "unauthorized",
         "SecurityException: Client is not authorised to subscribe to SimpleEventQuery"),
    ],
)  # fmt: skip
def test_epcis_service_errors_are_valid_documents(name: str, code: str, message: str) -> None:
    assert parse_json(name) == {
        "carrier": "epcis",
        "shipments": [],
        "errors": [{"code": code, "tracking_number": None, "message": message}],
    }


@pytest.mark.parametrize(
    ("name", "code", "message"),
    [
        ("malformed-event-without-eventtime.jsonld", "DOCUMENT_UNREADABLE",
         "EPCIS JSON-LD: /epcisBody/eventList/0/eventTime: event without eventTime"),
        ("malformed-offset-out-of-range.xml", "DOCUMENT_UNREADABLE",
         "EPCIS XML: event 0: eventTimeZoneOffset is not ±hh:mm within ±14:00"),
        ("malformed-misspelt-event.xml", "DOCUMENT_UNREADABLE",
         "EPCIS XML: EventList: element that is no EPCIS event type"),
        ("malformed-truncated.jsonld", "DOCUMENT_UNREADABLE", None),
        ("malformed-external-entity.xml", "DOCUMENT_UNSAFE", None),
    ],
)  # fmt: skip
def test_malformed_documents_are_refused(name: str, code: str, message: str | None) -> None:
    with pytest.raises(DocumentRejected) as caught:
        SPEC.parse((FIXTURES / name).read_bytes())
    assert caught.value.code == code
    if message is not None:
        assert caught.value.message == message
    assert "passwd" not in caught.value.message


@pytest.mark.parametrize(
    "data", [b"", b"   ", b"hello", b"[1, 2]", b'{"type": "Shipment"}', b"<html><body>502</body></html>"]
)
def test_documents_that_are_not_epcis_are_unreadable(data: bytes) -> None:
    assert_rejected(lambda: SPEC.parse(data))


def test_syntax_is_told_by_content_with_a_bom_and_leading_space() -> None:
    data = b"\xef\xbb\xbf \n" + (FIXTURES / "error-404-no-such-resource.json").read_bytes()
    assert SPEC.parse(data).errors[0].code == "not_found"


def test_epcis_1_documents_are_refused_by_name() -> None:
    with pytest.raises(DocumentRejected, match=r"EPCIS 1\.x"):
        SPEC.parse(b'<epcis:EPCISDocument xmlns:epcis="urn:epcglobal:epcis:xsd:1"/>')


# --- tracking-number precedence ------------------------------------------------------------------


def event(**fields: Any) -> EpcisEvent:
    base: dict[str, Any] = {"kind": "ObjectEvent", "index": 0, "event_time": "2026-03-01T00:00:00Z",
                            "time_zone_offset": "+00:00"}  # fmt: skip
    return EpcisEvent(**{**base, **fields})


TV = "urn:trace-verify:cbv:"
FULL: dict[str, Any] = {
    "biz_transactions": (("po", "https://shop.example.com/po/1"), ("urn:epcglobal:cbv:btt:bol", "https://x.example/waybill/s10/EE471108151FR")),
    "parent_id": "urn:epc:id:sscc:0614141.1234567890",
    "epcs": ("urn:epc:id:sgtin:0614141.107346.2017",),
    "output_epcs": ("urn:epc:id:sgtin:0614141.107346.9999",),
    "event_id": "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8",
    "quantity_classes": ("urn:epc:class:lgtin:4012345.012345.998877",),
}  # fmt: skip


@pytest.mark.parametrize(
    ("drop", "expected"),
    [
        ((), "EE471108151FR"),
        (("biz_transactions",), "106141412345678908"),
        (("biz_transactions", "parent_id"), "urn:epc:id:sgtin:0614141.107346.2017"),
        (("biz_transactions", "parent_id", "epcs"), "urn:epc:id:sgtin:0614141.107346.9999"),
        (("biz_transactions", "parent_id", "epcs", "output_epcs"), FULL["event_id"]),
        (("biz_transactions", "parent_id", "epcs", "output_epcs", "event_id"), FULL["quantity_classes"][0]),
    ],
)  # fmt: skip
def test_tracking_number_precedence(drop: tuple[str, ...], expected: str) -> None:
    fields = {k: v for k, v in FULL.items() if k not in drop}
    assert tracking_number(event(**fields), "test") == expected


def test_a_po_is_never_the_tracking_number() -> None:
    only_po = event(
        biz_transactions=(("po", "https://shop.example.com/po/1"),), epcs=("urn:epc:id:sgtin:1.2.3",)
    )
    assert tracking_number(only_po, "test") == "urn:epc:id:sgtin:1.2.3"


@pytest.mark.parametrize("type_", ["bol", "urn:epcglobal:cbv:btt:bol", "https://ref.gs1.org/cbv/BTT-bol"])
def test_every_form_of_the_bol_type_counts(type_: str) -> None:
    assert (
        tracking_number(event(biz_transactions=((type_, "urn:epcglobal:cbv:bt:0614141073467:WB-77"),)), "t")
        == "WB-77"
    )


def test_a_cbv_curie_bol_type_in_json_ld_counts() -> None:
    doc = json.loads((FIXTURES / f"{STORY}.jsonld").read_text())
    doc["epcisBody"]["eventList"][0]["bizTransactionList"][1]["type"] = "cbv:BTT-bol"
    assert SPEC.parse(json.dumps(doc).encode()).shipments[0].tracking_number == SF


def test_an_event_naming_nothing_gets_a_stable_stand_in() -> None:
    bare = event(
        biz_step="urn:epcglobal:cbv:bizstep:inspecting", read_point="urn:epc:id:sgln:4012345.00005.0"
    )
    number = tracking_number(bare, "t")
    assert number.startswith("urn:trace-verify:epcis:unidentified:")
    same_in_json = event(biz_step="inspecting", read_point="https://id.gs1.org/414/4012345000054")
    assert tracking_number(same_in_json, "t") == number


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("urn:epcglobal:cbv:bt:0614141073467:1152", "1152"),
        ("https://verifier.example.com/waybill/s10/EE471108151FR", "EE471108151FR"),
        ("https://id.gs1.org/402/06141411234567890", "06141411234567890"),
        ("urn:epc:id:gsin:0614141.123456789", "06141411234567890"),
        ("https://id.gs1.org/00/106141412345678908", "106141412345678908"),
        ("urn:epc:id:gdti:0614141.00001.1618034", "urn:epc:id:gdti:0614141.00001.1618034"),
    ],
)
def test_bol_values_become_the_number_on_the_label(value: str, number: str) -> None:
    assert bol_number(value) == number


def test_gs1_keys() -> None:
    assert check_digit("0614141123456789") == "0" and check_digit("690123400001") == "6"
    assert object_number("urn:epc:id:sscc:0614141.1234567890") == "106141412345678908"
    assert location_key("urn:epc:id:sgln:0614141.07346.1234") == "gln:0614141073467:1234"
    assert location_key("https://id.gs1.org/414/0614141073467/254/1234") == "gln:0614141073467:1234"
    assert location_key("https://example.com/414/0614141073467") == "gln:0614141073467:0"
    assert site_key("gln:0614141073467:1234") == "gln:0614141073467:0"


# --- vocabulary ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "disposition", "expected"),
    [
        ("urn:epcglobal:cbv:bizstep:commissioning", None, "label_created"),
        ("shipping", "in_transit", "picked_up"),
        ("https://ref.gs1.org/cbv/BizStep-receiving", "in_progress", "in_transit"),
        ("arriving", None, "in_transit"),
        ("departing", None, "in_transit"),
        ("loading", None, "in_transit"),
        ("unloading", None, "in_transit"),
        ("accepting", None, "in_transit"),
        ("retail_selling", None, "delivered"),
        ("void_shipping", "in_transit", "unknown"),
        ("other", None, "unknown"),
        (None, "in_transit", "in_transit"),
        (None, "completeness_verified", "unknown"),
        ("receiving", "returned", "returned"),
        ("shipping", "damaged", "exception"),
        ("customs_clearance", None, "unknown"),  # a bare word outside CBV is not a project term
        ("urn:epcglobal:cbv:bizstep:customs_cleared", None, "unknown"),  # nor is an invented CBV URN
        ("urn:trace-verify:cbv:bizstep:export_cleared", None, "export_cleared"),
        ("urn:trace-verify:cbv:bizstep:departed_origin", "in_transit", "departed_origin"),
        ("urn:trace-verify:cbv:bizstep:arrived_destination_country", None, "arrived_destination_country"),
        ("urn:trace-verify:cbv:bizstep:customs_processing", None, "customs_processing"),
        ("urn:trace-verify:cbv:bizstep:customs_cleared", "in_progress", "import_cleared"),
        ("holding", "urn:trace-verify:cbv:disp:customs_held", "customs_held"),
        ("urn:trace-verify:cbv:bizstep:customs_processing", f"{TV}disp:customs_held", "customs_held"),
        ("urn:trace-verify:cbv:bizstep:no_such_term", None, "unknown"),
    ],
)  # fmt: skip
def test_vocabulary(step: str | None, disposition: str | None, expected: str) -> None:
    terms = (
        read_term(step, "bizstep") if step else None,
        read_term(disposition, "disp") if disposition else None,
    )
    assert milestone(*terms) == expected


def test_every_cbv_business_step_of_the_official_context_is_known() -> None:
    context = json.loads((CONFORMANCE / "JSON-LD-Context" / "cbv-context-bizstep.jsonld").read_text())
    words = {k for k in context["@context"] if not k.startswith("@") and k != "cbv"}
    assert words == BIZSTEPS
    assert set(BIZSTEP_MILESTONES) <= BIZSTEPS
    assert BIZSTEPS - set(BIZSTEP_MILESTONES) == {"decommissioning", "killing", "other"}


def test_one_term_in_three_forms_has_one_carrier_code() -> None:
    forms = ["shipping", "urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping"]
    assert {read_term(f, "bizstep").iri for f in forms} == {"urn:epcglobal:cbv:bizstep:shipping"}


def test_countries_are_never_guessed_from_gs1_prefixes() -> None:
    out = parse_json(f"{STORY}.xml")
    doc = (CONFORMANCE / "XML" / "Example_9.6.1-ObjectEvent-2020_06_18a.xml").read_bytes()
    official = parse_result_to_json(SPEC.parse(doc))
    assert all("country" not in e["location"] for s in official["shipments"] for e in s["events"])
    assert out["shipments"][0]["events"][0]["location"]["country"] == "CN"  # stated in master data

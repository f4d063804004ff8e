"""Who says so (rules.md §8), the pure part: the carrier's record prevails (§8.2), no complaint is
rejected on the merchant's word alone (§8.1), no consumer claim moves money unverified (§8.3), and
``EVIDENCE_SOURCES`` (§8.4). Offline verdicts (no sources) are unchanged.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

import pytest

from carriers import REGISTRY
from tests.support import BUNDLES, assert_valid_verdict, load_json
from trace_verify.contract.writer import verdict_to_json
from trace_verify.domain.bundle import Bundle
from trace_verify.domain.context import Context
from trace_verify.domain.policy import DEFAULT_POLICY
from trace_verify.domain.provenance import path_facts, self_reported_facts
from trace_verify.domain.sources import Source, StoredSources, stronger
from trace_verify.domain.verdict import PointerRef, TimelineRef
from trace_verify.refdata import default_reference
from trace_verify.services.verification import VerificationService

Json = dict[str, Any]
NOW = datetime(2026, 3, 5, 12, 0, tzinfo=UTC)
SERVICE = VerificationService(REGISTRY)
NUMBER = "4829105735"


def ev(at: str, milestone: str, city: str, country: str, **extra: Any) -> Json:
    """A DHL event of the test shipment."""
    event: Json = {
        "carrier": "dhl",
        "tracking_number": NUMBER,
        "occurred_at": at,
        "milestone": milestone,
        "location": {"city": city, "country": country},
        "description": milestone,
    }
    event.update(extra)
    return event


#: What DHL's own record says of an honest parcel: Osaka → Shanghai → Hangzhou.
CARRIER_OSAKA = [
    ev("2026-03-01T09:20:00Z", "picked_up", "Osaka", "JP"),
    ev("2026-03-01T16:05:00Z", "departed_origin", "Osaka", "JP"),
    ev("2026-03-02T03:40:00Z", "arrived_destination_country", "Shanghai", "CN"),
    ev("2026-03-03T01:30:00Z", "import_cleared", "Shanghai", "CN"),
    ev("2026-03-04T05:02:00Z", "delivered", "Hangzhou", "CN"),
]
#: What DHL's own record says when the parcel started in Shenzhen (no crossing into CN).
CARRIER_SHENZHEN = [
    ev("2026-03-01T10:00:00Z", "picked_up", "Shenzhen", "CN"),
    ev("2026-03-02T08:00:00Z", "in_transit", "Shenzhen", "CN"),
    ev("2026-03-03T09:00:00Z", "in_transit", "Hangzhou", "CN"),
    ev("2026-03-04T05:02:00Z", "delivered", "Hangzhou", "CN"),
]
#: What the merchant typed: a foreign pickup and departure, then the real delivery.
TYPED_OSAKA = [
    ev("2026-03-01T03:00:00Z", "picked_up", "Osaka", "JP"),
    ev("2026-03-01T06:00:00Z", "departed_origin", "Osaka", "JP"),
    ev("2026-03-01T08:00:00Z", "arrived_destination_country", "Shanghai", "CN"),
]


def bundle_json(*, complaint: Json | None = None, **shipment: Any) -> Json:
    obj = copy.deepcopy(load_json(BUNDLES / "direct-met.json"))
    obj.pop("$now", None)
    obj["shipments"] = [
        {"carrier": "dhl", "tracking_number": NUMBER, "declared_origin_country": "JP", **shipment}
    ]
    if complaint is None:
        obj.pop("complaint", None)
    else:
        obj["complaint"] = complaint
    return obj


DIRECT_COMPLAINT = {
    "type": "direct_supply",
    "filed_at": "2026-03-05T12:00:00Z",
    "credentials": [{"kind": "waybill", "carrier": "dhl", "tracking_number": NUMBER}],
}


def sourced(
    obj: Json, merchant: list[Json], carrier: list[Json], carrier_source: Source = "carrier_api"
) -> tuple[Bundle, StoredSources]:
    """The bundle with both event lists, and sources saying which list each event came from."""
    obj = copy.deepcopy(obj)
    obj["shipments"][0]["events"] = merchant + carrier
    bundle = SERVICE.read(obj)
    events = bundle.shipments[0].events
    mapping: dict[Any, Source] = {}
    for k, event in enumerate(events):
        source: Source = "merchant" if k < len(merchant) else carrier_source
        mapping[event] = stronger(mapping.get(event, source), source)
    return bundle, StoredSources(events=mapping, shipments=("merchant",), customs=("merchant",))


def judge(bundle: Bundle, sources: StoredSources | None) -> Json:
    verdict = verdict_to_json(SERVICE.verify_bundle(bundle, NOW, sources=sources))
    assert_valid_verdict(verdict)
    return verdict


def codes(verdict: Json) -> list[str]:
    return [f["code"] for f in verdict["findings"]]


def the(verdict: Json, code: str) -> Json:
    found = [f for f in verdict["findings"] if f["code"] == code]
    assert len(found) == 1, (code, codes(verdict))
    return found[0]


def where(verdict: Json, ref: Json) -> tuple[str, str]:
    event = verdict["timeline"][ref["timeline"]]
    return event["location"]["city"], event["milestone"]


# -- §8.1 ------------------------------------------------------------------------------------------


def test_a_typed_foreign_pickup_alone_goes_to_manual_review() -> None:
    typed = [*TYPED_OSAKA, ev("2026-03-04T05:02:00Z", "delivered", "Hangzhou", "CN")]
    bundle, sources = sourced(bundle_json(complaint=DIRECT_COMPLAINT), typed, [])
    offline = judge(bundle, None)
    assert offline["verdict"] == "met" and offline["complaint"]["decision"] == "rejected"
    stored = judge(bundle, sources)
    assert stored["verdict"] == "met", "the verdict itself is unchanged: only the complaint waits"
    assert stored["complaint"]["decision"] == "manual_review"
    cited = [where(stored, ref) for ref in the(stored, "PATH_SELF_REPORTED")["evidence"]]
    assert cited == [
        ("Osaka", "picked_up"),
        ("Osaka", "departed_origin"),
        ("Shanghai", "arrived_destination_country"),
        ("Hangzhou", "delivered"),
    ]
    assert the(stored, "PATH_SELF_REPORTED")["severity"] == "warning"


def test_the_carriers_record_confirming_the_route_rejects_the_complaint() -> None:
    bundle, sources = sourced(bundle_json(complaint=DIRECT_COMPLAINT), TYPED_OSAKA[:1], CARRIER_OSAKA)
    verdict = judge(bundle, sources)
    assert verdict["verdict"] == "met"
    assert "PATH_SELF_REPORTED" not in codes(verdict)
    assert "SUBMITTED_EVENT_CONTRADICTED" not in codes(verdict)
    assert verdict["complaint"]["decision"] == "rejected"


def test_a_push_counts_as_the_carriers_word_and_a_platform_submission_as_vouched() -> None:
    for source in ("carrier_push", "platform"):
        bundle, sources = sourced(bundle_json(complaint=DIRECT_COMPLAINT), [], CARRIER_OSAKA, source)
        assert judge(bundle, sources)["complaint"]["decision"] == "rejected", source


def test_path_facts_are_the_first_custody_the_crossing_and_the_delivery() -> None:
    bundle, sources = sourced(bundle_json(), [], CARRIER_OSAKA)
    ctx = Context(bundle, NOW, DEFAULT_POLICY, default_reference(), sources=sources)
    assert path_facts(ctx) == (TimelineRef(0), TimelineRef(1), TimelineRef(2), TimelineRef(4))
    assert self_reported_facts(ctx, sources) == ()


# -- §8.2 ------------------------------------------------------------------------------------------


def test_a_typed_osaka_pickup_before_a_shenzhen_record_is_contradicted_and_the_complaint_upheld() -> None:
    bundle, sources = sourced(bundle_json(complaint=DIRECT_COMPLAINT), TYPED_OSAKA[:1], CARRIER_SHENZHEN)
    offline = judge(bundle, None)
    assert "SUBMITTED_EVENT_CONTRADICTED" not in codes(offline)
    verdict = judge(bundle, sources)
    assert verdict["verdict"] == "not_met"
    contradicted = the(verdict, "SUBMITTED_EVENT_CONTRADICTED")
    assert contradicted["severity"] == "blocker"
    assert [where(verdict, ref) for ref in contradicted["evidence"]] == [
        ("Osaka", "picked_up"),
        ("Shenzhen", "picked_up"),
    ]
    assert "ORIGIN_IN_MAINLAND" in codes(verdict), "the typed pickup is used for no path"
    assert verdict["complaint"]["decision"] == "upheld"
    assert verdict["complaint"]["compensation"]["total"] == "936.00"


def test_a_typed_event_inside_the_carriers_span_in_another_country_is_contradicted() -> None:
    typed = [ev("2026-03-02T12:00:00Z", "in_transit", "Osaka", "JP")]
    bundle, sources = sourced(bundle_json(), typed, CARRIER_SHENZHEN)
    contradicted = the(judge(bundle, sources), "SUBMITTED_EVENT_CONTRADICTED")
    verdict = judge(bundle, sources)
    assert [where(verdict, ref) for ref in contradicted["evidence"]] == [
        ("Osaka", "in_transit"),
        ("Shenzhen", "in_transit"),
    ], "cites the carrier's scan nearest in time"


def test_an_honest_event_between_the_carriers_departure_and_arrival_is_not_contradicted() -> None:
    # Between "departed Osaka" and "arrived Shanghai" the parcel may be at either end.
    typed = [ev("2026-03-02T02:00:00Z", "in_transit", "Osaka", "JP")]
    bundle, sources = sourced(bundle_json(), typed, CARRIER_OSAKA)
    verdict = judge(bundle, sources)
    assert "SUBMITTED_EVENT_CONTRADICTED" not in codes(verdict)
    assert verdict["verdict"] == "met"


def test_a_foreign_event_before_a_record_that_shows_the_crossing_is_not_contradicted() -> None:
    # The carrier only tracks from the arrival in Shanghai, and says so: it crossed into CN.
    carrier = CARRIER_OSAKA[2:]
    bundle, sources = sourced(bundle_json(), TYPED_OSAKA[:2], carrier)
    assert "SUBMITTED_EVENT_CONTRADICTED" not in codes(judge(bundle, sources))


def test_a_time_within_the_assumed_utc_margin_is_no_ground_for_a_blocker() -> None:
    # Five hours before the carrier's first scan, but the merchant's time is assumed UTC (14 h margin).
    typed = [ev("2026-03-01T05:00:00Z", "picked_up", "Osaka", "JP", time_basis="assumed_utc")]
    bundle, sources = sourced(bundle_json(), typed, CARRIER_SHENZHEN)
    assert "SUBMITTED_EVENT_CONTRADICTED" not in codes(judge(bundle, sources))
    surely = [ev("2026-02-28T05:00:00Z", "picked_up", "Osaka", "JP", time_basis="assumed_utc")]
    bundle, sources = sourced(bundle_json(), surely, CARRIER_SHENZHEN)
    assert "SUBMITTED_EVENT_CONTRADICTED" in codes(judge(bundle, sources))


def test_an_event_whose_country_cannot_be_read_is_never_contradicted() -> None:
    typed = [
        {
            **ev("2026-03-02T12:00:00Z", "in_transit", "Atlantis", "JP"),
            "location": {"city": "Nowhere-upon-Sea"},
        }
    ]
    bundle, sources = sourced(bundle_json(), typed, CARRIER_SHENZHEN)
    assert "SUBMITTED_EVENT_CONTRADICTED" not in codes(judge(bundle, sources))


def test_a_bonded_warehouses_events_before_the_pickup_are_neither_confirmed_nor_contradicted() -> None:
    obj = load_json(BUNDLES / "findings" / "path_bonded_zone.raises.json")
    now = datetime.fromisoformat(obj.pop("$now").replace("Z", "+00:00"))
    shipment = obj["shipments"][0]
    carrier_events = shipment["events"]
    # The carrier's pickup names the city only; the zone is named by the shipment's dispatch.
    carrier_events[0]["location"] = {"city": "杭州市", "country": "CN"}
    # The warehouse's EPCIS events (typed by the merchant) an hour before the carrier's pickup.
    warehouse = [
        {
            **carrier_events[0],
            "occurred_at": "2026-03-03T04:10:00Z",
            "milestone": "in_transit",
            "description": "EPCIS shipping (urn:epcglobal:cbv:bizstep:shipping)",
            "carrier_code": None,
        }
    ]
    shipment["events"] = warehouse + carrier_events
    bundle = SERVICE.read(obj)
    events = bundle.shipments[0].events
    mapping: dict[Any, Source] = {e: ("merchant" if k == 0 else "carrier_api") for k, e in enumerate(events)}
    for shipment_source, self_reported in (("merchant", True), ("platform", False)):
        sources = StoredSources(events=mapping, shipments=(shipment_source,), customs=("platform",))
        verdict = verdict_to_json(SERVICE.verify_bundle(bundle, now, sources=sources))
        assert "SUBMITTED_EVENT_CONTRADICTED" not in codes(verdict)
        assert verdict["verdict"] == "met" and verdict["path"] == "bonded_zone"
        # Not confirmed either: the warehouse's own events stay the merchant's word.
        ctx = Context(bundle, now, DEFAULT_POLICY, default_reference(), sources=sources)
        assert ctx.contradictions == ()
        facts = self_reported_facts(ctx, sources)
        if self_reported:
            assert PointerRef("/shipments/0/dispatch") in facts, "the zone is named only by the dispatch"
            assert TimelineRef(0) in facts, "the warehouse's scan is the first custody event"
        else:
            assert facts == ()


# -- §8.4 and the unchanged offline verdict -------------------------------------------------------------


def test_evidence_sources_counts_each_source_sorted_last_in_table_order() -> None:
    bundle, sources = sourced(bundle_json(), TYPED_OSAKA[:1], CARRIER_OSAKA)
    verdict = judge(bundle, sources)
    found = the(verdict, "EVIDENCE_SOURCES")
    assert found["severity"] == "info"
    assert found["evidence"] == [{"source": "carrier_api", "events": 5}, {"source": "merchant", "events": 1}]
    assert verdict["findings"][-1]["code"] == "EVIDENCE_SOURCES" or all(
        f["severity"] == "info" for f in verdict["findings"][verdict["findings"].index(found) :]
    )


def test_without_sources_nothing_of_section_8_appears() -> None:
    bundle, _ = sourced(bundle_json(complaint=DIRECT_COMPLAINT), TYPED_OSAKA[:1], CARRIER_SHENZHEN)
    verdict = judge(bundle, None)
    assert not {"EVIDENCE_SOURCES", "PATH_SELF_REPORTED", "SUBMITTED_EVENT_CONTRADICTED"} & set(
        codes(verdict)
    )


# -- §8.3 ------------------------------------------------------------------------------------------------


GGG = {
    "type": "genuine_goods",
    "filed_at": "2026-03-20T12:00:00Z",
    "credentials": [],
    "certificate": {
        "issuer_type": "right_owner",
        "issuer": "Shiseido Co., Ltd.",
        "reference": "SH-2026-0042",
    },
}


@pytest.mark.parametrize(
    ("certificate", "confirmed", "decision"),
    [("consumer", False, "manual_review"), ("consumer", True, "upheld"), ("platform", False, "upheld")],
)
def test_a_consumers_certificate_waits_for_staff(certificate: Source, confirmed: bool, decision: str) -> None:
    bundle, sources = sourced(bundle_json(complaint=GGG), [], CARRIER_OSAKA)
    sources = StoredSources(
        events=sources.events,
        certificate=certificate,
        certificate_confirmed=confirmed,
        shipments=("merchant",),
    )
    verdict = judge(bundle, sources)
    assert verdict["complaint"]["decision"] == decision
    assert ("CERTIFICATE_UNVERIFIED" in codes(verdict)) is (decision == "manual_review")
    if decision == "upheld":
        assert verdict["complaint"]["compensation"]["total"] == "2340.00"
    offline = judge(bundle, None)
    assert offline["complaint"]["decision"] == "upheld" and "CERTIFICATE_UNVERIFIED" not in codes(offline)


def test_a_blocker_resting_only_on_the_consumers_evidence_moves_no_money() -> None:
    other = "1234567891"
    credential = {
        "kind": "waybill",
        "carrier": "dhl",
        "tracking_number": other,
        "events": [
            {**ev("2026-03-02T01:00:00Z", "picked_up", "Shenzhen", "CN"), "tracking_number": other},
            {**ev("2026-03-04T05:02:00Z", "delivered", "Hangzhou", "CN"), "tracking_number": other},
        ],
    }
    complaint = {**DIRECT_COMPLAINT, "credentials": [credential]}
    bundle, sources = sourced(bundle_json(complaint=complaint), [], CARRIER_OSAKA)
    assert judge(bundle, None)["complaint"]["decision"] == "upheld"
    verdict = judge(bundle, sources)
    assert "CONSUMER_WAYBILL_UNLINKED" in codes(verdict)
    assert verdict["complaint"]["decision"] == "manual_review"
    fetched = StoredSources(events=sources.events, shipments=("merchant",), credentials={0: "carrier_api"})
    assert judge(bundle, fetched)["complaint"]["decision"] == "upheld", "the carrier's own answer counts"
    from trace_verify.domain.provenance import consumer_only_blockers

    verdict = SERVICE.verify_bundle(bundle, NOW, sources=sources)
    assert consumer_only_blockers(verdict, sources) == ("CONSUMER_WAYBILL_UNLINKED",)
    assert consumer_only_blockers(verdict, fetched) == ()


# -- general trade --------------------------------------------------------------------------------------


def test_a_general_trade_record_counts_when_the_platform_submitted_it_or_staff_confirmed_it() -> None:
    obj = load_json(BUNDLES / "findings" / "path_general_trade.raises.json")
    now = datetime.fromisoformat(obj.pop("$now").replace("Z", "+00:00"))
    bundle = SERVICE.read(obj)
    events = {e: "carrier_api" for s in bundle.shipments for e in s.events}
    for customs, confirmed, expected in (
        (("merchant",), frozenset(), (PointerRef("/customs/0"),)),
        (("merchant",), frozenset({0}), ()),
        (("platform",), frozenset(), ()),
    ):
        sources = StoredSources(events=events, customs=customs, confirmed_customs=confirmed)  # type: ignore[arg-type]
        ctx = Context(bundle, now, DEFAULT_POLICY, default_reference(), sources=sources)
        assert self_reported_facts(ctx, sources) == expected


# -- what a stored complaint's decision consumes ---------------------------------------------------------


def test_the_facts_for_a_stored_decision_come_from_the_sourced_verdict() -> None:
    from trace_verify.domain.provenance import consumer_only_blockers, self_reported_refs

    typed = [*TYPED_OSAKA, ev("2026-03-04T05:02:00Z", "delivered", "Hangzhou", "CN")]
    bundle, sources = sourced(bundle_json(complaint=DIRECT_COMPLAINT), typed, [])
    verdict = SERVICE.verify_bundle(bundle, NOW, sources=sources)
    assert self_reported_refs(verdict) == (TimelineRef(0), TimelineRef(1), TimelineRef(2), TimelineRef(3))
    assert self_reported_refs(SERVICE.verify_bundle(bundle, NOW)) == ()
    bundle, sources = sourced(bundle_json(complaint=DIRECT_COMPLAINT), TYPED_OSAKA[:1], CARRIER_SHENZHEN)
    assert consumer_only_blockers(SERVICE.verify_bundle(bundle, NOW, sources=sources), sources) == ()

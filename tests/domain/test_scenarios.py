"""Named scenarios of the rules (rules.md §1): parallel parcels, hand-overs, parcels still in transit,
short hops, assumed-UTC margins, districts, traditional characters, destinations outside Mainland
China, general trade, bonded zones and raw carrier documents verified end to end.

Each scenario starts from a bundle of ``fixtures/bundles/findings/`` (see its README) and changes
what the scenario is about, so the difference a test shows is the one it names.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.domain.test_findings import resolve_pointer
from tests.support import BUNDLES, FIXTURES, assert_valid_verdict, load_json, run_cli
from trace_verify.services.verification import VerificationService

PAIRS = BUNDLES / "findings"
DHL_DOCS = FIXTURES / "carriers" / "dhl"
Json = dict[str, Any]


def fixture(name: str) -> tuple[Json, datetime]:
    """A pair bundle by file stem (e.g. ``not_delivered.twin``) without its clock, and the clock."""
    obj = load_json(PAIRS / f"{name}.json")
    return obj, datetime.fromisoformat(obj.pop("$now").replace("Z", "+00:00"))


DIRECT, DIRECT_NOW = fixture("not_delivered.twin")  # Osaka → Shanghai → Hangzhou, met
FRAUD, FRAUD_NOW = fixture("origin_in_mainland.raises")  # Shenzhen → Hangzhou, "direct" claim
ABROAD, ABROAD_NOW = fixture("path_traceable_abroad.raises")  # Tokyo → Hong Kong
BONDED, BONDED_NOW = fixture("path_bonded_zone.raises")  # Hangzhou bonded zone → Nanjing
TRADE, TRADE_NOW = fixture("path_general_trade.raises")  # 0110 wine, Shanghai → Hangzhou


def verify(service: VerificationService, obj: Json, now: datetime) -> Json:
    verdict = service.verify_json(obj, now)
    assert_valid_verdict(verdict)
    for finding in verdict["findings"]:
        for ref in finding["evidence"]:
            if "pointer" in ref:
                resolve_pointer(obj, ref["pointer"])
            else:
                assert 0 <= ref["timeline"] < len(verdict["timeline"])
    return verdict


def codes(verdict: Json) -> list[str]:
    return [f["code"] for f in verdict["findings"]]


def finding(verdict: Json, code: str) -> Json:
    found: list[Json] = [f for f in verdict["findings"] if f["code"] == code]
    assert len(found) == 1, (code, codes(verdict))
    return found[0]


def direct() -> Json:
    return copy.deepcopy(DIRECT)


def events(obj: Json, shipment: int = 0) -> list[Json]:
    found: list[Json] = obj["shipments"][shipment]["events"]
    return found


def sf_event(number: str, at: str, milestone: str, city: str, text: str, country: str = "CN") -> Json:
    return {
        "carrier": "sf",
        "tracking_number": number,
        "occurred_at": at,
        "local_offset_minutes": 480,
        "time_basis": "carrier_timezone",
        "milestone": milestone,
        "location": {"city": city, "country": country},
        "description": text,
    }


def dhl_document(name: str) -> Json:
    return {"carrier": "dhl", "content": (DHL_DOCS / name).read_text("utf-8")}


# -- parallel parcels -------------------------------------------------------------------------------

SEOUL_DHL = "5502193874"  # DHL Express, mod-7 check digit valid


def two_parcels() -> Json:
    """The Osaka parcel, and in parallel a second DHL parcel Seoul → Shanghai → Hangzhou."""
    obj = direct()
    second = copy.deepcopy(obj["shipments"][0])
    second.update(tracking_number=SEOUL_DHL, declared_origin_country="KR")
    for event in second["events"]:
        event["tracking_number"] = SEOUL_DHL
        if event["location"]["country"] == "JP":
            event["location"] = {**event["location"], "city": "Seoul", "country": "KR", "facility": None}
    obj["shipments"].append(second)
    return obj


def test_parallel_parcels_both_evidenced_are_met(service: VerificationService) -> None:
    verdict = verify(service, two_parcels(), DIRECT_NOW)
    assert (verdict["verdict"], verdict["path"]) == ("met", "direct_international")
    assert codes(verdict) == ["PATH_DIRECT_INTERNATIONAL"]


def test_parallel_parcel_not_yet_delivered_is_cited_alone(service: VerificationService) -> None:
    obj = two_parcels()
    obj["shipments"][1]["events"] = [e for e in events(obj, 1) if e["milestone"] != "delivered"]
    verdict = verify(service, obj, DIRECT_NOW)
    assert verdict["verdict"] == "insufficient_evidence"
    assert finding(verdict, "NOT_DELIVERED")["evidence"] == [{"pointer": "/shipments/1"}]


def test_parallel_parcel_from_mainland_is_blocked_on_its_own_chain(service: VerificationService) -> None:
    obj = two_parcels()
    obj["shipments"][1] = copy.deepcopy(FRAUD["shipments"][0])
    verdict = verify(service, obj, DIRECT_NOW)
    assert verdict["verdict"] == "not_met"
    assert codes(verdict) == ["ORIGIN_IN_MAINLAND"]  # a scan abroad exists: not DOMESTIC_ONLY_TRACE
    (ref,) = finding(verdict, "ORIGIN_IN_MAINLAND")["evidence"]
    assert verdict["timeline"][ref["timeline"]]["tracking_number"] == obj["shipments"][1]["tracking_number"]


# -- hand-overs -------------------------------------------------------------------------------------

SF_LEG = "SF1385628716739"


def handed_over(link: str) -> Json:
    """DHL carries Osaka → Shanghai (customs); SF takes over in Shanghai and delivers in Hangzhou."""
    obj = direct()
    dhl_events = events(obj)[:5]  # up to import_cleared in Shanghai
    if link == "handover_to":
        dhl_events[-1]["handover_to"] = {"carrier": "sf", "tracking_number": SF_LEG}
    leg: Json = {
        "carrier": "sf",
        "tracking_number": SF_LEG,
        "events": [
            sf_event(SF_LEG, "2026-03-03T04:00:00Z", "picked_up", "上海市", "顺丰速运 已收取快件"),
            sf_event(SF_LEG, "2026-03-03T13:00:00Z", "in_transit", "杭州市", "快件已到达【杭州中转场】"),
            sf_event(SF_LEG, "2026-03-04T05:00:00Z", "delivered", "萧山区", "已签收"),
        ],
    }
    if link == "handover_from":
        leg["handover_from"] = {"carrier": "dhl", "tracking_number": obj["shipments"][0]["tracking_number"]}
    obj["shipments"][0]["events"] = dhl_events
    obj["shipments"].append(leg)
    return obj


@pytest.mark.parametrize("link", ["handover_to", "handover_from"])
def test_overseas_leg_handed_over_to_a_chinese_courier_is_one_chain(
    service: VerificationService, link: str
) -> None:
    verdict = verify(service, handed_over(link), DIRECT_NOW)
    assert (verdict["verdict"], verdict["path"]) == ("met", "direct_international")
    first, delivered = (
        verdict["timeline"][r["timeline"]] for r in finding(verdict, "PATH_DIRECT_INTERNATIONAL")["evidence"]
    )
    assert (first["carrier"], first["location"]["country"]) == ("dhl", "JP")
    assert (delivered["carrier"], delivered["milestone"]) == ("sf", "delivered")


def test_without_the_hand_over_the_chinese_leg_is_a_chain_of_its_own(service: VerificationService) -> None:
    verdict = verify(service, handed_over("none"), DIRECT_NOW)
    assert verdict["verdict"] == "not_met"
    assert codes(verdict) == ["ORIGIN_IN_MAINLAND", "NOT_DELIVERED"]


# -- in transit -------------------------------------------------------------------------------------


def test_parcel_held_by_customs_is_not_delivered(service: VerificationService) -> None:
    """DHL's customs-hold document (Osaka → Shanghai, on hold): no path yet, no blocker either."""
    obj = direct()
    obj["shipments"] = [
        {
            "carrier": "dhl",
            "tracking_number": "3027158481",
            "declared_origin_country": "JP",
            "documents": [dhl_document("express-osaka-shanghai-customs-hold.json")],
        }
    ]
    obj["order"]["placed_at"] = "2026-03-05T01:00:00Z"
    obj["complaint"] = {
        "type": "direct_supply",
        "filed_at": "2026-03-09T02:00:00Z",
        "credentials": [{"kind": "waybill", "carrier": "dhl", "tracking_number": "3027158481"}],
    }
    verdict = verify(service, obj, datetime(2026, 3, 10, tzinfo=UTC))
    assert (verdict["verdict"], verdict["path"]) == ("insufficient_evidence", None)
    assert codes(verdict) == ["NOT_DELIVERED"]
    assert verdict["timeline"][-1]["milestone"] == "customs_held"
    assert verdict["complaint"]["decision"] == "manual_review"


def test_first_scan_without_a_country_is_a_gap_even_in_transit(service: VerificationService) -> None:
    """Fix: rules.md names this gap without waiting for delivery; TRACE_INCOMPLETE came only after it."""
    obj = direct()
    events(obj)[0]["location"] = {"facility": "Service Point 4471"}
    obj["shipments"][0]["events"] = [e for e in events(obj) if e["milestone"] != "delivered"]
    verdict = verify(service, obj, DIRECT_NOW)
    assert verdict["verdict"] == "insufficient_evidence"
    assert codes(verdict) == ["TRACE_INCOMPLETE", "NOT_DELIVERED"]
    assert finding(verdict, "TRACE_INCOMPLETE")["evidence"][0] == {"timeline": 0}


# -- time and speed ---------------------------------------------------------------------------------


def _last_two_moved(second_city: str, first_at: str, second_at: str, first_city: str = "Shanghai") -> Json:
    obj = direct()
    out_for_delivery, delivered = events(obj)[-2:]
    out_for_delivery.update(occurred_at=first_at, location={"city": first_city, "country": "CN"})
    delivered.update(occurred_at=second_at, location={"city": second_city, "country": "CN"})
    return obj


@pytest.mark.parametrize(
    ("case", "first_city", "second_city", "first_at", "second_at", "impossible"),
    [
        (
            "9 km in one minute: a short hop is not speed-checked",
            "Hangzhou",
            "萧山区",
            "2026-03-04T05:01:00Z",
            "2026-03-04T05:02:00Z",
            False,
        ),
        (
            "163 km in 5 minutes counts as 10 minutes (978 km/h)",
            "Shanghai",
            "Hangzhou",
            "2026-03-04T04:57:00Z",
            "2026-03-04T05:02:00Z",
            False,
        ),
        (
            "163 km at the same instant, also 10 minutes",
            "Shanghai",
            "Hangzhou",
            "2026-03-04T05:02:00Z",
            "2026-03-04T05:02:00Z",
            False,
        ),
        (
            "1,128 km in 60 minutes",
            "Beijing",
            "Hangzhou",
            "2026-03-04T04:02:00Z",
            "2026-03-04T05:02:00Z",
            True,
        ),
        (
            "1,128 km in 70 minutes",
            "Beijing",
            "Hangzhou",
            "2026-03-04T03:52:00Z",
            "2026-03-04T05:02:00Z",
            False,
        ),
    ],
)
def test_speed_is_checked_on_moves_of_100_km_or_more(
    service: VerificationService,
    case: str,
    first_city: str,
    second_city: str,
    first_at: str,
    second_at: str,
    impossible: bool,
) -> None:
    obj = _last_two_moved(second_city, first_at, second_at, first_city)
    verdict = verify(service, obj, DIRECT_NOW)
    assert ("TIMELINE_IMPOSSIBLE" in codes(verdict)) is impossible, case


@pytest.mark.parametrize(
    ("picked_up", "basis", "raised"),
    [
        ("2026-02-28T13:14:00Z", "assumed_utc", False),  # 13 h before the order: within the margin
        ("2026-02-28T11:14:00Z", "assumed_utc", True),  # 15 h before: beyond it
        ("2026-02-28T13:14:00Z", "carrier_utc", True),  # a real UTC time needs no margin
    ],
)
def test_dispatch_before_order_with_assumed_utc_needs_the_14_hour_margin(
    service: VerificationService, picked_up: str, basis: str, raised: bool
) -> None:
    obj = direct()
    events(obj)[0].update(occurred_at=picked_up, time_basis=basis)
    events(obj)[0].pop("local_offset_minutes")
    verdict = verify(service, obj, DIRECT_NOW)
    assert ("DISPATCH_BEFORE_ORDER" in codes(verdict)) is raised
    assert verdict["verdict"] == ("not_met" if raised else "met")


@pytest.mark.parametrize(
    ("arrived", "basis", "raised"),
    [
        ("2026-03-01T23:00:00Z", "assumed_utc", False),  # 13 h before the departure
        ("2026-03-01T21:00:00Z", "assumed_utc", True),  # 15 h before
        ("2026-03-01T23:00:00Z", "carrier_offset", True),
    ],
)
def test_arrival_before_departure_with_assumed_utc_needs_the_14_hour_margin(
    service: VerificationService, arrived: str, basis: str, raised: bool
) -> None:
    obj = direct()
    _, departed, arrival = events(obj)[:3]
    departed["occurred_at"] = "2026-03-02T12:00:00Z"
    arrival.update(occurred_at=arrived, time_basis=basis)
    verdict = verify(service, obj, DIRECT_NOW)
    assert ("TIMELINE_IMPOSSIBLE" in codes(verdict)) is raised
    assert verdict["verdict"] == ("not_met" if raised else "met")


# -- places -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("city", ["萧山区", "Xiaoshan District", "杭州市", "HANGZHOU", "蕭山區"])
def test_a_district_of_the_destination_city_is_the_destination(
    service: VerificationService, city: str
) -> None:
    obj = direct()
    events(obj)[-1]["location"] = {"city": city, "country": "CN"}
    verdict = verify(service, obj, DIRECT_NOW)
    assert (verdict["verdict"], codes(verdict)) == ("met", ["PATH_DIRECT_INTERNATIONAL"])


def test_the_same_district_is_another_city_for_a_nanjing_order(service: VerificationService) -> None:
    obj = direct()
    events(obj)[-1]["location"] = {"city": "萧山区", "country": "CN"}
    obj["order"]["destination"] = {"country": "CN", "region": "Jiangsu", "city": "南京市"}
    verdict = verify(service, obj, DIRECT_NOW)
    assert verdict["verdict"] == "not_met"
    assert "DESTINATION_MISMATCH" in codes(verdict)


def test_delivered_elsewhere_is_a_contradiction_not_a_gap(service: VerificationService) -> None:
    """Fix: TRACE_INCOMPLETE used to say the delivery 'does not show where it happened'."""
    obj, now = fixture("destination_mismatch.raises")
    verdict = verify(service, obj, now)
    assert codes(verdict) == ["DESTINATION_MISMATCH"]


def test_traditional_characters_name_the_same_places(service: VerificationService) -> None:
    """A Taipei merchant: picked up in 臺北市 (Taiwan, outside Mainland China), delivered in 蕭山區."""
    obj = direct()
    obj["shipments"][0]["declared_origin_country"] = "TW"
    for event in events(obj)[:2]:
        event.update(local_offset_minutes=480, location={"city": "臺北市", "country": "TW"})
    events(obj)[-1]["location"] = {"city": "蕭山區", "country": "CN"}
    obj["order"]["destination"]["city"] = "杭州市"
    verdict = verify(service, obj, DIRECT_NOW)
    assert (verdict["verdict"], verdict["path"]) == ("met", "direct_international")
    assert codes(verdict) == ["PATH_DIRECT_INTERNATIONAL"]


def test_a_bonded_zone_written_in_traditional_characters_is_recognised(service: VerificationService) -> None:
    obj = copy.deepcopy(BONDED)
    obj["shipments"][0]["dispatch"] = {"bonded_zone": "杭州綜合保稅區"}
    events(obj)[0]["location"]["facility"] = None
    verdict = verify(service, obj, BONDED_NOW)
    assert (verdict["verdict"], verdict["path"]) == ("met", "bonded_zone")


# -- destinations outside Mainland China ------------------------------------------------------------


def test_outside_the_mainland_any_route_that_is_traceable_is_met(service: VerificationService) -> None:
    """Sold to Hong Kong and shipped from Shenzhen: no path condition applies, only traceability."""
    obj = copy.deepcopy(ABROAD)
    number = "SF1420157763410"
    obj["shipments"] = [
        {
            "carrier": "sf",
            "tracking_number": number,
            "events": [
                sf_event(number, "2026-04-01T06:00:00Z", "picked_up", "深圳市", "顺丰速运 已收取快件"),
                sf_event(number, "2026-04-01T10:00:00Z", "departed_origin", "深圳市", "快件已发车 深圳→香港"),
                sf_event(number, "2026-04-02T02:00:00Z", "delivered", "香港", "已签收", country="HK"),
            ],
        }
    ]
    verdict = verify(service, obj, ABROAD_NOW)
    assert (verdict["verdict"], verdict["path"]) == ("met", None)
    assert codes(verdict) == ["PATH_TRACEABLE_ABROAD"]


def test_outside_the_mainland_places_compare_by_country(service: VerificationService) -> None:
    obj = copy.deepcopy(ABROAD)
    events(obj)[-1]["location"] = {"city": "Kowloon", "country": "HK"}
    assert verify(service, obj, ABROAD_NOW)["verdict"] == "met"
    events(obj)[-1]["location"] = {"city": "Macau", "country": "MO"}
    verdict = verify(service, obj, ABROAD_NOW)
    assert verdict["verdict"] == "not_met"
    assert codes(verdict) == ["DESTINATION_MISMATCH"]


@pytest.mark.parametrize(
    ("destination", "return_country", "raised"),
    [("TW", "CN", True), ("TW", "TW", False), ("HK", "CN", True), ("US", "JP", False)],
)
def test_return_address_in_the_consumers_region(
    service: VerificationService, destination: str, return_country: str, raised: bool
) -> None:
    obj = copy.deepcopy(ABROAD)
    obj["order"]["destination"] = {"country": destination}
    obj["merchant"]["return_address"] = {"country": return_country}
    for event in events(obj)[2:]:
        event["location"] = {"country": destination}
    verdict = verify(service, obj, ABROAD_NOW)
    assert ("RETURN_ADDRESS_NOT_LOCAL" in codes(verdict)) is raised
    assert verdict["verdict"] == "met"


# -- general trade and bonded zones -----------------------------------------------------------------


def test_general_trade_met_with_a_code_per_unit(service: VerificationService) -> None:
    verdict = verify(service, copy.deepcopy(TRADE), TRADE_NOW)
    assert (verdict["verdict"], verdict["path"]) == ("met", "general_trade")
    assert finding(verdict, "PATH_GENERAL_TRADE")["evidence"] == [
        {"pointer": "/trace_codes/0"},
        {"pointer": "/trace_codes/1"},
    ]


def test_general_trade_missing_one_code_is_not_met(service: VerificationService) -> None:
    obj = copy.deepcopy(TRADE)
    obj["order"]["items"][0]["trace_codes"].pop()
    verdict = verify(service, obj, TRADE_NOW)
    assert (verdict["verdict"], verdict["path"]) == ("not_met", None)
    assert finding(verdict, "TRACE_CODE_MISSING")["evidence"] == [{"pointer": "/order/items/0"}]


def test_general_trade_declaration_without_a_date_is_not_late(service: VerificationService) -> None:
    obj = copy.deepcopy(TRADE)
    obj["customs"][0]["declared_at"] = None
    assert verify(service, obj, TRADE_NOW)["path"] == "general_trade"


def test_bonded_zone_met(service: VerificationService) -> None:
    verdict = verify(service, copy.deepcopy(BONDED), BONDED_NOW)
    assert (verdict["verdict"], verdict["path"]) == ("met", "bonded_zone")
    assert codes(verdict) == ["PATH_BONDED_ZONE"]
    assert "Hangzhou Comprehensive Bonded Zone" in finding(verdict, "PATH_BONDED_ZONE")["message"]


def test_bonded_zone_named_by_the_first_scan_alone(service: VerificationService) -> None:
    """No ``dispatch``: the first scan's facility names the zone; the 1210 record implies the claim."""
    obj = copy.deepcopy(BONDED)
    del obj["shipments"][0]["dispatch"]
    del obj["order"]["claimed_path"]
    verdict = verify(service, obj, BONDED_NOW)
    assert (verdict["verdict"], verdict["path"]) == ("met", "bonded_zone")


def test_unknown_zone_without_a_bonded_record_starts_in_the_mainland(service: VerificationService) -> None:
    """BONDED_ZONE_UNKNOWN spares the origin only on an order with a 1210/1239 record."""
    obj, now = fixture("bonded_zone_unknown.raises")
    obj["customs"] = []
    verdict = verify(service, obj, now)
    assert verdict["verdict"] == "not_met"
    assert {"BONDED_ZONE_UNKNOWN", "ORIGIN_IN_MAINLAND"} <= set(codes(verdict))


# -- tracking numbers -------------------------------------------------------------------------------


def test_cn_posted_s10_number_on_a_direct_claim(service: VerificationService) -> None:
    obj = direct()
    for number, raised in (("EA362719047CN", True), ("EE123456785JP", False)):
        obj["shipments"][0].update(carrier="chinapost" if raised else "japanpost", tracking_number=number)
        for event in events(obj):
            event["tracking_number"] = number
        verdict = verify(service, obj, DIRECT_NOW)
        assert ("TRACKING_ORIGIN_MISMATCH" in codes(verdict)) is raised, number


@pytest.mark.parametrize("carrier", ["japanpost", "auspost", "koreapost", "royalmail", "dhl"])
def test_forged_s10_number_is_invalid_for_any_carrier_id(service: VerificationService, carrier: str) -> None:
    """rules.md §6a: the S10 shape with a wrong check digit is TRACKING_NUMBER_INVALID whatever the
    carrier id, also one with no adapter and no formats of its own (a forged number never gives met)."""
    obj = direct()
    for number, raised in (("EE123456786JP", True), ("EE123456785JP", False)):
        obj["shipments"][0].update(carrier=carrier, tracking_number=number)
        for event in events(obj):
            event["tracking_number"] = number
        verdict = verify(service, obj, DIRECT_NOW)
        assert ("TRACKING_NUMBER_INVALID" in codes(verdict)) is raised, (carrier, number)
        assert (verdict["verdict"] == "not_met") is raised, (carrier, number)


@pytest.mark.parametrize(
    ("number", "operator", "raised"),
    [
        ("YT8962646785389", "圆通速递", False),  # a YTO number scanned by YTO
        ("73610555582883", "圆通速递", True),  # a ZTO-shaped number is no YTO format
        ("73610555582883", None, False),  # no operator: any carrier's formats, and ZTO's fits
        ("ABCDEFG", None, True),  # fits no carrier's format at all
    ],
)
def test_aggregator_numbers_are_judged_by_the_operators_formats(
    service: VerificationService, number: str, operator: str | None, raised: bool
) -> None:
    obj = copy.deepcopy(TRADE)
    shipment = obj["shipments"][0]
    shipment.update(carrier="kuaidi100", tracking_number=number)
    for event in shipment["events"]:
        event.update(carrier="kuaidi100", tracking_number=number)
        if operator:
            event["operator"] = operator
    verdict = verify(service, obj, TRADE_NOW)
    assert ("TRACKING_NUMBER_UNRECOGNISED" in codes(verdict)) is raised
    assert verdict["verdict"] == "met"


# -- raw carrier documents --------------------------------------------------------------------------


def _with_document(document: Json, number: str = "4589127734") -> Json:
    obj = direct()
    obj["shipments"] = [
        {
            "carrier": "dhl",
            "tracking_number": number,
            "declared_origin_country": "JP",
            "documents": [document],
        }
    ]
    obj["customs"][0]["declared_at"] = "2026-03-01T19:00:00Z"
    return obj


def test_raw_dhl_document_verifies_end_to_end(service: VerificationService) -> None:
    obj = _with_document(dhl_document("express-osaka-hangzhou-delivered.json"))
    verdict = service.verify_bytes(json.dumps(obj).encode(), DIRECT_NOW)
    assert_valid_verdict(verdict)
    assert (verdict["verdict"], verdict["path"]) == ("met", "direct_international")
    assert codes(verdict) == ["PATH_DIRECT_INTERNATIONAL"]
    timeline = verdict["timeline"]
    assert len(timeline) == 11
    assert {e["time_basis"] for e in timeline} == {"location_timezone"}
    assert (timeline[0]["location"]["country"], timeline[-1]["milestone"]) == ("JP", "delivered")


def test_raw_dhl_document_through_the_command_line(tmp_path: Any) -> None:
    obj = _with_document(dhl_document("express-osaka-hangzhou-delivered.json"))
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(obj), "utf-8")
    result = run_cli("verify", str(path), "--now", "2026-03-10T00:00:00Z")
    assert result.status == 0, result.stderr
    assert result.json()["verdict"] == "met"


def test_unreadable_document_beside_complete_events_leaves_the_evidence_insufficient(
    service: VerificationService,
) -> None:
    """Fix: a shipment whose document could not be read is not fully evidenced (contract, input rules)."""
    obj = direct()
    obj["shipments"][0]["documents"] = [dhl_document("malformed-truncated.json")]
    verdict = verify(service, obj, DIRECT_NOW)
    assert (verdict["verdict"], verdict["path"]) == ("insufficient_evidence", None)
    assert finding(verdict, "DOCUMENT_UNREADABLE")["evidence"] == [{"pointer": "/shipments/0/documents/0"}]


def test_failed_documents_give_one_finding_per_shipment(service: VerificationService) -> None:
    """Fix: one finding per code and subject (output rules); the subject is the shipment."""
    obj = _with_document(dhl_document("malformed-truncated.json"), number="8264715546")
    obj["shipments"][0]["documents"] += [
        {"carrier": "dhl", "content": (DHL_DOCS / "malformed-gateway-html.txt").read_text("utf-8")},
        dhl_document("error-404-not-found.json"),
    ]
    verdict = verify(service, obj, DIRECT_NOW)
    assert codes(verdict) == ["CARRIER_UNAVAILABLE", "DOCUMENT_UNREADABLE", "NOT_DELIVERED"]
    assert finding(verdict, "DOCUMENT_UNREADABLE")["evidence"] == [
        {"pointer": "/shipments/0/documents/0"},
        {"pointer": "/shipments/0/documents/1"},
    ]
    assert finding(verdict, "CARRIER_UNAVAILABLE")["evidence"] == [{"pointer": "/shipments/0/documents/2"}]
    assert verdict["verdict"] == "insufficient_evidence"


def test_unreadable_credential_document_leaves_the_verdict_alone(service: VerificationService) -> None:
    """rules.md, smaller points: the credential stays unverified; the verdict does not change."""
    obj = direct()
    obj["complaint"] = {
        "type": "direct_supply",
        "filed_at": "2026-03-07T12:00:00Z",
        "credentials": [
            {
                "kind": "logistics_record",
                "carrier": "dhl",
                "tracking_number": "3027158481",
                "documents": [dhl_document("malformed-gateway-html.txt")],
            }
        ],
    }
    verdict = verify(service, obj, DIRECT_NOW)
    assert (verdict["verdict"], verdict["path"]) == ("met", "direct_international")
    assert {"DOCUMENT_UNREADABLE", "CONSUMER_WAYBILL_UNVERIFIED"} <= set(codes(verdict))
    assert verdict["complaint"]["decision"] == "manual_review"


# -- evidence that names a missing field ------------------------------------------------------------


def test_incomplete_code_cites_its_record_when_the_field_is_absent(service: VerificationService) -> None:
    """Fix: the pointer used to name the absent field, which resolves to nothing in the bundle."""
    obj = copy.deepcopy(TRADE)
    del obj["trace_codes"][1]["importer"]
    verdict = verify(service, obj, TRADE_NOW)
    assert finding(verdict, "TRACE_CODE_INCOMPLETE")["evidence"] == [{"pointer": "/trace_codes/1"}]


def test_complaint_findings_cite_the_complaint_when_the_member_is_absent(
    service: VerificationService,
) -> None:
    """Fix: ``credentials`` and ``certificate`` are optional; their absence is cited as the complaint."""
    obj = direct()
    obj["complaint"] = {"type": "direct_supply", "filed_at": "2026-03-07T12:00:00Z"}
    verdict = verify(service, obj, DIRECT_NOW)
    assert finding(verdict, "CONSUMER_EVIDENCE_MISSING")["evidence"] == [{"pointer": "/complaint"}]
    obj["complaint"] = {"type": "genuine_goods", "filed_at": "2026-03-07T12:00:00Z"}
    verdict = verify(service, obj, DIRECT_NOW)
    assert finding(verdict, "GGG_CERTIFICATE_MISSING")["evidence"] == [{"pointer": "/complaint"}]
    assert verdict["complaint"]["decision"] == "manual_review"


def test_same_district_name_in_two_provinces_resolves_by_region(service: VerificationService) -> None:
    """The order's parcel passes Nanchang's 西湖区; the consumer's own parcel was delivered in Hangzhou's."""
    obj, now = fixture("consumer_waybill_unlinked.raises")
    events(obj)[-2].update(
        milestone="in_transit", location={"city": "西湖区", "region": "江西省", "country": "CN"}
    )
    verdict = verify(service, obj, now)
    assert "CONSUMER_WAYBILL_UNLINKED" in codes(verdict)


def test_a_cn_postal_number_on_a_handed_over_domestic_leg_is_no_origin_mismatch(
    service: VerificationService,
) -> None:
    """An overseas leg handed over to China Post EMS: the suffix CN is the domestic leg's, not the origin."""
    obj = handed_over("handover_to")
    ems = "EA362719047CN"
    obj["shipments"][0]["events"][-1]["handover_to"] = {"tracking_number": ems}
    leg = obj["shipments"][1]
    leg.update(carrier="kuaidi100", tracking_number=ems)
    for event in leg["events"]:
        event.update(carrier="kuaidi100", tracking_number=ems, operator="ems")
    verdict = verify(service, obj, DIRECT_NOW)
    assert "TRACKING_ORIGIN_MISMATCH" not in codes(verdict)
    assert (verdict["verdict"], verdict["path"]) == ("met", "direct_international")


def test_ports_in_different_notations_are_not_compared(service: VerificationService) -> None:
    obj, now = fixture("port_mismatch.twin")
    for code in obj["trace_codes"]:
        code["import_port"] = "CNSHA"  # a UN/LOCODE against the declaration's district code
    verdict = verify(service, obj, now)
    assert "PORT_MISMATCH" not in codes(verdict)

"""The ``kuaidi100`` adapter: query answers, refusals and pushes, field by field.

Each table row quotes the raw ``ftime`` (Beijing time, no offset) and the UTC instant it must become,
with the place Kuaidi100 gave (``areaName`` / ``areaCode`` or the leading bracket of ``context``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import jsonschema
import pytest

from carriers.kuaidi100 import SPEC
from carriers.kuaidi100.codes import STATE_CODES, classify_text
from trace_verify.domain.documents import DocumentRejected, ParseResult

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "carriers" / "kuaidi100"
EVENT_SCHEMA = json.loads((ROOT / "trace_verify" / "contract" / "schemas" / "event.schema.json").read_text())
CT = "carrier_timezone"


def parse(name: str) -> ParseResult:
    return SPEC.parse((FIXTURES / name).read_bytes())


def raw_data(name: str) -> list[dict[str, Any]]:
    """The fixture's ``data`` oldest first (Kuaidi100 sends newest first), push bodies unwrapped."""
    body = (FIXTURES / name).read_bytes()
    if name.endswith(".txt"):
        doc = json.loads(parse_qs(body.decode())["param"][0])["lastResult"]
    else:
        doc = json.loads(body)
    return list(reversed(doc["data"]))


def row_event(number: str, com: str, row: tuple[Any, ...]) -> dict[str, Any]:
    """Row: raw ftime, UTC, milestone, location, carrier_code, description."""
    _raw, utc, milestone, location, code, description = row
    return {
        "carrier": "kuaidi100",
        "tracking_number": number,
        "occurred_at": utc,
        "local_offset_minutes": None,
        "time_basis": CT,
        "milestone": milestone,
        "location": location,
        "carrier_code": code,
        "description": description,
        "operator": com,
    }


TOKYO = {"city": "东京都", "country": "JP"}
OSAKA = {"city": "大阪", "country": "JP"}
PUDONG = {"city": "浦东新区", "region": "上海", "country": "CN"}
HANGZHOU = {"city": "杭州市", "region": "浙江", "country": "CN"}

# raw ftime (Beijing) | UTC | milestone | location | carrier_code | description
DELIVERED = [
    ("2026-03-07 17:30:00", "2026-03-07T09:30:00Z", "picked_up", TOKYO, "1", "【东京】已收寄"),
    ("2026-03-08 13:20:00", "2026-03-08T05:20:00Z", "export_cleared", TOKYO, "0", "【东京】出口海关放行"),
    ("2026-03-08 22:15:00", "2026-03-08T14:15:00Z", "departed_origin", TOKYO, "0", "【东京】航班起飞"),
    ("2026-03-09 06:47:30", "2026-03-08T22:47:30Z", "arrived_destination_country", PUDONG, "0",
     "【上海市】到达上海国际邮件互换局（进境）"),
    ("2026-03-09 10:03:15", "2026-03-09T02:03:15Z", "customs_processing", PUDONG, "11",
     "【上海市】海关开始办理清关手续"),
    ("2026-03-10 16:22:47", "2026-03-10T08:22:47Z", "import_cleared", PUDONG, "12", "【上海市】进口海关放行"),
    # "离开…互换局" reads as a departure, but inside the destination country it is only transit.
    ("2026-03-11 09:40:51", "2026-03-11T01:40:51Z", "in_transit", PUDONG, "1002",
     "【上海市】离开上海国际邮件互换局，发往杭州邮区中心局"),
    ("2026-03-11 21:18:02", "2026-03-11T13:18:02Z", "in_transit", HANGZHOU, "1001",
     "【杭州市】已到达 杭州邮区中心局"),
    ("2026-03-12 08:05:33", "2026-03-12T00:05:33Z", "out_for_delivery", HANGZHOU, "5",
     "【杭州市】萧山区营业部安排投递，投递员：王师傅"),
    ("2026-03-12 15:42:10", "2026-03-12T07:42:10Z", "delivered", HANGZHOU, "301",
     "【杭州市】已签收，签收人凭取货码签收。感谢使用EMS，期待再次为您服务"),
]  # fmt: skip

# resultv2=1: state names, no statusCode; "[city]" in square brackets.
CUSTOMS_HOLD = [
    ("2026-03-16 09:00:00", "2026-03-16T01:00:00Z", "picked_up", OSAKA, "揽收", "[大阪]已收寄"),
    ("2026-03-16 20:10:00", "2026-03-16T12:10:00Z", "departed_origin", OSAKA, "在途", "[大阪]航班起飞"),
    ("2026-03-17 05:51:22", "2026-03-16T21:51:22Z", "arrived_destination_country", PUDONG, "在途",
     "[上海市]到达上海国际邮件互换局（进境）"),
    ("2026-03-17 14:02:09", "2026-03-17T06:02:09Z", "customs_processing", PUDONG, "清关中",
     "[上海市]海关开始办理清关手续"),
    ("2026-03-18 11:26:40", "2026-03-18T03:26:40Z", "customs_held", PUDONG, "清关异常",
     "[上海市]海关查验，需收件人提供身份证明及补充申报资料"),
]  # fmt: skip

HANDOVER_TEXT = "[上海市]快件已转投韵达快递，单号：4318765432109，请至韵达快递官网查询后续物流"
PUSH = [
    ("2026-03-18 16:45:00", "2026-03-18T08:45:00Z", "picked_up", TOKYO, "揽收", "[东京]已收寄"),
    ("2026-03-19 15:20:00", "2026-03-19T07:20:00Z", "departed_origin", TOKYO, "在途", "[东京]航班起飞"),
    ("2026-03-19 23:05:40", "2026-03-19T15:05:40Z", "arrived_destination_country", PUDONG, "在途",
     "[上海市]到达上海国际邮件互换局（进境）"),
    ("2026-03-20 09:41:17", "2026-03-20T01:41:17Z", "customs_processing", PUDONG, "清关中",
     "[上海市]海关开始办理清关手续"),
    ("2026-03-20 18:30:05", "2026-03-20T10:30:05Z", "import_cleared", PUDONG, "已清关",
     "[上海市]进口海关放行"),
    ("2026-03-21 09:12:44", "2026-03-21T01:12:44Z", "in_transit", PUDONG, "转投", HANDOVER_TEXT),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fixture", "number", "table"),
    [
        ("query-ems-tokyo-hangzhou-delivered.json", "EB204817360JP", DELIVERED),
        ("query-ems-osaka-shanghai-customs-hold.json", "EB316209571JP", CUSTOMS_HOLD),
        ("push-ems-tokyo-shanghai-handover-yunda.txt", "EB582073164JP", PUSH),
    ],
)
def test_fixture_matches_its_table_field_by_field(
    fixture: str, number: str, table: list[tuple[Any, ...]]
) -> None:
    assert [d["ftime"] for d in raw_data(fixture)] == [row[0] for row in table], "the table quotes raw times"
    result = parse(fixture)
    assert result.errors == () and [s.tracking_number for s in result.shipments] == [number]
    got = [e.to_json() for e in result.shipments[0].events]
    for event in got:
        event.pop("handover_to", None)
    assert got == [row_event(number, "ems", row) for row in table]


def test_every_event_satisfies_the_contract_schema() -> None:
    for name in ("query-ems-tokyo-hangzhou-delivered.json", "push-ems-tokyo-shanghai-handover-yunda.txt"):
        for event in parse(name).shipments[0].events:
            jsonschema.validate(event.to_json(), EVENT_SCHEMA)


def test_state_7_hand_over_names_the_next_leg() -> None:
    events = parse("push-ems-tokyo-shanghai-handover-yunda.txt").shipments[0].events
    assert [e.handover_to for e in events[:-1]] == [None] * 5
    handover = events[-1].handover_to
    assert handover is not None and handover.tracking_number == "4318765432109"
    assert handover.carrier is None, "韵达 has no adapter of its own"


def test_beijing_time_is_the_carriers_zone_not_an_offset_it_reported() -> None:
    first = parse("query-ems-tokyo-hangzhou-delivered.json").shipments[0].events[0]
    assert (first.time_basis, first.local_offset_minutes) == ("carrier_timezone", None)


def test_a_bracket_the_gazetteer_does_not_know_is_a_facility() -> None:
    """A facility named after its city (杭州转运中心) gives the city and country too (issue 11 §1)."""
    events = parse("query-yuantong-shanghai-hangzhou-in-transit.json").shipments[0].events
    assert [e.location.to_json() for e in events] == [
        {"facility": "上海市浦东新区公司"},
        {"city": "上海市", "country": "CN"},
        {"city": "杭州", "country": "CN", "facility": "杭州转运中心"},
    ]
    assert [e.milestone for e in events] == ["picked_up", "in_transit", "in_transit"]
    assert {e.operator for e in events} == {"yuantong"}


def test_a_refusal_is_a_valid_document() -> None:
    [error] = parse("error-500-not-found.json").errors
    assert (error.code, error.tracking_number, error.message) == (
        "not_found",
        None,
        "查询无结果，请隔段时间再查",
    )
    assert parse("error-503-sign-failed.json").errors[0].code == "unauthorized"


def test_an_aborted_push_without_events_is_not_found() -> None:
    result = parse("push-abort-no-record.json")
    assert result.shipments == ()
    assert [(e.code, e.tracking_number, e.message) for e in result.errors] == [
        ("not_found", "EB473910255JP", "3天查询无记录")
    ]


def test_the_push_reads_the_same_as_form_body_and_as_bare_param() -> None:
    body = (FIXTURES / "push-ems-tokyo-shanghai-handover-yunda.txt").read_bytes()
    param = parse_qs(body.decode())["param"][0].encode()
    assert SPEC.parse(body) == SPEC.parse(param)


@pytest.mark.parametrize(
    "name",
    [
        "malformed-truncated.json",
        "malformed-data-not-array.json",
        "malformed-event-without-time.json",
        "malformed-time-not-iso.json",
        "malformed-form-without-param.txt",
        "malformed-gateway-html.txt",
    ],
)
def test_malformed_documents_are_refused_without_echo(name: str) -> None:
    with pytest.raises(DocumentRejected) as caught:
        parse(name)
    assert caught.value.code == "DOCUMENT_UNREADABLE"
    assert "已收寄" not in caught.value.message and "<html" not in caught.value.message


def test_every_documented_state_has_a_meaning() -> None:
    for state in ("0", "1", "2", "3", "4", "5", "6", "7", "10", "11", "12", "13", "14"):
        assert state in STATE_CODES
    assert STATE_CODES["13"] == "customs_held" and STATE_CODES["12"] == "import_cleared"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("【上海市】进口海关放行", "import_cleared"),
        ("【东京】出口海关放行", "export_cleared"),
        ("[上海市]海关查验，需收件人提供身份证明", "customs_held"),
        ("[上海市]海关开始办理清关手续", "customs_processing"),
        ("【深圳市】已揽收", "picked_up"),
        ("快件已转投顺丰速运，单号：SF1234567890123", "handed_over"),
        ("今天天气很好", None),
    ],
)
def test_chinese_texts_refine_generic_codes(text: str, kind: str | None) -> None:
    assert classify_text(text) == kind


def test_an_unknown_code_with_unknown_words_is_unknown() -> None:
    doc = {"message": "ok", "nu": "EB204817360JP", "com": "ems", "state": "99", "data": [
        {"time": "2026-03-07 17:30:00", "ftime": "2026-03-07 17:30:00", "context": "ok", "statusCode": "9999"}
    ]}  # fmt: skip
    [event] = SPEC.parse(json.dumps(doc).encode()).shipments[0].events
    assert event.milestone == "unknown" and event.carrier_code == "9999"


def test_the_city_comes_from_the_bracket_when_no_area_is_given() -> None:
    doc = {"message": "ok", "nu": "SF1234567890123", "com": "shunfeng", "state": "1", "data": [
        {"time": "2026-03-07 17:30:00", "ftime": "2026-03-07 17:30:00", "context": "【深圳市】已揽收"}
    ]}  # fmt: skip
    [event] = SPEC.parse(json.dumps(doc, ensure_ascii=False).encode()).shipments[0].events
    assert event.location.to_json() == {"city": "深圳市", "country": "CN"}
    assert event.milestone == "picked_up" and event.operator == "shunfeng"

"""The ``sf`` adapter (route query): fixtures field by field, the envelope karrio cannot read, errors.

Each table row shows the raw ``acceptTime`` (Beijing time) and ``acceptAddress`` as SF sent them and the UTC
instant they must become.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from carriers.sf import SPEC
from carriers.sf.codes import classify
from tests.carriers.parse_checks import assert_rejected, story_events
from trace_verify.domain.documents import DocumentRejected, ParseResult

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures" / "carriers" / "sf"
EVENT_SCHEMA = json.loads((ROOT / "trace_verify" / "contract" / "schemas" / "event.schema.json").read_text())


def parse(name: str) -> ParseResult:
    return SPEC.parse((FIXTURES / name).read_bytes())


def inner(name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.loads((FIXTURES / name).read_bytes())["apiResultData"])
    return result


def raw_rows(name: str) -> list[tuple[str, str]]:
    routes = inner(name)["msgData"]["routeResps"][0]["routes"]
    return [(r["acceptTime"], r["acceptAddress"]) for r in routes]


TOKYO = {"city": "东京", "country": "JP"}
SHENZHEN = {"city": "深圳市", "country": "CN"}
GUANGZHOU = {"city": "广州市", "country": "CN"}
HANGZHOU = {"city": "杭州市", "country": "CN"}
HONG_KONG = {"city": "香港", "country": "HK"}

# raw acceptTime | raw acceptAddress | UTC | milestone | location | opCode | remark
INBOUND = [
    ("2026-03-18 09:15:00", "东京", "2026-03-18T01:15:00Z", "picked_up", TOKYO, "50", "顺丰速运 已收取快件"),
    ("2026-03-18 21:40:00", "东京", "2026-03-18T13:40:00Z", "departed_origin", TOKYO, "36",
     "快件离开【东京】，已发往【深圳】"),
    ("2026-03-19 02:10:00", "深圳市", "2026-03-18T18:10:00Z", "arrived_destination_country", SHENZHEN, "31",
     "快件到达【深圳宝安国际机场】"),
    ("2026-03-19 08:30:00", "深圳市", "2026-03-19T00:30:00Z", "customs_processing", SHENZHEN, "611",
     "快件清关中"),
    ("2026-03-20 10:05:00", "深圳市", "2026-03-20T02:05:00Z", "import_cleared", SHENZHEN, "612",
     "快件已清关"),
    ("2026-03-20 14:22:00", "深圳市", "2026-03-20T06:22:00Z", "in_transit", SHENZHEN, "30",
     "快件在【深圳宝安集散中心】完成分拣，准备发往 【广州白云中转场】"),
    ("2026-03-21 06:48:00", "广州市", "2026-03-20T22:48:00Z", "in_transit", GUANGZHOU, "31",
     "快件到达 【广州天河营业点】"),
    ("2026-03-21 08:02:00", "广州市", "2026-03-21T00:02:00Z", "out_for_delivery", GUANGZHOU, "44",
     "快件交给陈师傅，正在派送途中"),
    ("2026-03-21 10:30:00", "广州市", "2026-03-21T02:30:00Z", "delivered", GUANGZHOU, "80",
     "快件已签收,签收人:本人"),
]  # fmt: skip

DOMESTIC = [
    ("2026-03-21 10:30:00", "深圳市", "2026-03-21T02:30:00Z", "picked_up", SHENZHEN, "54",
     "顺丰速运 已收取快件"),
    ("2026-03-21 13:02:11", "深圳市", "2026-03-21T05:02:11Z", "in_transit", SHENZHEN, "30",
     "快件在【深圳南山集散点】完成分拣，准备发往 【深圳华南中转场】"),
    # No border: a departure and an arrival inside the Mainland are just movement.
    ("2026-03-21 18:45:37", "深圳市", "2026-03-21T10:45:37Z", "in_transit", SHENZHEN, "36",
     "快件离开 【深圳华南中转场】，已在发往 【杭州萧山中转场】 的路上"),
    ("2026-03-22 07:20:05", "杭州市", "2026-03-21T23:20:05Z", "in_transit", HANGZHOU, "31",
     "快件到达 【杭州萧山中转场】"),
    ("2026-03-22 09:41:50", "杭州市", "2026-03-22T01:41:50Z", "out_for_delivery", HANGZHOU, "44",
     "快件交给王师傅，正在派送途中"),
    ("2026-03-22 15:08:26", "杭州市", "2026-03-22T07:08:26Z", "delivered", HANGZHOU, "80",
     "快件已签收,签收人:前台"),
]  # fmt: skip

HELD = [
    ("2026-03-23 16:05:00", "香港", "2026-03-23T08:05:00Z", "picked_up", HONG_KONG, "50",
     "顺丰速运 已收取快件"),
    ("2026-03-23 23:10:00", "香港", "2026-03-23T15:10:00Z", "departed_origin", HONG_KONG, "36",
     "快件离开【香港葵涌中转场】，已发往【深圳】"),
    ("2026-03-24 03:40:00", "深圳市", "2026-03-23T19:40:00Z", "arrived_destination_country", SHENZHEN, "31",
     "快件到达【深圳皇岗口岸】"),
    ("2026-03-24 09:15:00", "深圳市", "2026-03-24T01:15:00Z", "customs_processing", SHENZHEN, "611",
     "快件清关中"),
    ("2026-03-25 11:30:00", "深圳市", "2026-03-25T03:30:00Z", "customs_held", SHENZHEN, "613",
     "清关异常，海关要求补充资料，请收件人配合提供身份证明"),
]  # fmt: skip


def expected(number: str, row: tuple[Any, ...]) -> dict[str, Any]:
    _time, _address, utc, milestone, location, code, remark = row
    return {
        "carrier": "sf",
        "tracking_number": number,
        "occurred_at": utc,
        "local_offset_minutes": None,
        "time_basis": "carrier_timezone",
        "milestone": milestone,
        "location": location,
        "carrier_code": code,
        "description": remark,
    }


@pytest.mark.parametrize(
    ("fixture", "number", "table"),
    [
        ("intl-tokyo-guangzhou-delivered.json", "SF1420073985519", INBOUND),
        ("domestic-shenzhen-hangzhou-delivered.json", "SF1306452871943", DOMESTIC),
        ("intl-hongkong-shenzhen-customs-held.json", "SF1588204736617", HELD),
    ],
)
def test_fixture_matches_its_table_field_by_field(
    fixture: str, number: str, table: list[tuple[Any, ...]]
) -> None:
    assert raw_rows(fixture) == [row[:2] for row in table], "the table quotes SF's raw values"
    got = story_events(parse(fixture), "sf", number, EVENT_SCHEMA)
    assert got == [expected(number, row) for row in table]


def test_karrio_defect_the_envelope_is_decoded() -> None:
    """karrio-sf-express reads ``msgData`` at the top level: the real envelope gives an empty error."""
    envelope = json.loads((FIXTURES / "intl-tokyo-guangzhou-delivered.json").read_bytes())
    assert isinstance(envelope["apiResultData"], str) and "msgData" not in envelope
    assert len(parse("intl-tokyo-guangzhou-delivered.json").shipments[0].events) == 9


def test_the_decoded_result_data_alone_reads_the_same() -> None:
    decoded = json.dumps(inner("intl-tokyo-guangzhou-delivered.json"), ensure_ascii=False).encode()
    assert SPEC.parse(decoded) == parse("intl-tokyo-guangzhou-delivered.json")


def test_beijing_time_is_sfs_documented_zone() -> None:
    """ "2026-03-21 10:30:00" is Beijing time: 02:30Z, ``carrier_timezone``, no reported offset."""
    last = parse("intl-tokyo-guangzhou-delivered.json").shipments[0].events[-1]
    assert last.to_json()["occurred_at"] == "2026-03-21T02:30:00Z"
    assert (last.time_basis, last.local_offset_minutes) == ("carrier_timezone", None)


def test_chinese_place_names_resolve_to_their_country() -> None:
    events = parse("intl-tokyo-guangzhou-delivered.json").shipments[0].events
    assert [e.location.country for e in events] == ["JP", "JP"] + ["CN"] * 7


def test_texts_outrank_generic_codes_and_unknown_is_unknown() -> None:
    assert classify("30", "2", "201", ("清关异常，待补充资料",)) == "customs_held"
    assert classify("80", None, None, ()) == "delivered"
    assert classify("31", None, None, ("快件到达【深圳】",)) == "arrived"
    assert classify("9999", None, None, ("系统消息",)) == "unknown"


@pytest.mark.parametrize(
    ("fixture", "code", "number", "message"),
    [
        (
            "error-not-found-no-routes.json",
            "not_found",
            "SF1000000000011",
            "SF returned no routes for this waybill",
        ),
        ("error-business-waybill-unknown.json", "not_found", None, "8152 运单号不存在"),
        ("error-a1006-invalid-signature.json", "unauthorized", None, "A1006 数字签名无效"),
        ("error-a1005-rate-limited.json", "rate_limited", None, "A1005 流量受控"),
    ],
)
def test_error_answers_are_valid_documents(fixture: str, code: str, number: str | None, message: str) -> None:
    result = parse(fixture)
    assert result.shipments == ()
    assert [(e.code, e.tracking_number, e.message) for e in result.errors] == [(code, number, message)]


@pytest.mark.parametrize(
    "fixture",
    [
        "malformed-truncated.json",
        "malformed-result-data-not-json.json",
        "malformed-accept-time.json",
        "malformed-route-resps-not-array.json",
    ],
)
def test_malformed_documents_are_unreadable(fixture: str) -> None:
    assert_rejected(lambda: parse(fixture))


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"[]",
        b'{"routes": []}',
        b'{"apiResultCode": "A1000", "apiResultData": 7}',
        b'{"success": "yes"}',
        b'{"apiResultCode": "A1000", "apiResultData": "{\\"success\\": true, \\"msgData\\": {}}"}',
    ],
)
def test_other_bytes_are_rejected(body: bytes) -> None:
    with pytest.raises(DocumentRejected):
        SPEC.parse(body)

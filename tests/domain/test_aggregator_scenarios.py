"""Honest parcels from abroad evidenced only by a Chinese aggregator's document verify ``met``; their
fraud twins, whose first scan is in Shenzhen, stay ``not_met`` (issue 11, "Done when").

Each document writes its foreign legs as Chinese aggregators do: the city in Chinese (悉尼, 伦敦, 法兰克福,
仁川, 洛杉矶), the country only in the words (澳大利亚出口申报, 离开美国), airports by name (希思罗机场,
仁川机场), a country without a city in 17TRACK's ``address``. The shipment's ``declared_origin_country`` is
the merchant's word and is never what makes these events foreign: the twin keeps the same declaration.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support import BUNDLES, FIXTURES, assert_valid_verdict, load_json
from trace_verify.services.verification import VerificationService

Json = dict[str, Any]
NOW = datetime(2026, 3, 6, 12, 0, tzinfo=UTC)
CARRIERS = FIXTURES / "carriers"

#: (city, carrier, fixture, number, declared origin)
HONEST = [
    ("Sydney", "kuaidi100", "kuaidi100/query-ems-sydney-hangzhou-delivered.json", "EE402177355AU", "AU"),
    ("London", "kuaidi100", "kuaidi100/query-ems-london-hangzhou-delivered.json", "EE518273649GB", "GB"),
    (
        "Frankfurt",
        "17track",
        "17track/gettrackinfo-dpost-frankfurt-hangzhou-delivered.json",
        "LX704188226DE",
        "DE",
    ),
    ("Incheon", "cainiao", "cainiao/detail-incheon-hangzhou-yto-delivered.json", "LP00834517720406", "KR"),
    (
        "Los Angeles",
        "17track",
        "17track/gettrackinfo-usps-losangeles-hangzhou-delivered.json",
        "LZ310599777US",
        "US",
    ),
]


def _bundle(carrier: str, number: str, origin: str, content: str) -> Json:
    base = load_json(BUNDLES / "direct-met.json")
    base.pop("complaint")
    base["shipments"] = [
        {
            "carrier": carrier,
            "tracking_number": number,
            "declared_origin_country": origin,
            "documents": [{"carrier": carrier, "content": content}],
        }
    ]
    return base


def _shenzhen_first(carrier: str, content: str) -> str:
    """The same document with one earlier scan in Shenzhen: the parcel started in Mainland China."""
    doc = json.loads(content)
    if carrier == "kuaidi100":
        doc["data"].append(
            {
                "time": "2026-03-01 12:00:00",
                "ftime": "2026-03-01 12:00:00",
                "context": "【深圳市】快件已揽收",
                "status": "揽收",
                "statusCode": "1",
            }
        )
    elif carrier == "17track":
        provider = doc["data"]["accepted"][0]["track_info"]["tracking"]["providers"][0]
        provider["events"].append(
            {
                "time_iso": "2026-03-01T12:00:00+08:00",
                "time_utc": "2026-03-01T04:00:00Z",
                "description": "【深圳市】快件已揽收",
                "location": "深圳市",
                "sub_status": "InTransit_PickedUp",
                "address": {"country": "CN"},
            }
        )
    else:
        doc["module"][0]["detailList"].append(
            {
                "time": 1772337600000,
                "timeStr": "2026-03-01 12:00:00",
                "timeZone": "GMT+08:00",
                "desc": "[深圳市] 已揽收",
                "actionCode": "PU_PICKUP_SUCCESS",
            }
        )
    return json.dumps(doc, ensure_ascii=False)


def _verify(service: VerificationService, bundle: Json) -> Json:
    verdict = service.verify_json(copy.deepcopy(bundle), NOW)
    assert_valid_verdict(verdict)
    return verdict


@pytest.mark.parametrize(("city", "carrier", "path", "number", "origin"), HONEST, ids=[h[0] for h in HONEST])
def test_honest_parcel_from_abroad_through_a_chinese_aggregator_is_met(
    service: VerificationService, city: str, carrier: str, path: str, number: str, origin: str
) -> None:
    content = (CARRIERS / path).read_text(encoding="utf-8")
    verdict = _verify(service, _bundle(carrier, number, origin, content))
    codes = [f["code"] for f in verdict["findings"]]
    assert (verdict["verdict"], verdict["path"]) == ("met", "direct_international"), (city, codes)
    first = verdict["timeline"][0]
    assert first["location"]["country"] == origin, "the first scan's country is read from the document"


@pytest.mark.parametrize(("city", "carrier", "path", "number", "origin"), HONEST, ids=[h[0] for h in HONEST])
def test_fraud_twin_whose_first_scan_is_in_shenzhen_is_not_met(
    service: VerificationService, city: str, carrier: str, path: str, number: str, origin: str
) -> None:
    content = _shenzhen_first(carrier, (CARRIERS / path).read_text(encoding="utf-8"))
    verdict = _verify(service, _bundle(carrier, number, origin, content))
    codes = [f["code"] for f in verdict["findings"]]
    assert verdict["verdict"] == "not_met", (city, codes)
    assert "ORIGIN_IN_MAINLAND" in codes, (city, codes)

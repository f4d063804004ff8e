"""The registry: registration fields checked one by one, codes belong to one merchant, CSV by line."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.codes_support import add_signing_key, code_record, register
from tests.api.support import MERCHANT_A, MERCHANT_B, PUBLIC_BASE_URL, World, auth, call

BAD_FIELDS = [
    ({"gtin": "3760123450011"}, "/codes/0/gtin", "check digit"),
    ({"gtin": "37601234500"}, "/codes/0/gtin", "digits"),
    ({"origin_country": "XX"}, "/codes/0/origin_country", "ISO 3166"),
    ({"origin_country": None}, "/codes/0/origin_country", "required"),
    ({"departure_country": "France"}, "/codes/0/departure_country", "ISO 3166"),
    ({"import_port": "9999"}, "/codes/0/import_port", "district"),
    ({"import_port": "Shanghai"}, "/codes/0/import_port", "UN/LOCODE"),
    ({"declaration_number": "220120260000045871"}, "/codes/0/declaration_number", "direction"),
    ({"declaration_number": "22012026100004587"}, "/codes/0/declaration_number", "characters"),
    ({"declaration_number": "220119991000045871"}, "/codes/0/declaration_number", "year"),
    ({"importer": {"name": "X", "id": "91310115MA1K3A2B4N"}}, "/codes/0/importer/id", "check character"),
    ({"importer": {"name": "X"}}, "/codes/0/importer/id", "required"),
    ({"importer": {"name": "", "id": "91310115MA1K3A2B4M"}}, "/codes/0/importer/name", "empty"),
    ({"supervision_mode": "9710"}, "/codes/0/supervision_mode", "export"),
    ({"supervision_mode": "4242"}, "/codes/0/supervision_mode", "not known"),
    ({"product": "x" * 201}, "/codes/0/product", "200"),
    ({"colour": "red"}, "/codes/0/colour", "unknown"),
]


def _post(world: World, role: str, records: list[dict[str, Any]]) -> Any:
    return call(world.client, "POST", "/api/v1/trace-codes", role, {"codes": records})


@pytest.mark.parametrize(("change", "pointer", "words"), BAD_FIELDS, ids=[p for _, p, _ in BAD_FIELDS])
def test_each_field_is_checked(world: World, change: dict[str, Any], pointer: str, words: str) -> None:
    add_signing_key(world.database)
    response = call(
        world.client, "POST", "/api/v1/trace-codes", "merchant", {"codes": [code_record(**change)]}
    )
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert error["field"] == pointer
    assert words in error["message"]
    listed = call(world.client, "GET", "/api/v1/trace-codes", "merchant").get_json()
    assert listed["items"] == []  # all or nothing


def test_a_registered_code_answers_its_id_and_signed_url(world: World) -> None:
    add_signing_key(world.database)
    inventory = code_record(
        declaration_number="2928-2026-I-000123456", import_port="CNSHA", gtin="09521234543213"
    )
    [code] = register(world.client, 1, **inventory)
    assert len(code["id"]) == 12 and set(code["id"]) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert code["url"] == f"{PUBLIC_BASE_URL}/t/{code['kid']}{code['id']}?s={code['url'].split('?s=')[1]}"
    assert len(code["url"].split("?s=")[1]) == 22
    assert code["gs1_url"] == code["url"].replace("/t/", "/01/09521234543213/21/")
    assert code["declaration_number"] == "2928202610000123456"[:4] + "2026I000123456"
    assert code["merchant_id"] == MERCHANT_A
    again = call(world.client, "GET", f"/api/v1/trace-codes/{code['id']}", "staff").get_json()
    assert again == code


def test_codes_belong_to_their_merchant(world: World) -> None:
    add_signing_key(world.database)
    [mine] = register(world.client, 1)
    assert call(world.client, "GET", f"/api/v1/trace-codes/{mine['id']}", "merchant_b").status_code == 404
    assert call(world.client, "GET", "/api/v1/trace-codes/AAAAAAAAAAAA", "merchant_b").status_code == 404
    withdraw = call(world.client, "POST", f"/api/v1/trace-codes/{mine['id']}/withdraw", "merchant_b")
    assert withdraw.status_code == 404
    theirs = call(
        world.client,
        "POST",
        "/api/v1/trace-codes",
        "merchant",
        {"codes": [code_record(merchant_id=MERCHANT_B)]},
    )
    assert theirs.status_code == 403
    for role in ("platform", "staff"):
        assert (
            call(world.client, "POST", "/api/v1/trace-codes", role, {"codes": [code_record()]}).status_code
            == 403
        )
    listed = call(world.client, "GET", "/api/v1/trace-codes", "merchant_b").get_json()
    assert listed["items"] == []


def test_json_takes_at_most_1000_codes(world: World) -> None:
    add_signing_key(world.database)
    response = call(
        world.client, "POST", "/api/v1/trace-codes", "merchant", {"codes": [code_record()] * 1001}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "/codes"
    assert len(register(world.client, 1000)) == 1000


def test_without_a_signing_key_registration_says_how_to_make_one(world: World) -> None:
    response = _post(world, "merchant", [code_record()])
    assert response.status_code == 409
    assert "signing-keys create" in response.get_json()["error"]["message"]


CSV_HEADER = (
    "gtin,product,origin_country,departure_country,import_port,declaration_number,importer_name,"
    "importer_id,supervision_mode\n"
)
CSV_ROW = "3760123450010,Médoc,FR,FR,2201,220120261000045871,上海蓝庭酒业有限公司,91310115MA1K3A2B4M,0110\n"


def _csv(world: World, text: str) -> Any:
    return world.client.post(
        "/api/v1/trace-codes",
        data=text.encode("utf-8"),
        headers={**auth("merchant"), "Content-Type": "text/csv"},
    )


def test_csv_registers_every_row(world: World) -> None:
    add_signing_key(world.database)
    response = _csv(world, CSV_HEADER + CSV_ROW * 3)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["registered"] == 3 and len(body["codes"]) == 3
    assert all(c["url"].startswith(f"{PUBLIC_BASE_URL}/t/") for c in body["codes"])


def test_csv_reports_bad_rows_by_line_and_stores_none(world: World) -> None:
    add_signing_key(world.database)
    bad_gtin = CSV_ROW.replace("3760123450010", "3760123450011")
    bad_country = CSV_ROW.replace(",FR,FR,", ",FR,ZZ,")
    response = _csv(world, CSV_HEADER + CSV_ROW + bad_gtin + CSV_ROW + bad_country + "1,2\n")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"]["code"] == "INVALID_ROWS" and body["failed"] == 3
    lines = {row["line"]: row["error"]["field"] for row in body["rows"]}
    assert lines == {3: "/gtin", 5: "/departure_country", 6: "/line/6"}
    assert call(world.client, "GET", "/api/v1/trace-codes", "merchant").get_json()["items"] == []


@pytest.mark.parametrize(
    "text",
    ["", "nope,columns\n1,2\n", CSV_HEADER, b"\xff\xfe".decode("latin-1") + CSV_HEADER],
    ids=["empty", "unknown columns", "no rows", "not utf-8"],
)
def test_csv_refuses_what_is_not_a_code_list(world: World, text: str) -> None:
    add_signing_key(world.database)
    data = text.encode("latin-1") if text.startswith("ÿ") else text.encode("utf-8")
    response = world.client.post(
        "/api/v1/trace-codes", data=data, headers={**auth("merchant"), "Content-Type": "text/csv"}
    )
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["code"] in {"INVALID_REQUEST", "INVALID_ROWS"}

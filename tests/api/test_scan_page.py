"""The scan page ``/t/…``: genuine, forged and withdrawn banners; public and staff views; languages;
nothing of any record for a forged code; failed scans rate-limited per client; no outside resources."""

from __future__ import annotations

import re
from typing import Any

from tests.api.codes_support import add_signing_key, register
from tests.api.support import MERCHANT_A, PUBLIC_BASE_URL, World, auth, call

PUBLIC = ("Médoc 2019, 750 ml", "France (FR)", "2201", f"Merchant {MERCHANT_A}")
STAFF_ONLY = ("220120261000045871", "上海蓝庭酒业有限公司", "91310115MA1K3A2B4M")


def _code(world: World) -> dict[str, Any]:
    add_signing_key(world.database)
    return register(world.client, 1)[0]


def _path(code: dict[str, Any], form: str = "url") -> str:
    return str(code[form]).removeprefix(PUBLIC_BASE_URL)


def test_genuine_public_view_shows_the_public_fields_only(world: World) -> None:
    code = _code(world)
    page = world.client.get(_path(code), headers={"Accept-Language": "en-GB,en;q=0.9"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert 'class="banner genuine"' in html and "Genuine code" in html
    for text in PUBLIC:
        assert text in html
    for text in STAFF_ONLY:
        assert text not in html
    assert page.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]


def test_staff_key_sees_declaration_importer_and_credit_code(world: World) -> None:
    code = _code(world)
    for role in ("staff", "platform"):
        html = world.client.get(_path(code), headers=auth(role)).get_data(as_text=True)
        for text in PUBLIC + STAFF_ONLY:
            assert text in html, (role, text)
    merchant = world.client.get(_path(code), headers=auth("merchant")).get_data(as_text=True)
    assert STAFF_ONLY[0] not in merchant


def test_gs1_digital_link_opens_the_same_page(world: World) -> None:
    code = _code(world)
    html = world.client.get(_path(code, "gs1_url")).get_data(as_text=True)
    assert 'class="banner genuine"' in html and PUBLIC[0] in html
    wrong_gtin = _path(code, "gs1_url").replace("/01/03760123450010/", "/01/09521234543213/")
    assert 'class="banner forged"' in world.client.get(wrong_gtin).get_data(as_text=True)


def test_withdrawn_code_says_so(world: World) -> None:
    code = _code(world)
    call(world.client, "POST", f"/api/v1/trace-codes/{code['id']}/withdraw", "merchant")
    html = world.client.get(_path(code)).get_data(as_text=True)
    assert 'class="banner withdrawn"' in html and "Withdrawn code" in html


def test_forged_code_answers_200_with_nothing_of_any_record(world: World) -> None:
    code = _code(world)
    token = code["url"].split("/t/")[1].split("?s=")[0]
    for path in (f"/t/{token}?s={'A' * 22}", f"/t/{token}", "/t/NOPE?s=x", f"/t/{token[:-1]}A?s={'B' * 22}"):
        page = world.client.get(path, headers=auth("staff"))
        html = page.get_data(as_text=True)
        assert page.status_code == 200, path
        assert 'class="banner forged"' in html
        for text in PUBLIC + STAFF_ONLY:
            assert text not in html, (path, text)


def test_chinese_from_the_browser_language(world: World) -> None:
    code = _code(world)
    html = world.client.get(_path(code), headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}).get_data(
        as_text=True
    )
    assert 'lang="zh-CN"' in html and "真码" in html and "原产国" in html
    forged = world.client.get("/t/AAAAAAAAAAAAA?s=" + "A" * 22, headers={"Accept-Language": "zh"})
    assert "非真码" in forged.get_data(as_text=True)


def test_failed_scans_are_rate_limited_per_client(world: World) -> None:
    code = _code(world)
    statuses = [world.client.get(f"/t/AAAAAAAAAAAA{i % 10}?s={'A' * 22}").status_code for i in range(40)]
    assert statuses.count(429) >= 5 and statuses[0] == 200
    other = world.client.get(f"/t/AAAAAAAAAAAAA?s={'A' * 22}", environ_base={"REMOTE_ADDR": "127.0.0.9"})
    assert other.status_code == 200
    genuine = world.client.get(_path(code))
    assert genuine.status_code == 200  # a genuine scan is never limited


def test_every_resource_the_page_loads_is_the_apps_own(world: World) -> None:
    code = _code(world)
    html = world.client.get(_path(code)).get_data(as_text=True)
    assert "<script" not in html
    links = re.findall(r'(?:href|src)="([^"]+)"', html)
    assert links == ["/static/scan.css"]
    css = world.client.get("/static/scan.css")
    assert css.status_code == 200 and "banner" in css.get_data(as_text=True)
    css.close()
    assert 'name="viewport"' in html

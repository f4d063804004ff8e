"""Signed QR codes: PNG and SVG decode (zxing-cpp) to the signed URL, and the URL opens the right page.

Forgeries: an altered signature, an altered id, a revoked key and a key from another installation scan
as forged; a retired key still verifies.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.api.codes_support import add_signing_key, register, signer
from tests.api.support import PUBLIC_BASE_URL, World, call
from trace_verify.services import qr
from trace_verify.services.signing import Signer, derive_key, sign

zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (test extra) decodes the QR codes")
Image = pytest.importorskip("PIL.Image", reason="pillow (test extra)")


def decode_png(data: bytes) -> list[str]:
    """Every QR text zxing-cpp finds in a PNG."""
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(data)))]


def decode_svg(text: str) -> list[str]:
    """Rasterise the SVG (resvg) and decode it."""
    resvg = pytest.importorskip("resvg_py", reason="resvg-py (test extra) rasterises SVG")
    return decode_png(bytes(resvg.svg_to_bytes(svg_string=text, width=400)))


def _code(world: World, **changes: Any) -> dict[str, Any]:
    add_signing_key(world.database)
    return register(world.client, 1, **changes)[0]


def test_png_and_svg_decode_to_the_signed_url_which_opens_the_genuine_page(world: World) -> None:
    code = _code(world)
    for form, url in (("short", code["url"]), ("gs1", code["gs1_url"])):
        png = call(world.client, "GET", f"/api/v1/trace-codes/{code['id']}/qr.png?form={form}", "merchant")
        assert png.status_code == 200 and png.mimetype == "image/png"
        assert decode_png(png.data) == [url]
        svg = call(world.client, "GET", f"/api/v1/trace-codes/{code['id']}/qr.svg?form={form}", "staff")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        assert decode_svg(svg.get_data(as_text=True)) == [url]
        page = world.client.get(url.removeprefix(PUBLIC_BASE_URL))
        assert page.status_code == 200
        assert 'class="banner genuine"' in page.get_data(as_text=True)


def test_the_longest_short_url_fits_version_5_and_gs1_version_6_at_ecc_m() -> None:
    base = "https://" + "a" * 21 + ".cn"  # 32 bytes, the most PUBLIC_BASE_URL may hold
    assert len(base) == 32
    short = f"{base}/t/A{'Z' * 12}?s={'_' * 22}"
    gs1 = f"{base}/01/09521234543213/21/A{'Z' * 12}?s={'_' * 22}"
    assert len(gs1) == 92
    assert qr.version_of(short) <= 5
    assert qr.version_of(gs1) <= 6
    assert decode_png(qr.png(short)) == [short] and decode_png(qr.png(gs1)) == [gs1]


def _scan(world: World, token: str, signature: str) -> str:
    response = world.client.get(f"/t/{token}?s={signature}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_altered_signature_id_and_revoked_or_foreign_keys_are_forged(world: World) -> None:
    code = _code(world)
    token, signature = code["url"].split("/t/")[1].split("?s=")
    assert 'banner genuine"' in _scan(world, token, signature)
    flipped = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    assert 'banner forged"' in _scan(world, token, flipped)
    other_id = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert 'banner forged"' in _scan(world, other_id, signature)
    foreign = sign(
        derive_key(b"another installation's secret, 32+ bytes", token[0], "00" * 32), token[0], token[1:]
    )
    assert 'banner forged"' in _scan(world, token, foreign)
    keys = signer(world.database)
    keys.create(datetime(2026, 3, 2, tzinfo=UTC))  # rotation: the code's key is retired, still verifies
    assert 'banner genuine"' in _scan(world, token, signature)
    keys.revoke(token[0], datetime(2026, 3, 3, tzinfo=UTC))
    assert 'banner forged"' in _scan(world, token, signature)


def test_a_key_from_another_installation_verifies_nothing(world: World) -> None:
    code = _code(world)
    token, signature = code["url"].split("/t/")[1].split("?s=")
    elsewhere = Signer(world.database, b"a different installation signing secret")
    assert not elsewhere.verify(token[0], token[1:], signature)
    assert signer(world.database).verify(token[0], token[1:], signature)


def test_png_generation_is_cached_and_small() -> None:
    url = "https://tv.example.cn/t/AABCDEFGHIJKL?s=" + "x" * 22
    first = qr.png(url)
    assert qr.png(url) is first
    assert first.startswith(b"\x89PNG") and len(first) < 2_000


@pytest.mark.parametrize("length", [1, 17, 46, 62, 73, 84, 92, 106])
def test_the_fast_encoder_draws_exactly_qrcodes_own_matrix(length: int) -> None:
    """The table-driven Reed–Solomon and placement equal ``qrcode``'s own ``make()`` (same mask)."""
    import random

    rng = random.Random(length)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz234567/:?=._-"
    for _ in range(10):
        text = "".join(rng.choice(alphabet) for _ in range(length))
        assert qr.encode.__wrapped__(text)[1] == qr.reference_matrix(text)


def test_png_pixels_are_the_matrix_with_its_quiet_zone() -> None:
    url = "https://tv.example.cn/t/AZYXWVUTSRQPO?s=" + "0123456789-_abcdefghij"
    _, matrix = qr.encode(url)
    image = Image.open(io.BytesIO(qr.png(url))).convert("L")
    scale, border = qr.PNG_SCALE, qr.BORDER
    assert image.size == ((len(matrix) + 2 * border) * scale,) * 2
    for y in range(-border, len(matrix) + border):
        for x in range(-border, len(matrix) + border):
            dark = 0 <= y < len(matrix) and 0 <= x < len(matrix) and matrix[y][x]
            pixel = image.getpixel(((x + border) * scale + scale // 2, (y + border) * scale + scale // 2))
            assert pixel == (0 if dark else 255), (x, y)


def test_label_sheet_prints_a_batch_with_decodable_codes(world: World) -> None:
    add_signing_key(world.database)
    response = call(world.client, "POST", "/api/v1/trace-codes", "merchant", {"codes": [_record()] * 31})
    batch, codes = response.get_json()["batch"], response.get_json()["codes"]
    sheet = call(world.client, "GET", f"/api/v1/label-sheets/{batch}", "merchant")
    html = sheet.get_data(as_text=True)
    assert sheet.status_code == 200 and sheet.mimetype == "text/html"
    assert "@page { size: A4" in html and html.count('<div class="label">') == 31
    for code in codes:
        assert f"{code['kid']}{code['id']}" in html
    first_svg = html[html.index("<svg") : html.index("</svg>") + 6]
    assert decode_svg(first_svg) in ([c["url"]] for c in codes)
    assert call(world.client, "GET", f"/api/v1/label-sheets/{batch}", "merchant_b").status_code == 404


def _record() -> dict[str, Any]:
    from tests.api.codes_support import code_record

    return code_record()

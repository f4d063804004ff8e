"""The scan page ``/t/{kid}{id}?s=…`` (and its GS1 Digital Link form): what staff see when they scan.

Server-rendered, mobile first, its one stylesheet served by the app (no CDN, no script). A clear
banner says genuine, forged or withdrawn; a genuine code shows its public view (product, origin,
departure, import port, the merchant's public name), and a staff or platform key (``Authorization:
Bearer``) also sees the declaration number and the importer with its credit code. A forged or unknown
code answers 200 with nothing of any record, and failed scans are rate-limited per client address.
The page is in Chinese or English, from the browser's ``Accept-Language``.
"""

from __future__ import annotations

from typing import Any, Final

import pycountry
from flask import Blueprint, Response, render_template, request

from trace_verify.db.models import Role
from trace_verify.refdata import customs_districts
from trace_verify.services.trace_codes import Scan
from trace_verify.web.context import now, services
from trace_verify.web.openapi import Operation
from trace_verify.web.routing import register

bp = Blueprint("scan", __name__)
TAGS = ("trace codes",)

_CSP: Final = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"

TEXT: Final[dict[str, dict[str, str]]] = {
    "en": {
        "title": "Traceability code",
        "genuine": "Genuine code",
        "genuine_note": "Issued by this service and signed. Check that the product in hand matches.",
        "withdrawn": "Withdrawn code",
        "withdrawn_note": "Its merchant withdrew this code: it certifies nothing.",
        "forged": "Not a genuine code",
        "forged_note": "This code was not issued by this service, or it was altered. Do not trust the item's "
        "labelling.",
        "limited": "Too many failed scans",
        "limited_note": "Wait a minute before scanning again.",
        "product": "Product",
        "gtin": "GTIN",
        "origin": "Country of origin",
        "departure": "Country of departure",
        "port": "Import port",
        "merchant": "Merchant",
        "staff": "Staff view",
        "declaration": "Declaration number",
        "importer": "Importer",
        "credit": "Unified social credit code",
        "mode": "Supervision mode",
        "code": "Code",
    },
    "zh": {
        "title": "溯源码",
        "genuine": "真码",
        "genuine_note": "本码由本服务签发并签名。请核对手中商品是否与下列信息一致。",
        "withdrawn": "已撤销的溯源码",
        "withdrawn_note": "商家已撤销此码，此码不证明任何信息。",
        "forged": "非真码",
        "forged_note": "此码并非本服务签发，或已被篡改。请勿相信商品上的标识。",
        "limited": "失败的扫码次数过多",
        "limited_note": "请稍候一分钟再扫码。",
        "product": "商品",
        "gtin": "商品条码 (GTIN)",
        "origin": "原产国",
        "departure": "启运国",
        "port": "进境口岸",
        "merchant": "商家",
        "staff": "工作人员视图",
        "declaration": "报关单号",
        "importer": "进口商",
        "credit": "统一社会信用代码",
        "mode": "监管方式",
        "code": "码",
    },
}


def _language() -> str:
    return request.accept_languages.best_match(["en", "zh"], default="en") or "en"


def _is_staff() -> bool:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    found = services().keys.authenticate(token.strip(), now())
    return found is not None and found.role in (Role.STAFF, Role.PLATFORM)


def _country(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code)
    return f"{found.name} ({code})" if found is not None else code


def _port(code: str) -> str:
    name = customs_districts().name(code) if code.isdigit() else None
    return f"{name} ({code})" if name else code


def _page(result: Scan, status: int = 200) -> Response:
    lang = _language()
    state = result.state
    staff = state != "forged" and _is_staff()
    html = render_template(
        "scan.html",
        t=TEXT[lang],
        lang="zh-CN" if lang == "zh" else "en",
        state=state,
        code=result.code if state != "forged" else None,
        merchant=result.merchant_name if state != "forged" else None,
        staff=staff,
        country=_country,
        port=_port,
    )
    response = Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Vary"] = "Accept-Language, Authorization"
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _scan(token: str, gtin: str | None = None) -> Response:
    result = services().trace_codes.scan(token, request.args.get("s"), gtin)
    if result.state == "forged":
        wait = services().scan_limiter.acquire(f"scan:{request.remote_addr}")
        if wait is not None:
            response = _page(Scan("forged"), 429)
            response.headers["Retry-After"] = str(wait)
            return response
    return _page(result)


def scan_short(token: str) -> Response:
    """``/t/{kid}{id}?s={signature}``: the QR's short form."""
    return _scan(token)


def scan_gs1(gtin: str, token: str) -> Response:
    """GS1 Digital Link ``/01/{gtin}/21/{kid}{id}?s=…``: the same page (the GTIN must be the code's)."""
    return _scan(token, gtin)


SIGNATURE_PARAMETER: dict[str, Any] = {
    "name": "s",
    "in": "query",
    "required": False,
    "description": "The code's signature as its QR carries it (22 base64url characters)",
    "schema": {"type": "string"},
}
_PAGE = {"type": "string"}
OPERATIONS = register(
    bp,
    [
        (
            Operation(
                "GET",
                "/t/{token}",
                "scan_page",
                "The scan page of a QR: genuine, forged or withdrawn (HTML; a staff key sees more)",
                response_schema=_PAGE,
                response_media="text/html",
                errors=(404, 429),
                html_errors=(429,),
                parameters=(SIGNATURE_PARAMETER,),
                tags=TAGS,
                security=False,
            ),
            scan_short,
        ),
        (
            Operation(
                "GET",
                "/01/{gtin}/21/{token}",
                "scan_page_gs1",
                "The same scan page from the GS1 Digital Link form of the QR",
                response_schema=_PAGE,
                response_media="text/html",
                errors=(404, 429),
                html_errors=(429,),
                parameters=(SIGNATURE_PARAMETER,),
                tags=TAGS,
                security=False,
            ),
            scan_gs1,
        ),
    ],
)

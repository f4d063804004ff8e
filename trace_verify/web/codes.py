"""``/api/v1/trace-codes``: register (JSON or CSV), read, withdraw, QR images and label sheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any, Final

from flask import Blueprint, Response, render_template, request

from trace_verify.errors import InvalidInput, NotFound, ServiceError, TooLarge
from trace_verify.services import qr
from trace_verify.services.trace_codes import MAX_JSON_CODES, RowsRejected
from trace_verify.web.context import now, page_request, principal, services
from trace_verify.web.openapi import Operation
from trace_verify.web.routing import PAGE_PARAMETERS, answer, json_body, register

bp = Blueprint("trace_codes", __name__)
TAGS = ("trace codes",)

MAX_CSV_BYTES: Final = 64 * 1024 * 1024
MAX_CSV_ROWS: Final = 100_000
MAX_LABELS: Final = 1_000
CSV_COLUMNS: Final = (
    "gtin",
    "product",
    "origin_country",
    "departure_country",
    "import_port",
    "declaration_number",
    "importer_name",
    "importer_id",
    "supervision_mode",
)
FORM_PARAMETER: dict[str, Any] = {
    "name": "form",
    "in": "query",
    "required": False,
    "description": "`short` (`/t/…`, the default) or `gs1` (GS1 Digital Link, codes with a GTIN)",
    "schema": {"enum": ["short", "gs1"]},
}
BATCH_PARAMETER: dict[str, Any] = {
    "name": "batch",
    "in": "query",
    "required": False,
    "description": "Only the codes of this registration (its `batch`)",
    "schema": {"type": "string"},
}


def register_codes() -> Response:
    """Register codes: ``application/json`` ``{"codes": […]}`` (≤ 1,000) or ``text/csv`` (≤ 100,000 rows)."""
    who = principal()
    if request.mimetype == "text/csv":
        return _register_csv(who)
    return answer(services().trace_codes.register_json(who, json_body(), now()), 201)


def _register_csv(who: Any) -> Response:
    request.max_content_length = MAX_CSV_BYTES
    if request.content_length is not None and request.content_length > MAX_CSV_BYTES:
        raise TooLarge("BODY_TOO_LARGE", f"body larger than {MAX_CSV_BYTES} bytes")
    try:
        result = services().trace_codes.register_rows(who, _csv_rows(), now())
    except RowsRejected as exc:
        response = answer(exc.body(), 400)
        return response
    return answer(result, 201)


def _csv_rows() -> Iterator[tuple[int, dict[str, Any] | ServiceError]]:
    """The CSV's rows as code records, read as they arrive (constant memory), numbered by line."""
    text = io.TextIOWrapper(request.stream, encoding="utf-8-sig", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise InvalidInput("INVALID_REQUEST", "the CSV is empty", "/")
        names = [h.strip() for h in header]
        unknown = [h for h in names if h not in CSV_COLUMNS]
        if unknown or len(set(names)) != len(names):
            raise InvalidInput(
                "INVALID_REQUEST",
                f"CSV columns must be among {', '.join(CSV_COLUMNS)}, each once",
                f"/line/1/{(unknown or ['?'])[0][:40]}",
            )
        count = 0
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            count += 1
            if count > MAX_CSV_ROWS:
                raise TooLarge("BODY_TOO_LARGE", f"more than {MAX_CSV_ROWS} rows")
            if len(row) != len(names):
                yield (
                    reader.line_num,
                    InvalidInput(
                        "INVALID_REQUEST",
                        f"expected {len(names)} cells, got {len(row)}",
                        f"/line/{reader.line_num}",
                    ),
                )
                continue
            yield reader.line_num, _record(dict(zip(names, row, strict=True)))
    except UnicodeDecodeError:
        raise InvalidInput("INVALID_REQUEST", "the CSV is not UTF-8", "/") from None
    except csv.Error as exc:
        raise InvalidInput("INVALID_REQUEST", f"malformed CSV: {exc}"[:200], "/") from None


def _record(cells: dict[str, str]) -> dict[str, Any]:
    record: dict[str, Any] = {k: v for k, v in cells.items() if not k.startswith("importer_") and v != ""}
    record["importer"] = {"name": cells.get("importer_name", ""), "id": cells.get("importer_id", "")}
    return record


def list_codes() -> Response:
    """Codes the key may read."""
    who = principal()
    return answer(services().trace_codes.list(who, page_request(), request.args.get("batch")))


def get_code(code_id: str) -> Response:
    """One code."""
    who = principal()
    return answer(services().trace_codes.get(who, code_id))


def withdraw_code(code_id: str) -> Response:
    """Withdraw a code: its QR then scans as withdrawn and it certifies nothing."""
    who = principal()
    return answer(services().trace_codes.withdraw(who, code_id, now()))


def _url(code_id: str) -> str:
    who = principal()
    codes = services().trace_codes
    code = codes.find(who, code_id)
    short, gs1 = codes.urls(code)
    form = request.args.get("form", "short")
    if form not in ("short", "gs1"):
        raise InvalidInput("INVALID_ARGUMENT", "form must be short or gs1", "/form")
    url = gs1 if form == "gs1" else short
    if url is None:
        raise NotFound("NOT_FOUND", "no QR: the code has no GTIN, or its signing key was revoked")
    return url


def qr_png(code_id: str) -> Response:
    """The code's QR as a PNG."""
    response = Response(qr.png(_url(code_id)), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def qr_svg(code_id: str) -> Response:
    """The code's QR as an SVG."""
    response = Response(qr.svg(_url(code_id)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


def label_sheet(batch: str) -> Response:
    """A printable A4 sheet of one registration's labels (print CSS; up to 1,000 codes)."""
    who = principal()
    codes = services().trace_codes
    rows = codes.batch(who, batch[:32], MAX_LABELS)
    labels = []
    for code in rows:
        short, _ = codes.urls(code)
        if short is not None:
            labels.append({"code": code, "svg": qr.svg(short)})  # sized by the print CSS (30 mm)
    html = render_template("labels.html", batch=batch, labels=labels)
    return Response(html, mimetype="text/html")


_CODE = "TraceCode"
_ERRORS_READ = (400, 401, 403, 404, 429)
OPERATIONS = register(
    bp,
    [
        (
            Operation(
                "POST",
                "/api/v1/trace-codes",
                "register_trace_codes",
                "Register traceability codes of the key's merchant: JSON {codes: [...]} "
                f"(1 to {MAX_JSON_CODES}) or text/csv (header {','.join(CSV_COLUMNS)}; up to "
                f"{MAX_CSV_ROWS:,} rows, 64 MiB); all or none are stored, bad CSV rows are listed by line",
                request_schema="TraceCodeRegistration",
                response_schema="TraceCodeBatch",
                response_status=201,
                errors=(400, 401, 403, 404, 409, 413, 415, 429),
                tags=TAGS,
            ),
            register_codes,
        ),
        (
            Operation(
                "GET",
                "/api/v1/trace-codes",
                "list_trace_codes",
                "List codes (a merchant key sees its own; platform and staff all)",
                response_schema="TraceCodePage",
                errors=(400, 401, 403, 429),
                parameters=(*PAGE_PARAMETERS, BATCH_PARAMETER),
                tags=TAGS,
            ),
            list_codes,
        ),
        (
            Operation(
                "GET",
                "/api/v1/trace-codes/{code_id}",
                "get_trace_code",
                "One code, with the URL its QR carries",
                response_schema=_CODE,
                errors=_ERRORS_READ,
                tags=TAGS,
            ),
            get_code,
        ),
        (
            Operation(
                "POST",
                "/api/v1/trace-codes/{code_id}/withdraw",
                "withdraw_trace_code",
                "Withdraw a code (its merchant): its QR scans as withdrawn, it certifies nothing",
                response_schema=_CODE,
                errors=_ERRORS_READ,
                tags=TAGS,
            ),
            withdraw_code,
        ),
        (
            Operation(
                "GET",
                "/api/v1/trace-codes/{code_id}/qr.png",
                "trace_code_qr_png",
                "The code's QR code as PNG",
                response_schema={"type": "string", "format": "binary"},
                response_media="image/png",
                errors=_ERRORS_READ,
                parameters=(FORM_PARAMETER,),
                tags=TAGS,
            ),
            qr_png,
        ),
        (
            Operation(
                "GET",
                "/api/v1/trace-codes/{code_id}/qr.svg",
                "trace_code_qr_svg",
                "The code's QR code as SVG",
                response_schema={"type": "string"},
                response_media="image/svg+xml",
                errors=_ERRORS_READ,
                parameters=(FORM_PARAMETER,),
                tags=TAGS,
            ),
            qr_svg,
        ),
        (
            Operation(
                "GET",
                "/api/v1/label-sheets/{batch}",
                "trace_code_label_sheet",
                f"A printable A4 label sheet of one registration (up to {MAX_LABELS:,} codes)",
                response_schema={"type": "string"},
                response_media="text/html",
                errors=_ERRORS_READ,
                tags=TAGS,
            ),
            label_sheet,
        ),
    ],
)

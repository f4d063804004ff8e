"""One traceability code's registration fields, checked one by one (rules.md §5–6).

Each refusal names the field's JSON pointer (or the CSV line and column), so a merchant uploading a
thousand codes learns exactly which value of which record is wrong. Checks: GTIN with its GS1 check
digit, assigned ISO 3166 countries, an import port that is a known customs district or a Chinese
UN/LOCODE, a structurally valid import declaration or inventory-list number (§6), the importer's name
and its unified social credit code with its check character, and a known import supervision mode.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from stdnum import ean
from stdnum.cn import uscc

from trace_verify.domain.context import Reference
from trace_verify.domain.countries import is_assigned
from trace_verify.domain.customs import check_declaration, normalise_declaration
from trace_verify.errors import InvalidInput

FIELDS: Final = (
    "merchant_id",
    "gtin",
    "product",
    "origin_country",
    "departure_country",
    "import_port",
    "declaration_number",
    "importer",
    "supervision_mode",
)
REQUIRED: Final = (
    "origin_country",
    "departure_country",
    "import_port",
    "declaration_number",
    "importer",
    "supervision_mode",
)
_LOCODE = re.compile(r"^CN[A-Z2-9]{3}$")
MAX_TEXT: Final = 200


@dataclass(frozen=True, slots=True)
class CodeFields:
    """A valid code's fields, normalised (declaration number without hyphens, upper-case codes)."""

    merchant_id: str | None
    gtin: str | None
    product: str | None
    origin_country: str
    departure_country: str
    import_port: str
    declaration_number: str
    importer_name: str
    importer_credit_code: str
    supervision_mode: str


def _invalid(pointer: str, message: str, code: str = "INVALID_ARGUMENT") -> InvalidInput:
    return InvalidInput(code, message, pointer)


def _text(obj: Mapping[str, Any], name: str, where: str, *, required: bool) -> str | None:
    value = obj.get(name)
    if value is None:
        if required:
            raise _invalid(f"{where}/{name}", f"{name} is required", "INVALID_REQUEST")
        return None
    if not isinstance(value, str):
        raise _invalid(f"{where}/{name}", f"{name} must be a string", "INVALID_REQUEST")
    value = value.strip()
    if not value:
        if required:
            raise _invalid(f"{where}/{name}", f"{name} must not be empty", "INVALID_REQUEST")
        return None
    if len(value) > MAX_TEXT or "\x00" in value:
        raise _invalid(f"{where}/{name}", f"{name} must be at most {MAX_TEXT} characters, no NUL")
    return value


def _country(obj: Mapping[str, Any], name: str, where: str) -> str:
    value = _text(obj, name, where, required=True)
    assert value is not None
    if not is_assigned(value):
        raise _invalid(f"{where}/{name}", f"{name} must be an assigned ISO 3166-1 alpha-2 code")
    return value


def _gtin(value: str | None, where: str) -> str | None:
    if value is None:
        return None
    if not value.isascii() or not value.isdigit() or len(value) not in (8, 12, 13, 14):
        raise _invalid(f"{where}/gtin", "gtin must be 8, 12, 13 or 14 digits")
    if not _gtin_valid(value):
        raise _invalid(f"{where}/gtin", "gtin fails its GS1 check digit")
    return value.zfill(14)


# A bulk upload repeats the same product, importer and declaration on thousands of rows: the pure
# checks are memoised (bounded), which took bulk registration from CPU-bound to insert-bound.
@lru_cache(maxsize=4096)
def _gtin_valid(value: str) -> bool:
    return bool(ean.is_valid(value))


@lru_cache(maxsize=4096)
def _credit_code_valid(value: str) -> bool:
    return bool(uscc.is_valid(value))


@lru_cache(maxsize=4096)
def _declaration_check(value: str, year: int, reference: Reference) -> tuple[str, str]:
    check = check_declaration(value, year, reference.districts)
    return check.status, check.reason


def _port(value: str, where: str, reference: Reference) -> str:
    port = value.upper()
    if port.isascii() and port.isdigit() and len(port) == 4:
        if not reference.districts.district_known(port):
            raise _invalid(f"{where}/import_port", f"customs district {port} is not in the district table")
        return port
    if _LOCODE.match(port):
        return port
    raise _invalid(
        f"{where}/import_port", "import_port must be a 4-digit customs district code or a CN UN/LOCODE"
    )


def _declaration(value: str, where: str, reference: Reference, year: int) -> str:
    status, reason = _declaration_check(value, year, reference)
    if status == "invalid":
        raise _invalid(f"{where}/declaration_number", f"declaration_number {reason}")
    return normalise_declaration(value)


def _importer(obj: Mapping[str, Any], where: str) -> tuple[str, str]:
    importer = obj.get("importer")
    pointer = f"{where}/importer"
    if not isinstance(importer, Mapping):
        raise _invalid(pointer, "importer must be an object {name, id}", "INVALID_REQUEST")
    unknown = sorted(set(importer) - {"name", "id"})
    if unknown:
        raise _invalid(f"{pointer}/{unknown[0][:40]}", "unknown field", "UNKNOWN_FIELD")
    name = _text(importer, "name", pointer, required=True)
    credit = _text(importer, "id", pointer, required=True)
    assert name is not None and credit is not None
    credit = credit.upper()
    if not _credit_code_valid(credit):
        raise _invalid(
            f"{pointer}/id", "id must be an 18-character unified social credit code with its check character"
        )
    return name, credit


def _mode(value: str, where: str, reference: Reference) -> str:
    path = reference.modes.path_of(value)
    if path is None:
        raise _invalid(f"{where}/supervision_mode", f"supervision mode {value[:8]!r} is not known")
    if path == "export":
        raise _invalid(f"{where}/supervision_mode", f"supervision mode {value} is an export mode")
    return value.zfill(4)


def read_code(obj: Any, where: str, reference: Reference, year: int) -> CodeFields:
    """Check one record (a JSON object, or a CSV row as a mapping); raises on the first bad field."""
    if not isinstance(obj, Mapping):
        raise _invalid(where or "/", "a code must be an object", "INVALID_REQUEST")
    unknown = sorted(set(obj) - set(FIELDS))
    if unknown:
        raise _invalid(f"{where}/{str(unknown[0])[:40]}", "unknown field", "UNKNOWN_FIELD")
    name, credit = _importer(obj, where)
    port = _text(obj, "import_port", where, required=True)
    number = _text(obj, "declaration_number", where, required=True)
    mode = _text(obj, "supervision_mode", where, required=True)
    assert port is not None and number is not None and mode is not None
    return CodeFields(
        merchant_id=_text(obj, "merchant_id", where, required=False),
        gtin=_gtin(_text(obj, "gtin", where, required=False), where),
        product=_text(obj, "product", where, required=False),
        origin_country=_country(obj, "origin_country", where),
        departure_country=_country(obj, "departure_country", where),
        import_port=_port(port, where, reference),
        declaration_number=_declaration(number, where, reference, year),
        importer_name=name,
        importer_credit_code=credit,
        supervision_mode=_mode(mode, where, reference),
    )

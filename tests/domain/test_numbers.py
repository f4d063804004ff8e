"""Tracking-number intelligence: normalization, S10, identify() output, assess() statuses, speed.

``tracking_numbers`` (PyPI, generated from an older tracking_number_data) is the oracle of the
differential tests only; runtime code never imports it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tracking_numbers import get_definition  # type: ignore[import-untyped]

from carriers import REGISTRY
from tests.support import run_cli
from trace_verify.domain import numbers
from trace_verify.domain.numbers import normalize_number, s10_country
from trace_verify.domain.numbers.checksums import s10_check_digit
from trace_verify.domain.numbers.definitions import MAX_NUMBER_LENGTH
from trace_verify.refdata import number_definitions as all_definitions

UPPER = st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
DIGIT = st.sampled_from("0123456789")
ALNUM = st.sampled_from("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")

S10_COUNTRIES = next(d for d in all_definitions() if d.courier == "s10").exists[0].exact


#: The domain is given the carriers' number facts by the composition root; the tests give the registry's.
identify = partial(numbers.identify, carriers=REGISTRY.numbers)
assess = partial(numbers.assess, carriers=REGISTRY.numbers)


def _join(parts: list[str]) -> str:
    return "".join(parts)


s10_numbers = st.builds(
    lambda service, serial, digit, country: service + serial + digit + country,
    st.lists(UPPER, min_size=2, max_size=2).map(_join),
    st.lists(DIGIT, min_size=8, max_size=8).map(_join),
    DIGIT,
    st.lists(UPPER, min_size=2, max_size=2).map(_join),
)


# --- normalization -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("rb123456785gb", "RB123456785GB"),
        ("  RB 1234 5678 5 GB \n", "RB123456785GB"),
        ("ＲＢ１２３４５６７８５ＧＢ", "RB123456785GB"),  # full-width, as typed on a CJK keyboard
        ("RB\u200b123456785\u200dGB\ufeff", "RB123456785GB"),  # zero-width space/joiner, BOM
        ("RB\u00a0123456785\u3000GB", "RB123456785GB"),  # no-break and ideographic spaces
        ("1ls71234501123456－1", "1LS71234501123456-1"),  # the hyphen of LaserShip 1LS7 (18) is kept
        ("", ""),
    ],
)
def test_normalize_number(raw: str, expected: str) -> None:
    assert normalize_number(raw) == expected


@pytest.mark.parametrize("raw", ["rb123456785gb", "ＲＢ１２３４５６７８５ＧＢ", "RB 123\u200b456 785 GB"])
def test_identify_normalizes_before_matching(raw: str) -> None:
    result = identify(raw)
    assert result.number == "RB123456785GB"
    assert [c.courier for c in result.candidates] == ["s10"]


# --- UPU S10 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("serial", "digit"),
    [("12345678", 5), ("47110815", 1), ("00071761", 8), ("47312482", 9)],  # domain.md §6.1, re-computed
)
def test_s10_check_digit_reference_values(serial: str, digit: int) -> None:
    assert s10_check_digit(serial) == digit


def test_s10_remainder_rules() -> None:
    # remainder 0 → 5 and remainder 1 → 0: find serials giving each and check the mapping
    by_remainder: dict[int, str] = {}
    for n in range(2000):
        serial = f"{n:08d}"
        total = sum(int(c) * w for c, w in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
        by_remainder.setdefault(total % 11, serial)
    assert s10_check_digit(by_remainder[0]) == 5
    assert s10_check_digit(by_remainder[1]) == 0


@settings(max_examples=400, deadline=None)
@given(s10_numbers)
def test_s10_checksum_agrees_with_tracking_numbers(number: str) -> None:
    oracle = get_definition("S10").test(number)
    assert oracle is not None
    oracle_checksum_ok = not any(name == "checksum" for name, _ in oracle.validation_errors)
    assert (s10_country(number) is not None) == oracle_checksum_ok
    attributed = any(c.courier == "s10" for c in identify(number).candidates)
    assert attributed == (oracle_checksum_ok and number[-2:] in S10_COUNTRIES)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALNUM, min_size=15, max_size=15).map(_join), DIGIT)
def test_ups_checksum_agrees_with_tracking_numbers(body: str, digit: str) -> None:
    number = f"1Z{body}{digit}"
    oracle = get_definition("UPS").test(number)
    assert oracle is not None
    oracle_ok = not any(name == "checksum" for name, _ in oracle.validation_errors)
    ups = next(d for d in all_definitions() if d.key == "ups")
    match = ups.pattern.fullmatch(number)
    assert match is not None
    assert ups.check_passes(match) == oracle_ok


@settings(max_examples=200, deadline=None)
@given(s10_numbers)
def test_s10_with_right_check_digit_is_never_invalid(number: str) -> None:
    serial, digit = number[2:10], number[10]
    fixed = number[:10] + str(s10_check_digit(serial)) + number[11:]
    for carrier in ("ups", "fedex", "dhl", "dhl-express", "usps", "royalmail", "sf", "17track", "epcis"):
        assert assess(fixed, carrier).status != "invalid"
    if int(digit) != s10_check_digit(serial):
        assert assess(number, "ups").status == "invalid"


def test_s10_country() -> None:
    assert s10_country("RB123456785GB") == "GB"
    assert s10_country("rb 123456785 cn") == "CN"
    assert s10_country("RB123456785TW") == "TW"  # not in the data's country list, still S10
    assert s10_country("RB123456786GB") is None  # wrong check digit
    assert s10_country("RB12345678GB") is None  # wrong shape
    assert s10_country("1Z879E930346834440") is None


# --- identify ------------------------------------------------------------------------------------


def test_identify_json_is_the_contract_line() -> None:
    result = run_cli("number", "rb123456785gb")
    line = result.stdout.rstrip("\n")
    assert result.status == 0 and "\n" not in line
    assert json.loads(line) == {
        "number": "RB123456785GB",
        "candidates": [{"courier": "s10", "carrier": "royalmail", "service": "S10", "origin_country": "GB"}],
        "valid": True,
    }


@pytest.mark.parametrize(
    ("number", "courier", "carrier", "origin"),
    [
        ("1Z879E930346834440", "ups", "ups", None),
        ("986578788855", "fedex", "fedex", None),
        ("3318810025", "dhl", "dhl", None),
        ("EE471108151CA", "s10", "canadapost", "CA"),
        ("EE471108151US", "s10", "usps", "US"),
        ("EE471108151CN", "s10", None, "CN"),
        ("SF1385628716739", "sf", "sf", None),
        ("YT8962646785389", "yto", None, None),
    ],
)
def test_identify_maps_couriers_to_adapters(
    number: str, courier: str, carrier: str | None, origin: str | None
) -> None:
    first = identify(number).candidates[0]
    assert (first.courier, first.carrier, first.origin_country) == (courier, carrier, origin)


def test_identify_puts_checked_formats_before_format_only() -> None:
    # 986578788855: FedEx Express (12) by check digit, SF (12) by shape only
    result = identify("986578788855")
    assert [(c.courier, c.check_digit) for c in result.candidates] == [("fedex", True), ("sf", False)]


def test_identify_declines_unassigned_s10_suffix_as_the_data_does() -> None:
    assert identify("RB123456785TW").candidates == ()
    assert not identify("RB123456785XX").valid


@pytest.mark.parametrize("number", ["", "   ", "HELLO", "1Z879E930346834441", "RB123456786GB"])
def test_identify_rejects(number: str) -> None:
    result = identify(number)
    assert not result.valid
    assert result.to_dict()["candidates"] == []


# --- assess --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "carrier", "operators", "status"),
    [
        ("1Z879E930346834440", "ups", (), "valid"),
        ("1Z879E930346834441", "ups", (), "invalid"),  # UPS 1Z, check digit off by one
        ("3318810025", "dhl-express", (), "valid"),
        ("3318810026", "dhl-express", (), "invalid"),  # DHL Express mod 7
        ("JJD0099999999", "dhl-express", (), "valid"),  # piece ID, no check digit
        ("GM2951173225174494", "dhl-express", (), "unrecognised"),  # DHL eCommerce, not Express
        ("GM2951173225174494", "dhl", (), "valid"),
        ("986578788855", "fedex", (), "valid"),
        ("986578788856", "fedex", (), "invalid"),
        ("1Z879E930346834440", "fedex", (), "unrecognised"),
        ("RB123456785GB", "royalmail", (), "valid"),
        ("RB123456785TW", "usps", (), "valid"),  # right check digit: valid whatever the suffix
        ("RB123456786GB", "royalmail", (), "invalid"),
        ("RB123456786GB", "ups", (), "invalid"),  # S10 shape with a wrong digit: invalid for any carrier
        ("RB123456785GB", "ups", (), "unrecognised"),  # right S10 is never invalid, just not a UPS format
        ("SF1385628716739", "sf", (), "valid"),
        ("12345", "sf", (), "unrecognised"),
        ("anything", "no-such-adapter", (), "no_formats"),
        # rules.md §6a "or the UPU S10 shape, for any carrier": carrier ids with no formats of their own
        ("RB123456786JP", "japanpost", (), "invalid"),
        ("RB123456786AU", "auspost", (), "invalid"),
        ("RB123456786KR", "koreapost", (), "invalid"),
        ("RB123456785KR", "koreapost", (), "no_formats"),  # a right S10 digit: nothing to say
    ],
)
def test_assess_statuses(number: str, carrier: str, operators: tuple[str, ...], status: str) -> None:
    assert assess(number, carrier, operators).status == status


@pytest.mark.parametrize(
    ("number", "carrier", "operators", "status"),
    [
        ("YT8962646785389", "kuaidi100", ("yuantong",), "valid"),
        ("YT8962646785389", "kuaidi100", ("ZTO Express",), "unrecognised"),
        ("73610555582883", "cainiao", ("中通快递",), "valid"),
        ("1Z879E930346834441", "17track", ("UPS",), "invalid"),  # the operator's check-digit format
        ("1Z879E930346834441", "17track", (), "unrecognised"),  # no operator: any carrier, S10 only invalid
        ("1Z879E930346834441", "aftership", ("Some Local Post",), "unrecognised"),  # unknown operator
        ("RB123456786CN", "17track", (), "invalid"),  # S10 shape: invalid whatever the carrier
        ("RB123456785CN", "kuaidi100", ("China Post",), "valid"),  # China Post issues S10 items
        ("1Z879E930346834440", "epcis", ("ups", "fedex"), "valid"),
        ("1Z879E930346834440", "epcis", (), "valid"),
        ("ZZZ", "epcis", (), "unrecognised"),
    ],
)
def test_assess_aggregators_use_the_operators_formats(
    number: str, carrier: str, operators: tuple[str, ...], status: str
) -> None:
    assert assess(number, carrier, operators).status == status


def test_assess_reports_what_decided() -> None:
    result = assess("rb123456786gb", "ups")
    assert (result.number, result.services, result.s10_country) == ("RB123456786GB", ("S10",), None)
    assert assess("3318810026", "dhl").services == ("DHL Express",)
    assert assess("RB123456785CN", "usps").s10_country == "CN"


def test_assess_accepts_any_iterable_of_operators() -> None:
    assert assess("YT8962646785389", "kuaidi100", iter(["yto"])).status == "valid"


def test_runtime_never_imports_the_oracle() -> None:
    code = (
        "import sys\n"
        "from carriers import REGISTRY\n"
        "from trace_verify.domain.numbers import identify, assess\n"
        "identify('RB123456785GB', carriers=REGISTRY.numbers)\n"
        "assess('1Z879E930346834440', 'ups', carriers=REGISTRY.numbers)\n"
        "assert 'tracking_numbers' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_no_definition_matches_beyond_the_length_guard() -> None:
    for definition in all_definitions():
        _, widest = re._parser.parse(definition.pattern.pattern).getwidth()  # type: ignore[attr-defined]
        assert widest <= MAX_NUMBER_LENGTH, definition.key


def test_huge_input_is_cheap_and_unmatched() -> None:
    number = "1" * 1_000_000
    assert not identify(number).valid
    assert assess(number, "fedex").status == "unrecognised"

"""The tracking_number_data conformance suite, run against ``identify`` (conformance/README.md).

Every valid test number must be attributed to its file's courier; every invalid one must not be
attributed to the definition that lists it (nor to its courier, except for the overlap the suite's
README documents). The suite is read from the repository's own copy under fixtures/.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from carriers import REGISTRY
from trace_verify.domain import numbers
from trace_verify.domain.numbers.checksums import ALGORITHMS
from trace_verify.domain.numbers.definitions import translate_regex
from trace_verify.refdata import number_definitions as all_definitions

SUITE = Path(__file__).resolve().parents[2] / "fixtures" / "conformance" / "tracking-number-data" / "couriers"
SHIPPED = Path(__file__).resolve().parents[2] / "trace_verify" / "data" / "tracking_numbers" / "couriers"

#: conformance/README.md: "331426749957" is listed invalid for Purolator alpha but is a valid Purolator (12).
SAME_COURIER_OVERLAPS = {("purolator", "331426749957")}


#: The domain is given the carriers' number facts by the composition root; the tests give the registry's.
identify = partial(numbers.identify, carriers=REGISTRY.numbers)


def _files() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(SUITE.glob("*.json"))]


def _cases(kind: str) -> list[Any]:
    cases = []
    for courier in _files():
        for spec in courier["tracking_numbers"]:
            for number in spec["test_numbers"].get(kind) or ():
                case_id = f"{courier['courier_code']}/{spec['name']}/{number.strip()}"
                cases.append(pytest.param(courier["courier_code"], spec["name"], number, id=case_id))
    return cases


def test_suite_is_the_documented_one() -> None:
    files = _files()
    specs = [s for c in files for s in c["tracking_numbers"]]
    assert len(files) == 18
    assert len(specs) == 39
    assert sum(len(s["test_numbers"]["valid"]) for s in specs) == 192
    assert sum(len(s["test_numbers"].get("invalid") or ()) for s in specs) == 88


def test_shipped_data_is_the_suite() -> None:
    """The runtime data and the test copy are the same upstream files."""
    shipped = {p.name: p.read_bytes() for p in SHIPPED.glob("*.json")}
    suite = {p.name: p.read_bytes() for p in SUITE.glob("*.json")}
    assert shipped == suite


def test_every_definition_is_loaded_and_compiled() -> None:
    loaded = {(d.courier, d.name) for d in all_definitions()}
    for courier in _files():
        for spec in courier["tracking_numbers"]:
            assert (courier["courier_code"], spec["name"]) in loaded
            checksum = (spec.get("validation") or {}).get("checksum")
            if checksum:
                assert checksum["name"] in ALGORITHMS


def test_ruby_named_groups_are_translated_but_lookarounds_kept() -> None:
    assert translate_regex(["\\s*(?<A>x\\s*)", "(?<=y)(?<!z)"]) == "(?P<A>x)(?<=y)(?<!z)"


@pytest.mark.parametrize(("courier", "service", "number"), _cases("valid"))
def test_valid_number_is_attributed_to_its_courier(courier: str, service: str, number: str) -> None:
    result = identify(number)
    assert result.valid
    assert (courier, service) in {(c.courier, c.service) for c in result.candidates}


@pytest.mark.parametrize(("courier", "service", "number"), _cases("invalid"))
def test_invalid_number_is_not_attributed_to_its_definition(courier: str, service: str, number: str) -> None:
    result = identify(number)
    assert (courier, service) not in {(c.courier, c.service) for c in result.candidates}
    if (courier, number) not in SAME_COURIER_OVERLAPS:
        assert courier not in {c.courier for c in result.candidates}


def _china_cases(kind: str) -> list[Any]:
    return [
        pytest.param(d.courier, d.name, n, id=f"{d.courier}/{n}")
        for d in all_definitions()
        if d.key.startswith(("sf", "yto", "zto", "sto", "yunda", "jd", "chinapost", "cainiao"))
        for n in (d.test_valid if kind == "valid" else d.test_invalid)
    ]


@pytest.mark.parametrize(("courier", "service", "number"), _china_cases("valid"))
def test_chinese_source_examples_are_recognised(courier: str, service: str, number: str) -> None:
    assert (courier, service) in {(c.courier, c.service) for c in identify(number).candidates}


@pytest.mark.parametrize(("courier", "service", "number"), _china_cases("invalid"))
def test_chinese_near_misses_are_not_attributed(courier: str, service: str, number: str) -> None:
    assert (courier, service) not in {(c.courier, c.service) for c in identify(number).candidates}


def test_chinese_formats_are_all_format_only() -> None:
    china = [
        d
        for d in all_definitions()
        if d.courier in {"sf", "yto", "zto", "sto", "yunda", "jd", "chinapost", "cainiao"}
    ]
    assert len(china) == 11
    assert not any(d.has_check_digit for d in china)

"""Tracking-number format definitions, compiled from the courier files' objects (read outside the
domain, by ``trace_verify.refdata``; they reach the domain inside ``CarrierNumbers``).

The data is ``jkeen/tracking_number_data`` (MIT, v2.0.0 courier files, shipped unchanged under
``trace_verify/data/tracking_numbers/couriers/``) plus this project's format-only definitions of
Chinese couriers in the same format (``.../china/``); SOURCES.md there names every source.

The regexes are written for Ruby/PCRE. Two mechanical translations make them Python patterns:
``(?<Name>`` becomes ``(?P<Name>`` (look-behinds ``(?<=``/``(?<!`` are left alone), and the
whitespace tolerance ``\\s*`` between characters is dropped, because numbers are normalized
(whitespace removed) before matching — the same strings match, with less backtracking.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from trace_verify.domain.numbers.checksums import Check, build_check

#: No definition matches more than 42 characters (USPS IMpb with routing code); longer input is not
#: matched at all, which bounds the work per call whatever a caller passes in.
MAX_NUMBER_LENGTH = 64
_NAMED_GROUP = re.compile(r"\(\?<([A-Za-z_][A-Za-z0-9_]*)>")


@dataclass(frozen=True, slots=True)
class Lookup:
    """One ``additional`` section: a regex group's value must equal one entry or match one regex."""

    name: str
    group: str
    exact: frozenset[str]
    patterns: tuple[re.Pattern[str], ...]

    def accepts(self, value: str | None) -> bool:
        if not value:
            return False
        return value in self.exact or any(p.search(value) for p in self.patterns)


@dataclass(frozen=True, slots=True)
class Definition:
    """One tracking-number format of one courier, compiled."""

    key: str
    courier: str
    courier_name: str
    name: str
    pattern: re.Pattern[str]
    check: Check | None
    prepend_if: tuple[re.Pattern[str], str] | None
    exists: tuple[Lookup, ...]
    test_valid: tuple[str, ...]
    test_invalid: tuple[str, ...]

    @property
    def has_check_digit(self) -> bool:
        return self.check is not None

    def serial(self, match: re.Match[str]) -> str:
        """The SerialNumber group as the checksum sees it (``serial_number_format.prepend_if`` applied)."""
        raw = match.group("SerialNumber") or ""
        if self.prepend_if is not None and self.prepend_if[0].search(raw):
            return self.prepend_if[1] + raw
        return raw

    def check_passes(self, match: re.Match[str]) -> bool:
        """True when the format has no check digit or its check digit is right."""
        if self.check is None:
            return True
        digit = match.group("CheckDigit")
        return bool(digit) and self.check(self.serial(match), digit)

    def lookups_pass(self, match: re.Match[str]) -> bool:
        """The ``validation.additional.exists`` lists (S10: the issuing country must be known)."""
        return all(lookup.accepts(match.group(lookup.group)) for lookup in self.exists)


def translate_regex(source: str | list[str]) -> str:
    """A tracking_number_data regex (string or list of parts) as a Python pattern."""
    text = "".join(source) if isinstance(source, list) else source
    text = _NAMED_GROUP.sub(r"(?P<\1>", text)
    return text.replace("\\s*", "")


def _lookup(section: Mapping[str, Any]) -> Lookup:
    exact = frozenset(str(e["matches"]) for e in section["lookup"] if "matches" in e)
    patterns = tuple(re.compile(str(e["matches_regex"])) for e in section["lookup"] if "matches_regex" in e)
    return Lookup(str(section["name"]), str(section["regex_group_name"]), exact, patterns)


def _definition(courier: Mapping[str, Any], spec: Mapping[str, Any]) -> Definition:
    code = str(courier["courier_code"])
    name = str(spec["name"])
    validation: Mapping[str, Any] = spec.get("validation") or {}
    checksum = validation.get("checksum")
    prepend = (validation.get("serial_number_format") or {}).get("prepend_if")
    sections = {str(s["name"]): s for s in spec.get("additional") or ()}
    required = (validation.get("additional") or {}).get("exists") or ()
    tests: Mapping[str, Any] = spec.get("test_numbers") or {}
    return Definition(
        key=str(spec.get("id") or f"{code}:{name}"),
        courier=code,
        courier_name=str(courier["name"]),
        name=name,
        pattern=re.compile(translate_regex(spec["regex"]), re.ASCII),
        check=build_check(checksum) if checksum else None,
        prepend_if=(re.compile(str(prepend["matches_regex"])), str(prepend["content"])) if prepend else None,
        exists=tuple(_lookup(sections[group]) for group in required),
        test_valid=tuple(str(n) for n in tests.get("valid") or ()),
        test_invalid=tuple(str(n) for n in tests.get("invalid") or ()),
    )


def definitions_from(couriers: Iterable[Mapping[str, Any]]) -> tuple[Definition, ...]:
    """Every definition of every courier object (a decoded courier file), in the order given.

    ``trace_verify.refdata.number_definitions`` reads the shipped files (upstream ``couriers/`` first,
    then ``china/``, each in name order) and compiles them here, once per process.
    """
    return tuple(_definition(courier, spec) for courier in couriers for spec in courier["tracking_numbers"])


def by_courier(definitions: Iterable[Definition]) -> dict[str, tuple[Definition, ...]]:
    """Definitions grouped by courier code, couriers in first-seen order (for tests and tooling)."""
    grouped: dict[str, list[Definition]] = {}
    for definition in definitions:
        grouped.setdefault(definition.courier, []).append(definition)
    return {code: tuple(defs) for code, defs in grouped.items()}

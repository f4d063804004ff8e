"""The check-digit algorithms of tracking_number_data, built once per definition into a closure.

Each builder takes the definition's ``validation.checksum`` object and returns ``check(serial, digit)``.
They follow the reference implementation the data is written for (``tracking_number`` gem,
``checksum_validations.rb``; ``CHECKSUM_ALGORITHMS.md`` in tracking_number_data), including its
quirks, so that a number is accepted here exactly when the data's own test suite accepts it:
a letter in a mod-10 serial counts as ``(ord - 3) % 10`` (UPS), a non-numeric check digit reads as 0
where the reference uses Ruby's ``to_i``, and weights are zipped against the serial (extra serial
characters are ignored).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Check = Callable[[str, str], bool]

_ALPHABET_36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _to_int(text: str) -> int:
    """Ruby's ``String#to_i``: the leading decimal digits, 0 when there are none."""
    if text.isascii() and text.isdigit():
        return int(text)
    end = 0
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return int(text[:end]) if end else 0


def _digit_values(text: str) -> list[int]:
    """Per-character ``to_i`` (a letter counts 0), fast for the usual all-digit serial."""
    return [ord(c) - 48 if "0" <= c <= "9" else 0 for c in text]


#: mod-10 character values: digits as themselves, anything else as ``(ord - 3) % 10`` (UPS letters).
_MOD10_VALUES: dict[str, int] = {chr(i): (i - 48 if 48 <= i <= 57 else (i - 3) % 10) for i in range(128)}


def _mod10_value(char: str) -> int:
    value = _MOD10_VALUES.get(char)
    return value if value is not None else (ord(char) - 3) % 10


def _mod10(spec: Mapping[str, Any]) -> Check:
    evens = spec.get("evens_multiplier")
    odds = spec.get("odds_multiplier")
    reverse = bool(spec.get("reverse"))
    even_weight = int(evens) if evens else 1
    odd_weight = int(odds) if odds else 1

    def check(serial: str, digit: str) -> bool:
        chars = serial[::-1] if reverse else serial
        try:
            evens = sum(map(_MOD10_VALUES.__getitem__, chars[0::2]))
            odds = sum(map(_MOD10_VALUES.__getitem__, chars[1::2]))
        except KeyError:  # a non-ASCII character: compute it the slow way
            evens = sum(map(_mod10_value, chars[0::2]))
            odds = sum(map(_mod10_value, chars[1::2]))
        total = even_weight * evens + odd_weight * odds
        remainder = total % 10
        return (10 - remainder if remainder else 0) == _to_int(digit)

    return check


def _mod7(spec: Mapping[str, Any]) -> Check:
    def check(serial: str, digit: str) -> bool:
        return _to_int(serial) % 7 == _to_int(digit)

    return check


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of an 8-digit serial: weights 8 6 4 2 3 5 9 7, mod 11; 10 → 0, 11 → 5."""
    v = _digit_values(serial[:8])
    if len(v) < 8:
        v += [0] * (8 - len(v))
    total = 8 * v[0] + 6 * v[1] + 4 * v[2] + 2 * v[3] + 3 * v[4] + 5 * v[5] + 9 * v[6] + 7 * v[7]
    remainder = total % 11
    if remainder == 1:
        return 0
    if remainder == 0:
        return 5
    return 11 - remainder


def _s10(spec: Mapping[str, Any]) -> Check:
    def check(serial: str, digit: str) -> bool:
        return s10_check_digit(serial) == _to_int(digit)

    return check


def _sum_product(spec: Mapping[str, Any]) -> Check:
    weights = tuple(int(w) for w in spec.get("weightings") or ())
    modulo1 = int(spec["modulo1"])
    modulo2 = int(spec["modulo2"])

    def check(serial: str, digit: str) -> bool:
        total = sum(map(int.__mul__, _digit_values(serial), weights))
        return total % modulo1 % modulo2 == _to_int(digit)

    return check


def _mod_37_36(spec: Mapping[str, Any]) -> Check:
    """ISO 7064 MOD 37,36 hybrid, as in the DPD parcel label specification 2.4.1."""
    mod = 36

    def check(serial: str, digit: str) -> bool:
        cd = mod
        for char in serial:
            value = _ALPHABET_36.index(char) if char in _ALPHABET_36 else 0
            cd += value
            if cd > mod:
                cd -= mod
            cd *= 2
            if cd > mod:
                cd -= mod + 1
        cd = mod + 1 - cd
        if cd == mod:
            cd = 0
        return _ALPHABET_36[cd] == digit

    return check


def _luhn(spec: Mapping[str, Any]) -> Check:
    def check(serial: str, digit: str) -> bool:
        total = 0
        for index, value in enumerate(reversed(_digit_values(serial))):
            if not index & 1:
                value *= 2
            if value > 9:
                value -= 9
            total += value
        remainder = total % 10
        return (10 - remainder if remainder else 0) == _to_int(digit)

    return check


_BUILDERS: dict[str, Callable[[Mapping[str, Any]], Check]] = {
    "mod10": _mod10,
    "mod7": _mod7,
    "s10": _s10,
    "sum_product_with_weightings_and_modulo": _sum_product,
    "mod_37_36": _mod_37_36,
    "luhn": _luhn,
}

ALGORITHMS = frozenset(_BUILDERS)


def build_check(spec: Mapping[str, Any]) -> Check:
    """The check function for one ``validation.checksum`` object; ValueError for an unknown algorithm."""
    name = spec.get("name")
    builder = _BUILDERS.get(name) if isinstance(name, str) else None
    if builder is None:
        raise ValueError(f"unknown checksum algorithm {name!r}")
    return builder(spec)

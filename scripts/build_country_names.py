"""Write ``trace_verify/data/country_names.csv``: country names as carriers write them in Chinese,
Japanese, Korean and English, from the Unicode CLDR (through Babel), so that a place named in an event's
text can be read with its country (issue 11 §1).

Run with the ``build-data`` extra installed: ``python scripts/build_country_names.py``. The output is
sorted and byte-for-byte reproducible for a given Babel (CLDR) version; the version is written into the
file's first line.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import babel
from babel import Locale

OUT = Path(__file__).resolve().parent.parent / "trace_verify" / "data" / "country_names.csv"

#: CLDR locales read: Simplified and Traditional Chinese, Japanese, Korean, English.
LOCALES = ("zh", "zh_Hant", "zh_Hant_HK", "ja", "ko", "en")
#: CLDR territory codes that are not countries (EU, Eurozone, UN, unknown, pseudo-locales, Kosovo's
#: user-assigned code) and are left out.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB", "XK"})
#: English names that are also common words or US states (Georgia, New Jersey): never read from text.
AMBIGUOUS_EN = frozenset({"Georgia", "Jersey", "Chad", "Jordan", "Turkey", "Guinea", "Niger", "Man"})


def rows() -> list[tuple[str, str, str]]:
    """(name, alpha-2, locale) for every CLDR country name, each name once (first locale wins)."""
    seen: dict[str, tuple[str, str, str]] = {}
    for locale in LOCALES:
        for code, name in Locale.parse(locale).territories.items():
            if not re.fullmatch(r"[A-Z]{2}", code) or code in NOT_COUNTRIES:
                continue
            if locale == "en" and (name in AMBIGUOUS_EN or len(name) < 4):
                continue
            seen.setdefault(name, (name, code, locale))
    return sorted(seen.values())


def main() -> None:
    buffer = io.StringIO()
    buffer.write(
        f"# Unicode CLDR territory names via Babel {babel.__version__}; scripts/build_country_names.py\n"
    )
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("name", "code", "locale"))
    writer.writerows(rows())
    OUT.write_text(buffer.getvalue(), encoding="utf-8")
    print(f"wrote {OUT} ({len(rows())} names)")


if __name__ == "__main__":
    main()

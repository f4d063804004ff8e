"""Add the traditional-character forms of every Chinese bonded-zone name to bonded_zones.csv.

Carriers and merchants in Hong Kong and Taiwan write 杭州綜合保稅區 for 杭州综合保税区. The runtime
has no converter (the gazetteer stores both forms for the same reason), so the data file carries
them, generated here with OpenCC (``s2t``, ``s2hk``, ``s2tw``; the ``build-data`` extra installs it).
Idempotent: run again after editing the file.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import opencc

PATH = Path(__file__).resolve().parent.parent / "trace_verify" / "data" / "bonded_zones.csv"
_HAN = re.compile(r"[\u4e00-\u9fff]")
_CONVERTERS = [opencc.OpenCC(name) for name in ("s2t", "s2hk", "s2tw")]


def traditional_forms(name: str) -> list[str]:
    """Distinct traditional spellings of a simplified name (none for names without Chinese)."""
    if not _HAN.search(name):
        return []
    return [form for form in dict.fromkeys(c.convert(name) for c in _CONVERTERS) if form != name]


def main() -> None:
    text = PATH.read_text("utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    fields = list(rows[0].keys())
    for row in rows:
        aliases = [a for a in row["aliases"].split("|") if a]
        names = [row["name_zh"], *aliases]
        extra = [t for n in names for t in traditional_forms(n)]
        row["aliases"] = "|".join(dict.fromkeys([*aliases, *extra]))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    PATH.write_text(out.getvalue(), "utf-8")


if __name__ == "__main__":
    main()

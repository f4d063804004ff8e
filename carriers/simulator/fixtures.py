"""Which fixture document answers for which tracking number.

Layout: ``<fixtures>/carriers/<carrier-id>/…`` (``.json`` and ``.xml`` files, subfolders allowed).
Lookup, per carrier:

1. ``index.json`` in the carrier folder, if present: ``{"<number>": "file.json"}`` or
   ``{"<number>": {"file": "file.json", "status": 404}}`` (a stored error document with its status);
2. otherwise the first file, in sorted path order, whose bytes contain the number as a whole token
   (not touching another letter or digit): a real response always echoes the number it answers for.
   Files named ``error-*`` or ``malformed-*`` are skipped by this scan (they are test inputs for the
   parsers, not answers); list them in ``index.json`` to serve them.

Files are read per request, so fixtures added while the simulator runs are served at once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

_SUFFIXES = frozenset({".json", ".xml"})
_SKIPPED_PREFIXES = ("error-", "malformed-")


@dataclass(frozen=True, slots=True)
class Fixture:
    """A stored carrier answer: its bytes, the HTTP status to send, and its media type."""

    body: bytes
    status: int
    content_type: str


class FixtureStore:
    """Finds the fixture for ``(carrier, number)`` under ``root/carriers/``."""

    def __init__(self, root: Path) -> None:
        self.root = root / "carriers" if (root / "carriers").is_dir() else root

    def find(self, carrier: str, number: str) -> Fixture | None:
        folder = self.root / carrier
        if not number or not folder.is_dir():
            return None
        index = folder / "index.json"
        if index.is_file():
            return self._from_index(folder, index, number)
        token = re.compile(rb"(?<![A-Za-z0-9])" + re.escape(number.encode()) + rb"(?![A-Za-z0-9])")
        for path in sorted(p for p in folder.rglob("*") if _scannable(p)):
            body = path.read_bytes()
            if token.search(body):
                return Fixture(body, 200, _media_type(path))
        return None

    def _from_index(self, folder: Path, index: Path, number: str) -> Fixture | None:
        entry = json.loads(index.read_bytes()).get(number)
        if entry is None:
            return None
        name, status = (
            (entry, 200) if isinstance(entry, str) else (entry["file"], int(entry.get("status", 200)))
        )
        path = (folder / name).resolve()
        if folder.resolve() not in path.parents:
            raise ValueError(f"index.json of {folder.name} points outside its folder: {name}")
        return Fixture(path.read_bytes(), status, _media_type(path))


def _scannable(path: Path) -> bool:
    return (
        path.suffix in _SUFFIXES
        and path.name != "index.json"
        and not path.name.startswith(_SKIPPED_PREFIXES)
        and path.is_file()
    )


def _media_type(path: Path) -> str:
    return "application/xml" if path.suffix == ".xml" else "application/json"

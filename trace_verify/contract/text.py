"""Text every supported database can store: no NUL (U+0000) anywhere (issue 10, class 5).

PostgreSQL refuses a NUL in ``text`` and ``varchar`` (``DataError``: a 500), SQLite stores it; so a
NUL in an id, a name, a number, a query value or a cursor is refused at the boundary with its pointer,
and both databases answer the same. (Lone surrogates, the other text PostgreSQL refuses, never get
past the strict decoder.)
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

from trace_verify.errors import InvalidInput, pointer_of

NUL: Final = "\x00"
CODE: Final = "INVALID_TEXT"
MESSAGE: Final = "text must not contain NUL (U+0000): it cannot be stored"


def refuse_nul_in(values: Iterable[tuple[str, str]]) -> None:
    """Refuse the first ``(pointer, text)`` whose text holds a NUL."""
    for pointer, text in values:
        if NUL in text:
            raise InvalidInput(CODE, MESSAGE, pointer)


def refuse_nul_in_json(raw: bytes | str, obj: Any) -> None:
    """Refuse a decoded JSON document holding a NUL in any key or string (found via ``\\u0000`` in ``raw``).

    The decoder refuses raw control characters, so a NUL can only arrive escaped: documents without
    the escape are not walked at all.
    """
    marker = b"\\u0000" if isinstance(raw, bytes) else "\\u0000"
    if marker not in raw:  # type: ignore[operator]
        return
    found = _first_nul(obj)
    if found is not None:
        raise InvalidInput(CODE, MESSAGE, pointer_of(found))


def _first_nul(obj: Any) -> list[str | int] | None:
    stack: list[tuple[Any, list[str | int]]] = [(obj, [])]
    while stack:
        node, path = stack.pop()
        if isinstance(node, str):
            if NUL in node:
                return path
        elif isinstance(node, dict):
            for key, value in reversed(list(node.items())):
                if NUL in key:
                    return [*path, key]
                stack.append((value, [*path, key]))
        elif isinstance(node, list):
            stack.extend((value, [*path, i]) for i, value in reversed(list(enumerate(node))))
    return None

"""One bad event does not sink a document (issue 11 §5): events left out, with a warning each.

An adapter reads its events through :func:`each_event`; a reader that meets an event it cannot trust
(no time at all) raises :class:`EventDropped` instead of refusing the document. The event is left out
and a :class:`~trace_verify.domain.documents.ParseWarning` with its pointer is recorded; the adapter's
``parse_document``, wrapped in :func:`keeps_warnings`, returns them in ``ParseResult.warnings``. A
document whose every event was dropped is refused as before: nothing trustworthy is left in it.

Why a context variable and not a list threaded through every reader: the warning is raised deep in an
adapter's time reading, and threading a list through each adapter's call chain would touch every
function signature of seven adapters being restructured concurrently.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from contextvars import ContextVar
from dataclasses import replace
from typing import Final, TypeVar

from trace_verify.domain.documents import DocumentRejected, ParseResult, ParseWarning

_T = TypeVar("_T")
_I = TypeVar("_I")
_COLLECTED: Final[ContextVar[list[ParseWarning] | None]] = ContextVar("dropped_events", default=None)


class EventDropped(DocumentRejected):
    """An event that cannot be trusted; outside :func:`each_event` it refuses the document as before."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__("DOCUMENT_UNREADABLE", f"{pointer}: {message}")
        self.pointer = pointer
        self.reason = message


def each_event(items: Sequence[_I], read: Callable[[int, _I], _T], what: str) -> list[_T]:
    """``read(i, item)`` for every item, leaving out (with a warning) those that raise EventDropped.

    Raises DOCUMENT_UNREADABLE when items were given and none could be read (``what`` names them).
    """
    out: list[_T] = []
    dropped: list[EventDropped] = []
    for i, item in enumerate(items):
        try:
            out.append(read(i, item))
        except EventDropped as exc:
            dropped.append(exc)
    if items and not out:
        raise DocumentRejected("DOCUMENT_UNREADABLE", dropped[0].message if dropped else f"no {what}")
    collected = _COLLECTED.get()
    if collected is not None:
        collected += [ParseWarning(d.pointer, f"{d.reason}; it was left out") for d in dropped]
    return out


def keeps_warnings(parse: Callable[..., ParseResult]) -> Callable[..., ParseResult]:
    """Wrap an adapter's ``parse_document`` so that the events it dropped come back as warnings."""

    @functools.wraps(parse)
    def wrapped(*args: object, **kwargs: object) -> ParseResult:
        collected: list[ParseWarning] = []
        token = _COLLECTED.set(collected)
        try:
            result = parse(*args, **kwargs)
        finally:
            _COLLECTED.reset(token)
        return replace(result, warnings=(*result.warnings, *collected)) if collected else result

    return wrapped

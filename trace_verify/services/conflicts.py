"""Concurrent identical writes: a unique violation is a 409 ``CONFLICT`` or the original answer.

Two requests that create the same thing at the same moment both pass their "does it exist?" check and
one of them meets the database's unique constraint (issue 10, class 3). The loser's transaction is
rolled back whole (nothing half-written) and run again: now it sees the winner's row, and the use case
answers as it does for any existing row, with the original answer when the stored row equals the
request (an idempotent replay), else 409. Only when the race repeats beyond a few attempts is the
answer a plain 409. This is not an idempotency store: Idempotency-Key handling is separate.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Final, TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError

from trace_verify.db.session import json_text, writing
from trace_verify.errors import Conflict

T = TypeVar("T")

ATTEMPTS: Final = 3


def conflict(message: str, pointer: str | None = None) -> Conflict:
    """409 ``CONFLICT``."""
    return Conflict("CONFLICT", message, pointer)


def retrying(work: Callable[[], T], message: str, pointer: str | None = None) -> T:
    """Run ``work`` (one whole, writing transaction) again when it lost a unique-constraint race.

    On SQLite the transaction takes the write lock at BEGIN (:func:`writing`); should SQLite still
    answer "database is locked" (its busy timeout ran out), the attempt is retried the same way.
    """
    for _ in range(ATTEMPTS):
        try:
            with writing():
                return work()
        except IntegrityError:
            continue
        except OperationalError as exc:
            if "database is locked" not in str(exc.orig):
                raise
    raise conflict(message, pointer)


def as_stored(obj: Any) -> Any:
    """``obj`` as a JSON column gives it back, so a stored row compares equal to the request it came from."""
    return json.loads(json_text(obj))

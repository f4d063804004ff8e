"""The service's one exception tree (shaped like httpx's): a base error and a few kinds.

Every refusal the service makes is a :class:`ServiceError` of one *kind* — invalid input, not found,
forbidden, conflict, too large, rate limited, unavailable… — carrying the contract's stable error
``code`` (contracts/README.md, "Errors"), a human ``message`` that never echoes hostile input at
length, and an optional JSON ``pointer`` into the offending document (or the argument it names).

The kinds say *what went wrong*, never how a shell answers it: the HTTP status of each kind is decided
once in ``web/errors.py`` and the exit status once in ``cli.py``. Services raise kinds; they name no
HTTP status, header or command-line flag.

Catch :class:`ServiceError` to handle every refusal, or a kind to handle one::

    try:
        merchants.register(body, now)
    except Conflict:
        ...  # already registered
"""

from __future__ import annotations

from typing import Any, ClassVar, Self, TypeVar


class ServiceError(Exception):
    """A request or document the service refuses, with the contract's error code and pointer."""

    #: The code a kind uses when none is given.
    default_code: ClassVar[str] = "INVALID_REQUEST"

    def __init__(self, code: str | None, message: str, pointer: str | None = None) -> None:
        super().__init__(message)
        self.code = code or self.default_code
        self.message = message
        self.pointer = pointer

    def to_json(self) -> dict[str, dict[str, str | None]]:
        """The contract's error body."""
        return {"error": {"code": self.code, "message": self.message, "field": self.pointer}}

    def one_line(self) -> str:
        """The command line's single error line (without the ``error:`` prefix)."""
        return f"{self.code}: {self.pointer or '/'}: {self.message}"

    def at(self, pointer: str | None) -> Self:
        """The same refusal (same kind, code and message) at another pointer."""
        return _rebuild(type(self), {**self.__dict__, "pointer": pointer})

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by kind and attributes (worker processes send refusals back to the parent)."""
        return (_rebuild, (type(self), dict(self.__dict__)))


def _rebuild(kind: type[_E], attributes: dict[str, Any]) -> _E:
    error = kind.__new__(kind)
    Exception.__init__(error, attributes["message"])
    error.__dict__.update(attributes)
    return error


_E = TypeVar("_E", bound=ServiceError)


class InvalidInput(ServiceError):
    """The input breaks the contract: bad JSON, schema, argument or usage (``INVALID_*``, ``UNKNOWN_*``)."""

    default_code = "INVALID_REQUEST"


class Unauthorized(ServiceError):
    """No valid credential: a missing, unknown, revoked or expired key, or an unsigned push."""

    default_code = "UNAUTHORIZED"


class Forbidden(ServiceError):
    """The caller is known but may not do this."""

    default_code = "FORBIDDEN"


class NotFound(ServiceError):
    """No such object — or another tenant's, which must be indistinguishable from an absent one."""

    default_code = "NOT_FOUND"


class Conflict(ServiceError):
    """The object exists already, or the request collides with the stored state."""

    default_code = "CONFLICT"


class Gone(ServiceError):
    """The object existed but is no longer kept (a bulk job's results after the retention period)."""

    default_code = "GONE"


class Unprocessable(ServiceError):
    """Well-formed, but it refers to something that does not exist (e.g. ``UNKNOWN_MERCHANT``)."""

    default_code = "UNPROCESSABLE"


class TooLarge(ServiceError):
    """More bytes than the limit allows (``BODY_TOO_LARGE``)."""

    default_code = "BODY_TOO_LARGE"


class UnsupportedMedia(ServiceError):
    """A body in a media type the operation does not read."""

    default_code = "UNSUPPORTED_MEDIA_TYPE"


class RateLimited(ServiceError):
    """Too many requests; ``retry_after`` says in how many whole seconds to try again."""

    default_code = "RATE_LIMITED"

    def __init__(
        self, code: str | None, message: str, pointer: str | None = None, *, retry_after: int = 1
    ) -> None:
        super().__init__(code, message, pointer)
        self.retry_after = retry_after


class Unavailable(ServiceError):
    """Something the request needs is not ready or not reachable (``DATABASE_NOT_READY``…)."""

    default_code = "UNAVAILABLE"


class Internal(ServiceError):
    """A defect, not bad input; its message never reveals internals."""

    default_code = "INTERNAL_ERROR"


def pointer_of(path: list[str | int] | tuple[str | int, ...]) -> str:
    """RFC 6901 JSON pointer for a path of keys and indexes."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else ""

"""The one exception every shell turns into the contract's error shape.

``InputError`` carries a stable ``code`` (README of the contract, "Errors"), a human ``message`` that never
echoes hostile input at length, an optional JSON ``pointer`` into the offending document, and the HTTP
status the web layer answers with. The command line prints ``error: CODE: /pointer: message`` and
exits 2; the web layer answers ``{"error": {"code", "message", "field"}}``.
"""

from __future__ import annotations


class InputError(Exception):
    """A request or document the service refuses, with the contract's error code."""

    def __init__(self, code: str, message: str, pointer: str | None = None, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.pointer = pointer
        self.status = status

    def to_json(self) -> dict[str, dict[str, str | None]]:
        """The contract's error body."""
        return {"error": {"code": self.code, "message": self.message, "field": self.pointer}}

    def one_line(self) -> str:
        """The command line's single error line (without the ``error:`` prefix)."""
        return f"{self.code}: {self.pointer or '/'}: {self.message}"


def pointer_of(path: list[str | int] | tuple[str | int, ...]) -> str:
    """RFC 6901 JSON pointer for a path of keys and indexes."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else ""

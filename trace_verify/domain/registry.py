"""The traceability-code registry as the verifier sees it: a port the service fills (rules.md §5).

The domain never reads the database nor holds a signing key: the service looks the bundle's code ids
up and checks their signatures, and hands the verifier a :class:`CodeRegistry` that answers for them.
Offline (no registry) the verifier checks the presented records' fields only
(``TRACE_CODE_UNVERIFIED``).
"""

from __future__ import annotations

from typing import Protocol

from trace_verify.domain.bundle import Party
from trace_verify.domain.model import value_object


@value_object
class RegisteredCode:
    """A code as the registry holds it: who it was issued to and what it certifies."""

    id: str
    merchant_id: str
    gtin: str | None
    origin_country: str
    departure_country: str
    import_port: str
    declaration_number: str
    importer: Party
    supervision_mode: str
    withdrawn: bool = False


class CodeRegistry(Protocol):
    """The registry's answers about codes (the service implements it over its database)."""

    def lookup(self, code_id: str) -> RegisteredCode | None:
        """The registered code, or None when the id is unknown."""
        ...

    def signature_valid(self, code_id: str, signature: str) -> bool:
        """True when ``signature`` (``{kid}.{signature}``) is this service's for ``code_id``."""
        ...

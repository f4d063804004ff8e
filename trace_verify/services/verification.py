"""The verification use case shared by the command line and HTTP: bytes or JSON in, verdict JSON out.

The shells only translate transport details (files, exit codes, status codes); reading the bundle,
reading its documents, verifying and writing the verdict happen here, identically for both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from trace_verify.contract.jsonio import dumps_bytes, strict_loads
from trace_verify.contract.reader import read_bundle
from trace_verify.contract.writer import verdict_to_json
from trace_verify.domain.bundle import Bundle
from trace_verify.domain.context import Reference
from trace_verify.domain.documents import DocumentReader
from trace_verify.domain.documents_read import read_documents
from trace_verify.domain.history import TrackingHistory
from trace_verify.domain.policy import DEFAULT_POLICY, Policy
from trace_verify.domain.registry import CodeRegistry
from trace_verify.domain.sources import StoredSources
from trace_verify.domain.verdict import Verdict
from trace_verify.domain.verifier import verify
from trace_verify.errors import ServiceError, TooLarge
from trace_verify.refdata import default_reference


@dataclass(frozen=True, slots=True)
class JsonlOutcome:
    """One line of a ``--jsonl`` run: a verdict or an error, already serialised."""

    line: int
    data: bytes
    ok: bool


class HistorySource(Protocol):
    """Where the stored history of a bundle's tracking numbers comes from (the service's database)."""

    def history_for(self, bundle: Bundle) -> TrackingHistory:
        """The history of every tracking number of ``bundle``."""
        ...


class RegistrySource(Protocol):
    """Where the traceability-code registry's answers for a bundle come from (the service's database)."""

    def registry_for(self, bundle: Bundle, *, conceal_others: bool = False) -> CodeRegistry:
        """The registry's answers for every code id of ``bundle``; with ``conceal_others`` another
        merchant's code is answered as unknown (a merchant caller never learns a code's owner)."""
        ...


class VerificationService:
    """Verifies bundles: offline without ``history`` and ``registry`` (rules.md §5), else with the
    stored history and the code registry (every code looked up, its signature verified)."""

    def __init__(
        self,
        documents: DocumentReader,
        policy: Policy = DEFAULT_POLICY,
        reference: Reference | None = None,
        max_bundle_bytes: int = 16 * 1024 * 1024,
        history: HistorySource | None = None,
        registry: RegistrySource | None = None,
    ) -> None:
        self.documents = documents
        self.policy = policy
        self.reference = reference or default_reference(documents.numbers)
        self.max_bundle_bytes = max_bundle_bytes
        self.history = history
        self.registry = registry

    def read(self, obj: Any) -> Bundle:
        """Validate a decoded bundle and read its documents."""
        return read_documents(read_bundle(obj), self.documents)

    def verify_bundle(
        self,
        bundle: Bundle,
        now: datetime,
        history: TrackingHistory | None = None,
        sources: StoredSources | None = None,
        *,
        conceal_others: bool = False,
    ) -> Verdict:
        """Verify an already-read bundle, with ``history`` or else what the history source says.

        ``sources`` only for stored evidence (rules.md §8): a bundle a caller hands in is judged as given.
        ``conceal_others`` is set for a merchant caller: another merchant's code is then
        ``TRACE_CODE_FORGED`` exactly as an invented one, never ``TRACE_CODE_OTHER_MERCHANT``.
        """
        if history is None and self.history is not None:
            history = self.history.history_for(bundle)
        registry = None
        if self.registry is not None:
            registry = self.registry.registry_for(bundle, conceal_others=conceal_others)
        return verify(
            bundle,
            now,
            policy=self.policy,
            reference=self.reference,
            history=history,
            sources=sources,
            registry=registry,
        )

    def verify_json(self, obj: Any, now: datetime) -> dict[str, Any]:
        """Verdict JSON for a decoded bundle; raises a ``ServiceError`` for an invalid one."""
        return verdict_to_json(self.verify_bundle(self.read(obj), now))

    def verify_bytes(self, raw: bytes, now: datetime) -> dict[str, Any]:
        """Verdict JSON for raw bundle bytes (size limit, strict JSON, schema)."""
        if len(raw) > self.max_bundle_bytes:
            raise TooLarge("BODY_TOO_LARGE", f"bundle larger than {self.max_bundle_bytes} bytes")
        return self.verify_json(strict_loads(raw), now)

    def verify_line(self, number: int, raw: bytes, now: datetime) -> JsonlOutcome | None:
        """The outcome of line ``number``: its verdict, or its error in the contract's shape.

        A blank line answers None (skipped, but still counted by the caller).
        """
        if not raw.strip():
            return None
        try:
            return JsonlOutcome(number, dumps_bytes(self.verify_bytes(raw, now)), True)
        except ServiceError as exc:
            return JsonlOutcome(number, dumps_bytes({"line": number, **exc.to_json()}), False)

    def verify_lines(self, lines: Iterable[bytes | ServiceError], now: datetime) -> Iterator[JsonlOutcome]:
        """Verify one bundle per line, in order; a bad line yields an error line and the run goes on.

        An item may already be a :class:`ServiceError` (e.g. a line over the size limit). Blank lines
        are skipped but still counted, so line numbers match the input file.
        """
        for number, raw in enumerate(lines, start=1):
            if isinstance(raw, ServiceError):
                yield JsonlOutcome(number, dumps_bytes({"line": number, **raw.to_json()}), False)
                continue
            outcome = self.verify_line(number, raw, now)
            if outcome is not None:
                yield outcome

"""Stored history for the verifier (rules.md §6a): which other orders carry the bundle's tracking numbers."""

from __future__ import annotations

from trace_verify.db.repositories import tracking_history
from trace_verify.db.session import Database
from trace_verify.domain.bundle import Bundle
from trace_verify.domain.history import TrackingHistory


class StoredHistory:
    """Looks the bundle's numbers up in the database (``VerificationService(history=…)``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def history_for(self, bundle: Bundle) -> TrackingHistory:
        """The history of every tracking number of ``bundle``."""
        with self.db.transaction() as session:
            return tracking_history(session, bundle)

"""Persistence: SQLAlchemy 2.x typed models, sessions, migrations and the row ↔ domain mappings.

The domain never imports this package; services use it to store evidence and to look up the history
the verifier is given (``domain.history.TrackingHistory``).
"""

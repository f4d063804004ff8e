"""Alembic migrations (``script_location = trace_verify:migrations``); run by ``trace_verify.db.migrate``."""

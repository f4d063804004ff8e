"""trace_verify: verifies Overseas Direct Supply claims from logistics and customs evidence."""

__version__ = "0.1.0"

"""Test-only fault points: a named place where the process can be made to die on purpose.

``trace-verify serve`` arms them from the settings (``TRACE_VERIFY_FAULTS``), which refuse to arm
any unless ``TRACE_VERIFY_TESTING=1`` is also set (``config.py``): a production process can never be
told to crash. An armed point ends the process at once (``os._exit``), as a killed worker would:
no response, no clean-up, whatever was committed stays committed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

log = logging.getLogger(__name__)

_armed: frozenset[str] = frozenset()


def arm(names: Iterable[str]) -> None:
    """Arm these fault points in this process (the start-up calls it from the settings)."""
    global _armed
    _armed = frozenset(names)
    if _armed:
        log.warning("test fault points armed: %s", ", ".join(sorted(_armed)))


def fault_point(name: str) -> None:
    """Die here when ``name`` is armed."""
    if name in _armed:
        log.warning("fault point %s: exiting", name)
        os._exit(99)

"""The carrier simulator, started once per client test module and cleared between its tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from carriers.simulator import build_app, running
from tests.carriers.support import FIXTURES, Sim


@pytest.fixture(scope="module")
def sim(request: pytest.FixtureRequest) -> Iterator[Sim]:
    """The simulator over fixtures/, built with the module's ``SIMULATOR_OPTIONS`` (``build_app`` keywords).

    Started only by modules that ask for it; a module may still define its own ``sim``.
    """
    options: dict[str, Any] = getattr(request.module, "SIMULATOR_OPTIONS", {})
    app = build_app(FIXTURES, **options)
    with running(app) as base:
        yield app, base


@pytest.fixture
def clean_sim(sim: Sim) -> Sim:
    """The simulator with no fault armed and no request recorded (use with ``pytest.mark.usefixtures``)."""
    sim[0].faults.clear()
    sim[0].requests.clear()
    return sim

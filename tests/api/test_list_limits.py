"""``?limit=`` as the README says (issue 10, class 11): larger values are clamped to 100, however many
digits they have; only what is not a positive integer is refused."""

from __future__ import annotations

import pytest

from tests.api.support import World, call


@pytest.mark.parametrize("limit", ["1" + "0" * 30, "9" * 5000, "101", "0100"])
def test_a_large_limit_is_clamped_not_refused(world: World, limit: str) -> None:
    for path in ("/api/v1/orders", "/api/v1/merchants", "/api/v1/orders/ORD-A-1/verdicts"):
        response = call(world.client, "GET", f"{path}?limit={limit}", "platform")
        assert response.status_code == 200, (path, response.get_json())
        assert len(response.get_json()["items"]) <= 100


@pytest.mark.parametrize("limit", ["0", "00", "-5", "1e30", "", "１０"])
def test_a_limit_that_is_not_a_positive_integer_is_refused_with_its_pointer(world: World, limit: str) -> None:
    response = call(world.client, "GET", f"/api/v1/orders?limit={limit}", "platform")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "/limit"

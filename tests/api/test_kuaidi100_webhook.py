"""Kuaidi100 pushes (issue 10, class 9): only signed content counts. Unsigned extra fields are refused,
and one signed push is stored once however its form is re-encoded or reordered."""

from __future__ import annotations

from urllib.parse import parse_qs, quote, urlencode

import sqlalchemy as sa

from tests.api.support import MERCHANT_A, World, call, order_body
from tests.support import FIXTURES
from trace_verify.db.models import CarrierDocument, WebhookPush

PUSH = (FIXTURES / "carriers" / "kuaidi100" / "push-ems-tokyo-shanghai-handover-yunda.txt").read_bytes()


def _push(world: World, body: bytes) -> object:
    return world.client.post(
        "/api/v1/webhooks/kuaidi100", data=body, content_type="application/x-www-form-urlencoded"
    )


def _count(world: World, model: type) -> int:
    with world.database.transaction() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(model)) or 0)


def test_unsigned_padding_is_refused_and_nothing_is_stored(world: World) -> None:
    for padded in (PUSH + b"&pad=" + b"x" * 500_000, b"pad=1&" + PUSH, PUSH + b"&param=x"):
        response = _push(world, padded)
        assert response.status_code == 401, response.get_json()  # type: ignore[attr-defined]
    assert _count(world, WebhookPush) == 0


def test_one_signed_push_is_stored_once_however_it_is_encoded(world: World) -> None:
    body = order_body("ORD-K100", MERCHANT_A, "C-A-001")
    body["shipments"] = [{"carrier": "kuaidi100", "tracking_number": "EB582073164JP"}]
    assert call(world.client, "POST", "/api/v1/orders", "platform", body).status_code == 201
    fields = {k: v[0] for k, v in parse_qs(PUSH.decode()).items()}
    encodings = [
        PUSH,
        urlencode({"sign": fields["sign"], "param": fields["param"]}).encode(),
        ("param=" + quote(fields["param"], safe="") + "&sign=" + fields["sign"].lower()).encode(),
    ]
    answers = [_push(world, encoded).get_json() for encoded in encodings]  # type: ignore[attr-defined]
    assert [a["duplicate"] for a in answers] == [False, True, True], answers
    assert answers[-1]["deliveries"] == 3
    assert answers[0]["shipments_matched"] == 1
    assert _count(world, WebhookPush) == 1
    assert _count(world, CarrierDocument) == 1

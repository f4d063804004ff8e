"""The demo data set: merchants, orders and keys with fixed, documented values (README, "Roles and keys").

Loaded through the same services as the API (same validation), as the platform — except
``merchant-orders/``, submitted as their merchant would (rules.md §8: the merchant's word); loading
twice changes nothing. The keys are public: a database holding them must never face the internet.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Final

import sqlalchemy as sa
from sqlalchemy.orm import Session

from trace_verify.db.models import ApiKey, KeyState, LedgerTransaction, Merchant, Order, Role
from trace_verify.db.session import Database
from trace_verify.domain.documents import DocumentReader
from trace_verify.errors import Conflict
from trace_verify.services import ledger
from trace_verify.services.access import Principal
from trace_verify.services.keys import KeyService, digest
from trace_verify.services.merchants import MerchantService
from trace_verify.services.orders import OrderService
from trace_verify.services.trace_codes import TraceCodeService


@dataclass(frozen=True, slots=True)
class DemoKey:
    """One documented demo key."""

    id: str
    role: Role
    secret: str
    merchant_id: str | None = None
    consumer_id: str | None = None


#: The demo keys, as README.md lists them.
DEMO_KEYS: Final = (
    DemoKey("demo-platform", Role.PLATFORM, "tvk_demo_platform_0f3b9c2e7a4d4815b6e2c9a1f07d53e8"),
    DemoKey("demo-staff", Role.STAFF, "tvk_demo_staff_5a1c7e9b3d2f4a6c8e0b1d3f5a7c9e2b"),
    DemoKey(
        "demo-merchant-osaka",
        Role.MERCHANT,
        "tvk_demo_merchant_osaka_8c2e4a6b0d1f3e5a7c9b2d4f6a8c0e1b",
        merchant_id="M-OSAKA-BEAUTY",
    ),
    DemoKey(
        "demo-merchant-seoul",
        Role.MERCHANT,
        "tvk_demo_merchant_seoul_3e5a7c9b1d2f4a6c8e0b2d4f6a8c1e3b",
        merchant_id="M-SEOUL-SKIN",
    ),
    DemoKey(
        "demo-consumer",
        Role.CONSUMER,
        "tvk_demo_consumer_c33071_7b9d1f3a5c2e4a6b8d0f1e3a5c7b9d2f",
        consumer_id="C-33071",
    ),
)

_LOADER = Principal("demo-loader", Role.PLATFORM)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What a load added (zero everywhere on a second load)."""

    merchants: int
    orders: int
    keys: int
    trace_codes: int = 0
    deposits: int = 0


def load_demo(
    db: Database,
    documents: DocumentReader,
    directory: Path,
    now: datetime,
    trace_codes: TraceCodeService | None = None,
) -> DemoSummary:
    """Load ``directory`` (``merchants.json``, ``orders/*.json``, ``trace_codes.json``) and the demo
    keys; idempotent. With ``trace_codes`` the demo codes are registered (a signing key is made when
    the installation has none), so the general-trade demo order is met against the registry."""
    merchants = MerchantService(db)
    added_merchants = 0
    for body in json.loads((directory / "merchants.json").read_text("utf-8")):
        if not _stored(db, Merchant, body["id"]):
            added_merchants += _created(partial(merchants.create, _LOADER, body, now))
    added_codes = _load_codes(trace_codes, directory / "trace_codes.json", now) if trace_codes else 0
    orders = OrderService(db, documents)
    added_orders = 0
    files = sorted((directory / "orders").glob("*.json"))
    for position, file in enumerate(files):
        body = json.loads(file.read_text("utf-8"))
        # One second apart, in file order, as if stored one after the other ("after" matters: §6a).
        stored_at = now - timedelta(seconds=len(files) - position)
        if not _stored(db, Order, body["order"]["id"]):
            added_orders += _created(partial(orders.create, _LOADER, body, stored_at))
    added_orders += _load_merchant_orders(db, orders, directory / "merchant-orders", now)
    keys = KeyService(db)
    added_keys = 0
    for key in DEMO_KEYS:
        with db.transaction() as session:
            if session.get(ApiKey, key.id) is not None or _digest_taken(session, key.secret):
                continue
        keys.create(
            key.role,
            now,
            merchant_id=key.merchant_id,
            consumer_id=key.consumer_id,
            label="demo key (public)",
            secret=key.secret,
            key_id=key.id,
        )
        added_keys += 1
    return DemoSummary(added_merchants, added_orders, added_keys, added_codes, _deposits(db, directory, now))


def _load_codes(service: TraceCodeService, path: Path, now: datetime) -> int:
    """The demo's traceability codes under their documented ids (README, "Traceability codes")."""
    if not path.is_file():
        return 0
    if not any(key.state is KeyState.ACTIVE for key in service.signer.list()):
        service.signer.create(now)
    added = 0
    for entry in json.loads(path.read_text("utf-8")):
        added += service.preload(entry["merchant_id"], list(entry["ids"]), entry["record"], now)
    return added


def _deposits(db: Database, directory: Path, now: datetime) -> int:
    """The opening deposits of ``deposits.json`` (each booked once, by its reference)."""
    path = directory / "deposits.json"
    if not path.is_file():
        return 0
    added = 0
    for item in json.loads(path.read_text("utf-8")):
        with db.write_transaction() as session:
            booked = session.scalars(
                sa.select(LedgerTransaction.id).where(
                    LedgerTransaction.merchant_id == item["merchant_id"],
                    LedgerTransaction.reference == item["reference"],
                )
            ).first()
            if booked is None:
                amount = Decimal(item["amount"])
                ledger.top_up(
                    session,
                    item["merchant_id"],
                    item["currency"],
                    amount,
                    item["reference"],
                    now,
                    _LOADER.key_id,
                )
                added += 1
    return added


def _load_merchant_orders(db: Database, orders: OrderService, directory: Path, now: datetime) -> int:
    """Orders whose shipments and customs records the merchant itself submitted (``merchant`` evidence,
    rules.md §8). The platform issues the order (issue 10); the merchant attaches what it shipped."""
    added = 0
    for file in sorted(directory.glob("*.json")) if directory.is_dir() else ():
        body = json.loads(file.read_text("utf-8"))
        order_id, merchant_id = body["order"]["id"], body["order"]["merchant_id"]
        if _stored(db, Order, order_id):
            continue
        merchant = Principal(f"demo-merchant-{merchant_id}", Role.MERCHANT, merchant_id=merchant_id)
        orders.create(_LOADER, {**body, "shipments": [], "customs": []}, now)
        for shipment in body.get("shipments") or ():
            orders.add_shipment(merchant, order_id, shipment, now)
        for record in body.get("customs") or ():
            orders.add_customs(merchant, order_id, record, now)
        added += 1
    return added


def _stored(db: Database, model: type[Merchant] | type[Order], key: str) -> bool:
    """True when the row is there already (a second load adds nothing; a replay would answer 201)."""
    with db.transaction() as session:
        return session.get(model, key) is not None


def _created(create: Callable[[], object]) -> int:
    """1 when the object was created, 0 when it exists already."""
    try:
        create()
    except Conflict:
        return 0
    return 1


def _digest_taken(session: Session, secret: str) -> bool:
    found = session.scalars(sa.select(ApiKey.id).where(ApiKey.digest == digest(secret)))
    return found.first() is not None

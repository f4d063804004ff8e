"""Merchants: the platform registers them and sets their return address and importer; a merchant
reads its own record (README, "Roles and keys")."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from trace_verify.db.models import Merchant, Role
from trace_verify.db.session import Database
from trace_verify.services.access import Principal, Resource, not_found
from trace_verify.services.conflicts import as_stored, conflict, retrying
from trace_verify.services.pages import PageRequest, page
from trace_verify.services.requests import read_merchant
from trace_verify.services.views import merchant_view


class MerchantService:
    """Register, change and read merchants."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, who: Principal, obj: Any, now: datetime) -> dict[str, Any]:
        """Register a merchant (platform); 409 when the id is taken."""
        who.access(Resource.MERCHANTS, write=True)
        body = read_merchant(obj, create=True)
        return retrying(lambda: self._register(body, now), "a merchant with this id is registered", "/id")

    def _register(self, body: dict[str, Any], now: datetime) -> dict[str, Any]:
        with self.db.transaction() as session:
            existing = session.get(Merchant, body["id"])
            if existing is not None:
                if _same_merchant(existing, body):
                    return merchant_view(existing)  # the same registration again: its original answer
                raise conflict("a merchant with this id is registered", "/id")
            merchant = Merchant(
                id=body["id"],
                name=body["name"],
                return_address=body.get("return_address"),
                registered_importer=body.get("registered_importer"),
                created_at=now,
                updated_at=now,
            )
            session.add(merchant)
            session.flush()
            return merchant_view(merchant)

    def update(self, who: Principal, merchant_id: str, obj: Any, now: datetime) -> dict[str, Any]:
        """Change the name, return address or importer (platform)."""
        who.access(Resource.MERCHANTS, write=True)
        body = read_merchant(obj, create=False)
        with self.db.transaction() as session:
            merchant = session.get(Merchant, merchant_id)
            if merchant is None:
                raise not_found("merchant")
            for name in ("name", "return_address", "registered_importer"):
                if name in body:
                    setattr(merchant, name, body[name])
            merchant.updated_at = now
            session.flush()
            return merchant_view(merchant)

    def get(self, who: Principal, merchant_id: str) -> dict[str, Any]:
        """One merchant; another tenant's answers 404."""
        if not who.sees(Resource.MERCHANTS, merchant_id, None):
            raise not_found(
                "merchant"
            )  # decided before any query: another's id costs what an absent one does
        with self.db.transaction() as session:
            merchant = session.get(Merchant, merchant_id)
            if merchant is None:
                raise not_found("merchant")
            return merchant_view(merchant)

    def list(self, who: Principal, request: PageRequest) -> dict[str, Any]:
        """Merchants by id; a merchant key lists only itself."""
        who.access(Resource.MERCHANTS)
        statement = sa.select(Merchant).order_by(Merchant.id).limit(request.limit + 1)
        if who.role is Role.MERCHANT:
            statement = statement.where(Merchant.id == who.merchant_id)
        if request.after is not None:
            statement = statement.where(Merchant.id > request.after)
        with self.db.transaction() as session:
            rows = list(session.scalars(statement))
            return page([merchant_view(m) for m in rows], [m.id for m in rows], request)


def _same_merchant(merchant: Merchant, body: dict[str, Any]) -> bool:
    """True when ``body`` registers exactly what is stored (a replay, not a second merchant)."""
    stored = {
        "id": merchant.id,
        "name": merchant.name,
        "return_address": merchant.return_address,
        "registered_importer": merchant.registered_importer,
    }
    wanted = {"return_address": None, "registered_importer": None, **as_stored(body)}
    return stored == wanted

"""Who may do what: the roles × resources table of the README, in one place code and tests share.

A role either has no access to a resource (403 ``FORBIDDEN``), reads it, or reads and writes it, for
every tenant (``ALL``, ``READ``) or only its own objects (``OWN``, ``OWN_READ``). Another tenant's
object answers 404 ``NOT_FOUND``, exactly as an object that does not exist, so ids cannot be probed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from trace_verify.db.models import Role
from trace_verify.errors import Forbidden, NotFound


class Access(enum.StrEnum):
    """How much of a resource a role reaches."""

    ALL = "all"
    READ = "read"
    OWN = "own"
    OWN_READ = "own_read"
    NONE = "none"


class Resource(enum.StrEnum):
    """The rows of the README's table (webhooks authenticate by carrier signature instead)."""

    MERCHANTS = "merchants"  # register merchants, set return address / importer
    ORDER_CREATION = "order creation"  # create orders: the platform issues order ids
    ORDERS = "orders"  # read orders; add shipments, documents, customs
    VERIFICATION = "verification"  # POST /verify, an order's verdict
    TRACE_CODES = "trace codes"  # register, withdraw, read traceability codes (issue 12)
    COMPLAINT_FILING = "complaint filing"  # file a complaint (issue 13)
    COMPLAINTS = "complaints"  # read complaints
    COMPLAINT_DECISION = "complaint decisions"  # decide a complaint in manual review
    DEPOSIT_TOP_UP = "deposit top-ups"  # top up a deposit
    DEPOSITS = "deposits"  # read a deposit and its ledger


#: The README's table, "Roles and keys" (issue 6).
PERMISSIONS: Final[dict[Resource, dict[Role, Access]]] = {
    Resource.MERCHANTS: {
        Role.PLATFORM: Access.ALL,
        Role.STAFF: Access.NONE,
        Role.MERCHANT: Access.OWN_READ,
        Role.CONSUMER: Access.NONE,
    },
    Resource.ORDER_CREATION: {
        Role.PLATFORM: Access.ALL,
        Role.STAFF: Access.NONE,
        Role.MERCHANT: Access.NONE,
        Role.CONSUMER: Access.NONE,
    },
    Resource.ORDERS: {
        Role.PLATFORM: Access.ALL,
        Role.STAFF: Access.READ,
        Role.MERCHANT: Access.OWN,
        Role.CONSUMER: Access.OWN_READ,
    },
    Resource.VERIFICATION: {
        Role.PLATFORM: Access.ALL,
        Role.STAFF: Access.ALL,
        Role.MERCHANT: Access.OWN,
        Role.CONSUMER: Access.NONE,
    },
    # Codes are registered and withdrawn by their merchant only; the platform and staff read them.
    Resource.TRACE_CODES: {
        Role.PLATFORM: Access.READ,
        Role.STAFF: Access.READ,
        Role.MERCHANT: Access.OWN,
        Role.CONSUMER: Access.NONE,
    },
    # -- issue 13, "Complaints that pay" -------------------------------------------------------------
    Resource.COMPLAINT_FILING: {
        Role.PLATFORM: Access.ALL,
        Role.STAFF: Access.NONE,
        Role.MERCHANT: Access.NONE,
        Role.CONSUMER: Access.OWN,
    },
    Resource.COMPLAINTS: {
        Role.PLATFORM: Access.ALL,
        Role.STAFF: Access.READ,
        Role.MERCHANT: Access.OWN_READ,
        Role.CONSUMER: Access.OWN_READ,
    },
    Resource.COMPLAINT_DECISION: {
        Role.PLATFORM: Access.NONE,
        Role.STAFF: Access.ALL,
        Role.MERCHANT: Access.NONE,
        Role.CONSUMER: Access.NONE,
    },
    Resource.DEPOSIT_TOP_UP: {
        Role.PLATFORM: Access.ALL,
        Role.STAFF: Access.NONE,
        Role.MERCHANT: Access.NONE,
        Role.CONSUMER: Access.NONE,
    },
    Resource.DEPOSITS: {
        Role.PLATFORM: Access.ALL,
        Role.STAFF: Access.READ,
        Role.MERCHANT: Access.OWN_READ,
        Role.CONSUMER: Access.NONE,
    },
}

_WRITES = frozenset({Access.ALL, Access.OWN})


@dataclass(frozen=True, slots=True)
class Principal:
    """The holder of an API key: its role and, for tenants, which merchant or consumer it is."""

    key_id: str
    role: Role
    merchant_id: str | None = None
    consumer_id: str | None = None

    def access(self, resource: Resource, *, write: bool = False) -> Access:
        """This role's access to ``resource``; raises 403 when it has none (or only reads and ``write``)."""
        access = PERMISSIONS[resource][self.role]
        if access is Access.NONE or (write and access not in _WRITES):
            raise forbidden(
                f"a {self.role.value} key may not {'change' if write else 'read'} {resource.value}"
            )
        return access

    def owns(self, merchant_id: str, consumer_id: str | None) -> bool:
        """True when an object of this merchant (and consumer) belongs to this key's tenant."""
        if self.role is Role.MERCHANT:
            return merchant_id == self.merchant_id
        if self.role is Role.CONSUMER:
            return consumer_id is not None and consumer_id == self.consumer_id
        return True

    def scope(self) -> dict[str, str]:
        """The tenant columns a query must match for this key (none for the platform and staff).

        Lookups filter by them in the query itself, so another tenant's object is found exactly as an
        absent one is: same status, same body, same time.
        """
        if self.role is Role.MERCHANT and self.merchant_id is not None:
            return {"merchant_id": self.merchant_id}
        if self.role is Role.CONSUMER and self.consumer_id is not None:
            return {"consumer_id": self.consumer_id}
        return {}

    def sees(
        self, resource: Resource, merchant_id: str, consumer_id: str | None, *, write: bool = False
    ) -> bool:
        """True when this key may reach the object; False means answer 404 (another tenant's object)."""
        access = self.access(resource, write=write)
        return access in (Access.ALL, Access.READ) or self.owns(merchant_id, consumer_id)


def forbidden(message: str) -> Forbidden:
    """``FORBIDDEN``: the caller is known but may not do this."""
    return Forbidden("FORBIDDEN", message)


def not_found(what: str) -> NotFound:
    """``NOT_FOUND``; the same answer whether the object is absent or another tenant's."""
    return NotFound("NOT_FOUND", f"no such {what}")

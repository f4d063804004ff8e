"""Reads a bundle per ``bundle.schema.json`` and the contract's input rules, into domain types.

Two passes: the compiled schema validator (closed objects, types, enums, patterns) and then the
checks JSON Schema cannot express — real calendar instants with an offset, assigned ISO 3166 codes,
ISO 4217 currencies and money within the currency's minor unit. Every refusal names its JSON pointer.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, cast

import jsonschema_rs

from trace_verify.contract.currencies import is_currency, minor_units
from trace_verify.contract.schemas import INSTANT_RULE, rfc3339_or_none, validator
from trace_verify.domain.bundle import (
    Address,
    Bundle,
    Certificate,
    Complaint,
    Credential,
    CustomsRecord,
    Dispatch,
    Merchant,
    Order,
    OrderLine,
    OtherCost,
    Party,
    RawDocument,
    Shipment,
    SubmittedBundle,
    TraceCodeRecord,
)
from trace_verify.domain.countries import is_assigned
from trace_verify.domain.model import Event, Handover, Location
from trace_verify.domain.money import ZERO, fits_minor_unit
from trace_verify.errors import InvalidInput, pointer_of

Json = Mapping[str, Any]


def read_bundle(obj: Any) -> SubmittedBundle:
    """Validate a decoded JSON value and build the typed bundle as submitted (raw documents unread);
    raises :class:`InvalidInput`."""
    try:
        validator("bundle").validate(obj)
    except jsonschema_rs.ValidationError as exc:
        raise schema_error(exc, "INVALID_BUNDLE") from None
    return _BundleBuilder(obj).build()


def schema_error(exc: jsonschema_rs.ValidationError, code: str) -> InvalidInput:
    """Translate the validator's first error into the contract's error, with its pointer."""
    path: list[str | int] = list(exc.instance_path)
    kind: Any = exc.kind  # one class per keyword, each with its own attributes
    name = getattr(kind, "name", "")
    if name == "additionalProperties":
        field = str(sorted(kind.unexpected)[0])
        return InvalidInput("UNKNOWN_FIELD", f"unknown field {field[:60]!r}", pointer_of([*path, field]))
    if name == "required":
        return InvalidInput(code, "required field is missing", pointer_of([*path, str(kind.property)]))
    return InvalidInput(code, _describe(name, kind), pointer_of(path))


def _describe(name: str, kind: Any) -> str:
    if name == "type":
        return "must be " + " or ".join(map(str, kind.types))
    if name == "enum":
        return "must be one of " + ", ".join(map(str, kind.options))
    if name == "pattern":
        return _PATTERN_MESSAGES.get(kind.pattern, "has the wrong form")
    if name in ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"):
        return f"violates {name} {kind.limit}"
    if name in ("oneOf", "oneOfNotValid", "oneOfMultipleValid", "anyOf"):
        return "matches none of the allowed shapes"
    return f"is invalid ({name or 'schema'})"


_PATTERN_MESSAGES = {
    "^[0-9]+(\\.[0-9]+)?$": 'must be a non-negative decimal string such as "12.50"',
    "^[A-Z]{2}$": "must be an ISO 3166-1 alpha-2 country code",
    "^[A-Z]{3}$": "must be an ISO 4217 currency code",
    "^[0-9]{4}$": "must be a 4-digit supervision mode",
    "Z$": "must be in UTC (end with Z)",
    "^[A-Z]{2}[A-Z0-9]{3}$": "must be a UN/LOCODE",
}


class _BundleBuilder:
    """Builds the domain bundle, checking what the schema cannot."""

    def __init__(self, obj: Json) -> None:
        self.obj = obj
        self.currency = "XXX"

    def build(self) -> SubmittedBundle:
        order = self.order(self.obj["order"])
        complaint = self.obj.get("complaint")
        bundle = Bundle(
            order=order,
            merchant=self.merchant(self.obj.get("merchant")),
            shipments=tuple(self.shipment(i, s) for i, s in enumerate(self.obj["shipments"])),
            customs=tuple(self.customs(i, c) for i, c in enumerate(self.obj.get("customs") or ())),
            trace_codes=tuple(self.trace_code(i, c) for i, c in enumerate(self.obj.get("trace_codes") or ())),
            complaint=self.complaint(complaint) if complaint is not None else None,
        )
        credentials = complaint.get("credentials") or () if complaint is not None else ()
        return SubmittedBundle(
            bundle,
            shipment_documents=tuple(
                raw_documents(s.get("documents") or (), f"/shipments/{i}/documents")
                for i, s in enumerate(self.obj["shipments"])
            ),
            credential_documents=tuple(
                raw_documents(c.get("documents") or (), f"/complaint/credentials/{i}/documents")
                for i, c in enumerate(credentials)
            ),
        )

    # -- scalar checks ---------------------------------------------------------------------------

    @staticmethod
    def time(value: str, where: str) -> datetime:
        moment = rfc3339_or_none(value)
        if moment is None:
            raise InvalidInput("INVALID_BUNDLE", f"must be {INSTANT_RULE}", where)
        return moment

    def opt_time(self, value: str | None, where: str) -> datetime | None:
        return None if value is None else self.time(value, where)

    @staticmethod
    def country(value: str, where: str) -> str:
        if not is_assigned(value):
            raise InvalidInput("INVALID_BUNDLE", f"{value!r} is not an assigned ISO 3166-1 code", where)
        return value

    def opt_country(self, value: str | None, where: str) -> str | None:
        return None if value is None else self.country(value, where)

    def money(self, value: str | None, where: str) -> Decimal:
        if value is None:
            return ZERO
        amount = Decimal(value)
        if not fits_minor_unit(amount, minor_units()[self.currency]):
            raise InvalidInput("INVALID_BUNDLE", f"more decimals than {self.currency} allows", where)
        return amount

    # -- records ---------------------------------------------------------------------------------

    def address(self, obj: Json | None, where: str) -> Address | None:
        if obj is None:
            return None
        return Address(
            country=self.country(obj["country"], f"{where}/country"),
            region=obj.get("region"),
            city=obj.get("city"),
            postal_code=obj.get("postal_code"),
            line=obj.get("line"),
        )

    @staticmethod
    def party(obj: Json | None) -> Party | None:
        return None if obj is None else Party(name=obj["name"], id=obj.get("id"))

    def order(self, obj: Json) -> Order:
        currency = obj["currency"]
        if not is_currency(currency):
            raise InvalidInput(
                "INVALID_BUNDLE", f"{currency!r} is not an ISO 4217 currency", "/order/currency"
            )
        self.currency = currency
        return Order(
            id=obj["id"],
            merchant_id=obj["merchant_id"],
            consumer_id=obj.get("consumer_id"),
            promise=obj.get("promise", "overseas_direct_supply"),
            placed_at=self.time(obj["placed_at"], "/order/placed_at"),
            completed_at=self.opt_time(obj.get("completed_at"), "/order/completed_at"),
            destination=cast(Address, self.address(obj["destination"], "/order/destination")),
            amount_paid=self.money(obj["amount_paid"], "/order/amount_paid"),
            currency=currency,
            minor_unit=minor_units()[currency],
            buyer_delivery_cost=self.money(obj.get("buyer_delivery_cost"), "/order/buyer_delivery_cost"),
            return_shipping_cost=self.money(obj.get("return_shipping_cost"), "/order/return_shipping_cost"),
            other_costs=tuple(
                OtherCost(c["kind"], self.money(c["amount"], f"/order/other_costs/{i}/amount"))
                for i, c in enumerate(obj.get("other_costs") or ())
            ),
            items=tuple(
                OrderLine(
                    sku=line.get("sku"),
                    gtin=line.get("gtin"),
                    quantity=int(line.get("quantity", 1)),  # 2.0 is an integer to JSON Schema
                    trace_codes=tuple(line.get("trace_codes") or ()),
                )
                for line in obj.get("items") or ()
            ),
            claimed_path=obj.get("claimed_path"),
        )

    def merchant(self, obj: Json | None) -> Merchant | None:
        if obj is None:
            return None
        return Merchant(
            id=obj.get("id"),
            return_address=self.address(obj.get("return_address"), "/merchant/return_address"),
            registered_importer=self.party(obj.get("registered_importer")),
        )

    def shipment(self, index: int, obj: Json) -> Shipment:
        where = f"/shipments/{index}"
        dispatch = obj.get("dispatch")
        handover = obj.get("handover_from")
        return Shipment(
            index=index,
            carrier=obj["carrier"],
            tracking_number=obj["tracking_number"],
            declared_origin_country=self.opt_country(
                obj.get("declared_origin_country"), f"{where}/declared_origin_country"
            ),
            dispatch=None
            if dispatch is None
            else Dispatch(
                facility=dispatch.get("facility"),
                bonded_zone=dispatch.get("bonded_zone"),
                address=self.address(dispatch.get("address"), f"{where}/dispatch/address"),
            ),
            handover_from=None
            if handover is None
            else Handover(tracking_number=handover["tracking_number"], carrier=handover.get("carrier")),
            events=self.events(obj.get("events") or (), f"{where}/events"),
        )

    def events(self, items: Sequence[Json], where: str) -> tuple[Event, ...]:
        return tuple([self.event(e, where, i) for i, e in enumerate(items)])

    def event(self, obj: Json, where: str, index: int) -> Event:
        """One event. This runs for every event of every bundle (issue 16), so pointers are built only
        for a refusal and the value classes are called positionally, in their fields' order."""
        loc = obj["location"]
        moment = rfc3339_or_none(obj["occurred_at"])
        if moment is None:
            moment = self.time(obj["occurred_at"], f"{where}/{index}/occurred_at")  # raises, with the pointer
        country = loc.get("country")
        if country is not None and not is_assigned(country):
            self.country(country, f"{where}/{index}/location/country")  # raises, with the pointer
        offset = obj.get("local_offset_minutes")
        if offset is not None and type(offset) is not int:  # 90.0 or 9e1: an integer to JSON Schema
            offset = int(offset)
            obj = {**obj, "local_offset_minutes": offset}  # the timeline echoes an integer
        handover = obj.get("handover_to")
        return Event(
            obj["carrier"],
            obj["tracking_number"],
            moment.astimezone(UTC),
            obj["milestone"],
            Location(
                loc.get("city"),
                loc.get("region"),
                loc.get("postal_code"),
                country,
                loc.get("facility"),
                loc.get("locode"),
            ),
            obj["description"],
            obj.get("time_basis") or ("carrier_offset" if offset is not None else "carrier_utc"),
            offset,
            obj.get("carrier_code"),
            None if handover is None else Handover(handover["tracking_number"], handover.get("carrier")),
            obj.get("operator"),
            obj,
        )

    def customs(self, index: int, obj: Json) -> CustomsRecord:
        return CustomsRecord(
            index=index,
            declaration_number=obj.get("declaration_number"),
            supervision_mode=obj.get("supervision_mode"),
            port=obj.get("port"),
            importer=self.party(obj.get("importer")),
            declared_at=self.opt_time(obj.get("declared_at"), f"/customs/{index}/declared_at"),
        )

    def trace_code(self, index: int, obj: Json) -> TraceCodeRecord:
        return TraceCodeRecord(
            index=index,
            code=obj["code"],
            signature=obj.get("signature"),
            merchant_id=obj.get("merchant_id"),
            gtin=obj.get("gtin"),
            origin_country=obj.get("origin_country"),
            departure_country=obj.get("departure_country"),
            import_port=obj.get("import_port"),
            declaration_number=obj.get("declaration_number"),
            importer=self.party(obj.get("importer")),
            supervision_mode=obj.get("supervision_mode"),
        )

    def complaint(self, obj: Json) -> Complaint:
        cert = obj.get("certificate")
        return Complaint(
            type=obj["type"],
            filed_at=self.time(obj["filed_at"], "/complaint/filed_at"),
            credentials=tuple(self.credential(i, c) for i, c in enumerate(obj.get("credentials") or ())),
            certificate=None
            if cert is None
            else Certificate(
                issuer_type=cert.get("issuer_type"),
                issuer=cert.get("issuer"),
                reference=cert.get("reference"),
                issued_at=self.opt_time(cert.get("issued_at"), "/complaint/certificate/issued_at"),
            ),
        )

    def credential(self, index: int, obj: Json) -> Credential:
        where = f"/complaint/credentials/{index}"
        return Credential(
            index=index,
            kind=obj["kind"],
            carrier=obj.get("carrier"),
            tracking_number=obj.get("tracking_number"),
            note=obj.get("note"),
            events=self.events(obj.get("events") or (), f"{where}/events"),
        )


def raw_documents(items: Sequence[Json], where: str) -> tuple[RawDocument, ...]:
    """Raw documents as bytes; content that cannot be decoded is kept as ``data=None`` (unreadable)."""
    return tuple(RawDocument(d["carrier"], _document_bytes(d), f"{where}/{i}") for i, d in enumerate(items))


def _document_bytes(obj: Json) -> bytes | None:
    if "content_base64" in obj:
        try:
            return base64.b64decode(obj["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            return None
    content = obj.get("content")
    if content is None:
        return None
    try:
        return cast(str, content).encode("utf-8")
    except UnicodeEncodeError:
        return None

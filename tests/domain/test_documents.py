"""Which events of a read document belong to a shipment: one rule for the verdict and for storage."""

from __future__ import annotations

import base64

from carriers import REGISTRY
from tests.support import FIXTURES, bundle
from trace_verify.contract.reader import read_bundle
from trace_verify.domain.bundle import Bundle, Shipment, SubmittedBundle
from trace_verify.domain.documents import CarrierMessage, ParseResult, membership
from trace_verify.domain.documents_read import read_documents

DELIVERED = REGISTRY.read(
    "dhl", (FIXTURES / "carriers" / "dhl" / "express-osaka-hangzhou-delivered.json").read_bytes()
)


def test_the_shipments_own_number_takes_its_events_after_normalisation() -> None:
    number = DELIVERED.shipments[0].tracking_number
    spaced = " ".join(number[i : i + 4] for i in range(0, len(number), 4)).lower()
    assert membership(DELIVERED, spaced).events == DELIVERED.shipments[0].events
    assert membership(DELIVERED, number).others == ()


def test_another_parcels_document_gives_no_event_and_names_what_it_tracks() -> None:
    found = membership(DELIVERED, "1234567890")
    assert found.events == () and found.others == (DELIVERED.shipments[0].tracking_number,)


def test_no_number_takes_every_event() -> None:
    assert membership(DELIVERED, None).events == DELIVERED.shipments[0].events


def test_carrier_errors_about_another_number_are_not_this_shipments() -> None:
    result = ParseResult(
        "dhl",
        errors=(
            CarrierMessage("not_found", "1111111111", "no such shipment"),
            CarrierMessage("unauthorized", None, "bad key"),
        ),
    )
    assert [e.code for e in membership(result, "2222222222").errors] == ["unauthorized"]
    assert [e.code for e in membership(result, "1111111111").errors] == ["not_found", "unauthorized"]


def test_a_submitted_bundle_carries_the_documents_and_the_judged_one_only_events() -> None:
    """The boundary is in the types: the verifier's Bundle has no field for an unread document."""
    obj = bundle("direct-met")
    raw = (FIXTURES / "carriers" / "dhl" / "express-osaka-hangzhou-delivered.json").read_bytes()
    number = DELIVERED.shipments[0].tracking_number
    obj["shipments"] = [
        {
            "carrier": "dhl",
            "tracking_number": number,
            "documents": [{"carrier": "dhl", "content_base64": base64.b64encode(raw).decode()}],
        }
    ]
    submitted = read_bundle(obj)
    assert isinstance(submitted, SubmittedBundle) and submitted.has_documents
    assert submitted.bundle.shipments[0].events == ()
    judged = read_documents(submitted, REGISTRY)
    assert isinstance(judged, Bundle) and "documents" not in Shipment.__dataclass_fields__
    assert judged.shipments[0].events == DELIVERED.shipments[0].events

"""Turning the raw documents a bundle carries into events, through the document port.

A document that cannot be read is evidence that failed, not a bad request (contract, input rules):
it becomes a :class:`DocumentProblem` and the verdict says ``DOCUMENT_UNREADABLE``. A carrier's error
answer (not found, unauthorized…) becomes ``CARRIER_UNAVAILABLE`` for that shipment.
"""

from __future__ import annotations

from dataclasses import replace

from trace_verify.domain.bundle import Bundle, Credential, DocumentProblem, RawDocument, Shipment
from trace_verify.domain.documents import CarrierMessage, DocumentReader, DocumentRejected
from trace_verify.domain.model import Event
from trace_verify.domain.numbers import normalize_number


def read_documents(bundle: Bundle, reader: DocumentReader) -> Bundle:
    """The bundle with every document replaced by the events (and problems) it yields."""
    if not bundle.has_unread_documents:
        return bundle
    shipments = tuple(_read_shipment(s, reader) for s in bundle.shipments)
    complaint = bundle.complaint
    if complaint is not None:
        complaint = replace(
            complaint, credentials=tuple(_read_credential(c, reader) for c in complaint.credentials)
        )
    return replace(bundle, shipments=shipments, complaint=complaint)


def _read(
    documents: tuple[RawDocument, ...], number: str | None, reader: DocumentReader
) -> tuple[tuple[Event, ...], tuple[DocumentProblem, ...], tuple[CarrierMessage, ...]]:
    events: list[Event] = []
    problems: list[DocumentProblem] = []
    errors: list[CarrierMessage] = []
    wanted = normalize_number(number) if number else None
    for doc in documents:
        if doc.data is None:
            problems.append(
                DocumentProblem(
                    doc.pointer, "unreadable", "DOCUMENT_UNREADABLE", "The document has no readable content."
                )
            )
            continue
        try:
            result = reader.read(doc.carrier, doc.data)
        except DocumentRejected as exc:
            problems.append(
                DocumentProblem(
                    doc.pointer,
                    "unreadable",
                    exc.code,
                    f"The {doc.carrier} document could not be read: {exc.message}",
                )
            )
            continue
        matching = [
            shipment
            for shipment in result.shipments
            if wanted is None or normalize_number(shipment.tracking_number) == wanted
        ]
        if result.shipments and not matching:
            # A document about another parcel is no evidence for this one (and must not become it).
            others = ", ".join(sorted({s.tracking_number[:40] for s in result.shipments})[:3])
            problems.append(
                DocumentProblem(
                    doc.pointer,
                    "unreadable",
                    "DOCUMENT_UNREADABLE",
                    f"The {doc.carrier} document tracks {others}, not {number}.",
                )
            )
        for shipment in matching:
            events.extend(shipment.events)
        for error in result.errors:
            if (
                wanted is None
                or error.tracking_number is None
                or normalize_number(error.tracking_number) == wanted
            ):
                errors.append(error)
                problems.append(
                    DocumentProblem(
                        doc.pointer, "carrier_error", error.code, f"{doc.carrier}: {error.message}"
                    )
                )
    return tuple(events), tuple(problems), tuple(errors)


def _read_shipment(shipment: Shipment, reader: DocumentReader) -> Shipment:
    if not shipment.documents:
        return shipment
    events, problems, errors = _read(shipment.documents, shipment.tracking_number, reader)
    return shipment.with_documents_read(events, problems, errors)


def _read_credential(credential: Credential, reader: DocumentReader) -> Credential:
    if not credential.documents:
        return credential
    events, problems, _ = _read(credential.documents, credential.tracking_number, reader)
    return replace(credential, events=credential.events + events, documents=(), problems=problems)

"""Turning the raw documents a bundle carries into events, through the document port.

A document that cannot be read is evidence that failed, not a bad request (contract, input rules):
it becomes a :class:`DocumentProblem` and the verdict says ``DOCUMENT_UNREADABLE``. A carrier's error
answer (not found, unauthorized…) becomes ``CARRIER_UNAVAILABLE`` for that shipment.
"""

from __future__ import annotations

from dataclasses import replace

from trace_verify.domain.bundle import (
    Bundle,
    Credential,
    DocumentProblem,
    RawDocument,
    Shipment,
    SubmittedBundle,
)
from trace_verify.domain.documents import CarrierMessage, DocumentReader, DocumentRejected, membership
from trace_verify.domain.model import Event


def read_documents(submitted: SubmittedBundle, reader: DocumentReader) -> Bundle:
    """The bundle to judge: every document replaced by the events (and problems) it yields."""
    bundle = submitted.bundle
    if not submitted.has_documents:
        return bundle
    shipments = tuple(
        _read_shipment(s, submitted.documents_of_shipment(s.index), reader) for s in bundle.shipments
    )
    complaint = bundle.complaint
    if complaint is not None:
        credentials = tuple(
            _read_credential(c, submitted.documents_of_credential(c.index), reader)
            for c in complaint.credentials
        )
        complaint = replace(complaint, credentials=credentials)
    return replace(bundle, shipments=shipments, complaint=complaint)


def _read(
    documents: tuple[RawDocument, ...], number: str | None, reader: DocumentReader
) -> tuple[tuple[Event, ...], tuple[DocumentProblem, ...], tuple[CarrierMessage, ...]]:
    events: list[Event] = []
    problems: list[DocumentProblem] = []
    errors: list[CarrierMessage] = []
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
        belongs = membership(result, number)
        if belongs.others:
            # A document about another parcel is no evidence for this one (and must not become it).
            problems.append(
                DocumentProblem(
                    doc.pointer,
                    "unreadable",
                    "DOCUMENT_UNREADABLE",
                    f"The {doc.carrier} document tracks {', '.join(belongs.others)}, not {number}.",
                )
            )
        events.extend(belongs.events)
        for error in belongs.errors:
            errors.append(error)
            problems.append(
                DocumentProblem(doc.pointer, "carrier_error", error.code, f"{doc.carrier}: {error.message}")
            )
    return tuple(events), tuple(problems), tuple(errors)


def _read_shipment(
    shipment: Shipment, documents: tuple[RawDocument, ...], reader: DocumentReader
) -> Shipment:
    if not documents:
        return shipment
    events, problems, errors = _read(documents, shipment.tracking_number, reader)
    return shipment.with_documents_read(events, problems, errors)


def _read_credential(
    credential: Credential, documents: tuple[RawDocument, ...], reader: DocumentReader
) -> Credential:
    if not documents:
        return credential
    events, problems, _ = _read(documents, credential.tracking_number, reader)
    return replace(credential, events=credential.events + events, problems=problems)

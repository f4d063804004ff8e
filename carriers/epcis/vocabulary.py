"""CBV 2.0 business steps and dispositions → milestones, and the project's customs vocabulary.

Sources: the CBV 2.0 term lists of the JSON-LD contexts (``cbv-context-bizstep.jsonld``,
``cbv-context-disposition.jsonld``, ``cbv-context-biztransaction-type.jsonld``) and the term
definitions of ``Ontology/CBV.ttl``, gs1/EPCIS commit 2b888be (shared/reference/domain.md §5.2;
copies in fixtures/conformance/epcis/). A CBV term may be written three ways and all three are read:
the bare word in JSON-LD (``shipping``), the URN (``urn:epcglobal:cbv:bizstep:shipping``) and the
CBV 2.0 web URI (``https://ref.gs1.org/cbv/BizStep-shipping``, or the ontology's
``https://ns.gs1.org/cbv/…``; JSON-LD may abbreviate it ``cbv:BizStep-shipping``).

**CBV has no customs step.** The project therefore defines its own terms, outside the CBV
namespaces as CBV requires of user vocabulary (``vocab-other-uri``):

* business step ``urn:trace-verify:cbv:bizstep:<term>`` and disposition
  ``urn:trace-verify:cbv:disp:<term>``, where ``<term>`` is any milestone name of the contract
  except ``unknown`` (``export_cleared``, ``departed_origin``, ``arrived_destination_country``,
  ``customs_processing``, ``customs_held``, ``import_cleared``, ``out_for_delivery``,
  ``delivered``…) or ``customs_cleared`` (a synonym of ``import_cleared``). A project term *is*
  the milestone; a project disposition wins over a project business step.
* XML: ``<bizStep>urn:trace-verify:cbv:bizstep:customs_cleared</bizStep>``. JSON-LD: the full URI,
  or a CURIE whose prefix the document's ``@context`` defines
  (``{"tvstep": "urn:trace-verify:cbv:bizstep:"}`` … ``"bizStep": "tvstep:customs_cleared"``).
  A bare word that is not a CBV term (``"bizStep": "customs_cleared"``) is *not* a project term:
  JSON-LD would read it as an unknown CBV word, and so does this module (``unknown``).

Decision order for an event's milestone: project disposition, project business step, a decisive
CBV disposition (returned, damaged, retail_sold…), the CBV business step, a CBV disposition that
only says "moving" or "identified", else ``unknown``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from trace_verify.domain.model import MILESTONES, Milestone

Kind = Literal["bizstep", "disp", "btt"]

#: URN namespace and web-URI term prefix of each CBV vocabulary.
_URN: Final[dict[Kind, str]] = {
    "bizstep": "urn:epcglobal:cbv:bizstep:",
    "disp": "urn:epcglobal:cbv:disp:",
    "btt": "urn:epcglobal:cbv:btt:",
}
_WEB_TERM: Final[dict[Kind, str]] = {"bizstep": "BizStep-", "disp": "Disp-", "btt": "BTT-"}
_WEB_BASES: Final = ("https://ref.gs1.org/cbv/", "https://ns.gs1.org/cbv/", "http://ref.gs1.org/cbv/")

PROJECT_BIZSTEP: Final = "urn:trace-verify:cbv:bizstep:"
PROJECT_DISP: Final = "urn:trace-verify:cbv:disp:"
_PROJECT: Final[dict[Kind, str]] = {"bizstep": PROJECT_BIZSTEP, "disp": PROJECT_DISP}

#: Project terms → milestone: every milestone but ``unknown``, and one synonym.
PROJECT_TERMS: Final[dict[str, Milestone]] = {
    **{m: m for m in MILESTONES if m != "unknown"},
    "customs_cleared": "import_cleared",
}

#: CBV 2.0 business steps → milestone; absent steps say nothing about the shipment's progress.
BIZSTEP_MILESTONES: Final[dict[str, Milestone]] = {
    # The object gets its identity at origin; nothing is on its way yet (commissioning: brief).
    "commissioning": "label_created",
    "creating_class_instance": "label_created",
    "encoding": "label_created",
    "assembling": "label_created",
    "disassembling": "label_created",
    "installing": "label_created",
    "packing": "label_created",
    "repackaging": "label_created",
    # Leaving with a carrier: shipping = staging_outbound + loading + departing (CBV), consigning
    # adds the change of possession at the outbound side; collecting = "picked up and collected".
    "shipping": "picked_up",
    "consigning": "picked_up",
    "collecting": "picked_up",
    # Handled somewhere on the way, no more specific milestone: a custody event.
    "accepting": "in_transit",  # a change of possession; CBV does not say whose, so not "delivered"
    "arriving": "in_transit",
    "departing": "in_transit",  # leaves *a location*, not necessarily the origin country
    "loading": "in_transit",
    "unloading": "in_transit",
    "transporting": "in_transit",
    "receiving": "in_transit",
    "staging_outbound": "in_transit",
    "picking": "in_transit",
    "storing": "in_transit",
    "stocking": "in_transit",
    "stock_taking": "in_transit",
    "cycle_counting": "in_transit",
    "holding": "in_transit",  # "segregated for further review": not customs unless a project term says so
    "inspecting": "in_transit",
    "sampling": "in_transit",
    "entering_exiting": "in_transit",
    "unpacking": "in_transit",
    "sensor_reporting": "in_transit",
    "reserving": "in_transit",
    "removing": "in_transit",
    "repairing": "in_transit",
    "replacing": "in_transit",
    # Reached the consumer (retail_selling: brief; dispensing: to a patient).
    "retail_selling": "delivered",
    "dispensing": "delivered",
    "destroying": "exception",
    # A retraction of an earlier shipping event is no movement at all.
    "void_shipping": "unknown",
}

#: CBV dispositions that decide the milestone whatever the business step.
DISPOSITION_DECISIVE: Final[dict[str, Milestone]] = {
    "returned": "returned",
    "damaged": "exception",
    "destroyed": "exception",
    "disposed": "exception",
    "stolen": "exception",
    "retail_sold": "delivered",
    "dispensed": "delivered",
}

#: CBV dispositions used only when the business step is absent or says nothing.
DISPOSITION_FALLBACK: Final[dict[str, Milestone]] = {
    "in_transit": "in_transit",
    "in_progress": "in_transit",
    "container_closed": "in_transit",
    "container_open": "in_transit",
    "active": "label_created",
    "encoded": "label_created",
}

BIZSTEPS: Final = frozenset(
    [
        "accepting",
        "arriving",
        "assembling",
        "collecting",
        "commissioning",
        "consigning",
        "creating_class_instance",
        "cycle_counting",
        "decommissioning",
        "departing",
        "destroying",
        "disassembling",
        "dispensing",
        "encoding",
        "entering_exiting",
        "holding",
        "inspecting",
        "installing",
        "killing",
        "loading",
        "other",
        "packing",
        "picking",
        "receiving",
        "removing",
        "repackaging",
        "repairing",
        "replacing",
        "reserving",
        "retail_selling",
        "sampling",
        "sensor_reporting",
        "shipping",
        "staging_outbound",
        "stock_taking",
        "stocking",
        "storing",
        "transporting",
        "unloading",
        "unpacking",
        "void_shipping",
    ]
)
DISPOSITIONS: Final = frozenset(
    [
        "active",
        "available",
        "completeness_verified",
        "completeness_inferred",
        "conformant",
        "container_closed",
        "container_open",
        "damaged",
        "destroyed",
        "dispensed",
        "disposed",
        "encoded",
        "expired",
        "in_progress",
        "in_transit",
        "inactive",
        "mismatch_instance",
        "mismatch_class",
        "mismatch_quantity",
        "needs_replacement",
        "no_pedigree_match",
        "non_conformant",
        "non_sellable_other",
        "partially_dispensed",
        "recalled",
        "reserved",
        "retail_sold",
        "returned",
        "sellable_accessible",
        "sellable_not_accessible",
        "stolen",
        "unavailable",
        "unknown",
    ]
)
BIZ_TRANSACTION_TYPES: Final = frozenset(
    [
        "bol",
        "cert",
        "desadv",
        "inv",
        "pedigree",
        "po",
        "poc",
        "prodorder",
        "recadv",
        "rma",
        "testprd",
        "testres",
        "upevt",
    ]
)
_WORDS: Final[dict[Kind, frozenset[str]]] = {
    "bizstep": BIZSTEPS,
    "disp": DISPOSITIONS,
    "btt": BIZ_TRANSACTION_TYPES,
}


@dataclass(frozen=True, slots=True)
class Term:
    """A vocabulary value read: its canonical IRI, and the CBV word or project milestone it is."""

    iri: str
    cbv: str | None = None
    project: Milestone | None = None

    @property
    def label(self) -> str:
        """Short text for descriptions: the CBV word or project term, else the IRI."""
        if self.cbv is not None:
            return self.cbv
        for base in (PROJECT_BIZSTEP, PROJECT_DISP):
            if self.iri.startswith(base):
                return self.iri[len(base) :]
        return self.iri


def read_term(value: str, kind: Kind) -> Term:
    """Read a bizStep, disposition or bizTransaction type written in any of its forms.

    CBV terms get their URN as canonical IRI (what the XML binding writes), so that XML and JSON-LD
    give the same ``carrier_code``; anything else keeps its text.
    """
    text = value.strip()
    word = _cbv_word(text, kind)
    if word is not None and word in _WORDS[kind]:
        return Term(iri=_URN[kind] + word, cbv=word)
    project = _PROJECT.get(kind)
    if project is not None and text.startswith(project):
        milestone = PROJECT_TERMS.get(text[len(project) :])
        return Term(iri=text, project=milestone)
    return Term(iri=text)


def _cbv_word(text: str, kind: Kind) -> str | None:
    """The CBV word of ``text`` in any of the three forms, or None when it is not in CBV's syntax."""
    if text.startswith(_URN[kind]):
        return text[len(_URN[kind]) :]
    for base in _WEB_BASES:
        if text.startswith(base + _WEB_TERM[kind]):
            return text[len(base + _WEB_TERM[kind]) :]
    if ":" not in text and "/" not in text:
        return text
    return None


def milestone(step: Term | None, disposition: Term | None) -> Milestone:
    """The milestone of an event from its business step and disposition (module docstring order)."""
    if disposition is not None and disposition.project is not None:
        return disposition.project
    if step is not None and step.project is not None:
        return step.project
    if disposition is not None and disposition.cbv in DISPOSITION_DECISIVE:
        return DISPOSITION_DECISIVE[disposition.cbv]
    if step is not None and step.cbv in BIZSTEP_MILESTONES:
        return BIZSTEP_MILESTONES[step.cbv]
    if disposition is not None and disposition.cbv in DISPOSITION_FALLBACK:
        return DISPOSITION_FALLBACK[disposition.cbv]
    return "unknown"


def is_bol(type_: str | None) -> bool:
    """True for the ``bol`` business transaction type in any of its forms."""
    return type_ is not None and read_term(type_, "btt").cbv == "bol"

"""The carrier registry: the one list of adapters, lookup by id, and the domain's DocumentReader port."""

from __future__ import annotations

from pathlib import Path

import pytest

from carriers import REGISTRY, Registry, parse_result_to_json, spec_to_json
from carriers.clients import build_clients
from carriers.dhl import SPEC as DHL
from trace_verify.domain.documents import DocumentReader, DocumentRejected, ParseResult

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "carriers"

#: Adapter ids the contract names for ``--carrier`` (contracts/README.md); the registry may not invent others.
CONTRACT_IDS = {
    "dhl", "dhl-express", "ups", "fedex", "usps", "canadapost", "royalmail", "sf",
    "kuaidi100", "cainiao", "17track", "aftership", "epcis",
}  # fmt: skip


def test_lists_the_dhl_adapter_first_and_only_contract_ids() -> None:
    ids = [adapter.id for adapter in REGISTRY.all()]
    assert ids[0] == "dhl"
    assert len(ids) == len(set(ids))
    assert set(ids) <= CONTRACT_IDS


def test_every_adapter_describes_itself_for_the_carriers_command() -> None:
    for adapter in REGISTRY.all():
        row = spec_to_json(adapter)
        assert set(row) == {"id", "name", "formats", "live", "format_verified", "format_note"}
        assert row["name"] and row["formats"] and all(isinstance(f, str) and f for f in row["formats"])
        assert isinstance(row["live"], bool) and isinstance(row["format_verified"], bool)
        assert row["format_note"], "an adapter says where its format knowledge comes from"


def test_a_carrier_is_live_exactly_when_its_configuration_builds_a_client() -> None:
    """``live`` is not a promise: every live spec's declared settings really build a fetcher."""
    config = {
        spec.id: {name: "http://127.0.0.1:9" if name == "base_url" else "x" for name in spec.settings()}
        for spec in REGISTRY.all()
    }
    clients = build_clients(config)
    assert set(clients) == {spec.id for spec in REGISTRY.all() if spec.live}
    assert all(callable(getattr(client, "fetch", None)) for client in clients.values())
    assert build_clients({spec.id: {} for spec in REGISTRY.all()}) == {}


def test_get_finds_an_adapter_by_id_and_nothing_for_an_unknown_id() -> None:
    assert REGISTRY.get("dhl") is DHL
    assert REGISTRY.get("dhl-unified") is None
    assert REGISTRY.get("") is None


def test_reading_with_an_unknown_carrier_is_an_unreadable_document() -> None:
    with pytest.raises(DocumentRejected) as caught:
        REGISTRY.read("pigeon-post", b"{}")
    assert caught.value.code == "DOCUMENT_UNREADABLE"
    assert caught.value.message == "no adapter for carrier 'pigeon-post'"


def test_an_unknown_id_is_not_echoed_at_length() -> None:
    with pytest.raises(DocumentRejected) as caught:
        REGISTRY.read("x" * 10_000, b"{}")
    assert len(caught.value.message) < 80


def test_the_registry_is_the_domains_document_reader() -> None:
    reader: DocumentReader = REGISTRY
    result = reader.read("dhl", (FIXTURES / "dhl" / "error-404-not-found.json").read_bytes())
    assert result == DHL.parse((FIXTURES / "dhl" / "error-404-not-found.json").read_bytes())
    assert result.errors[0].code == "not_found"


def test_two_adapters_with_one_id_are_refused() -> None:
    with pytest.raises(ValueError, match="'dhl'"):
        Registry([DHL, DHL])


def test_parse_output_has_the_contract_shape() -> None:
    data = (FIXTURES / "dhl" / "express-osaka-shanghai-customs-hold.json").read_bytes()
    out = parse_result_to_json(REGISTRY.read("dhl", data))
    assert list(out) == ["carrier", "shipments", "errors"]
    assert out["carrier"] == "dhl" and out["errors"] == []
    [shipment] = out["shipments"]
    assert list(shipment) == ["tracking_number", "events"]
    assert shipment["tracking_number"] == "3027158481"
    stamps = [e["occurred_at"] for e in shipment["events"]]
    assert stamps == sorted(stamps), "events oldest first"


def test_parse_output_lists_carrier_errors() -> None:
    data = (FIXTURES / "dhl" / "error-429-rate-limited.json").read_bytes()
    assert parse_result_to_json(REGISTRY.read("dhl", data)) == {
        "carrier": "dhl",
        "shipments": [],
        "errors": [
            {
                "code": "rate_limited",
                "tracking_number": None,
                "message": "Too many requests within defined time period, please try again later.",
            }
        ],
    }


def test_an_empty_result_is_valid() -> None:
    assert parse_result_to_json(ParseResult("dhl")) == {"carrier": "dhl", "shipments": [], "errors": []}

"""Issue 5: a bundle carrying raw documents of several carriers — an overseas DHL Paket leg handed over to
China Post EMS, tracked through Kuaidi100 — verifies end to end, through the service and the command line."""

from __future__ import annotations

import json
from datetime import datetime

from tests.support import BUNDLES, assert_valid_verdict, codes, run_cli
from trace_verify.services.verification import VerificationService

PATH = BUNDLES / "e2e" / "dhl-paket-to-ems-via-kuaidi100.json"


def _bundle() -> tuple[dict[str, object], datetime]:
    obj = json.loads(PATH.read_text("utf-8"))
    return obj, datetime.fromisoformat(obj.pop("$now"))


def test_two_carriers_raw_documents_make_one_evidenced_chain(service: VerificationService) -> None:
    obj, now = _bundle()
    verdict = service.verify_json(obj, now)
    assert_valid_verdict(verdict)
    assert (verdict["verdict"], verdict["path"]) == ("met", "direct_international")
    assert verdict["complaint"] == {"type": "direct_supply", "decision": "rejected", "compensation": None}
    carriers = [e["carrier"] for e in verdict["timeline"]]
    assert carriers[0] == "dhl" and carriers[-1] == "kuaidi100"
    assert {e.get("operator") for e in verdict["timeline"] if e["carrier"] == "kuaidi100"} == {"ems"}
    # the overseas leg starts the chain; the Chinese courier delivers at the destination
    first, delivered = (
        verdict["timeline"][r["timeline"]]
        for r in next(f for f in verdict["findings"] if f["code"] == "PATH_DIRECT_INTERNATIONAL")["evidence"]
    )
    assert first["location"]["country"] == "DE"
    assert (delivered["carrier"], delivered["milestone"]) == ("kuaidi100", "delivered")
    # Kuaidi100 states Beijing time: the carrier's documented zone, not the place's
    assert {e["time_basis"] for e in verdict["timeline"] if e["carrier"] == "kuaidi100"} == {
        "carrier_timezone"
    }
    assert "ORIGIN_IN_MAINLAND" not in codes(verdict) and "TRACE_INCOMPLETE" not in codes(verdict)


def test_the_hand_over_named_in_dhls_own_document_links_the_legs(service: VerificationService) -> None:
    obj, now = _bundle()
    del obj["shipments"][1]["handover_from"]  # type: ignore[index]
    verdict = service.verify_json(obj, now)
    assert (verdict["verdict"], verdict["path"]) == ("met", "direct_international")


def test_an_unlinked_chinese_leg_is_a_chain_that_starts_in_mainland(service: VerificationService) -> None:
    obj, now = _bundle()
    leg = obj["shipments"][1]  # type: ignore[index]
    del leg["handover_from"]
    other = "EA362719055CN"
    leg["tracking_number"] = other
    leg["documents"][0]["content"] = leg["documents"][0]["content"].replace("EA362719047CN", other)
    verdict = service.verify_json(obj, now)
    assert verdict["verdict"] == "not_met"
    assert "ORIGIN_IN_MAINLAND" in codes(verdict)


def test_the_command_line_gives_the_same_verdict(tmp_path: object) -> None:
    obj, now = _bundle()
    result = run_cli("verify", "-", "--now", now.isoformat(), stdin=json.dumps(obj).encode())
    assert result.status == 0, result.stderr
    assert (result.json()["verdict"], result.json()["path"]) == ("met", "direct_international")


def test_a_document_about_another_parcel_is_no_evidence_for_this_one(service: VerificationService) -> None:
    """A merchant cannot borrow another parcel's tracking: the document must track the shipment's number."""
    obj, now = _bundle()
    leg = obj["shipments"][1]  # type: ignore[index]
    leg["tracking_number"] = "EA362719055CN"  # the document still tracks EA362719047CN
    verdict = service.verify_json(obj, now)
    assert verdict["verdict"] == "insufficient_evidence"
    unreadable = next(f for f in verdict["findings"] if f["code"] == "DOCUMENT_UNREADABLE")
    assert unreadable["evidence"] == [{"pointer": "/shipments/1/documents/0"}]
    assert "EA362719047CN" in unreadable["message"]
    assert not any(e["tracking_number"] == "EA362719047CN" for e in verdict["timeline"])

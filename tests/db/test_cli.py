"""The command line's database commands: db upgrade/downgrade, keys create/revoke, demo, verify --db."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support import BUNDLES, run_cli
from trace_verify.db import migrate
from trace_verify.services.demo import DEMO_KEYS

NOW = "2026-03-05T12:00:00Z"


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The SQLite database of these commands lives in a fresh directory."""
    monkeypatch.setenv("TRACE_VERIFY_DATA_DIR", str(tmp_path))
    return tmp_path


def test_db_upgrade_and_downgrade(data_dir: Path) -> None:
    up = run_cli("db", "upgrade")
    assert up.status == 0, up.stderr
    assert f"revision: {migrate.head_revision()} " in up.stdout
    assert (data_dir / "trace_verify.sqlite3").is_file()
    down = run_cli("db", "downgrade", "--revision", "base")
    assert down.status == 0 and "revision: none" in down.stdout


def test_commands_refuse_an_unmigrated_database(data_dir: Path) -> None:
    result = run_cli("keys", "list")
    assert result.status == 2
    assert result.stderr.startswith("error: DATABASE_NOT_READY: ")
    verify = run_cli("verify", "--db", str(BUNDLES / "direct-met.json"))
    assert verify.status == 2 and "DATABASE_NOT_READY" in verify.stderr


def test_keys_are_printed_once_and_can_be_revoked(data_dir: Path) -> None:
    assert run_cli("db", "upgrade").status == 0
    created = run_cli("keys", "create", "--role", "staff", "--expires-in", "30", "--label", "ops")
    assert created.status == 0, created.stderr
    secret = created.stdout.strip()
    assert secret.startswith("tvk_") and len(secret) >= 40
    key_id = next(line.split()[1] for line in created.stderr.splitlines() if line.startswith("id:"))
    listing = run_cli("keys", "list")
    assert key_id in listing.stdout and "active" in listing.stdout and secret not in listing.stdout
    assert secret not in (data_dir / "trace_verify.sqlite3").read_bytes().decode("latin-1")
    assert run_cli("keys", "revoke", key_id).status == 0
    assert "revoked" in run_cli("keys", "list").stdout
    missing = run_cli("keys", "revoke", "key_nothing")
    assert missing.status == 2 and missing.stderr.startswith("error: NOT_FOUND: ")


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (("--role", "merchant"), "error: INVALID_ARGUMENT: --merchant: "),
        (("--role", "consumer", "--merchant", "M-1"), "error: INVALID_ARGUMENT: --consumer: "),
        (("--role", "platform", "--consumer", "C-1"), "error: INVALID_ARGUMENT: --role: "),
        (("--role", "merchant", "--merchant", "M-UNKNOWN"), "error: UNKNOWN_MERCHANT: --merchant: "),
        (("--role", "staff", "--expires-in", "0"), "error: INVALID_ARGUMENT: --expires-in: "),
        (("--role", "root"), "error: USAGE: /: "),
    ],
)
def test_keys_create_refuses_a_wrong_tenant(data_dir: Path, args: tuple[str, ...], line: str) -> None:
    """The service names the refused field; the command line names the flag that sets it."""
    assert run_cli("db", "upgrade").status == 0
    result = run_cli("keys", "create", *args)
    assert result.status == 2
    assert result.stderr.splitlines()[-1].startswith(line), result.stderr
    assert "Traceback" not in result.stderr


def test_demo_loads_once_and_prints_the_documented_keys(data_dir: Path) -> None:
    first = run_cli("demo", "--no-serve")
    assert first.status == 0, first.stderr
    assert "3 merchants, 10 orders, 5 keys added (2 deposits topped up)" in first.stderr
    for key in DEMO_KEYS:
        assert key.secret in first.stderr
    second = run_cli("demo", "--no-serve")
    assert "0 merchants, 0 orders, 0 keys added (0 deposits topped up)" in second.stderr


def test_verify_db_uses_the_stored_history(data_dir: Path) -> None:
    assert run_cli("demo", "--no-serve").status == 0
    from tests.support import bundle

    raw = json.dumps(bundle("ggg-upheld")).encode()  # the demo's first holder of the shared number
    offline = run_cli("verify", "-", "--now", NOW, stdin=raw).json()
    stored = run_cli("verify", "--db", "-", "--now", NOW, stdin=raw).json()
    codes = [f["code"] for f in stored["findings"]]
    assert "TRACKING_SHARED" in codes  # the demo's ORD-2026-000199 attached the number later
    assert "TRACKING_SHARED" not in [f["code"] for f in offline["findings"]]
    assert "ORD-2026-000199" not in json.dumps(stored) and "C-40415" not in json.dumps(stored)


def test_with_the_demo_loaded_the_contract_example_still_gets_the_contracts_verdict(data_dir: Path) -> None:
    """Issue 2's done-when: `make run` answers POST /api/v1/verify with the contract example's verdict."""
    from tests.support import FIXTURES, load_json, matchable

    assert run_cli("demo", "--no-serve").status == 0
    stored = run_cli(
        "verify", "--db", str(BUNDLES / "direct-met.json"), "--now", "2026-03-05T12:00:00Z"
    ).json()
    assert matchable(stored) == matchable(load_json(FIXTURES / "expected" / "direct-met.verdict.json"))


def test_the_demos_later_order_is_reused_and_the_first_shared(data_dir: Path) -> None:
    from tests.api.support import NOW as API_NOW
    from trace_verify.config import load_settings
    from trace_verify.web.serve import build_app

    assert run_cli("demo", "--no-serve").status == 0
    app = build_app(load_settings())
    client = app.test_client()
    headers = {"Authorization": f"Bearer {DEMO_KEYS[0].secret}"}
    later = client.post(f"/api/v1/orders/ORD-2026-000199/verdict?now={API_NOW}", headers=headers).get_json()
    first = client.post(f"/api/v1/orders/ORD-2026-000912/verdict?now={API_NOW}", headers=headers).get_json()
    assert "TRACKING_REUSED" in [f["code"] for f in later["findings"]]
    assert "TRACKING_SHARED" in [f["code"] for f in first["findings"]]
    app.extensions["trace_verify.database"].dispose()


def test_demo_codes_keep_the_general_trade_order_met(data_dir: Path) -> None:
    """Issue 12: the demo's general-trade order is met against the registry; an invented code is not."""
    first = run_cli("demo", "--no-serve")
    assert first.status == 0, first.stderr
    assert "GTDEMOBAG2AA  http://127.0.0.1:8000/t/" in first.stderr
    order = json.loads(
        (Path(__file__).parents[2] / "fixtures" / "demo" / "orders" / "general-trade.json").read_text()
    )
    raw = json.dumps(order).encode()
    offline = run_cli("verify", "-", "--now", "2026-03-20T00:00:00Z", stdin=raw).json()
    assert offline["verdict"] == "not_met"  # offline, an id without its record proves nothing
    assert "TRACE_CODE_MISSING" in [f["code"] for f in offline["findings"]]
    stored = run_cli("verify", "--db", "-", "--now", "2026-03-20T00:00:00Z", stdin=raw).json()
    assert stored["verdict"] == "met", stored["findings"]
    assert stored["path"] == "general_trade"
    order["order"]["items"][0]["trace_codes"] = ["GTDEMOBAG2AA", "FAKE-CODE-1"]
    forged = run_cli(
        "verify", "--db", "-", "--now", "2026-03-20T00:00:00Z", stdin=json.dumps(order).encode()
    ).json()
    assert forged["verdict"] == "not_met"
    assert "TRACE_CODE_FORGED" in [f["code"] for f in forged["findings"]]
    signing = run_cli("signing-keys", "list")
    assert signing.status == 0 and "active" in signing.stdout


def test_signing_keys_rotate_and_revoke(data_dir: Path) -> None:
    assert run_cli("db", "upgrade").status == 0
    assert run_cli("signing-keys", "create").stdout.startswith("active signing key: A")
    rotated = run_cli("signing-keys", "rotate")
    assert "active signing key: B (A retired" in rotated.stdout
    assert run_cli("signing-keys", "revoke", "A").status == 0
    listing = run_cli("signing-keys", "list").stdout
    assert "A  revoked" in listing and "B  active" in listing
    again = run_cli("signing-keys", "retire", "A")
    assert again.status != 0 and "revoked for good" in again.stderr
    missing = run_cli("signing-keys", "revoke", "Q")
    assert missing.status == 2 and "NOT_FOUND" in missing.stderr
    assert (data_dir / "signing.secret").stat().st_mode & 0o077 == 0  # the secret file is private


def test_validations_purge_expires_old_jobs_from_the_command_line(data_dir: Path) -> None:
    """`trace-verify validations purge` (for cron): a job finished longer ago than the retention is
    expired and its results file deleted; a recent one is kept."""
    from datetime import UTC, datetime, timedelta

    from trace_verify.db.models import JobState, ValidationJob
    from trace_verify.db.session import Database

    assert run_cli("db", "upgrade").status == 0
    database = Database(f"sqlite:///{data_dir / 'trace_verify.sqlite3'}")
    now = datetime.now(UTC)
    (data_dir / "validations").mkdir()
    with database.transaction() as session:
        for job_id, finished in (("val_old", now - timedelta(days=8)), ("val_new", now)):
            (data_dir / "validations" / f"{job_id}.results.jsonl").write_bytes(b"{}\n")
            session.add(
                ValidationJob(
                    id=job_id, key_id="k", format="jsonl", state=JobState.DONE, size=3, rows=1,
                    rows_read=1, done=1, failed=0, verify_at=now, created_at=finished,
                    finished_at=finished, attempts=1,
                )
            )  # fmt: skip
    result = run_cli("validations", "purge")
    assert result.status == 0, result.stderr
    assert "expired 1 job(s)" in result.stdout
    assert not (data_dir / "validations" / "val_old.results.jsonl").exists()
    assert (data_dir / "validations" / "val_new.results.jsonl").exists()
    with database.transaction() as session:
        states = {job.id: job.state for job in session.query(ValidationJob)}
    database.dispose()
    assert states == {"val_old": JobState.EXPIRED, "val_new": JobState.DONE}

"""The carrier simulator: routes, fixture lookup, token endpoints, faults, control endpoints, CLI."""

from __future__ import annotations

import base64
import http.client
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.test import Client

from carriers.simulator import FAULT_HEADER, SimulatorApp, build_app, main, parse_fault, running
from carriers.simulator.cli import build_parser
from carriers.simulator.discovery import discover_routes
from carriers.simulator.faults import FaultSyntaxError
from carriers.simulator.fixtures import FixtureStore
from carriers.simulator.tokens import TokenStore

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
DHL_NUMBER = "3027158481"
KEY = {"DHL-API-Key": "sim-key"}


@pytest.fixture
def app() -> SimulatorApp:
    return build_app(FIXTURES)


@pytest.fixture
def client(app: SimulatorApp) -> Client:
    return Client(app)


def _json(response: object) -> object:
    return json.loads(response.get_data())  # type: ignore[attr-defined]


def test_dhl_route_serves_the_fixture_holding_the_number(client: Client) -> None:
    response = client.get(f"/track/shipments?trackingNumber={DHL_NUMBER}", headers=KEY)
    assert response.status_code == 200
    assert response.content_type == "application/json"
    stored = FIXTURES / "carriers" / "dhl" / "express-osaka-shanghai-customs-hold.json"
    assert response.get_data() == stored.read_bytes()


def test_dhl_unknown_number_gets_dhls_problem_document(client: Client) -> None:
    response = client.get("/track/shipments?trackingNumber=0000000001", headers=KEY)
    assert response.status_code == 404
    assert _json(response) == {
        "title": "No result found",
        "status": 404,
        "detail": "No shipment with given tracking number found.",
        "instance": "/track/shipments?trackingNumber=0000000001",
    }


@pytest.mark.parametrize("headers", [{}, {"DHL-API-Key": "wrong"}])
def test_dhl_without_a_valid_key_is_401(client: Client, headers: dict[str, str]) -> None:
    response = client.get(f"/track/shipments?trackingNumber={DHL_NUMBER}", headers=headers)
    assert response.status_code == 401
    assert _json(response)["title"] == "Unauthorized"  # type: ignore[index]


def test_dhl_without_a_number_is_400(client: Client) -> None:
    assert client.get("/track/shipments", headers=KEY).status_code == 400


def test_unknown_paths_and_methods(client: Client) -> None:
    assert client.get("/nowhere").status_code == 404
    assert client.post("/track/shipments", headers=KEY).status_code == 405


def _carrier_dir(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "carriers" / "acme"
    folder.mkdir(parents=True)
    for name, body in files.items():
        (folder / name).write_bytes(body)
    return tmp_path


def test_fixture_lookup_matches_whole_tokens_in_sorted_order(tmp_path: Path) -> None:
    root = _carrier_dir(
        tmp_path,
        {
            "a-long.json": b'{"id": "1234567"}',
            "b-exact.json": b'{"id": "12345"}',
            "c-later.json": b'{"id": "12345"}',
            "error-404.json": b'{"instance": "99999"}',
            "malformed-x.json": b'{"id": "88888"',
            "notes.txt": b"77777",
        },
    )
    store = FixtureStore(root)
    found = store.find("acme", "12345")
    assert found is not None and found.body == b'{"id": "12345"}' and found.status == 200
    assert store.find("acme", "99999") is None  # error-* documents are not answers
    assert store.find("acme", "88888") is None
    assert store.find("acme", "77777") is None
    assert store.find("nobody", "12345") is None


def test_an_index_file_wins_and_can_set_a_status(tmp_path: Path) -> None:
    root = _carrier_dir(
        tmp_path,
        {
            "shipment.xml": b"<r><n>1</n></r>",
            "error-404.json": b'{"status": 404}',
            "index.json": json.dumps(
                {"111": "shipment.xml", "222": {"file": "error-404.json", "status": 404}}
            ).encode(),
        },
    )
    store = FixtureStore(root)
    xml = store.find("acme", "111")
    assert xml is not None and xml.content_type == "application/xml"
    error = store.find("acme", "222")
    assert error is not None and error.status == 404
    assert store.find("acme", "1") is None  # the index is the whole truth when present


def test_an_index_cannot_point_outside_its_folder(tmp_path: Path) -> None:
    root = _carrier_dir(tmp_path, {"index.json": b'{"1": "../../../etc/passwd"}'})
    with pytest.raises(ValueError, match="outside"):
        FixtureStore(root).find("acme", "1")


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def test_ups_token_endpoint_with_client_secret_basic(client: Client, app: SimulatorApp) -> None:
    response = client.post(
        "/security/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=_basic("sim-client", "sim-secret"),
    )
    assert response.status_code == 200
    doc = _json(response)
    assert isinstance(doc, dict)
    assert doc["token_type"] == "Bearer" and doc["status"] == "approved"
    assert doc["expires_in"] == "3600"  # UPS sends a string
    assert app.tokens.check(doc["access_token"]) == "valid"


def test_fedex_token_endpoint_with_credentials_in_the_form(client: Client) -> None:
    form = {"grant_type": "client_credentials", "client_id": "sim-client", "client_secret": "sim-secret"}
    doc = _json(client.post("/oauth/token", data=form))
    assert isinstance(doc, dict)
    assert doc["token_type"] == "bearer" and doc["expires_in"] == 3600


def test_token_endpoint_refusals(client: Client) -> None:
    bad_secret = client.post(
        "/security/v1/oauth/token",
        data={"grant_type": "client_credentials"},
        headers=_basic("sim-client", "nope"),
    )
    assert bad_secret.status_code == 401
    assert _json(bad_secret)["error"] == "invalid_client"  # type: ignore[index]
    wrong_grant = client.post("/oauth/token", data={"grant_type": "password"})
    assert wrong_grant.status_code == 400


def test_bearer_routes_need_a_live_token(client: Client, app: SimulatorApp) -> None:
    path = "/api/track/v1/details/1Z999AA10123456784"
    assert client.get(path).status_code == 401
    token = app.tokens.issue()
    response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert b"TW0001" in response.get_data()
    client.post("/_sim/tokens/expire")
    assert client.get(path, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_tokens_expire_after_their_ttl() -> None:
    now = [0.0]
    store = TokenStore(ttl=10, clock=lambda: now[0])
    token = store.issue()
    assert store.check(token) == "valid"
    now[0] = 10.0
    assert store.check(token) == "expired"
    assert store.check("forged") == "unknown"


def test_fedex_number_is_read_from_the_json_body(client: Client, app: SimulatorApp) -> None:
    token = app.tokens.issue()
    body = {"trackingInfo": [{"trackingNumberInfo": {"trackingNumber": "794644790132"}}]}
    response = client.post(
        "/track/v1/trackingnumbers", json=body, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert b'"trackingNumber":"794644790132"' in response.get_data()


@pytest.mark.parametrize(
    ("fault", "status", "retry_after"),
    [("status=503", 503, None), ("rate-limit", 429, None), ("rate-limit=7", 429, "7")],
)
def test_status_faults_by_header(client: Client, fault: str, status: int, retry_after: str | None) -> None:
    response = client.get(
        f"/track/shipments?trackingNumber={DHL_NUMBER}", headers={**KEY, FAULT_HEADER: fault}
    )
    assert response.status_code == status
    assert response.headers.get("Retry-After") == retry_after


def test_rate_limit_with_an_http_date(client: Client) -> None:
    response = client.get("/track/shipments", headers={FAULT_HEADER: "rate-limit=date+5"})
    assert response.headers["Retry-After"].endswith(" GMT")


def test_token_faults_and_redirect_and_oversize(client: Client) -> None:
    url = f"/track/shipments?trackingNumber={DHL_NUMBER}"
    assert client.get(url, headers={**KEY, FAULT_HEADER: "token-expired"}).status_code == 401
    redirect = client.get(url, headers={**KEY, FAULT_HEADER: "redirect"})
    assert redirect.status_code == 302 and redirect.headers["Location"].startswith("http://127.0.0.1:")
    big = client.get(url, headers={**KEY, FAULT_HEADER: "oversize=100000"})
    assert len(big.get_data()) == 100000


def test_latency_fault_delays_the_answer(client: Client) -> None:
    started = time.monotonic()
    client.get(f"/track/shipments?trackingNumber={DHL_NUMBER}", headers={**KEY, FAULT_HEADER: "latency=0.2"})
    assert time.monotonic() - started >= 0.2


def test_a_bad_fault_header_is_400(client: Client) -> None:
    assert client.get("/track/shipments", headers={FAULT_HEADER: "explode"}).status_code == 400


def test_fault_syntax() -> None:
    fault = parse_fault("latency=0.5, status=502")
    assert (fault.latency, fault.status) == (0.5, 502)
    assert parse_fault("latency=999").latency == 30.0
    with pytest.raises(FaultSyntaxError):
        parse_fault("status=abc")


def test_queued_faults_match_a_path_and_run_out(client: Client) -> None:
    control = {"fault": "status=500", "times": 2, "path": "/track/shipments"}
    assert client.post("/_sim/faults", json=control).status_code == 204
    url = f"/track/shipments?trackingNumber={DHL_NUMBER}"
    assert client.post("/oauth/token", data={}).status_code == 400  # other paths untouched
    assert [client.get(url, headers=KEY).status_code for _ in range(3)] == [500, 500, 200]
    client.post("/_sim/faults", json={"fault": "status=500"})
    client.delete("/_sim/faults")
    assert client.get(url, headers=KEY).status_code == 200


def test_the_request_log(client: Client) -> None:
    client.get(f"/track/shipments?trackingNumber={DHL_NUMBER}", headers=KEY)
    log = _json(client.get("/_sim/requests"))
    assert log == {
        "count": 1,
        "requests": [{"method": "GET", "path": f"/track/shipments?trackingNumber={DHL_NUMBER}"}],
    }
    client.delete("/_sim/requests")
    assert _json(client.get("/_sim/requests")) == {"count": 0, "requests": []}
    assert client.post("/_sim/faults", json={"fault": "nonsense"}).status_code == 400
    assert client.get("/_sim/unknown").status_code == 404


@pytest.fixture
def served(app: SimulatorApp) -> Iterator[tuple[str, int]]:
    with running(app) as base:
        host, port = base.removeprefix("http://").split(":")
        yield host, int(port)


@contextmanager
def _raw_get(server: tuple[str, int], fault: str) -> Iterator[http.client.HTTPResponse]:
    conn = http.client.HTTPConnection(*server, timeout=5)
    try:
        conn.request(
            "GET", f"/track/shipments?trackingNumber={DHL_NUMBER}", headers={**KEY, FAULT_HEADER: fault}
        )
        with conn.getresponse() as response:
            yield response
    finally:
        conn.close()


def test_truncate_sends_half_of_the_announced_body_and_closes(served: tuple[str, int]) -> None:
    with _raw_get(served, "truncate") as response:
        assert int(response.headers["Content-Length"]) > 100
        with pytest.raises(http.client.IncompleteRead):
            response.read()


def test_drip_sends_one_byte_at_a_time(served: tuple[str, int]) -> None:
    with _raw_get(served, "drip=0.05") as response:
        started = time.monotonic()
        assert response.read(5) == b'{\n  "'
        assert time.monotonic() - started >= 0.15  # at least 4 of the 0.05 s gaps, first byte maybe buffered


def test_discovery_has_the_builtin_routes() -> None:
    routes, tokens = discover_routes()
    assert {(r.carrier, r.method, r.path) for r in routes} >= {
        ("dhl", "GET", "/track/shipments"),
        ("ups", "GET", "/api/track/v1/details/<number>"),
        ("fedex", "POST", "/track/v1/trackingnumbers"),
        ("usps", "GET", "/tracking/v3/tracking/<number>"),
    }
    assert {t.path for t in tokens} >= {"/security/v1/oauth/token", "/oauth/token", "/oauth2/v3/token"}


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org"])
def test_the_simulator_refuses_to_leave_loopback(app: SimulatorApp, host: str) -> None:
    with pytest.raises(ValueError, match="loopback"), running(app, host=host):
        pass


def test_cli_defaults_and_refusals(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    args = build_parser().parse_args([])
    assert (args.host, args.port, args.fixtures) == ("127.0.0.1", 8765, Path("fixtures"))
    assert main(["--fixtures", str(tmp_path / "missing")]) == 2
    assert main(["--fixtures", str(tmp_path), "--host", "10.1.2.3"]) == 2
    assert "loopback" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--client", "no-colon"])

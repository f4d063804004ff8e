"""The simulator's auth schemes (HTTP Basic, id + secret headers) and its nested number sources."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.test import Client

from carriers.simulator import SimulatorApp
from carriers.simulator.routes import RouteSpec

NUMBER = "LX123456789CN"
ANSWER = b'{"number": "LX123456789CN", "events": []}'


def _spec(auth: str = "none", number_from: str = "query:n", method: str = "GET", **extra: str) -> RouteSpec:
    return RouteSpec(
        carrier="acme",
        method=method,
        path="/track",
        auth=auth,  # type: ignore[arg-type]
        number_from=number_from,
        not_found_status=404,
        not_found_body='{"unknown": "{number}"}',
        unauthorized_body='{"error": "unauthorized"}',
        **extra,  # type: ignore[arg-type]
    )


def _client(tmp_path: Path, spec: RouteSpec) -> Client:
    folder = tmp_path / "carriers" / "acme"
    folder.mkdir(parents=True)
    (folder / "answer.json").write_bytes(ANSWER)
    return Client(SimulatorApp(tmp_path, [spec], [], clients={"sim-user": "sim-password"}))


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


# --- auth ----------------------------------------------------------------------------------------------


def test_basic_auth_takes_a_known_user_and_password(tmp_path: Path) -> None:
    client = _client(tmp_path, _spec("basic"))
    assert client.get(f"/track?n={NUMBER}", headers=_basic("sim-user", "sim-password")).status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        _basic("sim-user", "wrong"),
        _basic("other", "sim-password"),
        {"Authorization": "Basic !!!"},
        {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
        {"Authorization": "Bearer sim-password"},
    ],
)
def test_basic_auth_refuses_anything_else(tmp_path: Path, headers: dict[str, str]) -> None:
    response = _client(tmp_path, _spec("basic")).get(f"/track?n={NUMBER}", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    assert json.loads(response.get_data()) == {"error": "unauthorized"}


def test_client_headers_need_both_id_and_secret(tmp_path: Path) -> None:
    spec = _spec(
        "client_headers", client_id_header="X-IBM-Client-Id", client_secret_header="X-IBM-Client-Secret"
    )
    client = _client(tmp_path, spec)
    good = {"X-IBM-Client-Id": "sim-user", "X-IBM-Client-Secret": "sim-password"}
    assert client.get(f"/track?n={NUMBER}", headers=good).status_code == 200
    assert client.get(f"/track?n={NUMBER}", headers={"X-IBM-Client-Id": "sim-user"}).status_code == 401
    bad = {"X-IBM-Client-Id": "sim-user", "X-IBM-Client-Secret": "nope"}
    assert client.get(f"/track?n={NUMBER}", headers=bad).status_code == 401


# --- number sources ------------------------------------------------------------------------------------


def test_form_json_reads_a_pointer_inside_a_form_field(tmp_path: Path) -> None:
    client = _client(tmp_path, _spec(number_from="form-json:param:/num", method="POST"))
    param = json.dumps({"com": "ems", "num": NUMBER, "resultv2": "4"})
    response = client.post("/track", data={"customer": "C", "sign": "S", "param": param})
    assert (response.status_code, response.get_data()) == (200, ANSWER)
    unknown = client.post("/track", data={"param": json.dumps({"num": "LX000000000CN"})})
    assert json.loads(unknown.get_data()) == {"unknown": "LX000000000CN"}


@pytest.mark.parametrize("param", [None, "not json", '{"num": 7}', '{"nu": "x"}', "[]"])
def test_form_json_without_the_number_is_400(tmp_path: Path, param: str | None) -> None:
    client = _client(tmp_path, _spec(number_from="form-json:param:/num", method="POST"))
    assert client.post("/track", data={} if param is None else {"param": param}).status_code == 400


def test_form_json_reads_array_members(tmp_path: Path) -> None:
    client = _client(tmp_path, _spec(number_from="form-json:msgData:/trackingNumber/0", method="POST"))
    msg = json.dumps({"language": "0", "trackingType": "1", "trackingNumber": [NUMBER], "methodType": "1"})
    assert client.post("/track", data={"msgData": msg}).status_code == 200


def test_query_xml_reads_an_attribute_inside_a_query_parameter(tmp_path: Path) -> None:
    client = _client(tmp_path, _spec(number_from="query-xml:XML:TrackID@ID"))
    xml = f'<TrackRequest USERID="U"><Revision>1</Revision><TrackID ID="{NUMBER}"></TrackID></TrackRequest>'
    response = client.get("/track?" + urlencode({"API": "TrackV2", "XML": xml}))
    assert (response.status_code, response.get_data()) == (200, ANSWER)


def test_body_xml_reads_an_element_in_a_namespaced_body(tmp_path: Path) -> None:
    client = _client(tmp_path, _spec(number_from="body-xml:AWBNumber", method="POST"))
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<req:KnownTrackingRequest xmlns:req="http://www.dhl.com"><Request><ServiceHeader>'
        "<SiteID>s</SiteID><Password>p</Password></ServiceHeader></Request>"
        f"<LanguageCode>en</LanguageCode><AWBNumber> {NUMBER} </AWBNumber>"
        "<LevelOfDetails>ALL_CHECK_POINTS</LevelOfDetails></req:KnownTrackingRequest>"
    )
    response = client.post("/track", data=body.encode(), content_type="application/xml")
    assert (response.status_code, response.get_data()) == (200, ANSWER)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<a><b/></a>",
        b"<a><AWBNumber/></a>",
        b"<a><AWBNumber>1",  # truncated
        b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a><AWBNumber>&x;</AWBNumber></a>',
    ],
)
def test_body_xml_without_a_number_or_unsafe_is_400(tmp_path: Path, body: bytes) -> None:
    client = _client(tmp_path, _spec(number_from="body-xml:AWBNumber", method="POST"))
    assert client.post("/track", data=body, content_type="application/xml").status_code == 400


def test_an_unknown_number_source_is_a_programming_error(tmp_path: Path) -> None:
    client = _client(tmp_path, _spec(number_from="header:X-Number"))
    with pytest.raises(ValueError, match="unknown number source"):
        client.get("/track")

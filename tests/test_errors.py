"""The exception tree: services raise kinds; each shell maps a kind to its answer in one place."""

from __future__ import annotations

import ast
import pickle
from pathlib import Path

import pytest
from flask import Flask

from trace_verify import errors
from trace_verify.cli import exit_status
from trace_verify.web.errors import error_response, status_of

SERVICES = Path(errors.__file__).parent / "services"

EXPECTED_STATUS = {
    errors.InvalidInput: 400,
    errors.Unauthorized: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.Gone: 410,
    errors.TooLarge: 413,
    errors.UnsupportedMedia: 415,
    errors.Unprocessable: 422,
    errors.RateLimited: 429,
    errors.Internal: 500,
    errors.Unavailable: 503,
}


def test_every_kind_is_a_service_error_with_its_own_status() -> None:
    kinds = set(errors.ServiceError.__subclasses__())
    assert kinds == set(EXPECTED_STATUS)
    for kind, status in EXPECTED_STATUS.items():
        assert status_of(kind(None, "m")) == status, kind


def test_a_kind_defaults_its_code_and_keeps_a_given_one() -> None:
    assert errors.NotFound(None, "no such order").code == "NOT_FOUND"
    assert errors.InvalidInput("UNKNOWN_FIELD", "unknown field", "/x").code == "UNKNOWN_FIELD"


def test_every_refusal_exits_2_and_only_a_defect_exits_70() -> None:
    for kind in EXPECTED_STATUS:
        assert exit_status(kind(None, "m")) == (70 if kind is errors.Internal else 2), kind


def test_http_answer_carries_the_headers_of_its_kind() -> None:
    with Flask(__name__).app_context():
        limited = error_response(errors.RateLimited(None, "slow down", retry_after=7))
        unauthorized = error_response(errors.Unauthorized(None, "send a key"))
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "7")
    assert limited.get_json() == {"error": {"code": "RATE_LIMITED", "message": "slow down", "field": None}}
    assert unauthorized.headers["WWW-Authenticate"].startswith("Bearer")


def test_moved_and_pickled_errors_keep_kind_code_and_extras() -> None:
    original = errors.RateLimited("RATE_LIMITED", "slow down", "/a", retry_after=3)
    for copy in (pickle.loads(pickle.dumps(original)), original.at("/a")):
        assert type(copy) is errors.RateLimited
        assert (copy.code, copy.message, copy.pointer, copy.retry_after) == (
            "RATE_LIMITED",
            "slow down",
            "/a",
            3,
        )
    assert original.at("/b").pointer == "/b" and original.pointer == "/a"


def _string_constants(path: Path) -> list[str]:
    return [
        n.value
        for n in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


@pytest.mark.parametrize("path", sorted(SERVICES.glob("*.py")), ids=lambda p: p.name)
def test_services_name_no_http_status_and_no_command_line_flag(path: Path) -> None:
    tree = ast.parse(path.read_text("utf-8"))
    keywords = [k.arg for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords]
    assert "status" not in keywords
    assert not [s for s in _string_constants(path) if s.startswith("--")]

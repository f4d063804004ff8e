"""The fetch client against the carrier simulator on loopback: retries, deadline, caps, breaker, tokens."""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Final

import pytest

from carriers._fetch import (
    ApiKeyAuth,
    BodyTooLarge,
    CarrierAuthError,
    CarrierBadResponse,
    CarrierGuards,
    CarrierRateLimited,
    CarrierTimeout,
    CarrierUnavailable,
    CircuitBreaker,
    CircuitOpen,
    FetchClient,
    FetchPolicy,
    OAuth2ClientCredentials,
    TokenBucket,
)
from carriers._fetch.backoff import backoff_delay, parse_retry_after
from carriers._fetch.errors import CarrierFetchError
from carriers.simulator import SimulatorApp, parse_fault
from tests.carriers.support import Sim

DHL_NUMBER = "3027158481"
#: build_app keywords for the simulator (tests/carriers/conftest.py)
SIMULATOR_OPTIONS: Final[dict[str, object]] = {"token_ttl": 60}
pytestmark = pytest.mark.usefixtures("clean_sim")


class FakeClock:
    """Monotonic time that only moves when slept on; wall time follows it from the real now."""

    def __init__(self) -> None:
        self.t = 1000.0
        self.sleeps: list[float] = []
        self._wall = datetime.now(UTC)

    def monotonic(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds

    def now(self) -> datetime:
        return self._wall + timedelta(seconds=self.t - 1000.0)


def _policy(**overrides: object) -> FetchPolicy:
    values: dict[str, object] = {
        "carrier": "dhl",
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "total_deadline": 5.0,
        "backoff_jitter": 0.0,
    }
    values.update(overrides)
    return FetchPolicy(**values)  # type: ignore[arg-type]


def _client(policy: FetchPolicy, clock: FakeClock | None = None, **kwargs: object) -> FetchClient:
    clock = clock or FakeClock()
    auth = kwargs.pop("auth", ApiKeyAuth("DHL-API-Key", "sim-key"))
    return FetchClient(
        policy,
        auth=auth,  # type: ignore[arg-type]
        clock=clock,
        rng=random.Random(7),
        guards=CarrierGuards.for_policy(policy, clock),
    )


def _dhl(base: str) -> str:
    return f"{base}/track/shipments"


def _queue(app: SimulatorApp, fault: str, times: int = 1, path: str = "/") -> None:
    app.faults.add(parse_fault(fault), path=path, times=times)


def test_a_plain_get_returns_the_fixture(sim: Sim) -> None:
    _app, base = sim
    result = _client(_policy()).get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert result.status == 200
    assert DHL_NUMBER.encode() in result.body
    assert result.headers["content-type"] == "application/json"
    assert result.attempts == 1


def test_a_carrier_error_document_is_returned_not_raised(sim: Sim) -> None:
    _, base = sim
    result = _client(_policy()).get(_dhl(base), params={"trackingNumber": "0000000001"})
    assert result.status == 404
    assert b"No result found" in result.body


def test_5xx_is_retried_with_exponential_backoff(sim: Sim) -> None:
    app, base = sim
    _queue(app, "status=503", times=2)
    clock = FakeClock()
    result = _client(_policy(backoff_factor=0.5), clock).get(
        _dhl(base), params={"trackingNumber": DHL_NUMBER}
    )
    assert result.status == 200
    assert result.attempts == 3
    assert clock.sleeps == [0.5, 1.0]
    assert len(app.requests) == 3


def test_retries_give_up_after_max_attempts(sim: Sim) -> None:
    app, base = sim
    _queue(app, "status=502", times=5)
    with pytest.raises(CarrierUnavailable) as caught:
        _client(_policy(max_attempts=3)).get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert caught.value.status == 502
    assert caught.value.code == "CARRIER_UNAVAILABLE"
    assert len(app.requests) == 3


def test_retry_after_seconds_is_honoured(sim: Sim) -> None:
    app, base = sim
    _queue(app, "rate-limit=4")
    clock = FakeClock()
    result = _client(_policy(), clock).get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert result.status == 200
    assert clock.sleeps == [4.0]


def test_retry_after_http_date_is_honoured(sim: Sim) -> None:
    app, base = sim
    _queue(app, "rate-limit=date+3")
    clock = FakeClock()
    _client(_policy(), clock).get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert len(clock.sleeps) == 1
    assert 1.0 <= clock.sleeps[0] <= 3.0


def test_retry_after_beyond_the_cap_gives_up_at_once(sim: Sim) -> None:
    app, base = sim
    _queue(app, "rate-limit=3600")
    clock = FakeClock()
    with pytest.raises(CarrierRateLimited) as caught:
        _client(_policy(), clock).get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert caught.value.retry_after == 3600
    assert clock.sleeps == []  # gave up at once: no wait, no second request
    assert len(app.requests) == 1


def test_retry_after_max_cannot_exceed_ten_seconds() -> None:
    with pytest.raises(ValueError, match="retry_after_max"):
        FetchPolicy(carrier="x", retry_after_max=11)


def test_a_retry_that_would_pass_the_deadline_is_not_made(sim: Sim) -> None:
    app, base = sim
    _queue(app, "rate-limit=8")
    clock = FakeClock()
    with pytest.raises(CarrierRateLimited):
        _client(_policy(total_deadline=5.0), clock).get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert clock.sleeps == []


def test_post_is_not_retried_unless_declared_idempotent(sim: Sim) -> None:
    app, base = sim
    _queue(app, "status=503", times=5)
    client = _client(_policy())
    with pytest.raises(CarrierUnavailable):
        client.post(f"{base}/track/v1/trackingnumbers", json_body={})
    assert len(app.requests) == 1
    with pytest.raises(CarrierUnavailable):
        client.post(f"{base}/track/v1/trackingnumbers", json_body={}, idempotent=True)
    assert len(app.requests) == 4


def test_connection_refused_is_unavailable() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(CarrierUnavailable):
        _client(_policy(max_attempts=2)).get(f"http://127.0.0.1:{port}/track/shipments")


def test_the_total_deadline_stops_a_slow_drip(sim: Sim) -> None:
    """A server sending one byte every 50 ms never trips a 1 s read timeout; the deadline stops it."""
    app, base = sim
    _queue(app, "drip=0.05")
    policy = _policy(total_deadline=0.6, read_timeout=1.0, max_attempts=1)
    client = FetchClient(policy, guards=CarrierGuards.for_policy(policy))
    started = time.monotonic()
    with pytest.raises(CarrierTimeout) as caught:
        client.get(_dhl(base), params={"trackingNumber": DHL_NUMBER}, headers={"DHL-API-Key": "sim-key"})
    assert 0.55 <= time.monotonic() - started < 1.0
    assert caught.value.code == "CARRIER_TIMEOUT"


def test_the_watchdog_stops_a_server_that_never_answers(sim: Sim) -> None:
    app, base = sim
    _queue(app, "latency=3")
    policy = _policy(total_deadline=0.4, read_timeout=10.0, max_attempts=1)
    client = FetchClient(policy, guards=CarrierGuards.for_policy(policy))
    started = time.monotonic()
    with pytest.raises(CarrierTimeout):
        client.get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert time.monotonic() - started < 0.9


def test_a_truncated_body_is_refused_then_retried(sim: Sim) -> None:
    app, base = sim
    _queue(app, "truncate")
    with pytest.raises(CarrierBadResponse, match="truncated"):
        _client(_policy(max_attempts=1)).get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    _queue(app, "truncate")
    result = _client(_policy(max_attempts=2)).get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert result.attempts == 2
    assert result.body.rstrip().endswith(b"}")


def test_an_announced_body_over_the_cap_is_not_read(sim: Sim) -> None:
    app, base = sim
    _queue(app, "oversize=50000")
    with pytest.raises(BodyTooLarge) as caught:
        _client(_policy(max_body_bytes=20000)).get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert caught.value.code == "CARRIER_BODY_TOO_LARGE"


@pytest.fixture
def chunked_server() -> Iterator[str]:
    """A raw server streaming an endless chunked body (no Content-Length to check up front)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve() -> None:
        conn, _ = server.accept()
        with conn:
            conn.recv(65536)
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
            )
            chunk = b"x" * 8192
            try:
                for _ in range(1000):
                    conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    thread.join(timeout=5)
    server.close()


def test_a_streamed_body_is_cut_at_the_cap(chunked_server: str) -> None:
    started = time.monotonic()
    with pytest.raises(BodyTooLarge):
        _client(_policy(max_body_bytes=100_000, max_attempts=1)).get(chunked_server)
    assert time.monotonic() - started < 1.0


def test_a_redirect_is_not_followed(sim: Sim) -> None:
    app, base = sim
    _queue(app, "redirect")
    with pytest.raises(CarrierBadResponse, match="redirect"):
        _client(_policy(max_attempts=1)).get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert len(app.requests) == 1


def test_the_breaker_opens_after_n_failures_and_recovers_after_the_cooldown(
    sim: Sim,
) -> None:
    app, base = sim
    clock = FakeClock()
    client = _client(_policy(max_attempts=1, breaker_threshold=3, breaker_cooldown=30), clock)
    _queue(app, "status=500", times=3)
    for _ in range(3):
        with pytest.raises(CarrierUnavailable):
            client.get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    waited = clock.t
    with pytest.raises(CircuitOpen) as caught:
        client.get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert clock.t == waited  # refused at once: no sleep, no retry
    assert caught.value.code == "CARRIER_CIRCUIT_OPEN"
    assert len(app.requests) == 3  # nothing sent while open
    clock.t += 30
    assert client.guards.breaker.state == "half_open"
    assert client.get(_dhl(base), params={"trackingNumber": DHL_NUMBER}).status == 200
    assert str(client.guards.breaker.state) == "closed"


def test_a_failed_probe_reopens_the_breaker(sim: Sim) -> None:
    app, base = sim
    clock = FakeClock()
    client = _client(_policy(max_attempts=1, breaker_threshold=1, breaker_cooldown=10), clock)
    _queue(app, "status=503", times=2)
    with pytest.raises(CarrierUnavailable):
        client.get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    clock.t += 10
    with pytest.raises(CarrierUnavailable):
        client.get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert client.guards.breaker.state == "open"
    with pytest.raises(CircuitOpen):
        client.get(_dhl(base), params={"trackingNumber": DHL_NUMBER})


def test_auth_failures_and_not_found_do_not_trip_the_breaker(sim: Sim) -> None:
    _, base = sim
    client = _client(_policy(breaker_threshold=1), auth=ApiKeyAuth("DHL-API-Key", "wrong"))
    for _ in range(3):
        with pytest.raises(CarrierAuthError):
            client.get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert client.guards.breaker.state == "closed"


def test_half_open_lets_exactly_one_probe_through_concurrently() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("x", threshold=1, cooldown=5, clock=clock)
    breaker.record_failure()
    clock.t += 5
    admitted: list[int] = []
    barrier = threading.Barrier(16)

    def probe() -> None:
        barrier.wait()
        try:
            breaker.before_call()
        except CircuitOpen:
            return
        admitted.append(1)

    threads = [threading.Thread(target=probe) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert admitted == [1]


def test_the_rate_limit_spaces_calls_at_the_documented_rate(sim: Sim) -> None:
    _, base = sim
    clock = FakeClock()
    client = _client(_policy(rate_per_second=1.0, burst=1), clock)
    for _ in range(3):
        client.get(_dhl(base), params={"trackingNumber": DHL_NUMBER})
    assert clock.sleeps == [1.0, 1.0]


def test_token_bucket_refuses_a_wait_longer_than_allowed() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, capacity=2, clock=clock)
    assert [bucket.reserve(10), bucket.reserve(10), bucket.reserve(10)] == [0.0, 0.0, 0.5]
    assert bucket.reserve(max_wait=0.5) is None  # would need 1.0 s
    clock.t += 1.0
    assert bucket.reserve(0) == 0.0


def test_backoff_grows_is_capped_and_jittered() -> None:
    policy = FetchPolicy(carrier="x", backoff_factor=0.5, backoff_max=8, backoff_jitter=0.5)
    rng = random.Random(1)
    delays = [backoff_delay(policy, n, rng) for n in range(1, 8)]
    bases = [0.5, 1, 2, 4, 8, 8, 8]
    assert all(base <= d <= base + 0.5 for d, base in zip(delays, bases, strict=True))


def test_retry_after_parsing() -> None:
    now = datetime(2026, 11, 26, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now) == 120
    assert parse_retry_after("Thu, 26 Nov 2026 12:00:30 GMT", now) == 30
    assert parse_retry_after("Thu, 26 Nov 2026 11:00:00 GMT", now) == 0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


def test_every_failure_has_a_stable_code() -> None:
    codes = {cls.__name__: cls.code for cls in _all_subclasses(CarrierFetchError)}
    assert codes == {
        "CarrierTimeout": "CARRIER_TIMEOUT",
        "CarrierUnavailable": "CARRIER_UNAVAILABLE",
        "CarrierBadResponse": "CARRIER_BAD_RESPONSE",
        "CarrierRateLimited": "CARRIER_RATE_LIMITED",
        "CarrierAuthError": "CARRIER_AUTH_FAILED",
        "CircuitOpen": "CARRIER_CIRCUIT_OPEN",
        "GuardsUnreachable": "CARRIER_GUARDS_UNREACHABLE",
        "BodyTooLarge": "CARRIER_BODY_TOO_LARGE",
    }


def _all_subclasses(cls: type[CarrierFetchError]) -> list[type[CarrierFetchError]]:
    found: list[type[CarrierFetchError]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


# OAuth2 client credentials (UPS, FedEx, USPS)


def _ups(
    base: str, clock: FakeClock, secret: str = "sim-secret"
) -> tuple[FetchClient, OAuth2ClientCredentials]:
    auth = OAuth2ClientCredentials(
        "ups", f"{base}/security/v1/oauth/token", "sim-client", secret, client_auth="basic", clock=clock
    )
    return _client(_policy(carrier="ups"), clock, auth=auth), auth


def _token_requests(app: SimulatorApp) -> int:
    return sum(1 for _, path in app.requests if "oauth" in path)


def test_a_token_is_fetched_once_and_reused(sim: Sim) -> None:
    app, base = sim
    clock = FakeClock()
    client, auth = _ups(base, clock)
    for _ in range(3):
        result = client.get(f"{base}/api/track/v1/details/1Z999AA10123456784")
        assert result.status == 200
        assert b"TW0001" in result.body  # UPS's "not found" warning document
    assert auth.tokens_fetched == 1
    assert _token_requests(app) == 1


def test_an_expiring_token_is_renewed_before_it_expires(sim: Sim) -> None:
    _app, base = sim
    clock = FakeClock()
    client, auth = _ups(base, clock)
    client.get(f"{base}/api/track/v1/details/1Z999AA10123456784")
    clock.t += 29  # the simulator's tokens live 60 s; renewal at 60 - min(60, 30) = 30 s
    client.get(f"{base}/api/track/v1/details/1Z999AA10123456784")
    assert auth.tokens_fetched == 1
    clock.t += 2
    client.get(f"{base}/api/track/v1/details/1Z999AA10123456784")
    assert auth.tokens_fetched == 2


def test_a_401_forces_one_refresh_and_one_retry(sim: Sim) -> None:
    app, base = sim
    clock = FakeClock()
    client, auth = _ups(base, clock)
    client.get(f"{base}/api/track/v1/details/1Z999AA10123456784")
    app.tokens.expire_all()  # the carrier revoked it early
    result = client.get(f"{base}/api/track/v1/details/1Z999AA10123456784")
    assert result.status == 200
    assert result.attempts == 1
    assert auth.tokens_fetched == 2
    assert clock.sleeps == []


def test_a_second_401_is_an_auth_error_without_a_second_refresh(sim: Sim) -> None:
    app, base = sim
    clock = FakeClock()
    client, auth = _ups(base, clock)
    _queue(app, "token-invalid", times=5, path="/api/track")
    with pytest.raises(CarrierAuthError):
        client.get(f"{base}/api/track/v1/details/1Z999AA10123456784")
    assert auth.tokens_fetched == 2
    assert sum(1 for _, path in app.requests if path.startswith("/api/track")) == 2


def test_refused_client_credentials_are_an_auth_error(sim: Sim) -> None:
    _, base = sim
    client, _ = _ups(base, FakeClock(), secret="wrong")
    with pytest.raises(CarrierAuthError, match="token endpoint"):
        client.get(f"{base}/api/track/v1/details/1Z999AA10123456784")
    assert client.guards.breaker.state == "closed"


def test_a_failing_token_endpoint_is_retried(sim: Sim) -> None:
    app, base = sim
    clock = FakeClock()
    client, auth = _ups(base, clock)
    _queue(app, "status=503", path="/security/v1/oauth/token")
    assert client.get(f"{base}/api/track/v1/details/1Z999AA10123456784").status == 200
    assert auth.tokens_fetched == 1
    assert _token_requests(app) == 2


def test_fedex_style_token_in_the_form_and_a_tracking_post(sim: Sim) -> None:
    _, base = sim
    clock = FakeClock()
    auth = OAuth2ClientCredentials("fedex", f"{base}/oauth/token", "sim-client", "sim-secret", clock=clock)
    client = _client(_policy(carrier="fedex"), clock, auth=auth)
    body = {
        "includeDetailedScans": True,
        "trackingInfo": [{"trackingNumberInfo": {"trackingNumber": "794644790132"}}],
    }
    result = client.post(f"{base}/track/v1/trackingnumbers", json_body=body, idempotent=True)
    assert result.status == 200
    assert b"TRACKING.TRACKINGNUMBER.NOTFOUND" in result.body
    assert b"794644790132" in result.body


def test_credentials_never_appear_in_reprs_or_errors(sim: Sim) -> None:
    _, base = sim
    assert "sim-key" not in repr(ApiKeyAuth("DHL-API-Key", "sim-key"))
    client, auth = _ups(base, FakeClock(), secret="s3cr3t-value")
    assert "s3cr3t" not in repr(auth)
    with pytest.raises(CarrierAuthError) as caught:
        client.get(f"{base}/api/track/v1/details/1Z999AA10123456784")
    assert "s3cr3t" not in str(caught.value)

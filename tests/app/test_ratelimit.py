"""Per-client token buckets (app/ratelimit.py): the arithmetic, and the 429 answers of the real app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.api.auth import hash_key
from app.main import create_app
from app.ratelimit import BucketRate, RateLimiter
from certcheck.settings import Settings

pytestmark = pytest.mark.anyio


class ManualClock:
    """A clock the test moves by hand, so refill times are exact."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_the_burst_then_refills_at_the_rate() -> None:
    clock = ManualClock()
    limiter = RateLimiter(clock=clock)
    rate = BucketRate(per_minute=30, burst=3)  # one token every 2 s
    assert [limiter.acquire("a", rate) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.acquire("a", rate) == pytest.approx(2.0)
    clock.now += 1.0
    assert limiter.acquire("a", rate) == pytest.approx(1.0), "half a token back after 1 s"
    clock.now += 1.0
    assert limiter.acquire("a", rate) == 0.0
    clock.now += 3600
    assert [limiter.acquire("a", rate) for _ in range(4)][-1] > 0, "idle time refills to the burst, no more"


def test_clients_have_separate_buckets_and_zero_rate_is_unlimited() -> None:
    limiter = RateLimiter(clock=ManualClock())
    rate = BucketRate(per_minute=60, burst=1)
    assert limiter.acquire("a", rate) == 0.0
    assert limiter.acquire("b", rate) == 0.0
    assert limiter.acquire("a", rate) > 0
    assert all(limiter.acquire("c", BucketRate(0, 0)) == 0.0 for _ in range(100))


def test_forgotten_clients_are_bounded() -> None:
    limiter = RateLimiter(clock=ManualClock(), max_clients=3)
    rate = BucketRate(per_minute=60, burst=1)
    for client in "abcd":
        limiter.acquire(client, rate)
    # "a" was forgotten (least recently seen) and starts again with a full bucket.
    assert limiter.acquire("a", rate) == 0.0
    assert limiter.acquire("d", rate) > 0


# --- the real application ------------------------------------------------------------------------------

PARTNER_KEY = "partner-secret-key"


@pytest.fixture
async def limited_client(checker: Any, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The real app with tight limits: 3 at once for addresses, 10 for the partner's key, slow refill."""
    settings = Settings(
        data_dir=tmp_path / "data",
        templates=[],
        issuers=[],
        rate_limit_per_minute=6,
        rate_limit_burst=3,
        key_rate_limit_per_minute=60,
        key_rate_limit_burst=10,
        api_keys=[f"partner:{hash_key(PARTNER_KEY)}"],
    )
    app = create_app(settings, checker=checker)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 5555))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


@pytest.mark.ocr
async def test_address_over_its_burst_gets_429_with_retry_after(limited_client: httpx.AsyncClient) -> None:
    answers = [await limited_client.get("/v1/templates") for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.json()["error"]["code"] == "rate_limited"
    assert set(refused.json()["error"]) >= {"code", "message", "message_en"}
    assert 1 <= int(refused.headers["Retry-After"]) <= 10  # one token per 10 s at 6 per minute
    assert refused.headers["X-Request-ID"], "a refused request still gets its id"


@pytest.mark.ocr
async def test_health_page_and_metrics_are_not_limited(limited_client: httpx.AsyncClient) -> None:
    for _ in range(5):
        await limited_client.get("/v1/templates")
    for path in ("/healthz", "/", "/metrics", "/healthz"):
        assert (await limited_client.get(path)).status_code == 200, path


@pytest.mark.ocr
async def test_a_valid_key_is_its_own_client_with_the_higher_rate(limited_client: httpx.AsyncClient) -> None:
    for _ in range(4):
        await limited_client.get("/v1/templates")  # the address is now limited
    keyed = [await limited_client.get("/v1/templates", headers={"X-API-Key": PARTNER_KEY}) for _ in range(11)]
    assert [answer.status_code for answer in keyed] == [200] * 10 + [429]
    # A wrong key is no key: the request counts against the address, already empty.
    wrong = await limited_client.get("/v1/templates", headers={"X-API-Key": "guess"})
    assert wrong.status_code == 429

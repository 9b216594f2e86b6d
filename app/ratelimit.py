"""Per-client rate limits for ``/v1/*``: a token bucket per client, 429 ``rate_limited`` with ``Retry-After``.

A client is the name of its API key when it sends a valid ``X-API-Key``
(systems that call the API on purpose, with the higher ``key_`` rates), else
its remote address (citizens with a browser). Behind a reverse proxy the
address is the proxy's unless uvicorn runs with ``--proxy-headers`` and
``--forwarded-allow-ips``. The page, health, docs and ``/metrics`` are not
limited: they cost nothing and orchestrators poll them.

The limit sits in front of the work pool: the pool bounds what the machine
does (503 ``overloaded``), the limit keeps one client from taking every slot.
Buckets live in this process only; with ``certcheck serve --workers N`` each
process has its own, so a client may get up to N times the rate.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.auth import API_KEY_HEADER, ApiKeyStore
from certcheck.errors import RateLimited
from certcheck.settings import Settings

__all__ = ["LIMITED_PREFIX", "BucketRate", "RateLimitMiddleware", "RateLimiter"]

#: Only the API is limited; see the module docstring.
LIMITED_PREFIX = "/v1/"
#: Clients remembered at most; beyond, the least recently seen are forgotten (a full bucket is no loss).
_MAX_CLIENTS = 10_000


@dataclass(frozen=True)
class BucketRate:
    """``per_minute`` tokens refilled evenly, at most ``burst`` stored; ``per_minute <= 0`` means unlimited."""

    per_minute: float
    burst: int

    @property
    def unlimited(self) -> bool:
        return self.per_minute <= 0


class _Bucket:
    __slots__ = ("tokens", "updated")

    def __init__(self, tokens: float, updated: float) -> None:
        self.tokens = tokens
        self.updated = updated


class RateLimiter:
    """Token buckets by client id; thread-safe; ``clock`` is injectable for tests of the arithmetic."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, max_clients: int = _MAX_CLIENTS) -> None:
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()
        self._lock = threading.Lock()

    def acquire(self, client: str, rate: BucketRate) -> float:
        """Take one token for ``client``; returns 0 when allowed, else the seconds until a token is back.

        >>> limiter = RateLimiter(clock=lambda: 100.0)
        >>> [limiter.acquire("a", BucketRate(per_minute=60, burst=2)) for _ in range(3)]
        [0.0, 0.0, 1.0]
        """
        if rate.unlimited:
            return 0.0
        per_second = rate.per_minute / 60.0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.pop(client, None) or _Bucket(float(rate.burst), now)
            self._buckets[client] = bucket  # most recently seen last
            if len(self._buckets) > self._max_clients:
                self._buckets.popitem(last=False)
            bucket.tokens = min(float(rate.burst), bucket.tokens + (now - bucket.updated) * per_second)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / per_second


class RateLimitMiddleware:
    """Pure ASGI: answers 429 before the request reaches the app when the client's bucket is empty."""

    def __init__(self, app: ASGIApp, settings: Settings, keys: ApiKeyStore, limiter: RateLimiter | None = None) -> None:
        self.app = app
        self._keys = keys
        self._limiter = limiter or RateLimiter()
        self._anonymous = BucketRate(settings.rate_limit_per_minute, settings.rate_limit_burst)
        self._keyed = BucketRate(settings.key_rate_limit_per_minute, settings.key_rate_limit_burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LIMITED_PREFIX):
            await self.app(scope, receive, send)
            return
        key_name = self._keys.name_of(Headers(scope=scope).get(API_KEY_HEADER))
        if key_name is not None:
            client, rate = f"key:{key_name}", self._keyed
        else:
            client, rate = f"addr:{_address(scope)}", self._anonymous
        wait_s = self._limiter.acquire(client, rate)
        if wait_s <= 0:
            await self.app(scope, receive, send)
            return
        await _refuse(send, RateLimited(retry_after=max(1, math.ceil(wait_s))))


def _address(scope: Scope) -> str:
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


async def _refuse(send: Send, error: RateLimited) -> None:
    """The contract's 429 answer; the request id header is added by the middleware around this one."""
    body = json.dumps({"error": error.to_dict()}, ensure_ascii=False).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(error.retry_after).encode()),
    ]
    await send({"type": "http.response.start", "status": error.http_status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

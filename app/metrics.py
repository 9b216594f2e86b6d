"""Prometheus metrics at ``GET /metrics`` (text exposition format).

* ``certcheck_http_requests_total{method, route, status}`` and
  ``certcheck_http_request_duration_seconds{method, route}`` (histogram):
  every HTTP request, labelled by its route *template* (``/v1/templates/{template_id}``,
  never the raw path, so a scanner cannot blow up the label set; unknown paths
  are ``unmatched``);
* ``certcheck_checks_total{risk_level}``: verdicts of ``POST /v1/check``;
* ``certcheck_ocr_seconds`` (histogram): the OCR stage of each check (its
  ``timings_ms.ocr``);
* ``certcheck_work_pool_jobs``: checks running or waiting now.

Each app has its own registry, so several apps in one process (tests) do not
mix their counts. With ``certcheck serve --workers N`` every process counts
its own requests; scrape each or run one process per container.

The verdict and OCR time are read from the check's JSON answer as it passes
through, so the check route needs no metrics code.
"""

from __future__ import annotations

import functools
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence

from fastapi import FastAPI
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CHECK_PATH", "METRICS_PATH", "Metrics", "MetricsMiddleware", "install_metrics", "metrics_endpoint"]

METRICS_PATH = "/metrics"
CHECK_PATH = "/v1/check"
#: Seconds. The short end covers health, page and refusals; a check on 2 CPU cores takes 1-5 s
#: (bench/results), and the long end catches checks that waited in the queue.
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_OCR_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0)
#: Largest check answer read for its verdict; an annotated PNG in base64 is a few MB at most.
_MAX_ANSWER_BYTES = 64 * 1024 * 1024


class Metrics:
    """The app's collectors in their own registry."""

    def __init__(self, pool_jobs: Callable[[], int | None] = lambda: None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "certcheck_http_requests",
            "HTTP requests answered, by route template and status.",
            ("method", "route", "status"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "certcheck_http_request_duration_seconds",
            "Time from the request's arrival to the end of its answer.",
            ("method", "route"),
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.checks = Counter(
            "certcheck_checks", "Certificate checks answered, by verdict.", ("risk_level",), registry=self.registry
        )
        self.ocr_seconds = Histogram(
            "certcheck_ocr_seconds",
            "Time the OCR stage took in one check.",
            buckets=_OCR_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_PoolCollector(pool_jobs))

    def observe_check_answer(self, body: bytes) -> None:
        """Count a successful check's verdict and OCR time from its JSON answer."""
        try:
            answer = json.loads(body)
        except ValueError:
            return  # not a Report; the request counter already has the status
        risk_level = answer.get("risk_level")
        if isinstance(risk_level, str):
            self.checks.labels(risk_level).inc()
        ocr_ms = (answer.get("timings_ms") or {}).get("ocr")
        if isinstance(ocr_ms, int | float):
            self.ocr_seconds.observe(ocr_ms / 1000.0)

    def exposition(self) -> bytes:
        """Everything in the text exposition format."""
        return generate_latest(self.registry)


class _PoolCollector(Collector):
    def __init__(self, pool_jobs: Callable[[], int | None]) -> None:
        self._pool_jobs = pool_jobs

    def collect(self) -> Iterable[GaugeMetricFamily]:
        jobs = self._pool_jobs()
        if jobs is not None:
            yield GaugeMetricFamily("certcheck_work_pool_jobs", "Checks running or waiting in the work pool.", jobs)


class MetricsMiddleware:
    """Pure ASGI: times and counts every HTTP request; reads the verdict of ``POST /v1/check`` answers."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: Callable[[], Sequence[str]] = list) -> None:
        self.app = app
        self._metrics = metrics
        self._routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        is_check = scope["method"] == "POST" and scope["path"] == CHECK_PATH
        body = bytearray()

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body" and is_check and status == 200:
                if len(body) < _MAX_ANSWER_BYTES:
                    body.extend(message.get("body", b""))
                if not message.get("more_body", False):
                    self._metrics.observe_check_answer(bytes(body))
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            route = _route_template(scope, self._routes())
            self._metrics.requests.labels(scope["method"], route, str(status)).inc()
            self._metrics.latency.labels(scope["method"], route).observe(time.perf_counter() - started)


def _route_template(scope: Scope, templates: Sequence[str]) -> str:
    """The matched route's path template; answers given before routing (429) are matched to ``templates``."""
    path = getattr(scope.get("route"), "path", None)
    if isinstance(path, str):
        return path
    matching = (template for template in templates if _template_pattern(template).fullmatch(scope["path"]))
    return next(matching, "unmatched")


@functools.cache
def _template_pattern(template: str) -> re.Pattern[str]:
    """``/v1/templates/{template_id}`` -> a pattern matching one path segment in place of each parameter."""
    return re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)))


async def metrics_endpoint(request: Request) -> Response:
    """``GET /metrics``."""
    metrics: Metrics = request.app.state.metrics
    return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)


def install_metrics(app: FastAPI) -> Metrics:
    """Give ``app`` its registry, the counting middleware and ``GET /metrics``."""
    metrics = Metrics(pool_jobs=lambda: _pool_jobs(app))
    app.state.metrics = metrics
    app.add_middleware(MetricsMiddleware, metrics=metrics, routes=lambda: tuple(app.openapi().get("paths", {})))
    app.add_route(METRICS_PATH, metrics_endpoint, methods=["GET"], include_in_schema=False)
    return metrics


def _pool_jobs(app: FastAPI) -> int | None:
    services = getattr(app.state, "services", None)  # set by the lifespan; absent before it ran
    return None if services is None else int(services.pool.pending)

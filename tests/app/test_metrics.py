"""Prometheus metrics at /metrics (app/metrics.py), read with prometheus_client's own text parser."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from PIL import Image
from prometheus_client.parser import text_string_to_metric_families

from app.main import create_app
from certcheck.settings import Settings

pytestmark = [pytest.mark.anyio, pytest.mark.ocr]


@pytest.fixture
async def client(checker: Any, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings(
        data_dir=tmp_path / "data", templates=[], issuers=[], rate_limit_per_minute=60, rate_limit_burst=2
    )
    app = create_app(settings, checker=checker)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


def _samples(exposition: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def _value(samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def _photo_png() -> bytes:
    """A small noise image: decodes, runs through OCR and the rules, and gets a verdict."""
    pixels = np.random.default_rng(3).integers(0, 256, (480, 640, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


async def test_metrics_count_requests_by_route_template_and_status(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    await client.get("/v1/templates/no-such-template")
    await client.get("/v1/templates/another-missing-one")
    await client.get("/no/such/path")
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = _samples(response.text)
    assert _value(samples, "certcheck_http_requests_total", method="GET", route="/healthz", status="200") == 1
    # Route templates, never raw paths: two ids, one label set.
    templated = {"method": "GET", "route": "/v1/templates/{template_id}", "status": "404"}
    assert _value(samples, "certcheck_http_requests_total", **templated) == 2
    assert _value(samples, "certcheck_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert not any("no-such-template" in name or any("no-such" in v for _, v in labels) for name, labels in samples)
    buckets = _value(samples, "certcheck_http_request_duration_seconds_count", method="GET", route="/healthz")
    assert buckets == 1
    assert _value(samples, "certcheck_work_pool_jobs") == 0


async def test_metrics_count_verdicts_ocr_time_and_refusals(client: httpx.AsyncClient) -> None:
    answer = await client.post("/v1/check", files={"file": ("noise.png", _photo_png(), "image/png")})
    assert answer.status_code == 200, answer.text
    risk_level = answer.json()["risk_level"]
    # The burst is 2 (the check took one token): at least one of these GETs is refused.
    statuses = [(await client.get("/v1/templates")).status_code for _ in range(3)]
    refused = statuses.count(429)
    assert refused >= 1, statuses
    samples = _samples((await client.get("/metrics")).text)
    assert _value(samples, "certcheck_checks_total", risk_level=risk_level) == 1
    assert _value(samples, "certcheck_ocr_seconds_count") == 1
    ocr_ms = answer.json()["timings_ms"]["ocr"]
    assert _value(samples, "certcheck_ocr_seconds_sum") == pytest.approx(ocr_ms / 1000, abs=1e-6)
    assert _value(samples, "certcheck_http_requests_total", method="POST", route="/v1/check", status="200") == 1
    # The refused request never reached the router, yet it is counted under its route, as 429.
    assert _value(samples, "certcheck_http_requests_total", method="GET", route="/v1/templates", status="429") == refused


async def test_metrics_can_be_switched_off(checker: Any, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "d", templates=[], issuers=[], metrics_enabled=False)
    app = create_app(settings, checker=checker)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            answer = await http.get("/metrics")
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "not_found")

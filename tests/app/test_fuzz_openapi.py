"""A bounded fuzz run of the OpenAPI spec (schemathesis) against a real server: no 500, only contract shapes.

Every operation in ``/openapi.json`` gets at most ``MAX_EXAMPLES`` generated
requests, half valid and half invalid (hypothesis, derandomised so CI runs are
repeatable). Each answer must be a success or the contract's error object
``{"error": {"code", "message", "message_en"}}``, never a server error. Random
bytes as an image fail at the type sniffing or the decoder within
milliseconds, so the OCR never dominates.

The server is private (``tests/app/live.py``) with the rate limit off and a
queue large enough for the fuzzer, so every answer comes from the endpoint
itself rather than 429 / 503.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from hypothesis.strategies import just
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from app.api.auth import hash_key
from tests.app.live import PrivateServer, private_server

pytestmark = [pytest.mark.e2e, pytest.mark.ocr]

#: Per operation; with ~8 operations this is ~240 requests, 10-30 s on 2 cores.
MAX_EXAMPLES = 30
ERROR_KEYS = {"code", "message", "message_en"}
#: schemathesis sends real tiny images (1x1 PNG, 8x8 JPEG) for ``format: binary``; each is upscaled and
#: read whole by the OCR (4-8 s at the default 1600 px on 2 busy cores). The fuzz is about answer shapes,
#: not reading accuracy, so its server reads at a small work size.
FUZZ_WORK_LONG_SIDE = 480
WRITER_KEY = "fuzz-writer-key"


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateServer]:
    with private_server(
        tmp_path_factory.mktemp("fuzz"),
        rate_limit_per_minute="0",
        queue_size="64",
        max_upload_mb="2",
        work_long_side=str(FUZZ_WORK_LONG_SIDE),
        api_keys=f"fuzzer:{hash_key(WRITER_KEY)}",
    ) as running:
        yield running


def _operations(server: PrivateServer) -> list[Any]:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    return [result.ok() for result in schema.get_all_operations()]


def _check_answer(case: Any, headers: dict[str, str]) -> None:
    response = case.call(timeout=60, headers=headers)
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"error"}, body
        assert ERROR_KEYS <= set(body["error"]), body
    assert response.headers.get("x-request-id"), "every answer carries its request id"


@pytest.mark.parametrize("mode", list(GenerationMode), ids=lambda mode: mode.value)
def test_every_answer_is_a_success_or_a_contract_error(fuzz_server: PrivateServer, mode: GenerationMode) -> None:
    # schemathesis' pytest loader (from_fixture) does not run under pytest 9, so each operation's
    # strategy is driven by hypothesis here; half the examples are valid requests, half invalid.
    operations = _operations(fuzz_server)
    # Valid requests carry a writer's key, so the write endpoints parse their bodies too; invalid ones do not.
    headers = {"X-API-Key": WRITER_KEY} if mode is GenerationMode.POSITIVE else {}
    assert {op.path for op in operations} >= {"/v1/check", "/v1/templates/{template_id}", "/healthz"}
    for operation in operations:
        run = settings(
            max_examples=MAX_EXAMPLES // 2,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )(given(case=operation.as_strategy(generation_mode=mode), headers=just(headers))(_check_answer))
        started = time.perf_counter()
        try:
            run()
        except Unsatisfiable:
            # Negative mode on an operation with no parameters and no body: there is nothing to make invalid.
            assert mode is GenerationMode.NEGATIVE, operation.path
        took = time.perf_counter() - started
        sys.stderr.write(f"fuzz {mode.value} {operation.method.upper()} {operation.path}: {took:.1f} s\n")


def test_the_server_is_still_up_after_the_fuzz_run(fuzz_server: PrivateServer) -> None:
    assert fuzz_server.process.poll() is None
    with httpx.Client(base_url=fuzz_server.url, timeout=10) as client:
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200

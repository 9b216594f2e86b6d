"""The real schemathesis command line, ``--checks all``, against a live server: zero failures.

Bounded: :data:`MAX_EXAMPLES` per operation and phase, deterministic
generation, one worker (about 40 s on 2 busy cores). Run twice: with a
writer's key (the write endpoints parse their bodies) and without (auth
checks: ``ignored_auth`` and the 401 answers).

One check is switched off, with its reason (also in the README):
``positive_data_acceptance`` expects every schema-valid request to succeed.
A JSON schema can say "a binary file" and "a string" but not "the bytes of an
image", "a CSV with the registry's header" or "a template.yaml": schemathesis'
valid zip file, empty CSV or random YAML is rightly answered 415 / 422.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.api.auth import hash_key
from tests.app.live import PrivateServer, private_server

pytestmark = [pytest.mark.e2e, pytest.mark.ocr]

MAX_EXAMPLES = 10
WRITER_KEY = "schemathesis-writer-key"
#: Checks switched off, each with its reason (module docstring, README "Hardening").
EXCLUDED_CHECKS = ("positive_data_acceptance",)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateServer]:
    with private_server(
        tmp_path_factory.mktemp("schemathesis"),
        rate_limit_per_minute="0",
        queue_size="64",
        max_upload_mb="2",
        work_long_side="480",  # answers' shapes are under test, not reading accuracy
        api_keys=f"schemathesis:{hash_key(WRITER_KEY)}",
    ) as running:
        yield running


def _run(server: PrivateServer, tmp_path: Path, *headers: str) -> str:
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{server.url}/openapi.json",
        "--checks", "all", "--exclude-checks", ",".join(EXCLUDED_CHECKS),
        "--max-examples", str(MAX_EXAMPLES), "--generation-deterministic",
        "--request-timeout", "60", "--workers", "1",
    ]
    for header in headers:
        command += ["--header", header]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=600)
    summary = result.stdout[result.stdout.rfind("SUMMARY"):]
    assert result.returncode == 0, result.stdout[-6000:]
    assert re.search(r"(\d+) generated, \1 passed", summary), summary
    assert server.process.poll() is None
    return summary


@pytest.mark.parametrize("with_key", [True, False], ids=["writer-key", "no-key"])
def test_schemathesis_checks_all_find_nothing(server: PrivateServer, tmp_path: Path, with_key: bool) -> None:
    headers = (f"X-API-Key: {WRITER_KEY}",) if with_key else ()
    _run(server, tmp_path, *headers)
    assert "Traceback" not in server.log_text()

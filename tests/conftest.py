"""Fixtures shared by the whole test suite.

The expensive things are session-scoped so the OCR models load once per test
run in this process (``checker``) and once in one real server process
(``live_server``). Demo photos come from ``samples/photos/`` (written by the
samples generator); tests that need them skip with the reason when absent.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from certcheck.settings import Settings

if TYPE_CHECKING:
    from certcheck.pipeline import Checker

REPO_ROOT = Path(__file__).resolve().parents[1]
PHOTOS_DIR = REPO_ROOT / "samples" / "photos"
#: Upper bound for a server process to import, load the registries and the OCR models.
SERVER_READY_TIMEOUT_S = 120.0
#: The live server's upload cap (CERTCHECK_MAX_UPLOAD_MB), the contract's default.
LIVE_SERVER_MAX_UPLOAD_MB = 20


def _demo_photo(name: str) -> Path:
    path = PHOTOS_DIR / name
    if not path.is_file():
        pytest.skip(f"demo photo samples/photos/{name} is missing (it is made by the samples generator)")
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def test_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Default settings with an empty, private data dir (the user's own registrations stay out)."""
    return Settings(data_dir=tmp_path_factory.mktemp("data"), templates=[], issuers=[])


@pytest.fixture(scope="session")
def checker(test_settings: Settings) -> Checker:
    """The real checker with its OCR models loaded, shared by the whole session."""
    # Imported here so a broken pipeline fails the tests that need it, not the collection of all.
    from certcheck.pipeline import Checker

    real = Checker.from_settings(test_settings)
    real.warm_up()
    return real


@pytest.fixture(scope="session")
def genuine_photo() -> Path:
    """A phone photo of a correctly made 职业技能等级证书 from a registered issuer."""
    return _demo_photo("genuine-skill-level.jpg")


@pytest.fixture(scope="session")
def knockoff_photo() -> Path:
    """A phone photo of a knock-off whose serial number does not follow the registered format."""
    return _demo_photo("knockoff-serial.jpg")


@pytest.fixture
def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    return _free_port()


@dataclass(frozen=True)
class LiveServer:
    """A real uvicorn process serving ``app.main:app``."""

    url: str
    log_path: Path
    max_upload_bytes: int

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """``python -m uvicorn app.main:app`` on a free port, with a private data dir; waits for ``/readyz``."""
    workdir = tmp_path_factory.mktemp("live-server")
    env = {name: value for name, value in os.environ.items() if not name.startswith("CERTCHECK_")}
    env.update(
        CERTCHECK_DATA_DIR=str(workdir / "data"),
        CERTCHECK_LOG_LEVEL="INFO",
        CERTCHECK_MAX_UPLOAD_MB=str(LIVE_SERVER_MAX_UPLOAD_MB),
    )
    port = _free_port()
    command = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port)]
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            live = LiveServer(f"http://127.0.0.1:{port}", log_path, LIVE_SERVER_MAX_UPLOAD_MB * 1024 * 1024)
            _wait_until_ready(live, server)
            yield live
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _wait_until_ready(live: LiveServer, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + SERVER_READY_TIMEOUT_S
    with httpx.Client(base_url=live.url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(f"the server exited with {server.returncode}:\n{live.log_text()[-3000:]}")
            try:
                if client.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    pytest.fail(f"the server was not ready within {SERVER_READY_TIMEOUT_S:.0f} s:\n{live.log_text()[-3000:]}")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite tests/golden/*.json from the current verdicts instead of comparing with them",
    )


@pytest.fixture(scope="session")
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether golden verdict files are to be rewritten (only ever on explicit request)."""
    return bool(request.config.getoption("--update-golden"))

"""A private real uvicorn server for tests that need their own settings (tight queue, no rate limit, own dirs).

``tests/conftest.py``'s session ``live_server`` serves the contract's
defaults; the bad-input, fuzz and load tests each start one of these instead,
so their bursts and settings do not leak into other tests. The process runs
with its working directory, ``HOME`` and ``TMPDIR`` inside ``root``, so a test
can assert that nothing was written outside the data dir.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

__all__ = ["PrivateServer", "private_server"]

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Import, registries and the OCR models; measured 3-8 s on 2 busy cores.
READY_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class PrivateServer:
    """A running server: its URL, process, log, and the folders it was given."""

    url: str
    process: subprocess.Popen[bytes]
    root: Path
    data_dir: Path
    log_path: Path

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def scratch_dirs(self) -> tuple[Path, ...]:
        """Where a well-behaved server writes nothing: its cwd, home and temp dir."""
        return (self.root / "cwd", self.root / "home", self.root / "tmp")


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def private_server(root: Path, **settings: str) -> Iterator[PrivateServer]:
    """Run ``python -m uvicorn app.main:app`` with ``CERTCHECK_<NAME>=value`` for each of ``settings``."""
    for name in ("cwd", "home", "tmp", "data"):
        (root / name).mkdir(parents=True, exist_ok=True)
    env = {name: value for name, value in os.environ.items() if not name.startswith("CERTCHECK_")}
    env.update(HOME=str(root / "home"), TMPDIR=str(root / "tmp"), CERTCHECK_DATA_DIR=str(root / "data"))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update({f"CERTCHECK_{name.upper()}": value for name, value in settings.items()})
    port = _free_port()
    # No uvicorn access log: the app logs one line per request itself, with its id (as `certcheck serve`).
    command = [
        sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
        # As `certcheck serve` without CERTCHECK_TRUSTED_PROXIES: X-Forwarded-For from loopback is not believed.
        "--no-proxy-headers"
    ]
    log_path = root / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=root / "cwd", env=env, stdout=log, stderr=subprocess.STDOUT)
        server = PrivateServer(f"http://127.0.0.1:{port}", process, root, root / "data", log_path)
        try:
            _wait_until_ready(server)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_ready(server: PrivateServer) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    with httpx.Client(base_url=server.url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                pytest.fail(f"the server exited with {server.process.returncode}:\n{server.log_text()[-3000:]}")
            try:
                if client.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    pytest.fail(f"the server was not ready within {READY_TIMEOUT_S:.0f} s:\n{server.log_text()[-3000:]}")

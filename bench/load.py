"""Throughput, latency and overload behaviour of the HTTP service on loopback.

For each ``--workers`` value (check threads in one server process,
``CERTCHECK_WORKERS``) a fresh ``uvicorn app.main:app`` is started with the
rate limit off, then:

1. **capacity**: ``workers`` clients each post the photo back to back
   (closed loop, nothing queued) for ``--requests`` checks in all: requests
   per second and p50/p95 latency;
2. **2x capacity**: requests arrive at twice that rate, evenly spaced, for
   ``--overload-seconds`` (open loop): the share answered 503 ``overloaded``
   (with ``Retry-After``), anything else counted as an error, p50/p95 of the
   answers that were served, and whether the server survived;

while the server's resident memory is sampled every 50 ms (peak per worker
count). Writes ``bench/results/load.json``.

    python -m bench.load                                # the README's numbers
    python -m bench.load --workers 1 --requests 4 --overload-seconds 10   # quick look
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import psutil

REPO_ROOT = Path(__file__).resolve().parents[1]
RESULTS = REPO_ROOT / "bench" / "results" / "load.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--requests", type=int, default=6, help="checks in the capacity phase")
    parser.add_argument("--overload-seconds", type=float, default=40.0)
    # A short queue reaches its steady state within the overload window: at 2x about half is refused.
    parser.add_argument("--queue-size", type=int, default=1)
    parser.add_argument("--photo", type=Path, default=REPO_ROOT / "samples" / "photos" / "genuine-skill-level.jpg")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    photo = args.photo.read_bytes()
    runs = [_measure(workers, args, photo) for workers in args.workers]
    result = {"photo": args.photo.name, "photo_bytes": len(photo), "cpus": os.cpu_count(), "runs": runs}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for run in runs:
        sys.stdout.write(_summary(run) + "\n")
    return 0


def _measure(workers: int, args: argparse.Namespace, photo: bytes) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as root, _Server(Path(root), workers, args.queue_size) as server:
        with PeakRss(server.pid) as rss:
            asyncio.run(_closed_loop(server.url, photo, clients=1, total=1))  # first check: lazy allocations
            capacity = asyncio.run(_closed_loop(server.url, photo, clients=workers, total=args.requests))
            overload = asyncio.run(_open_loop(server.url, photo, 2 * capacity["rps"], args.overload_seconds))
        alive = server.alive()
    return {
        "workers": workers,
        "queue_size": args.queue_size,
        "capacity": capacity,
        "overload_2x": overload,
        "peak_rss_mb": round(rss.peak_bytes / 1e6),
        "server_alive_after": alive,
    }


async def _post(client: httpx.AsyncClient, photo: bytes) -> tuple[int | str, float, str | None]:
    started = time.perf_counter()
    try:
        answer = await client.post("/v1/check", files={"file": ("photo.jpg", photo, "image/jpeg")})
    except httpx.HTTPError as exc:
        return type(exc).__name__, time.perf_counter() - started, None
    return answer.status_code, time.perf_counter() - started, answer.headers.get("Retry-After")


async def _closed_loop(url: str, photo: bytes, clients: int, total: int) -> dict[str, Any]:
    remaining = list(range(total))
    latencies: list[float] = []
    statuses: list[int | str] = []

    async def client_loop(client: httpx.AsyncClient) -> None:
        while remaining:
            remaining.pop()
            status, seconds, _ = await _post(client, photo)
            statuses.append(status)
            latencies.append(seconds)

    async with httpx.AsyncClient(base_url=url, timeout=300) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))
        elapsed = time.perf_counter() - started
    return {"requests": total, "clients": clients, "rps": round(total / elapsed, 3), **_percentiles(latencies),
            "statuses": _count(statuses)}


async def _open_loop(url: str, photo: bytes, rate: float, seconds: float) -> dict[str, Any]:
    interval = 1.0 / rate
    count = max(1, int(seconds * rate))
    limits = httpx.Limits(max_connections=count)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as client:
        tasks = []
        for _ in range(count):
            tasks.append(asyncio.create_task(_post(client, photo)))
            await asyncio.sleep(interval)
        answers = await asyncio.gather(*tasks)
    statuses = [status for status, _, _ in answers]
    served = [seconds for status, seconds, _ in answers if status == 200]
    refused = [retry for status, _, retry in answers if status == 503]
    errors = [status for status in statuses if status not in (200, 503)]
    return {
        "offered_rps": round(rate, 3),
        "requests": count,
        "share_503": round(len(refused) / count, 3),
        "all_503_have_retry_after": all(retry is not None for retry in refused),
        "errors": len(errors),
        "served_latency": _percentiles(served),
        "statuses": _count(statuses),
    }


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50_s": None, "p95_s": None}
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_s": round(statistics.median(ordered), 2), "p95_s": round(p95, 2)}


def _count(statuses: list[int | str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in statuses:
        counts[str(status)] = counts.get(str(status), 0) + 1
    return counts


def _summary(run: dict[str, Any]) -> str:
    capacity, overload = run["capacity"], run["overload_2x"]
    return (
        f"workers={run['workers']}: {capacity['rps']:.2f} req/s, p50 {capacity['p50_s']} s, p95 {capacity['p95_s']} s; "
        f"at 2x ({overload['offered_rps']:.2f} req/s offered): {overload['share_503']:.0%} answered 503, "
        f"{overload['errors']} errors, served p50 {overload['served_latency']['p50_s']} s; "
        f"peak RSS {run['peak_rss_mb']} MB; alive {run['server_alive_after']}"
    )


class _Server:
    def __init__(self, root: Path, workers: int, queue_size: int) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._root = root
        self._env = {name: value for name, value in os.environ.items() if not name.startswith("CERTCHECK_")}
        self._env.update(
            CERTCHECK_DATA_DIR=str(root / "data"),
            CERTCHECK_WORKERS=str(workers),
            CERTCHECK_QUEUE_SIZE=str(queue_size),
            CERTCHECK_RATE_LIMIT_PER_MINUTE="0",
            CERTCHECK_LOG_LEVEL="WARNING",
        )
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self._process is not None
        return self._process.pid

    def alive(self) -> bool:
        assert self._process is not None
        if self._process.poll() is not None:
            return False
        return httpx.get(self.url + "/healthz", timeout=10).status_code == 200

    def __enter__(self) -> _Server:
        command = [sys.executable, "-m", "uvicorn", "app.main:app", "--host", "127.0.0.1", "--port", str(self.port),
                   "--no-access-log"]
        log = (self._root / "server.log").open("wb")
        self._process = subprocess.Popen(command, cwd=REPO_ROOT, env=self._env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError((self._root / "server.log").read_text(errors="replace")[-2000:])
            try:
                if httpx.get(self.url + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not get ready")

    def __exit__(self, *exc: object) -> None:
        assert self._process is not None
        self._process.terminate()
        self._process.wait(timeout=30)


class PeakRss:
    """Samples a process's resident memory on a thread until stopped; keeps the peak."""

    def __init__(self, pid: int, every_s: float = 0.05) -> None:
        self._process = psutil.Process(pid)
        self._every_s = every_s
        self._stop = threading.Event()
        self.peak_bytes = self._process.memory_info().rss
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._every_s):
            self.peak_bytes = max(self.peak_bytes, self._process.memory_info().rss)


if __name__ == "__main__":
    sys.exit(main())

"""Run the hostile-input corpus through the pipeline in one process; print each answer and the peak RSS.

    nice -n 5 .venv/bin/python -m bench.hostile [--only NAME...] [--json]
    nice -n 5 .venv/bin/python -m bench.hostile --concurrent 50 [--queue-size 8]

Each case of ``tests/hostile/corpus.py`` is checked by one shared
:class:`~certcheck.pipeline.Checker` (models loaded once, as in the server);
the process's resident memory is sampled every 20 ms during each check. The
line per case gives the answer (a report's verdict and evidence codes, or the
error code), whether it is the answer the corpus expects, the time and the
peak RSS while that case ran.

``--concurrent N`` instead starts ``uvicorn app.main:app`` (default settings,
rate limit off) and posts N uploads at once, cycling through the corpus's
50-megapixel cases and a genuine photo, while the server's RSS is sampled
every 20 ms: the answers by status and the server's peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

from bench.load import PeakRss
from certcheck.errors import CertcheckError
from certcheck.settings import Settings
from tests.hostile.corpus import CASES, HostileCase, built


def _reset_peak_rss() -> None:
    """Linux: writing 5 to clear_refs resets the process's peak RSS (VmHWM), so each case is measured alone."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
    except OSError:
        pass


def _peak_rss_since_reset() -> int:
    try:
        with open("/proc/self/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_case(checker: Any, case: HostileCase) -> dict[str, Any]:
    """Check one case; the answer in the corpus's own terms (``report`` or ``"<status> <code>"``)."""
    data = built(case.name)
    started = time.perf_counter()
    _reset_peak_rss()
    with PeakRss(os.getpid(), every_s=0.02) as rss:
        try:
            report = checker.check_bytes(data, case.filename)
            codes = sorted({e.code.value for e in report.verdict.evidence})
            answer, level = "report", report.verdict.risk_level.value
        except CertcheckError as exc:
            answer, codes, level = f"{exc.http_status} {exc.code}", [], None
    ok = answer == case.expect and (case.evidence is None or case.evidence in codes)
    return {
        "case": case.name, "bytes": len(data), "answer": answer, "risk_level": level, "codes": codes,
        "expected": case.expect + (f" + {case.evidence}" if case.evidence else ""), "ok": ok,
        "seconds": round(time.perf_counter() - started, 2),
        "peak_rss_mb": round(max(rss.peak_bytes, _peak_rss_since_reset()) / 1e6),
    }


def concurrent_uploads(count: int, queue_size: int) -> dict[str, Any]:
    """``count`` simultaneous uploads to a fresh server; answers by status and the server's peak RSS."""
    import asyncio
    import socket
    import subprocess
    import tempfile
    from collections import Counter
    from pathlib import Path

    import httpx

    heavy = [c for c in CASES if c.name.startswith("max-pixels")]
    photo = Path(__file__).resolve().parents[1] / "samples" / "photos" / "genuine-skill-level.jpg"
    bodies = [(c.filename, built(c.name)) for c in heavy]
    if photo.is_file():
        bodies.append(("photo.jpg", photo.read_bytes()))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory() as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith("CERTCHECK_")}
        env.update(CERTCHECK_DATA_DIR=data_dir, CERTCHECK_RATE_LIMIT_PER_MINUTE="0",
                   CERTCHECK_QUEUE_SIZE=str(queue_size), CERTCHECK_LOG_LEVEL="WARNING")
        command = [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port), "--no-access-log",
                   "--no-proxy-headers"]
        server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_ready(url)

            async def post_all() -> list[int | str]:
                async with httpx.AsyncClient(base_url=url, timeout=600) as client:
                    async def one(i: int) -> int | str:
                        name, data = bodies[i % len(bodies)]
                        try:
                            return (await client.post("/v1/check", files={"file": (name, data)})).status_code
                        except httpx.HTTPError as exc:
                            return type(exc).__name__
                    return list(await asyncio.gather(*(one(i) for i in range(count))))

            with PeakRss(server.pid, every_s=0.02) as rss:
                started = time.perf_counter()
                statuses = asyncio.run(post_all())
                seconds = time.perf_counter() - started
            alive = server.poll() is None and httpx.get(f"{url}/healthz", timeout=10).status_code == 200
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return {"uploads": count, "queue_size": queue_size, "answers": dict(Counter(map(str, statuses))),
            "seconds": round(seconds, 1), "peak_rss_mb": round(rss.peak_bytes / 1e6), "alive_after": alive}


def _wait_ready(url: str) -> None:
    import httpx

    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not become ready")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=None, help="case names to run")
    parser.add_argument("--json", action="store_true", help="one JSON object per case")
    parser.add_argument("--concurrent", type=int, default=0, metavar="N", help="N simultaneous uploads to a server")
    parser.add_argument("--queue-size", type=int, default=8, help="CERTCHECK_QUEUE_SIZE of that server")
    args = parser.parse_args(argv)
    if args.concurrent:
        sys.stdout.write(json.dumps(concurrent_uploads(args.concurrent, args.queue_size), ensure_ascii=False) + "\n")
        return 0

    from certcheck.pipeline import Checker

    checker = Checker.from_settings(Settings(templates=[], issuers=[]))
    checker.warm_up()
    cases = [case for case in CASES if args.only is None or case.name in args.only]
    results = [run_case(checker, case) for case in cases]
    for row in results:
        if args.json:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            verdict = f"{row['risk_level']} {','.join(row['codes'])}" if row["answer"] == "report" else ""
            sys.stdout.write(
                f"{'ok ' if row['ok'] else 'BAD'} {row['case']:<28} {row['bytes']:>8} B  {row['answer']:<26} "
                f"{verdict:<34} {row['seconds']:>6.2f} s  {row['peak_rss_mb']:>5} MB\n"
            )
    peak = max((row["peak_rss_mb"] for row in results), default=0)
    expected = sum(row["ok"] for row in results)
    sys.stderr.write(f"peak RSS over the corpus: {peak} MB; {expected}/{len(results)} as expected\n")
    return 0 if all(row["ok"] for row in results) else 1


if __name__ == "__main__":
    sys.exit(main())

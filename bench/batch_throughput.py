"""Batch throughput: the local engine against Ray with 1 and 2 workers, on the same folder.

Each run is a whole ``run_batch`` into a fresh output folder (discovery,
checks, images and every report), timed from the call to its return, so the
numbers include what an inspector waits for: model loading in each worker and,
for Ray, starting and stopping the private local instance. The photos are
generated phone photos of 2000 px (genuine certificates of every design).

    python -m bench.batch_throughput --count 16

Writes ``bench/results/batch_throughput.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from app.batch import CheckOptions, Engine, ProcessEngine, ThreadEngine, run_batch
from certcheck.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"


def _engines(cpus: int) -> dict[str, tuple[Engine, int]]:
    """Each engine and the OCR threads per checking process (the cores shared out, never oversubscribed)."""
    from app.batch_ray import RayEngine

    half = max(1, cpus // 2)
    return {
        "local, 1 process": (ThreadEngine(1), cpus),
        "local, 2 processes": (ProcessEngine(2), half),
        "ray local, 1 worker": (RayEngine("local", workers=1, cpus_per_worker=cpus), cpus),
        "ray local, 2 workers": (RayEngine("local", workers=2, cpus_per_worker=half), half),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=16)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--out", type=Path, default=RESULTS / "batch_throughput.json")
    args = parser.parse_args(argv)
    cpus = os.cpu_count() or 2
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        photos = Path(tmp) / "photos"
        subprocess.run(
            [sys.executable, "-m", "samples.generate", "--out", str(photos), "--count", str(args.count),
             "--seed", str(args.seed), "--variants", "genuine", "--conditions", "phone", "--long-side", "2000",
             "--designs", "skill_level_2021", "company_internal", "competition_award"],
            check=True, stdout=subprocess.DEVNULL,
        )
        for json_truth in photos.glob("*.json"):
            json_truth.unlink()  # the batch would list them as skipped files
        for name, (engine, threads) in _engines(cpus).items():
            options = CheckOptions(Settings(ocr_threads=threads))
            start = time.perf_counter()
            result = run_batch(photos, Path(tmp) / name.replace(" ", "_").replace(",", ""), options, engine=engine)
            elapsed = time.perf_counter() - start
            row = {"engine": name, "images": result.checked_now, "seconds": round(elapsed, 1),
                   "images_per_s": round(result.checked_now / elapsed, 3)}
            results.append(row)
            sys.stderr.write(f"[batch] {json.dumps(row, ensure_ascii=False)}\n")
    base = results[0]["images_per_s"]
    for row in results:
        row["vs_local_1_process"] = round(row["images_per_s"] / base, 2)
    out = {"cpu_count": cpus, "runs": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

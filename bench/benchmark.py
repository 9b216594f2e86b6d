"""Speed of the whole check against bare RapidOCR on the same images, in the same run.

Absolute times on shared machines are noisy, so the headline is the ratio:
median seconds per image for ``Checker.check_bytes`` (decode, normalise, OCR,
detectors, rules, verdict) over median seconds for bare ``RapidOCR()`` with
its default settings on the same full decoded image. Runs alternate between
the two so drifts in machine load hit both alike.

    python -m bench.benchmark --count 12 --seed 11            # generated phone photos
    python -m bench.benchmark --images DIR                     # your own photos

Writes ``bench/results/benchmark.json`` (and prints it).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from certcheck.pipeline import Checker
from certcheck.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".pdf"}


def _generate(out: Path, count: int, seed: int, conditions: str) -> list[Path]:
    subprocess.run(
        [sys.executable, "-m", "samples.generate", "--out", str(out), "--count", str(count), "--seed", str(seed),
         "--variants", "genuine", "--conditions", conditions],
        check=True,
    )
    return sorted(out.glob("*.jpg"))


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run(images: list[Path], repeats: int) -> dict[str, Any]:
    """Time both paths on every image, alternating, after one warm-up each."""
    from rapidocr import RapidOCR

    bare = RapidOCR(params={"Global.log_level": "warning"})
    checker = Checker.from_settings(Settings())
    checker.warm_up()
    payloads = [(p.name, p.read_bytes()) for p in images]
    bare(cv2.imdecode(np.frombuffer(payloads[0][1], np.uint8), cv2.IMREAD_COLOR))
    checker.check_bytes(payloads[0][1], payloads[0][0])

    bare_s: list[float] = []
    full_s: list[float] = []
    stages: dict[str, list[float]] = {}
    for _ in range(repeats):
        for name, data in payloads:
            start = time.perf_counter()
            # Bare OCR gets the decoded full image, as a caller of RapidOCR would pass it.
            bare(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))
            bare_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            report = checker.check_bytes(data, name)
            full_s.append(time.perf_counter() - start)
            for stage, ms in report.timings_ms.items():
                stages.setdefault(stage, []).append(ms)
    sizes = [cv2.imdecode(np.frombuffer(d, np.uint8), cv2.IMREAD_COLOR).shape[:2] for _, d in payloads]
    total_ms = statistics.median(stages["total"])
    return {
        "images": len(payloads),
        "repeats": repeats,
        "long_side_px": sorted({max(s) for s in sizes}),
        "bare_rapidocr_median_s": round(statistics.median(bare_s), 3),
        "bare_rapidocr_p95_s": round(_percentile(bare_s, 95), 3),
        "check_median_s": round(statistics.median(full_s), 3),
        "check_p95_s": round(_percentile(full_s, 95), 3),
        "ratio_check_over_bare": round(statistics.median(full_s) / statistics.median(bare_s), 3),
        "stage_median_ms": {k: round(statistics.median(v), 1) for k, v in stages.items()},
        "stage_share_of_total": {
            k: round(statistics.median(v) / total_ms, 3) for k, v in stages.items() if k != "total"
        },
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=Path, help="folder of images (default: generate phone photos)")
    parser.add_argument("--count", type=int, default=12)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--conditions", default="phone")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--out", type=Path, default=RESULTS / "benchmark.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        if args.images:
            images = sorted(p for p in args.images.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        else:
            images = _generate(Path(tmp), args.count, args.seed, args.conditions)
        result = run(images, args.repeats)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

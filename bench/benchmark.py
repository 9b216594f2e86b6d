"""Speed of the whole check against bare RapidOCR on the same images, in the same run.

Absolute times on shared machines are noisy, so the headline is the ratio:
median seconds per image for ``Checker.check_bytes`` (decode, normalise, OCR,
detectors, rules, verdict) over median seconds for bare ``RapidOCR()`` with
its default settings on the same full decoded image. Within one size the runs
alternate between the two, so drifts in machine load hit both alike.

What it measures, for generated phone photos at each ``--sizes`` long side
(1200, 2000 and 4000 px by default):

* median and p95 seconds per image, check and bare OCR, and their ratio;
* the share of the check's time per stage (``Report.timings_ms``);
* peak memory (max RSS) of a process that checks that size: each size runs in
  its own child process so the peaks do not mix;
* throughput in images per second with 1 and 2 checking processes (each
  loading its own models, as ``certcheck serve --workers`` and the batch do),
  on the ``--throughput-size`` set.

    python -m bench.benchmark                                  # the README's numbers
    python -m bench.benchmark --count 6 --sizes 2000 --no-throughput   # quick look
    python -m bench.benchmark --images DIR --sizes 0           # your own photos, as they are

Writes ``bench/results/benchmark.json`` and ``bench/results/benchmark.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import numpy as np

RESULTS = Path(__file__).resolve().parent / "results"
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff", ".heic", ".pdf"}
#: Designs of the speed corpus: genuine certificates of every judgeable design.
DESIGNS = ("skill_level_2021", "company_internal", "competition_award")


def _generate(out: Path, count: int, seed: int, long_side: int) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "samples.generate", "--out", str(out), "--count", str(count), "--seed", str(seed),
         "--variants", "genuine", "--conditions", "phone", "--designs", *DESIGNS, "--long-side", str(long_side)],
        check=True, stdout=subprocess.DEVNULL,
    )
    return sorted(out.glob("*.jpg"))


def _images_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def time_one_size(images: list[Path], repeats: int) -> dict[str, Any]:
    """Check and bare OCR on every image, alternating, after one warm-up each (run in a child process)."""
    from rapidocr import RapidOCR

    from certcheck.pipeline import Checker
    from certcheck.settings import Settings

    bare = RapidOCR(params={"Global.log_level": "warning"})
    checker = Checker.from_settings(Settings())
    checker.warm_up()
    payloads = [(p.name, p.read_bytes()) for p in images]
    bare(cv2.imdecode(np.frombuffer(payloads[0][1], np.uint8), cv2.IMREAD_COLOR))
    checker.check_bytes(payloads[0][1], payloads[0][0])

    bare_s: list[float] = []
    check_s: list[float] = []
    stages: dict[str, list[float]] = {}
    for _ in range(repeats):
        for name, data in payloads:
            start = time.perf_counter()
            # Bare OCR gets the decoded full image, as a caller of RapidOCR would pass it.
            bare(cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR))
            bare_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            report = checker.check_bytes(data, name)
            check_s.append(time.perf_counter() - start)
            for stage, ms in report.timings_ms.items():
                stages.setdefault(stage, []).append(ms)
    sizes = [cv2.imdecode(np.frombuffer(d, np.uint8), cv2.IMREAD_REDUCED_COLOR_8).shape[:2] for _, d in payloads]
    total_ms = statistics.median(stages["total"])
    return {
        "images": len(payloads),
        "repeats": repeats,
        "long_side_px": sorted({max(s) * 8 for s in sizes}),
        "bare_rapidocr_median_s": round(statistics.median(bare_s), 3),
        "bare_rapidocr_p95_s": round(_percentile(bare_s, 95), 3),
        "check_median_s": round(statistics.median(check_s), 3),
        "check_p95_s": round(_percentile(check_s, 95), 3),
        "ratio_check_over_bare": round(statistics.median(check_s) / statistics.median(bare_s), 3),
        "stage_median_ms": {k: round(statistics.median(v), 1) for k, v in stages.items()},
        "stage_share_of_total": {
            k: round(statistics.median(v) / total_ms, 3) for k, v in stages.items() if k != "total"
        },
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


# --- throughput: N processes, each with its own checker ----------------------------------------

_WORKER_CHECKER: Any = None


def _init_worker(threads: int) -> None:
    global _WORKER_CHECKER
    from certcheck.pipeline import Checker
    from certcheck.settings import Settings

    _WORKER_CHECKER = Checker.from_settings(Settings(ocr_threads=threads))
    _WORKER_CHECKER.warm_up()


def _check_in_worker(path: str) -> str:
    return _WORKER_CHECKER.check_path(Path(path)).verdict.risk_level.value


def _warm(_: int) -> int:
    return os.getpid()


def throughput(images: list[Path], processes: int) -> dict[str, Any]:
    """Images per second with ``processes`` checking processes sharing the machine's cores."""
    threads = max(1, (os.cpu_count() or 1) // processes)
    with ProcessPoolExecutor(processes, initializer=_init_worker, initargs=(threads,)) as pool:
        # Wait until every worker has loaded its models before the clock starts.
        list(pool.map(_warm, range(processes * 4)))
        start = time.perf_counter()
        list(pool.map(_check_in_worker, [str(p) for p in images]))
        elapsed = time.perf_counter() - start
    return {"processes": processes, "ocr_threads_each": threads, "images": len(images),
            "seconds": round(elapsed, 2), "images_per_s": round(len(images) / elapsed, 3)}


def _plot(result: dict[str, Any], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = result["sizes"]
    labels = [str(s["long_side_px"][0]) if s["long_side_px"] else "?" for s in sizes]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    x = np.arange(len(sizes))
    bare = [s["bare_rapidocr_median_s"] for s in sizes]
    check = [s["check_median_s"] for s in sizes]
    left.bar(x - 0.2, bare, 0.4, label="bare RapidOCR (default)", color="#999999")
    left.bar(x + 0.2, check, 0.4, label="certcheck check", color="#2b6cb0")
    for i, s in enumerate(sizes):
        left.text(x[i] + 0.2, check[i], f"{s['ratio_check_over_bare']:.2f}x", ha="center", va="bottom", fontsize=9)
    left.set_xticks(x, labels)
    left.set_xlabel("photo long side (px)")
    left.set_ylabel("median seconds per image")
    left.set_title("Whole check vs bare OCR, same images, same run")
    left.legend(fontsize=8)

    stages = list(sizes[0]["stage_share_of_total"])
    bottom = np.zeros(len(sizes))
    for stage in stages:
        share = np.array([s["stage_share_of_total"].get(stage, 0.0) for s in sizes])
        right.bar(x, share, 0.6, bottom=bottom, label=stage)
        bottom += share
    right.set_xticks(x, labels)
    right.set_xlabel("photo long side (px)")
    right.set_ylabel("share of the check's time")
    right.set_title("Where the time goes")
    right.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=Path, help="folder of your own images (with --sizes 0)")
    parser.add_argument("--count", type=int, default=12, help="generated photos per size (default 12)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1200, 2000, 4000],
                        help="photo long sides in px (default 1200 2000 4000); 0 = --images as they are")
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--throughput-size", type=int, default=2000)
    parser.add_argument("--no-throughput", action="store_true", help="skip the 1- and 2-process throughput runs")
    parser.add_argument("--out", type=Path, default=RESULTS / "benchmark.json")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # internal: time one folder
    args = parser.parse_args(argv)

    if args.child is not None:
        sys.stdout.write(json.dumps(time_one_size(_images_in(args.child), args.repeats)) + "\n")
        return 0

    result: dict[str, Any] = {"cpu_count": os.cpu_count(), "sizes": [], "throughput": []}
    with tempfile.TemporaryDirectory() as tmp:
        folders: dict[int, Path] = {}
        for size in args.sizes:
            if size == 0:
                if args.images is None:
                    parser.error("--sizes 0 needs --images")
                folders[size] = args.images
            else:
                folders[size] = Path(tmp) / str(size)
                _generate(folders[size], args.count, args.seed, size)
        for size, folder in folders.items():
            # One child process per size: its peak RSS is that size's alone.
            child = subprocess.run(
                [sys.executable, "-m", "bench.benchmark", "--child", str(folder), "--repeats", str(args.repeats)],
                check=True, capture_output=True, text=True,
            )
            measured = json.loads(child.stdout.strip().splitlines()[-1])
            result["sizes"].append(measured)
            sys.stderr.write(f"[bench] {size} px: {json.dumps(measured)}\n")
        if not args.no_throughput and args.throughput_size in folders:
            images = _images_in(folders[args.throughput_size])
            for processes in (1, 2):
                result["throughput"].append(throughput(images, processes))
                sys.stderr.write(f"[bench] throughput: {json.dumps(result['throughput'][-1])}\n")

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _plot(result, args.out.with_suffix(".png"))
    sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

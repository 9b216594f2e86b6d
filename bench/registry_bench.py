"""Registry cost: registering a template, and checking with 1, 10 and 100 templates registered.

A check must not slow down linearly with the registry: candidates are
prefiltered by kind and printed title before any layout is compared
(templates_registry/matching.py). This bench makes 100 template folders in a
temporary dir from the built-in ``hrss-skill-level-2021`` (same reference
image and learnt layout, other ids; most with other kinds and titles, as a
real registry holds many kinds) and measures on one genuine photo:

* ``register_ms``: ``register_template_folder`` into an empty data dir, which
  reads the reference image by OCR once (median of ``--register-runs``);
* ``template_stage_ms``: the template stage alone on the photo's OCR (title,
  prefilter, layout comparison of every candidate, the template rules), median
  of many repetitions, per registry size; this is the part that depends on it;
* ``check_ms``: the whole ``Checker.check_bytes`` per registry size (median of
  ``--check-runs``), dominated by OCR.

    python -m bench.registry_bench                      # the README's numbers
    python -m bench.registry_bench --check-runs 1       # quicker

Writes ``bench/results/registry_bench.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from certcheck.pipeline import Checker
from certcheck.settings import Settings
from ocr.fields import find_title
from rules.kinds import classify_title
from rules.template_rules import check_template_match
from templates_registry.layout import LAYOUT_FILE
from templates_registry.loader import BUILTIN_DIR, TEMPLATE_FILE, load_registry
from templates_registry.matching import rank_templates
from templates_registry.registration import register_template_folder

__all__ = ["main", "make_template_folders"]

REPO = Path(__file__).resolve().parents[1]
SOURCE = BUILTIN_DIR / "hrss-skill-level-2021"
PHOTO = REPO / "samples" / "photos" / "genuine-skill-level.jpg"
RESULTS = REPO / "bench" / "results" / "registry_bench.json"
SIZES = (1, 10, 100)
#: Share of generated templates with the photo's own kind and title (the rest are other kinds).
SAME_KIND_SHARE = 0.1
_OTHER_KINDS = (
    ("special_ability", "专项职业能力证书"),
    ("qualification", "国家职业资格证书"),
    ("professional_qualification", "专业技术人员职业资格证书"),
    ("training", "培训合格证书"),
    ("other", "荣誉证书"),
)


def make_template_folders(root: Path, count: int, seed: int = 0) -> list[Path]:
    """``count`` template folders under ``root``: the built-in one with other ids, kinds and titles."""
    rng = random.Random(seed)
    spec = (SOURCE / TEMPLATE_FILE).read_text(encoding="utf-8")
    folders = []
    for i in range(count):
        same = i % round(1 / SAME_KIND_SHARE) == 0  # spread out, so every prefix keeps the share
        kind, title = ("skill_level", "职业技能等级证书") if same else rng.choice(_OTHER_KINDS)
        folder = root / f"bench-{i:03d}"
        folder.mkdir(parents=True)
        text = spec.replace("id: hrss-skill-level-2021", f"id: bench-{i:03d}")
        text = text.replace("kind: skill_level", f"kind: {kind}").replace("title: 职业技能等级证书", f"title: {title}")
        (folder / TEMPLATE_FILE).write_text(text, encoding="utf-8")
        shutil.copy(SOURCE / "reference.png", folder / "reference.png")
        shutil.copy(SOURCE / LAYOUT_FILE, folder / LAYOUT_FILE)
        folders.append(folder)
    return folders


def _template_stage(checker: Checker, report: Any) -> None:
    """What a check does with the registry, on an OCR result already read."""
    ocr, normalized = report.ocr, report.normalized
    title = find_title(ocr, normalized.height)
    kind = classify_title(title.value if title else None, checker.rule_data.kinds)
    candidates = rank_templates(checker.registry, kind, title.value if title else None, ocr,
                                page_size=(normalized.width, normalized.height))
    check_template_match(report.certificate, candidates, checker.rule_data)


def _median_ms(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return round(statistics.median(times), 3)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.registry_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--photo", type=Path, default=PHOTO)
    parser.add_argument("--check-runs", type=int, default=3)
    parser.add_argument("--register-runs", type=int, default=2)
    parser.add_argument("--stage-runs", type=int, default=200)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="certcheck-registry-bench-"))
    try:
        settings = Settings(data_dir=work / "data", templates=[], issuers=[])
        checker = Checker(settings, load_registry(None))
        checker.warm_up()
        register = [
            register_template_folder(SOURCE, work / f"register-{i}", checker.engine).elapsed_ms
            for i in range(args.register_runs)
        ]
        data = args.photo.read_bytes()
        results: dict[str, Any] = {"register_ms": round(statistics.median(register), 1), "sizes": {}}
        folders = make_template_folders(work / "templates", max(SIZES))
        for size in SIZES:
            # The built-in layer is always there: size counts the registered templates on top of it.
            checker.use_registry(load_registry(None, templates=folders[:size]))
            report = checker.check_bytes(data, args.photo.name)
            candidates = sum(1 for t in checker.registry.templates if t.spec.title == "职业技能等级证书")
            results["sizes"][str(size)] = {
                "templates": len(checker.registry.templates),
                "same_title": candidates,
                "template_stage_ms": _median_ms(lambda: _template_stage(checker, report), args.stage_runs),
                "check_ms": _median_ms(lambda: checker.check_bytes(data, args.photo.name), args.check_runs),
                "matched": report.template.template_id if report.template else None,
            }
            sys.stderr.write(f"{size} templates: {results['sizes'][str(size)]}\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(json.dumps(results, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

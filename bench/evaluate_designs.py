"""A template registered from one sample works: new designs, registered as a new user would, then checked.

Issue 12 item 4. Each design of :mod:`samples.generator.designs.new` (drawings
the built-in templates are not made from) is rendered once as its filled-in
sample and registered through the real CLI (``certcheck templates add`` into
a temporary data dir, which learns its layout); the designs' issuers are
imported from a generated CSV (``certcheck issuers import``). Then photos and
scans of genuine certificates and of knock-offs (one per evidence code,
:mod:`samples.generator.designs.new.knockoffs`) are checked with the real
pipeline. Reported:

* **false alarms**: genuine photos with any evidence at medium or above (target 0);
* **identification**: genuine photos matched to their own template (target ≥ 98 %);
* **detection per code**: knock-offs whose verdict holds their code at medium or
  above (target ≥ 98 %);
* **match scores**: every genuine photo compared with its own template's learnt
  layout ("same") and with every other registered template's ("other"), plus the
  relayout knock-offs against the template their title claims ("other"): the
  1st percentile of "same" minus the 99th of "other" (target ≥ 0.1), and whether
  any built-in template matches a new design's photo.

    python -m bench.evaluate_designs                 # 60 genuine + 5 per code
    python -m bench.evaluate_designs --count 12 --per-code 1

Writes ``bench/results/evaluation_designs.json`` (aggregates, file names and codes; no field values).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from certcheck.pipeline import Checker
from certcheck.settings import Settings
from certcheck.types import Report, Severity
from ocr.fields import find_title
from samples.generator.designs.new import NEW_DESIGNS, NewDesign
from samples.generator.designs.new._kit import draft_content, issuers_csv, print_sheet, template_yaml
from samples.generator.designs.new.knockoffs import EMBLEM_SIZE, KNOCKOFFS, Knockoff, blank_spot, relayout
from samples.generator.photo import CONDITIONS, Photo, photograph
from samples.generator.render import render_layout
from rules.forensics import _field_sharpness, _sample_prints, field_contrast
from rules.context import RuleContext
from templates_registry.matching import compare_layout

RESULTS = Path(__file__).resolve().parent / "results"
#: Photo presets of the genuine photos, in turn.
GENUINE_CONDITIONS = ("scan", "phone", "phone", "hard", "sideways")
_SERIOUS = (Severity.MEDIUM, Severity.HIGH)
_REFERENCE_SEED = 1


@dataclass(frozen=True)
class Case:
    """One photo to check: which design, genuine or which knock-off, the preset and the seed."""

    name: str
    design: NewDesign
    knockoff: Knockoff | None
    conditions: str
    seed: int


def write_template_folder(design: NewDesign, parent: Path) -> Path:
    """The template folder a new user writes: ``template.yaml`` and one rendered filled-in sample."""
    folder = parent / design.template_id
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(_REFERENCE_SEED)
    sheet = render_layout(print_sheet(design, draft_content(design, rng), rng))
    cv2.imwrite(str(folder / "reference.png"), sheet.pixels)
    (folder / "template.yaml").write_text(template_yaml(design), encoding="utf-8")
    return folder


def _cli(args: Sequence[str], data_dir: Path) -> str:
    env = {**os.environ, "CERTCHECK_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"certcheck {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout.strip()


def register_designs(designs: Sequence[NewDesign], data_dir: Path, work: Path) -> list[str]:
    """Register every design through the CLI and import their issuers; returns the CLI's lines."""
    lines = [_cli(["templates", "add", str(write_template_folder(d, work))], data_dir) for d in designs]
    csv_path = work / "issuers.csv"
    csv_path.write_text(issuers_csv(tuple(designs)), encoding="utf-8")
    lines.append(_cli(["issuers", "import", str(csv_path)], data_dir))
    return lines


def plan(designs: Sequence[NewDesign], count: int, per_code: int, seed: int) -> list[Case]:
    """``count`` genuine photos over the designs and presets, then ``per_code`` knock-offs per evidence code."""
    cases = [
        Case(f"genuine-{designs[i % len(designs)].name}-{i:03d}", designs[i % len(designs)], None,
             GENUINE_CONDITIONS[(i // len(designs)) % len(GENUINE_CONDITIONS)], seed * 100_000 + i)
        for i in range(count)
    ]
    by_code: dict[str, list[list[tuple[Knockoff, NewDesign]]]] = defaultdict(list)
    for knockoff in KNOCKOFFS:
        by_code[knockoff.code.value].append([(knockoff, d) for d in designs if knockoff.applies(d)])
    for code, groups in by_code.items():
        # The code's knock-offs in turn, each over its designs in turn.
        pairs = [group[k % len(group)] for k in range(max(map(len, groups))) for group in groups if group]
        for j in range(per_code if pairs else 0):
            knockoff, design = pairs[j % len(pairs)]
            cases.append(Case(f"{code}-{knockoff.name}-{design.name}-{j}", design, knockoff, knockoff.conditions,
                              seed * 100_000 + 50_000 + len(cases)))
    return cases


def photo_of(case: Case) -> bytes:
    """The case's photo (JPEG bytes), drawn from its seed."""
    return _photo(case).jpeg


def _photo(case: Case) -> Photo:
    rng = random.Random(case.seed)
    content = draft_content(case.design, rng)
    if case.knockoff is not None:
        content = case.knockoff.change(case.design, content, rng)
    layout_seed = rng.randrange(1 << 30)
    if content.emblems and not content.emblems[0].tiled and content.emblems[0].size == EMBLEM_SIZE:
        # A printed emblem goes where the sheet is empty: find the place on the sheet without it.
        bare = render_layout(print_sheet(case.design, replace(content, emblems=()), random.Random(layout_seed)))
        spot = blank_spot(bare.pixels, EMBLEM_SIZE)
        content = replace(content, emblems=(replace(content.emblems[0], center=spot),))
    layout_rng = random.Random(layout_seed)
    sheet_layout = relayout(content, layout_rng) if case.knockoff and case.knockoff.relayout else print_sheet(
        case.design, content, layout_rng)
    photo = photograph(render_layout(sheet_layout), CONDITIONS.get(case.conditions), np.random.default_rng(case.seed))
    return photo


def _serious_codes(report: Report) -> list[str]:
    return sorted({e.code.value for e in report.verdict.evidence if e.severity in _SERIOUS})


def _scores(checker: Checker, report: Report) -> dict[str, float]:
    """The page compared with every registered template's learnt layout, by template id."""
    page = (report.normalized.width, report.normalized.height)
    title = find_title(report.ocr, page[1])
    text = title.value if title else None
    return {
        t.spec.id: compare_layout(t, text, report.ocr, page).score
        for t in checker.registry.templates if t.layout is not None
    }


def evaluate(
    checker: Checker, cases: Sequence[Case], progress: Callable[[dict[str, Any]], None] | None = None
) -> dict[str, Any]:
    """Check every case and aggregate (see the module docstring)."""
    genuine = {"photos": 0, "false_alarms": [], "identified": 0, "not_identified": []}
    detection: dict[str, Counter[str]] = defaultdict(Counter)
    missed: list[dict[str, Any]] = []
    same: list[float] = []
    other: list[float] = []
    builtin_best: list[float] = []
    contrast_genuine: list[float] = []
    contrast_retyped: list[float] = []
    new_ids = {d.template_id for d in NEW_DESIGNS.values()}
    started = time.perf_counter()
    for case in cases:
        photo = _photo(case)
        report = checker.check_bytes(photo.jpeg, case.name + ".jpg")
        contrasts = _contrasts(checker, report)
        if case.knockoff is None:
            contrast_genuine.append(max(contrasts.values(), default=0.0))
        elif case.conditions == "tampered_field":
            contrast_retyped.append(contrasts.get(str(photo.capture.get("tampered_field")), 0.0))
        codes = _serious_codes(report)
        matched = report.template.template_id if report.template else None
        if case.knockoff is None:
            genuine["photos"] += 1
            if codes:
                genuine["false_alarms"].append({"file": case.name, "codes": codes, "risk": report.verdict.risk_level})
            if matched == case.design.template_id:
                genuine["identified"] += 1
            else:
                genuine["not_identified"].append({"file": case.name, "matched": matched})
            scores = _scores(checker, report)
            if case.design.template_id in scores:
                same.append(scores.pop(case.design.template_id))
            other += list(scores.values())
            builtin = [(s, t) for t, s in scores.items() if t not in new_ids]
            builtin_best.append(max(builtin, default=(0.0, ""))[0])
            if builtin and max(builtin)[0] >= 0.5:
                sys.stderr.write(f"  best built-in {max(builtin)}\n")
        else:
            code = case.knockoff.code.value
            detection[code]["cases"] += 1
            if code in codes:
                detection[code]["detected"] += 1
            else:
                all_codes = sorted({f"{e.code.value}:{e.severity.value}" for e in report.verdict.evidence})
                missed.append({"file": case.name, "codes": all_codes, "matched": matched})
            if case.knockoff.relayout:
                claimed = _scores(checker, report).get(case.design.template_id)
                if claimed is not None:
                    other.append(claimed)
        sys.stderr.write(f"{case.name}: {report.verdict.risk_level} {codes} {matched}\n")
        if progress is not None:  # the aggregates so far, so that a run stopped early still tells
            progress(_aggregate(started, genuine, detection, missed, same, other, builtin_best,
                                contrast_genuine, contrast_retyped))
    return _aggregate(started, genuine, detection, missed, same, other, builtin_best, contrast_genuine,
                      contrast_retyped)


def _aggregate(
    started: float, genuine: dict[str, Any], detection: dict[str, Counter[str]], missed: list[dict[str, Any]],
    same: list[float], other: list[float], builtin_best: list[float], contrast_genuine: list[float],
    contrast_retyped: list[float],
) -> dict[str, Any]:
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "genuine": genuine,
        "detection": {code: dict(c) for code, c in sorted(detection.items())},
        "missed": missed,
        "scores": _score_summary(same, other, builtin_best),
        "tampering_contrast": {
            "genuine_max_per_photo": sorted(round(c, 3) for c in contrast_genuine),
            "retyped_field": sorted(round(c, 3) for c in contrast_retyped),
        },
    }


def _contrasts(checker: Checker, report: Report) -> dict[str, float]:
    """Each field value's contrast against the other values and the matched template's sample (rules.forensics)."""
    matched = None
    if report.template is not None:
        template = checker.registry.get_template(report.template.template_id)
        from templates_registry.matching import TemplateCandidate
        matched = TemplateCandidate(template, report.template.match_score, ())
    ctx = RuleContext(
        ocr=report.ocr, page_size=(report.normalized.width, report.normalized.height), fields=report.certificate,
        candidates=(), matched=matched, issuer=None, registry=checker.registry, detections=report.detections,
        data=checker.rule_data,
    )
    measured, sample = _field_sharpness(ctx), _sample_prints(ctx)
    return {k: c for k in measured if (c := field_contrast(k, measured, sample)) is not None}


def _score_summary(same: list[float], other: list[float], builtin_best: list[float]) -> dict[str, Any]:
    def pct(values: list[float], q: float) -> float | None:
        return round(float(np.percentile(values, q)), 3) if values else None

    p1, p99 = pct(same, 1), pct(other, 99)
    return {
        "same": {"n": len(same), "min": min(same, default=None), "p1": p1, "median": pct(same, 50)},
        "other": {"n": len(other), "p99": p99, "max": max(other, default=None), "median": pct(other, 50)},
        "margin_p1_same_minus_p99_other": round(p1 - p99, 3) if p1 is not None and p99 is not None else None,
        "best_builtin_score_on_new_designs": max(builtin_best, default=None),
    }


def _print_summary(result: dict[str, Any]) -> None:
    g = result["genuine"]
    out = sys.stdout
    out.write(f"genuine photos: {g['photos']}, false alarms (medium+): {len(g['false_alarms'])}, "
              f"identified: {g['identified']}/{g['photos']}\n")
    for alarm in g["false_alarms"]:
        out.write(f"  false alarm {alarm['file']}: {alarm['risk']} {alarm['codes']}\n")
    for miss in g["not_identified"]:
        out.write(f"  not identified {miss['file']}: matched {miss['matched']}\n")
    out.write("code                      detected / cases\n")
    for code, counts in result["detection"].items():
        out.write(f"  {code:24s} {counts.get('detected', 0):3d} / {counts['cases']:3d}\n")
    for miss in result["missed"]:
        out.write(f"  missed {miss['file']}: {miss['codes']} (template {miss['matched']})\n")
    out.write(f"match scores: {json.dumps(result['scores'], ensure_ascii=False)}\n")
    out.write(f"{result['seconds']} s\n")


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bench.evaluate_designs [--count N] [--per-code K] [--seed S] [--designs NAME...]``."""
    parser = argparse.ArgumentParser(prog="python -m bench.evaluate_designs", description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=60, help="genuine photos (default 60)")
    parser.add_argument("--per-code", type=int, default=5, help="knock-offs per evidence code (default 5)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--designs", nargs="*", default=None, choices=sorted(NEW_DESIGNS))
    parser.add_argument("--codes", nargs="*", default=None, help="knock-offs of these evidence codes only")
    parser.add_argument("--out", type=Path, default=RESULTS / "evaluation_designs.json")
    args = parser.parse_args(argv)
    designs = [NEW_DESIGNS[n] for n in (args.designs or NEW_DESIGNS)]
    with tempfile.TemporaryDirectory(prefix="certcheck-designs-") as tmp:
        data_dir, work = Path(tmp) / "data", Path(tmp) / "work"
        for line in register_designs(designs, data_dir, work):
            sys.stderr.write(line + "\n")
        checker = Checker.from_settings(Settings(data_dir=data_dir))
        cases = plan(designs, args.count, args.per_code, args.seed)
        if args.codes:
            cases = [c for c in cases if c.knockoff is None or c.knockoff.code.value in args.codes]
        args.out.parent.mkdir(parents=True, exist_ok=True)

        def write(result: dict[str, Any]) -> None:
            result["designs"] = [d.name for d in designs]
            args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

        result = evaluate(checker, cases, write)
        write(result)
    _print_summary(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Accuracy over a generated corpus of genuine and knock-off certificate photos.

Generates (or reads) photos with their truth JSON from ``samples/``, checks each
one with the real pipeline and reports, in the manner of PassportEye's
``evaluate_mrz``:

* field exact-match rate per field (after full-width folding and space removal);
* per evidence code: detection rate on photos that should raise it, and false
  positive rate on photos that should not — on genuine photos separately;
* ``IMAGE_QUALITY`` and risk level agreement on unreadable photos;
* which photos changed outcome since the previous run (``--previous``).

    python -m bench.evaluate --count 60 --seed 2026
    python -m bench.evaluate --corpus DIR        # an existing generated corpus

Writes ``bench/results/evaluation.json`` (per-photo outcomes included).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from certcheck.pipeline import Checker
from certcheck.report import report_to_dict
from certcheck.settings import Settings
from ocr.text import compact

RESULTS = Path(__file__).resolve().parent / "results"
#: The generated truth assumes the demo issuer registry is in force.
DEMO_ISSUERS = Path(__file__).resolve().parents[1] / "samples" / "registry" / "demo-issuers.csv"
FIELDS = ("holder_name", "id_number", "serial_number", "occupation", "level", "issuer", "issue_date")


def _generate(out: Path, count: int, seed: int) -> None:
    subprocess.run(
        [sys.executable, "-m", "samples.generate", "--out", str(out), "--count", str(count), "--seed", str(seed)],
        check=True,
    )


def _same(expected: str | None, got: str | None, key: str) -> bool:
    if expected is None or got is None:
        return expected == got
    if key == "id_number":
        # Reports mask ID numbers: compare what the mask keeps.
        return len(expected) == len(got) and expected[:4] == got[:4] and expected[-4:] == got[-4:]
    return compact(expected) == compact(got)


def _flagged_codes(report: dict[str, Any]) -> set[str]:
    """Codes raised at low severity or above: ``info`` is not a finding against the certificate."""
    return {e["code"] for e in report["evidence"] if e["severity"] != "info" or e["code"] == "IMAGE_QUALITY"}


def evaluate(corpus: Path) -> dict[str, Any]:
    """Check every photo of ``corpus`` against its truth file."""
    checker = Checker.from_settings(Settings(), issuers=[DEMO_ISSUERS])
    checker.warm_up()
    outcomes: list[dict[str, Any]] = []
    for truth_path in sorted(corpus.glob("*.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        image = truth_path.with_suffix(".jpg")
        if "expected_codes" not in truth or not image.is_file():
            continue
        report = report_to_dict(checker.check_path(image))
        outcomes.append({
            "name": image.name,
            "variant": truth["variant"],
            "design": truth["design"],
            "conditions": truth["conditions"],
            "expected_codes": sorted(truth["expected_codes"]),
            "codes": sorted(_flagged_codes(report)),
            "expected_risk": truth["expected_risk"],
            "risk": report["risk_level"],
            # Photos made unreadable on purpose are scored on IMAGE_QUALITY, not on fields.
            "fields": {} if truth["expected_risk"] == "unknown" else {
                k: _same((truth.get("fields") or {}).get(k), report["certificate"][k], k) for k in FIELDS
                if (truth.get("fields") or {}).get(k) is not None},
            "read": {k: report["certificate"][k] for k in FIELDS},
            "kind_ok": truth["expected_risk"] == "unknown" or truth.get("kind") in (None, report["certificate"]["kind"]),
        })
    return summarise(outcomes)


def _rate(hits: int, total: int) -> float | None:
    return round(hits / total, 4) if total else None


def summarise(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-field and per-code rates from per-photo outcomes."""
    field_hits: Counter[str] = Counter()
    field_total: Counter[str] = Counter()
    for o in outcomes:
        for key, ok in o["fields"].items():
            field_total[key] += 1
            field_hits[key] += int(ok)
    codes = sorted({c for o in outcomes for c in (*o["expected_codes"], *o["codes"])})
    per_code: dict[str, Any] = {}
    for code in codes:
        should = [o for o in outcomes if code in o["expected_codes"]]
        should_not = [o for o in outcomes if code not in o["expected_codes"]]
        genuine = [o for o in should_not if o["variant"] == "genuine" and o["expected_risk"] == "low"]
        per_code[code] = {
            "positives": len(should),
            "detection_rate": _rate(sum(code in o["codes"] for o in should), len(should)),
            "false_positive_rate": _rate(sum(code in o["codes"] for o in should_not), len(should_not)),
            "false_positive_rate_on_genuine": _rate(sum(code in o["codes"] for o in genuine), len(genuine)),
        }
    by_variant: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        by_variant[o["variant"]]["photos"] += 1
        by_variant[o["variant"]]["risk_as_expected"] += int(o["risk"] == o["expected_risk"])
    genuine_all = [o for o in outcomes if not o["expected_codes"]]
    return {
        "photos": len(outcomes),
        "field_exact_match": {k: _rate(field_hits[k], field_total[k]) for k in FIELDS if field_total[k]},
        "field_counts": dict(field_total),
        "per_code": per_code,
        "clean_photos_with_any_finding": _rate(sum(bool(o["codes"]) for o in genuine_all), len(genuine_all)),
        "kind_accuracy": _rate(sum(o["kind_ok"] for o in outcomes), len(outcomes)),
        "risk_by_variant": {k: dict(v) for k, v in sorted(by_variant.items())},
        "outcomes": outcomes,
    }


def changes_since(previous: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Photos whose codes or risk changed between two evaluation runs."""
    before = {o["name"]: o for o in previous.get("outcomes", [])}
    changed = []
    for o in current["outcomes"]:
        old = before.get(o["name"])
        if old and (old["codes"] != o["codes"] or old["risk"] != o["risk"]):
            changed.append(f"{o['name']}: {old['risk']} {old['codes']} -> {o['risk']} {o['codes']}")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="an existing generated corpus (default: generate one)")
    parser.add_argument("--count", type=int, default=60)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=RESULTS / "evaluation.json")
    parser.add_argument("--previous", type=Path, help="an earlier evaluation.json to compare with")
    args = parser.parse_args(argv)
    previous_path = args.previous or (args.out if args.out.is_file() else None)
    previous = json.loads(previous_path.read_text(encoding="utf-8")) if previous_path else None
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus or Path(tmp)
        if args.corpus is None:
            _generate(corpus, args.count, args.seed)
        result = evaluate(corpus)
    result["changed_since_previous"] = changes_since(previous, result) if previous else []
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    brief = {k: v for k, v in result.items() if k != "outcomes"}
    sys.stdout.write(json.dumps(brief, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

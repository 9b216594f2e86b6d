"""Accuracy over a generated corpus of genuine and knock-off certificate photos.

Generates (or reads) photos with their truth JSON from ``samples/``, checks each
one with the real pipeline and reports, in the manner of PassportEye's
``evaluate_mrz``:

* field exact-match rate per field (after full-width folding and space removal);
* per evidence code, with counts: detection rate on photos that should raise
  it; false positive rate on photos that should not, on genuine certificates of
  an official kind (and among them those whose registered issuer's own name
  starts with 中国, the hard negatives of the wording rules), and on clean
  non-official certificates (genuine ``training`` / ``other`` kinds);
* ``IMAGE_QUALITY`` and risk level agreement on unreadable photos;
* which photos changed outcome since the previous run (``--previous``).

    python -m bench.evaluate --count 60 --seed 2026
    python -m bench.evaluate --corpus DIR        # an existing generated corpus
    python -m bench.evaluate --count 24 --seed 3 --variants genuine false_claim --designs training_outfit

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


#: Certificate kinds only a registered organisation may issue (CONTRACT.md kinds table).
OFFICIAL_KINDS = frozenset({"skill_level", "special_ability", "qualification", "professional_qualification"})
#: Kinds anyone may issue: a genuine one is a clean non-official certificate.
NON_OFFICIAL_KINDS = frozenset({"training", "other"})


def _generate(
    out: Path,
    count: int,
    seed: int,
    designs: list[str] | None = None,
    variants: list[str] | None = None,
    conditions: list[str] | None = None,
) -> None:
    command = [sys.executable, "-m", "samples.generate", "--out", str(out), "--count", str(count), "--seed", str(seed)]
    for option, names in (("--designs", designs), ("--variants", variants), ("--conditions", conditions)):
        if names:
            command += [option, *names]
    subprocess.run(command, check=True)


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
        issuer = (truth.get("fields") or {}).get("issuer") or ""
        outcomes.append({
            "name": image.name,
            "variant": truth["variant"],
            "design": truth["design"],
            "conditions": truth["conditions"],
            "kind": truth.get("kind"),
            "issuer_named_china": issuer.startswith("中国"),
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


def _false_positives(code: str, group: str, negatives: list[dict[str, Any]]) -> dict[str, Any]:
    """``false_positives_on_<group>`` (count), ``…_photos`` (count) and ``false_positive_rate_on_<group>``."""
    flagged = sum(code in o["codes"] for o in negatives)
    return {
        f"false_positives_on_{group}": flagged,
        f"{group}_photos": len(negatives),
        f"false_positive_rate_on_{group}": _rate(flagged, len(negatives)),
    }


def summarise(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-field and per-code rates from per-photo outcomes."""
    field_hits: Counter[str] = Counter()
    field_total: Counter[str] = Counter()
    for o in outcomes:
        for key, ok in o["fields"].items():
            field_total[key] += 1
            field_hits[key] += int(ok)
    codes = sorted({c for o in outcomes for c in (*o["expected_codes"], *o["codes"])})
    clean = [o for o in outcomes if o["variant"] == "genuine" and o["expected_risk"] == "low"]
    genuine = [o for o in clean if o.get("kind") in OFFICIAL_KINDS]
    genuine_china = [o for o in genuine if o.get("issuer_named_china")]
    clean_non_official = [o for o in clean if o.get("kind") in NON_OFFICIAL_KINDS]
    per_code: dict[str, Any] = {}
    for code in codes:
        should = [o for o in outcomes if code in o["expected_codes"]]
        should_not = [o for o in outcomes if code not in o["expected_codes"]]
        hits = sum(code in o["codes"] for o in should)
        per_code[code] = {
            "positives": len(should),
            "detected": hits,
            "detection_rate": _rate(hits, len(should)),
            "missed": sorted(o["name"] for o in should if code not in o["codes"]),
            "false_positive_rate": _rate(sum(code in o["codes"] for o in should_not), len(should_not)),
            **_false_positives(code, "genuine", genuine),
            **_false_positives(code, "genuine_china_named", genuine_china),
            **_false_positives(code, "clean_non_official", clean_non_official),
        }
    by_variant: dict[str, Counter[str]] = defaultdict(Counter)
    for o in outcomes:
        by_variant[o["variant"]]["photos"] += 1
        by_variant[o["variant"]]["risk_as_expected"] += int(o["risk"] == o["expected_risk"])
    genuine_all = [o for o in outcomes if not o["expected_codes"]]
    return {
        "photos": len(outcomes),
        "photo_groups": {
            "genuine_official": len(genuine),
            "genuine_china_named_issuer": len(genuine_china),
            "clean_non_official": len(clean_non_official),
            "knock_offs": sum(o["variant"] != "genuine" for o in outcomes),
            "unjudgeable": sum(o["expected_risk"] == "unknown" for o in outcomes),
        },
        "field_exact_match": {k: _rate(field_hits[k], field_total[k]) for k in FIELDS if field_total[k]},
        "field_counts": dict(field_total),
        "per_code": per_code,
        "clean_photos_with_any_finding": _rate(sum(bool(o["codes"]) for o in genuine_all), len(genuine_all)),
        "genuine_official_not_low": sorted(o["name"] for o in genuine if o["risk"] != "low"),
        "clean_non_official_not_low": sorted(o["name"] for o in clean_non_official if o["risk"] != "low"),
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
    parser.add_argument("--designs", nargs="+", metavar="NAME", help="generate only these designs")
    parser.add_argument("--variants", nargs="+", metavar="NAME", help="generate only these variants")
    parser.add_argument("--conditions", nargs="+", metavar="NAME", help="generate only these photo conditions")
    args = parser.parse_args(argv)
    if args.corpus is not None and (args.designs or args.variants or args.conditions):
        parser.error("--designs/--variants/--conditions choose what to generate; they do not filter --corpus")
    previous_path = args.previous or (args.out if args.out.is_file() else None)
    previous = json.loads(previous_path.read_text(encoding="utf-8")) if previous_path else None
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus or Path(tmp)
        if args.corpus is None:
            _generate(corpus, args.count, args.seed, args.designs, args.variants, args.conditions)
        result = evaluate(corpus)
    result["changed_since_previous"] = changes_since(previous, result) if previous else []
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    brief = {k: v for k, v in result.items() if k != "outcomes"}
    sys.stdout.write(json.dumps(brief, ensure_ascii=False, indent=2) + "\n")
    sys.stderr.write(code_table(result) + "\n")
    return 0


def _cell(count: int, total: int) -> str:
    return f"{count}/{total} ({count / total:.0%})" if total else "-"


def code_table(result: dict[str, Any]) -> str:
    """Per-code detection and false positives as a plain-text table (the README's form)."""
    groups = result["photo_groups"]
    lines = [
        f"{result['photos']} photos: {groups['genuine_official']} genuine official "
        f"({groups['genuine_china_named_issuer']} of a 中国… issuer), {groups['clean_non_official']} clean "
        f"non-official, {groups['knock_offs']} knock-offs, {groups['unjudgeable']} unjudgeable",
        f"{'code':<24}{'detected':>16}{'FP genuine':>16}{'FP 中国 issuer':>16}{'FP non-official':>18}",
    ]
    for code, row in result["per_code"].items():
        lines.append(
            f"{code:<24}{_cell(row['detected'], row['positives']):>16}"
            f"{_cell(row['false_positives_on_genuine'], row['genuine_photos']):>16}"
            f"{_cell(row['false_positives_on_genuine_china_named'], row['genuine_china_named_photos']):>16}"
            f"{_cell(row['false_positives_on_clean_non_official'], row['clean_non_official_photos']):>18}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())

"""Precision and recall of ``check-text`` on the labelled advert corpus, and the fuzzy-threshold curve.

Each text of ``samples/adverts/adverts.yaml`` carries the codes and spans a
correct checker reports (labelling rules in ``samples/adverts/README.md``). A
finding is a true positive when an expected span of the same code overlaps it;
each expected span is counted once. The curve reruns the corpus with the
near-miss threshold of :mod:`rules.wording` at several values (100 = exact
matches only), which is how ``FUZZY_THRESHOLD`` was chosen.

Usage::

    .venv/bin/python -m bench.evaluate_text [--corpus samples/adverts/adverts.yaml] [--out bench/results/text_evaluation.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

from certcheck.types import EvidenceCode
from rules.text_check import check_text
from rules.wording import FUZZY_THRESHOLD

__all__ = ["Advert", "evaluate", "main"]

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT / "samples" / "adverts" / "adverts.yaml"
DEFAULT_OUT = REPO_ROOT / "bench" / "results" / "text_evaluation.json"
#: The thresholds of the curve (rapidfuzz partial_ratio, 0-100).
CURVE = (70.0, 75.0, 80.0, 85.0, 90.0, 100.0)
#: The codes of the text scope (ADDED_TEXT is wording added to a certificate, not to an advert).
TEXT_CODES = (
    EvidenceCode.FORBIDDEN_WORDING,
    EvidenceCode.FALSE_CLAIM,
    EvidenceCode.IMPERSONATED_AUTHORITY,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ExpectedSpan(_Strict):
    """One labelled finding: its code and the exact substring (``nth`` occurrence, from 0)."""

    code: EvidenceCode
    span: str = Field(min_length=1)
    nth: int = 0


class Advert(_Strict):
    """One labelled text of the corpus."""

    id: str
    kind: str
    text: str
    expected: tuple[ExpectedSpan, ...] = ()

    def expected_offsets(self) -> list[tuple[EvidenceCode, int, int]]:
        """Each expected span located in the text (a span not in the text is a corpus error)."""
        out = []
        for item in self.expected:
            at = -1
            for _ in range(item.nth + 1):
                at = self.text.find(item.span, at + 1)
                if at < 0:
                    raise ValueError(f"{self.id}: span {item.span!r} (nth {item.nth}) is not in the text")
            out.append((item.code, at, at + len(item.span)))
        return out


class _Corpus(_Strict):
    adverts: tuple[Advert, ...]


@dataclass
class _Tally:
    true_positive: Counter[str]
    false_positive: Counter[str]
    false_negative: Counter[str]
    misses: list[str]
    false_alarms: list[str]


def load_corpus(path: Path) -> tuple[Advert, ...]:
    """The validated corpus (unknown keys and unlocatable spans are errors)."""
    corpus = _Corpus.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    for advert in corpus.adverts:
        advert.expected_offsets()
    return corpus.adverts


def _tally(adverts: Sequence[Advert], threshold: float) -> _Tally:
    tally = _Tally(Counter(), Counter(), Counter(), [], [])
    for advert in adverts:
        expected = advert.expected_offsets()
        matched: set[int] = set()
        for finding in check_text(advert.text, fuzzy_threshold=threshold).findings:
            code = finding.evidence.code
            hit = next((i for i, (c, s, e) in enumerate(expected)
                        if c == code and s < finding.end and finding.start < e and i not in matched), None)
            if hit is None:
                already = any(c == code and s < finding.end and finding.start < e for c, s, e in expected)
                if not already:  # a second finding inside a span already credited is neither TP nor FP
                    tally.false_positive[code.value] += 1
                    tally.false_alarms.append(f"{advert.id}: {code.value} {finding.evidence.text!r}")
                continue
            matched.add(hit)
            tally.true_positive[code.value] += 1
        for index, (code, start, end) in enumerate(expected):
            if index not in matched:
                tally.false_negative[code.value] += 1
                tally.misses.append(f"{advert.id}: {code.value} {advert.text[start:end]!r}")
    return tally


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def _scores(tally: _Tally) -> dict[str, Any]:
    per_code = {}
    for code in TEXT_CODES:
        tp, fp, fn = (tally.true_positive[code.value], tally.false_positive[code.value],
                      tally.false_negative[code.value])
        per_code[code.value] = {"tp": tp, "fp": fp, "fn": fn,
                                "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn)}
    tp, fp, fn = (sum(c.values()) for c in (tally.true_positive, tally.false_positive, tally.false_negative))
    return {"overall": {"tp": tp, "fp": fp, "fn": fn, "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn)},
            "per_code": per_code}


def evaluate(adverts: Sequence[Advert]) -> dict[str, Any]:
    """Scores at the shipped threshold, the misses and false alarms there, and the threshold curve."""
    shipped = _tally(adverts, FUZZY_THRESHOLD)
    clean = [a for a in adverts if not a.expected]
    clean_flagged = sum(1 for a in clean if check_text(a.text).findings)
    curve = []
    for threshold in CURVE:
        overall = _scores(_tally(adverts, threshold))["overall"]
        curve.append({"threshold": threshold, **overall})
    return {
        "texts": len(adverts),
        "clean_texts": len(clean),
        "clean_texts_flagged": clean_flagged,
        "fuzzy_threshold": FUZZY_THRESHOLD,
        **_scores(shipped),
        "misses": shipped.misses,
        "false_alarms": shipped.false_alarms,
        "curve": curve,
    }


def _print_summary(result: dict[str, Any]) -> None:
    out = sys.stdout
    overall = result["overall"]
    out.write(f"{result['texts']} texts ({result['clean_texts']} clean, {result['clean_texts_flagged']} of them "
              f"flagged); threshold {result['fuzzy_threshold']}\n")
    out.write(f"overall: precision {overall['precision']}  recall {overall['recall']}  "
              f"(tp {overall['tp']}, fp {overall['fp']}, fn {overall['fn']})\n")
    for code, score in result["per_code"].items():
        out.write(f"  {code:24s} precision {score['precision']}  recall {score['recall']}  "
                  f"(tp {score['tp']}, fp {score['fp']}, fn {score['fn']})\n")
    out.write("threshold curve (threshold: precision / recall):\n")
    for point in result["curve"]:
        out.write(f"  {point['threshold']:5.1f}: {point['precision']} / {point['recall']}  "
                  f"(tp {point['tp']}, fp {point['fp']}, fn {point['fn']})\n")
    for label, items in (("missed", result["misses"]), ("false alarms", result["false_alarms"])):
        out.write(f"{label}: {len(items)}\n" + "".join(f"  {item}\n" for item in items))


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate, print a summary and write the JSON results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    result = evaluate(load_corpus(args.corpus))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    _print_summary(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

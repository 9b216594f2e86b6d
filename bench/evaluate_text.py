"""Precision and recall of ``check-text`` on the labelled corpora, false alarms on real published texts.

Each text of ``samples/adverts/*.yaml`` carries the codes and spans a correct
checker reports (labelling rules in ``samples/adverts/README.md``). A finding is
a true positive when an expected span of the same code overlaps it; each
expected span is counted once. The curve reruns a corpus with the near-miss
threshold of :mod:`rules.wording` at several values (100 = exact matches
only), which is how ``FUZZY_THRESHOLD`` was chosen.

Real texts that must come out low (news, explainers, a training outfit's page:
``../shared/real-texts.jsonl``, read in place) and the campaign's own notices
(``../shared/policy/*.txt``) are checked for false alarms: a text with a medium
or high finding. Only aggregates are printed and written (counts per kind, the
frames that set findings aside), never a text; a missing folder is skipped with
a line saying so.

Usage::

    .venv/bin/python -m bench.evaluate_text [--corpus FILE]... [--real-texts FILE] [--policy DIR]
        [--out bench/results/text_evaluation.json]
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

from certcheck.types import EvidenceCode, Severity
from rules.text_check import check_text
from rules.wording import FUZZY_THRESHOLD

__all__ = ["Advert", "RealText", "evaluate", "false_alarms", "load_corpus", "load_policy_texts", "load_real_texts",
           "main"]

REPO_ROOT = Path(__file__).resolve().parents[1]
ADVERTS_DIR = REPO_ROOT / "samples" / "adverts"
DEFAULT_CORPUS = ADVERTS_DIR / "adverts.yaml"
#: The corpora measured by default: the first advert corpus, then the claims-versus-mentions batches in the
#: order they were written (each measured once before the changes it led to; README "Text check").
DEFAULT_CORPORA = (DEFAULT_CORPUS, ADVERTS_DIR / "discourse.yaml", ADVERTS_DIR / "discourse_second.yaml",
                   ADVERTS_DIR / "discourse_third.yaml", ADVERTS_DIR / "discourse_fourth.yaml",
                   ADVERTS_DIR / "discourse_fifth.yaml", ADVERTS_DIR / "discourse_sixth.yaml",
                   ADVERTS_DIR / "discourse_seventh.yaml")
SHARED = REPO_ROOT.parent / "shared"
DEFAULT_REAL_TEXTS = SHARED / "real-texts.jsonl"
DEFAULT_POLICY = SHARED / "policy"
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


class RealText(BaseModel):
    """One line of ``real-texts.jsonl``: a published text, its kind and the verdict it must get."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    kind: str = Field(min_length=1)
    text: str = Field(min_length=1)
    expected: str = "low"


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


def load_real_texts(path: Path) -> tuple[RealText, ...]:
    """The validated lines of a JSON Lines file of real texts (a bad line is an error naming its number)."""
    texts = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                texts.append(RealText.model_validate_json(line))
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: not a real-text line: {exc}") from exc
    return tuple(texts)


def load_policy_texts(folder: Path) -> tuple[RealText, ...]:
    """The campaign documents of ``folder`` (``*.txt`` but the README), as texts that must come out low."""
    files = sorted(p for p in folder.glob("*.txt") if p.name.lower() != "readme.txt")
    return tuple(RealText(kind="campaign notice", text=p.read_text(encoding="utf-8")[:100_000]) for p in files)


def false_alarms(texts: Sequence[RealText]) -> dict[str, Any]:
    """Per kind: texts, those expected low that got a medium or high finding, and the frames that set findings aside.

    Aggregates only: no text, no span.
    """
    by_kind: dict[str, dict[str, Any]] = {}
    frames: Counter[str] = Counter()
    alarms = 0
    for item in texts:
        result = check_text(item.text)
        row = by_kind.setdefault(item.kind, {"texts": 0, "false_alarms": 0, "findings_medium_high": 0})
        row["texts"] += 1
        strong = [f for f in result.findings if f.evidence.severity.rank >= Severity.MEDIUM.rank]
        if item.expected == "low" and strong:
            row["false_alarms"] += 1
            row["findings_medium_high"] += len(strong)
            alarms += 1
        frames.update(f.frame for f in result.mentions if f.frame)
    return {"texts": len(texts), "false_alarms": alarms, "by_kind": by_kind,
            "mentions_set_aside_by_frame": dict(frames.most_common())}


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
    clean_with_mentions = sum(1 for a in clean if check_text(a.text).mentions)
    curve = []
    for threshold in CURVE:
        overall = _scores(_tally(adverts, threshold))["overall"]
        curve.append({"threshold": threshold, **overall})
    return {
        "texts": len(adverts),
        "clean_texts": len(clean),
        "clean_texts_flagged": clean_flagged,
        "clean_texts_with_mentions_set_aside": clean_with_mentions,
        "fuzzy_threshold": FUZZY_THRESHOLD,
        **_scores(shipped),
        "misses": shipped.misses,
        "false_alarms": shipped.false_alarms,
        "curve": curve,
    }


def _print_summary(name: str, result: dict[str, Any]) -> None:
    out = sys.stdout
    overall = result["overall"]
    out.write(f"== {name}: {result['texts']} texts ({result['clean_texts']} clean, {result['clean_texts_flagged']} "
              f"of them flagged, {result['clean_texts_with_mentions_set_aside']} with mentions set aside); "
              f"threshold {result['fuzzy_threshold']}\n")
    out.write(f"overall: precision {overall['precision']}  recall {overall['recall']}  "
              f"(tp {overall['tp']}, fp {overall['fp']}, fn {overall['fn']})\n")
    for code, score in result["per_code"].items():
        out.write(f"  {code:24s} precision {score['precision']}  recall {score['recall']}  "
                  f"(tp {score['tp']}, fp {score['fp']}, fn {score['fn']})\n")
    if "curve" in result:
        out.write("threshold curve (threshold: precision / recall):\n")
        for point in result["curve"]:
            out.write(f"  {point['threshold']:5.1f}: {point['precision']} / {point['recall']}  "
                      f"(tp {point['tp']}, fp {point['fp']}, fn {point['fn']})\n")
    for label, items in (("missed", result["misses"]), ("false alarms", result["false_alarms"])):
        out.write(f"{label}: {len(items)}\n" + "".join(f"  {item}\n" for item in items))


def _print_alarms(name: str, result: dict[str, Any] | None, source: Path) -> None:
    out = sys.stdout
    if result is None:
        out.write(f"== {name}: skipped, {source} is absent\n")
        return
    out.write(f"== {name}: {result['texts']} texts, {result['false_alarms']} false alarms (medium/high)\n")
    for kind, row in result["by_kind"].items():
        out.write(f"  {kind:24s} {row['texts']} texts, {row['false_alarms']} false alarms "
                  f"({row['findings_medium_high']} medium/high findings)\n")
    frames = ", ".join(f"{k} {v}" for k, v in result["mentions_set_aside_by_frame"].items()) or "none"
    out.write(f"  mentions set aside, by frame: {frames}\n")


def _combined(corpora: Sequence[Path]) -> tuple[Advert, ...]:
    return tuple(a for path in corpora for a in load_corpus(path))


def main(argv: Sequence[str] | None = None) -> int:
    """Evaluate, print a summary and write the JSON results."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, action="append",
                        help="a labelled corpus (repeatable; default: the eight of samples/adverts/)")
    parser.add_argument("--real-texts", type=Path, default=DEFAULT_REAL_TEXTS)
    parser.add_argument("--policy", type=Path, default=DEFAULT_POLICY)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    corpora = tuple(args.corpus or DEFAULT_CORPORA)
    results: dict[str, Any] = {"corpora": {}}
    for path in corpora:
        result = evaluate(load_corpus(path))
        results["corpora"][path.name] = result
        _print_summary(path.name, result)
    if len(corpora) > 1:
        combined = evaluate(_combined(corpora))
        combined.pop("curve")
        results["combined"] = combined
        _print_summary("all corpora", {**combined, "misses": [], "false_alarms": combined["false_alarms"]})
    real = false_alarms(load_real_texts(args.real_texts)) if args.real_texts.is_file() else None
    policy = false_alarms(load_policy_texts(args.policy)) if args.policy.is_dir() else None
    results["real_texts"], results["policy_texts"] = real, policy
    _print_alarms("real texts", real, args.real_texts)
    _print_alarms("campaign notices", policy, args.policy)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

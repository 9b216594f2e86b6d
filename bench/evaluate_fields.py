"""Field reading on real layouts: the fields a person reads against those the pipeline reports.

Runs the real pipeline over the images of ``../shared/real-images/`` (read in
place) and compares each certificate's fields with the hand-marked truth of
``bench/fields_truth.yaml``:

* **title, issuer, issue date**: exact match after :func:`ocr.text.compact`
  (any one of the accepted spellings), over the certificates that print one;
  **presence**: a value reported exactly when the truth has one;
* **serial**: presence, and its shape (runs of letters and digits, ``A5N8``);
* **holder**: whether a holder's name was reported where one is printed;
* **absurd values**, on every image, certificates and not-certificates alike
  (the not-certificates' fields are read by the same readers the pipeline uses,
  since their report keeps only the title): a label as a value, an ID-number
  shaped serial, a signature or seal line as the issuer, a title glued to a
  labelled row. Target 0.

Prints aggregates and, per certificate, which fields missed (field names only:
no values, no OCR text) and writes ``bench/results/evaluation_fields.json``.

    python -m bench.evaluate_fields
    python -m bench.evaluate_fields --only jl-zxnl-photoshop.jpg mo-ry-vex.jpg
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ocr.text import compact

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-images"
TRUTH = Path(__file__).resolve().parent / "fields_truth.yaml"
LABELS = ROOT / "rules" / "data" / "field_labels.yaml"
VOCABULARY = ROOT / "rules" / "data" / "field_vocabulary.yaml"
RESULTS = Path(__file__).resolve().parent / "results"

SCORED = ("title", "issuer", "issue_date", "serial", "holder")
#: Words of a signature or seal line (负责人(签章)：…, 盖章, (公章), 职业技能鉴定(指导)中心(印)) — never an issuer.
SIGNATURE_WORDS = ("签章", "签字", "签名", "盖章", "公章", "(印)", "负责人", "法定代表人", "法人代表")
#: An 18-character resident ID number: region code, a birth date from 1900 on, sequence, check character.
ID_NUMBER = re.compile(r"[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx]")


def serial_shape(value: str) -> str:
    """Runs of letters (``A``) and digits (``N``) with their lengths; separators are ignored.

    >>> serial_shape("MZYSH20210213"), serial_shape("CQU-SRTP-2023")
    ('A5N8', 'A7N4')
    """
    runs: list[list[Any]] = []
    for char in value:
        kind = "N" if char.isdigit() else "A" if char.isascii() and char.isalpha() else None
        if kind is None:
            continue
        if runs and runs[-1][0] == kind:
            runs[-1][1] += 1
        else:
            runs.append([kind, 1])
    return "".join(f"{kind}{count}" for kind, count in runs)


@dataclass(frozen=True)
class LabelWords:
    """The printed labels, for telling a label (or a row glued to one) from a value."""

    every: frozenset[str]  # compact, lower-case
    personal: tuple[str, ...]  # Han labels of the person and the document (姓名, 性别, 证书编号, 发证日期…)


#: Label keys whose words may be part of a value (an organisation's trade, a title's kind).
_TRADE_KEYS = ("occupation", "level", "issuer", "job", "education", "result", "signature_line")


def label_words(labels: Mapping[str, Sequence[str]]) -> LabelWords:
    every = frozenset(compact(label).lower() for names in labels.values() for label in names if compact(label))
    personal = tuple(sorted({compact(label) for key, names in labels.items() if key not in _TRADE_KEYS
                             for label in names if len(re.findall(r"[\u4e00-\u9fff]", label)) >= 2}, key=len))
    return LabelWords(every, personal)


def absurd_values(fields: Mapping[str, str | None], words: LabelWords) -> list[str]:
    """What is absurd about these fields: ``key:why`` for each.

    ``label``: the value is a label, or holds the label of a person's or the
    document's field ("性别", "庄磊性别男", "证书编号1686…中心"); ``id_number``: an
    ID-number shaped serial; ``signature``: a signature or seal line as a value;
    ``glued``: a title glued to a labelled row or a serial.
    """
    found: list[str] = []
    for key, value in fields.items():
        if not value:
            continue
        text = compact(value)
        if key != "title" and (text.lower().strip(":;") in words.every or any(
                label in text for label in words.personal if key not in ("title",))):
            found.append(f"{key}:label")
        if key == "serial_number" and ID_NUMBER.fullmatch(re.sub(r"[^0-9Xx]", "", value)):
            found.append(f"{key}:id_number")
        if key != "title" and any(word in text for word in SIGNATURE_WORDS):
            found.append(f"{key}:signature")
        if key == "title" and (any(label in text for label in words.personal) or re.search(r"\d{5}", text)):
            found.append(f"{key}:glued")
    return found


@dataclass
class Tally:
    """Per-field counts: exact matches over those printed, presence over all."""

    exact: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in SCORED})
    presence: dict[str, list[int]] = field(default_factory=lambda: {k: [0, 0] for k in SCORED})
    absurd: list[tuple[str, str]] = field(default_factory=list)
    misses: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        def share(pair: list[int]) -> float | None:
            return round(100.0 * pair[0] / pair[1], 1) if pair[1] else None

        return {
            "exact_pct": {k: share(v) for k, v in self.exact.items()},
            "exact_counts": {k: v for k, v in self.exact.items()},
            "presence_pct": {k: share(v) for k, v in self.presence.items()},
            "absurd_count": len(self.absurd),
            "absurd": [f"{name} {why}" for name, why in self.absurd],
            "misses": self.misses,
        }


def score_certificate(name: str, truth: Mapping[str, Any], got: Mapping[str, str | None], tally: Tally) -> None:
    """Add one certificate's comparison to ``tally`` (``got``: report field key -> value)."""
    unscored = set(truth.get("unscored") or ())
    missed: list[str] = []
    wanted = {
        "title": truth.get("title"),
        "issuer": truth.get("issuer"),
        "issue_date": [truth["issue_date"]] if truth.get("issue_date") else None,
        "serial": [truth["serial"]] if truth.get("serial") else None,
        "holder": [True] if truth.get("holder") else None,
    }
    have = {
        "title": got.get("title"),
        "issuer": got.get("issuer"),
        "issue_date": got.get("issue_date"),
        "serial": serial_shape(got["serial_number"]) if got.get("serial_number") else None,
        "holder": True if got.get("holder_name") else None,
    }
    for key in SCORED:
        if key in unscored:
            continue
        expected, value = wanted[key], have[key]
        present_ok = (expected is None) == (value is None)
        tally.presence[key][0] += present_ok
        tally.presence[key][1] += 1
        if expected is not None and key != "holder":
            hit = value is not None and compact(str(value)) in {compact(str(e)) for e in expected}
            tally.exact[key][0] += hit
            tally.exact[key][1] += 1
            if not hit:
                missed.append(key if value is not None else f"{key}(none)")
        elif not present_ok:
            missed.append(f"{key}(extra)" if value is not None else f"{key}(none)")
    if missed:
        tally.misses[name] = missed


def _labels() -> dict[str, list[str]]:
    """The report fields' labels and those of the fields it does not carry (性别, 出生日期…)."""
    labels = dict(yaml.safe_load(LABELS.read_text(encoding="utf-8"))["labels"])
    labels.update(yaml.safe_load(VOCABULARY.read_text(encoding="utf-8"))["other_labels"])
    return labels


def _reader_fields(report: Any, checker: Any) -> dict[str, str | None]:
    """The fields the readers take off a not-certificate's page (its report keeps only the title)."""
    from certcheck.pipeline import _without_title
    from ocr.fields import extract_fields
    from ocr.signature import read_signature_block

    data = checker.rule_data
    title = report.certificate.title
    found = extract_fields(_without_title(report.ocr, title), data.field_labels)
    unlabelled = read_signature_block(report.ocr, report.normalized.height, salutations=data.salutations,
                                      organisation_suffixes=data.organisation_suffixes)
    merged = {**unlabelled, **found}
    values: dict[str, str | None] = {k: v.value for k, v in merged.items()}
    values["title"] = title.value if title else None
    return values


def report_fields(report: Any) -> dict[str, str | None]:
    cert = report.certificate
    keys = ("title", "holder_name", "id_number", "serial_number", "occupation", "level", "issuer", "issue_date")
    return {key: (getattr(cert, key).value if getattr(cert, key) is not None else None) for key in keys}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="check only these file names")
    args = parser.parse_args(argv)
    if not (REAL / "manifest.jsonl").is_file():
        print(f"skipped: {REAL} is absent (the real images are read in place, never copied)")
        return 0
    from certcheck.pipeline import Checker
    from certcheck.settings import Settings

    truth = yaml.safe_load(TRUTH.read_text(encoding="utf-8"))
    certificates: dict[str, Any] = truth["certificates"]
    others: list[str] = truth["not_certificates"]
    names = [n for n in (*certificates, *others) if not args.only or n in args.only]
    labels = label_words(_labels())
    checker = Checker.from_settings(Settings())
    tally = Tally()
    for name in names:
        report = checker.check_path(REAL / "images" / name)
        got = report_fields(report)
        if name in certificates:
            score_certificate(name, certificates[name], got, tally)
            tally.absurd += [(name, why) for why in absurd_values(got, labels)]
        else:
            tally.absurd += [(name, why) for why in absurd_values({**_reader_fields(report, checker), **got}, labels)]
        print(f"{name:40s} {' '.join(tally.misses.get(name, [])) or 'ok'}", flush=True)
    result = tally.as_dict()
    result["certificates"] = sum(1 for n in names if n in certificates)
    result["not_certificates"] = sum(1 for n in names if n not in certificates)
    print(f"\ncertificates {result['certificates']}, not-certificates {result['not_certificates']}")
    for key in SCORED:
        exact = result["exact_pct"][key]
        counts = result["exact_counts"][key]
        exact_text = f"exact {exact:5.1f} % ({counts[0]}/{counts[1]})" if exact is not None else "exact   n/a"
        print(f"  {key:10s} {exact_text}   presence {result['presence_pct'][key]:5.1f} %")
    listed = f"  ({', '.join(result['absurd'])})" if result["absurd"] else ""
    print(f"absurd values: {result['absurd_count']}{listed}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "evaluation_fields.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

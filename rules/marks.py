"""Emblems, department logos and misleading watermarks (``EMBLEM``, ``WATERMARK``).

人社部函〔2022〕25号 一（一） bans, on certificates not entitled to them, the national emblem, government
department emblems, and "与上述相关或易产生歧义和误导的字样、图案或水印". What counts is data
(``rules/data/marks.yaml``: the registered marks, the misleading watermark words, the watermarks a
template prints itself); the template's ``marks.emblem`` (forbidden / allowed / required) decides
whether a found mark is evidence.

Decisions, with the reason:

* A registered mark found on a certificate with no matched template is evidence: nothing entitles it.
* ``marks.emblem`` governs every registered mark (the emblem and department logos alike): a template
  that may print the state's emblem is a government certificate and may print its department's logo.
* A template that *requires* the emblem while none was found gives ``TEMPLATE_MISMATCH`` at low
  severity and confidence 0.4 only ("check by eye"): the detector found 100 % of generated and real
  emblems measured (bench/evaluate_detectors.py), but a glare spot or a crop can hide a small emblem,
  and a missing emblem alone does not make a knock-off.
* Emblems tiled as a background are both ``EMBLEM`` (the emblem is used) and ``WATERMARK`` (a
  misleading pattern); ``EMBLEM`` is then reported once, at the clearest tile.
* A round mark the matched template's registered sample prints at the same place (a school's or
  company's badge, learnt at registration in ``layout.json``) is the design's own, not an emblem.
* A national emblem as large as a background (:data:`LARGE_EMBLEM_SHARE` of the sheet's short
  side) is ``WATERMARK`` as well as ``EMBLEM``: a faint emblem behind the fields is a misleading pattern.
* A watermark is evidence when what it says holds a restricted word, or when it is the emblem,
  unless the matched template prints that watermark itself, or the text is the issuer's own registered
  name (an employer called 中国…集团 may print its name as a background).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from certcheck.errors import RegistryError
from certcheck.types import Detection, Evidence, EvidenceCode, Severity
from rules.context import RuleContext
from rules.evidence import make_evidence
from templates_registry.loader import safe_load_yaml
from templates_registry.matching import unmap_box

__all__ = [
    "EMBLEM_MARK_ID",
    "MARKS_FILE",
    "MarkEntry",
    "MarksData",
    "emblem_rule",
    "load_marks",
    "restricted_words_in",
    "watermark_rule",
]

MARKS_FILE = Path(__file__).resolve().parent / "data" / "marks.yaml"
#: The id of the national emblem in ``marks.yaml`` (what ``emblem.v1`` reports in ``extras["mark"]``).
EMBLEM_MARK_ID = "national_emblem"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MarkDetect(_Strict):
    """How the detector finds a mark: drawn by the project, or a logo image next to the data file."""

    method: Literal["drawn", "image"]
    drawing: str | None = None
    file: str | None = None
    min_score: float = Field(default=0.7, gt=0.0, lt=1.0)

    @model_validator(mode="after")
    def _source_given(self) -> MarkDetect:
        if self.method == "drawn" and self.drawing != EMBLEM_MARK_ID:
            raise ValueError(f"the project draws only {EMBLEM_MARK_ID!r}")
        if self.method == "image" and (not self.file or "\\" in self.file or ".." in Path(self.file).parts):
            raise ValueError("an image mark needs a relative 'file' inside rules/data/")
        return self


class MarkEntry(_Strict):
    """One registered mark (the emblem, a department's logo)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    detect: MarkDetect
    basis: str = Field(min_length=1)


class WatermarkWords(_Strict):
    basis: str = Field(min_length=1)
    words: tuple[str, ...] = Field(min_length=1)


class MarksData(_Strict):
    """``rules/data/marks.yaml``, validated."""

    marks: tuple[MarkEntry, ...] = Field(min_length=1)
    watermark_words: WatermarkWords
    template_watermarks: dict[str, tuple[str, ...]] = {}

    @model_validator(mode="after")
    def _ids_unique_and_emblem_present(self) -> MarksData:
        ids = [m.id for m in self.marks]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate mark ids: {', '.join(duplicates)}")
        if EMBLEM_MARK_ID not in ids:
            raise ValueError(f"the national emblem ({EMBLEM_MARK_ID}) must be registered")
        return self

    def mark(self, mark_id: str) -> MarkEntry | None:
        return next((m for m in self.marks if m.id == mark_id), None)


def load_marks(path: Path = MARKS_FILE) -> MarksData:
    """Read and validate a marks file (every problem reported at once).

    Raises:
        RegistryError: the file is unreadable or invalid, or an image mark's file is missing.
    """
    try:
        raw: Any = safe_load_yaml(path.read_text(encoding="utf-8"))
        data = MarksData.model_validate(raw)
    except ValidationError as exc:
        problems = "\n".join(f"{path}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RegistryError(f"标识数据无效：\n{problems}", f"invalid marks data:\n{problems}") from exc
    except OSError as exc:
        raise RegistryError(
            f"无法读取标识数据 {path}：{exc}", f"cannot read marks data {path}: {exc}"
        ) from exc
    for mark in data.marks:
        if mark.detect.method == "image" and not (path.parent / str(mark.detect.file)).is_file():
            raise RegistryError(
                f"{path}：标识 {mark.id} 的图像文件不存在",
                f"{path}: mark {mark.id}: image {mark.detect.file} is missing",
            )
    return data


@lru_cache(maxsize=1)
def default_marks() -> MarksData:
    """The packaged marks data, loaded once per process."""
    return load_marks()


_NOT_TEXT = re.compile(r"[\s\W_]+", re.UNICODE)


def restricted_words_in(text: str, words: Sequence[str]) -> list[str]:
    """The restricted ``words`` found in ``text`` (spaces and punctuation ignored), longest first,
    leaving out a word that only occurs inside a longer one found.

    >>> restricted_words_in("国家职业 资格国家职业资格", ["国家职业资格", "职业资格", "国家", "中国"])
    ['国家职业资格']
    >>> restricted_words_in("SCJDGL", ["国家"])
    []
    """
    compact = _NOT_TEXT.sub("", text)
    found: list[str] = []
    for word in sorted(set(words), key=len, reverse=True):
        if word in compact and not any(word in longer for longer in found):
            found.append(word)
    return found


def _template_allows_marks(ctx: RuleContext) -> bool:
    return ctx.template is not None and ctx.template.spec.marks.emblem in ("allowed", "required")


def emblem_rule(ctx: RuleContext, marks: MarksData | None = None) -> list[Evidence]:
    """``EMBLEM`` for every registered mark found that the matched template does not entitle;
    ``TEMPLATE_MISMATCH`` (low) when the template requires the emblem and none was found."""
    marks = marks or default_marks()
    found = ctx.detections_of("emblem")
    if found and any(w.extras.get("emblem") for w in ctx.detections_of("watermark")):
        # Tiles of an emblem background: one finding (the clearest tile), not one per tile.
        found = (max(found, key=lambda d: d.score),)
    found = tuple(d for d in found if not _sample_badge(ctx, d))
    evidence = [] if _template_allows_marks(ctx) else [_emblem_evidence(ctx, d, marks) for d in found]
    template = ctx.template
    emblem_found = any(d.extras.get("mark") == EMBLEM_MARK_ID for d in found)
    if template is not None and template.spec.marks.emblem == "required" and not emblem_found:
        evidence.append(make_evidence(
            ctx.data, EvidenceCode.TEMPLATE_MISMATCH,
            f"{template.spec.name}应印有国徽，但图片中未找到，请人工核对",
            f"The registered template {template.spec.id} prints the national emblem, but none was found; check by eye",
            confidence=0.4, severity=Severity.LOW,
        ))
    return evidence


#: A detection is the sample's own badge when its centre lies within this share of the sheet of a learnt badge.
BADGE_MARGIN = 0.03


def _sample_badge(ctx: RuleContext, detection: Detection) -> bool:
    """Whether the matched template's registered sample prints a round mark at this place (its own badge).

    Issue 12 item 3: a school's or company's round badge that the registered sample carries is not
    the national emblem; the same badge elsewhere, or an emblem where the sample has none, still is.
    """
    matched = ctx.matched
    layout = matched.layout if matched is not None else None
    if layout is None or not layout.badges or matched is None or matched.transform is None or detection.quad is None:
        return False
    xs = [p[0] for p in detection.quad]
    ys = [p[1] for p in detection.quad]
    x0, y0, x1, y1 = unmap_box(matched.transform, (min(xs), min(ys), max(xs), max(ys)), ctx.page_size)
    cx, cy = (x0 + x1) / 2.0, (y0 + y1) / 2.0
    return any(
        b[0] - BADGE_MARGIN <= cx <= b[2] + BADGE_MARGIN and b[1] - BADGE_MARGIN <= cy <= b[3] + BADGE_MARGIN
        for b in layout.badges
    )


def _emblem_evidence(ctx: RuleContext, detection: Detection, marks: MarksData) -> Evidence:
    mark = marks.mark(str(detection.extras.get("mark", EMBLEM_MARK_ID))) or marks.mark(EMBLEM_MARK_ID)
    assert mark is not None  # the emblem is always registered (validated)
    return make_evidence(
        ctx.data, EvidenceCode.EMBLEM,
        f"证书上印有{mark.name}，非政府颁发的证书不得使用",
        f"The certificate carries the {mark.name_en}, which a certificate not issued by the government may not use",
        text=mark.name, quad=detection.quad, confidence=detection.score, basis=mark.basis,
    )


def watermark_rule(ctx: RuleContext, marks: MarksData | None = None) -> list[Evidence]:
    """``WATERMARK`` for a background pattern that reads restricted words or is the emblem,
    unless the matched template prints it or it is the issuer's own registered name."""
    marks = marks or default_marks()
    printed_by_template = marks.template_watermarks.get(ctx.template.spec.id, ()) if ctx.template else ()
    evidence = []
    for detection in ctx.detections_of("watermark"):
        text = str(detection.extras.get("text") or "")
        words = restricted_words_in(text, marks.watermark_words.words)
        if words and (_is_printed_by_template(text, printed_by_template) or _is_issuer_name(ctx, text)):
            words = []
        is_emblem = bool(detection.extras.get("emblem")) and EMBLEM_MARK_ID not in printed_by_template
        if is_emblem:
            evidence.append(make_evidence(
                ctx.data, EvidenceCode.WATERMARK,
                "证书底纹为国徽图案，易使人误认为政府颁发的证书",
                "The background pattern is the national emblem, which suggests a government-issued certificate",
                text="国徽", quad=detection.quad, confidence=detection.score, basis=marks.watermark_words.basis,
            ))
        if words:
            evidence.append(make_evidence(
                ctx.data, EvidenceCode.WATERMARK,
                f"证书水印含有“{'、'.join(words)}”字样，易产生误导",
                f"The watermark reads '{'/'.join(words)}', restricted wording that misleads",
                text=text, quad=detection.quad, confidence=detection.score, basis=marks.watermark_words.basis,
            ))
    if not any(d.extras.get("emblem") for d in ctx.detections_of("watermark")):
        evidence += _large_emblems(ctx, marks, printed_by_template)
    return evidence


#: An emblem at least this share of the sheet's short side is a background layer (a faint emblem behind
#: the fields, issue 12), not a mark printed beside the title (knock-offs print those at 8-15 %).
LARGE_EMBLEM_SHARE = 0.3


def _large_emblems(ctx: RuleContext, marks: MarksData, printed_by_template: Sequence[str]) -> list[Evidence]:
    """``WATERMARK`` for a national emblem printed as large as a background behind the text."""
    if EMBLEM_MARK_ID in printed_by_template or _template_allows_marks(ctx):
        return []
    short = min(ctx.page_size)
    evidence = []
    for d in ctx.detections_of("emblem"):
        if d.extras.get("mark", EMBLEM_MARK_ID) != EMBLEM_MARK_ID or d.quad is None:
            continue
        xs, ys = [p[0] for p in d.quad], [p[1] for p in d.quad]
        if max(max(xs) - min(xs), max(ys) - min(ys)) < LARGE_EMBLEM_SHARE * short:
            continue
        evidence.append(make_evidence(
            ctx.data, EvidenceCode.WATERMARK,
            "证书底纹为大幅国徽图案，易使人误认为政府颁发的证书",
            "A large national emblem lies behind the print as a background, which suggests a government certificate",
            text="国徽", quad=d.quad, confidence=d.score, basis=marks.watermark_words.basis,
        ))
    return evidence[:1]


def _is_printed_by_template(text: str, printed: Sequence[str]) -> bool:
    compact = _NOT_TEXT.sub("", text)
    return any(p and _NOT_TEXT.sub("", p) in compact for p in printed)


def _is_issuer_name(ctx: RuleContext, text: str) -> bool:
    """Whether the watermark repeats the issuer's registered name (or an alias): its own mark, no claim."""
    if ctx.issuer is None:
        return False
    compact = _NOT_TEXT.sub("", text)
    names = (ctx.issuer.record.name, *ctx.issuer.record.aliases)
    # OCR of a tiled pattern reads overlapping fragments: 4 characters of the name in a row count.
    return any(len(n) >= 4 and any(n[i : i + 4] in compact for i in range(len(n) - 3)) for n in names)

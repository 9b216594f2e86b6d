"""Restricted words, added wording, false claims and impersonated authorities (the campaign's word rules).

What to look for is data (``rules/data/wording.yaml``, each entry with its
policy clause); this module folds text the way OCR and advert writers bend it
and decides, from the certificate's context, whether a word found is a
violation:

* **Folding** (:func:`fold`): full-width to half-width, traditional to
  simplified, case, whitespace dropped; every folded character keeps the
  offset of the character it came from, so a match maps back to the original.
* **Phrases** match with punctuation inside the word (``国·家·认·可``) when
  every gap has one (letter-spacing, not a sentence break); two-character
  words must be contiguous (``中国。家`` is not ``国家``).
* **Near misses**: a phrase of at least :data:`MIN_FUZZY_LENGTH` characters
  also matches a window whose rapidfuzz similarity reaches
  :data:`FUZZY_THRESHOLD` (an OCR slip such as 职业资恪).
* **Context** (:func:`wording_rule`, certificates): the matched template's
  ``allowed_phrases``, the registered issuer's own name and aliases, and
  ordinary field values (``国籍：中国``) excuse a restricted word; with no
  issuer registry loaded at all, so does the printed issuer's own name.

All boxes are work space (the rectified sheet), as everywhere in ``rules/``.
"""

from __future__ import annotations

import bisect
import enum
import re
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from certcheck.errors import RegistryError
from certcheck.privacy import mask_id_numbers
from certcheck.types import Category, Evidence, EvidenceCode, IssuerStatus, Quad, Severity
from ocr.layout import Row, rows_of
from ocr.text import compact, to_simplified
from rules.catalogue import RuleData
from rules.context import RuleContext
from rules.evidence import make_evidence
from templates_registry.issuers import MIN_ISSUER_SIMILARITY, issuer_key
from templates_registry.loader import safe_load_yaml
from vision.text_geometry import span_sub_quad

__all__ = [
    "FUZZY_THRESHOLD",
    "MIN_FUZZY_LENGTH",
    "FoldedText",
    "Scope",
    "WordingEntry",
    "WordingHit",
    "WordingRules",
    "default_wording",
    "find_wording",
    "fold",
    "load_wording",
    "span_quad",
    "wording_rule",
]

WORDING_FILE = Path(__file__).resolve().parent / "data" / "wording.yaml"

#: Similarity (0-100, rapidfuzz Levenshtein on a window one character off the
#: phrase) from which a near miss counts. One wrong character scores 75 in a
#: 4-character phrase, 80 in 5, 83.3 in 6, 87.5 in 8. Measured on the 40 texts of
#: samples/adverts/ (bench/evaluate_text.py, 87 labelled spans):
#:   threshold  70/75: precision 0.966, recall 0.989 (3 false alarms)
#:   threshold     80: precision 0.988, recall 0.943 (1 false alarm)
#:   threshold     85: precision 0.988, recall 0.920
#:   threshold 90/100: precision 0.988, recall 0.908 (exact matches only)
#: 75 catches four-character homophones (官方忍证) but also real words one
#: character away (全国通报 for 全国通用, 国家认证 for 国家认可), and the same
#: threshold serves certificate OCR, where a false alarm on a genuine certificate
#: costs most; 80 keeps every near miss of five or more characters.
FUZZY_THRESHOLD = 80.0
#: Shorter phrases only match exactly: one wrong character in 3 is another word.
MIN_FUZZY_LENGTH = 4
#: Punctuation allowed inside a spaced-out word, per gap.
_MAX_GAP = 2


class Scope(str, enum.Enum):
    """Where an entry applies: a certificate's OCR text or a free text (advert, web page, chat)."""

    CERTIFICATE = "certificate"
    TEXT = "text"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class WordingEntry(_Strict):
    """One group of words with the code it raises and the clause it rests on."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    code: EvidenceCode
    category: Category
    severity: Severity
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    scope: tuple[Scope, ...] = Field(min_length=1)
    fuzzy: bool = False
    except_in: tuple[str, ...] = ()
    text_context: str | None = None
    message: str = Field(min_length=1)
    message_en: str = Field(min_length=1)
    basis: str = Field(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"pattern {pattern!r} is not a valid regular expression: {exc}") from exc
        return value

    @field_validator("text_context")
    @classmethod
    def _context_compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"text_context is not a valid regular expression: {exc}") from exc
        return value

    @model_validator(mode="after")
    def _something_to_match(self) -> WordingEntry:
        if not self.phrases and not self.patterns:
            raise ValueError("an entry needs phrases or patterns")
        if any(not p.strip() for p in self.phrases):
            raise ValueError("empty phrase")
        return self


class _WordingFile(_Strict):
    field_value_labels: tuple[str, ...] = ()
    entries: tuple[WordingEntry, ...] = Field(min_length=1)


@dataclass(frozen=True)
class _Matcher:
    entry: WordingEntry
    regex: re.Pattern[str]
    phrase: str | None  # the literal phrase (gap checks, fuzzy), None for a pattern


@dataclass(frozen=True)
class WordingRules:
    """The validated entries, compiled once."""

    entries: tuple[WordingEntry, ...]
    field_value_labels: tuple[str, ...]
    matchers: tuple[_Matcher, ...]


@dataclass(frozen=True)
class WordingHit:
    """One entry matched at ``[start, end)`` of the text it was searched in.

    ``score`` is 100 for an exact (folded) match, the rapidfuzz similarity for
    a near miss.
    """

    entry: WordingEntry
    start: int
    end: int
    text: str
    score: float


@dataclass(frozen=True)
class FoldedText:
    """Text folded for matching; ``origin[i]`` is the offset in the original of character ``i``."""

    text: str
    origin: tuple[int, ...]
    source_length: int

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original offsets of folded characters ``[start, end)``."""
        return self.origin[start], (self.origin[end - 1] + 1 if end > start else self.origin[start])


def fold(text: str) -> FoldedText:
    """Half-width, simplified, lower-case text without whitespace, with each character's origin.

    >>> folded = fold("國 家 認 可！ＡＢ")
    >>> folded.text, folded.span(0, 4)
    ('国家认可!ab', (0, 7))
    """
    chars: list[str] = []
    origin: list[int] = []
    for offset, char in enumerate(text):
        for out in to_simplified(unicodedata.normalize("NFKC", char)).lower():
            if not out.isspace():
                chars.append(out)
                origin.append(offset)
    return FoldedText("".join(chars), tuple(origin), len(text))


def _phrase_regex(phrase: str) -> re.Pattern[str]:
    chars = [re.escape(c) for c in compact(phrase).lower()]
    gap = "" if len(chars) <= 2 else rf"([\W_]{{0,{_MAX_GAP}}})"
    # ×××部门 is "the ××× departments" in general (人社部门, 教育部门), not a ministry's name.
    tail = "(?!门)" if chars[-1] == "部" else ""
    return re.compile(gap.join(chars) + tail)


def _compile(entries: Iterable[WordingEntry]) -> tuple[_Matcher, ...]:
    matchers: list[_Matcher] = []
    for entry in entries:
        matchers += [_Matcher(entry, _phrase_regex(p), compact(p).lower()) for p in entry.phrases]
        matchers += [_Matcher(entry, re.compile(p), None) for p in entry.patterns]
    return tuple(matchers)


def load_wording(path: Path = WORDING_FILE, data: RuleData | None = None) -> WordingRules:
    """Read and validate ``wording.yaml``; every bad entry is reported by file and index.

    Raises:
        RegistryError: the file cannot be read, an entry is invalid, or an
            entry's category is not its code's category in the catalogue.
    """
    try:
        raw: Any = safe_load_yaml(path.read_text(encoding="utf-8"))
        parsed = _WordingFile.model_validate(raw)
    except ValidationError as exc:
        problems = "\n".join(f"{path}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RegistryError(f"措辞规则无效：\n{problems}", f"invalid wording rules:\n{problems}") from exc
    except Exception as exc:
        raise RegistryError(f"无法读取措辞规则 {path}：{exc}", f"cannot read wording rules {path}: {exc}") from exc
    if data is not None:
        wrong = [f"{path}: entries.{i}: category {e.category.value} is not {data.code(e.code).category.value} "
                 f"of {e.code.value}" for i, e in enumerate(parsed.entries) if data.code(e.code).category != e.category]
        if wrong:
            raise RegistryError("措辞规则类别不一致：\n" + "\n".join(wrong), "wording categories:\n" + "\n".join(wrong))
    ids = [e.id for e in parsed.entries]
    if len(set(ids)) != len(ids):
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        raise RegistryError(f"措辞规则编号重复：{duplicates}", f"{path}: duplicate entry ids {duplicates}")
    return WordingRules(parsed.entries, parsed.field_value_labels, _compile(parsed.entries))


@lru_cache(maxsize=1)
def default_wording() -> WordingRules:
    """The packaged wording rules, loaded and checked against the code catalogue once per process."""
    from rules.catalogue import default_rule_data

    return load_wording(WORDING_FILE, default_rule_data())


# --- matching -------------------------------------------------------------------------------------


def _gaps_are_consistent(match: re.Match[str]) -> bool:
    # No gaps, or a separator in every gap (a letter-spaced word). A single
    # stray gap is more likely two words meeting at a sentence break.
    gaps = match.groups()
    return all(not g for g in gaps) or all(gaps)


def _exact_hits(folded: FoldedText, matcher: _Matcher) -> Iterable[tuple[int, int]]:
    for match in matcher.regex.finditer(folded.text):
        if match.end() > match.start() and (matcher.phrase is None or _gaps_are_consistent(match)):
            yield match.start(), match.end()


@lru_cache(maxsize=1024)
def _near_regex(phrase: str) -> re.Pattern[str]:
    """Windows of ``len(phrase)`` characters with at most one character different (overlaps found too)."""
    chars = [re.escape(c) for c in phrase]
    variants = ["".join(chars[:i] + [r"[^\W_]"] + chars[i + 1 :]) for i in range(len(chars))]
    return re.compile(f"(?=({'|'.join(variants)}))")


def _fuzzy_hits(folded: FoldedText, phrase: str, threshold: float) -> Iterable[tuple[int, int, float]]:
    # Candidates are windows one character off (an OCR slip misreads one
    # character, it rarely drops one inside a short word); rapidfuzz scores
    # them so the threshold reads as a similarity.
    for found in _near_regex(phrase).finditer(folded.text):
        window = found.group(1)
        score = Levenshtein.normalized_similarity(phrase, window) * 100.0
        if window != phrase and score >= threshold:
            yield found.start(1), found.end(1), score


def _occurrences(folded: str, phrases: Iterable[str]) -> list[tuple[int, int]]:
    """Every ``[start, end)`` where one of ``phrases`` occurs in ``folded``, sorted by start."""
    spans = []
    for phrase in phrases:
        key = compact(phrase).lower()
        if key:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(key), folded)]
    return sorted(spans)


def _inside_spans(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` lies inside one of the sorted ``spans`` (bisection on their starts)."""
    index = bisect.bisect_right(spans, (start, sys.maxsize))
    # Spans starting at or before ``start``; an occurrence is at most a phrase long, so look back a little.
    for lo, hi in reversed(spans[max(0, index - 64): index]):
        if lo <= start and end <= hi:
            return True
    return False


def _inside_any(folded: str, start: int, end: int, phrases: Iterable[str]) -> bool:
    """Whether ``folded[start:end]`` lies inside an occurrence of one of ``phrases``."""
    return _inside_spans(_occurrences(folded, phrases), start, end)


def find_wording(
    text: str,
    rules: WordingRules,
    scope: Scope,
    *,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
) -> list[WordingHit]:
    """Every entry of ``scope`` found in ``text``, with offsets into ``text`` itself.

    Matches inside an entry's ``except_in`` phrases, or (text scope) without
    the entry's ``text_context`` after them, are dropped; of overlapping hits of
    one code the longest is kept.

    >>> rules = default_wording()
    >>> [(h.entry.code.value, h.text) for h in find_wording("本证书 國 家 認 可，全国通用", rules, Scope.TEXT)]
    [('FALSE_CLAIM', '國 家 認 可'), ('FALSE_CLAIM', '全国通用')]
    """
    folded = fold(text)
    hits: list[WordingHit] = []
    for matcher in rules.matchers:
        entry = matcher.entry
        if scope not in entry.scope:
            continue
        spans = [(s, e, 100.0) for s, e in _exact_hits(folded, matcher)]
        if entry.fuzzy and matcher.phrase and len(matcher.phrase) >= MIN_FUZZY_LENGTH and fuzzy_threshold < 100:
            exact = sorted((s, e) for s, e, _ in spans)
            spans += [f for f in _fuzzy_hits(folded, matcher.phrase, fuzzy_threshold) if not _overlaps(exact, f[0], f[1])]
        excepted = _occurrences(folded.text, entry.except_in) if spans and entry.except_in else []
        for start, end, score in spans:
            if excepted and _inside_spans(excepted, start, end):
                continue
            if scope == Scope.TEXT and entry.text_context and not re.match(entry.text_context, folded.text[end:]):
                continue
            first, last = folded.span(start, end)
            hits.append(WordingHit(entry, first, last, text[first:last], score))
    return _longest_per_code(hits)


def _overlaps(spans: Sequence[tuple[int, int]], start: int, end: int) -> bool:
    """Whether ``[start, end)`` overlaps one of the sorted, phrase-long ``spans``."""
    index = bisect.bisect_left(spans, (end, -1))
    return any(lo < end and start < hi for lo, hi in spans[max(0, index - 64): index])


def _longest_per_code(hits: Sequence[WordingHit]) -> list[WordingHit]:
    """Of overlapping hits of one code, the longest (a hit inside a kept one of its code is dropped).

    Hits are taken by start; every kept hit of a code starts at or before the current one, so the current
    one is covered exactly when the furthest end kept for its code reaches its end.
    """
    kept: list[WordingHit] = []
    furthest: dict[EvidenceCode, int] = {}
    for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start), -h.score)):
        if furthest.get(hit.entry.code, -1) >= hit.end:
            continue
        kept.append(hit)
        furthest[hit.entry.code] = max(furthest.get(hit.entry.code, -1), hit.end)
    return kept


# --- certificates ---------------------------------------------------------------------------------


def span_quad(row: Row, start: int, end: int) -> Quad:
    """Work-space quad around characters ``[start, end)`` of ``row.text``.

    Each box the span touches contributes the share of its width that its
    characters take, weighted by character width (``vision.text_geometry``),
    and the result is the axis-aligned box around those parts.

    >>> from ocr.layout import group_rows
    >>> from certcheck.types import OcrLine
    >>> row = group_rows([OcrLine("中国技能联盟", ((0, 0), (60, 0), (60, 10), (0, 10)), 0.9)])[0]
    >>> span_quad(row, 2, 6)
    ((20.0, 0.0), (60.0, 0.0), (60.0, 10.0), (20.0, 10.0))
    """
    parts: list[Quad] = []
    for index in sorted(set(row.owner[start:end])):
        line_start = row.box_start(index)
        length = sum(1 for owner in row.owner if owner == index)
        local_start = max(start, line_start) - line_start
        local_end = min(end, line_start + length) - line_start
        # Characters take their own widths (a Latin letter or a digit is half a Han character).
        parts.append(span_sub_quad(row.lines[index].quad, row.text[line_start:line_start + length],
                                   local_start, local_end))
    xs = [p[0] for quad in parts for p in quad]
    ys = [p[1] for quad in parts for p in quad]
    x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def _allowed_phrases(ctx: RuleContext) -> tuple[str, ...]:
    """What the registered style prints: the matched template's ``allowed_phrases``.

    Without an accepted match, the best same-kind candidate's phrases count
    when the printed issuer is registered and active (its own registered
    style); an unregistered issuer gets no allowance.
    """
    if ctx.template is not None:
        return ctx.template.spec.allowed_phrases
    if ctx.candidates and ctx.issuer is not None and ctx.issuer.record.status == IssuerStatus.ACTIVE:
        return ctx.candidates[0].template.spec.allowed_phrases
    return ()


def _own_names(ctx: RuleContext) -> tuple[str, ...]:
    """Names a restricted word may legitimately be part of: the registered issuer's name and aliases.

    Only a registry row counts (中国鸿远装备集团有限公司 is a registered
    employer-evaluator). A printed name alone proves nothing: a small outfit
    calling itself 中国…有限公司 is what 人社部发〔2017〕68号 forbids.
    """
    return ctx.issuer.record.all_names if ctx.issuer is not None else ()


def _inside_own_name(row_text: str, start: int, end: int, names: Sequence[str]) -> bool:
    """Whether the span lies in a (possibly misread) occurrence of one of ``names`` in the row."""
    # Same tolerance as the issuer lookup (templates_registry/issuers.py).
    for name in names:
        key = compact(name).lower()
        if len(key) < 2:
            continue
        found = fuzz.partial_ratio_alignment(key, row_text, score_cutoff=MIN_ISSUER_SIMILARITY)
        if found is not None and found.dest_start <= start and end <= found.dest_end:
            return True
    return False


def _names_own_body(span: str, names: Sequence[str]) -> bool:
    """Whether an authority named in ``span`` is (a possibly misread form of) the registered issuer.

    The span may carry more than the name (a label before it, 发证机关江苏省人力资源和社会保障厅)
    or be a seal's misread arc (人力資源和社表保障部), so the folded names are
    aligned with rapidfuzz's partial ratio at the issuer lookup's threshold.
    """
    key = issuer_key(span)
    # The name must cover most of the span: 中华人民共和国 alone does not excuse 中华人民共和国劳动部.
    return any(
        len(own := issuer_key(name)) >= 0.6 * len(key) and fuzz.partial_ratio(own, key) >= MIN_ISSUER_SIMILARITY
        for name in names
    )


#: Codes whose phrase, on a certificate that follows a registered template, is
#: also text the registered sample does not print (东人社函〔2022〕37号 二（四）).
_NOT_ON_ANY_SAMPLE = frozenset({EvidenceCode.FALSE_CLAIM, EvidenceCode.IMPERSONATED_AUTHORITY})


def _added_to_sample(ctx: RuleContext, hit: WordingHit, quad: Quad | None) -> Evidence:
    """``ADDED_TEXT`` for a claim or an authority's name printed on a registered template's certificate."""
    assert ctx.template is not None
    span = mask_id_numbers(hit.text)
    name = ctx.template.spec.name
    return make_evidence(
        ctx.data, EvidenceCode.ADDED_TEXT,
        f"备案样式“{name}”上没有“{span}”这样的文字，属于擅自增加的内容",
        f"The registered style {ctx.template.spec.id} prints no such text as '{span}': it was added",
        text=span, quad=quad, confidence=min(0.9, hit.score / 100.0),
    )


def _in_field_value(rows: Sequence[Row], index: int, start: int, labels: Sequence[str]) -> bool:
    """Whether ``start`` in row ``index`` is inside the value of an ordinary field (国籍, 地址...).

    The label is earlier on the same row, or ends the row above (a stacked
    layout prints the value under its label).
    """
    keys = [compact(label).lower() for label in labels]
    before = rows[index].text[:start].lower()
    if any(key in before for key in keys):
        return True
    if start == 0 and index > 0:
        above = rows[index - 1].text.lower().rstrip(":")
        return any(above.endswith(key) for key in keys)
    return False


#: How far after a restricted word an organisation's name may end (its suffix: 学院, 委员会, 有限公司…).
_ORGANISATION_REACH = 16


def _near_miss_is_a_name(row_text: str, hit: WordingHit, suffixes: Sequence[str]) -> bool:
    """Whether a near miss is another organisation's real name (信息产业集团 is not 信息产业部 misread).

    The character that differs starts an organisation's suffix printed there.
    """
    for suffix in suffixes:
        key = compact(suffix).lower()
        at = row_text.find(key, hit.start, hit.end + len(key))
        if key and hit.start < at < hit.end:
            return True
    return False


def _inside_issuers_organisation(
    row_text: str, hit: WordingHit, issuers: Sequence[str], suffixes: Sequence[str]
) -> bool:
    """Whether a restricted word begins an organisation's name that the (unverifiable) printed issuer carries.

    重庆大学国家卓越工程师学院团校 in the body of a certificate issued by 国家卓越工程师学院总支部委员会: the
    word is the issuer's own name, quoted in the text, not a claim.
    """
    if not issuers:
        return False
    window = row_text[hit.start: hit.start + _ORGANISATION_REACH]
    ends = [window.find(key) + len(key) for s in suffixes if (key := compact(s).lower()) and window.find(key) > 0]
    if not ends:
        return False
    name = window[: min(ends)]
    return len(name) >= 4 and any(name in compact(issuer).lower() for issuer in issuers)


def _evidence(ctx: RuleContext, hit: WordingHit, quad: Quad | None, where: str = "print") -> Evidence:
    span = mask_id_numbers(hit.text)
    entry = hit.entry
    return make_evidence(
        ctx.data, entry.code,
        entry.message.replace("{span}", span), entry.message_en.replace("{span}", span),
        text=span, quad=quad, confidence=min(0.95, hit.score / 100.0), severity=entry.severity, basis=entry.basis,
        source=f"{where}:wording:{entry.id}",
    )


def _unverifiable_names(ctx: RuleContext, rules: WordingRules) -> tuple[str, ...]:
    """The printed issuer, when there is no issuer registry to check its name against.

    The built-in registry starts empty (CONTRACT.md section 5); without any
    registry a state name inside the printed issuer's name cannot be judged, so
    it is not reported (as the issuer rule skips UNREGISTERED_ISSUER then). A
    name that itself poses as an authority or carries added wording
    (国家职业技能鉴定管理中心, 中国…联盟) is never excused.
    """
    printed = ctx.fields.issuer
    if ctx.registry.issuers or printed is None:
        return ()
    own_hits = find_wording(printed.value, rules, Scope.CERTIFICATE)
    if any(h.entry.code in (EvidenceCode.IMPERSONATED_AUTHORITY, EvidenceCode.ADDED_TEXT) for h in own_hits):
        return ()
    return (printed.value,)


def _watermark_texts(ctx: RuleContext) -> tuple[str, ...]:
    """What the watermark detector read in the sheet's faint tiled layer (folded)."""
    texts = (d.extras.get("text") for d in ctx.detections_of("watermark"))
    return tuple(issuer_key(t) for t in texts if isinstance(t, str) and issuer_key(t))


def _is_watermark_row(text: str, watermarks: Sequence[str]) -> bool:
    """Whether an OCR box is the watermark's own text, read again by the page OCR.

    Such text is judged once, as ``WATERMARK`` (rules/marks.py), not again as
    restricted wording of the certificate's print.
    """
    key = issuer_key(text)
    return bool(key) and any(fuzz.partial_ratio(key, mark) >= MIN_ISSUER_SIMILARITY for mark in watermarks)


def _row_evidence(ctx: RuleContext, rules: WordingRules) -> list[Evidence]:
    allowed, own, unverifiable = _allowed_phrases(ctx), _own_names(ctx), _unverifiable_names(ctx, rules)
    watermarks = _watermark_texts(ctx)
    lines = ctx.ocr.lines
    if watermarks:
        # The orchestrator already drops the watermark's tilted boxes; a level one that reads
        # as the watermark's text is dropped here, before the rows are formed.
        lines = tuple(line for line in lines if not _is_watermark_row(line.text, watermarks))
    rows = rows_of(lines)
    evidence: list[Evidence] = []
    for index, row in enumerate(rows):
        for hit in find_wording(row.text, rules, Scope.CERTIFICATE):
            if _inside_any(row.text.lower(), hit.start, hit.end, allowed):
                continue
            if _inside_own_name(row.text, hit.start, hit.end, own):
                continue
            if hit.entry.code == EvidenceCode.FORBIDDEN_WORDING and (
                _in_field_value(rows, index, hit.start, rules.field_value_labels)
                or _inside_own_name(row.text, hit.start, hit.end, unverifiable)
            ):
                continue
            if hit.entry.code == EvidenceCode.IMPERSONATED_AUTHORITY and _names_own_body(hit.text, (*own, *allowed)):
                continue
            if hit.score < 100.0 and _near_miss_is_a_name(row.text, hit, ctx.data.organisation_suffixes):
                continue
            if hit.entry.code == EvidenceCode.FORBIDDEN_WORDING and _inside_issuers_organisation(
                row.text, hit, unverifiable, ctx.data.organisation_suffixes
            ):
                continue
            quad = span_quad(row, hit.start, hit.end)
            evidence.append(_evidence(ctx, hit, quad))
            if ctx.template is not None and hit.entry.code in _NOT_ON_ANY_SAMPLE:
                evidence.append(_added_to_sample(ctx, hit, quad))
    return evidence


def _seal_evidence(ctx: RuleContext, rules: WordingRules) -> list[Evidence]:
    """A seal that names a ministry or department other than the registered issuer.

    A seal the registered sample itself carries (the old 国家职业资格证书's
    人力资源和社会保障部职业技能鉴定中心 stamp, listed in the template's
    ``allowed_phrases``) is not impersonation.
    """
    own = (*_own_names(ctx), *_allowed_phrases(ctx))
    evidence: list[Evidence] = []
    for seal in ctx.detections_of("seal"):
        text = seal.extras.get("text")
        if not isinstance(text, str) or not text.strip() or seal.extras.get("text_trusted") is False:
            continue  # a reading the seal reader does not trust names nobody
        for hit in find_wording(text, rules, Scope.CERTIFICATE):
            if hit.entry.code != EvidenceCode.IMPERSONATED_AUTHORITY:
                continue
            if _names_own_body(hit.text, own):
                continue
            evidence.append(_evidence(ctx, hit, seal.quad, "seal"))
    return evidence


def wording_rule(ctx: RuleContext) -> list[Evidence]:
    """``FORBIDDEN_WORDING``, ``ADDED_TEXT``, ``FALSE_CLAIM`` and ``IMPERSONATED_AUTHORITY`` on a certificate.

    Rows of OCR boxes are searched (a word split over two boxes of one line
    is found); a seal's read text (``extras["text"]`` of a ``seal`` detection)
    is searched for impersonated authorities. One piece of evidence per code
    per span; a span may raise several codes.
    """
    rules = default_wording()
    found = _row_evidence(ctx, rules) + _seal_evidence(ctx, rules)
    unique: dict[tuple[EvidenceCode, str | None, Quad | None], Evidence] = {}
    for item in found:
        unique.setdefault((item.code, item.text, item.quad), item)
    return list(unique.values())

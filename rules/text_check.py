"""The publicity rules on a free text: an advertisement, a web page's text, a chat message.

The campaign's keyword sweeps of websites and new media (人社部函〔2022〕25号
一（二）; 东人社函〔2022〕37号 二（二）) look for false claims, restricted words
qualifying a certificate, and posing as a government body. This applies the
``text`` scope of ``rules/data/wording.yaml`` and reports each finding with
``start``/``end`` offsets into the text as given (not the folded text).

A word that is *mentioned* rather than *used* is not a finding: a news item or a
warning quoting the claims (一些机构宣称“包过”……谨防上当), a regulator's list of
banned phrases, an explainer naming 国家职业资格证书 and the ministry's query
channels. The frames that tell a mention from a claim are data
(``rules/data/text_frames.yaml``, applied by :mod:`rules.text_frames`); the
findings set aside are kept in :attr:`TextCheck.mentions` with the frame's id.

Claims written with homophones or look-alike characters (官方忍证, 不限年令) are
found through the same file's variant table, for the entries that allow near
misses (``fuzzy: true``).

The risk level and score come from :mod:`rules.verdict`, exactly as for a
certificate.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from certcheck.errors import RequestError
from certcheck.privacy import mask_id_numbers
from certcheck.types import Evidence, EvidenceCode, RiskLevel, Severity
from rules.catalogue import RuleData, default_rule_data
from rules.evidence import make_evidence
from rules.text_frames import (
    Discourse,
    TextFrames,
    default_frames,
    iter_variant_spans,
    mention_frame,
    read_discourse,
    span_frame,
)
from rules.verdict import risk_level_of, risk_score_of
from rules.wording import (
    FUZZY_THRESHOLD,
    Scope,
    WordingEntry,
    WordingHit,
    WordingRules,
    default_wording,
    find_wording,
    fold,
)

__all__ = ["MAX_TEXT_CHARS", "TextCheck", "TextFinding", "check_text", "is_mention"]

#: Longest text accepted (characters). A long web page's visible text is some
#: tens of thousands of characters; 100 000 bounds the work per request
#: (about a second of matching on one core).
MAX_TEXT_CHARS = 100_000


@dataclass(frozen=True)
class TextFinding:
    """One piece of evidence and where its span is in the checked text (``[start, end)``).

    ``frame`` is, for a mention set aside, the id of the frame or genre that made it one.
    """

    evidence: Evidence
    start: int
    end: int
    frame: str | None = None


@dataclass(frozen=True)
class TextCheck:
    """The publicity rules' result on one text."""

    risk_level: RiskLevel
    risk_score: int | None
    summary: str
    summary_en: str
    findings: tuple[TextFinding, ...]
    mentions: tuple[TextFinding, ...] = ()


def is_mention(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is quoted, reported or warned against rather than claimed.

    Only the span frames of ``text_frames.yaml`` that hold for every code are
    tried (no sentence or genre frames): the answer does not depend on the rest
    of the text.

    >>> is_mention("不得使用“包过”“国家认可”等字样进行宣传", 5, 7)
    True
    >>> is_mention("本班“包过”，报名从速", 3, 5)
    False
    >>> is_mention("考试严禁代考", 4, 6)
    True
    """
    return span_frame(read_discourse(text), start, end) is not None


def _inside_exception(folded: str, start: int, end: int, entry: WordingEntry) -> bool:
    for phrase in entry.except_in:
        key = fold(phrase).text
        if any(m.start() <= start and end <= m.end() for m in re.finditer(re.escape(key), folded)):
            return True
    return False


def _claim_characters(rules: WordingRules) -> frozenset[str]:
    """Every CJK character the text-scope entries' phrases and patterns are written with."""
    words = [w for e in rules.entries if Scope.TEXT in e.scope for w in (*e.phrases, *e.patterns)]
    return frozenset(c for word in words for c in fold(word).text if "\u4e00" <= c <= "\u9fff")


def _variant_hits(text: str, rules: WordingRules, frames: TextFrames) -> list[WordingHit]:
    """Claims written with homophones or look-alikes, for entries that allow near misses (``fuzzy``).

    Phrases match with each character or one of its variants; patterns match the text with every variant
    replaced by its key, except variants that claims themselves are written with (全 of 全国 stays 全 though
    it is a variant of 权). Either way at most ``max_per_span`` characters of the span may be variants.
    """
    variants = frames.variants
    folded = fold(text)
    keep = _claim_characters(rules)
    canonical = "".join(c if c in keep else k for c, k in zip(folded.text, variants.canonical(folded.text),
                                                                strict=True))
    hits: list[WordingHit] = []
    for entry in rules.entries:
        if not entry.fuzzy or Scope.TEXT not in entry.scope:
            continue
        spans = [s for phrase in entry.phrases for s in iter_variant_spans(folded.text, phrase, variants)]
        if canonical != folded.text:
            for pattern in entry.patterns:
                for match in re.finditer(pattern, canonical):
                    changed = sum(1 for i in range(match.start(), match.end()) if canonical[i] != folded.text[i])
                    if 1 <= changed <= variants.max_per_span:
                        spans.append((match.start(), match.end()))
        for start, end in spans:
            if _inside_exception(canonical, start, end, entry):
                continue
            if entry.text_context and not re.match(entry.text_context, canonical[end:]):
                continue
            first, last = folded.span(start, end)
            hits.append(WordingHit(entry, first, last, text[first:last], variants.score))
    return hits


def _merge(hits: Sequence[WordingHit], extra: Sequence[WordingHit]) -> list[WordingHit]:
    """``hits`` plus the ``extra`` ones no hit of the same code overlaps (the first of overlapping extras).

    Interval checks by bisection, so a long page full of findings stays linear-logarithmic.
    """
    by_code: dict[EvidenceCode, tuple[list[int], list[int]]] = {}
    for hit in sorted(hits, key=lambda h: h.start):
        starts, ends = by_code.setdefault(hit.entry.code, ([], []))
        starts.append(hit.start)
        ends.append(max(hit.end, ends[-1]) if ends else hit.end)  # running maximum of the ends
    kept = list(hits)
    reach: dict[EvidenceCode, int] = {}  # the furthest end of the extras kept so far, per code
    for hit in sorted(extra, key=lambda h: (h.start, -(h.end - h.start))):
        starts, ends = by_code.get(hit.entry.code, ([], []))
        before = bisect.bisect_left(starts, hit.end)  # hits that start before this one ends
        if (before and ends[before - 1] > hit.start) or reach.get(hit.entry.code, -1) > hit.start:
            continue
        kept.append(hit)
        reach[hit.entry.code] = max(reach.get(hit.entry.code, -1), hit.end)
    return kept


def _order(finding: TextFinding) -> tuple[int, int, str]:
    return finding.start, finding.end, finding.evidence.code.value


def _judged(text: str, hits: Sequence[WordingHit], frames: TextFrames,
            data: RuleData) -> tuple[list[TextFinding], list[TextFinding]]:
    discourse: Discourse = read_discourse(text, frames)
    claims: list[TextFinding] = []
    mentions: list[TextFinding] = []
    for hit in hits:
        frame = mention_frame(discourse, hit.start, hit.end, hit.entry.code, frames)
        finding = _finding(hit, data)
        if frame is None:
            claims.append(finding)
        else:
            mentions.append(replace(finding, frame=frame))
    return claims, mentions


def _finding(hit: WordingHit, data: RuleData) -> TextFinding:
    span = mask_id_numbers(hit.text)
    entry = hit.entry
    evidence = make_evidence(
        data, entry.code, entry.message.replace("{span}", span), entry.message_en.replace("{span}", span),
        text=span, confidence=min(0.95, hit.score / 100.0), severity=entry.severity, basis=entry.basis,
    )
    return TextFinding(evidence, hit.start, hit.end)


def _summary(level: RiskLevel, findings: Sequence[TextFinding], data: RuleData) -> tuple[str, str]:
    titles = dict.fromkeys(data.code(f.evidence.code).title for f in findings
                           if f.evidence.severity.rank >= Severity.MEDIUM.rank)
    titles_en = dict.fromkeys(data.code(f.evidence.code).title_en for f in findings
                              if f.evidence.severity.rank >= Severity.MEDIUM.rank)
    report, report_en = data.advice.report, data.advice.report_en
    if level == RiskLevel.HIGH:
        return (f"高风险：文字中有{'；'.join(titles)}。不要据此报名缴费；{report}",
                f"High risk: {'; '.join(titles_en)}. Do not sign up or pay on the strength of it. {report_en}")
    if level == RiskLevel.MEDIUM:
        return (f"中等风险：文字中有需要核实的说法（{'；'.join(titles)}）。",
                f"Medium risk: claims to verify ({'; '.join(titles_en)}).")
    return ("未发现违规宣传用语。证书真伪仍以官方查询为准。",
            "No violating publicity wording found. Certificates are still to be confirmed through official lookups.")


def check_text(
    text: str,
    *,
    rules: WordingRules | None = None,
    data: RuleData | None = None,
    frames: TextFrames | None = None,
    fuzzy_threshold: float = FUZZY_THRESHOLD,
) -> TextCheck:
    """Apply the publicity, impersonation and restricted-word rules to ``text``.

    Args:
        text: the advertisement, page text or message, at most
            :data:`MAX_TEXT_CHARS` characters.
        rules: wording rules (default: the packaged ones).
        data: rule data for categories and clauses (default: the packaged ones).
        frames: the claim/mention frames and variants (default: the packaged ones).
        fuzzy_threshold: near-miss threshold (the evaluation varies it).

    Raises:
        RequestError: the text is longer than :data:`MAX_TEXT_CHARS`.

    >>> result = check_text("人社部颁发，包过，3天拿证")
    >>> result.risk_level.value, [(f.evidence.code.value, f.start, f.end) for f in result.findings]
    ('high', [('IMPERSONATED_AUTHORITY', 0, 3), ('FALSE_CLAIM', 6, 8), ('FALSE_CLAIM', 9, 13)])
    """
    if len(text) > MAX_TEXT_CHARS:
        raise RequestError(
            f"文字过长（{len(text)} 字），上限 {MAX_TEXT_CHARS} 字。",
            f"text too long ({len(text)} characters; the limit is {MAX_TEXT_CHARS})",
        )
    rules = rules or default_wording()
    data = data or default_rule_data()
    frames = frames or default_frames()
    hits = find_wording(text, rules, Scope.TEXT, fuzzy_threshold=fuzzy_threshold)
    if fuzzy_threshold < 100:
        hits = _merge(hits, _variant_hits(text, rules, frames))
    claims, mentions = _judged(text, hits, frames, data)
    findings = sorted(claims, key=_order)
    evidence = [f.evidence for f in findings]
    level = risk_level_of(evidence)
    summary, summary_en = _summary(level, findings, data)
    return TextCheck(level, risk_score_of(level, evidence), summary, summary_en, tuple(findings),
                     tuple(sorted(mentions, key=_order)))

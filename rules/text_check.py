"""The publicity rules on a free text: an advertisement, a web page's text, a chat message.

The campaign's keyword sweeps of websites and new media (人社部函〔2022〕25号
一（二）; 东人社函〔2022〕37号 二（二）) look for false claims, restricted words
qualifying a certificate, and posing as a government body. This applies the
``text`` scope of ``rules/data/wording.yaml`` and reports each finding with
``start``/``end`` offsets into the text as given (not the folded text).

A word that is *mentioned* rather than *used* is not a finding:

* **quoted in a reporting context**: the word alone inside quotation marks
  followed, in the same sentence, by a word that names it as wording
  (使用“包过”“国家认可”等字样, 以“无门槛”为噱头) — a news item or an official
  notice quoting the banned words;
* **negated or warned against** just before it in the same clause
  (严禁代考, 谨防“包过”, 并非国家认可).

The risk level and score come from :mod:`rules.verdict`, exactly as for a
certificate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from certcheck.errors import RequestError
from certcheck.privacy import mask_id_numbers
from certcheck.types import Evidence, RiskLevel, Severity
from rules.catalogue import RuleData, default_rule_data
from rules.evidence import make_evidence
from rules.verdict import risk_level_of, risk_score_of
from rules.wording import FUZZY_THRESHOLD, Scope, WordingHit, WordingRules, default_wording, find_wording

__all__ = ["MAX_TEXT_CHARS", "TextCheck", "TextFinding", "check_text", "is_mention"]

#: Longest text accepted (characters). A long web page's visible text is some
#: tens of thousands of characters; 100 000 bounds the work per request
#: (about a second of matching on one core).
MAX_TEXT_CHARS = 100_000

_OPEN_QUOTES = "“‘\"'「『《"
_CLOSE_QUOTES = "”’\"'」』》"
#: Words that name what precedes them as wording, not a claim (字样, 噱头...).
_MENTION_MARKERS = ("字样", "字眼", "噱头", "用语", "词语", "表述", "等宣传", "等名义", "等词", "等说法", "之类")
#: Words that negate or warn against what follows in the same clause.
_NEGATIONS = ("严禁", "禁止", "不得", "杜绝", "谨防", "警惕", "打击", "切勿", "防范", "查处", "整治", "并非",
              "不是", "没有", "冒充", "假冒", "冒用", "假借", "不存在", "识破", "揭穿")
_SENTENCE_END = "。！？!?\n"
_CLAUSE_END = _SENTENCE_END + "，,；;"
#: How far (characters) a quote's closing mark and a mention marker or a negation may be from the word.
_QUOTE_REACH = 30
_NEGATION_REACH = 8


@dataclass(frozen=True)
class TextFinding:
    """One piece of evidence and where its span is in the checked text (``[start, end)``)."""

    evidence: Evidence
    start: int
    end: int


@dataclass(frozen=True)
class TextCheck:
    """The publicity rules' result on one text."""

    risk_level: RiskLevel
    risk_score: int | None
    summary: str
    summary_en: str
    findings: tuple[TextFinding, ...]


def _quoted_mention(text: str, start: int, end: int) -> bool:
    opening = start - 1
    while opening >= 0 and text[opening].isspace():
        opening -= 1
    closing = end
    while closing < len(text) and text[closing].isspace():
        closing += 1
    if opening < 0 or closing >= len(text) or text[opening] not in _OPEN_QUOTES or text[closing] not in _CLOSE_QUOTES:
        return False
    after = text[closing + 1 : closing + 1 + _QUOTE_REACH]
    cut = min((after.find(c) for c in _SENTENCE_END if c in after), default=len(after))
    return any(marker in after[:cut] for marker in _MENTION_MARKERS)


def _negated(text: str, start: int) -> bool:
    before = text[max(0, start - _NEGATION_REACH) : start]
    cut = max((before.rfind(c) for c in _CLAUSE_END), default=-1)
    return any(word in before[cut + 1 :] for word in _NEGATIONS)


def is_mention(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is quoted or warned against rather than claimed.

    >>> is_mention("不得使用“包过”“国家认可”等字样进行宣传", 5, 7)
    True
    >>> is_mention("本班“包过”，报名从速", 3, 5)
    False
    >>> is_mention("考试严禁代考", 4, 6)
    True
    """
    return _quoted_mention(text, start, end) or _negated(text, start)


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
    fuzzy_threshold: float = FUZZY_THRESHOLD,
) -> TextCheck:
    """Apply the publicity, impersonation and restricted-word rules to ``text``.

    Args:
        text: the advertisement, page text or message, at most
            :data:`MAX_TEXT_CHARS` characters.
        rules: wording rules (default: the packaged ones).
        data: rule data for categories and clauses (default: the packaged ones).
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
    hits = [h for h in find_wording(text, rules, Scope.TEXT, fuzzy_threshold=fuzzy_threshold)
            if not is_mention(text, h.start, h.end)]
    findings = sorted((_finding(h, data) for h in hits), key=lambda f: (f.start, f.end, f.evidence.code.value))
    evidence = [f.evidence for f in findings]
    level = risk_level_of(evidence)
    summary, summary_en = _summary(level, findings, data)
    return TextCheck(level, risk_score_of(level, evidence), summary, summary_en, tuple(findings))

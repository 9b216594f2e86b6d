"""Fold evidence into the contract's ``risk_level``, ``risk_score`` and summary.

Risk level (CONTRACT.md section 3): any ``high`` evidence → high; otherwise
``IMAGE_QUALITY`` → unknown; otherwise any ``medium`` → medium; otherwise low.

Risk score, documented in README.md ("Verdict"):

=========  ====================================================  =======
level      score                                                 range
=========  ====================================================  =======
high       70 + 10 per further high + 5 per medium               70–100
medium     30 + 10 per further medium + 3 per low                30–69
low        10 per low-severity finding (info counts 0)           0–29
unknown    null
=========  ====================================================  =======
"""

from __future__ import annotations

from collections.abc import Sequence

from certcheck.types import CertificateFields, Evidence, EvidenceCode, RiskLevel, Severity, TemplateMatch, Verdict
from rules.catalogue import RuleData

__all__ = ["build_verdict", "risk_level_of", "risk_score_of"]


def _count(evidence: Sequence[Evidence], severity: Severity) -> int:
    return sum(e.severity == severity for e in evidence)


def risk_level_of(evidence: Sequence[Evidence]) -> RiskLevel:
    """The contract's risk level for a set of evidence.

    >>> risk_level_of([])
    <RiskLevel.LOW: 'low'>
    """
    if _count(evidence, Severity.HIGH):
        return RiskLevel.HIGH
    if any(e.code == EvidenceCode.IMAGE_QUALITY for e in evidence):
        return RiskLevel.UNKNOWN
    if _count(evidence, Severity.MEDIUM):
        return RiskLevel.MEDIUM
    if any(e.code == EvidenceCode.NOT_A_CERTIFICATE for e in evidence):
        # Not a certificate: unknown, unless its text (an advert's) was judged medium or high above.
        return RiskLevel.UNKNOWN
    return RiskLevel.LOW


def risk_score_of(level: RiskLevel, evidence: Sequence[Evidence]) -> int | None:
    """The documented score table (module docstring); ``None`` when unknown.

    >>> risk_score_of(RiskLevel.LOW, [])
    0
    """
    high, medium, low = (_count(evidence, s) for s in (Severity.HIGH, Severity.MEDIUM, Severity.LOW))
    if level == RiskLevel.HIGH:
        return min(100, 70 + 10 * (high - 1) + 5 * medium)
    if level == RiskLevel.MEDIUM:
        return min(69, 30 + 10 * (medium - 1) + 3 * low)
    if level == RiskLevel.LOW:
        return min(29, 10 * low)
    return None


def _ordered(evidence: Sequence[Evidence]) -> tuple[Evidence, ...]:
    return tuple(sorted(evidence, key=lambda e: (-e.severity.rank, e.code.value)))


def _titles(evidence: Sequence[Evidence], data: RuleData, en: bool) -> str:
    names = dict.fromkeys(
        (data.code(e.code).title_en if en else data.code(e.code).title)
        for e in evidence if e.severity.rank >= Severity.MEDIUM.rank
    )
    return ("; " if en else "；").join(names)


def build_verdict(
    evidence: Sequence[Evidence],
    fields: CertificateFields,
    template: TemplateMatch | None,
    data: RuleData,
) -> Verdict:
    """Risk level, score and a plain-language summary with what to do next."""
    ordered = _ordered(evidence)
    level = risk_level_of(ordered)
    score = risk_score_of(level, ordered)
    advice = data.advice
    kind = fields.kind.value
    lookup, lookup_en = advice.lookup.get(kind, ""), advice.lookup_en.get(kind, "")
    not_certificate = next((e for e in ordered if e.code == EvidenceCode.NOT_A_CERTIFICATE), None)
    if level == RiskLevel.UNKNOWN and not_certificate is not None:
        summary = f"{not_certificate.message}{advice.lookup.get('not_certificate', '')}"
        summary_en = f"{not_certificate.message_en} {advice.lookup_en.get('not_certificate', '')}"
    elif level == RiskLevel.UNKNOWN:
        quality = next(e for e in ordered if e.code == EvidenceCode.IMAGE_QUALITY)
        summary = f"无法判断：{quality.message}"
        summary_en = f"Cannot judge: {quality.message_en}"
    elif level == RiskLevel.HIGH:
        summary = (f"高风险：发现 {_titles(ordered, data, False)}。这很可能是“山寨证书”或不规范证书，"
                   f"不要据此缴费或办理。{lookup}{advice.report}")
        summary_en = (f"High risk: {_titles(ordered, data, True)}. This is likely a knock-off or non-standard "
                      f"certificate. {lookup_en} {advice.report_en}")
    elif level == RiskLevel.MEDIUM:
        verify, verify_en = data.burden.verify_advice, data.burden.verify_advice_en
        summary = f"中等风险：发现需要核实的问题（{_titles(ordered, data, False)}）。{verify}{lookup}"
        summary_en = f"Medium risk: points to verify ({_titles(ordered, data, True)}). {verify_en} {lookup_en}"
    elif fields.kind.is_official and template is not None:
        summary = f"未发现问题：证书与备案样式“{template.name}”一致。最终以官方查询为准：{lookup}"
        summary_en = f"No problems found; the certificate follows {template.template_id}. Confirm officially: {lookup_en}"
    else:
        summary = f"未发现违规字样或格式问题。{lookup}"
        summary_en = f"No violation found. {lookup_en}"
    return Verdict(risk_level=level, risk_score=score, summary=summary, summary_en=summary_en, evidence=ordered)

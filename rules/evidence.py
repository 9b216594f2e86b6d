"""Build :class:`~certcheck.types.Evidence` from a code's catalogue entry.

Rules name the code and say what they saw; category, default severity and the
policy clause always come from ``rules/data/evidence_codes.yaml`` so that a
clause is cited the same way everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence

from certcheck.types import Evidence, EvidenceCode, Quad, Severity, quad_to_bbox
from rules.catalogue import RuleData

__all__ = ["make_evidence", "one_per_code_and_span"]


def make_evidence(
    data: RuleData,
    code: EvidenceCode,
    message: str,
    message_en: str,
    *,
    text: str | None = None,
    quad: Quad | None = None,
    confidence: float = 1.0,
    severity: Severity | None = None,
    basis: str | None = None,
    source: str | None = None,
) -> Evidence:
    """Evidence of ``code`` with its catalogue category, severity and basis.

    Args:
        severity: overrides the code's default for this finding only (for
            example a finding that may be an OCR misread is downgraded).
        basis: overrides the code's clause when a rule entry names a more
            precise one (a wording entry citing its own document and clause).
    """
    info = data.code(code)
    return Evidence(
        code=code,
        category=info.category,
        severity=severity or info.severity,
        message=message,
        message_en=message_en,
        basis=basis or info.basis,
        text=text,
        quad=quad,
        confidence=round(float(confidence), 3),
        source=source,
    )


#: Severity order for keeping the strongest of two findings.
_RANK = {Severity.HIGH: 3, Severity.MEDIUM: 2, Severity.LOW: 1, Severity.INFO: 0}
#: Boxes overlapping this much (intersection over the smaller box) are the same span.
SAME_SPAN_OVERLAP = 0.6


def _same_span(a: Evidence, b: Evidence) -> bool:
    if a.quad is not None and b.quad is not None:
        ax0, ay0, ax1, ay1 = quad_to_bbox(a.quad)
        bx0, by0, bx1, by1 = quad_to_bbox(b.quad)
        iw = max(0, min(ax1, bx1) - max(ax0, bx0))
        ih = max(0, min(ay1, by1) - max(ay0, by0))
        smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
        return smaller > 0 and iw * ih / smaller >= SAME_SPAN_OVERLAP
    return a.quad is None and b.quad is None and a.text == b.text


def one_per_code_and_span(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Keep one piece of evidence per code per span (CONTRACT.md section 3).

    Two rules may see the same thing (the wording lists and the layout
    comparison both find an added line): the stronger finding stays (higher
    severity, then higher confidence), in the order the first was found.
    Different codes on one span all stay (中国…联盟 is FORBIDDEN_WORDING and
    ADDED_TEXT).

    >>> from certcheck.types import Category
    >>> def ev(code, sev, quad, conf=0.9):
    ...     return Evidence(code, Category.NONSTANDARD_FORMAT, sev, "m", "m", "b", "联盟", quad, conf)
    >>> box = ((10, 10), (110, 10), (110, 40), (10, 40))
    >>> near = ((12, 11), (100, 11), (100, 39), (12, 39))
    >>> kept = one_per_code_and_span([ev(EvidenceCode.ADDED_TEXT, Severity.MEDIUM, box),
    ...                               ev(EvidenceCode.ADDED_TEXT, Severity.HIGH, near),
    ...                               ev(EvidenceCode.FORBIDDEN_WORDING, Severity.HIGH, box)])
    >>> [(e.code.value, e.severity.value) for e in kept]
    [('ADDED_TEXT', 'high'), ('FORBIDDEN_WORDING', 'high')]
    """
    kept: list[Evidence] = []
    for item in evidence:
        for index, other in enumerate(kept):
            if other.code == item.code and _same_span(other, item):
                stronger = (_RANK[item.severity], item.confidence) > (_RANK[other.severity], other.confidence)
                if stronger:
                    kept[index] = item
                break
        else:
            kept.append(item)
    return kept

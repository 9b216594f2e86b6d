"""Build :class:`~certcheck.types.Evidence` from a code's catalogue entry.

Rules name the code and say what they saw; category, default severity and the
policy clause always come from ``rules/data/evidence_codes.yaml`` so that a
clause is cited the same way everywhere.
"""

from __future__ import annotations

from certcheck.types import Evidence, EvidenceCode, Quad, Severity
from rules.catalogue import RuleData

__all__ = ["make_evidence"]


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
    )

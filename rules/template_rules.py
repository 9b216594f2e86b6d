"""``TEMPLATE_MISMATCH``: an official title with no registered template behind it."""

from __future__ import annotations

from collections.abc import Sequence

from certcheck.types import CertificateFields, Evidence, EvidenceCode
from rules.catalogue import RuleData
from rules.evidence import make_evidence
from templates_registry.matching import TemplateCandidate

__all__ = ["MIN_TEMPLATE_SCORE", "check_template_match"]

#: Below this score a candidate is not the certificate's template. With the
#: title worth 0.3, it means at least ~60% of the template's labels were found
#: (OCR misses one or two labels on a hard photo; a different design misses most).
MIN_TEMPLATE_SCORE = 0.72


def check_template_match(
    fields: CertificateFields,
    candidates: Sequence[TemplateCandidate],
    data: RuleData,
) -> tuple[TemplateCandidate | None, list[Evidence]]:
    """The matched template (if any) and the evidence when an official title has none.

    A certificate whose title claims an official kind (职业技能等级证书…) must
    follow a registered sample (豫人社函〔2022〕129号 五（二）).
    """
    best = candidates[0] if candidates else None
    if best is not None and best.score >= MIN_TEMPLATE_SCORE:
        return best, []
    if not fields.kind.is_official:
        return None, []
    title = fields.title.value if fields.title else ""
    quad = fields.title.quad if fields.title else None
    if best is None:
        return None, [make_evidence(
            data, EvidenceCode.TEMPLATE_MISMATCH,
            f"标题为“{title}”，但没有该类证书的备案样式可供比对",
            f"The title '{title}' claims an official kind, but no registered template of that kind exists",
            text=title or None, quad=quad, confidence=0.7,
        )]
    missing = "、".join(best.missing_labels)
    return None, [make_evidence(
        data, EvidenceCode.TEMPLATE_MISMATCH,
        f"标题为“{title}”，但与备案样式“{best.template.spec.name}”不符：缺少 {missing}",
        f"The title '{title}' claims {best.template.spec.id}, but labels are missing: {', '.join(best.missing_labels)}",
        text=title or None, quad=quad, confidence=round(1.0 - best.score, 3),
    )]

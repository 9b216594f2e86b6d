"""Pick the registered template a certificate claims to follow.

Candidates are prefiltered by kind and printed title, so the cost does not grow
with the whole registry. Each candidate is scored by how many of its printed
labels are found on the page; the layout comparison against the reference
image's learnt positions is a later refinement of this score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from certcheck.types import CertificateKind, OcrResult
from ocr.fields import find_label
from ocr.text import compact
from templates_registry.loader import Registry, Template

__all__ = ["TemplateCandidate", "rank_templates"]

#: Share of the score given by the printed title; the rest is the label coverage.
TITLE_WEIGHT = 0.3


@dataclass(frozen=True)
class TemplateCandidate:
    """A template compared with the page."""

    template: Template
    score: float
    missing_labels: tuple[str, ...]


def _score(template: Template, title: str | None, ocr: OcrResult) -> TemplateCandidate:
    spec = template.spec
    title_ok = bool(title) and compact(spec.title) in compact(title or "")
    missing = tuple(f.label for f in spec.fields if find_label(ocr, f.all_labels) is None)
    coverage = 1.0 - len(missing) / len(spec.fields) if spec.fields else 1.0
    score = TITLE_WEIGHT * float(title_ok) + (1.0 - TITLE_WEIGHT) * coverage
    return TemplateCandidate(template=template, score=round(score, 3), missing_labels=missing)


def rank_templates(
    registry: Registry,
    kind: CertificateKind,
    title: str | None,
    ocr: OcrResult,
    *,
    template_id: str | None = None,
) -> Sequence[TemplateCandidate]:
    """Templates of the claimed kind whose title is printed, best first.

    Args:
        template_id: compare with this template only (the caller knows which
            template the certificate should follow); raises ``NotFound`` if unknown.
    """
    if template_id is not None:
        return [_score(registry.get_template(template_id), title, ocr)]
    printed = compact(title or "")
    candidates = [
        t for t in registry.templates
        if t.spec.kind == kind and compact(t.spec.title) in printed
    ]
    return sorted((_score(t, title, ocr) for t in candidates), key=lambda c: -c.score)

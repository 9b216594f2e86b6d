"""Decide ``certificate.kind`` from the printed title (CONTRACT.md kinds table)."""

from __future__ import annotations

from collections.abc import Sequence

from certcheck.types import CertificateKind
from ocr.text import compact
from rules.catalogue import KindRule

__all__ = ["classify_title"]


def classify_title(title: str | None, rules: Sequence[KindRule]) -> CertificateKind:
    """The kind the title claims; ``other`` for any other title, ``unknown`` with none.

    >>> from rules.catalogue import default_rule_data
    >>> kinds = default_rule_data().kinds
    >>> classify_title("职业技能等级证书", kinds).value, classify_title("荣誉证书", kinds).value
    ('skill_level', 'other')
    >>> classify_title("专业技术人员职业资格证书", kinds).value, classify_title(None, kinds).value
    ('professional_qualification', 'unknown')
    """
    if not title:
        return CertificateKind.UNKNOWN
    text = compact(title)
    for rule in rules:
        if any(compact(phrase) in text for phrase in rule.phrases):
            return rule.kind
    return CertificateKind.OTHER

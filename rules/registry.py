"""The certificate rules the orchestrator runs, in order, on every readable certificate.

Each rule is a function of a :class:`~rules.context.RuleContext` returning its
evidence (see :data:`~rules.context.Rule`). Rules are listed here explicitly,
never registered by import side effects; what each one looks for (words,
patterns, registered formats) is data in ``rules/data/`` and the registries.
"""

from __future__ import annotations

from certcheck.types import Evidence
from rules.catalogue_rules import catalogue_rule
from rules.context import Rule, RuleContext
from rules.field_validity import field_validity_rule
from rules.forensics import recapture_rule, tampering_rule
from rules.issuer_rules import issuer_rule
from rules.marks import emblem_rule, watermark_rule
from rules.qr_rules import qr_rule
from rules.seal_rules import foreign_seal_rule, missing_seal_rule
from rules.serial import serial_format_rule, serial_semantics_rule
from rules.template_rules import invented_body_rule, layout_added_text_rule
from rules.wording import wording_rule

__all__ = ["CERTIFICATE_RULES", "invented_body_on_skill_certificates"]


def invented_body_on_skill_certificates(ctx: RuleContext) -> list[Evidence]:
    """An invented national body as the issuer of a 技术技能类 certificate.

    Awards, diplomas and the other certificates that attest no skill are co-issued by real societies named
    中国…学会 or 全国…组委会: the campaign does not judge their names (CONTRACT §3, kind ``other``).
    """
    policy = ctx.data.burden
    if ctx.document is not None and ctx.document.type_id in policy.other_types:
        return []
    # A unit of a named school (国家卓越工程师学院总支部委员会) is that school's, not a national body.
    return [e for e in invented_body_rule(ctx)
            if not any(word in (e.text or "")[:-2] for word in policy.institution_words)]

#: Every rule run after the template and issuer are resolved.
CERTIFICATE_RULES: tuple[Rule, ...] = (
    serial_format_rule,
    serial_semantics_rule,
    issuer_rule,
    catalogue_rule,
    field_validity_rule,
    wording_rule,
    emblem_rule,
    watermark_rule,
    layout_added_text_rule,
    invented_body_on_skill_certificates,
    foreign_seal_rule,
    missing_seal_rule,
    qr_rule,
    recapture_rule,
    tampering_rule,
)

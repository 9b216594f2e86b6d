"""The certificate rules the orchestrator runs, in order, on every readable certificate.

Each rule is a function of a :class:`~rules.context.RuleContext` returning its
evidence (see :data:`~rules.context.Rule`). Rules are listed here explicitly,
never registered by import side effects; what each one looks for (words,
patterns, registered formats) is data in ``rules/data/`` and the registries.
"""

from __future__ import annotations

from rules.catalogue_rules import catalogue_rule
from rules.context import Rule
from rules.field_validity import field_validity_rule
from rules.forensics import recapture_rule, tampering_rule
from rules.issuer_rules import issuer_rule
from rules.marks import emblem_rule, watermark_rule
from rules.qr_rules import qr_rule
from rules.seal_rules import foreign_seal_rule, missing_seal_rule
from rules.serial import serial_format_rule, serial_semantics_rule
from rules.template_rules import layout_added_text_rule
from rules.wording import wording_rule

__all__ = ["CERTIFICATE_RULES"]

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
    foreign_seal_rule,
    missing_seal_rule,
    qr_rule,
    recapture_rule,
    tampering_rule,
)

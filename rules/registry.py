"""The certificate rules the orchestrator runs, in order, on every readable certificate.

Each rule is a function of a :class:`~rules.context.RuleContext` returning its
evidence (see :data:`~rules.context.Rule`). Rules are listed here explicitly,
never registered by import side effects; what each one looks for (words,
patterns, registered formats) is data in ``rules/data/`` and the registries.
"""

from __future__ import annotations

from rules.context import Rule
from rules.serial import serial_format_rule

__all__ = ["CERTIFICATE_RULES"]

#: Every rule run after the template and issuer are resolved.
CERTIFICATE_RULES: tuple[Rule, ...] = (
    serial_format_rule,
)

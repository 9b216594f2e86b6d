"""What is true or false on a certificate: the genuine original and its knock-off variants.

A variant is one small function ``(content, rng) -> content`` registered with
:func:`register_variant`, which also declares the evidence codes (CONTRACT.md
section 3) and the risk level a correct checker reports for it. Adding a
knock-off is adding one such function here; designs print whatever the content
holds (``additions``, ``watermark``, extra ``seals`` included), so nothing else
changes.

Planned next (each one function): "×××联盟" and other added wording, false
claims (包过, 全国通用), a ministry seal beside the issuer's
(IMPERSONATED_AUTHORITY), an unregistered or blacklisted issuer, an occupation
outside the issuer's scope, a wrong ID check digit (FIELD_INVALID).
"""

from __future__ import annotations

import dataclasses
import functools
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from certcheck.types import CertificateKind, EvidenceCode, RiskLevel
from samples.generator.content import CertificateContent, with_serial
from samples.generator.registry import Registry

__all__ = ["VARIANTS", "Variant", "register_variant", "skill_level_serial_pattern"]

VariantFunction = Callable[[CertificateContent, random.Random], CertificateContent]

_TEMPLATE_YAML = (
    Path(__file__).resolve().parents[2] / "templates_registry" / "builtin" / "hrss-skill-level-2021" / "template.yaml"
)
#: Letters no OCR confusion fixer would turn into a digit (not O, I, L, S, Z, B, G, Q, D).
_UNAMBIGUOUS_LETTERS = "AEFHKMNPRTWX"


@dataclass(frozen=True)
class Variant:
    """A registered transformation of a certificate's content.

    Attributes:
        name: the registry name (``--variants`` on the command line).
        description: one line, from the function's docstring.
        apply: the transformation.
        expected_codes: the evidence codes a correct checker reports.
        expected_risk: the risk level a correct checker reports.
        kinds: the certificate kinds it applies to; ``None`` for every design,
            unjudgeable sheets included.
        in_default_mix: whether the default corpus includes it.
        mix_weight: its share in the corpus mix, among the variants of a design.
    """

    name: str
    description: str
    apply: VariantFunction
    expected_codes: frozenset[EvidenceCode]
    expected_risk: RiskLevel
    kinds: frozenset[CertificateKind] | None
    in_default_mix: bool
    mix_weight: float

    def applies_to(self, kind: CertificateKind, judgeable: bool) -> bool:
        """Whether this variant makes sense on a design of ``kind``."""
        if self.kinds is None:
            return True
        return judgeable and kind in self.kinds


VARIANTS = Registry[Variant]("variant")


def register_variant(
    name: str,
    *,
    codes: Iterable[EvidenceCode] = (),
    risk: RiskLevel = RiskLevel.LOW,
    kinds: Iterable[CertificateKind] | None = None,
    in_default_mix: bool = True,
    mix_weight: float = 1.0,
) -> Callable[[VariantFunction], VariantFunction]:
    """Register the decorated function as variant ``name``; its docstring's first line describes it."""

    def register(apply: VariantFunction) -> VariantFunction:
        description = (apply.__doc__ or name).strip().splitlines()[0]
        variant = Variant(
            name=name,
            description=description,
            apply=apply,
            expected_codes=frozenset(codes),
            expected_risk=risk,
            kinds=frozenset(kinds) if kinds is not None else None,
            in_default_mix=in_default_mix,
            mix_weight=mix_weight,
        )
        VARIANTS.add(name, variant)
        return apply

    return register


@functools.cache
def skill_level_serial_pattern() -> re.Pattern[str]:
    """The serial format of the built-in 2021 template, read from its ``template.yaml``."""
    spec = yaml.safe_load(_TEMPLATE_YAML.read_text(encoding="utf-8"))
    return re.compile(spec["serial"]["pattern"])


@register_variant("genuine", mix_weight=7.0)
def genuine(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """The certificate as its design drafts it: nothing wrong."""
    return content


def _drop_digits(serial: str, rng: random.Random) -> str:
    positions = sorted(rng.sample(range(1, len(serial)), rng.randrange(1, 4)), reverse=True)
    for position in positions:
        serial = serial[:position] + serial[position + 1 :]
    return serial


def _extra_digits(serial: str, rng: random.Random) -> str:
    for _ in range(rng.randrange(1, 3)):
        position = rng.randrange(1, len(serial) + 1)
        serial = serial[:position] + str(rng.randrange(10)) + serial[position:]
    return serial


def _other_letter(serial: str, rng: random.Random) -> str:
    return rng.choice(_UNAMBIGUOUS_LETTERS) + serial[1:]


def _no_letter(serial: str, rng: random.Random) -> str:
    return str(rng.randrange(1, 10)) + serial[1:]


def _letters_inside(serial: str, rng: random.Random) -> str:
    chars = list(serial)
    for position in rng.sample(range(1, len(chars)), rng.randrange(1, 3)):
        chars[position] = rng.choice(_UNAMBIGUOUS_LETTERS)
    return "".join(chars)


def _level_out_of_range(serial: str, rng: random.Random) -> str:
    """Position 16 is the level digit; only 1-5 exist (cert-facts §1.4)."""
    return serial[:15] + rng.choice("06789") + serial[16:]


_SERIAL_MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "too_short": _drop_digits,
    "too_long": _extra_digits,
    "wrong_letter": _other_letter,
    "no_letter": _no_letter,
    "letters_inside": _letters_inside,
    "level_digit_out_of_range": _level_out_of_range,
}


@register_variant(
    "serial_bad_format",
    codes=[EvidenceCode.SERIAL_FORMAT],
    risk=RiskLevel.HIGH,
    kinds=[CertificateKind.SKILL_LEVEL],
    mix_weight=2.0,
)
def serial_bad_format(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """A 证书编号 that breaks the registered 22-character format (length, letter, level digit)."""
    printed = content.field("serial_number")
    if printed is None:
        raise ValueError("serial_bad_format needs a certificate that prints a serial number")
    mutation = rng.choice(list(_SERIAL_MUTATIONS))
    serial = _SERIAL_MUTATIONS[mutation](printed.value, rng)
    if skill_level_serial_pattern().fullmatch(serial):
        raise AssertionError(f"mutation {mutation} left a valid serial {serial}")
    changed = with_serial(content, serial)
    return dataclasses.replace(changed, notes=(*changed.notes, f"serial {mutation}: {printed.value} -> {serial}"))


@register_variant(
    "serial_missing",
    codes=[EvidenceCode.SERIAL_FORMAT],
    risk=RiskLevel.HIGH,
    kinds=[CertificateKind.SKILL_LEVEL],
)
def serial_missing(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """No 证书编号 row at all (the QR code then carries the lookup address without a serial)."""
    changed = with_serial(content, None)
    return dataclasses.replace(changed, notes=(*changed.notes, "serial row removed"))


@register_variant(
    "added_wording",
    codes=[EvidenceCode.ADDED_TEXT],
    risk=RiskLevel.HIGH,
    kinds=[CertificateKind.SKILL_LEVEL, CertificateKind.TRAINING, CertificateKind.OTHER],
    in_default_mix=False,
)
def added_wording(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """Wording added to the certificate that 东人社函〔2022〕37号 names: 就业凭证, 录用依据."""
    addition = rng.choice(("本证书可作为就业凭证", "可作为单位录用依据", "就业凭证 录用依据"))
    return dataclasses.replace(content, additions=(*content.additions, addition), notes=(f"added: {addition}",))

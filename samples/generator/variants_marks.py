"""Knock-offs that carry marks they are not entitled to: the national emblem and misleading watermarks.

人社部函〔2022〕25号 一（一） names certificates that use the national emblem
(国徽) or a government department's emblem, or print a watermark or background
that suggests a state credential, as a campaign target. These variants print
them on any judgeable design; designs print ``content.emblems`` and
``content.watermark`` without a layout change (``render.with_emblems``, the
designs' ``Watermark`` item).

Placement: each design has free space in its header (skill-level: left or
right of the title; training: above the title; award: above the title),
given here as fractions of the sheet, so an emblem printed there never hides
a field the other rules read. ``emblem_large`` prints a big faded emblem
behind the body text instead, as many knock-offs do.
"""

from __future__ import annotations

import dataclasses
import random

from certcheck.types import CertificateKind, EvidenceCode, RiskLevel
from samples.generator.content import CertificateContent, EmblemPrint
from samples.generator.variants import register_variant

__all__ = ["HEADER_SPOTS", "WATERMARK_TEXTS"]

_JUDGEABLE = (CertificateKind.SKILL_LEVEL, CertificateKind.TRAINING, CertificateKind.OTHER)

#: Free header space per design kind: emblem centres ``(x, y)`` as fractions of the
#: sheet and the largest emblem side there, as a fraction of the sheet's short side
#: (measured on the designs' layouts: the title's ink box and the frame bound it).
HEADER_SPOTS: dict[CertificateKind, tuple[tuple[tuple[float, float], ...], float]] = {
    CertificateKind.SKILL_LEVEL: (((0.15, 0.125), (0.85, 0.125)), 0.14),
    CertificateKind.TRAINING: (((0.5, 0.088),), 0.09),
    CertificateKind.OTHER: (((0.5, 0.115),), 0.11),
}

#: Watermark wording that suggests a state credential (人社部函〔2022〕25号 一（一）).
WATERMARK_TEXTS = {
    "watermark_qualification": "国家职业资格",
    "watermark_prc": "中华人民共和国",
}


def _header_emblem(content: CertificateContent, rng: random.Random, style: str) -> CertificateContent:
    spots, max_size = HEADER_SPOTS[content.kind]
    faded = rng.random() < 0.35
    emblem = EmblemPrint(
        style=style,
        center=rng.choice(spots),
        size=rng.uniform(0.55, 1.0) * max_size,
        opacity=rng.uniform(0.35, 0.6) if faded else rng.uniform(0.85, 1.0),
        rotation_deg=rng.uniform(-4.0, 4.0),
    )
    note = f"emblem {style} size {emblem.size:.3f} opacity {emblem.opacity:.2f} at {emblem.center}"
    return dataclasses.replace(content, emblems=(*content.emblems, emblem), notes=(*content.notes, note))


@register_variant(
    "emblem_colour", codes=[EvidenceCode.EMBLEM], risk=RiskLevel.HIGH, kinds=_JUDGEABLE, in_default_mix=False
)
def emblem_colour(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """The national emblem in colour in the header (sometimes faded)."""
    return _header_emblem(content, rng, "colour")


@register_variant(
    "emblem_red", codes=[EvidenceCode.EMBLEM], risk=RiskLevel.HIGH, kinds=_JUDGEABLE, in_default_mix=False
)
def emblem_red(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """The national emblem as red line-art in the header (sometimes faded)."""
    return _header_emblem(content, rng, "red")


@register_variant(
    "emblem_black", codes=[EvidenceCode.EMBLEM], risk=RiskLevel.HIGH, kinds=_JUDGEABLE, in_default_mix=False
)
def emblem_black(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """The national emblem as black line-art in the header (sometimes faded)."""
    return _header_emblem(content, rng, "black")


@register_variant(
    "emblem_large", codes=[EvidenceCode.EMBLEM], risk=RiskLevel.HIGH, kinds=_JUDGEABLE, in_default_mix=False
)
def emblem_large(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """A large faded national emblem (colour or red) printed behind the body text."""
    style = rng.choice(("colour", "red"))
    emblem = EmblemPrint(
        style=style,
        center=(0.5, rng.uniform(0.48, 0.55)),
        size=rng.uniform(0.4, 0.55),
        opacity=rng.uniform(0.22, 0.4),
        rotation_deg=rng.uniform(-3.0, 3.0),
    )
    note = f"large emblem {style} size {emblem.size:.3f} opacity {emblem.opacity:.2f}"
    return dataclasses.replace(content, emblems=(*content.emblems, emblem), notes=(*content.notes, note))


def _text_watermark(name: str) -> None:
    text = WATERMARK_TEXTS[name]

    def apply(content: CertificateContent, rng: random.Random) -> CertificateContent:
        return dataclasses.replace(content, watermark=text, notes=(*content.notes, f"watermark {text}"))

    apply.__doc__ = f"“{text}” tiled faintly over the whole sheet."
    register_variant(name, codes=[EvidenceCode.WATERMARK], risk=RiskLevel.MEDIUM, kinds=_JUDGEABLE,
                     in_default_mix=False)(apply)


for _name in WATERMARK_TEXTS:
    _text_watermark(_name)


@register_variant(
    "watermark_emblem",
    codes=[EvidenceCode.WATERMARK, EvidenceCode.EMBLEM],
    risk=RiskLevel.HIGH,
    kinds=_JUDGEABLE,
    in_default_mix=False,
)
def watermark_emblem(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """Small national emblems tiled faintly over the whole sheet (a background pattern that uses the emblem)."""
    emblem = EmblemPrint(
        style=rng.choice(("colour", "red")),
        size=rng.uniform(0.07, 0.11),
        opacity=rng.uniform(0.1, 0.18),
        tiled=True,
    )
    note = f"emblem watermark {emblem.style} tile {emblem.size:.3f} opacity {emblem.opacity:.2f}"
    return dataclasses.replace(content, emblems=(*content.emblems, emblem), notes=(*content.notes, note))

"""One sample end to end (draft -> variant -> layout -> print -> photograph -> truth), and corpus plans.

Every random choice comes from a stream derived from the sample's seed and the
stage (content, variant, layout, photo), so the same seed gives the same
certificate whatever the photo conditions, and the same photo byte for byte
on the same machine.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from certcheck.types import EvidenceCode, RiskLevel
from samples.generator.content import CertificateContent
from samples.generator.designs import DESIGNS, Design
from samples.generator.photo import CONDITIONS, DEFAULT_LONG_SIDE, Photo, PhotoConditions, photograph
from samples.generator.render import RenderedSheet, render_layout, with_emblems
from samples.generator.truth import PrintedLine, SampleTruth, TruthFields, field_box, truth_to_json
from samples.generator.variants import VARIANTS, Variant

__all__ = [
    "Sample",
    "SampleSpec",
    "apportion",
    "draft_content",
    "expected_outcome",
    "generate_sample",
    "plan_corpus",
    "write_sample",
]

#: Stage numbers mixed into the seed, one random stream per stage.
_CONTENT_STREAM, _VARIANT_STREAM, _LAYOUT_STREAM, _PHOTO_STREAM = 1, 2, 3, 4


@dataclass(frozen=True)
class SampleSpec:
    """What to generate: a design, a variant, photo conditions, a seed and the photo's long side."""

    design: str
    variant: str
    conditions: str
    seed: int
    long_side: int = DEFAULT_LONG_SIDE

    def default_name(self) -> str:
        return f"{self.design}-{self.variant}-{self.conditions}-{self.seed}"


@dataclass(frozen=True)
class Sample:
    """A generated sample: the content printed, the flat sheet, the photo and its truth."""

    spec: SampleSpec
    content: CertificateContent
    sheet: RenderedSheet
    photo: Photo
    truth: SampleTruth


def _stream_seed(seed: int, stream: int) -> int:
    """A 64-bit seed for one stage, independent of the other stages' (NumPy's SeedSequence hashing)."""
    return int(np.random.SeedSequence([seed, stream]).generate_state(2, dtype=np.uint64)[0])


def expected_outcome(
    design: Design, variant: Variant, conditions: PhotoConditions
) -> tuple[tuple[str, ...], RiskLevel]:
    """The evidence codes and risk a correct checker reports for this combination.

    A sheet that is no certificate, or a photo nobody can read, can only be
    reported as unjudgeable: then ``IMAGE_QUALITY`` and ``unknown``, whatever
    the variant changed (nothing of it can be seen).
    """
    if not design.judgeable or not conditions.judgeable:
        return (EvidenceCode.IMAGE_QUALITY.value,), RiskLevel.UNKNOWN
    codes = variant.expected_codes | conditions.expected_codes
    risk = variant.expected_risk
    # A photo effect adds its own finding: RECAPTURE is information only, while
    # TAMPERING on a field is medium (rules/forensics.py), never more.
    if EvidenceCode.TAMPERING in conditions.expected_codes and risk == RiskLevel.LOW:
        risk = RiskLevel.MEDIUM
    return tuple(sorted(code.value for code in codes)), risk


def _check_combination(design: Design, variant: Variant) -> None:
    if not variant.applies_to(design.kind, design.judgeable):
        raise ValueError(f"variant {variant.name!r} does not apply to design {design.name!r}")


def _build_truth(
    name: str, image: str, spec: SampleSpec, content: CertificateContent, sheet: RenderedSheet, photo: Photo
) -> SampleTruth:
    design, variant, conditions = DESIGNS.get(spec.design), VARIANTS.get(spec.variant), CONDITIONS.get(spec.conditions)
    codes, risk = expected_outcome(design, variant, conditions)
    boxes = {
        key: field_box(photo.map_points(_box_corners(box)), photo.size) for key, box in sheet.field_boxes().items()
    }
    printed = tuple(
        PrintedLine(text.text, field_box(photo.map_points(_box_corners(text.box)), photo.size).bbox, text.key)
        for text in sheet.texts
    )
    w, h = sheet.size
    return SampleTruth(
        name=name,
        image=image,
        design=spec.design,
        variant=spec.variant,
        conditions=spec.conditions,
        seed=spec.seed,
        long_side=spec.long_side,
        kind=content.kind.value,
        title=content.title,
        fields=TruthFields(**content.truth_fields()),
        field_boxes=boxes,
        sheet_corners=field_box(photo.map_points([(0, 0), (w, 0), (w, h), (0, h)]), photo.size).quad,
        photo_size=photo.size,
        rotation=photo.upright_rotation,
        expected_codes=codes,
        expected_risk=risk.value,
        variant_notes=content.notes,
        capture=photo.capture,
        printed_text=printed,
    )


def _box_corners(box: tuple[float, float, float, float]) -> list[tuple[float, float]]:
    x0, y0, x1, y1 = box
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def draft_content(spec: SampleSpec) -> CertificateContent:
    """What the sample's certificate prints (design draft, then variant), without drawing anything.

    Raises:
        UnknownNameError: the design or variant is not registered.
        ValueError: the variant does not apply to the design.
    """
    design, variant = DESIGNS.get(spec.design), VARIANTS.get(spec.variant)
    _check_combination(design, variant)
    drafted = design.draft(random.Random(_stream_seed(spec.seed, _CONTENT_STREAM)))
    return variant.apply(drafted, random.Random(_stream_seed(spec.seed, _VARIANT_STREAM)))


def generate_sample(spec: SampleSpec, name: str | None = None) -> Sample:
    """Generate one photo and its truth, in memory.

    Args:
        spec: design, variant, conditions, seed and size.
        name: the sample's file stem (default: built from the spec).

    Raises:
        UnknownNameError: a name in ``spec`` is not registered.
        ValueError: the variant does not apply to the design.
    """
    design, conditions = DESIGNS.get(spec.design), CONDITIONS.get(spec.conditions)
    name = name or spec.default_name()
    content = draft_content(spec)
    layout = design.layout(content, random.Random(_stream_seed(spec.seed, _LAYOUT_STREAM)))
    sheet = render_layout(with_emblems(layout, content.emblems))
    photo = photograph(sheet, conditions, np.random.default_rng(_stream_seed(spec.seed, _PHOTO_STREAM)), spec.long_side)
    truth = _build_truth(name, f"{name}.jpg", spec, content, sheet, photo)
    return Sample(spec=spec, content=content, sheet=sheet, photo=photo, truth=truth)


def write_sample(sample: Sample, out_dir: Path) -> tuple[Path, Path]:
    """Write ``<name>.jpg`` and ``<name>.json`` into ``out_dir``; returns both paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    image = out_dir / sample.truth.image
    truth = out_dir / f"{sample.truth.name}.json"
    image.write_bytes(sample.photo.jpeg)
    truth.write_text(truth_to_json(sample.truth), encoding="utf-8")
    return image, truth


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` by largest remainder (ties go to the earlier entry).

    >>> apportion(10, [8, 1, 1]), apportion(3, [1, 1, 1, 1]), apportion(0, [1])
    ([8, 1, 1], [1, 1, 1, 0], [0])
    """
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    shares = [total * w / weight_sum for w in weights]
    counts = [int(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(shares[i] - counts[i]), i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _variant_pool(names: Sequence[str] | None) -> list[Variant]:
    if names:
        return [VARIANTS.get(n) for n in names]
    return [v for v in VARIANTS.values() if v.in_default_mix]


def _conditions_for(design: Design, variant: Variant, pool: Sequence[PhotoConditions]) -> list[PhotoConditions]:
    """Conditions worth combining: ruined photos only of genuine certificates (a ruined knock-off is just ruined)."""
    if variant.name == "genuine" and design.judgeable:
        return list(pool)
    return [c for c in pool if c.judgeable]


def _combinations(
    designs: list[Design], variants: list[Variant], conditions: list[PhotoConditions]
) -> dict[str, dict[str, list[PhotoConditions]]]:
    plan: dict[str, dict[str, list[PhotoConditions]]] = {}
    for design in designs:
        for variant in variants:
            usable = (
                _conditions_for(design, variant, conditions)
                if variant.applies_to(design.kind, design.judgeable)
                else []
            )
            if usable:
                plan.setdefault(design.name, {})[variant.name] = usable
    return plan


def plan_corpus(
    count: int,
    seed: int,
    designs: Sequence[str] | None = None,
    variants: Sequence[str] | None = None,
    conditions: Sequence[str] | None = None,
    long_side: int = DEFAULT_LONG_SIDE,
) -> list[tuple[str, SampleSpec]]:
    """A balanced, shuffled list of ``(name, spec)`` for a corpus of ``count`` samples.

    ``count`` is split over designs by their mix weights, each design's share
    over the variants that apply to it, and each of those over the photo
    conditions, by largest remainder, so small corpora still cover the common
    cases. Each sample gets its own seed derived from ``seed`` and its index.

    Raises:
        UnknownNameError: a name is not registered.
        ValueError: no registered combination fits the names given.
    """
    design_pool = [DESIGNS.get(n) for n in designs] if designs else list(DESIGNS.values())
    condition_pool = [CONDITIONS.get(n) for n in conditions] if conditions else list(CONDITIONS.values())
    plan = _combinations(design_pool, _variant_pool(variants), condition_pool)
    if not plan:
        raise ValueError("no design, variant and condition combination fits the names given")
    recipes: list[tuple[str, str, str]] = []
    planned_designs = [d for d in design_pool if d.name in plan]
    for design, design_count in zip(
        planned_designs, apportion(count, [d.mix_weight for d in planned_designs]), strict=True
    ):
        variant_names = list(plan[design.name])
        variant_counts = apportion(design_count, [VARIANTS.get(v).mix_weight for v in variant_names])
        for variant_name, variant_count in zip(variant_names, variant_counts, strict=True):
            usable = plan[design.name][variant_name]
            for condition, n in zip(usable, apportion(variant_count, [c.mix_weight for c in usable]), strict=True):
                recipes.extend([(design.name, variant_name, condition.name)] * n)
    random.Random(seed).shuffle(recipes)
    specs = []
    for index, (design_name, variant_name, condition_name) in enumerate(recipes):
        spec = SampleSpec(
            design_name, variant_name, condition_name, _stream_seed(seed, 1000 + index) % 2**31, long_side
        )
        specs.append((f"{index:04d}-{design_name}-{variant_name}-{condition_name}", spec))
    return specs

"""Pick the registered template a certificate claims to follow, by comparing layouts.

Candidates are prefiltered by kind and printed title, so the cost does not grow
with the whole registry (bench/registry_bench.py measures it). Each candidate
with a learnt layout (:mod:`templates_registry.layout`) is compared with the
page in four steps:

1. the template's labels are found on the page by their strings
   (:func:`~templates_registry.layout.locate_labels`); each found label and the
   title give point correspondences, layout → page;
2. a similarity transform (rotation, uniform scale, shift) is fitted to them
   robustly (``cv2.estimateAffinePartial2D`` with RANSAC), so an imperfectly
   rectified photo or a sheet found with a margin still lines up;
3. the score combines the title (printed, where the template prints it, as
   large), the share of labels found, and the share found where the template
   puts them;
4. what is out of place or missing is kept for the evidence.

A candidate without a learnt layout is scored by its title and label coverage
only. Coordinates: page boxes are work space (the rectified sheet, pixels);
layout boxes are normalised sheet coordinates (0-1) and are mapped to work
space as ``(x * width, y * height)`` before the fitted transform.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from rapidfuzz import fuzz

from certcheck.types import CertificateKind, OcrLine, OcrResult, Quad
from ocr.fields import find_label, find_title
from ocr.text import compact
from templates_registry.layout import LabelHit, LearntLayout, NormBox, locate_labels
from templates_registry.loader import Registry, Template
from templates_registry.models import FieldSpec

__all__ = [
    "LabelPlacement",
    "TemplateCandidate",
    "compare_layout",
    "is_fixed_design",
    "map_box",
    "rank_templates",
    "unmap_box",
]

#: Share of the score given by the printed title; the rest is the label coverage
#: (templates without a learnt layout only).
TITLE_WEIGHT = 0.3

#: Layout score weights: title (printed, in place, as large), labels found, labels in place.
#: Placement weighs less than presence: evaluation organisations file their own
#: design after a reference style (人社鉴发〔2021〕1号), so a registered reference
#: style admits rows moved within the field block; the generated genuine photos
#: of the skill-level design (three arrangements) are the measurement.
LAYOUT_TITLE_WEIGHT = 0.3
LAYOUT_FOUND_WEIGHT = 0.45
LAYOUT_PLACED_WEIGHT = 0.25

#: Weights for a ``fixed`` layout (an organisation's own design registered from its sample, see
#: :class:`~templates_registry.layout.LearntLayout`): where things are printed decides, and the
#: sample's own text blocks (an English title, the body sentence, the lookup line) count too, so a
#: sheet that prints the registered title and labels in another arrangement does not pass for the
#: design. Measured on the new designs (bench/evaluate_designs.py, README): genuine photos against
#: their own template and photos of other layouts against it, see MIN_TEMPLATE_SCORE.
FIXED_TITLE_WEIGHT = 0.15
FIXED_FOUND_WEIGHT = 0.15
FIXED_PLACED_WEIGHT = 0.55
FIXED_BLOCKS_WEIGHT = 0.15
#: A sample's static block is printed on the page when a line reads like it (rapidfuzz partial ratio;
#: body sentences carry each holder's name) within BLOCK_TOLERANCE of the diagonal of its place.
MIN_BLOCK_SIMILARITY = 60.0
BLOCK_TOLERANCE = 0.06
#: Static blocks shorter than this (compacted characters) are not counted: stray glyphs of ornaments.
MIN_BLOCK_CHARS = 4

#: A label is in place when its centre lies within this share of the page
#: diagonal of where the fitted transform puts the template's label. Measured on
#: 12 generated genuine photos (phone and scan): labels of the same arrangement
#: land within 1.5 % after the fit; one row further down is about 4.5 %.
PLACEMENT_TOLERANCE = 0.03

#: The title is in place when its centre is within this share of the diagonal
#: and its height within this ratio of the learnt one (title font sizes vary
#: ±10 % between filed designs; a knock-off's banner title is often far larger).
TITLE_TOLERANCE = 0.06
TITLE_HEIGHT_RATIO = (0.6, 1.7)

#: RANSAC inlier threshold (share of the page diagonal) and the fewest anchors
#: for a fit; with fewer, the rectified sheet is taken as it is (identity).
RANSAC_THRESHOLD = 0.02
MIN_ANCHORS = 3
#: A fitted transform is kept only when it is a plausible view of a rectified
#: sheet: scale within these bounds and rotation within MAX_FIT_ROTATION_DEG.
FIT_SCALE = (0.8, 1.25)
MAX_FIT_ROTATION_DEG = 8.0

#: ``[[a, b, tx], [c, d, ty]]``: normalised layout point (x*W, y*H) -> work-space pixel.
Affine = tuple[tuple[float, float, float], tuple[float, float, float]]


@dataclass(frozen=True)
class LabelPlacement:
    """A template label found on the page away from where the template prints it (work space)."""

    key: str
    label: str
    quad: Quad
    expected: Quad
    offset: float  # distance between the two centres, share of the page diagonal


@dataclass(frozen=True)
class TemplateCandidate:
    """A template compared with the page.

    Attributes:
        score: 0-1; see the module docstring.
        missing_labels: the template's labels not found on the page.
        misplaced: labels found away from the template's place for them.
        transform: learnt layout -> work space, ``None`` when the template has no layout.
        page_size: ``(width, height)`` of the work-space page it was compared on.
        labels: the labels found on the page, by field key (work space).
        title_score: how the title is printed (see :func:`_title_score`); ``None`` without a layout.
        missing_blocks: the sample's text blocks not found in their place (``fixed`` layouts).
    """

    template: Template
    score: float
    missing_labels: tuple[str, ...]
    misplaced: tuple[LabelPlacement, ...] = ()
    transform: Affine | None = None
    page_size: tuple[int, int] | None = None
    labels: tuple[LabelHit, ...] = ()
    #: 1 title printed where and as large as the sample prints it, 0.5 printed elsewhere, 0 not printed.
    title_score: float | None = None
    #: The sample's static text blocks (``fixed`` layouts) not printed in their place on the page.
    missing_blocks: tuple[str, ...] = ()

    @property
    def layout(self) -> LearntLayout | None:
        return self.template.layout


def _box_quad(box: tuple[float, float, float, float]) -> Quad:
    x0, y0, x1, y1 = box
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def map_box(transform: Affine, box: NormBox, page_size: tuple[int, int]) -> tuple[float, float, float, float]:
    """A normalised layout box mapped to work space (the axis-aligned box around its mapped corners)."""
    w, h = page_size
    x0, y0, x1, y1 = box
    corners = np.array([[x0 * w, y0 * h], [x1 * w, y0 * h], [x1 * w, y1 * h], [x0 * w, y1 * h]])
    mapped = corners @ np.array(transform)[:, :2].T + np.array(transform)[:, 2]
    return (float(mapped[:, 0].min()), float(mapped[:, 1].min()), float(mapped[:, 0].max()), float(mapped[:, 1].max()))


def unmap_box(
    transform: Affine, box: tuple[float, float, float, float], page_size: tuple[int, int]
) -> NormBox:
    """A work-space box mapped back into normalised layout coordinates (inverse of :func:`map_box`)."""
    w, h = page_size
    inverse = cv2.invertAffineTransform(np.array(transform, dtype=np.float64))
    x0, y0, x1, y1 = box
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64)
    mapped = corners @ inverse[:, :2].T + inverse[:, 2]
    xs, ys = mapped[:, 0] / w, mapped[:, 1] / h
    return (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))


def _centre(box: tuple[float, float, float, float]) -> tuple[float, float]:
    return ((box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0)


def _identity() -> Affine:
    return ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0))


def _fit(pairs: Sequence[tuple[NormBox, tuple[float, float, float, float]]], page_size: tuple[int, int]) -> Affine:
    """Similarity transform layout → page from matched boxes (their left and right mid-points)."""
    if len(pairs) < MIN_ANCHORS:
        return _identity()
    w, h = page_size
    src, dst = [], []
    for norm, box in pairs:
        (ny, py) = ((norm[1] + norm[3]) / 2.0, (box[1] + box[3]) / 2.0)
        src += [(norm[0] * w, ny * h), (norm[2] * w, ny * h)]
        dst += [(box[0], py), (box[2], py)]
    threshold = RANSAC_THRESHOLD * float(np.hypot(w, h))
    matrix, _ = cv2.estimateAffinePartial2D(
        np.array(src, dtype=np.float64), np.array(dst, dtype=np.float64),
        method=cv2.RANSAC, ransacReprojThreshold=threshold, maxIters=500, confidence=0.99, refineIters=10,
    )
    if matrix is None:
        return _identity()
    scale = float(np.hypot(matrix[0, 0], matrix[1, 0]))
    angle = float(np.degrees(np.arctan2(matrix[1, 0], matrix[0, 0])))
    if not (FIT_SCALE[0] <= scale <= FIT_SCALE[1]) or abs(angle) > MAX_FIT_ROTATION_DEG:
        return _identity()
    return (tuple(map(float, matrix[0])), tuple(map(float, matrix[1])))  # type: ignore[return-value]


def _title_lines(ocr: OcrResult, title_quad: Quad | None) -> list[OcrLine]:
    if title_quad is None:
        return []
    xs = [p[0] for p in title_quad]
    ys = [p[1] for p in title_quad]
    return [
        line for line in ocr.lines
        if line.bbox[0] >= min(xs) - 1 and line.bbox[2] <= max(xs) + 1
        and line.bbox[1] >= min(ys) - 1 and line.bbox[3] <= max(ys) + 1
    ]


class _PageReading:
    """What every candidate reads off the same page, read once: the title row and each label set's hits."""

    def __init__(self, ocr: OcrResult, page_size: tuple[int, int]) -> None:
        self.ocr = ocr
        title_field = find_title(ocr, page_size[1])
        self.title_box = _quad_bounds(title_field.quad) if title_field and title_field.quad else None
        self._skip = _title_lines(ocr, title_field.quad if title_field else None)
        self._hits: dict[tuple[FieldSpec, ...], dict[str, LabelHit]] = {}

    def labels(self, fields: tuple[FieldSpec, ...]) -> dict[str, LabelHit]:
        if fields not in self._hits:
            self._hits[fields] = locate_labels(self.ocr, fields, skip=self._skip)
        return self._hits[fields]


def compare_layout(
    template: Template,
    title: str | None,
    ocr: OcrResult,
    page_size: tuple[int, int],
    *,
    reading: _PageReading | None = None,
) -> TemplateCandidate:
    """Compare the page with one template's learnt layout (see the module docstring).

    Args:
        reading: the page's title and labels already read for another candidate (same ``ocr``).
    """
    spec, layout = template.spec, template.layout
    if layout is None:
        return _score_by_labels(template, title, ocr)
    reading = reading or _PageReading(ocr, page_size)
    title_box = reading.title_box
    hits = reading.labels(spec.fields)
    pairs = [(learnt.box, hits[learnt.key].box) for learnt in layout.labels if learnt.key in hits]
    title_printed = bool(title) and compact(spec.title) in compact(title or "")
    if title_printed and title_box is not None and layout.title is not None:
        pairs.append((layout.title.box, title_box))
    # The page is already the rectified sheet, so "as it is" (identity) competes with the fit:
    # a fit to a few misread or moved anchors can be worse than none. The one that scores more wins.
    total = len(spec.fields) or 1
    transform, placed, misplaced, title_score = max(
        (_placements(t, layout, hits, title_printed, title_box, page_size) for t in (_fit(pairs, page_size), _identity())),
        key=lambda result: LAYOUT_TITLE_WEIGHT * result[3] + LAYOUT_PLACED_WEIGHT * result[1] / total,
    )
    found = sum(1 for f in spec.fields if f.key in hits)
    missing_blocks: tuple[str, ...] = ()
    if is_fixed_design(template):
        blocks, missing_blocks = _static_blocks(layout, ocr, transform, page_size)
        score = (FIXED_TITLE_WEIGHT * title_score + FIXED_FOUND_WEIGHT * found / total
                 + FIXED_PLACED_WEIGHT * placed / total + FIXED_BLOCKS_WEIGHT * blocks)
    else:
        score = (LAYOUT_TITLE_WEIGHT * title_score + LAYOUT_FOUND_WEIGHT * found / total
                 + LAYOUT_PLACED_WEIGHT * placed / total) if spec.fields else title_score
    missing = tuple(f.label for f in spec.fields if f.key not in hits)
    return TemplateCandidate(
        template=template, score=round(score, 3), missing_labels=missing, misplaced=tuple(misplaced),
        transform=transform, page_size=page_size, labels=tuple(hits.values()), title_score=title_score,
        missing_blocks=missing_blocks,
    )


def is_fixed_design(template: Template) -> bool:
    """Whether the template is one organisation's own design, to be followed as its sample prints it.

    Built-in templates are published reference styles (人社鉴发〔2021〕1号) that filed designs follow
    with rows moved inside the field block, whatever their layout file says.
    """
    layout = template.layout
    return layout is not None and layout.arrangement == "fixed" and template.layer != "builtin"


def _static_blocks(
    layout: LearntLayout, ocr: OcrResult, transform: Affine, page_size: tuple[int, int]
) -> tuple[float, tuple[str, ...]]:
    """Share of the sample's static text blocks printed on the page in their place, and the missing ones."""
    blocks = [b for b in layout.texts if b.role == "static" and len(compact(b.text)) >= MIN_BLOCK_CHARS]
    if not blocks:
        return 1.0, ()
    diagonal = float(np.hypot(*page_size))
    missing = []
    for block in blocks:
        expected = _centre(map_box(transform, block.box, page_size))
        wording = compact(block.text)
        if not any(
            float(np.hypot(*np.subtract(_centre(tuple(map(float, line.bbox))), expected))) / diagonal <= BLOCK_TOLERANCE
            and fuzz.partial_ratio(wording, compact(line.text)) >= MIN_BLOCK_SIMILARITY
            for line in ocr.lines
        ):
            missing.append(block.text)
    return 1.0 - len(missing) / len(blocks), tuple(missing)


def _placements(
    transform: Affine,
    layout: LearntLayout,
    hits: dict[str, LabelHit],
    title_printed: bool,
    title_box: tuple[float, float, float, float] | None,
    page_size: tuple[int, int],
) -> tuple[Affine, int, list[LabelPlacement], float]:
    """Under ``transform``: labels in place, labels out of place, and the title's score."""
    diagonal = float(np.hypot(*page_size))
    misplaced: list[LabelPlacement] = []
    placed = 0
    for learnt in layout.labels:
        hit = hits.get(learnt.key or "")
        if hit is None:
            continue
        expected = map_box(transform, learnt.box, page_size)
        (ex, ey), (fx, fy) = _centre(expected), _centre(hit.box)
        offset = float(np.hypot(ex - fx, ey - fy)) / diagonal
        if offset <= PLACEMENT_TOLERANCE:
            placed += 1
        else:
            misplaced.append(LabelPlacement(learnt.key or "", hit.text, _box_quad(hit.box), _box_quad(expected),
                                            round(offset, 4)))
    title_score = _title_score(title_printed, title_box, layout, transform, page_size)
    return transform, placed, misplaced, title_score


def _quad_bounds(quad: Quad) -> tuple[float, float, float, float]:
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    return (min(xs), min(ys), max(xs), max(ys))


def _title_score(
    printed: bool,
    title_box: tuple[float, float, float, float] | None,
    layout: LearntLayout,
    transform: Affine,
    page_size: tuple[int, int],
) -> float:
    """1 for the template's title where and as large as the template prints it, 0.5 printed elsewhere, else 0."""
    if not printed or title_box is None:
        return 0.0
    if layout.title is None:
        return 1.0
    expected = map_box(transform, layout.title.box, page_size)
    (ex, ey), (fx, fy) = _centre(expected), _centre(title_box)
    offset = float(np.hypot(ex - fx, ey - fy)) / float(np.hypot(*page_size))
    ratio = (title_box[3] - title_box[1]) / max(1.0, expected[3] - expected[1])
    in_place = offset <= TITLE_TOLERANCE and TITLE_HEIGHT_RATIO[0] <= ratio <= TITLE_HEIGHT_RATIO[1]
    return 1.0 if in_place else 0.5


def _score_by_labels(template: Template, title: str | None, ocr: OcrResult) -> TemplateCandidate:
    """A template without a learnt layout: its title and the share of its labels printed."""
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
    page_size: tuple[int, int] | None = None,
) -> Sequence[TemplateCandidate]:
    """Templates of the claimed kind whose title is printed, best first.

    Args:
        template_id: compare with this template only (the caller knows which
            template the certificate should follow); raises ``NotFound`` if unknown.
        page_size: ``(width, height)`` of the work-space page; without it the
            layouts are not compared (label coverage only).
    """
    reading = _PageReading(ocr, page_size) if page_size is not None else None

    def score(template: Template) -> TemplateCandidate:
        if page_size is None:
            return _score_by_labels(template, title, ocr)
        return compare_layout(template, title, ocr, page_size, reading=reading)

    if template_id is not None:
        return [score(registry.get_template(template_id))]
    printed = compact(title or "")
    candidates = [
        t for t in registry.templates
        if t.spec.kind == kind and compact(t.spec.title) in printed
    ]
    return sorted((score(t) for t in candidates), key=lambda c: -c.score)

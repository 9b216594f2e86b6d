"""Layout comparison: anchors found by their strings, a robust fit, and the score's parts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from certcheck.types import CertificateKind, OcrLine, OcrResult
from templates_registry.layout import LearntLayout
from templates_registry.loader import BUILTIN_DIR, Registry, load_template_folder
from templates_registry.matching import compare_layout, map_box, rank_templates, unmap_box

BUILTIN = load_template_folder(BUILTIN_DIR / "hrss-skill-level-2021", "builtin")
PAGE = (1600, 1131)


def _line(text: str, box: tuple[float, float, float, float]) -> OcrLine:
    x0, y0, x1, y1 = box
    return OcrLine(text, ((x0, y0), (x1, y0), (x1, y1), (x0, y1)), 0.98)


def page_from_layout(
    layout: LearntLayout, *, scale: float = 1.0, shift: tuple[float, float] = (0.0, 0.0),
    moved: dict[str, tuple[float, float]] | None = None, extra: tuple[OcrLine, ...] = (),
) -> OcrResult:
    """The OCR a photo of the sample would give: every learnt block where the layout puts it (work space).

    ``moved`` shifts one field's label and value by a share of the page (a different design).
    """
    w, h = PAGE
    moved = moved or {}

    def place(box: tuple[float, float, float, float], key: str | None = None) -> tuple[float, float, float, float]:
        dx, dy = moved.get(key or "", (0.0, 0.0))
        x0, y0, x1, y1 = box
        return (
            (x0 + dx) * w * scale + shift[0], (y0 + dy) * h * scale + shift[1],
            (x1 + dx) * w * scale + shift[0], (y1 + dy) * h * scale + shift[1],
        )

    assert layout.title is not None
    lines = [_line(layout.title.text, place(layout.title.box))]
    lines += [_line(block.text + "：", place(block.box, block.key)) for block in layout.labels]
    lines += [_line(block.text, place(block.box, block.key)) for block in layout.texts]
    return OcrResult(lines=tuple(lines) + extra)


def test_matching_builtin_layout_matches_its_own_sample_through_a_similarity() -> None:
    assert BUILTIN.layout is not None
    ocr = page_from_layout(BUILTIN.layout, scale=0.93, shift=(40.0, 25.0))
    candidate = compare_layout(BUILTIN, "职业技能等级证书", ocr, PAGE)
    assert candidate.score == pytest.approx(1.0)
    assert candidate.missing_labels == () and candidate.misplaced == ()
    assert candidate.transform is not None
    (a, b, tx), (c, d, ty) = candidate.transform
    assert a == pytest.approx(0.93, abs=0.02) and tx == pytest.approx(40.0, abs=8.0)


def test_matching_reports_labels_out_of_place_with_their_boxes() -> None:
    assert BUILTIN.layout is not None
    moved = {"holder_name": (0.35, 0.0), "id_type": (0.35, 0.05)}
    # Labels and values only: the bilingual sample's English labels are static blocks that would stay put.
    bare = BUILTIN.layout.model_copy(update={"texts": tuple(b for b in BUILTIN.layout.texts if b.role == "value")})
    ocr = page_from_layout(bare, moved=moved)
    candidate = compare_layout(BUILTIN, "职业技能等级证书", ocr, PAGE)
    assert {p.key for p in candidate.misplaced} == set(moved)
    placement = next(p for p in candidate.misplaced if p.key == "holder_name")
    assert placement.quad[0][0] > placement.expected[0][0] + 0.3 * PAGE[0]
    assert candidate.score < 1.0


def test_matching_title_alone_scores_below_a_full_sample() -> None:
    assert BUILTIN.layout is not None and BUILTIN.layout.title is not None
    title_only = OcrResult(lines=(_line("职业技能等级证书", map_box(((1, 0, 0), (0, 1, 0)), BUILTIN.layout.title.box, PAGE)),))
    alone = compare_layout(BUILTIN, "职业技能等级证书", title_only, PAGE)
    full = compare_layout(BUILTIN, "职业技能等级证书", page_from_layout(BUILTIN.layout), PAGE)
    assert len(alone.missing_labels) == len(BUILTIN.spec.fields)
    assert alone.score < 0.4 < full.score


def test_matching_unmap_inverts_map() -> None:
    transform = ((0.9, -0.05, 30.0), (0.05, 0.9, 12.0))
    box = (0.2, 0.3, 0.4, 0.35)
    back = unmap_box(transform, map_box(transform, box, PAGE), PAGE)
    # The axis-aligned box around a rotated box grows a little; its centre stays.
    assert (back[0] + back[2]) / 2 == pytest.approx(0.3, abs=1e-6)
    assert (back[1] + back[3]) / 2 == pytest.approx(0.325, abs=1e-6)


def test_matching_template_without_layout_falls_back_to_labels(tmp_path: Path) -> None:
    bare = dataclasses.replace(BUILTIN, layout=None)
    assert BUILTIN.layout is not None
    candidate = compare_layout(bare, "职业技能等级证书", page_from_layout(BUILTIN.layout), PAGE)
    assert candidate.transform is None and candidate.missing_labels == ()
    assert candidate.score == pytest.approx(1.0)


def test_matching_prefilters_by_kind_and_title() -> None:
    others = [
        dataclasses.replace(BUILTIN, spec=BUILTIN.spec.model_copy(update={"id": f"t{i}", "title": f"培训证书{i}",
                                                                          "kind": CertificateKind.TRAINING}))
        for i in range(50)
    ]
    registry = Registry(templates=(BUILTIN, *others), issuers=())
    assert BUILTIN.layout is not None
    ranked = rank_templates(registry, CertificateKind.SKILL_LEVEL, "职业技能等级证书", page_from_layout(BUILTIN.layout),
                            page_size=PAGE)
    assert [c.template.spec.id for c in ranked] == ["hrss-skill-level-2021"]


def _own_design() -> object:
    """The built-in layout as one organisation's own registered design (``fixed``, data-dir layer)."""
    assert BUILTIN.layout is not None
    return dataclasses.replace(BUILTIN, layer="data", layout=BUILTIN.layout.model_copy(update={"arrangement": "fixed"}))


def test_matching_fixed_design_scores_its_own_sample_fully() -> None:
    own = _own_design()
    ocr = page_from_layout(own.layout, scale=0.95, shift=(30.0, 20.0))
    candidate = compare_layout(own, "职业技能等级证书", ocr, PAGE)
    assert candidate.score == pytest.approx(1.0) and candidate.missing_blocks == ()
    assert candidate.title_score == 1.0


def test_matching_fixed_design_refuses_its_labels_in_another_arrangement() -> None:
    """Same title and labels, rows moved (another design): a reference style admits it, an own design does not."""
    from rules.template_rules import MIN_TEMPLATE_SCORE

    own = _own_design()
    # Values and labels only: static blocks of a bilingual sample repeat the labels' English aliases unmoved.
    bare = own.layout.model_copy(update={"texts": tuple(b for b in own.layout.texts if b.role == "value")})
    own = dataclasses.replace(own, layout=bare)
    import random

    rng = random.Random(5)
    labels = [b.key for b in own.layout.labels if b.key]
    moved = {key: (rng.uniform(-0.25, 0.25), rng.uniform(-0.12, 0.12)) for key in labels}
    ocr = page_from_layout(own.layout, moved=moved)
    reference_style = compare_layout(BUILTIN, "职业技能等级证书", ocr, PAGE)
    fixed = compare_layout(own, "职业技能等级证书", ocr, PAGE)
    assert fixed.score < MIN_TEMPLATE_SCORE < reference_style.score


def test_matching_fixed_design_misses_the_samples_own_text_blocks() -> None:
    own = _own_design()
    blocks = {b.text for b in own.layout.texts if b.role == "static" and len(b.text) >= 4}
    assert blocks
    stripped = own.layout.model_copy(update={"texts": tuple(b for b in own.layout.texts if b.text not in blocks)})
    ocr = page_from_layout(stripped)
    candidate = compare_layout(own, "职业技能等级证书", ocr, PAGE)
    # Each missing block costs its share of FIXED_BLOCKS_WEIGHT (a label's own row may stand for one).
    assert len(candidate.missing_blocks) >= len(blocks) - 1 and 0.85 <= candidate.score < 0.87


def test_matching_builtin_templates_stay_reference_styles_whatever_their_file_says() -> None:
    from templates_registry.matching import is_fixed_design

    assert BUILTIN.layout is not None
    relabelled = dataclasses.replace(BUILTIN, layout=BUILTIN.layout.model_copy(update={"arrangement": "fixed"}))
    assert not is_fixed_design(relabelled) and is_fixed_design(_own_design())

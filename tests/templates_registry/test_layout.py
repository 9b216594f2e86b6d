"""The learnt layout: the committed built-in file, learning from a sample, and bad layout files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import pytest

from certcheck.errors import RegistryError
from templates_registry.layout import LAYOUT_FILE, LearntLayout, learn_layout, load_layout
from templates_registry.loader import BUILTIN_DIR, load_template_folder

if TYPE_CHECKING:
    from certcheck.pipeline import Checker

BUILTIN = BUILTIN_DIR / "hrss-skill-level-2021"


def _inside_unit(box: tuple[float, float, float, float]) -> bool:
    x0, y0, x1, y1 = box
    return 0.0 <= x0 < x1 <= 1.0 and 0.0 <= y0 < y1 <= 1.0


def test_layout_builtin_file_is_committed_and_complete() -> None:
    template = load_template_folder(BUILTIN, "builtin")
    layout = template.layout
    assert layout is not None, f"{BUILTIN / LAYOUT_FILE} is missing"
    assert layout.title is not None and layout.title.text == "职业技能等级证书"
    assert {b.key for b in layout.labels} == {f.key for f in template.spec.fields}
    assert len(layout.seals) == 1 and len(layout.qr_codes) == 1 and len(layout.photos) == 1
    boxes = [b.box for b in (layout.title, *layout.labels, *layout.texts)] + [*layout.seals, *layout.qr_codes]
    assert all(_inside_unit(box) for box in boxes)
    # The sheet drawn to the real design prints the photo right of centre, the seal in the lower part.
    assert layout.photos[0][0] > 0.5 and layout.seals[0][1] > 0.6


@pytest.mark.ocr
def test_layout_committed_file_is_what_learning_gives(checker: Checker) -> None:
    template = load_template_folder(BUILTIN, "builtin")
    fresh = learn_layout(template.spec, cv2.imread(str(template.reference_path)), checker.engine)
    committed = template.layout
    assert committed is not None
    for block in committed.labels:
        again = fresh.label(block.key or "")
        assert again is not None and max(abs(a - b) for a, b in zip(block.box, again.box, strict=True)) < 0.01


@pytest.mark.ocr
def test_layout_learning_refuses_a_sample_without_the_spec_labels(checker: Checker) -> None:
    template = load_template_folder(BUILTIN, "builtin")
    fields = (*template.spec.fields, template.spec.fields[0].model_copy(update={"key": "extra", "label": "培训学时",
                                                                               "aliases": ()}))
    spec = template.spec.model_copy(update={"fields": fields})
    with pytest.raises(RegistryError) as info:
        learn_layout(spec, cv2.imread(str(template.reference_path)), checker.engine)
    assert "培训学时" in info.value.message_en


@pytest.mark.parametrize("content", ["{not json", '{"version": 1}', '{"version": 9, "source_size": [1, 1]}'])
def test_layout_invalid_file_is_a_registry_error(tmp_path: Path, content: str) -> None:
    (tmp_path / LAYOUT_FILE).write_text(content, encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_layout(tmp_path)
    assert LAYOUT_FILE in info.value.message_en


def test_layout_missing_file_means_not_learnt(tmp_path: Path) -> None:
    assert load_layout(tmp_path) is None
    assert LearntLayout(source_size=(10, 10), title=None, labels=()).regions() == ()


def test_layout_file_written_before_arrangement_and_prints_still_loads(tmp_path: Path) -> None:
    import json

    payload = json.loads((BUILTIN / LAYOUT_FILE).read_text(encoding="utf-8"))
    payload.pop("arrangement", None)
    payload.pop("prints", None)
    (tmp_path / LAYOUT_FILE).write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    layout = load_layout(tmp_path)
    assert layout is not None and layout.arrangement == "reference_style" and layout.prints == ()


def test_locate_labels_skips_lines_by_content_across_readings() -> None:
    """The title row read twice (two OcrResult objects) is skipped either way, and repeated calls agree."""
    from certcheck.types import OcrLine, OcrResult
    from templates_registry.layout import locate_labels

    template = load_template_folder(BUILTIN, "builtin")
    box = ((100.0, 50.0), (900.0, 50.0), (900.0, 120.0), (100.0, 120.0))
    level_box = ((100.0, 300.0), (260.0, 300.0), (260.0, 340.0), (100.0, 340.0))
    ocr = OcrResult(lines=(OcrLine("职业技能等级证书", box, 0.99), OcrLine("职业技能等级：", level_box, 0.99)))
    again = OcrResult(lines=(OcrLine("职业技能等级证书", box, 0.99),))
    results = [locate_labels(ocr, template.spec.fields, skip=again.lines) for _ in range(3)]
    assert all(r == results[0] for r in results)
    assert results[0]["level"].box[1] == pytest.approx(300.0)


@pytest.mark.ocr
def test_layout_learning_a_new_design_records_its_prints_and_no_badge(checker: Checker) -> None:
    """A registered organisation's design: ``fixed``, each value's print measured, no emblem-like badge."""
    import random

    import yaml

    from samples.generator.designs.new import new_design
    from samples.generator.designs.new._kit import draft_content, print_sheet, template_yaml
    from samples.generator.render import render_layout
    from templates_registry.models import TemplateSpec

    design = new_design("green_special")
    rng = random.Random(1)
    sheet = render_layout(print_sheet(design, draft_content(design, rng), rng))
    spec = TemplateSpec.model_validate(yaml.safe_load(template_yaml(design)))
    layout = learn_layout(spec, sheet.pixels, checker.engine)
    assert layout.arrangement == "fixed" and layout.badges == ()
    assert len({p.key for p in layout.prints}) >= len(spec.fields) - 1
    assert all(0.5 < p.sharpness < 2.0 for p in layout.prints)

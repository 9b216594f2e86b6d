"""Reference images of the built-in templates, rendered from their designs, and the layouts learnt from them.

Each built-in template folder under ``templates_registry/builtin/`` holds the
``reference.png`` its layout is learnt from (CONTRACT.md section 4): the
design's fixed sample in the plain style, drawn in the structure measured by
hand on genuine certificates of its kind (each design module names them).
``python -m samples.render_reference`` writes them, then (``--learn``) learns
each ``layout.json`` with the registry's own learner
(:func:`templates_registry.layout.learn_layout`, the OCR the checks use) and
completes it from what the generator printed (:func:`complete_layout`): the
learner's value reader knows only "label: value" rows, while the booklets print
values between a label and its English under it and results in a sentence, so
each printed value is stored as the value block it is, and the photo where the
design put it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from samples.generator.designs import ncre, one_plus_x, professional, qualification, special_ability
from samples.generator.designs._official_form import save_reference
from samples.generator.render import Portrait, RenderedSheet, SheetLayout, render_layout

if TYPE_CHECKING:
    from ocr.engine import OcrEngine
    from templates_registry.layout import LearntLayout

__all__ = ["BUILTIN_DIR", "OFFICIAL_REFERENCES", "complete_layout", "learn_reference", "render_official_references"]

BUILTIN_DIR = Path(__file__).resolve().parents[3] / "templates_registry" / "builtin"
#: Template id -> the layout of its reference image.
OFFICIAL_REFERENCES: dict[str, Callable[[], SheetLayout]] = {
    "hrss-qualification-booklet": qualification.reference_layout,
    "hrss-special-ability": special_ability.reference_layout,
    "mohrss-professional-qualification": professional.reference_layout,
    "moe-1x-skill-level": one_plus_x.reference_layout,
    "neea-ncre": ncre.reference_layout,
}
#: A learnt text block lying this much inside a printed value's box is that value.
_MIN_OVERLAP = 0.5


def render_official_references(builtin_dir: Path = BUILTIN_DIR) -> list[Path]:
    """Write each template's ``reference.png`` into its folder under ``builtin_dir``; returns the paths."""
    return [save_reference(build(), builtin_dir / template_id / "reference.png")
            for template_id, build in OFFICIAL_REFERENCES.items()]


def _norm(box: tuple[float, float, float, float], size: tuple[int, int]) -> tuple[float, float, float, float]:
    w, h = size
    return (round(box[0] / w, 4), round(box[1] / h, 4), round(box[2] / w, 4), round(box[3] / h, 4))


def _inside_share(inner: Sequence[float], outer: Sequence[float]) -> float:
    """Share of ``inner``'s area that lies inside ``outer``."""
    x0, y0 = max(inner[0], outer[0]), max(inner[1], outer[1])
    x1, y1 = min(inner[2], outer[2]), min(inner[3], outer[3])
    area = max(1e-9, (inner[2] - inner[0]) * (inner[3] - inner[1]))
    return max(0.0, x1 - x0) * max(0.0, y1 - y0) / area


def complete_layout(learnt: LearntLayout, layout: SheetLayout, sheet: RenderedSheet) -> LearntLayout:
    """``learnt`` with every value the generator printed stored as a value block, and its photo.

    Args:
        learnt: the layout the registry's learner read off the rendered reference.
        layout: the reference's sheet layout (its :class:`Portrait` is the photo).
        sheet: the rendered reference (the printed texts and their field keys).
    """
    from templates_registry.layout import LearntText

    size = sheet.size
    printed = [(t.key, t.text, _norm(t.box, size)) for t in sheet.texts if t.key and t.key != "title"]
    texts: list[LearntText] = []
    for block in learnt.texts:
        key = next((k for k, _, box in printed if _inside_share(block.box, box) >= _MIN_OVERLAP), None)
        if block.role == "static" and key is not None:
            block = block.model_copy(update={"role": "value", "key": key})
        texts.append(block)
    for key, text, box in printed:
        if not any(b.role == "value" and b.key == key and _inside_share(box, b.box) >= _MIN_OVERLAP for b in texts):
            texts.append(LearntText(role="value", text=text, box=box, key=key))
    photos = learnt.photos or tuple(_norm(tuple(map(float, item.box)), size)  # type: ignore[arg-type]
                                    for item in layout.items if isinstance(item, Portrait))
    return learnt.model_copy(update={"texts": tuple(texts), "photos": photos})


def learn_reference(template_id: str, layout: SheetLayout, engine: OcrEngine, builtin_dir: Path = BUILTIN_DIR) -> Path:
    """Learn ``layout.json`` of one built-in template from its rendered reference, completed; returns its path."""
    import cv2

    from templates_registry.layout import LAYOUT_FILE, learn_layout, write_layout
    from templates_registry.loader import load_template_folder

    folder = builtin_dir / template_id
    template = load_template_folder(folder, "builtin")
    sheet = render_layout(dataclasses.replace(layout, grain=0.0))
    learnt = learn_layout(template.spec, cv2.imread(str(template.reference_path)), engine)
    path = folder / LAYOUT_FILE
    write_layout(complete_layout(learnt, layout, sheet), path)
    return path

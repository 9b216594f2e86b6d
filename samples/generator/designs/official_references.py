"""Reference images of the built-in government-form templates, rendered from their designs.

Each built-in template folder under ``templates_registry/builtin/`` holds the
``reference.png`` its layout is learnt from (CONTRACT.md section 4); for the
three government forms it is the design's fixed sample in the plain style.
``python -m samples.render_reference`` writes them together with the
skill-level one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from samples.generator.designs import professional, qualification, special_ability
from samples.generator.designs._official_form import save_reference
from samples.generator.render import SheetLayout

__all__ = ["BUILTIN_DIR", "OFFICIAL_REFERENCES", "render_official_references"]

BUILTIN_DIR = Path(__file__).resolve().parents[3] / "templates_registry" / "builtin"
#: Template id -> the layout of its reference image.
OFFICIAL_REFERENCES: dict[str, Callable[[], SheetLayout]] = {
    "hrss-qualification-booklet": qualification.reference_layout,
    "hrss-special-ability": special_ability.reference_layout,
    "mohrss-professional-qualification": professional.reference_layout,
}


def render_official_references(builtin_dir: Path = BUILTIN_DIR) -> list[Path]:
    """Write each template's ``reference.png`` into its folder under ``builtin_dir``; returns the paths."""
    return [save_reference(build(), builtin_dir / template_id / "reference.png")
            for template_id, build in OFFICIAL_REFERENCES.items()]

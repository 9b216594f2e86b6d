"""Render the built-in templates' reference images: each design, flat, with fixed sample values.

Usage::

    python -m samples.render_reference [--out PATH]

The template registry learns where the labels of ``hrss-skill-level-2021`` sit
from this image (CONTRACT.md section 4), so it is the plain look
(:data:`~samples.generator.designs.skill_level.REFERENCE_STYLE`) of the
structure measured on a genuine certificate (bilingual labels, colons, no
paper grain). It is a fixed seed, so the file only changes when the design
does. The other built-ins' images follow
(:mod:`samples.generator.designs.official_references`); their layouts are then
relearnt with ``python -m templates_registry.layout templates_registry/builtin/*``.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
from collections.abc import Sequence
from pathlib import Path

from PIL import Image

from samples.generator.designs import skill_level
from samples.generator.designs.official_references import (
    OFFICIAL_REFERENCES,
    learn_reference,
    render_official_references,
)
from samples.generator.render import SheetLayout, render_layout

__all__ = ["REFERENCE_PATH", "REFERENCE_SEED", "main", "render_reference"]

REFERENCE_PATH = (
    Path(__file__).resolve().parents[1] / "templates_registry" / "builtin" / "hrss-skill-level-2021" / "reference.png"
)
REFERENCE_SEED = 2021
#: Colours kept in the PNG: enough for the seal's blend and anti-aliased text, and a file well under 1.5 MB.
_PALETTE_COLOURS = 64


def render_reference(path: Path = REFERENCE_PATH) -> Path:
    """Write the reference PNG to ``path`` and return it."""
    layout = dataclasses.replace(_reference_layout(), grain=0.0)
    pixels = render_layout(layout).pixels[:, :, ::-1]
    image = Image.fromarray(pixels).quantize(
        colors=_PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)
    return path


def _reference_layout() -> SheetLayout:
    rng = random.Random(REFERENCE_SEED)
    content = dataclasses.replace(skill_level.draft(rng), bilingual=True, subtitle=skill_level.SUBTITLE)
    return skill_level.layout(content, rng, skill_level.REFERENCE_STYLE)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.render_reference", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REFERENCE_PATH, help=f"PNG to write (default {REFERENCE_PATH})")
    parser.add_argument("--learn", action="store_true",
                        help="also learn each built-in template's layout.json from its new reference (runs OCR)")
    args = parser.parse_args(argv)
    sys.stdout.write(f"{render_reference(args.out)}\n")
    for path in render_official_references():
        sys.stdout.write(f"{path}\n")
    if args.learn:
        from certcheck.pipeline import Checker  # the checks' OCR settings (detection size included)
        from certcheck.settings import get_settings

        engine = Checker.from_settings(get_settings()).engine
        layouts = {"hrss-skill-level-2021": _reference_layout,
                   **{tid: build for tid, build in OFFICIAL_REFERENCES.items()}}
        for template_id, build in layouts.items():
            sys.stdout.write(f"{learn_reference(template_id, build(), engine)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Render the built-in template's reference image: the ``skill_level_2021`` design, flat, with sample values.

Usage::

    python -m samples.render_reference [--out PATH]

The template registry learns where the labels of ``hrss-skill-level-2021`` sit
from this image (CONTRACT.md section 4), so it is the plain look
(:data:`~samples.generator.designs.skill_level.REFERENCE_STYLE`): one column of
rows, colons, no paper grain. It is a fixed seed, so the file only changes
when the design does.
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
from samples.generator.designs.official_references import render_official_references
from samples.generator.render import render_layout

__all__ = ["REFERENCE_PATH", "REFERENCE_SEED", "main", "render_reference"]

REFERENCE_PATH = (
    Path(__file__).resolve().parents[1] / "templates_registry" / "builtin" / "hrss-skill-level-2021" / "reference.png"
)
REFERENCE_SEED = 2021
#: Colours kept in the PNG: enough for the seal's blend and anti-aliased text, and a file well under 1.5 MB.
_PALETTE_COLOURS = 64


def render_reference(path: Path = REFERENCE_PATH) -> Path:
    """Write the reference PNG to ``path`` and return it."""
    rng = random.Random(REFERENCE_SEED)
    content = dataclasses.replace(skill_level.draft(rng), bilingual=False, subtitle="")
    layout = dataclasses.replace(skill_level.layout(content, rng, skill_level.REFERENCE_STYLE), grain=0.0)
    pixels = render_layout(layout).pixels[:, :, ::-1]
    image = Image.fromarray(pixels).quantize(
        colors=_PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m samples.render_reference", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REFERENCE_PATH, help=f"PNG to write (default {REFERENCE_PATH})")
    args = parser.parse_args(argv)
    sys.stdout.write(f"{render_reference(args.out)}\n")
    for path in render_official_references():
        sys.stdout.write(f"{path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

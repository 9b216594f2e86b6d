"""Sheets that are not certificates at all: a blank page and a random picture.

A citizen may upload the wrong photo; the checker must then say it cannot
judge (``IMAGE_QUALITY``, risk ``unknown``) instead of calling it genuine or fake.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent
from samples.generator.render import Canvas, SheetLayout

__all__ = ["BLANK_SHEET_SIZE", "SCENE_SIZE", "RandomScene", "draft_nothing", "layout_blank", "layout_scene"]

BLANK_SHEET_SIZE = (1414, 2000)
SCENE_SIZE = (1600, 1200)


def draft_nothing(rng: random.Random) -> CertificateContent:
    """The content of a sheet that says nothing: no title, no fields."""
    return CertificateContent(kind=CertificateKind.UNKNOWN, title=None)


@dataclass(frozen=True)
class RandomScene:
    """A picture of random shapes over a smooth colour field, blurred a little like a photo."""

    seed: int
    shapes: int = 40

    def draw(self, canvas: Canvas) -> None:
        rng = random.Random(self.seed)
        w, h = canvas.size
        gradient = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
        a, b = (np.array([rng.randrange(256) for _ in range(3)], dtype=np.float32) for _ in range(2))
        field = np.broadcast_to(a + (b - a) * gradient, (h, w, 3))
        canvas.image.paste(Image.fromarray(field.astype(np.uint8)))
        for _ in range(self.shapes):
            self._shape(canvas.draw, rng, w, h)
        canvas.image.paste(canvas.image.filter(ImageFilter.GaussianBlur(2)))

    @staticmethod
    def _shape(draw: ImageDraw.ImageDraw, rng: random.Random, w: int, h: int) -> None:
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(20, 220)
        kind = rng.randrange(3)
        if kind == 0:
            draw.ellipse((x - r, y - r * 0.7, x + r, y + r * 0.7), fill=colour)
        elif kind == 1:
            draw.regular_polygon((x, y, r), rng.randrange(3, 8), rotation=rng.uniform(0, 360), fill=colour)
        else:
            draw.line(
                (x, y, x + rng.uniform(-3, 3) * r, y + rng.uniform(-3, 3) * r), fill=colour, width=rng.randrange(4, 30)
            )


def layout_blank(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """A blank A4 sheet (paper grain only)."""
    paper = rng.choice(((250, 250, 248), (246, 244, 236), (252, 252, 252)))
    return SheetLayout(BLANK_SHEET_SIZE, paper, (), grain_seed=rng.randrange(1 << 30))


def layout_scene(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """A print of a random picture, the size of a photo print."""
    return SheetLayout(SCENE_SIZE, (128, 128, 128), (RandomScene(rng.randrange(1 << 30)),), grain=0.0)

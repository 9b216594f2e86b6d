"""The project's own drawing of the national emblem (国徽), at any size, in colour or one ink.

Why drawn here: the emblem detector needs a reference to correlate with, and
the samples generator prints knock-offs that carry the emblem. The emblem's
design is fixed by the state standard GB 15093-2008 《中华人民共和国国徽》
(five gold stars over Tiananmen gate on a red field, a ring of wheat and rice
ears, a gear at the bottom, a red ribbon through the ears), so the project
draws it from that description with PIL primitives instead of copying anyone's
artwork (the reference images in ``../shared/reference-images/emblem/`` have no
licence and are only read to evaluate).

Geometry is given in *emblem units*: fractions of the square canvas side,
origin top-left, y down. The drawing is a simplified schematic (proportions
read off the standard's figure, not its construction grid), close enough for
correlation at the 24-96 px sizes the detector works at.

Styles:

* ``colour``: gold elements on a red field with a red ribbon (as flown and
  as printed on official documents in colour).
* ``red`` / ``black``: single-ink line-art as on official letterheads: the
  gold elements become ink, the red field and ribbon become paper with an
  inked outline.

>>> rgba = draw_emblem(64, EmblemStyle.RED)
>>> rgba.shape, rgba.dtype.name
((64, 64, 4), 'uint8')
>>> 0.15 < float((rgba[..., 3] > 127).mean()) < 0.6
True
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw

__all__ = ["EMBLEM_GOLD", "EMBLEM_RED", "EmblemLayers", "EmblemStyle", "draw_emblem", "emblem_layers", "emblem_ink"]

RGB = tuple[int, int, int]
#: GB 15093 prescribes gold and red; these are the screen values of a common rendering.
EMBLEM_GOLD: RGB = (250, 204, 40)
EMBLEM_RED: RGB = (222, 41, 16)
_DETAIL_GOLD: RGB = (190, 120, 10)
_BLACK_INK: RGB = (25, 24, 28)

#: Drawing is done at this multiple of the requested size, then area-averaged (anti-aliasing).
_SUPERSAMPLE = 4
#: The smallest internal canvas side, so details survive at tiny requested sizes.
_MIN_CANVAS = 256

# Layout in emblem units (see the module docstring).
_RING_CENTER = (0.5, 0.47)
_EAR_RADIUS = 0.415  # the ears' stalk circle
_FIELD_RADIUS = 0.35  # the red disc
_BIG_STAR = ((0.5, 0.20), 0.095)
_SMALL_STARS = ((0.32, 0.29), (0.43, 0.40), (0.57, 0.40), (0.68, 0.29))
_SMALL_STAR_RADIUS = 0.042
_GEAR_CENTER = (0.5, 0.80)
_GEAR_RADIUS = 0.085


class EmblemStyle(str, enum.Enum):
    """How the emblem is printed."""

    COLOUR = "colour"
    RED = "red"
    BLACK = "black"


@dataclass(frozen=True)
class EmblemLayers:
    """Coverage masks (float32 in [0, 1], ``size x size``) of the emblem's parts.

    Attributes:
        gold: the gold elements (stars, gate, ears, gear), details cut out.
        red: the red field and ribbon.
        detail: the cut lines inside gold elements (kernels, gate openings, gear hub).
        ears: the ring of wheat and rice ears alone (part of ``gold``).
    """

    gold: np.ndarray
    red: np.ndarray
    detail: np.ndarray
    ears: np.ndarray


Point = tuple[float, float]


def _star(center: Point, radius: float, toward: Point | None = None) -> list[Point]:
    """A five-pointed star; one tip points at ``toward`` (straight up without it)."""
    cx, cy = center
    heading = -math.pi / 2 if toward is None else math.atan2(toward[1] - cy, toward[0] - cx)
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.382
        a = heading + math.pi * i / 5
        points.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return points


def _ellipse(center: tuple[float, float], half_len: float, half_wid: float, angle: float) -> list[tuple[float, float]]:
    """Polygon of an ellipse with its long axis at ``angle`` radians."""
    cx, cy = center
    ca, sa = math.cos(angle), math.sin(angle)
    pts = []
    for k in range(16):
        t = 2 * math.pi * k / 16
        u, v = half_len * math.cos(t), half_wid * math.sin(t)
        pts.append((cx + u * ca - v * sa, cy + u * sa + v * ca))
    return pts


def _ears(gold: ImageDraw.ImageDraw, detail: ImageDraw.ImageDraw, s: float) -> None:
    """Two sheaves of wheat and rice ears rising from the ribbon to meet at the top.

    Angles are measured clockwise from the top of the ring (emblem units, y down).
    """
    cx, cy = _RING_CENTER
    for side in (-1, 1):
        for k in range(21):
            theta = math.radians(side * (156 - 7.2 * k))
            px = cx + _EAR_RADIUS * math.sin(theta)
            py = cy - _EAR_RADIUS * math.cos(theta)
            # Tangent pointing up along the ring; three rows of kernels lean off it.
            tangent = math.atan2(-side * math.sin(theta), -side * math.cos(theta))
            for offset, lean in ((-0.045, -0.55), (0.0, 0.0), (0.045, 0.55)):
                ox = px + offset * math.sin(theta)
                oy = py - offset * math.cos(theta)
                poly = _ellipse((ox, oy), 0.034, 0.017, tangent + side * lean)
                gold.polygon([(x * s, y * s) for x, y in poly], fill=255)
                detail.line([(x * s, y * s) for x, y in (*poly, poly[0])], fill=255, width=max(1, round(0.004 * s)))
        # The stalk.
        box = [(cx - _EAR_RADIUS) * s, (cy - _EAR_RADIUS) * s, (cx + _EAR_RADIUS) * s, (cy + _EAR_RADIUS) * s]
        start, end = (118, 268) if side < 0 else (272, 62 + 360)
        gold.arc(box, start, end, fill=255, width=max(1, round(0.012 * s)))


def _gate(gold: ImageDraw.ImageDraw, detail: ImageDraw.ImageDraw, s: float) -> None:
    """Tiananmen: the wall with five gateways, the balustrade, the hall with its double roof."""

    def rect(x0: float, y0: float, x1: float, y1: float, layer: ImageDraw.ImageDraw = gold) -> None:
        layer.rectangle((x0 * s, y0 * s, x1 * s, y1 * s), fill=255)

    def poly(points: list[tuple[float, float]], layer: ImageDraw.ImageDraw = gold) -> None:
        layer.polygon([(x * s, y * s) for x, y in points], fill=255)

    rect(0.17, 0.625, 0.83, 0.70)  # the wall, across the field
    rect(0.31, 0.605, 0.69, 0.625)  # balustrade
    rect(0.37, 0.555, 0.63, 0.605)  # the hall
    poly([(0.33, 0.56), (0.67, 0.56), (0.63, 0.535), (0.37, 0.535)])  # lower eaves
    rect(0.40, 0.515, 0.60, 0.535)
    poly([(0.37, 0.518), (0.63, 0.518), (0.59, 0.49), (0.41, 0.49)])  # upper roof
    for x in (0.25, 0.75):  # the two marble columns (华表)
        rect(x - 0.008, 0.575, x + 0.008, 0.625)
        rect(x - 0.02, 0.57, x + 0.02, 0.58)
    for i in range(5):  # gateways, the middle one widest
        x = 0.5 + (i - 2) * 0.07
        half = 0.02 if i == 2 else 0.014
        rect(x - half, 0.655, x + half, 0.70, detail)
    for i in range(7):  # columns of the hall
        x = 0.385 + i * 0.038
        rect(x - 0.003, 0.565, x + 0.003, 0.60, detail)
    rect(0.17, 0.69, 0.83, 0.694, detail)


def _gear(gold: ImageDraw.ImageDraw, detail: ImageDraw.ImageDraw, s: float) -> None:
    cx, cy = _GEAR_CENTER
    r = _GEAR_RADIUS
    teeth = []
    for k in range(64):
        a = 2 * math.pi * k / 64
        rr = r if (k // 2) % 2 == 0 else r * 0.82
        teeth.append(((cx + rr * math.cos(a)) * s, (cy + rr * math.sin(a)) * s))
    gold.polygon(teeth, fill=255)
    hub = 0.035
    detail.ellipse(((cx - hub) * s, (cy - hub) * s, (cx + hub) * s, (cy + hub) * s), outline=255,
                   width=max(1, round(0.008 * s)))


def _ribbon(red: ImageDraw.ImageDraw, detail: ImageDraw.ImageDraw, s: float) -> None:
    """The ribbon: tied under the gear, its ends hanging down both sides."""
    for side in (-1, 1):
        def x(v: float) -> float:
            return (0.5 + side * (v - 0.5)) * s

        drape = [(0.10, 0.70), (0.22, 0.76), (0.36, 0.82), (0.43, 0.85), (0.43, 0.92), (0.33, 0.89),
                 (0.27, 0.985), (0.16, 0.955), (0.19, 0.88), (0.08, 0.82)]
        red.polygon([(x(u), v * s) for u, v in drape], fill=255)
        for u0, v0, u1, v1 in ((0.16, 0.78, 0.22, 0.95), (0.26, 0.80, 0.30, 0.93)):
            detail.line((x(u0), v0 * s, x(u1), v1 * s), fill=255, width=max(1, round(0.005 * s)))
    red.rectangle((0.42 * s, 0.845 * s, 0.58 * s, 0.905 * s), fill=255)


@lru_cache(maxsize=32)
def _layers_cached(size: int) -> EmblemLayers:
    canvas = max(size * _SUPERSAMPLE, _MIN_CANVAS)
    s = float(canvas)
    gold_img, red_img, detail_img, ears_img = (Image.new("L", (canvas, canvas), 0) for _ in range(4))
    gold, red, detail, ears = (ImageDraw.Draw(im) for im in (gold_img, red_img, detail_img, ears_img))
    fx, fy = _RING_CENTER
    red.ellipse(((fx - _FIELD_RADIUS) * s, (fy - _FIELD_RADIUS) * s, (fx + _FIELD_RADIUS) * s,
                 (fy + _FIELD_RADIUS) * s), fill=255)
    _ears(ears, detail, s)
    big_center, big_radius = _BIG_STAR
    gold.polygon([(x * s, y * s) for x, y in _star(big_center, big_radius)], fill=255)
    for center in _SMALL_STARS:
        gold.polygon([(x * s, y * s) for x, y in _star(center, _SMALL_STAR_RADIUS, big_center)], fill=255)
    _gate(gold, detail, s)
    _ribbon(red, detail, s)
    _gear(gold, detail, s)

    def shrink(im: Image.Image) -> np.ndarray:
        arr = np.asarray(im, dtype=np.float32) / 255.0
        return cv2.resize(arr, (size, size), interpolation=cv2.INTER_AREA)

    e = shrink(ears_img)
    g, r, d = np.maximum(shrink(gold_img), e), shrink(red_img), shrink(detail_img)
    g = np.clip(g - d, 0.0, 1.0)
    e = np.clip(e - d, 0.0, 1.0)
    r = np.clip(r - g, 0.0, 1.0)  # gold lies over the field
    for arr in (g, r, d, e):
        arr.setflags(write=False)
    return EmblemLayers(gold=g, red=r, detail=d, ears=e)


def emblem_layers(size: int) -> EmblemLayers:
    """The emblem's part masks at ``size`` x ``size`` pixels (cached; read-only arrays).

    Raises:
        ValueError: ``size`` is under 8 pixels.
    """
    if size < 8:
        raise ValueError(f"the emblem cannot be drawn under 8 px (asked for {size})")
    return _layers_cached(int(size))


def emblem_ink(size: int, style: EmblemStyle) -> np.ndarray:
    """Ink coverage (float32 in [0, 1]) of a single-ink print of the emblem.

    The gold elements are inked; the red field and the ribbon are paper with an
    inked outline about 1.2 % of the side wide (``colour`` gives the union of
    all parts, the emblem's silhouette).
    """
    layers = emblem_layers(size)
    if style is EmblemStyle.COLOUR:
        return np.clip(layers.gold + layers.red + layers.detail, 0.0, 1.0)
    red_binary = (layers.red > 0.5).astype(np.uint8)
    width = max(1, round(0.012 * size))
    outline = cv2.morphologyEx(red_binary, cv2.MORPH_GRADIENT, np.ones((width + 1, width + 1), np.uint8))
    return np.clip(layers.gold + outline.astype(np.float32) * (layers.gold < 0.5), 0.0, 1.0)


def draw_emblem(size: int, style: EmblemStyle = EmblemStyle.COLOUR, ink: RGB | None = None) -> np.ndarray:
    """The emblem as an RGBA uint8 image of ``size`` x ``size`` pixels (transparent around it).

    Args:
        size: side in pixels (at least 8).
        style: colour, or single-ink ``red`` / ``black`` line-art.
        ink: the ink colour of a single-ink print (defaults: the emblem red, near-black).
    """
    layers = emblem_layers(size)
    if style is EmblemStyle.COLOUR:
        rgb = np.zeros((size, size, 3), np.float32)
        alpha = np.clip(layers.gold + layers.red + layers.detail, 0.0, 1.0)
        for part, colour in ((layers.red, EMBLEM_RED), (layers.detail, _DETAIL_GOLD), (layers.gold, EMBLEM_GOLD)):
            rgb += part[..., None] * np.asarray(colour, np.float32)
        rgb /= np.maximum(alpha, 1e-6)[..., None]
    else:
        alpha = emblem_ink(size, style)
        colour = ink or (EMBLEM_RED if style is EmblemStyle.RED else _BLACK_INK)
        rgb = np.broadcast_to(np.asarray(colour, np.float32), (size, size, 3)).copy()
    out = np.dstack([np.clip(rgb, 0, 255), alpha[..., None] * 255.0])
    return np.round(out).astype(np.uint8)

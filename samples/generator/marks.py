"""Drawn marks of a certificate: the round seal, the QR code, the holder photo, security patterns.

Everything is drawn from parameters (no image assets), so the corpus carries no
third-party artwork and every mark is reproducible from the layout alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import zxingcpp
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from samples.generator.content import EmblemPrint, SealSpec
from samples.generator.fonts import FontRole, fit_font_size, load_font
from vision.emblem_art import EmblemStyle, draw_emblem

__all__ = [
    "PortraitSpec",
    "draw_emblem_print",
    "draw_guilloche",
    "draw_portrait",
    "draw_qr",
    "draw_watermark",
    "seal_alpha",
]

RGB = tuple[int, int, int]

#: Seal geometry as fractions of the radius, after common 公章 proportions
#: (GA 241-2000: text ring close to the rim, a star about half the diameter wide).
_RING_WIDTH = 0.055
_ARC_TEXT_RADIUS = 0.72
_ARC_CHAR_SIZE = 0.24
_ARC_MAX_SPAN_DEG = 250.0
_STAR_RADIUS = 0.27
_BOTTOM_TEXT_SIZE = 0.15


def _star_points(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.382
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi * i / 5
        points.append((cx + radius * math.sin(angle), cy - radius * math.cos(angle)))
    return points


def _arc_glyph_layout(count: int, radius: float) -> tuple[int, float]:
    """Glyph size and angular step (degrees) that fit ``count`` glyphs on the seal's arc."""
    size = _ARC_CHAR_SIZE * radius
    step = math.degrees(size * 1.08 / (_ARC_TEXT_RADIUS * radius))
    if count > 1 and step * (count - 1) > _ARC_MAX_SPAN_DEG:
        step = _ARC_MAX_SPAN_DEG / (count - 1)
        size = math.radians(step) * _ARC_TEXT_RADIUS * radius / 1.08
    return max(8, round(size)), step


def _draw_arc_text(layer: Image.Image, text: str, center: float, radius: float) -> None:
    """Glyphs of ``text`` around the top of the seal, each turned to face outwards."""
    size, step = _arc_glyph_layout(len(text), radius)
    font = load_font(FontRole.SANS_BOLD, size)
    first = -step * (len(text) - 1) / 2
    for i, glyph in enumerate(text):
        angle = first + i * step
        tile = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(tile).text((size, size), glyph, fill=255, font=font, anchor="mm")
        tile = tile.rotate(-angle, resample=Image.Resampling.BICUBIC)
        x = center + _ARC_TEXT_RADIUS * radius * math.sin(math.radians(angle))
        y = center - _ARC_TEXT_RADIUS * radius * math.cos(math.radians(angle))
        box = (round(x - size), round(y - size))
        region = layer.crop((box[0], box[1], box[0] + size * 2, box[1] + size * 2))
        layer.paste(ImageChops.lighter(region, tile), box)


def _ink_texture(alpha: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Uneven stamp-pad ink: low-frequency pressure changes plus speckled dropouts."""
    h, w = alpha.shape
    pressure = cv2.resize(rng.uniform(0.55, 1.0, (6, 6)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    speckle = (rng.random((h, w)) > 0.06).astype(np.float32)
    speckle = cv2.GaussianBlur(speckle, (0, 0), 0.8)
    return np.clip(alpha * np.clip(pressure + 0.15, 0, 1) * (0.35 + 0.65 * speckle), 0, 1)


def seal_alpha(spec: SealSpec, radius: int, rotation_deg: float, ink_seed: int) -> np.ndarray:
    """Ink coverage of a round seal, a float32 square of side ``2 * radius + 4`` in [0, 1].

    Args:
        spec: the seal's wording.
        radius: outer radius in sheet pixels.
        rotation_deg: how far the stamp was turned when pressed (clockwise).
        ink_seed: seed of the ink texture, so the same layout stamps the same way.
    """
    side = 2 * radius + 4
    center = side / 2
    layer = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(layer)
    ring = max(2, round(_RING_WIDTH * radius))
    draw.ellipse((center - radius, center - radius, center + radius, center + radius), outline=255, width=ring)
    draw.polygon(_star_points(center, center - 0.02 * radius, _STAR_RADIUS * radius), fill=255)
    _draw_arc_text(layer, spec.arc_text, center, radius)
    if spec.bottom_text:
        size = fit_font_size(spec.bottom_text, FontRole.SANS_BOLD, round(_BOTTOM_TEXT_SIZE * radius), 1.1 * radius)
        font = load_font(FontRole.SANS_BOLD, size)
        draw.text((center, center + 0.5 * radius), spec.bottom_text, fill=255, font=font, anchor="mm")
    layer = layer.rotate(-rotation_deg, resample=Image.Resampling.BICUBIC)
    alpha = np.asarray(layer, dtype=np.float32) / 255.0
    return _ink_texture(alpha, np.random.default_rng(ink_seed))


def draw_qr(payload: str, side: int) -> Image.Image:
    """A black-on-white QR code (error correction M, 4-module quiet zone) about ``side`` pixels wide.

    The module size is a whole number of pixels, so the code stays crisp; the
    result may be a little smaller than ``side``.
    """
    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = np.asarray(barcode.to_image(scale=1, add_quiet_zones=True), dtype=np.uint8)
    scale = max(1, side // modules.shape[0])
    return Image.fromarray(np.kron(modules, np.ones((scale, scale), dtype=np.uint8)), mode="L")


@dataclass(frozen=True)
class PortraitSpec:
    """How the placeholder ID photo looks: a head-and-shoulders drawing on white."""

    skin: RGB
    hair: RGB
    jacket: RGB
    shirt: RGB
    long_hair: bool
    head_width: float
    head_tilt: float


def _draw_shoulders(draw: ImageDraw.ImageDraw, spec: PortraitSpec, w: int, h: int) -> None:
    cx = w / 2
    draw.ellipse((cx - 0.62 * w, 0.74 * h, cx + 0.62 * w, 1.45 * h), fill=spec.jacket)
    draw.polygon([(cx - 0.16 * w, 0.74 * h), (cx + 0.16 * w, 0.74 * h), (cx, 0.98 * h)], fill=spec.shirt)
    draw.rectangle((cx - 0.09 * w, 0.6 * h, cx + 0.09 * w, 0.78 * h), fill=spec.skin)


def _head_geometry(spec: PortraitSpec, w: int, h: int) -> tuple[float, float, float, float]:
    """Centre and half-sizes of the head ellipse."""
    return w / 2 + spec.head_tilt * w, 0.44 * h, spec.head_width * w / 2, 0.21 * h


def _draw_long_hair(draw: ImageDraw.ImageDraw, spec: PortraitSpec, w: int, h: int) -> None:
    """Hair falling behind the head to the shoulders (drawn first, so neck and jacket cover its lower part)."""
    cx, cy, hw, hh = _head_geometry(spec, w, h)
    draw.rounded_rectangle(
        (cx - hw * 1.25, cy - hh * 1.1, cx + hw * 1.25, cy + hh * 1.6), round(hw * 0.5), fill=spec.hair
    )


def _draw_head(draw: ImageDraw.ImageDraw, spec: PortraitSpec, w: int, h: int) -> None:
    cx, cy, hw, hh = _head_geometry(spec, w, h)
    draw.ellipse((cx - hw * 1.12, cy - 0.2 * hh, cx - hw * 0.88, cy + 0.35 * hh), fill=spec.skin)
    draw.ellipse((cx + hw * 0.88, cy - 0.2 * hh, cx + hw * 1.12, cy + 0.35 * hh), fill=spec.skin)
    draw.ellipse((cx - hw, cy - hh, cx + hw, cy + hh), fill=spec.skin)
    draw.chord((cx - hw * 1.05, cy - hh * 1.18, cx + hw * 1.05, cy + hh * 0.55), 180, 360, fill=spec.hair)
    for side in (-1, 1):
        ex = cx + side * 0.38 * hw
        draw.ellipse((ex - 0.1 * hw, cy + 0.05 * hh, ex + 0.1 * hw, cy + 0.15 * hh), fill=(40, 32, 30))
        draw.line((ex - 0.18 * hw, cy - 0.08 * hh, ex + 0.18 * hw, cy - 0.1 * hh), fill=spec.hair, width=3)
    shade = tuple(max(0, c - 45) for c in spec.skin)
    draw.line((cx, cy + 0.15 * hh, cx - 0.05 * hw, cy + 0.42 * hh), fill=shade, width=2)
    draw.arc((cx - 0.3 * hw, cy + 0.45 * hh, cx + 0.3 * hw, cy + 0.7 * hh), 20, 160, fill=(150, 70, 70), width=3)


def draw_portrait(spec: PortraitSpec, size: tuple[int, int]) -> Image.Image:
    """A head-and-shoulders ID photo on a white background (人社鉴发〔2021〕1号 §三: 1-inch, white)."""
    w, h = size
    image = Image.new("RGB", size, (252, 252, 252))
    draw = ImageDraw.Draw(image)
    if spec.long_hair:
        _draw_long_hair(draw, spec, w, h)
    _draw_shoulders(draw, spec, w, h)
    _draw_head(draw, spec, w, h)
    return image.filter(ImageFilter.GaussianBlur(1.2))


def draw_guilloche(
    draw: ImageDraw.ImageDraw, center: tuple[float, float], radius: float, color: RGB, petals: int
) -> None:
    """A rosette of overlapping sine-modulated rings, the anti-copy pattern of printed certificates."""
    cx, cy = center
    t = np.linspace(0, 2 * np.pi, 1400)
    for ring in range(14):
        phase = ring * np.pi / 7
        base = radius * (0.55 + 0.03 * ring)
        r = base + 0.22 * radius * np.sin(petals * t + phase) * np.cos(3 * t - phase)
        points = list(zip((cx + r * np.cos(t)).tolist(), (cy + r * np.sin(t)).tolist(), strict=True))
        draw.line(points, fill=color, width=1)


def draw_watermark(size: tuple[int, int], text: str, size_px: int, angle_deg: float) -> np.ndarray:
    """Coverage (float32 in [0, 1]) of ``text`` tiled diagonally over a sheet of ``size``."""
    w, h = size
    diagonal = int(math.hypot(w, h))
    tile = Image.new("L", (diagonal, diagonal), 0)
    draw = ImageDraw.Draw(tile)
    font = load_font(FontRole.SANS_BOLD, size_px)
    step_x = int(font.getlength(text) + 3 * size_px)
    for row, y in enumerate(range(0, diagonal, 4 * size_px)):
        for x in range(-(row % 2) * step_x // 2, diagonal, step_x):
            draw.text((x, y), text, fill=255, font=font)
    tile = tile.rotate(angle_deg, resample=Image.Resampling.BILINEAR)
    left, top = (diagonal - w) // 2, (diagonal - h) // 2
    return np.asarray(tile.crop((left, top, left + w, top + h)), dtype=np.float32) / 255.0


def draw_emblem_print(spec: EmblemPrint, sheet_size: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int]]:
    """The emblem as printed: premultiplied RGBA float32 (RGB times coverage) and its top-left on the sheet.

    A tiled print covers the whole sheet (origin ``(0, 0)``) with emblems
    ``spec.size`` of the short side apart in a staggered grid; otherwise one
    emblem is drawn at ``spec.center``, turned by ``spec.rotation_deg``. The
    emblem itself is the project's drawing (``vision/emblem_art.py``).
    """
    w, h = sheet_size
    side = max(8, round(spec.size * min(w, h)))
    rgba = draw_emblem(side, EmblemStyle(spec.style)).astype(np.float32) / 255.0
    if spec.rotation_deg:
        turn = cv2.getRotationMatrix2D((side / 2, side / 2), spec.rotation_deg, 1.0)
        rgba = cv2.warpAffine(rgba, turn, (side, side), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0, 0))
    premultiplied = np.dstack([rgba[..., :3] * rgba[..., 3:], rgba[..., 3:]]) * spec.opacity
    if not spec.tiled:
        cx, cy = spec.center
        return premultiplied, (round(cx * w - side / 2), round(cy * h - side / 2))
    sheet = np.zeros((h, w, 4), np.float32)
    step = round(side * 2.2)
    for row, y in enumerate(range(-side // 2, h, step)):
        for x in range(-side // 2 + (row % 2) * step // 2, w, step):
            x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + side, w), min(y + side, h)
            if x1 > x0 and y1 > y0:
                sheet[y0:y1, x0:x1] = premultiplied[y0 - y : y1 - y, x0 - x : x1 - x]
    return sheet, (0, 0)

"""Rasterise a sheet layout: printed items drawn in order onto paper, field boxes recorded.

Coordinates here are **render space**: pixels of the flat, upright sheet. Each
text item that prints a truth field records its ink box, which the photo stage
later maps into photo pixels through the same homography as the sheet.

A layout is a tuple of items; every item is a frozen dataclass with a
``draw(canvas)`` method, so a new kind of mark (an emblem, a hologram sticker)
is one new item class in the module that needs it, and nothing here changes.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from samples.generator.content import EmblemPrint, SealSpec
from samples.generator.fonts import FontRole, load_font, text_width
from samples.generator.marks import (
    PortraitSpec,
    draw_emblem_print,
    draw_guilloche,
    draw_portrait,
    draw_qr,
    draw_watermark,
    seal_alpha,
)

__all__ = [
    "INK",
    "Canvas",
    "Emblem",
    "Frame",
    "Guilloche",
    "Item",
    "Line",
    "Portrait",
    "PrintedText",
    "QrCode",
    "RenderedSheet",
    "Seal",
    "SheetLayout",
    "Text",
    "Watermark",
    "render_layout",
    "with_emblems",
]

RGB = tuple[int, int, int]
#: ``(x0, y0, x1, y1)`` in float render-space pixels.
BoxF = tuple[float, float, float, float]
#: Near-black of printing ink, never pure black (paper and ink both scatter light).
INK: RGB = (28, 26, 30)


@dataclass(frozen=True)
class PrintedText:
    """One printed line of text and its ink box in render space; ``key`` names the truth field it prints."""

    text: str
    box: BoxF
    key: str | None = None


class Canvas:
    """The sheet being printed: a PIL image plus the boxes of the texts drawn on it."""

    def __init__(self, size: tuple[int, int], paper: RGB) -> None:
        self.image = Image.new("RGB", size, paper)
        self.draw = ImageDraw.Draw(self.image)
        self.texts: list[PrintedText] = []

    @property
    def size(self) -> tuple[int, int]:
        return self.image.size

    def record_text(self, text: str, box: BoxF, key: str | None) -> None:
        self.texts.append(PrintedText(text=text, box=box, key=key))

    def blend_ink(self, alpha: np.ndarray, origin: tuple[int, int], color: RGB, opacity: float) -> None:
        """Multiply-blend translucent ink (a stamp, a watermark) so that print under it stays visible."""
        x0, y0 = origin
        h, w = alpha.shape
        cx0, cy0 = max(0, x0), max(0, y0)
        cx1, cy1 = min(self.size[0], x0 + w), min(self.size[1], y0 + h)
        if cx1 <= cx0 or cy1 <= cy0:
            return
        region = np.asarray(self.image.crop((cx0, cy0, cx1, cy1)), dtype=np.float32)
        a = alpha[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0, None] * opacity
        tint = np.asarray(color, dtype=np.float32) / 255.0
        blended = region * (1.0 - a * (1.0 - tint))
        self.image.paste(Image.fromarray(np.clip(blended + 0.5, 0, 255).astype(np.uint8)), (cx0, cy0))


class Item(Protocol):
    """Anything a layout prints."""

    def draw(self, canvas: Canvas) -> None: ...


def _union(boxes: Sequence[BoxF]) -> BoxF:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _ink_box(canvas: Canvas, xy: tuple[float, float], text: str, font: ImageFont.FreeTypeFont, anchor: str) -> BoxF:
    x0, y0, x1, y1 = canvas.draw.textbbox(xy, text, font=font, anchor=anchor)
    return (float(x0), float(y0), float(x1), float(y1))


@dataclass(frozen=True)
class Text:
    """A line of text.

    Attributes:
        text: what is printed.
        xy: the anchor point in render space.
        role: the typeface.
        size: the font size in pixels.
        fill: the ink colour.
        anchor: PIL text anchor (``ls`` left-baseline, ``ms`` middle-baseline...).
        key: the truth field this text prints, if any (its box is recorded).
        tracking: extra space between glyphs in em (spaced-out titles).
    """

    text: str
    xy: tuple[float, float]
    role: FontRole
    size: int
    fill: RGB = INK
    anchor: str = "ls"
    key: str | None = None
    tracking: float = 0.0

    def draw(self, canvas: Canvas) -> None:
        if not self.text:
            return
        font = load_font(self.role, self.size)
        if self.tracking == 0.0:
            canvas.draw.text(self.xy, self.text, fill=self.fill, font=font, anchor=self.anchor)
            canvas.record_text(self.text, _ink_box(canvas, self.xy, self.text, font, self.anchor), self.key)
        else:
            canvas.record_text(self.text, self._draw_tracked(canvas, font), self.key)

    def _draw_tracked(self, canvas: Canvas, font: ImageFont.FreeTypeFont) -> BoxF:
        """Glyph by glyph, ``tracking`` em apart; returns the union of the glyphs' ink boxes."""
        width = text_width(self.text, self.role, self.size, self.tracking)
        x = self.xy[0] - {"l": 0.0, "m": width / 2, "r": width}[self.anchor[0]]
        glyph_anchor = "l" + self.anchor[1]
        boxes = []
        for glyph in self.text:
            canvas.draw.text((x, self.xy[1]), glyph, fill=self.fill, font=font, anchor=glyph_anchor)
            boxes.append(_ink_box(canvas, (x, self.xy[1]), glyph, font, glyph_anchor))
            x += font.getlength(glyph) + self.tracking * self.size
        return _union(boxes)


@dataclass(frozen=True)
class Line:
    """A straight rule (a signature line, a separator)."""

    start: tuple[float, float]
    end: tuple[float, float]
    fill: RGB
    width: int = 2

    def draw(self, canvas: Canvas) -> None:
        canvas.draw.line((self.start, self.end), fill=self.fill, width=self.width)


@dataclass(frozen=True)
class Frame:
    """A printed double border with corner ornaments, inset ``margin`` pixels from the sheet edge."""

    margin: int
    fill: RGB
    width: int = 6
    gap: int = 14
    ornament: int = 60

    def draw(self, canvas: Canvas) -> None:
        w, h = canvas.size
        m = self.margin
        canvas.draw.rectangle((m, m, w - m, h - m), outline=self.fill, width=self.width)
        inner = m + self.width + self.gap
        canvas.draw.rectangle((inner, inner, w - inner, h - inner), outline=self.fill, width=max(1, self.width // 3))
        for cx, cy in ((inner, inner), (w - inner, inner), (w - inner, h - inner), (inner, h - inner)):
            r = self.ornament / 2
            canvas.draw.ellipse((cx - r, cy - r, cx + r, cy + r), outline=self.fill, width=max(1, self.width // 2))
            canvas.draw.regular_polygon((cx, cy, r * 0.55), 4, rotation=45, fill=self.fill)


@dataclass(frozen=True)
class Guilloche:
    """The faint rosette background pattern (see :func:`samples.generator.marks.draw_guilloche`)."""

    center: tuple[float, float]
    radius: float
    color: RGB
    petals: int = 9

    def draw(self, canvas: Canvas) -> None:
        draw_guilloche(canvas.draw, self.center, self.radius, self.color, self.petals)


@dataclass(frozen=True)
class Portrait:
    """The holder's photo: a drawn placeholder face in a thin-bordered box."""

    box: tuple[int, int, int, int]
    spec: PortraitSpec

    def draw(self, canvas: Canvas) -> None:
        x0, y0, x1, y1 = self.box
        canvas.image.paste(draw_portrait(self.spec, (x1 - x0, y1 - y0)), (x0, y0))
        canvas.draw.rectangle(self.box, outline=(150, 150, 150), width=1)


@dataclass(frozen=True)
class QrCode:
    """A QR code whose top-left corner is ``xy`` and side about ``side`` pixels."""

    xy: tuple[int, int]
    side: int
    payload: str

    def draw(self, canvas: Canvas) -> None:
        code = draw_qr(self.payload, self.side)
        canvas.image.paste(Image.merge("RGB", (code, code, code)), self.xy)


@dataclass(frozen=True)
class Seal:
    """A round stamp pressed at ``center``, in multiply-blended ink so the print under it shows."""

    center: tuple[float, float]
    radius: int
    spec: SealSpec
    rotation_deg: float = 0.0
    ink_seed: int = 0
    opacity: float = 0.9

    def draw(self, canvas: Canvas) -> None:
        alpha = seal_alpha(self.spec, self.radius, self.rotation_deg, self.ink_seed)
        side = alpha.shape[0]
        origin = (round(self.center[0] - side / 2), round(self.center[1] - side / 2))
        canvas.blend_ink(alpha, origin, self.spec.color, self.opacity)


@dataclass(frozen=True)
class Watermark:
    """Faint diagonal text tiled over the whole sheet."""

    text: str
    color: RGB
    size_px: int = 64
    angle_deg: float = 30.0
    opacity: float = 0.18

    def draw(self, canvas: Canvas) -> None:
        coverage = draw_watermark(canvas.size, self.text, self.size_px, self.angle_deg)
        canvas.blend_ink(coverage, (0, 0), self.color, self.opacity)


@dataclass(frozen=True)
class Emblem:
    """A printed national emblem (or a tiled emblem background), over the paper and under the text.

    Printing multiplies the paper by the ink (like :meth:`Canvas.blend_ink`),
    so black print under a colour emblem stays legible.
    """

    spec: EmblemPrint

    def draw(self, canvas: Canvas) -> None:
        premultiplied, (x0, y0) = draw_emblem_print(self.spec, canvas.size)
        h, w = premultiplied.shape[:2]
        cx0, cy0 = max(0, x0), max(0, y0)
        cx1, cy1 = min(canvas.size[0], x0 + w), min(canvas.size[1], y0 + h)
        if cx1 <= cx0 or cy1 <= cy0:
            return
        part = premultiplied[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
        region = np.asarray(canvas.image.crop((cx0, cy0, cx1, cy1)), dtype=np.float32)
        alpha = part[..., 3:]
        # Ink over paper: a multiply blend with the emblem's colour where it is inked.
        tint = part[..., :3] + (1.0 - alpha)
        canvas.image.paste(Image.fromarray(np.clip(region * tint + 0.5, 0, 255).astype(np.uint8)), (cx0, cy0))


def with_emblems(layout: SheetLayout, emblems: Sequence[EmblemPrint]) -> SheetLayout:
    """``layout`` with ``emblems`` printed right after its first item (the background pattern), under the text."""
    if not emblems:
        return layout
    items = (*layout.items[:1], *(Emblem(spec) for spec in emblems), *layout.items[1:])
    return dataclasses.replace(layout, items=items)


@dataclass(frozen=True)
class SheetLayout:
    """A sheet ready to print: its size, paper colour, the items in drawing order, and paper grain.

    Attributes:
        size: ``(width, height)`` in render-space pixels.
        paper: the paper colour.
        items: what is printed, drawn in order (later items over earlier ones).
        grain_seed: seed of the paper-fibre noise, so a layout always prints the same.
        grain: standard deviation of the paper-fibre noise, in grey levels.
    """

    size: tuple[int, int]
    paper: RGB
    items: tuple[Item, ...]
    grain_seed: int = 0
    grain: float = 2.0


@dataclass(frozen=True)
class RenderedSheet:
    """A printed sheet: BGR pixels plus where each text landed, in render space."""

    pixels: np.ndarray
    texts: tuple[PrintedText, ...] = field(default_factory=tuple)

    @property
    def size(self) -> tuple[int, int]:
        return (int(self.pixels.shape[1]), int(self.pixels.shape[0]))

    def field_boxes(self) -> dict[str, BoxF]:
        """Ink box of every truth field printed, by key (the union when a field spans several texts)."""
        boxes: dict[str, list[BoxF]] = {}
        for text in self.texts:
            if text.key is not None:
                boxes.setdefault(text.key, []).append(text.box)
        return {key: _union(parts) for key, parts in boxes.items()}


def _paper_grain(size: tuple[int, int], sigma: float, seed: int) -> np.ndarray:
    """Paper fibres: fine noise stretched a little along the sheet, as int16 offsets in grey levels."""
    w, h = size
    rng = np.random.default_rng(seed)
    small = rng.normal(0.0, sigma, (math.ceil(h / 2), math.ceil(w / 3))).astype(np.float32)
    fibres = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.round(fibres).astype(np.int16)[:, :, None]


def render_layout(layout: SheetLayout) -> RenderedSheet:
    """Print ``layout``: draw every item in order, add paper grain, return BGR pixels and text boxes."""
    canvas = Canvas(layout.size, layout.paper)
    for item in layout.items:
        item.draw(canvas)
    rgb = np.asarray(canvas.image, dtype=np.int16)
    if layout.grain > 0:
        rgb = rgb + _paper_grain(layout.size, layout.grain, layout.grain_seed)
    bgr = np.ascontiguousarray(np.clip(rgb, 0, 255).astype(np.uint8)[:, :, ::-1])
    return RenderedSheet(pixels=bgr, texts=tuple(canvas.texts))

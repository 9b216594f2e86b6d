"""Draw evidence boxes on the uploaded image, for the report's ``annotated_image``.

Boxes are in upload space (what the report's ``bbox`` fields say), so the
picture and the JSON agree pixel for pixel. The PNG is at most
:data:`MAX_LONG_SIDE` pixels long (phones show it; a 12 MP PNG would be tens
of megabytes); boxes are scaled with the image. Line width and label size
follow the image's size so that a label stays legible on a phone screen when
the whole image is shown: labels are ~1/45 of the long side, at least 14 px.

Personal data: regions passed as ``redact`` (where an ID number is printed)
are pixelated beyond reading before anything is drawn, because the annotated
image travels inside the report (CONTRACT.md section 3 masks ID numbers
everywhere in it).

Labels are drawn with OpenCV's Hershey font, which has ASCII glyphs only: they
are meant for evidence codes (``ADDED_TEXT``), and anything else is refused
rather than drawn as question marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from certcheck.types import BBox, Severity

__all__ = ["MAX_LONG_SIDE", "SEVERITY_COLORS", "AnnotationItem", "annotate"]

#: Long side, in pixels, of the annotated PNG at most.
MAX_LONG_SIDE = 2000

#: Box and tag colours (BGR): high red, medium orange, low amber, info blue.
SEVERITY_COLORS: dict[Severity, tuple[int, int, int]] = {
    Severity.HIGH: (40, 40, 220),
    Severity.MEDIUM: (0, 140, 255),
    Severity.LOW: (0, 200, 230),
    Severity.INFO: (220, 120, 30),
}
# Label text colour per severity: dark on the light amber tag, white elsewhere.
_TEXT_COLORS: dict[Severity, tuple[int, int, int]] = {
    Severity.HIGH: (255, 255, 255),
    Severity.MEDIUM: (255, 255, 255),
    Severity.LOW: (20, 20, 20),
    Severity.INFO: (255, 255, 255),
}
_FONT = cv2.FONT_HERSHEY_SIMPLEX


@dataclass(frozen=True)
class AnnotationItem:
    """One box to draw.

    Attributes:
        bbox: ``(x0, y0, x1, y1)`` in upload space, x1/y1 exclusive.
        label: the text of the tag, an evidence code (printable ASCII).
        severity: ``"high"``, ``"medium"``, ``"low"`` or ``"info"`` (or a :class:`Severity`).

    Raises:
        ValueError: on an inverted box, a non-ASCII label or an unknown severity.
    """

    bbox: BBox
    label: str
    severity: str

    def __post_init__(self) -> None:
        x0, y0, x1, y1 = self.bbox
        if x1 < x0 or y1 < y0:
            raise ValueError(f"bbox must be (x0, y0, x1, y1) with x0 <= x1 and y0 <= y1, got {self.bbox}")
        if not (self.label.isascii() and self.label.isprintable()):
            raise ValueError(f"label must be printable ASCII (an evidence code), got {self.label!r}")
        Severity(self.severity)  # raises ValueError naming the bad value

    @property
    def level(self) -> Severity:
        return Severity(self.severity)


def annotate(upload_pixels: np.ndarray, items: Sequence[AnnotationItem], redact: Sequence[BBox] = ()) -> bytes:
    """Draw each item's box and tag on a copy of the upload and encode it as PNG.

    Higher severities are drawn last, so they stay on top where boxes overlap.

    Args:
        upload_pixels: ``H x W x 3`` uint8 BGR (or ``H x W`` gray) upload-space pixels.
        items: the boxes to draw, in upload space; boxes reaching outside the
            image are clipped to it.
        redact: upload-space boxes to pixelate first (printed ID numbers).

    Returns:
        PNG bytes, at most :data:`MAX_LONG_SIDE` pixels on the long side.

    Raises:
        ValueError: the pixels are not a non-empty uint8 gray or BGR image.
    """
    canvas, scale = _canvas(upload_pixels)
    height, width = canvas.shape[:2]
    style = _Style.for_size(max(width, height))
    for bbox in redact:
        _pixelate(canvas, _scaled_box(bbox, scale, width, height))
    for item in sorted(items, key=lambda it: it.level.rank):
        box = _scaled_box(item.bbox, scale, width, height)
        _draw_item(canvas, box, item.label, item.level, style)
    ok, png = cv2.imencode(".png", canvas, [cv2.IMWRITE_PNG_COMPRESSION, 3])
    if not ok:
        raise ValueError("PNG encoding failed")
    return png.tobytes()


def _canvas(pixels: np.ndarray) -> tuple[np.ndarray, float]:
    """A BGR copy to draw on, downscaled to :data:`MAX_LONG_SIDE`, and the scale applied."""
    if pixels.dtype != np.uint8 or pixels.ndim not in (2, 3) or pixels.size == 0:
        raise ValueError(f"expected a non-empty uint8 image, got {pixels.dtype} {pixels.shape}")
    if pixels.ndim == 3 and pixels.shape[2] != 3:
        raise ValueError(f"expected 3 colour channels, got {pixels.shape[2]}")
    bgr = cv2.cvtColor(pixels, cv2.COLOR_GRAY2BGR) if pixels.ndim == 2 else pixels
    scale = min(1.0, MAX_LONG_SIDE / max(bgr.shape[:2]))
    if scale < 1.0:
        size = (max(1, round(bgr.shape[1] * scale)), max(1, round(bgr.shape[0] * scale)))
        return cv2.resize(bgr, size, interpolation=cv2.INTER_AREA), scale
    return bgr.copy(), 1.0


def _scaled_box(bbox: BBox, scale: float, width: int, height: int) -> tuple[int, int, int, int]:
    """Upload-space box -> canvas box, clipped, as inclusive corner pixels for ``cv2.rectangle``.

    >>> _scaled_box((100, 50, 300, 250), 0.5, 1000, 1000)
    (50, 25, 149, 124)
    >>> _scaled_box((-10, 990, 2000, 2000), 1.0, 1000, 1000)
    (0, 990, 999, 999)
    """
    x0, y0, x1, y1 = (v * scale for v in bbox)
    left = int(np.clip(np.floor(x0), 0, width - 1))
    top = int(np.clip(np.floor(y0), 0, height - 1))
    right = int(np.clip(np.ceil(x1) - 1, left, width - 1))
    bottom = int(np.clip(np.ceil(y1) - 1, top, height - 1))
    return left, top, right, bottom


#: Pixelation cell for redacted regions, as a share of the region's height:
#: 1/2 leaves no stroke of a character legible.
_REDACT_CELL_SHARE = 0.5


def _pixelate(canvas: np.ndarray, box: tuple[int, int, int, int]) -> None:
    left, top, right, bottom = box
    region = canvas[top : bottom + 1, left : right + 1]
    if region.size == 0:
        return
    cell = max(4, round((bottom - top + 1) * _REDACT_CELL_SHARE))
    small = cv2.resize(region, (max(1, region.shape[1] // cell), max(1, region.shape[0] // cell)),
                       interpolation=cv2.INTER_AREA)
    canvas[top : bottom + 1, left : right + 1] = cv2.resize(
        small, (region.shape[1], region.shape[0]), interpolation=cv2.INTER_NEAREST
    )


@dataclass(frozen=True)
class _Style:
    """Line and text sizes for one canvas size."""

    line: int
    font_scale: float
    font_thickness: int
    pad: int

    @classmethod
    def for_size(cls, long_side: int) -> _Style:
        # Tag text ~1/45 of the long side (>= 14 px): ~44 px on a 2000 px image,
        # which a phone showing the whole image still renders at ~9 pt.
        text_px = max(14.0, long_side / 45.0)
        font_scale = text_px / 22.0  # Hershey simplex capitals are ~22 px tall at scale 1
        return cls(
            line=max(2, round(long_side / 400)),
            font_scale=font_scale,
            font_thickness=max(1, round(font_scale * 2)),
            pad=max(3, round(text_px / 4)),
        )


def _draw_item(canvas: np.ndarray, box: tuple[int, int, int, int], label: str, level: Severity, style: _Style) -> None:
    left, top, right, bottom = box
    color = SEVERITY_COLORS[level]
    cv2.rectangle(canvas, (left, top), (right, bottom), color, style.line, lineType=cv2.LINE_AA)
    if not label:
        return
    (text_w, text_h), baseline = cv2.getTextSize(label, _FONT, style.font_scale, style.font_thickness)
    tag_w, tag_h = text_w + 2 * style.pad, text_h + baseline + 2 * style.pad
    height, width = canvas.shape[:2]
    # Tag above the box; inside its top edge when there is no room above.
    tag_top = top - tag_h if top - tag_h >= 0 else min(top, max(0, height - tag_h))
    tag_left = min(left, max(0, width - tag_w))
    cv2.rectangle(canvas, (tag_left, tag_top), (tag_left + tag_w - 1, tag_top + tag_h - 1), color, cv2.FILLED)
    origin = (tag_left + style.pad, tag_top + style.pad + text_h)
    cv2.putText(
        canvas, label, origin, _FONT, style.font_scale, _TEXT_COLORS[level], style.font_thickness, cv2.LINE_AA
    )

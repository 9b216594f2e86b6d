"""Watermarks and background patterns: faint tiled text or marks printed behind the certificate's text.

Work space in, work space out. Method:

1. **Background layer** (:func:`background_layer`), on a copy of the sheet
   shrunk to :data:`ANALYSIS_LONG_SIDE` pixels (0.5 of a 1600-px work
   image): the paper level is the gray image's maximum over
   :data:`_PAPER_WINDOW` px, box-smoothed; *darkness* is paper minus gray.
   Print (darkness from :data:`_INK_LEVEL`), straight rules and frames (runs
   of :data:`_RULE_LENGTH` px that are not solid areas) and a margin around
   both are masked out, and so is a band along the sheet's edges; what is
   left above the paper's noise floor is the faint layer.
2. **Tiling** (:func:`tiling_score`): the faint layer's autocorrelation
   (FFT, zero-padded, overlap-normalised, on a 256-px copy). A tiled
   watermark is a 2-D lattice: it has isolated peaks (peak minus the median
   of a ring around it) in two directions at least
   :data:`_MIN_LATTICE_ANGLE` degrees apart. A guilloche rosette, a dashed
   line or a row of glyphs repeat along one direction at most. The score is
   the weaker of the two peaks.
3. **Reading**, only when tiled (so OCR costs nothing on most certificates):
   the window of the sheet with the least print (:data:`_READ_WINDOW` of its
   short side) is re-printed as the faint layer alone, near-black on white,
   and read by the OCR engine; the whole faint layer, re-printed in red, is
   searched for the emblem (:class:`~vision.detectors.emblem.EmblemDetector`,
   which then tries both one-ink polarities).

Measured on generated photos (``python -m bench.evaluate_detectors
--sections watermark``) and during development on 24 watermark knock-offs,
30 genuine photos and 32 emblem knock-offs (scan, phone, hard): tiling score
0.27-0.75 on every tiled watermark (text and emblem tiles); at most 0.11 on
genuine photos and 0.19 on a large faded emblem printed behind the text
(whose ears repeat). :data:`MIN_TILING` = 0.15 sits between them. The real
licence's SCJDGL background (palette-dithered paper) scores 0.06: missed.

Without an OCR engine the pattern is still reported, with ``text`` ``None``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np

from certcheck.types import DecodedImage, Detection, NormalizedImage, Quad
from vision.detectors.emblem import EmblemDetector

if TYPE_CHECKING:
    from ocr.engine import OcrEngine

__all__ = ["ANALYSIS_LONG_SIDE", "MIN_TILING", "WatermarkDetector", "background_layer", "tiling_score"]

#: Long side, pixels, of the copy the background layer is taken from (0.5 of the work image).
ANALYSIS_LONG_SIDE = 800
#: Darkness (paper minus gray, levels) from which a pixel is print, not background.
_INK_LEVEL = 50.0
#: Darkness from which a pixel belongs to the faint layer (paper grain and JPEG noise stay under 6).
_FAINT_LEVEL = 6.0
#: The faint layer starts at this multiple of the median darkness of unprinted paper (its texture), if above 6.
_NOISE_FACTOR = 2.5
#: Radius, pixels of the analysis copy, of the margin masked around print (anti-aliased edges).
_INK_MARGIN = 3
#: Length, pixels of the analysis copy, from which a horizontal or vertical run is a rule, not a glyph.
_RULE_LENGTH = 41
#: Share of each side left out as the sheet's frame and margin.
_EDGE_MARGIN = 0.06
#: Window, pixels of the analysis copy, over which the paper level is taken (wider than a stroke).
_PAPER_WINDOW = 15
#: Side, pixels, of the copy the autocorrelation is computed on.
_AUTOCORR_SIDE = 256
#: Lags searched for a tiling peak, as shares of the autocorrelation copy's side.
_MIN_LAG = 0.1
_MAX_LAG = 0.45
#: Smallest angle, degrees, between the two repeat directions of a tiling.
_MIN_LATTICE_ANGLE = 25.0
#: Tiling score at or above which the background counts as a tiled pattern.
MIN_TILING = 0.15
#: Inks (BGR) the faint layer is re-printed in: near-black for OCR, the emblem red for the emblem check.
_READ_INK = (30, 30, 30)
_EMBLEM_INK = (16, 41, 222)
#: Window read by OCR, as a share of the sheet's short side.
_READ_WINDOW = 0.36


def background_layer(bgr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The faint layer (float32 darkness levels, 0 where none) and the print mask of a BGR image.

    >>> page = np.full((100, 100, 3), 240, np.uint8)
    >>> page[20:24, 30:50] = 30           # a printed stroke
    >>> page[60:64, 30:50] = 215          # a faint stroke
    >>> faint, ink = background_layer(page)
    >>> bool(ink[22, 40]), float(faint[22, 40]), round(float(faint[62, 40]))
    (True, 0.0, 25)
    """
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    kernel = np.ones((_PAPER_WINDOW, _PAPER_WINDOW), np.uint8)
    paper = cv2.blur(cv2.dilate(gray, kernel), (_PAPER_WINDOW, _PAPER_WINDOW)).astype(np.float32)
    darkness = np.maximum(paper - gray.astype(np.float32), 0.0)
    ink = (darkness >= _INK_LEVEL).astype(np.uint8)
    # Straight rules and frames (any darkness): their broken remains would repeat along the line.
    marked = (darkness >= _FAINT_LEVEL).astype(np.uint8)
    rules = cv2.morphologyEx(marked, cv2.MORPH_OPEN, np.ones((1, _RULE_LENGTH), np.uint8)) | cv2.morphologyEx(
        marked, cv2.MORPH_OPEN, np.ones((_RULE_LENGTH, 1), np.uint8)
    )
    # Solid areas (a faint emblem's field) hold long runs too, but are no rule.
    solid = cv2.dilate(cv2.morphologyEx(marked, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8)), np.ones((5, 5), np.uint8))
    rules &= 1 - solid
    near_ink = cv2.dilate(ink | rules, np.ones((2 * _INK_MARGIN + 1,) * 2, np.uint8)) > 0
    # Noise floor: paper with texture reads darker than its smoothed maximum; a mark must stand out of it.
    floor = max(_FAINT_LEVEL, _NOISE_FACTOR * float(np.median(darkness[~near_ink])) if (~near_ink).any() else 0.0)
    faint = np.where((darkness >= floor) & ~near_ink, darkness, 0.0).astype(np.float32)
    # Only the sheet's interior: its frame and whatever lies around the sheet are no background.
    h, w = faint.shape
    my, mx = round(_EDGE_MARGIN * h), round(_EDGE_MARGIN * w)
    faint[:my], faint[h - my :], faint[:, :mx], faint[:, w - mx :] = 0.0, 0.0, 0.0, 0.0
    return faint, near_ink


def tiling_score(faint: np.ndarray) -> tuple[float, tuple[float, float]]:
    """How strongly the faint layer repeats in two directions.

    Returns:
        ``(score, (dx, dy))``: the weaker of the best isolated autocorrelation
        peak and the best one at least :data:`_MIN_LATTICE_ANGLE` degrees away
        from its direction (a tiling is a 2-D lattice), and the first peak's
        lag as shares of the layer's width and height.
    """
    k = _AUTOCORR_SIDE / max(faint.shape)
    small = cv2.resize(faint, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    centred = small - float(small.mean())
    spectrum = np.fft.rfft2(centred, s=(2 * h, 2 * w))  # zero-padded: no wrap-around
    auto = np.fft.irfft2(spectrum * np.conj(spectrum), s=(2 * h, 2 * w))
    zero = float(auto[0, 0])
    if zero <= 1e-6:
        return 0.0, (0.0, 0.0)
    # Overlap-normalised: a lag of (dx, dy) compares (w-|dx|)(h-|dy|) pixels.
    auto = np.fft.fftshift(auto) / zero
    ys, xs = np.mgrid[-h : h, -w : w]
    overlap = (w - np.abs(xs)).clip(1) * (h - np.abs(ys)).clip(1) / float(w * h)
    auto = auto / overlap
    lag = np.hypot(xs / w, ys / h)
    band = (lag >= _MIN_LAG) & (lag <= _MAX_LAG) & (ys >= 0)
    # Peak isolation: subtract the median of a ring around every lag (ridges from straight lines cancel).
    width = max(2, round(0.03 * _AUTOCORR_SIDE))
    ring = _ring_median(auto.astype(np.float32), width)
    isolated = np.where(band, auto - ring, -np.inf)
    iy, ix = np.unravel_index(int(np.argmax(isolated)), isolated.shape)
    first = float(isolated[iy, ix])
    # A tiling repeats along two directions; a dashed line or a row of glyphs along one.
    direction = np.degrees(np.arctan2(ys, xs))
    first_direction = float(direction[iy, ix])
    apart = np.abs((direction - first_direction + 90.0) % 180.0 - 90.0) >= _MIN_LATTICE_ANGLE
    second = float(np.max(np.where(apart, isolated, -np.inf)))
    return min(first, second), (float(xs[iy, ix]) / w, float(ys[iy, ix]) / h)


def _ring_median(values: np.ndarray, radius: int) -> np.ndarray:
    """Median of 8 samples on a square ring ``radius`` away from every position (edges replicated)."""
    padded = cv2.copyMakeBorder(values, radius, radius, radius, radius, cv2.BORDER_REPLICATE)
    h, w = values.shape
    shifts = [(dy, dx) for dy in (-radius, 0, radius) for dx in (-radius, 0, radius) if (dy, dx) != (0, 0)]
    stack = np.stack([padded[radius + dy : radius + dy + h, radius + dx : radius + dx + w] for dy, dx in shifts])
    return np.median(stack, axis=0)


class WatermarkDetector:
    """Finds a tiled faint background pattern and reads what it says (text or the emblem).

    Args:
        engine: the OCR engine that reads the pattern; without one the pattern is reported unread.
        min_tiling: tiling score from which the background is a tiled pattern.
    """

    name = "watermark.v1"
    uses_ocr = True

    def __init__(self, *, engine: OcrEngine | None = None, min_tiling: float = MIN_TILING) -> None:
        self.engine = engine
        self.min_tiling = min_tiling
        self._emblems = EmblemDetector()

    def __call__(self, image: NormalizedImage, decoded: DecodedImage | None = None) -> list[Detection]:
        """The tiled background pattern of the sheet, if it has one (at most one detection).

        ``extras``: ``tiling`` (score), ``lag`` (the repeat as shares of the
        sheet), ``text`` (what OCR read in the pattern, ``None`` without an
        engine), ``emblem`` (whether the pattern is the national emblem).
        """
        bgr = image.pixels
        k = min(1.0, ANALYSIS_LONG_SIDE / max(bgr.shape[:2]))
        small = cv2.resize(bgr, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1.0 else bgr
        faint, near_ink = background_layer(small)
        score, lag = tiling_score(faint)
        if score < self.min_tiling:
            return []
        window = _quietest_window(near_ink, round(_READ_WINDOW * min(small.shape[:2])))
        x0, y0, x1, y1 = window
        coverage = _stretched(faint[y0:y1, x0:x1])
        # Back to work pixels for reading and for the box.
        wx0, wy0, wx1, wy1 = (v / k for v in window)
        size = (round(wx1 - wx0), round(wy1 - wy0))
        coverage = cv2.resize(coverage, size, interpolation=cv2.INTER_LINEAR)
        text = self._read(_printed(coverage, _READ_INK))
        # The whole faint layer, in red ink: the emblem detector then tries both one-ink
        # polarities (line-art and red field); one window may cut every tile.
        emblem = self._emblem_in(_printed(_stretched(faint), _EMBLEM_INK))
        quad: Quad = ((wx0, wy0), (wx1, wy0), (wx1, wy1), (wx0, wy1))
        confidence = float(np.clip(0.5 + 0.5 * (score - self.min_tiling) / max(0.3 - self.min_tiling, 1e-6), 0, 1))
        return [
            Detection(
                detector=self.name,
                kind="watermark",
                quad=quad,
                score=round(confidence, 3),
                extras={
                    "tiling": round(score, 3),
                    "lag": [round(lag[0], 3), round(lag[1], 3)],
                    "text": text,
                    "emblem": emblem is not None,
                    "emblem_correlation": None if emblem is None else emblem.extras["correlation"],
                },
            )
        ]

    def _read(self, crop: np.ndarray) -> str | None:
        if self.engine is None:
            return None
        read = self.engine.read(crop)
        return "".join(line.text for line in read.result.lines)

    def _emblem_in(self, crop: np.ndarray) -> Detection | None:
        found = self._emblems(NormalizedImage(crop, np.eye(3), (crop.shape[1], crop.shape[0])))
        return found[0] if found else None


def _quietest_window(near_ink: np.ndarray, side: int) -> tuple[int, int, int, int]:
    """The ``side`` x ``side`` window (inside a 5 % margin) with the least print, as ``(x0, y0, x1, y1)``."""
    h, w = near_ink.shape
    side = max(16, min(side, h, w))
    margin_x, margin_y = round(0.05 * w), round(0.05 * h)
    integral = cv2.integral(near_ink.astype(np.uint8))
    best, best_xy = None, (0, 0)
    step = max(8, side // 4)
    for y in range(margin_y, max(margin_y, h - margin_y - side) + 1, step):
        for x in range(margin_x, max(margin_x, w - margin_x - side) + 1, step):
            y1, x1 = min(h, y + side), min(w, x + side)
            inked = integral[y1, x1] - integral[y, x1] - integral[y1, x] + integral[y, x]
            if best is None or inked < best:
                best, best_xy = inked, (x, y)
    x, y = best_xy
    return x, y, min(w, x + side), min(h, y + side)


def _stretched(faint: np.ndarray) -> np.ndarray:
    """The faint layer as ink coverage in [0, 1], its strongest marks (99.5th percentile) at 1."""
    top = max(float(np.percentile(faint, 99.5)), _FAINT_LEVEL * 2)
    return cv2.GaussianBlur(np.clip(faint / top, 0.0, 1.0).astype(np.float32), (0, 0), 0.6)


def _printed(coverage: np.ndarray, ink: tuple[int, int, int]) -> np.ndarray:
    """Coverage printed in ``ink`` (BGR) on white paper, BGR uint8."""
    paper = np.full(3, 255.0, np.float32)
    colour = paper - coverage[..., None] * (paper - np.asarray(ink, np.float32))
    return np.clip(colour + 0.5, 0, 255).astype(np.uint8)

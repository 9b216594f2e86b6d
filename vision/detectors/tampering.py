"""Text pasted into a photo (``tampering.v1``): a line much sharper than the rest of the page.

A forger who changes a name, serial or date on a photo or scan paints over
the value and types a new one on a computer. Everything the camera printed
went through one lens and one focus, so its text edges share one blur; the
typed text has only the editor's anti-aliasing and stands out as far
sharper. This detector measures each text line's edge sharpness and flags a
line that is an extreme outlier against the page's own lines. Whether the
line is a field value, and so evidence, is for :mod:`rules.forensics`.

Method, on the work image (1600 px):

1. **Lines**: dark ink (adaptive threshold, 31 px window, 25 levels under the
   local mean), closed by 5 x 15 px into words and lines; components 10-70 px
   high, at least as wide as high and at most 600 px wide, with at least 40
   gray levels of contrast (5th to 95th percentile) are measured.
2. **Sharpness**: the 98th percentile of the gradient magnitude (gray levels
   per pixel) over that contrast: the inverse of an edge's width, the same
   for bold and light print.
3. **Outliers**: robust z-score against the page's lines (median and
   1.4826 x MAD); a line with z at least :data:`MIN_Z` and at least
   :data:`MIN_RATIO` times the page's median sharpness is flagged. Pages with
   fewer than :data:`MIN_LINES` lines are not judged.

Measured (``bench/evaluate_detectors.py``, section forensics), generated
photos at 2000 px: 30 genuine skill-level photos (seed 13; phone, hard,
scan) have top z-scores of 1.0-5.1; 10 ``tampered_field`` photos (seed 32;
a name, ID number, serial, date or occupation retyped, saved again at JPEG
85-95) have the retyped line at z 0.3-16.2, above 6 in half of them. The
local noise level inside the retyped box (a flat fill has no sensor noise)
was measured too and did not separate the two (0.4-2.6 times the page's),
the second JPEG restores as much high-frequency energy as it removes, so
it is not used. JPEG grid (8 x 8) inconsistency is not measured: the work
image is resampled, and the upload's grid would need the field boxes before
OCR has found them. So the detector finds about half of the retyped fields,
and no genuine photo was flagged.

Besides the outliers, one ``kind="text_sharpness"`` detection carries every
measured line's box and sharpness (``extras["lines"]``) and the page median:
the rule (:mod:`rules.forensics`) compares a flagged field value with the
page's other field values and with the registered sample, because filled-in
values are often printed sharper than the pre-printed form (issue 12 item 3).
Only lines at least :data:`MIN_FLAG_ASPECT` times as wide as high are flagged
(a single character's edges say nothing: tracker issue 13); all are measured.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from certcheck.types import DecodedImage, Detection, NormalizedImage, Quad

__all__ = [
    "MIN_FLAG_ASPECT",
    "MIN_LINES",
    "MIN_RATIO",
    "MIN_Z",
    "LineSharpness",
    "TamperingDetector",
    "line_sharpness",
]

#: Robust z-score from which a line's sharpness is an outlier (genuine pages reach 5.1).
MIN_Z = 6.0
#: And its sharpness over the page's median at least this (retyped lines 1.24-1.95; one genuine
#: line reached 1.54, at z 5.1: the z-score does the separating, this only guards a tiny spread).
MIN_RATIO = 1.2
#: Fewest measurable lines for the page's own statistics to mean anything.
MIN_LINES = 8
#: A flagged line is at least this many times as wide as high: two characters or more.
MIN_FLAG_ASPECT = 1.8
_MIN_HEIGHT, _MAX_HEIGHT, _MAX_WIDTH = 10, 70, 600
_MIN_CONTRAST = 40.0
_PAD = 4


@dataclass(frozen=True)
class LineSharpness:
    """One measured text line: its box ``(x0, y0, x1, y1)`` in work space and edge sharpness (1/px)."""

    box: tuple[int, int, int, int]
    sharpness: float


def line_sharpness(gray: np.ndarray) -> list[LineSharpness]:
    """Every measurable text line of a gray work-space image with its edge sharpness."""
    ink = cv2.adaptiveThreshold(gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 25)
    lines = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((5, 15), np.uint8))
    # Two-level hierarchy: every component's outer boundary is top level (parent -1), even inside a frame.
    contours, hierarchy = cv2.findContours(lines, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    measured = []
    for contour, (_next, _previous, _child, parent) in zip(contours, hierarchy[0] if contours else (), strict=True):
        if parent != -1:
            continue  # a hole's boundary
        x, y, w, h = cv2.boundingRect(contour)
        if not (_MIN_HEIGHT <= h <= _MAX_HEIGHT and h <= w <= _MAX_WIDTH):
            continue
        x0, y0 = max(0, x - _PAD), max(0, y - _PAD)
        x1, y1 = min(gray.shape[1], x + w + _PAD), min(gray.shape[0], y + h + _PAD)
        crop = gray[y0:y1, x0:x1]
        low, high = np.percentile(crop, (5, 95))
        if high - low < _MIN_CONTRAST:
            continue
        gx = cv2.Sobel(crop, cv2.CV_32F, 1, 0)
        gy = cv2.Sobel(crop, cv2.CV_32F, 0, 1)
        gradient = cv2.magnitude(gx, gy) / 4.0  # Sobel sums 4 differences: gray levels per pixel
        measured.append(LineSharpness((x0, y0, x1, y1), float(np.percentile(gradient, 98) / (high - low))))
    return measured


class TamperingDetector:
    """Flags text lines far sharper than the rest of the page (typed in after the photo).

    Args:
        min_z: robust z-score from which a line is flagged.
        min_ratio: and its sharpness over the page's median at least this.
    """

    name = "tampering.v1"

    def __init__(self, *, min_z: float = MIN_Z, min_ratio: float = MIN_RATIO) -> None:
        self.min_z = min_z
        self.min_ratio = min_ratio

    def __call__(self, image: NormalizedImage, decoded: DecodedImage | None = None) -> list[Detection]:
        """One ``kind="pasted_text"`` detection per outlier line and one ``text_sharpness`` (quads in work space)."""
        lines = line_sharpness(cv2.cvtColor(image.pixels, cv2.COLOR_BGR2GRAY))
        if len(lines) < MIN_LINES:
            return []
        values = np.array([line.sharpness for line in lines])
        median = float(np.median(values))
        spread = max(1.4826 * float(np.median(np.abs(values - median))), 1e-6)
        found = [Detection(
            detector=self.name, kind="text_sharpness", quad=None, score=1.0,
            extras={
                "page_sharpness": round(median, 4),
                "lines": tuple((*line.box, round(line.sharpness, 4)) for line in lines),
            },
        )]
        for line, value in zip(lines, values, strict=True):
            z = (value - median) / spread
            if z < self.min_z or value < self.min_ratio * median:
                continue
            x0, y0, x1, y1 = line.box
            if (x1 - x0) < MIN_FLAG_ASPECT * (y1 - y0):
                continue
            quad: Quad = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
            score = min(1.0, 0.5 + 0.5 * (z - self.min_z) / (2 * self.min_z))
            found.append(Detection(
                detector=self.name, kind="pasted_text", quad=quad, score=round(float(score), 3),
                extras={
                    "sharpness": round(float(value), 4), "page_sharpness": round(median, 4),
                    "z": round(float(z), 1), "threshold_z": self.min_z,
                },
            ))
        return found

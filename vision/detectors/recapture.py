"""Photos of a screen (``recapture.v1``): the display's pixel grid seen through the camera.

A certificate shown on a monitor or phone and photographed carries the
screen's pixel structure: red, green and blue stripes in a dark matrix, at a
pitch close to the camera's own pixel pitch, so it aliases into moiré. In the
paper's blank areas that is a strong, narrow peak in the Fourier spectrum,
where a photographed sheet of paper has only noise and grain (a broad
spectrum). The finding is information (``RECAPTURE``, severity info): a
recapture is not a forgery, but the original should be asked for.

Method:

1. **Blank blocks**: on the work image (1600 px), 80 px cells inside the
   sheet's inner 90 % ranked by mean absolute Laplacian; the
   :data:`BLOCKS` flattest that are neither clipped (glare, white scans:
   more than 1 % at 245 or more) nor dark are kept.
2. **Spectrum**: each cell's centre is mapped to the upload
   (``image.to_upload``); a 128 px square of the *upload* there (the work
   image's resampling would smooth the grid away), high-passed (minus a
   Gaussian of sigma 3) and Hann-windowed, is transformed. Peak ratio: the
   largest magnitude over the median, outside the lowest frequencies
   (radius 6 bins: shading) and off the JPEG 8-pixel grid's harmonics
   (rows and columns at non-zero multiples of 16 bins, +-1), which every
   JPEG has.
3. **Decision**: the median peak ratio of the blocks at least
   :data:`MIN_PEAK_RATIO`, with at least :data:`MIN_BLOCKS` blocks measured.

Measured on generated photos (seed 13, 30 genuine skill-level phone, hard and
scan photos at 2000 px; seed 31, 10 ``screen_recapture`` photos, screens of
900-2300 pixels across the sheet): genuine medians 5.0-21.9 (2 white scans
had no unclipped block and are not judged), recaptures 155-701. The
threshold of 60 is three times the largest genuine median. A real screen
shot with a weaker pattern, or one taken far out of focus, can fall below
it; the detector was built to stay silent on paper, not to find every screen.
"""

from __future__ import annotations

import cv2
import numpy as np

from certcheck.types import DecodedImage, Detection, NormalizedImage

__all__ = ["BLOCKS", "MIN_BLOCKS", "MIN_PEAK_RATIO", "RecaptureDetector", "peak_ratio"]

#: Number of blank blocks measured.
BLOCKS = 12
#: Fewest blocks that must be measurable for a decision.
MIN_BLOCKS = 4
#: Median peak ratio from which the photo is of a screen (see the module docstring).
MIN_PEAK_RATIO = 60.0
#: Side of the analysed square in upload pixels (a power of two for the FFT).
_SIDE = 128
#: Side of the work-space cells ranked by flatness.
_CELL = 80
#: Radius (frequency bins) of the lowest frequencies left out (shading, vignetting).
_LOW_RADIUS = 6
_HANN = np.outer(np.hanning(_SIDE), np.hanning(_SIDE)).astype(np.float32)


def _spectrum_mask() -> np.ndarray:
    """Frequencies that count: off the lowest ones and off the JPEG grid's harmonics."""
    c = _SIDE // 2
    yy, xx = np.mgrid[0:_SIDE, 0:_SIDE]
    mask = np.hypot(yy - c, xx - c) > _LOW_RADIUS
    for k in (-4, -3, -2, -1, 1, 2, 3, 4):  # the axes themselves (k = 0) are not grid harmonics
        for offset in (-1, 0, 1):
            line = int(np.clip(c + k * _SIDE // 8 + offset, 0, _SIDE - 1))
            mask[:, line] = False
            mask[line, :] = False
    return mask


_MASK = _spectrum_mask()


def peak_ratio(block: np.ndarray) -> float:
    """Largest spectral magnitude over the median, off shading and the JPEG grid, of a gray square.

    >>> rng = np.random.default_rng(0)
    >>> noise = rng.normal(128, 3, (128, 128)).astype(np.float32)
    >>> peak_ratio(noise) < 10
    True
    >>> x = np.arange(128, dtype=np.float32)
    >>> peak_ratio(noise + 4 * np.cos(2 * np.pi * x / 3.3)[None, :]) > 60  # stripes every 3.3 px
    True
    """
    high = block - cv2.GaussianBlur(block, (0, 0), 3)
    magnitude = np.abs(np.fft.fftshift(np.fft.fft2(high * _HANN)))[_MASK]
    return float(magnitude.max() / max(float(np.median(magnitude)), 1e-6))


class RecaptureDetector:
    """Flags photos of a screen by the display's pixel grid in the paper's blank areas.

    Args:
        min_peak_ratio: median peak ratio from which the photo is of a screen.
        blocks: number of blank blocks measured.
    """

    name = "recapture.v1"

    def __init__(self, *, min_peak_ratio: float = MIN_PEAK_RATIO, blocks: int = BLOCKS) -> None:
        self.min_peak_ratio = min_peak_ratio
        self.blocks = blocks

    def __call__(self, image: NormalizedImage, decoded: DecodedImage | None = None) -> list[Detection]:
        """One whole-image ``kind="screen_recapture"`` detection, or none.

        Without ``decoded`` the work image itself is analysed (its resampling
        weakens the pattern: fewer screens are found, never more).
        """
        ratios = self.measure(image, decoded)
        if len(ratios) < MIN_BLOCKS:
            return []
        median = float(np.median(ratios))
        if median < self.min_peak_ratio:
            return []
        score = min(1.0, 0.5 + 0.5 * (median - self.min_peak_ratio) / (3 * self.min_peak_ratio))
        return [Detection(
            detector=self.name, kind="screen_recapture", quad=None, score=round(score, 3),
            extras={"peak_ratio": round(median, 1), "blocks": len(ratios), "threshold": self.min_peak_ratio},
        )]

    def measure(self, image: NormalizedImage, decoded: DecodedImage | None = None) -> list[float]:
        """Peak ratios of the blank blocks that could be measured (see the module docstring)."""
        source = decoded.pixels if decoded is not None else image.pixels
        to_source = image.to_upload if decoded is not None else np.eye(3)
        ratios = []
        for x, y in _blank_cells(image.pixels, self.blocks):
            p = to_source @ np.array([x, y, 1.0])
            cx, cy = p[0] / p[2], p[1] / p[2]
            x0, y0 = int(round(cx - _SIDE / 2)), int(round(cy - _SIDE / 2))
            if x0 < 0 or y0 < 0 or x0 + _SIDE > source.shape[1] or y0 + _SIDE > source.shape[0]:
                continue
            block = cv2.cvtColor(source[y0 : y0 + _SIDE, x0 : x0 + _SIDE], cv2.COLOR_BGR2GRAY).astype(np.float32)
            if (block >= 250).mean() > 0.01:
                continue  # clipped: no texture left to measure
            ratios.append(peak_ratio(block))
        return ratios


def _blank_cells(pixels: np.ndarray, count: int) -> list[tuple[float, float]]:
    """Centres (work space) of the ``count`` flattest unclipped, not dark cells inside the sheet's inner 90 %."""
    gray = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    laplacian = np.abs(cv2.Laplacian(gray, cv2.CV_16S))
    h, w = gray.shape
    cells = []
    for y in range(int(0.05 * h), int(0.95 * h) - _CELL, _CELL):
        for x in range(int(0.05 * w), int(0.95 * w) - _CELL, _CELL):
            cell = gray[y : y + _CELL, x : x + _CELL]
            if (cell >= 245).mean() > 0.01 or cell.mean() < 60:
                continue
            cells.append((float(laplacian[y : y + _CELL, x : x + _CELL].mean()), x + _CELL / 2, y + _CELL / 2))
    cells.sort()
    return [(x, y) for _, x, y in cells[:count]]

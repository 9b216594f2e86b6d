"""Image quality: is the photo good enough to judge, and if not, how to retake it.

Method. Every measure is taken on the work-space sheet (the rectified
certificate), shrunk to :data:`MEASURE_LONG_SIDE` pixels, so thresholds are
relative to the sheet and independent of the upload's resolution and of
``work_long_side``:

* **resolution**: the sheet's long side in *upload* pixels (the work image's
  corners mapped back through ``to_upload``). Below ``min_long_side`` (600 px)
  body text is under ~10 px per character, which PP-OCR reads unreliably.
* **luminance** percentiles of the gray sheet: the 95th percentile is the
  paper's white level, the 2nd the ink's; the share of clipped pixels
  (>= 250).
* **edges**: the share of pixels whose gradient exceeds 12 gray levels per
  pixel (certificates measure 0.11-0.19; a blank sheet under 0.01).
* **blur width**: for a Gaussian-blurred step of any contrast, the sum of
  ``|Laplacian|`` over the sum of ``|gradient|`` is ``0.8 / sigma``; the
  ratio is taken on pixels near edges, so the estimate is independent of
  contrast and of how much text there is. It is reported in per mille of the
  sheet's long side.
* **mid-frequency content**: the 99th percentile of a difference of
  Gaussians (sigma 1 and 4 at a 200 px scale): smudged text keeps it above
  10, a blank sheet stays under 1. It tells a hopelessly blurred photo (no
  edges left, but text-shaped smudges) from a blank one.
* **glare**: solid clipped blobs (>= 250 after an opening by 1 % of the
  sheet) with a soft outline (median gradient just outside under 8 levels per
  pixel: a white sticker or photo background has a crisp edge) and darker
  paper around them (75th percentile of a ring 2-4 % of the sheet's size
  away under 238; a smooth light gradient or a white scan stays near 250
  there). Only looked for when the sheet has print that glare could hide.

Thresholds, measured on the samples generator (2 photos each of 3 designs for
its scan, phone, hard and sideways presets, of its 3 unreadable presets and of
its blank and not-a-certificate designs: no genuine photo triggers anything,
every unreadable one triggers its finding) and with RapidOCR
(``ocr/engine.py``) on blurred copies of generated scans:

==================  =========  ====================================================
finding             default    measured
==================  =========  ====================================================
``blurred``         3.2 ‰      sharp scans 0.8-1.0, phone 0.9-1.3, "hard" 1.2-1.8;
                               OCR still read the serial and ID at 2.75 and read
                               nothing at 3.6 (Gaussian sigma 3 vs 4 work pixels)
``too_dark``        paper 60   genuine photos >= 245; the "dark" preset <= 9
``overexposed``     ink 230    genuine ink (2nd pct.) 67-144; "bright" preset >= 247;
                               a blank white sheet 204-238 (so also >= 50 % clipped)
``blank``           0.01       edge share; genuine >= 0.11, blank sheets <= 0.007,
                               and mid-frequency content < 3 (blank <= 0.6, blurred text >= 12)
``glare``           0.5 %      share of the sheet; no genuine photo has a soft-edged
                               clipped blob with a ring under 238 (all 251-255);
                               flat-topped glare spots of 0.5-2.7 % on dimmed
                               photos: 20 of 24 found; crisp white patches: 0 of 24
``too_small``       600 px     upload pixels along the sheet's long side
``extreme_aspect``  20:1       long/short side of the upload; a certificate is
                               1:1-2:1, a photo of one printed line 4:1-12:1
==================  =========  ====================================================

False alarms are worse than misses here (``rules/quality.py`` only turns
these into evidence when the certificate could not be read anyway), so every
default sits well on the safe side of the genuine photos measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from certcheck.types import DecodedImage, Detection, NormalizedImage, Quad
from vision.normalize import MAX_UPLOAD_ASPECT

__all__ = ["ADVICE", "MEASURE_LONG_SIDE", "ImageQualityDetector", "QualityMeasures", "measure_quality"]

#: Long side, in pixels, of the copy of the sheet every measure is taken on.
MEASURE_LONG_SIDE = 800
# Gradient, gray levels per pixel, that counts as an edge (JPEG noise stays under ~5).
_EDGE_LEVEL = 12.0
# Long side of the copy the difference of Gaussians is taken on, and its sigmas.
_DOG_LONG_SIDE = 200
_DOG_SIGMAS = (1.0, 4.0)
# Gray level that counts as clipped (blown out).
_CLIPPED_LEVEL = 250
# Median gradient (levels per pixel) on a clipped blob's outline at or above
# which it is a white object with a crisp edge, not glare fading into paper.
_GLARE_EDGE_LEVEL = 8.0

#: Chinese and English retake advice per finding, shown to the citizen.
ADVICE: dict[str, tuple[str, str]] = {
    "too_small": (
        "图片分辨率太低，请对准证书、让证书占满画面后重新拍摄",
        "The certificate is too small in the photo; fill the frame with it and take the photo again",
    ),
    "blurred": (
        "图片模糊，请保持手机稳定、对焦清晰后再拍",
        "The photo is blurred; hold the phone steady and let it focus before taking the photo",
    ),
    "too_dark": (
        "图片太暗，请在光线充足处重新拍摄",
        "The photo is too dark; take it again in good light",
    ),
    "overexposed": (
        "图片过亮，文字看不清，请避开强光、关闭闪光灯后重新拍摄",
        "The photo is overexposed and the text is washed out; avoid strong light, turn off the flash and retake it",
    ),
    "glare": (
        "证书上有反光，请调整角度避开灯光或关闭闪光灯后重新拍摄",
        "There is glare on the certificate; tilt the phone away from the light or turn off the flash and retake it",
    ),
    "extreme_aspect": (
        "图片过于细长，不是一张完整的证书照片，请拍摄整张证书后重新上传",
        "The image is far too long and narrow to be a photo of a whole certificate; photograph the whole certificate",
    ),
    "blank": (
        "没有在图片中找到证书内容，请对准证书、让证书占满画面后重新拍摄",
        "No certificate content was found; point the camera at the certificate, fill the frame and retake it",
    ),
}


@dataclass(frozen=True)
class QualityMeasures:
    """What :func:`measure_quality` measured on one sheet.

    Attributes:
        upload_long_side: long side of the uploaded image, pixels.
        sheet_long_side: long side of the sheet in upload pixels.
        paper_level: 95th percentile of the sheet's gray levels (its white).
        ink_level: 2nd percentile of the sheet's gray levels (its darkest print).
        clipped_share: share of the sheet's pixels at or above 250.
        edge_share: share of pixels with a gradient of at least 12 levels per pixel.
        blur_permille: estimated Gaussian blur width, per mille of the sheet's long side
            (``inf`` when there are no edges to measure).
        midband: 99th percentile of the difference of Gaussians (text-sized structure).
        glare_quad: work-space box of the most glare-like clipped blob, if any.
        glare_share: that blob's share of the sheet's area (0 when none).
        glare_ring_level: 75th percentile gray level of the paper 2-4 % of the
            sheet's size around the blob (255 when none).
    """

    upload_long_side: int
    sheet_long_side: float
    paper_level: float
    ink_level: float
    clipped_share: float
    edge_share: float
    blur_permille: float
    midband: float
    glare_quad: Quad | None
    glare_share: float
    glare_ring_level: float


class ImageQualityDetector:
    """Flags photos that cannot be judged: too small, blurred, dark, overexposed, glare, blank.

    Args:
        min_long_side: smallest sheet long side, in upload pixels.
        max_blur_permille: largest blur width, per mille of the sheet's long side.
        min_paper_level: darkest acceptable paper white (95th percentile gray level).
        max_ink_level: lightest acceptable print (2nd percentile gray level);
            beyond it, with ``min_clipped_share`` of the sheet clipped, the
            photo is overexposed.
        min_clipped_share: share of clipped pixels an overexposed sheet has
            (a blank white sheet in soft light has light "ink" but little clipping).
        min_edge_share: share of edge pixels below which the sheet has no content.
        min_midband: mid-frequency content that tells blurred text from a blank sheet.
        min_glare_share: smallest glare blob, as a share of the sheet's area.
        max_glare_ring_level: paper level around a clipped blob below which it is glare.
        max_aspect: longest long/short ratio of an upload that is judged at all
            (``vision.normalize.MAX_UPLOAD_ASPECT``, 20:1); beyond it the only
            finding is ``extreme_aspect``.
    """

    name = "image_quality.v1"

    def __init__(
        self,
        *,
        min_long_side: int = 600,
        max_blur_permille: float = 3.2,
        min_paper_level: float = 60.0,
        max_ink_level: float = 230.0,
        min_clipped_share: float = 0.5,
        min_edge_share: float = 0.01,
        min_midband: float = 3.0,
        min_glare_share: float = 0.005,
        max_glare_ring_level: float = 238.0,
        max_aspect: float = MAX_UPLOAD_ASPECT,
    ) -> None:
        self.max_aspect = max_aspect
        self.min_long_side = min_long_side
        self.max_blur_permille = max_blur_permille
        self.min_paper_level = min_paper_level
        self.max_ink_level = max_ink_level
        self.min_clipped_share = min_clipped_share
        self.min_edge_share = min_edge_share
        self.min_midband = min_midband
        self.min_glare_share = min_glare_share
        self.max_glare_ring_level = max_glare_ring_level

    def __call__(self, image: NormalizedImage, decoded: DecodedImage | None = None) -> list[Detection]:
        """Measure the sheet and report each problem found (an empty list: the photo is fine).

        Args:
            image: the normalised sheet (work space).
            decoded: the upload, for its size; ``image.upload_size`` is used without it.

        Returns:
            One :class:`~certcheck.types.Detection` per problem, with the
            measured values, the threshold and the retake advice in ``extras``.
        """
        upload_w, upload_h = (decoded.width, decoded.height) if decoded is not None else image.upload_size
        aspect = max(upload_w, upload_h) / max(1, min(upload_w, upload_h))
        if aspect > self.max_aspect:
            # A sliver: none of the measures below describes a certificate photo.
            return [self._detection("extreme_aspect", 1.0, aspect=float(aspect), threshold=self.max_aspect)]
        m = measure_quality(image, decoded)
        found = [self._too_small(m)]
        if m.paper_level < self.min_paper_level:
            found.append(self._too_dark(m))
        elif m.ink_level > self.max_ink_level and m.clipped_share >= self.min_clipped_share:
            found.append(self._overexposed(m))
        elif m.edge_share < self.min_edge_share:
            # No print to measure or to hide: a blank sheet, or blurred past measuring.
            found.append(self._blank_or_smudged(m))
        else:
            found += [self._blurred(m), self._glare(m)]
        return [d for d in found if d is not None]

    def _detection(self, kind: str, score: float, quad: Quad | None = None, **extras: Any) -> Detection:
        advice, advice_en = ADVICE[kind]
        details = {key: round(float(v), 4) if isinstance(v, float) else v for key, v in extras.items()}
        return Detection(
            detector=self.name,
            kind=kind,
            quad=quad,
            score=round(float(np.clip(score, 0.0, 1.0)), 3),
            extras={"advice": advice, "advice_en": advice_en, **details},
        )

    def _too_small(self, m: QualityMeasures) -> Detection | None:
        if m.sheet_long_side >= self.min_long_side:
            return None
        score = _beyond(self.min_long_side - m.sheet_long_side, self.min_long_side / 2.0)
        return self._detection(
            "too_small", score, sheet_long_side=m.sheet_long_side,
            upload_long_side=m.upload_long_side, threshold=self.min_long_side,
        )

    def _too_dark(self, m: QualityMeasures) -> Detection:
        score = _beyond(self.min_paper_level - m.paper_level, self.min_paper_level / 2.0)
        return self._detection("too_dark", score, paper_level=m.paper_level, threshold=self.min_paper_level)

    def _overexposed(self, m: QualityMeasures) -> Detection:
        score = _beyond(m.ink_level - self.max_ink_level, 255.0 - self.max_ink_level)
        return self._detection(
            "overexposed", score, ink_level=m.ink_level, clipped_share=m.clipped_share, threshold=self.max_ink_level
        )

    def _blank_or_smudged(self, m: QualityMeasures) -> Detection:
        if m.midband < self.min_midband:
            score = _beyond(self.min_edge_share - m.edge_share, self.min_edge_share / 2.0)
            return self._detection(
                "blank", score, edge_share=m.edge_share, midband=m.midband, threshold=self.min_edge_share
            )
        # Text-shaped smudges but no edges left: blurred beyond measuring a width.
        return self._detection(
            "blurred", 1.0, blur_permille=None, edge_share=m.edge_share, midband=m.midband,
            threshold=self.max_blur_permille,
        )

    def _blurred(self, m: QualityMeasures) -> Detection | None:
        if m.blur_permille <= self.max_blur_permille:
            return None
        score = _beyond(m.blur_permille - self.max_blur_permille, self.max_blur_permille)
        return self._detection(
            "blurred", score, blur_permille=m.blur_permille, edge_share=m.edge_share, threshold=self.max_blur_permille
        )

    def _glare(self, m: QualityMeasures) -> Detection | None:
        if m.glare_quad is None or m.glare_share < self.min_glare_share:
            return None
        if m.glare_ring_level >= self.max_glare_ring_level:
            return None
        score = _beyond(m.glare_share - self.min_glare_share, 4.0 * self.min_glare_share)
        return self._detection(
            "glare", score, m.glare_quad, glare_share=m.glare_share, ring_level=m.glare_ring_level,
            threshold=self.min_glare_share,
        )


def _beyond(excess: float, full: float) -> float:
    """Confidence 0.5 at the threshold rising linearly to 1.0 ``full`` units past it.

    >>> _beyond(0.0, 10.0), _beyond(5.0, 10.0), _beyond(50.0, 10.0)
    (0.5, 0.75, 1.0)
    """
    return float(min(1.0, 0.5 + 0.5 * max(excess, 0.0) / max(full, 1e-9)))


def measure_quality(image: NormalizedImage, decoded: DecodedImage | None = None) -> QualityMeasures:
    """Take every quality measure of a normalised sheet (see the module docstring).

    Args:
        image: the normalised sheet (work space).
        decoded: the upload, for its size; ``image.upload_size`` is used without it.

    Returns:
        The measures, before any threshold.
    """
    upload_w, upload_h = (decoded.width, decoded.height) if decoded is not None else image.upload_size
    gray = cv2.cvtColor(image.pixels, cv2.COLOR_BGR2GRAY)
    k = min(1.0, MEASURE_LONG_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1.0 else gray
    ink, paper = _percentiles(small, (2.0, 95.0))
    as_float = small.astype(np.float32)
    magnitude = _gradient(as_float)
    glare_box, glare_share, glare_ring = _glare_blob(small, magnitude)
    edge_share, blur = _edges_and_blur(as_float, magnitude)
    return QualityMeasures(
        upload_long_side=max(upload_w, upload_h),
        sheet_long_side=_sheet_long_side(image),
        paper_level=paper,
        ink_level=ink,
        clipped_share=float(np.mean(small >= _CLIPPED_LEVEL)),
        edge_share=edge_share,
        blur_permille=blur / max(small.shape) * 1000.0,
        midband=_midband(small),
        glare_quad=None if glare_box is None else _box_to_work_quad(glare_box, k),
        glare_share=glare_share,
        glare_ring_level=glare_ring,
    )


def _sheet_long_side(image: NormalizedImage) -> float:
    """Long side of the sheet in upload pixels: the work image's outline mapped to upload space."""
    w, h = float(image.width), float(image.height)
    corners = np.array(image.quad_to_upload(((0.0, 0.0), (w, 0.0), (w, h), (0.0, h))))
    sides = np.linalg.norm(corners - np.roll(corners, -1, axis=0), axis=1)
    return float(max((sides[0] + sides[2]) / 2.0, (sides[1] + sides[3]) / 2.0))


def _percentiles(gray: np.ndarray, percents: tuple[float, ...]) -> list[float]:
    """Percentiles of a uint8 image from its histogram (much faster than sorting).

    >>> _percentiles(np.arange(100, dtype=np.uint8).reshape(10, 10), (2.0, 50.0))
    [1.0, 49.0]
    """
    cumulative = np.cumsum(np.bincount(gray.ravel(), minlength=256))
    total = cumulative[-1]
    return [float(np.searchsorted(cumulative, p / 100.0 * total)) for p in percents]


def _gradient(gray: np.ndarray) -> np.ndarray:
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    return cv2.magnitude(gx, gy) / 4.0  # Sobel sums 4 differences: gray levels per pixel


def _edges_and_blur(gray: np.ndarray, magnitude: np.ndarray) -> tuple[float, float]:
    """Edge share and blur width (sigma in pixels of ``gray``; ``inf`` without edges)."""
    edges = (magnitude >= _EDGE_LEVEL).astype(np.uint8)
    edge_share = float(edges.mean())
    if edge_share == 0.0:
        return 0.0, float("inf")
    near = cv2.dilate(edges, np.ones((5, 5), np.uint8)).astype(bool)
    laplacian = np.abs(cv2.Laplacian(gray, cv2.CV_32F, ksize=1))
    ratio = float(laplacian[near].sum() / max(float(magnitude[near].sum()), 1e-6))
    # A Gaussian-blurred step: sum|second derivative| / sum|first derivative| = 2 / (sigma * sqrt(2 pi)).
    return edge_share, 0.798 / max(ratio, 1e-6)


def _midband(gray: np.ndarray) -> float:
    """99th percentile of |DoG| at text-line scale.

    The sheet's margins and the surroundings of clipped blobs (glare halos)
    are left out: neither is text.
    """
    k = _DOG_LONG_SIDE / max(gray.shape)
    small = cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_AREA)
    fine, coarse = (cv2.GaussianBlur(small.astype(np.float32), (0, 0), s) for s in _DOG_SIGMAS)
    # Glare halos fade over ~10 % of the sheet (20 px here).
    halo = cv2.dilate((small >= _CLIPPED_LEVEL).astype(np.uint8), np.ones((41, 41), np.uint8)) > 0
    band = np.abs(fine - coarse)
    margin = max(1, round(0.05 * max(small.shape)))
    keep = np.zeros(band.shape, bool)
    keep[margin:-margin, margin:-margin] = True
    values = band[keep & ~halo]
    return float(np.percentile(values, 99)) if values.size else 0.0


def _glare_blob(gray: np.ndarray, magnitude: np.ndarray) -> tuple[tuple[int, int, int, int] | None, float, float]:
    """The most glare-like clipped blob: its box ``(x, y, w, h)``, area share and ring level.

    Candidates are the three largest solid clipped blobs of at most 40 % of
    the sheet (more is overexposure or a white scan) whose outline is soft
    (median gradient on it under :data:`_GLARE_EDGE_LEVEL`): glare fades into
    the paper, while a white printed area, sticker or photo background has a
    crisp edge. Of those, the one with the darkest paper around it wins.
    """
    clipped = _solid_clipped(gray)
    size = max(gray.shape)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(clipped, connectivity=8)
    best: tuple[tuple[int, int, int, int] | None, float, float] = (None, 0.0, 255.0)
    for i in np.argsort(-stats[1:, cv2.CC_STAT_AREA])[:3] + 1:
        share = float(stats[i, cv2.CC_STAT_AREA]) / gray.size
        blob = (labels == i).astype(np.uint8)
        if share > 0.4 or _outline_gradient(blob, magnitude) >= _GLARE_EDGE_LEVEL:
            continue
        ring = _ring_level(gray, blob, size)
        if ring < best[2]:
            x, y, w, h = (int(v) for v in stats[i, :4])
            best = ((x, y, w, h), share, ring)
    return best


def _solid_clipped(gray: np.ndarray) -> np.ndarray:
    """Clipped pixels, opened by ~1 % of the sheet: paper specks between letters go, solid blobs stay."""
    clipped = (gray >= _CLIPPED_LEVEL).astype(np.uint8)
    open_px = max(3, round(0.01 * max(gray.shape)))
    return cv2.morphologyEx(clipped, cv2.MORPH_OPEN, np.ones((open_px, open_px), np.uint8))


def _outline_gradient(blob: np.ndarray, magnitude: np.ndarray) -> float:
    """Median gradient magnitude just outside a blob's outline."""
    outline = cv2.dilate(blob, np.ones((5, 5), np.uint8)) - blob
    values = magnitude[outline > 0]
    return float(np.median(values)) if values.size else 0.0


def _ring_level(gray: np.ndarray, blob: np.ndarray, size: int) -> float:
    """75th percentile gray level in a ring 2-4 % of the sheet's size around a blob."""
    inner = cv2.dilate(blob, np.ones((2 * round(0.02 * size) + 1,) * 2, np.uint8))
    outer = cv2.dilate(blob, np.ones((2 * round(0.04 * size) + 1,) * 2, np.uint8))
    ring = gray[(outer > 0) & (inner == 0)]
    return float(np.percentile(ring, 75)) if ring.size else 255.0


def _box_to_work_quad(box: tuple[int, int, int, int], k: float) -> Quad:
    """Measure-copy box -> work-space quad (edge coordinates, clockwise from top-left)."""
    x, y, w, h = box
    x0, y0, x1, y1 = x / k, y / k, (x + w) / k, (y + h) / k
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))

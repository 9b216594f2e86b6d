"""Red seals (公章): find them on the work-space sheet and lift their ink before OCR.

A red stamp pressed over the signature block makes PP-OCR drop or cut the
issuer's name and the date. Titles, labels and page frames are often printed
in the same red, so only *seal-shaped* red marks are touched.

Coordinates: both functions take and return work-space images (BGR uint8,
``NormalizedImage.pixels``). Detection quads are work-space edge coordinates
(a pixel ``i`` covers ``[i, i + 1)``, as ``BBox``); ``extras["center"]`` uses
the same convention. Nothing here depends on the page's orientation.

Finding (:func:`find_red_seals`), on a copy shrunk to :data:`ANALYSIS_LONG_SIDE`
pixels (a seal ring stays 2-4 px wide there; the search costs a quarter):

1. **Red mask**: HSV hue <= 10 or >= 160, saturation >= 45, value >= 80.
   Stamp ink on the samples has saturation 47-53 at its 1st percentile and
   92-129 at its median; 45 instead of 60 finds 172 instead of 151 of 210
   degraded test stamps (below) with the same false alarms. Black print under
   the ink has value < 80 and drops out.
2. **Closing** by 0.4 % of the short side (ink dropouts).
3. **Grouping** across gaps up to 3 % of the short side, about a line of body
   text: black strokes crossing the ring, or lying along it, cut it into arcs.
   Pieces smaller than a square of 0.6 % of the short side are then dropped
   from each group (reddish paper grain would pull the hull off the ring).
4. **Size**: the group's box long side within 6-35 % of the page's short side,
   short side at least half the long side, not touching the image edge. Page
   frames are longer than 35 % (and their corner ornaments are part of them).
5. **Outline**: an ellipse and a rotated rectangle are fitted to the convex
   hull (so a broken ring still fits as a whole); the one with the smaller
   median residual of the hull's normalised radius wins (square, or round /
   oval by axis ratio 0.9).
6. **Ring measures** in that outline's normalised radius rho: *coverage*, the
   share of 90 angle bins with ink in the rim band 0.86 <= rho <= 1.04;
   *band ink*, the ink density of that band (a stamp's rim is thin, a glyph's
   stroke fills it); *interior ink*, the density inside rho < 0.8 (a stamp's
   text and star, neither empty nor solid).
7. **Title glyphs**: a candidate with a red neighbour of comparable size in
   its row or column (at least 0.4 of its height and 0.2 of it wide, centred
   within 0.35 heights, at most 0.6 heights away) is a glyph of a large red
   title, e.g. 国 or 回; other accepted seals do not count as neighbours.

8. **Circles** (:func:`_circle_seals`), for what grouping cannot part or
   size: round stamps pressed over each other (a notice's two issuers, a
   prize's three organisers) and a stamp filling a scan or crop of itself.
   Circles are found with OpenCV's ``HOUGH_GRADIENT_ALT`` on the red mask
   (radius 4.5-55 % of the short side, on a half-size copy) and kept when the
   rim band carries ink in 75 % of the angle bins that lie on the image, the
   interior holds 2-55 % ink, the paper just outside the rim (1.15-1.35
   radii) at most 20 % (a guilloche rosette or a border ornament has ink on
   both sides of any circle through it) and the box under 3 % gold (a colour
   emblem). A second circle pass runs on *pale* ink, redder than the local
   paper by 12 levels of chroma (:func:`_pale_red_mask`), with the interior at
   most 35 % ink (a small colour emblem's red field measured 38-48 %).

Real images (``python -m bench.evaluate_detectors --sections real`` against
the hand-marked ``bench/detector_truth.yaml``): on the 48 real documents 37
of 45 stamps found (23 before the circle passes, 33 with the first one), no
false seal; on the 12 reference scans 10 of 11 (the person's square name seal
with its heavy border is missed) and one false seal, on the red one-ink
emblem render filling its image. Missed: pale violet or near-gray ink, a
stamp a third hidden by a redaction box, a stamp at the photo's edge, a faint
stamp on pink guilloche, a 150-px stamp on a licence shown small in a phone
screenshot. On 60 generated photos (seeds 21 and 5) the circle passes added
no stamp that was not drawn.

Acceptance of the grouping path, measured on two generated corpora (``python -m samples.generate``
seed 21: 40 scan/phone photos; seed 5: 80 phone/hard/sideways/upside-down
photos; designs competition_award, company_internal, skill_level_2021, each
with one round seal) and on their seal-free twins (the same photos rendered
without the seal: red titles, red double frames with ring ornaments, red
labels and palettes), 298 non-seal candidates in all:

=================  ==============  ==================  ===================================
measure            threshold       120 seals           non-seal candidates
=================  ==============  ==================  ===================================
hull residual      <= 0.05         0.001-0.004         274 of 298 also pass
coverage           >= 0.8 (0.95    all 1.0             at most 0.74; rendered square
                   for squares)                        glyphs (国, 回, 圆) 0.76-0.86
band ink           <= 0.75         0.34-0.61           letters O / 0: 0.80-0.91
interior ink       0.03-0.5        0.22-0.40           title glyphs 0.5-0.8; 〇: 0
=================  ==============  ==================  ===================================

Result: 120 of 120 seals found, box IoU with the truth 0.94-0.99 (median
0.97); no detection on the 120 seal-free twins nor on 12 blank or
not-a-certificate photos (solid red discs). Rendered red titles (9 strings x
4 CJK faces x 3 sizes): no false alarm; lone large glyphs (15 ring- or
box-shaped ones x 4 faces x 3 sizes): only ``@`` passes (6 of 180).

Degraded stamps drawn by the samples generator (``seal_alpha``) over text,
6 per case at diameters of 8, 12, 18, 25 and 34 % of the short side: full
ink, 60 % ink, an oval (0.65), a 2 px blur and two 15-degree gaps are all
found from 12 % up; 40 % ink from 18 % up; four gaps 23 of 24 from 12 % up.
At 8 % (a 17 mm stamp on A4) only full ink is found reliably.

Cost at 1600 px, 120 photos, on a 2-core machine shared with other jobs
(load 2.5-4): find 8-11 ms, suppress 6-7 ms (medians); both together 14 ms
median, 20 ms at the 90th percentile in the quietest of five passes.

Suppression (:func:`suppress_red_seals`): a stamp multiplies the paper by
the ink colour, which darkens the red channel only a little. Inside each
seal's outline (8 % margin), a red pixel (chroma ``R - max(G, B)``; the blend
weight ramps from 4 to 16, so anti-aliased ink edges go too) becomes
``paper * R / (paper_R * (1 - slope * chroma))``: ``paper`` is the median
colour of the brighter half of the pixels in a ring 1.12-1.4 radii around the
stamp, and ``slope`` the red channel's loss per level of chroma on the stamp's
own certain ink (chroma >= 40; 65th percentile, so faint ink is removed
rather than left gray). Against the seal-free twins of the 120 photos, the
stamp's region differs by 2.7 gray levels on average (21.4 before), ink
pixels end 0.2 levels darker than the bare paper, and black print under the
ink 3.8 levels lighter (at most 9.8). Simply mapping the red channel of full
ink to paper lightened that print by 8 levels (blurred print picks up chroma
from the ink around it) and left a visible disc on tinted paper.

OCR (RapidOCR, ``ocr/engine.py``) on the 120 photos, before and after
suppression, and on the seal-free twins; the issuer or date counts when one
OCR line equals the printed text, a printed line when one OCR line contains
it (spaces and full/half-width punctuation folded):

=========================================  ========  ========  ========
                                           before    after     no seal
=========================================  ========  ========  ========
stamp over the issuer (24 award/training)
issuer line                                13        24        24
date line                                  15        23        24
printed lines read (of 264)                236       247       244
stamp clear of the text (96 skill_level)
issuer line                                95        95        95
date line                                  96        95        95
printed lines read (of 2356)               2256      2253      2252
=========================================  ========  ========  ========

Every printed line read before and not after (9 lines on 8 photos) lies
where suppression changed no pixel: PP-OCR's detector, which sees the whole
page, moves a line box by a pixel and the recogniser flips a borderline read
(``2024年09月24日`` became ``202441024日`` on a blurred photo). The
seal-free twins miss 8 of those 9 lines too. The one date missed after
suppression is on a "hard" photo, missed before as well.

Known limits: a ring of red circles (a rosette) whose envelope is a clean ring
passes the grouping path as a stamp; a red one-ink emblem filling the image
passes the circle path; a stamp touching a red frame merges with it and is not found;
a lone ring-shaped red mark with something inside (an ``@``, a round red
logo) counts as a seal; red print under a stamp, inside its outline, is lifted
with the ink (colour cannot tell the two apart).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import cv2
import numpy as np

from certcheck.types import Detection, Quad

__all__ = ["ANALYSIS_LONG_SIDE", "DETECTOR_NAME", "find_red_seals", "red_ink_mask", "suppress_red_seals"]

#: The name every seal detection carries (a change of method gets a new version).
DETECTOR_NAME = "red_seal.v1"

#: Long side, pixels, of the copy seals are searched on (the work image is 1600).
ANALYSIS_LONG_SIDE = 800
# Red in OpenCV's HSV (hue 0-179): both ends of the hue circle, saturated and not dark.
_HUE_LOW_MAX = 10
_HUE_HIGH_MIN = 160
_MIN_SATURATION = 45
_MIN_VALUE = 80
# Seal size (bounding box long side) as a share of the page's short side.
_MIN_SIZE_SHARE = 0.06
_MAX_SIZE_SHARE = 0.35
# Narrowest box side relative to the longest: oval seals are 1.3-1.6 times as wide as high.
_MIN_BOX_RATIO = 0.5
# Closing kernel as a share of the short side (bridges ink dropouts and crossing black strokes).
_CLOSE_SHARE = 0.004
# Red pieces smaller than a square of this share of the short side are specks, not ink.
_SPECK_SHARE = 0.006
# Largest gap between pieces of one stamp, as a share of the short side (a line of body text).
_BRIDGE_SHARE = 0.03
#: The second pass's bridge, tried only when the first finds no stamp (see :func:`find_red_seals`).
_TIGHT_BRIDGE_SHARE = 0.01
# Normalised radius (1 on the fitted outline) of the ring band and of the interior.
_RING_BAND = (0.86, 1.04)
_INTERIOR_MAX = 0.8
_ANGLE_BINS = 90
# Acceptance, from the measurements in the module docstring.
_MAX_RESIDUAL = 0.05
_MIN_COVERAGE = 0.8
_MIN_SQUARE_COVERAGE = 0.95
_MIN_INTERIOR_INK = 0.03
_MAX_INTERIOR_INK = 0.5
_MAX_BAND_INK = 0.75
# Circles (round stamps overlapping each other or filling a crop, see _circle_seals): radius as a
# share of the short side, the share of the rim's angle bins that must lie on the image and carry ink,
# the interior's ink, and the ink allowed in the band of paper just outside the rim.
_CIRCLE_RADIUS_SHARE = (0.045, 0.55)
_MIN_VISIBLE_SHARE = 0.6
_MIN_CIRCLE_COVERAGE = 0.75
_CIRCLE_INTERIOR = (0.02, 0.55)
_OUTSIDE_BAND = (1.15, 1.35)
_MAX_OUTSIDE_INK = 0.2
# Pale stamps: chroma above the local median (window as a share of the short side), hue up to orange-red.
_PALE_CHROMA = 12
_PALE_WINDOW_SHARE = 0.06
_PALE_HUE_LOW_MAX = 15
# ... and a pale circle's interior holds at most this much of that ink: the red field of a small colour
# emblem measured 0.38-0.48 in it, the pale stamps 0.1-0.3.
_PALE_INTERIOR_MAX = 0.35
# Gold (min(R, G) - B) of a colour emblem; a circle with this share of gold pixels is no stamp.
_GOLD_CHROMA = 60
_MAX_GOLD_SHARE = 0.03
# Round vs oval: axis ratio of the fitted ellipse.
_ROUND_RATIO = 0.9
# A glyph of a title row has a red neighbour at least _ROW_MIN_HEIGHT of its height tall and
# _ROW_MIN_WIDTH of it wide, centred within _ROW_SHIFT heights of its axis and at most _ROW_GAP
# heights away (boxes of touching glyphs may overlap by _ROW_OVERLAP).
_ROW_MIN_HEIGHT = 0.4
_ROW_MIN_WIDTH = 0.2
_ROW_SHIFT = 0.35
_ROW_GAP = 0.6
_ROW_OVERLAP = 0.25
# Suppression: chroma (R - max(G, B)) where red starts and where it is fully replaced, chroma of
# certain ink, the smallest red-channel factor ink is credited with, the outline's margin
# (normalised radius) and the ring around the stamp the paper colour is taken from.
_CHROMA_START = 4
_CHROMA_FULL = 16
_STRONG_CHROMA = 40
_MIN_INK_FACTOR = 0.5
_SLOPE_PERCENTILE = 65
_REGION_MARGIN = 1.08
_PAPER_RING = (1.12, 1.4)

Box = tuple[int, int, int, int]
SealShape = Literal["round", "oval", "square"]


@dataclass(frozen=True)
class _Outline:
    """An ellipse or a rotated rectangle fitted to a red mark (pixel-centre coordinates)."""

    shape: SealShape
    center: tuple[float, float]
    half_axes: tuple[float, float]
    angle_deg: float

    def radius_at(self, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Normalised radius of points: 1 on the outline (a square uses the max norm)."""
        return self._radius(*self._unit(xs, ys))

    def polar(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Normalised radius and angle (radians, along the outline) of points."""
        u, v = self._unit(xs, ys)
        return self._radius(u, v), np.arctan2(v, u)

    def _radius(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        rho: np.ndarray = np.maximum(np.abs(u), np.abs(v)) if self.shape == "square" else np.hypot(u, v)
        return rho

    def _unit(self, xs: np.ndarray, ys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Points in the outline's own axes, scaled so the half axes are 1."""
        t = math.radians(self.angle_deg)
        dx, dy = xs - self.center[0], ys - self.center[1]
        u = (dx * math.cos(t) + dy * math.sin(t)) / max(self.half_axes[0], 1e-6)
        v = (-dx * math.sin(t) + dy * math.cos(t)) / max(self.half_axes[1], 1e-6)
        return u, v

    def scaled(self, k: float) -> _Outline:
        """The outline in an image ``1/k`` times the size (pixel-centre convention)."""
        cx, cy = self.center
        return _Outline(
            self.shape,
            ((cx + 0.5) / k - 0.5, (cy + 0.5) / k - 0.5),
            (self.half_axes[0] / k, self.half_axes[1] / k),
            self.angle_deg,
        )


@dataclass(frozen=True)
class _Ring:
    """How seal-like a red mark is (see the module docstring)."""

    residual: float
    coverage: float
    band_ink: float
    interior_ink: float


@dataclass(frozen=True)
class _Candidate:
    """A group of red ink of a seal's size, its label, box and fitted outline (analysis copy)."""

    label: int
    box: Box
    outline: _Outline
    ring: _Ring


def red_ink_mask(image: np.ndarray) -> np.ndarray:
    """Saturated red pixels of a BGR image, both ends of the hue circle.

    Args:
        image: ``H x W x 3`` uint8 BGR.

    Returns:
        ``H x W`` uint8, 1 where the pixel is red ink.

    >>> red_ink_mask(np.array([[[40, 40, 210], [30, 30, 30], [240, 240, 245]]], np.uint8)).tolist()
    [[1, 0, 0]]
    """
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    low = cv2.inRange(hsv, (0, _MIN_SATURATION, _MIN_VALUE), (_HUE_LOW_MAX, 255, 255))
    high = cv2.inRange(hsv, (_HUE_HIGH_MIN, _MIN_SATURATION, _MIN_VALUE), (179, 255, 255))
    return cv2.bitwise_or(low, high) // 255


def find_red_seals(image: np.ndarray) -> list[Detection]:
    """Find red stamps: thin closed round, oval or square rings of red ink.

    Args:
        image: the work-space sheet, ``H x W x 3`` uint8 BGR.

    Returns:
        One ``kind="seal"`` detection per stamp: its axis-aligned bounding quad
        in work-space pixels, a score of 0.5 at the weakest acceptance
        threshold up to 1.0 for a clean ring, and in ``extras`` the shape,
        ``diameter_px``, the fitted outline (``center``, ``half_axes``,
        ``angle_deg``: what :func:`suppress_red_seals` clears) and the ring
        measures.

    Raises:
        ValueError: ``image`` is not a BGR uint8 image.
    """
    _check_bgr(image)
    k = min(1.0, ANALYSIS_LONG_SIDE / max(image.shape[:2]))
    small = cv2.resize(image, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1.0 else image
    short = min(small.shape[:2])
    mask = _without_frame_lines(_closed(red_ink_mask(small), short), short)
    seals = _seals_in(mask, short, _BRIDGE_SHARE)
    if not seals:
        # A stamp pressed beside red printed labels (评价机构名称, 发证日期) is grouped with them
        # across the usual bridge and fails the ring tests; a tighter bridge keeps it apart.
        seals = _seals_in(mask, short, _TIGHT_BRIDGE_SHARE)
    # Round stamps overlapping each other, or filling a crop, are found as circles (see _circle_seals).
    seals += [c for c in _circle_seals(mask, small, short) if not any(_same_stamp(c, o) for o in seals)]
    # Pale stamps (little ink, a worn pad) fall under the red mask's saturation: their circles are looked
    # for again in ink that is redder than the paper around it.
    pale = _closed(_pale_red_mask(small), short)
    seals += [
        c for c in _circle_seals(pale, small, short, _PALE_INTERIOR_MAX) if not any(_same_stamp(c, o) for o in seals)
    ]
    return [_detection(c, k) for c in _outermost(seals)]


def _pale_red_mask(image: np.ndarray) -> np.ndarray:
    """Pixels redder than the paper around them: chroma ``R - max(G, B)`` at least :data:`_PALE_CHROMA`
    above its local median (a window of :data:`_PALE_WINDOW_SHARE` of the short side), red hue.

    A pale pink stamp measures a chroma of 25-45 at its strongest on the real
    photos (saturation 40-100 where the red mask asks for 45 and more, on
    paper that may itself be tinted).
    """
    bgr = image.astype(np.int16)
    chroma = np.clip(bgr[..., 2] - np.maximum(bgr[..., 0], bgr[..., 1]), 0, 255).astype(np.uint8)
    k = max(3, round(_PALE_WINDOW_SHARE * min(image.shape[:2])) | 1)
    local = cv2.medianBlur(chroma, min(k, 255 if k <= 255 else 255))
    hue = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)[..., 0]
    red_hue = (hue <= _PALE_HUE_LOW_MAX) | (hue >= _HUE_HIGH_MIN)
    pale: np.ndarray = ((chroma.astype(np.int16) - local >= _PALE_CHROMA) & red_hue).astype(np.uint8)
    return pale


def _circle_seals(
    mask: np.ndarray, small: np.ndarray, short: int, interior_max: float | None = None
) -> list[_Candidate]:
    """Round stamps found as circles of red ink (Hough), each verified like a ring.

    Grouping (:func:`_seals_in`) cannot part two stamps pressed over each
    other (an official notice's two issuers, a prize's three organisers) and
    leaves out a stamp larger than :data:`_MAX_SIZE_SHARE` of the short side
    (a scan of the stamp alone). A circle is kept when its rim band
    (:data:`_RING_BAND`) carries ink in :data:`_MIN_CIRCLE_COVERAGE` of the
    angle bins that lie on the image, its interior holds the stamp's text and
    star (:data:`_CIRCLE_INTERIOR`), and the paper just outside the rim is
    nearly blank (:data:`_MAX_OUTSIDE_INK`): a guilloche rosette or a red
    ornament in a border has ink on both sides of any circle drawn through it.
    A circle whose inside is partly gold is a colour emblem, not a stamp.
    The circles are searched on a copy of half the size (a quarter of the cost).
    """
    f = 0.5
    blurred = cv2.resize(mask.astype(np.float32) * 255.0, None, fx=f, fy=f, interpolation=cv2.INTER_AREA)
    blurred = cv2.GaussianBlur(blurred, (0, 0), 1.0).astype(np.uint8)
    lo, hi = round(_CIRCLE_RADIUS_SHARE[0] * short * f), round(_CIRCLE_RADIUS_SHARE[1] * short * f)
    found = cv2.HoughCircles(blurred, cv2.HOUGH_GRADIENT_ALT, 1.5, max(6.0, lo), param1=150, param2=0.75,
                             minRadius=max(4, lo), maxRadius=hi)
    if found is None:
        return []
    b, g, r_ = (small[..., i].astype(np.int16) for i in range(3))
    gold = (np.minimum(r_, g) - b >= _GOLD_CHROMA).astype(np.uint8)
    seals = []
    for cx, cy, r in found[0]:
        c = _circle_candidate(mask, (float(cx) + 0.5) / f, (float(cy) + 0.5) / f, float(r) / f)
        if c is None or (interior_max is not None and c.ring.interior_ink > interior_max):
            continue
        if _gold_share(gold, c) < _MAX_GOLD_SHARE:
            seals.append(c)
    return seals


def _gold_share(gold: np.ndarray, c: _Candidate) -> float:
    """Share of gold pixels (a colour emblem's stars, gate and ears) in the candidate's box."""
    x, y, w, h = c.box
    patch = gold[y : y + h, x : x + w]
    return float(patch.mean()) if patch.size else 0.0


def _circle_candidate(mask: np.ndarray, cx: float, cy: float, r: float) -> _Candidate | None:
    """A Hough circle measured as a stamp's ring; ``None`` when it is not one."""
    h, w = mask.shape
    reach = _OUTSIDE_BAND[1] * r
    x0, y0 = max(0, int(cx - reach)), max(0, int(cy - reach))
    x1, y1 = min(w, int(math.ceil(cx + reach)) + 1), min(h, int(math.ceil(cy + reach)) + 1)
    ink = mask[y0:y1, x0:x1] > 0
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32) + 0.5
    rho, phi = np.hypot(xs - cx, ys - cy) / r, np.arctan2(ys - cy, xs - cx)
    band = (rho >= _RING_BAND[0]) & (rho <= _RING_BAND[1])
    bins = ((phi + math.pi) * (_ANGLE_BINS / (2 * math.pi))).astype(int) % _ANGLE_BINS
    on_image = len(np.unique(bins[band]))
    if on_image < _MIN_VISIBLE_SHARE * _ANGLE_BINS:
        return None
    outside = (rho >= _OUTSIDE_BAND[0]) & (rho <= _OUTSIDE_BAND[1])
    interior = rho < _INTERIOR_MAX
    ring = _Ring(
        residual=0.0,
        coverage=len(np.unique(bins[band & ink])) / on_image,
        band_ink=float(ink[band].mean()),
        interior_ink=float(ink[interior].mean()) if interior.any() else 1.0,
    )
    outside_ink = float(ink[outside].mean()) if outside.any() else 0.0
    if not (
        ring.coverage >= _MIN_CIRCLE_COVERAGE
        and _CIRCLE_INTERIOR[0] <= ring.interior_ink <= _CIRCLE_INTERIOR[1]
        and ring.band_ink <= _MAX_BAND_INK
        and outside_ink <= _MAX_OUTSIDE_INK
    ):
        return None
    bx0, by0 = max(0, round(cx - r)), max(0, round(cy - r))
    bx1, by1 = min(w, round(cx + r)), min(h, round(cy + r))
    outline = _Outline("round", (cx - 0.5, cy - 0.5), (r, r), 0.0)
    return _Candidate(-1, (bx0, by0, bx1 - bx0, by1 - by0), outline, ring)


def _same_stamp(c: _Candidate, other: _Candidate) -> bool:
    """Whether either candidate's centre lies inside the other's box (one stamp found twice)."""
    def centre_in(a: _Candidate, b: _Candidate) -> bool:
        x, y, w, h = b.box
        cx, cy = a.outline.center
        return x <= cx <= x + w and y <= cy <= y + h

    return centre_in(c, other) or centre_in(other, c)


def _seals_in(mask: np.ndarray, short: int, bridge_share: float) -> list[_Candidate]:
    """The groups of ``mask`` (red marks bridged across ``bridge_share`` of the short side) that are stamps."""
    n, labels, boxes = _groups(mask, short, bridge_share)
    candidates = [c for i in range(1, n) if (c := _candidate(i, labels, boxes[i], mask, short)) is not None]
    seals = [c for c in candidates if _is_seal(c.outline.shape, c.ring)]
    return [c for c in seals if not _in_glyph_row(c, boxes, {s.label for s in seals})]


def _check_bgr(image: np.ndarray) -> None:
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"expected an H x W x 3 uint8 BGR image, got {image.dtype} {image.shape}")


def _closed(mask: np.ndarray, short_side: int) -> np.ndarray:
    """Red mask closed over ink dropouts and thin crossing strokes."""
    k = max(3, round(_CLOSE_SHARE * short_side) | 1)
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))


#: Straight red runs longer than this share of the short side are page frames or rules, not seals
#: (a seal's box is at most 35 % of the short side, so even a square stamp's border is shorter).
_FRAME_LINE_SHARE = 0.36


def _without_frame_lines(mask: np.ndarray, short_side: int) -> np.ndarray:
    """The red mask less long horizontal and vertical lines (page frames), so a stamp touching one stays whole.

    A stamp pressed onto the frame merged with it into one group too large to
    be a seal, and was missed. Lines are found by an opening with a
    ``_FRAME_LINE_SHARE`` long bar, on a copy thickened across the bar by 2 px
    each side so a frame tilted by a degree or two still holds full-length runs.
    """
    length = max(9, round(_FRAME_LINE_SHARE * short_side))
    lines = np.zeros_like(mask)
    for bar, across in (((1, length), (5, 1)), ((length, 1), (1, 5))):
        thick = cv2.dilate(mask, np.ones(across, np.uint8))
        lines |= cv2.morphologyEx(thick, cv2.MORPH_OPEN, np.ones(bar, np.uint8))
    return mask & ~lines


def _groups(mask: np.ndarray, short_side: int, bridge_share: float) -> tuple[int, np.ndarray, list[Box]]:
    """Red marks grouped across gaps up to ``bridge_share`` of the short side (:data:`_BRIDGE_SHARE`).

    Black print over a stamp hides the ring where it crosses it (a stroke
    along the ring hides a whole glyph's height), so the pieces of one
    stamp are grouped by proximity before any geometry is measured.

    Returns:
        The number of labels (0 is the background), the label image and each
        group's box ``(x, y, w, h)`` shrunk back by the grouping margin.
    """
    r = max(1, round(bridge_share * short_side / 2))
    grown = cv2.dilate(mask, np.ones((2 * r + 1, 2 * r + 1), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(grown, connectivity=8)
    boxes = [(int(x) + r, int(y) + r, max(1, int(w) - 2 * r), max(1, int(h) - 2 * r)) for x, y, w, h, _ in stats]
    return n, labels, boxes


def _candidate(i: int, labels: np.ndarray, box: Box, mask: np.ndarray, short: int) -> _Candidate | None:
    """Fit and measure one group of red ink whose box, specks left out, has a seal's size and proportions."""
    x, y, w, h = box
    if max(w, h) < _MIN_SIZE_SHARE * short or min(w, h) > 2 * _MAX_SIZE_SHARE * short:
        return None  # specks can only widen a group's box, never shrink it
    own = _without_specks(mask[y : y + h, x : x + w] * (labels[y : y + h, x : x + w] == i).astype(np.uint8), short)
    points = cv2.findNonZero(own)
    if points is None or len(points) < 5:
        return None
    origin = np.array([x, y], np.int32)
    bx, by, w, h = cv2.boundingRect(points)
    x, y, own = x + bx, y + by, own[by : by + h, bx : bx + w]
    if not _MIN_SIZE_SHARE * short <= max(w, h) <= _MAX_SIZE_SHARE * short or min(w, h) < _MIN_BOX_RATIO * max(w, h):
        return None
    if x <= 0 or y <= 0 or x + w >= mask.shape[1] or y + h >= mask.shape[0]:
        return None  # cut by the page edge: a border or the desk, not a whole stamp
    outline, residual = _fit(points + origin)
    return _Candidate(i, (x, y, w, h), outline, _ring(own, outline, (x, y), residual))


def _without_specks(ink: np.ndarray, short: int) -> np.ndarray:
    """``ink`` without pieces smaller than a square of :data:`_SPECK_SHARE` of the short side.

    Specks (reddish paper grain, JPEG colour noise) grouped with a stamp would
    pull its hull off the ring.
    """
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    keep = stats[:, cv2.CC_STAT_AREA] >= (_SPECK_SHARE * short) ** 2
    keep[0] = False
    kept: np.ndarray = keep[labels].astype(np.uint8)
    return kept


def _fit(points: np.ndarray) -> tuple[_Outline, float]:
    """The better of an ellipse and a rotated rectangle fitted to the convex hull, and its residual.

    The hull, not the outline of the ink, is fitted so that a ring broken by a
    light stroke of the stamp or by crossing black text still fits as a whole.
    """
    hull = cv2.convexHull(points)
    pts = _densify(hull.reshape(-1, 2).astype(np.float64))
    (ex, ey), (ew, eh), ea = cv2.fitEllipse(pts.astype(np.float32))
    (rx, ry), (rw, rh), ra = cv2.minAreaRect(hull)
    round_ = min(ew, eh) >= _ROUND_RATIO * max(ew, eh)
    ellipse = _Outline("round" if round_ else "oval", (ex, ey), (ew / 2, eh / 2), ea)
    rect = _Outline("square", (rx, ry), (rw / 2, rh / 2), ra)
    fits = [(o, float(np.median(np.abs(o.radius_at(pts[:, 0], pts[:, 1]) - 1.0)))) for o in (ellipse, rect)]
    return min(fits, key=lambda f: f[1])


def _densify(polygon: np.ndarray, step: float = 2.0) -> np.ndarray:
    """Points every ``step`` pixels along a closed polygon, so each hull edge weighs by its length."""
    ends = np.roll(polygon, -1, axis=0)
    parts = [
        np.linspace(a, b, max(1, int(np.hypot(*(b - a)) / step)), endpoint=False)
        for a, b in zip(polygon, ends, strict=True)
    ]
    return np.concatenate(parts)


def _ring(mask: np.ndarray, outline: _Outline, origin: tuple[int, int], residual: float) -> _Ring:
    """Ink on the outline band (how much of its circumference, how dense) and inside it."""
    ys, xs = np.ogrid[0 : mask.shape[0], 0 : mask.shape[1]]
    rho, phi = outline.polar((xs + origin[0]).astype(np.float32), (ys + origin[1]).astype(np.float32))
    ink = mask > 0
    band = (rho >= _RING_BAND[0]) & (rho <= _RING_BAND[1])
    interior = rho < _INTERIOR_MAX
    bins = ((phi[band & ink] + math.pi) * (_ANGLE_BINS / (2 * math.pi))).astype(int) % _ANGLE_BINS
    return _Ring(
        residual=residual,
        coverage=len(np.unique(bins)) / _ANGLE_BINS,
        band_ink=float(ink[band].mean()) if band.any() else 0.0,
        interior_ink=float(ink[interior].mean()) if interior.any() else 1.0,
    )


def _is_seal(shape: SealShape, ring: _Ring) -> bool:
    return (
        ring.residual <= _MAX_RESIDUAL
        and ring.coverage >= (_MIN_SQUARE_COVERAGE if shape == "square" else _MIN_COVERAGE)
        and _MIN_INTERIOR_INK <= ring.interior_ink <= _MAX_INTERIOR_INK
        and ring.band_ink <= _MAX_BAND_INK
    )


def _in_glyph_row(c: _Candidate, boxes: Sequence[Box], seal_labels: set[int]) -> bool:
    """Whether a red mark of comparable height sits beside it or above/below it: a title glyph such as 国.

    A stamp stands alone; a square glyph of a large red title has its
    neighbours in the row. Marks inside the candidate (its own text and star)
    and other seals do not count.
    """
    x, y, w, h = c.box
    for j in range(1, len(boxes)):
        ox, oy, ow, oh = boxes[j]
        if j == c.label or j in seal_labels or _inside((ox, oy, ow, oh), c.box):
            continue
        if _lines_up((y, h), (x, w), (oy, oh), (ox, ow)) or _lines_up((x, w), (y, h), (ox, ow), (oy, oh)):
            return True
    return False


def _inside(box: Box, outer: Box) -> bool:
    x, y, w, h = box
    ox, oy, ow, oh = outer
    return x >= ox and y >= oy and x + w <= ox + ow and y + h <= oy + oh


def _lines_up(
    across: tuple[int, int], along: tuple[int, int], other_across: tuple[int, int], other_along: tuple[int, int]
) -> bool:
    """Whether the other mark is about as tall, on the same row and close along it (spans as (start, length)).

    >>> _lines_up((0, 100), (0, 100), (10, 90), (140, 90)), _lines_up((0, 100), (0, 100), (10, 20), (140, 20))
    (True, False)
    """
    (a0, size), (l0, length), (oa0, other_size), (ol0, other_length) = across, along, other_across, other_along
    if other_size < _ROW_MIN_HEIGHT * size or other_length < _ROW_MIN_WIDTH * size:
        return False  # a speck or a printed rule, not a glyph
    shift = abs((oa0 + other_size / 2) - (a0 + size / 2))
    gap = max(ol0 - (l0 + length), l0 - (ol0 + other_length))
    return shift <= _ROW_SHIFT * size and -_ROW_OVERLAP * size <= gap <= _ROW_GAP * size


def _outermost(seals: list[_Candidate]) -> list[_Candidate]:
    """Drop candidates inside another one (an inner ring of a double-ring stamp)."""
    return [c for c in seals if not any(o is not c and _inside(c.box, o.box) for o in seals)]


def _detection(c: _Candidate, k: float) -> Detection:
    """Work-space detection from a candidate found on the copy scaled by ``k``."""
    x, y, w, h = c.box
    x0, y0, x1, y1 = x / k, y / k, (x + w) / k, (y + h) / k
    outline = c.outline.scaled(k)
    ring = c.ring
    extras: dict[str, Any] = {
        "shape": outline.shape,
        "diameter_px": round(2.0 * max(outline.half_axes), 1),
        # Edge coordinates like the quad: a pixel-centre coordinate plus half a pixel.
        "center": (round(outline.center[0] + 0.5, 1), round(outline.center[1] + 0.5, 1)),
        "half_axes": (round(outline.half_axes[0], 1), round(outline.half_axes[1], 1)),
        "angle_deg": round(outline.angle_deg, 1),
        "fit_residual": round(ring.residual, 4),
        "ring_coverage": round(ring.coverage, 3),
        "interior_ink": round(ring.interior_ink, 3),
    }
    quad: Quad = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
    return Detection(detector=DETECTOR_NAME, kind="seal", quad=quad, score=_score(ring), extras=extras)


def _score(ring: _Ring) -> float:
    """0.5 at the weakest acceptance threshold, 1.0 when every measure is at a perfect ring's value.

    >>> _score(_Ring(residual=0.0, coverage=1.0, band_ink=0.4, interior_ink=0.2))
    1.0
    """
    margins = (
        (_MAX_RESIDUAL - ring.residual) / _MAX_RESIDUAL,
        (ring.coverage - _MIN_COVERAGE) / (1.0 - _MIN_COVERAGE),
        min(1.0, (_MAX_INTERIOR_INK - ring.interior_ink) / 0.25),
    )
    return round(float(np.clip(0.5 + 0.5 * min(margins), 0.0, 1.0)), 3)


def suppress_red_seals(image: np.ndarray, seals: Sequence[Detection]) -> np.ndarray:
    """A copy of ``image`` with the red ink of each seal turned into paper; black print under it stays.

    Inside each seal's outline (or its quad's rectangle, for a detection
    without one), red pixels are replaced by a gray taken from their red
    channel, tinted with the paper colour around the stamp: red ink is bright
    in the red channel, so it becomes paper, while black print, dark in every
    channel, stays dark.

    Args:
        image: the work-space sheet, ``H x W x 3`` uint8 BGR.
        seals: detections with a quad in work space (from :func:`find_red_seals`).

    Returns:
        The cleaned copy, same shape and dtype; ``image`` is not changed.

    Raises:
        ValueError: ``image`` is not a BGR uint8 image.
    """
    _check_bgr(image)
    out = image.copy()
    for seal in seals:
        if seal.quad is not None:
            _lift_ink(out, _outline_of(seal.extras, seal.quad))
    return out


def _outline_of(extras: dict[str, Any], quad: Quad) -> _Outline:
    """The outline a :func:`find_red_seals` detection carries, else the rectangle of its quad.

    The quad is authoritative: an outline whose centre is not inside it (the
    quad was moved, e.g. by a page turn, and the extras were not) is ignored.
    """
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    if {"shape", "center", "half_axes", "angle_deg"} <= extras.keys():
        (cx, cy), (a, b) = extras["center"], extras["half_axes"]
        if min(xs) <= cx <= max(xs) and min(ys) <= cy <= max(ys):
            shape: SealShape = "square" if extras["shape"] == "square" else "oval"
            return _Outline(shape, (float(cx) - 0.5, float(cy) - 0.5), (float(a), float(b)), float(extras["angle_deg"]))
    center = ((min(xs) + max(xs)) / 2 - 0.5, (min(ys) + max(ys)) / 2 - 0.5)
    return _Outline("square", center, ((max(xs) - min(xs)) / 2, (max(ys) - min(ys)) / 2), 0.0)


def _lift_ink(out: np.ndarray, outline: _Outline) -> None:
    """Turn the red ink within ``outline`` (plus margin) into paper, in place, keeping dark print.

    A stamp multiplies the paper by the ink colour, darkening the red channel
    far less than the others. The red channel's loss grows with the pixel's
    chroma; its slope is measured on the stamp's own ink, so dividing the red
    channel by ``1 - slope * chroma`` leaves the print under the ink, in gray.
    """
    (x, y, w, h), rho = _neighbourhood(outline, out.shape[:2])
    if w <= 0 or h <= 0:
        return
    crop = out[y : y + h, x : x + w]
    bgr = crop.astype(np.float32)
    chroma = bgr[..., 2] - np.maximum(bgr[..., 0], bgr[..., 1])
    inside = rho <= _REGION_MARGIN
    paper = _paper_colour(bgr, (rho > _PAPER_RING[0]) & (rho <= _PAPER_RING[1]))
    slope = _red_loss_slope(bgr[..., 2], chroma, inside, float(paper[2]))
    if slope is None:
        return
    ink_factor = np.clip(1.0 - slope * np.maximum(chroma, 0.0), _MIN_INK_FACTOR, 1.0)
    level = np.clip(bgr[..., 2] / (float(paper[2]) * ink_factor), 0.0, 1.0)
    weight = (np.clip((chroma - _CHROMA_START) / (_CHROMA_FULL - _CHROMA_START), 0.0, 1.0) * inside)[..., None]
    crop[...] = np.clip(bgr * (1.0 - weight) + level[..., None] * paper * weight + 0.5, 0, 255).astype(np.uint8)


def _red_loss_slope(red: np.ndarray, chroma: np.ndarray, inside: np.ndarray, paper_red: float) -> float | None:
    """Share of the paper's red lost per level of chroma, over the stamp's certain ink (None: no ink)."""
    strong = inside & (chroma >= _STRONG_CHROMA)
    if not strong.any():
        return None
    loss = 1.0 - red[strong] / max(paper_red, 1.0)
    return max(0.0, float(np.percentile(loss / chroma[strong], _SLOPE_PERCENTILE)))


def _neighbourhood(outline: _Outline, size: tuple[int, int]) -> tuple[Box, np.ndarray]:
    """The box around ``outline`` out to the paper ring (clipped), and each pixel's normalised radius."""
    reach = _PAPER_RING[1] * max(outline.half_axes)
    cx, cy = outline.center
    x0, y0 = max(0, int(cx - reach)), max(0, int(cy - reach))
    x1, y1 = min(size[1], int(math.ceil(cx + reach)) + 1), min(size[0], int(math.ceil(cy + reach)) + 1)
    gy, gx = np.ogrid[y0:y1, x0:x1]
    rho = outline.radius_at(gx.astype(np.float32), gy.astype(np.float32))
    return (x0, y0, x1 - x0, y1 - y0), rho


def _paper_colour(bgr: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Median colour of the brighter half of the pixels around the stamp (print excluded), BGR."""
    around = bgr[ring]
    if around.shape[0] == 0:
        return np.full(3, 255.0, np.float32)
    gray = around.sum(axis=1)
    paper: np.ndarray = np.median(around[gray >= np.percentile(gray, 50)], axis=0).astype(np.float32)
    return paper

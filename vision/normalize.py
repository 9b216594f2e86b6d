"""Upload-space photo -> upright, rectified work-space sheet (:class:`~certcheck.types.NormalizedImage`).

Three steps, each a homography appended to the record that becomes
``NormalizedImage.to_upload`` (work space -> upload space):

1. **Find the sheet** (:func:`find_sheet`). On a copy downscaled to
   :data:`DETECT_LONG_SIDE` pixels, candidate outlines come from three masks:
   "paper-ness" (bright and unsaturated: Otsu on ``V - S``), plain brightness
   (Otsu on gray) and Canny edges. Each large contour's convex hull is reduced
   to the largest inscribed quadrilateral, which tolerates rounded or
   thumb-covered corners. A quad is kept only if it covers at least
   :data:`MIN_SHEET_AREA` of the photo, is convex, has corner angles within
   :data:`ANGLE_RANGE`, a long/short side ratio within :data:`ASPECT_RANGE`
   (A4 is 1.41; ID-card-like and square diplomas still pass), has no corner on
   the photo border (a sheet cut by the frame cannot be rectified honestly),
   has light, unsaturated paper inside, an edge along most of its sides, and
   something other than that paper outside it (else it is a frame printed on
   the sheet). A photo whose border
   is paper all round is a flat scan: no sheet is searched. The best quad by
   edge support x sqrt(area) wins; its sides are then re-fitted to the
   steepest step on the full-resolution gray image, so corners are accurate
   to about a pixel of the upload instead of a pixel of the small copy.
2. **Rectify.** With a sheet: crop its bounding box, downscale with area
   averaging until the sheet is at most 1.25x the target (so the bilinear warp
   never aliases), then warp to a rectangle whose aspect ratio is the mean of
   the measured opposite side lengths, long side = ``long_side``. Without a
   sheet: the whole photo is resized to ``long_side``. Small images are
   *upscaled* (bicubic) to ``long_side`` too: OCR detection works on a fixed
   text scale, and ``ImageQualityDetector`` judges resolution from the upload
   size, not from the work image. An upload longer than
   :data:`MAX_UPLOAD_ASPECT` (20:1) gets no sheet search, and a rectified
   image longer than :data:`MAX_WORK_ASPECT` (2.4:1) is padded with white paper
   (:func:`pad_to_aspect`), so no later stage sees a sliver of a few pixels.
3. **Turn upright** (quarter turns). The page's aspect ratio cannot tell 0 from
   180 degrees, nor a portrait sheet with sideways text. :func:`text_line_axis`
   first decides from the ink whether text lines run horizontally (candidates 0
   and 180) or vertically (90 and 270); when it is not sure, all four turns
   are candidates. An :data:`OrientationScorer` then scores each candidate and
   the best wins (ties keep the earlier candidate, i.e. the smaller turn).
   Production passes a scorer backed by the OCR engine; without one,
   :func:`layout_upright_score` scores layout cues (text lines, left
   alignment, a large title near the top).

Cost, one core, 2000 px photos from the samples generator: sheet search 17-37 ms,
the whole of :func:`normalize` 55-80 ms with a constant scorer and 75-95 ms
with the default one (its ink map is computed once and turned, not redone).

Coordinates: what this module returns (``to_upload``, :func:`find_sheet`)
uses continuous pixel coordinates, the convention of ``BBox``: an image ``W``
pixels wide spans ``[0, W]`` and pixel ``i`` covers ``[i, i + 1)``. Inside,
every homography follows OpenCV's centre convention (pixel ``i`` is centred on
``i``), mapping points exactly as the OpenCV call that made the pixels does
(``cv2.resize``, ``cv2.warpPerspective``, ``cv2.rotate``); the composed
transform is converted once at the end. The round-trip tests check the result
to a fraction of a pixel.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from typing import Literal

import cv2
import numpy as np

from certcheck.types import DecodedImage, NormalizedImage, Quad

__all__ = [
    "ANGLE_RANGE",
    "ASPECT_RANGE",
    "DETECT_LONG_SIDE",
    "MAX_UPLOAD_ASPECT",
    "MAX_WORK_ASPECT",
    "MIN_SHEET_AREA",
    "OrientationScorer",
    "find_sheet",
    "layout_upright_score",
    "normalize",
    "pad_to_aspect",
    "rotate_quarter",
    "text_line_axis",
]

#: Scores how upright-readable a BGR uint8 image is; higher is more upright.
#:
#: :func:`normalize` calls it on 2 or 4 quarter turns of the same work-space
#: sheet and keeps the best, so scores only need to be comparable between
#: turns of one image (not across images). It must be deterministic. Typical
#: production scorer: run OCR recognition on a few detected text lines and
#: return the mean confidence. Exceptions propagate out of :func:`normalize`.
OrientationScorer = Callable[[np.ndarray], float]

#: Uploads longer than this many times their width (either way) are judged
#: without a sheet search; ``vision/detectors/quality.py`` reports them as not
#: judgeable (``extreme_aspect``). Up to it, a strip of text is read like any photo.
MAX_UPLOAD_ASPECT = 20.0
#: The work image is padded with white paper to at most this long/short ratio
#: (:func:`pad_to_aspect`). Certificates (1.0-2.0, :data:`ASPECT_RANGE`) are
#: never padded; a strip of text gets a page of at least 1/2.4 of its length.
MAX_WORK_ASPECT = 2.4
#: Long side of the copy the sheet is searched on; the outline is a large
#: shape, 640 px keeps contour work at a few milliseconds for any upload.
DETECT_LONG_SIDE = 640
#: A sheet must cover this share of the photo (smaller: we cannot tell it from
#: a white object on the desk, and it would be too small to read anyway).
MIN_SHEET_AREA = 0.15
#: Corner angles of a plausible photographed rectangle, degrees (phone
#: photos at up to ~40 degrees of tilt stay within it).
ANGLE_RANGE = (50.0, 130.0)
#: Long/short ratio of the measured sides (A4 1.41, A5 1.41, 16K 1.37, B5 1.41; square diplomas 1.0).
ASPECT_RANGE = (1.0, 2.0)

# A quad corner this close to the photo border (share of the long side) is cut by the frame.
_BORDER_TOL = 0.005
# Samples per side and search half-width (in detection pixels) of the side refinement.
_REFINE_SAMPLES = 40
_REFINE_REACH = 3.0
# Minimum gradient, gray levels per pixel, that counts as an edge on the small copy.
_EDGE_MIN = 10.0
# Edge support below this share of side samples: not a sheet outline.
_MIN_SUPPORT = 0.55
# Outside/inside colour distance (8-bit Lab units) below which a quad is a printed frame.
_MIN_BAND_CONTRAST = 8.0
# Certificate paper inside a sheet quad (8-bit Lab): at least this light, at
# most this colourful (cream and pastel papers measure 5-25; a brown desk 40+).
_PAPER_MIN_L = 110.0
_PAPER_MAX_CHROMA = 30.0
# Lab distance within which a pixel has the paper's colour, and the share of
# the photo's outer border that, being paper, makes the photo a flat scan.
_PAPER_DELTA_E = 10.0
_PAPER_EDGE_SHARE = 0.6
# Colour statistics (medians) read every 3rd pixel of the small copy: ~10x faster, same medians.
_SUBSAMPLE = 3
# Upper bound of the warp's source/target scale before an area downscale is inserted.
_MAX_WARP_SCALE = 1.25
# Work-space long side used by the ink-based orientation heuristics.
_INK_LONG_SIDE = 1000
# Smearing length, in glyph sizes: bridges the gaps between the glyphs of a
# line (0.1-0.3 em) but not the gaps between lines (usually over 0.5 em).
_SMEAR = 0.6
# text_line_axis decides only when one direction has this many times the other's line length.
_AXIS_RATIO = 3.0


def normalize(
    decoded: DecodedImage,
    *,
    long_side: int = 1600,
    orientation: OrientationScorer | None = None,
) -> NormalizedImage:
    """Find, rectify and turn upright the certificate sheet in an upload.

    Args:
        decoded: the upload, in upload space.
        long_side: long side of the work-space image, pixels (``Settings.work_long_side``).
        orientation: scores candidate quarter turns; ``None`` uses
            :func:`layout_upright_score` (no OCR, weaker).

    Returns:
        The work-space image with its ``to_upload`` homography.

    Raises:
        ValueError: ``long_side`` is below 16 or the pixels are not ``H x W x 3`` uint8.
    """
    started = time.perf_counter()
    if long_side < 16:
        raise ValueError(f"long_side must be at least 16, got {long_side}")
    upload = decoded.pixels
    if upload.ndim != 3 or upload.shape[2] != 3 or upload.dtype != np.uint8:
        raise ValueError(f"expected H x W x 3 uint8 pixels, got {upload.shape} {upload.dtype}")
    height, width = upload.shape[:2]
    # A strip longer than MAX_UPLOAD_ASPECT is no photographed sheet: no outline is searched on it.
    quad = _find_sheet(upload) if max(width, height) <= MAX_UPLOAD_ASPECT * min(width, height) else None
    if quad is None:
        rect, forward = _resize_whole(upload, long_side)
    else:
        rect, forward = _rectify(upload, quad, long_side)
    # Padding at the bottom or right leaves every coordinate, hence ``forward``, unchanged.
    rect = pad_to_aspect(rect, MAX_WORK_ASPECT)
    turn = _choose_turn(rect, orientation or layout_upright_score)
    work = rotate_quarter(rect, turn)
    forward = _quarter_turn_matrix(turn, rect.shape[1], rect.shape[0]) @ forward
    # Centre convention inside, edge convention (image spans [0, W]) outside.
    to_upload = _translation(0.5, 0.5) @ np.linalg.inv(forward) @ _translation(-0.5, -0.5)
    return NormalizedImage(
        pixels=np.ascontiguousarray(work),
        to_upload=to_upload / to_upload[2, 2],
        upload_size=(decoded.width, decoded.height),
        sheet_found=quad is not None,
        rotation=turn,
        elapsed_ms=(time.perf_counter() - started) * 1000.0,
    )


# --------------------------------------------------------------------------- homographies


def _translation(tx: float, ty: float) -> np.ndarray:
    return np.array([[1.0, 0.0, tx], [0.0, 1.0, ty], [0.0, 0.0, 1.0]])


def _resize_matrix(src_size: tuple[int, int], dst_size: tuple[int, int]) -> np.ndarray:
    """Source -> destination centre coordinates of ``cv2.resize(src, dst_size)``.

    ``cv2.resize`` samples destination pixel ``x`` at source ``(x + 0.5) * s - 0.5``
    with ``s = src / dst`` per axis; this is that map's inverse.
    """
    sx = src_size[0] / dst_size[0]
    sy = src_size[1] / dst_size[1]
    return np.array([[1.0 / sx, 0.0, 0.5 / sx - 0.5], [0.0, 1.0 / sy, 0.5 / sy - 0.5], [0.0, 0.0, 1.0]])


def _quarter_turn_matrix(turn: int, width: int, height: int) -> np.ndarray:
    """Centre-convention homography from an image to its clockwise quarter turn (as :func:`rotate_quarter`).

    Args:
        turn: clockwise degrees, one of 0, 90, 180, 270.
        width: width of the image before turning.
        height: height of the image before turning.

    >>> _quarter_turn_matrix(90, 4, 3) @ np.array([0.0, 0.0, 1.0])  # top-left -> top-right
    array([2., 0., 1.])
    """
    w, h = float(width - 1), float(height - 1)
    matrices = {
        0: [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]],
        90: [[0.0, -1.0, h], [1.0, 0.0, 0.0]],
        180: [[-1.0, 0.0, w], [0.0, -1.0, h]],
        270: [[0.0, 1.0, 0.0], [-1.0, 0.0, w]],
    }
    if turn not in matrices:
        raise ValueError(f"turn must be 0, 90, 180 or 270, got {turn}")
    return np.vstack([np.array(matrices[turn]), [0.0, 0.0, 1.0]])


def rotate_quarter(image: np.ndarray, turn: int) -> np.ndarray:
    """Turn an image clockwise by 0, 90, 180 or 270 degrees.

    >>> rotate_quarter(np.arange(6).reshape(2, 3), 90).tolist()
    [[3, 0], [4, 1], [5, 2]]
    """
    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    if turn == 0:
        return image
    if turn not in codes:
        raise ValueError(f"turn must be 0, 90, 180 or 270, got {turn}")
    return cv2.rotate(image, codes[turn])


def pad_to_aspect(image: np.ndarray, max_aspect: float) -> np.ndarray:
    """Extend an image with white paper at its bottom or right until long/short is at most ``max_aspect``.

    A photo of a single printed line, a receipt strip or a 20000 x 20 px
    upload becomes a page with that strip at its top (or left): every
    detector then sees a page-shaped image of at least ``long / max_aspect``
    pixels on its short side, and no resize inside them can reach zero
    pixels. Pixel coordinates of the original content do not change.

    >>> pad_to_aspect(np.zeros((2, 12, 3), np.uint8), 3.0).shape
    (4, 12, 3)
    >>> pad_to_aspect(np.zeros((10, 12, 3), np.uint8), 3.0).shape
    (10, 12, 3)
    """
    height, width = image.shape[:2]
    if max(width, height) <= max_aspect * min(width, height):
        return image
    short = math.ceil(max(width, height) / max_aspect)
    bottom, right = (short - height, 0) if width >= height else (0, short - width)
    return cv2.copyMakeBorder(image, 0, bottom, 0, right, cv2.BORDER_CONSTANT, value=(255, 255, 255))


def _fit_size(width: float, height: float, long_side: int) -> tuple[int, int]:
    k = long_side / max(width, height)
    return max(1, round(width * k)), max(1, round(height * k))


def _resize(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    shrinking = size[0] < image.shape[1] or size[1] < image.shape[0]
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC)


def _resize_whole(upload: np.ndarray, long_side: int) -> tuple[np.ndarray, np.ndarray]:
    src = (upload.shape[1], upload.shape[0])
    dst = _fit_size(src[0], src[1], long_side)
    return _resize(upload, dst), _resize_matrix(src, dst)


def _rectify(upload: np.ndarray, quad: np.ndarray, long_side: int) -> tuple[np.ndarray, np.ndarray]:
    """Warp the sheet to an upright rectangle; returns it and the upload -> rectangle homography."""
    top, right, bottom, left = (float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])) for i in range(4))
    dst_w, dst_h = _fit_size((top + bottom) / 2.0, (left + right) / 2.0, long_side)
    # Crop to the sheet's box (upload space -> crop space) ...
    x0, y0 = np.floor(quad.min(axis=0)).astype(int) - 2
    x1, y1 = np.ceil(quad.max(axis=0)).astype(int) + 3
    x0, y0 = max(x0, 0), max(y0, 0)
    x1, y1 = min(x1, upload.shape[1]), min(y1, upload.shape[0])
    source = upload[y0:y1, x0:x1]
    forward = _translation(-x0, -y0)
    # ... then area-downscale so the warp shrinks by at most _MAX_WARP_SCALE (crop -> small crop space).
    shrink = max(top, bottom, left, right) / (_MAX_WARP_SCALE * long_side)
    if shrink > 1.0:
        size = (max(1, round(source.shape[1] / shrink)), max(1, round(source.shape[0] / shrink)))
        resize = _resize_matrix((source.shape[1], source.shape[0]), size)
        source = cv2.resize(source, size, interpolation=cv2.INTER_AREA)
        forward = resize @ forward
    # Sheet corners (continuous outline) go to the outer edges of the target pixel grid.
    corners = _apply(forward, quad).astype(np.float32)
    target = np.array([[-0.5, -0.5], [dst_w - 0.5, -0.5], [dst_w - 0.5, dst_h - 0.5], [-0.5, dst_h - 0.5]])
    warp = cv2.getPerspectiveTransform(corners, target.astype(np.float32))
    rect = cv2.warpPerspective(source, warp, (dst_w, dst_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return rect, warp @ forward


def _apply(matrix: np.ndarray, points: np.ndarray) -> np.ndarray:
    homog = np.hstack([points, np.ones((len(points), 1))]) @ matrix.T
    mapped: np.ndarray = homog[:, :2] / homog[:, 2:3]
    return mapped


# --------------------------------------------------------------------------- sheet search


def find_sheet(image: np.ndarray) -> Quad | None:
    """Locate the certificate sheet's four corners in a photo.

    Args:
        image: ``H x W x 3`` uint8 BGR photo (upload space).

    Returns:
        The corners in continuous pixel coordinates (the image spans
        ``[0, W] x [0, H]``), clockwise from the top-left one, or ``None``
        when no plausible sheet outline was found (a flat scan, a sheet cut
        by the frame, a cluttered photo).
    """
    quad = _find_sheet(image)
    if quad is None:
        return None
    # Centre convention -> edge convention (a corner of the sheet, not a pixel centre).
    return tuple((float(x) + 0.5, float(y) + 0.5) for x, y in quad)  # type: ignore[return-value]


def _find_sheet(image: np.ndarray) -> np.ndarray | None:
    scale = min(DETECT_LONG_SIDE / max(image.shape[:2]), 1.0)
    small = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1.0 else image
    k = small.shape[1] / image.shape[1]
    coarse = _best_quad(small)
    if coarse is None:
        return None
    # Small-copy centre coordinates -> full image centre coordinates.
    return _refine_quad(image, (coarse + 0.5) / k - 0.5, reach=_REFINE_REACH / k)


def _best_quad(small: np.ndarray) -> np.ndarray | None:
    """The plausible candidate quad with the best edge support x sqrt(area), on the small copy."""
    blurred = cv2.GaussianBlur(small, (5, 5), 0)
    gray = cv2.cvtColor(blurred, cv2.COLOR_BGR2GRAY)
    lab = cv2.cvtColor(blurred, cv2.COLOR_BGR2LAB).astype(np.float32)
    if _paper_to_the_edges(lab):
        return None
    grad = _gradient_magnitude(gray)
    best: tuple[float, np.ndarray] | None = None
    for contour in _candidate_contours(small, gray):
        quad = _quad_from_contour(contour)
        if quad is None or not _plausible_sheet(quad, small.shape[1], small.shape[0]):
            continue
        support = _edge_support(grad, quad)
        if support < _MIN_SUPPORT:
            continue
        paper, inside = _paper_inside(lab, quad)
        if not _is_paper(paper) or _band_contrast(lab, quad, paper, inside) < _MIN_BAND_CONTRAST:
            continue
        score = support * float(np.sqrt(abs(cv2.contourArea(quad.astype(np.float32)))))
        if best is None or score > best[0]:
            best = (score, quad)
    return None if best is None else best[1]


def _gradient_magnitude(gray: np.ndarray) -> np.ndarray:
    # Sobel 3x3 sums 4 pixel differences; /4 gives gray levels per pixel.
    gx = cv2.Sobel(gray, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(gray, cv2.CV_32F, 0, 1, ksize=3)
    return cv2.magnitude(gx, gy) / 4.0


def _candidate_contours(small: np.ndarray, gray: np.ndarray) -> list[np.ndarray]:
    """Contours that may be the sheet's outline, biggest hull first.

    Outer contours of the two Otsu masks (the sheet as a bright region), and
    every contour of the edge map whose hull is large enough: the inner side of
    the sheet's edge loop is one of them even when text and clutter edges
    touch its outer side.
    """
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    paperness = cv2.subtract(hsv[:, :, 2], hsv[:, :, 1])
    min_area = MIN_SHEET_AREA * small.shape[0] * small.shape[1]
    contours: list[np.ndarray] = []
    for mask in (_otsu(paperness), _otsu(gray)):
        found, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        contours.extend(found)
    found, _ = cv2.findContours(_edge_mask(gray), cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    contours.extend(found)
    large = [c for c in contours if _box_area(c) >= min_area]
    hulls = [(cv2.contourArea(cv2.convexHull(c)), c) for c in large]
    return [c for area, c in sorted(hulls, key=lambda pair: -pair[0]) if area >= min_area]


def _box_area(contour: np.ndarray) -> float:
    _, _, w, h = cv2.boundingRect(contour)
    return float(w * h)


def _otsu(channel: np.ndarray) -> np.ndarray:
    _, mask = cv2.threshold(channel, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Opening cuts thin bridges to bright clutter; closing fills text holes at the sheet's edge.
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((7, 7), np.uint8))


def _edge_mask(gray: np.ndarray) -> np.ndarray:
    # Canny's L1 Sobel gradient: 50 is a step of ~12 gray levels, which a sheet
    # on a light desk still makes; 20 lets the trace follow it through shadow.
    edges = cv2.Canny(gray, 20, 50)
    return cv2.dilate(edges, np.ones((3, 3), np.uint8))


def _quad_from_contour(contour: np.ndarray) -> np.ndarray | None:
    """Largest-area quadrilateral on the contour's convex hull (clockwise from top-left)."""
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, True)
    points = hull.reshape(-1, 2)
    for eps in (0.005, 0.01, 0.02, 0.04):
        points = cv2.approxPolyDP(hull, eps * perimeter, True).reshape(-1, 2)
        if len(points) <= 16:
            break
    if len(points) < 4:
        return None
    return _order_clockwise(_max_area_quad(points.astype(np.float64)))


def _max_area_quad(points: np.ndarray) -> np.ndarray:
    """The 4 of ``points`` (convex polygon vertices, in order) spanning the largest area."""
    combos = np.array(list(itertools.combinations(range(len(points)), 4)))
    quads = points[combos]  # (n, 4, 2), vertices keep polygon order so each quad is simple
    x, y = quads[..., 0], quads[..., 1]
    areas = np.abs(np.sum(x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y, axis=1))
    best: np.ndarray = quads[int(np.argmax(areas))]
    return best


def _order_clockwise(quad: np.ndarray) -> np.ndarray:
    """Sort corners clockwise (image y points down), starting at the top-left one.

    >>> _order_clockwise(np.array([[0., 10.], [10., 0.], [0., 0.], [10., 10.]])).tolist()
    [[0.0, 0.0], [10.0, 0.0], [10.0, 10.0], [0.0, 10.0]]
    """
    centre = quad.mean(axis=0)
    angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
    ordered = quad[np.argsort(angles)]
    start = int(np.argmin(ordered.sum(axis=1)))
    return np.roll(ordered, -start, axis=0)


def _plausible_sheet(quad: np.ndarray, width: int, height: int) -> bool:
    """Area, convexity, angle, aspect and frame checks on a candidate quad."""
    area = abs(cv2.contourArea(quad.astype(np.float32)))
    if area < MIN_SHEET_AREA * width * height or not cv2.isContourConvex(quad.astype(np.float32)):
        return False
    sides = [np.linalg.norm(quad[(i + 1) % 4] - quad[i]) for i in range(4)]
    if min(sides) < 1.0:
        return False
    across = (sides[0] + sides[2]) / 2.0, (sides[1] + sides[3]) / 2.0
    aspect = max(across) / min(across)
    if not ASPECT_RANGE[0] <= aspect <= ASPECT_RANGE[1]:
        return False
    if not all(ANGLE_RANGE[0] <= a <= ANGLE_RANGE[1] for a in _corner_angles(quad)):
        return False
    return not _touches_frame(quad, width, height)


def _corner_angles(quad: np.ndarray) -> list[float]:
    angles = []
    for i in range(4):
        a, b = quad[i - 1] - quad[i], quad[(i + 1) % 4] - quad[i]
        cos = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
        angles.append(float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))))
    return angles


def _touches_frame(quad: np.ndarray, width: int, height: int) -> bool:
    """Whether a corner lies on the photo border.

    Such a corner is where the frame cut the sheet (or the quad is the frame
    itself, as in a flat scan): the true corner is outside the photo and a
    warp to it would be a guess.
    """
    tol = _BORDER_TOL * max(width, height)
    x, y = quad[:, 0], quad[:, 1]
    return bool(np.any((x <= tol) | (y <= tol) | (x >= width - 1 - tol) | (y >= height - 1 - tol)))


def _side_samples(quad: np.ndarray, count: int) -> tuple[np.ndarray, np.ndarray]:
    """Points along each side (avoiding corners) and the sides' outward unit normals.

    Returns ``(points, normals)`` shaped ``(4, count, 2)`` and ``(4, 2)``.
    """
    t = np.linspace(0.08, 0.92, count)[:, None]
    points = np.stack([quad[i] + t * (quad[(i + 1) % 4] - quad[i]) for i in range(4)])
    directions = np.stack([quad[(i + 1) % 4] - quad[i] for i in range(4)])
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    # Clockwise corners in y-down coordinates: (dy, -dx) points out of the quad.
    normals = np.stack([directions[:, 1], -directions[:, 0]], axis=1)
    return points, normals


def _edge_support(grad: np.ndarray, quad: np.ndarray) -> float:
    """Share of side samples with an edge within 2 pixels across the side."""
    points, normals = _side_samples(quad, 48)
    offsets = np.arange(-2.0, 2.5, 1.0)
    xs = points[..., None, 0] + normals[:, None, None, 0] * offsets
    ys = points[..., None, 1] + normals[:, None, None, 1] * offsets
    flat = cv2.remap(
        grad,
        xs.reshape(1, -1).astype(np.float32),
        ys.reshape(1, -1).astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0.0,
    )
    peak = flat.reshape(xs.shape).max(axis=-1)
    return float(np.mean(peak >= _EDGE_MIN))


def _paper_to_the_edges(lab: np.ndarray) -> bool:
    """Whether the photo's outer border is mostly the paper colour: a flat scan, no desk.

    Then any quad found is a frame printed on the sheet. A border pixel
    counts as paper within :data:`_PAPER_DELTA_E` of the paper colour.
    """
    width = max(2, round(0.01 * max(lab.shape[:2])))
    strips = (lab[:width], lab[-width:], lab[:, :width], lab[:, -width:])
    band = np.concatenate([strip.reshape(-1, 3) for strip in strips])
    pixels = lab.reshape(-1, 3)
    # Paper: the brightest, least coloured tenth of the photo (a sheet covers more than that).
    whiteness = pixels[:, 0] - 2.0 * np.hypot(pixels[:, 1] - 128.0, pixels[:, 2] - 128.0)
    paper = np.median(pixels[whiteness >= np.percentile(whiteness, 90)], axis=0)
    share = float(np.mean(np.linalg.norm(band - paper, axis=1) <= _PAPER_DELTA_E))
    return share >= _PAPER_EDGE_SHARE


def _paper_inside(lab: np.ndarray, quad: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The paper colour inside a quad (median of its brighter half, so print and seals do not count) and its mask."""
    mask = np.zeros(lab.shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(quad).astype(np.int32), 1)
    inside = lab[::_SUBSAMPLE, ::_SUBSAMPLE][mask[::_SUBSAMPLE, ::_SUBSAMPLE] == 1]
    if len(inside) == 0:
        return np.array([0.0, 128.0, 128.0]), mask
    paper: np.ndarray = np.median(inside[inside[:, 0] >= np.median(inside[:, 0])], axis=0)
    return paper, mask


def _is_paper(colour: np.ndarray) -> bool:
    """Light and not strongly coloured (8-bit Lab): white, cream or pastel certificate paper.

    >>> _is_paper(np.array([235.0, 130.0, 140.0])), _is_paper(np.array([120.0, 170.0, 180.0]))
    (True, False)
    """
    chroma = float(np.hypot(colour[1] - 128.0, colour[2] - 128.0))
    return float(colour[0]) >= _PAPER_MIN_L and chroma <= _PAPER_MAX_CHROMA


def _band_contrast(lab: np.ndarray, quad: np.ndarray, paper: np.ndarray, inside: np.ndarray) -> float:
    """Lab distance between what lies outside the quad and the paper inside it.

    A frame printed on the sheet has the sheet's own paper outside it (a
    distance of a few units), either right next to it or, when the frame is
    drawn with several lines, over the whole margin; the sheet's outline has
    the desk or cloth outside. The smaller of the two distances (band of 4-8
    pixels outside; everything outside) is returned.
    """
    points, normals = _side_samples(quad, 32)
    offsets = np.arange(4.0, 9.0)
    xs = points[..., None, 0] + normals[:, None, None, 0] * offsets
    ys = points[..., None, 1] + normals[:, None, None, 1] * offsets
    outside = cv2.remap(
        lab,
        xs.reshape(1, -1).astype(np.float32),
        ys.reshape(1, -1).astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    ).reshape(-1, 3)
    beyond = lab[::_SUBSAMPLE, ::_SUBSAMPLE][inside[::_SUBSAMPLE, ::_SUBSAMPLE] == 0]
    near = float(np.linalg.norm(np.median(outside, axis=0) - paper))
    far = float(np.linalg.norm(np.median(beyond, axis=0) - paper)) if len(beyond) else 0.0
    return min(near, far)


def _refine_quad(image: np.ndarray, quad: np.ndarray, *, reach: float) -> np.ndarray:
    """Re-fit each side to the strongest full-resolution edge within ``reach`` pixels.

    Profiles across each side are sampled (averaging 3 parallel lines against
    noise), the steepest step on each is located to sub-pixel precision and a
    robust line is fitted per side; corners are the lines' intersections.
    Sides with too few clear edge points keep their coarse position.
    """
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    points, normals = _side_samples(quad, _REFINE_SAMPLES)
    fitted = [_refit_side(gray, points[i], normals[i], reach) for i in range(4)]
    lines = [line if line is not None else _line_through(quad[i], quad[(i + 1) % 4]) for i, line in enumerate(fitted)]
    refined = np.array([_intersect(lines[i - 1], lines[i]) for i in range(4)])
    if not np.all(np.isfinite(refined)) or np.max(np.linalg.norm(refined - quad, axis=1)) > 3.0 * reach:
        return quad
    return refined


def _refit_side(gray: np.ndarray, points: np.ndarray, normal: np.ndarray, reach: float) -> np.ndarray | None:
    """Fit ``(point, direction)`` of a side from edge positions found across it."""
    offsets = np.arange(-reach, reach + 1.0, 1.0)
    tangent = np.array([-normal[1], normal[0]])
    profiles = []
    for shift in (-1.0, 0.0, 1.0):
        base = points + shift * tangent
        xs = (base[:, None, 0] + normal[0] * offsets).astype(np.float32)
        ys = (base[:, None, 1] + normal[1] * offsets).astype(np.float32)
        profiles.append(cv2.remap(gray, xs, ys, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE))
    profile = np.mean(profiles, axis=0)
    step = np.abs(profile[:, 2:] - profile[:, :-2]) / 2.0  # central difference at offsets[1:-1]
    best = np.argmax(step, axis=1)
    strong = step[np.arange(len(best)), best] >= _EDGE_MIN
    inner = (best > 0) & (best < step.shape[1] - 1)
    keep = strong & inner
    if keep.sum() < _REFINE_SAMPLES // 3:
        return None
    rows = np.nonzero(keep)[0]
    centre = best[rows]
    left, mid, right = step[rows, centre - 1], step[rows, centre], step[rows, centre + 1]
    denom = left - 2.0 * mid + right
    sub = np.where(np.abs(denom) > 1e-6, 0.5 * (left - right) / np.where(denom == 0, 1.0, denom), 0.0)
    along = offsets[1:-1][centre] + np.clip(sub, -0.5, 0.5)
    edge_points = points[rows] + along[:, None] * normal
    vx, vy, x0, y0 = cv2.fitLine(edge_points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
    return np.array([x0, y0, vx, vy], dtype=np.float64)


def _line_through(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = (b - a) / np.linalg.norm(b - a)
    return np.array([a[0], a[1], d[0], d[1]])


def _intersect(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Intersection of two ``(x0, y0, dx, dy)`` lines (NaN when parallel)."""
    p, r = first[:2], first[2:]
    q, s = second[:2], second[2:]
    cross = r[0] * s[1] - r[1] * s[0]
    if abs(cross) < 1e-9:
        return np.array([np.nan, np.nan])
    t = ((q[0] - p[0]) * s[1] - (q[1] - p[1]) * s[0]) / cross
    point: np.ndarray = p + t * r
    return point


# --------------------------------------------------------------------------- orientation


def _choose_turn(rect: np.ndarray, scorer: OrientationScorer) -> int:
    """The clockwise quarter turn that makes ``rect`` upright, by text axis then scorer."""
    ink = _ink(rect)
    size = _glyph_size(ink)
    candidates = {"horizontal": (0, 180), "vertical": (90, 270), None: (0, 90, 180, 270)}[_axis(ink, size)]
    if scorer is layout_upright_score:
        # The default scorer only needs the ink, which turns with the image: compute it once.
        scores = {turn: _layout_score(rotate_quarter(ink, turn), size) for turn in candidates}
    else:
        scores = {turn: float(scorer(rotate_quarter(rect, turn))) for turn in candidates}
    return max(candidates, key=lambda turn: scores[turn])


def _ink(image: np.ndarray) -> np.ndarray:
    """Dark-on-light ink mask at :data:`_INK_LONG_SIDE`, a fixed scale for the text heuristics."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    k = _INK_LONG_SIDE / max(gray.shape)
    gray = cv2.resize(gray, None, fx=k, fy=k, interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_LINEAR)
    # Block 25 px spans about one character at this scale; C=10 ignores paper texture and JPEG noise.
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 10)


def _glyph_size(ink: np.ndarray) -> int:
    """Typical glyph size in pixels, clamped to 4..40.

    The 75th percentile of the extents of ink components, after a 3 x 3
    closing that rejoins strokes broken by blur: a glyph's radicals, dots and
    broken stroke pieces are the smaller components.
    """
    joined = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    stats = stats[1:]
    extents = np.maximum(stats[:, 2], stats[:, 3])[stats[:, 4] >= 4]
    return int(np.clip(np.percentile(extents, 75) if len(extents) else 10, 4, 40))


def _text_lines(ink: np.ndarray, size: int, horizontal: bool) -> np.ndarray:
    """Boxes ``(x, y, w, h)`` of text-line-like bars after smearing ink along one axis.

    Smearing by one glyph size joins the glyphs of a line; a bar counts when
    it is at least 4 times longer than thick, 3 glyphs long and at least 0.4
    glyph thick (ruled lines, frames and underlines are thinner). Bars within
    3 % of the image border are the sheet's edge or background, not text.
    """
    reach = max(2, round(_SMEAR * size))
    kernel = (reach, 1) if horizontal else (1, reach)
    smeared = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, kernel))
    _, _, stats, _ = cv2.connectedComponentsWithStats(smeared, connectivity=8)
    boxes = stats[1:, :4]
    length, thick = (boxes[:, 2], boxes[:, 3]) if horizontal else (boxes[:, 3], boxes[:, 2])
    height, width = ink.shape
    mx, my = 0.03 * width, 0.03 * height
    inside = (
        (boxes[:, 0] >= mx)
        & (boxes[:, 1] >= my)
        & (boxes[:, 0] + boxes[:, 2] <= width - mx)
        & (boxes[:, 1] + boxes[:, 3] <= height - my)
    )
    bars: np.ndarray = boxes[inside & (length >= 4 * thick) & (length >= 3 * size) & (thick >= max(3.0, 0.4 * size))]
    return bars


def text_line_axis(image: np.ndarray) -> Literal["horizontal", "vertical"] | None:
    """Whether the sheet's text lines run horizontally or vertically, if clear.

    Compares the total length of horizontal bars made by smearing the ink
    sideways with that of vertical bars made by smearing it downwards. Dense
    Chinese text is a near-square grid of glyphs and can look alike both ways;
    then ``None`` is returned and all four turns go to the scorer.

    Args:
        image: BGR uint8 sheet image.

    Returns:
        ``"horizontal"``, ``"vertical"`` or ``None`` when neither direction has
        :data:`_AXIS_RATIO` times the other's line length.
    """
    ink = _ink(image)
    return _axis(ink, _glyph_size(ink))


def _axis(ink: np.ndarray, size: int) -> Literal["horizontal", "vertical"] | None:
    across = float(_text_lines(ink, size, horizontal=True)[:, 2].sum())
    down = float(_text_lines(ink, size, horizontal=False)[:, 3].sum())
    minimum = 6.0 * size  # at least a couple of lines' worth of text
    if across >= max(_AXIS_RATIO * down, minimum):
        return "horizontal"
    if down >= max(_AXIS_RATIO * across, minimum):
        return "vertical"
    return None


def layout_upright_score(image: np.ndarray) -> float:
    """Cheap, OCR-free uprightness score of a certificate image (the default scorer).

    Three cues, each in a fixed range, summed:

    * axis, in [0, 1]: share of text-line length that runs horizontally;
      separates the 0/180 turns from 90/270;
    * left alignment, in [-0.25, 0.25]: field lines ("姓名：", "证书编号：")
      start at a common left edge and end raggedly; turned 180 degrees the
      common edge is on the right;
    * title, in [-0.25, 0.25]: a certificate's largest text (its title) sits
      in the top part of the sheet.

    It is right on typical certificate layouts and says nothing on centred,
    title-less text; production passes an OCR-backed scorer instead.

    Args:
        image: BGR uint8 image, one candidate turn.

    Returns:
        A score, higher for more likely upright.
    """
    ink = _ink(image)
    return _layout_score(ink, _glyph_size(ink))


def _layout_score(ink: np.ndarray, size: int) -> float:
    lines = _text_lines(ink, size, horizontal=True)
    across = float(lines[:, 2].sum())
    down = float(_text_lines(ink, size, horizontal=False)[:, 3].sum())
    if across + down == 0.0:
        return 0.0
    axis = across / (across + down)
    return axis + 0.25 * _left_alignment(lines, size) + 0.25 * _title_position(lines, ink.shape[0])


def _left_alignment(lines: np.ndarray, size: int) -> float:
    """Share of lines sharing a left edge minus share sharing a right edge, in [-1, 1]."""
    if len(lines) < 3:
        return 0.0
    lefts = lines[:, 0].astype(np.float64)
    rights = (lines[:, 0] + lines[:, 2]).astype(np.float64)
    return _aligned_share(lefts, size / 2.0) - _aligned_share(rights, size / 2.0)


def _aligned_share(edges: np.ndarray, tol: float) -> float:
    """Share of edges within ``tol`` of at least one other edge.

    >>> _aligned_share(np.array([10.0, 11.0, 50.0, 90.0]), 2.0)
    0.5
    """
    gaps = np.abs(edges[:, None] - edges[None, :])
    np.fill_diagonal(gaps, np.inf)
    return float(np.mean(gaps.min(axis=1) <= tol))


def _title_position(lines: np.ndarray, height: int) -> float:
    """+1 when the tallest line (>= 1.4x the median) is in the top 40 %, -1 in the bottom 40 %, else 0."""
    if len(lines) < 2:
        return 0.0
    heights = lines[:, 3]
    tallest = int(np.argmax(heights))
    if heights[tallest] < 1.4 * float(np.median(heights)):
        return 0.0
    centre = (lines[tallest, 1] + heights[tallest] / 2.0) / height
    return 1.0 if centre < 0.4 else -1.0 if centre > 0.6 else 0.0

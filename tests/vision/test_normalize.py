"""Tests of ``vision/normalize.py``: sheet search, rectification, quarter turns, ``to_upload`` round trips.

The synthetic certificate is a white A4 sheet with a large title bar, left
aligned "text" lines made of glyph-sized blocks, and four coloured marks at
known sheet positions. It is warped onto a textured desk with a known
homography; after normalisation the marks are found again in work space and
mapped back through ``to_upload``, and must land on their true upload-space
positions.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
import pytest

from certcheck.types import DecodedImage, NormalizedImage
from tests.helpers import generator_available
from vision.normalize import (
    find_sheet,
    layout_upright_score,
    normalize,
    rotate_quarter,
    text_line_axis,
)

SHEET_W, SHEET_H = 840, 1188  # A4 portrait, 1:1.414
#: Mark colours (BGR) and centres in sheet pixels; red sits top-left on an upright sheet.
MARKS: dict[str, tuple[tuple[int, int, int], tuple[int, int]]] = {
    "red": ((0, 0, 255), (150, 140)),
    "green": ((0, 200, 0), (690, 170)),
    "blue": ((255, 0, 0), (640, 1000)),
    "magenta": ((255, 0, 255), (170, 1050)),
}


def _translation(tx: float, ty: float) -> np.ndarray:
    return np.array([[1.0, 0.0, tx], [0.0, 1.0, ty], [0.0, 0.0, 1.0]])


def _glyph(sheet: np.ndarray, x: int, y: int, size: int, rng: np.random.Generator, color: tuple[int, int, int]) -> None:
    """A character-like cluster of strokes in a ``size`` x ``size`` cell."""
    stroke = max(2, size // 9)
    for i in range(int(rng.integers(2, 4))):  # horizontal strokes
        yy = y + (i + 1) * size // 4
        cv2.line(sheet, (x + size // 8, yy), (x + size - size // 8, yy), color, stroke)
    for _ in range(int(rng.integers(1, 3))):  # vertical strokes
        xx = x + int(rng.integers(size // 4, 3 * size // 4))
        cv2.line(sheet, (xx, y + size // 10), (xx, y + size - size // 10), color, stroke)


def make_sheet(seed: int = 0) -> np.ndarray:
    """An upright synthetic certificate (BGR)."""
    rng = np.random.default_rng(seed)
    sheet = np.full((SHEET_H, SHEET_W, 3), 246, np.uint8)
    cv2.rectangle(sheet, (30, 30), (SHEET_W - 31, SHEET_H - 31), (120, 100, 80), 4)
    # Title: eight big glyphs, centred near the top.
    for i in range(8):
        _glyph(sheet, 180 + i * 62, 100, 54, rng, (40, 40, 40))
    # Body: left-aligned lines of glyphs with ragged right ends.
    for row in range(14):
        for i in range(int(rng.integers(6, 20))):
            _glyph(sheet, 110 + i * 28, 300 + row * 48, 25, rng, (25, 25, 25))
    for color, (cx, cy) in MARKS.values():
        cv2.circle(sheet, (cx, cy), 14, color, -1, lineType=cv2.LINE_AA)
    return sheet


def textured_desk(width: int, height: int, seed: int) -> np.ndarray:
    """A brown wood-like desk with grain and sensor noise."""
    rng = np.random.default_rng(seed)
    noise = cv2.resize(rng.random((height // 16, width // 16)).astype(np.float32), (width, height))
    grain = np.sin(np.arange(width, dtype=np.float32)[None, :] * 0.05 + noise * 6.0)
    shade = cv2.convertScaleAbs(grain, alpha=40.0, beta=150.0)  # 110..190
    desk = cv2.merge([cv2.convertScaleAbs(shade, alpha=a) for a in (0.5, 0.7, 0.95)])
    grainy = np.empty_like(desk)
    cv2.randn(grainy, 0, 3)
    return cv2.add(desk, grainy)


@dataclass(frozen=True)
class Photo:
    """A synthetic upload and its truth (edge-convention coordinates)."""

    pixels: np.ndarray
    sheet_to_upload: np.ndarray
    corners: np.ndarray  # the sheet's upright TL, TR, BR, BL corners in upload space


def photograph(turn: int = 0, seed: int = 0, size: tuple[int, int] = (1600, 1200)) -> Photo:
    """The sheet, turned ``turn`` degrees clockwise and seen in perspective on a desk."""
    rng = np.random.default_rng(seed)
    width, height = size
    if turn in (90, 270):
        width, height = height, width
    sheet_corners = np.array([[0, 0], [SHEET_W, 0], [SHEET_W, SHEET_H], [0, SHEET_H]], np.float64)
    # Where the sheet's corners land (upright TL first), before the turn reorders them.
    scale = 0.8 * min(width / SHEET_W, height / SHEET_H) if turn in (0, 180) else 0.8 * min(
        width / SHEET_H, height / SHEET_W
    )
    centre = np.array([width / 2.0, height / 2.0])
    half = np.array([SHEET_W, SHEET_H]) * scale / 2.0
    upright = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float64) * half
    theta = np.radians(turn + rng.uniform(-6.0, 6.0))
    rotation = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    target = upright @ rotation.T + centre + rng.uniform(-0.02, 0.02, (4, 2)) * min(width, height)
    sheet_to_upload = cv2.getPerspectiveTransform(sheet_corners.astype(np.float32), target.astype(np.float32))
    sheet_to_upload = sheet_to_upload.astype(np.float64)
    # OpenCV warps pixel centres: convert the edge-convention homography.
    centre_h = _translation(-0.5, -0.5) @ sheet_to_upload @ _translation(0.5, 0.5)
    desk = textured_desk(width, height, seed)
    warped = cv2.warpPerspective(make_sheet(seed), centre_h, (width, height), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((SHEET_H, SHEET_W), 255, np.uint8), centre_h, (width, height))
    desk[mask > 127] = warped[mask > 127]
    return Photo(pixels=desk, sheet_to_upload=sheet_to_upload, corners=target)


def red_top_left_scorer(image: np.ndarray) -> float:
    """The test's orientation scorer: upright when the red mark is nearest the top-left corner."""
    small = cv2.resize(image, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    found = find_mark(small, MARKS["red"][0])
    if found is None:
        return -1e9
    h, w = small.shape[:2]
    return -float(np.hypot(found[0] / w, found[1] / h))


def find_mark(image: np.ndarray, color: tuple[int, int, int]) -> tuple[float, float] | None:
    """Centroid of a mark's colour, in edge-convention coordinates of ``image``."""
    low = np.clip(np.array(color) - 70, 0, 255).astype(np.uint8)
    high = np.clip(np.array(color) + 70, 0, 255).astype(np.uint8)
    moments = cv2.moments(cv2.inRange(image, low, high), binaryImage=True)
    if moments["m00"] < 20.0:
        return None
    return (moments["m10"] / moments["m00"] + 0.5, moments["m01"] / moments["m00"] + 0.5)


def _apply(h: np.ndarray, point: tuple[float, float]) -> np.ndarray:
    v = h @ np.array([point[0], point[1], 1.0])
    return v[:2] / v[2]


def _decoded(pixels: np.ndarray) -> DecodedImage:
    return DecodedImage(pixels=pixels, media_type="image/png", source_name="synthetic.png")


def _marks_map_back(normalized: NormalizedImage, photo: Photo) -> dict[str, float]:
    errors = {}
    for name, (color, (cx, cy)) in MARKS.items():
        found = find_mark(normalized.pixels, color)
        assert found is not None, f"{name} mark not found in work space"
        mapped = np.array(normalized.quad_to_upload([found])[0])
        truth = _apply(photo.sheet_to_upload, (cx + 0.5, cy + 0.5))
        errors[name] = float(np.linalg.norm(mapped - truth))
    return errors


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_normalize_round_trip_and_upright_for_each_quarter_turn(turn: int) -> None:
    photo = photograph(turn=turn, seed=turn)
    normalized = normalize(_decoded(photo.pixels), long_side=1200, orientation=red_top_left_scorer)
    assert normalized.sheet_found
    assert normalized.rotation == (360 - turn) % 360
    assert normalized.height > normalized.width  # A4 portrait once upright
    assert normalized.height == 1200
    # Side lengths measure the aspect only up to the random perspective (about 2 % per corner here).
    assert abs(normalized.height / normalized.width / (SHEET_H / SHEET_W) - 1.0) < 0.08
    # Upright: the red mark is near the top-left, the blue one near the bottom-right.
    red = find_mark(normalized.pixels, MARKS["red"][0])
    blue = find_mark(normalized.pixels, MARKS["blue"][0])
    assert red is not None and blue is not None
    assert red[0] < normalized.width / 3 and red[1] < normalized.height / 3
    assert blue[0] > normalized.width * 2 / 3 and blue[1] > normalized.height * 2 / 3
    errors = _marks_map_back(normalized, photo)
    assert max(errors.values()) < 2.0, errors


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_normalize_default_scorer_turns_synthetic_sheet_upright(turn: int) -> None:
    photo = photograph(turn=turn, seed=10 + turn)
    normalized = normalize(_decoded(photo.pixels), long_side=1200)
    assert normalized.rotation == (360 - turn) % 360


def test_normalize_sheet_corners_map_to_upload_corners() -> None:
    photo = photograph(seed=3)
    normalized = normalize(_decoded(photo.pixels), orientation=red_top_left_scorer)
    w, h = normalized.width, normalized.height
    corners = np.array(normalized.quad_to_upload(((0.0, 0.0), (w, 0.0), (w, h), (0.0, h))))
    assert np.max(np.linalg.norm(corners - photo.corners, axis=1)) < 2.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_find_sheet_corners_within_two_pixels(seed: int) -> None:
    photo = photograph(seed=seed, size=(2000, 1500))
    quad = find_sheet(photo.pixels)
    assert quad is not None
    assert np.max(np.linalg.norm(np.array(quad) - photo.corners, axis=1)) < 2.0


def test_find_sheet_none_for_flat_scan_and_noise() -> None:
    assert find_sheet(make_sheet()) is None
    noise = (np.random.default_rng(0).random((300, 400, 3)) * 255).astype(np.uint8)
    assert find_sheet(cv2.resize(noise, (1600, 1200), interpolation=cv2.INTER_CUBIC)) is None


def test_normalize_flat_scan_uses_whole_image_with_exact_scale() -> None:
    scan = make_sheet()
    normalized = normalize(_decoded(scan), long_side=1600, orientation=red_top_left_scorer)
    assert not normalized.sheet_found
    assert normalized.rotation == 0
    assert (normalized.width, normalized.height) == (1131, 1600)
    assert normalized.upload_size == (SHEET_W, SHEET_H)
    corners = normalized.quad_to_upload(((0.0, 0.0), (1131.0, 1600.0)))
    np.testing.assert_allclose(corners, [(0.0, 0.0), (SHEET_W, SHEET_H)], atol=1e-9)
    for name, (color, (cx, cy)) in MARKS.items():
        found = find_mark(normalized.pixels, color)
        assert found is not None
        np.testing.assert_allclose(normalized.quad_to_upload([found])[0], (cx + 0.5, cy + 0.5), atol=1.0, err_msg=name)


def test_normalize_turns_flat_scan_with_rotation_composed() -> None:
    scan = rotate_quarter(make_sheet(), 90)  # text runs downwards: needs 270 clockwise
    normalized = normalize(_decoded(scan), long_side=1600, orientation=red_top_left_scorer)
    assert normalized.rotation == 270
    for name, (color, (cx, cy)) in MARKS.items():
        found = find_mark(normalized.pixels, color)
        assert found is not None
        # Sheet point (x, y) is at (H - y, x) after a clockwise quarter turn (edge convention).
        expected = (SHEET_H - (cy + 0.5), cx + 0.5)
        np.testing.assert_allclose(normalized.quad_to_upload([found])[0], expected, atol=1.0, err_msg=name)


def test_normalize_upscales_small_uploads() -> None:
    small = cv2.resize(make_sheet(), (210, 297), interpolation=cv2.INTER_AREA)
    normalized = normalize(_decoded(small), long_side=1600, orientation=red_top_left_scorer)
    assert normalized.height == 1600
    np.testing.assert_allclose(normalized.quad_to_upload([(normalized.width, 1600.0)])[0], (210.0, 297.0))


@pytest.mark.parametrize("shape", [(1, 1, 3), (3, 700, 3), (40, 30, 3)])
def test_normalize_degenerate_images(shape: tuple[int, int, int]) -> None:
    normalized = normalize(_decoded(np.full(shape, 128, np.uint8)), long_side=800)
    assert max(normalized.width, normalized.height) == 800
    assert normalized.rotation == 0


def test_normalize_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="long_side"):
        normalize(_decoded(make_sheet()), long_side=8)
    with pytest.raises(ValueError, match="H x W x 3"):
        normalize(_decoded(np.zeros((10, 10), np.uint8)))


def test_normalize_scorer_errors_propagate() -> None:
    def broken(image: np.ndarray) -> float:
        raise RuntimeError("scorer failed")

    with pytest.raises(RuntimeError, match="scorer failed"):
        normalize(_decoded(make_sheet()), orientation=broken)


def test_text_line_axis_and_default_score() -> None:
    sheet = make_sheet()
    assert text_line_axis(sheet) == "horizontal"
    assert text_line_axis(rotate_quarter(sheet, 90)) == "vertical"
    assert layout_upright_score(sheet) > layout_upright_score(rotate_quarter(sheet, 180))
    assert layout_upright_score(sheet) > layout_upright_score(rotate_quarter(sheet, 90))


@pytest.mark.skipif(not generator_available(), reason="samples generator or its CJK fonts unavailable")
@pytest.mark.parametrize(
    ("design", "conditions", "seed"),
    [
        ("skill_level_2021", "phone", 11),
        ("company_internal", "sideways", 12),
        ("skill_level_2021", "upside_down", 13),
        ("competition_award", "phone", 14),
    ],
)
def test_normalize_on_generated_photos(design: str, conditions: str, seed: int) -> None:
    from samples.generator import SampleSpec, generate_sample

    sample = generate_sample(SampleSpec(design, "genuine", conditions, seed, 1200))
    pixels = sample.photo.decode()
    truth = np.array(sample.truth.sheet_corners)
    normalized = normalize(_decoded(pixels), long_side=1200)
    assert normalized.sheet_found
    # The work image's outline maps onto the photographed sheet (or a frame printed just inside it).
    w, h = normalized.width, normalized.height
    outline = np.array(normalized.quad_to_upload(((0.0, 0.0), (w, 0.0), (w, h), (0.0, h))))
    error = min(np.max(np.linalg.norm(np.roll(outline, k, axis=0) - truth, axis=1)) for k in range(4))
    assert error < 0.04 * max(pixels.shape[:2])
    # Quarter turns: the text axis is right; 0 versus 180 is left to OCR in production.
    assert normalized.rotation % 180 == sample.truth.rotation % 180


# --- geometry guards: slivers and strips ------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), [(20, 20_000), (20_000, 20), (1, 40_000), (50_000, 1000), (4000, 200)])
def test_any_strip_becomes_a_page_shaped_work_image(width: int, height: int) -> None:
    from vision.normalize import MAX_WORK_ASPECT

    pixels = np.full((height, width, 3), 255, np.uint8)
    pixels[: max(1, height // 3), : max(1, width // 3)] = 30
    decoded = DecodedImage(pixels=pixels, media_type="image/png", source_name="strip.png")
    work = normalize(decoded, long_side=1600)
    long, short = max(work.pixels.shape[:2]), min(work.pixels.shape[:2])
    assert long == 1600 and long <= MAX_WORK_ASPECT * short + 1
    # The content keeps its coordinates: the work image's dark corner maps back to the upload's.
    dark = np.argwhere(work.pixels[:, :, 0] < 128)
    assert dark.size
    x0, y0, x1, y1 = work.bbox_to_upload(((0.0, 0.0), (float(work.width), 0.0),
                                          (float(work.width), float(work.height)), (0.0, float(work.height))))
    assert (x0, y0) == (0, 0) and (x1, y1) == (width, height)


def test_certificate_shapes_are_never_padded() -> None:
    from vision.normalize import pad_to_aspect

    for shape in ((1131, 1600, 3), (1600, 800, 3), (1000, 1000, 3)):
        image = np.zeros(shape, np.uint8)
        assert pad_to_aspect(image, 2.4) is image

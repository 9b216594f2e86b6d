"""Tests of ``vision/annotate.py``: boxes, tags, colours, scaling and input checks."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from certcheck.types import Severity
from vision.annotate import MAX_LONG_SIDE, SEVERITY_COLORS, AnnotationItem, annotate


def _png_to_bgr(png: bytes) -> np.ndarray:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image


def _near(pixel: np.ndarray, color: tuple[int, int, int], tol: int = 30) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - np.array(color)) <= tol))


def test_annotate_without_items_returns_the_image() -> None:
    pixels = (np.random.default_rng(0).random((120, 160, 3)) * 255).astype(np.uint8)
    assert np.array_equal(_png_to_bgr(annotate(pixels, [])), pixels)


def test_annotate_draws_box_in_severity_colour_and_a_tag() -> None:
    pixels = np.full((600, 800, 3), 255, np.uint8)
    item = AnnotationItem(bbox=(200, 250, 500, 400), label="ADDED_TEXT", severity="high")
    out = _png_to_bgr(annotate(pixels, [item]))
    assert out.shape == pixels.shape
    red = SEVERITY_COLORS[Severity.HIGH]
    assert _near(out[325, 200], red) and _near(out[325, 499], red)  # left and right edges
    assert _near(out[250, 350], red) and _near(out[399, 350], red)  # top and bottom edges
    assert _near(out[325, 350], (255, 255, 255), 0)  # inside untouched
    tag = out[200:250, 200:400]
    assert (np.abs(tag.astype(int) - np.array(red)).sum(axis=2) < 60).mean() > 0.3  # filled tag above the box
    assert (tag.sum(axis=2) > 700).any()  # white label text on it


@pytest.mark.parametrize("severity", ["high", "medium", "low", "info"])
def test_annotate_each_severity_has_its_colour(severity: str) -> None:
    pixels = np.full((300, 300, 3), 128, np.uint8)
    out = _png_to_bgr(annotate(pixels, [AnnotationItem((50, 100, 250, 250), "SERIAL_FORMAT", severity)]))
    assert _near(out[175, 50], SEVERITY_COLORS[Severity(severity)])


def test_annotate_higher_severity_drawn_on_top() -> None:
    pixels = np.full((400, 400, 3), 255, np.uint8)
    items = [
        AnnotationItem((100, 100, 300, 300), "FALSE_CLAIM", "high"),
        AnnotationItem((100, 100, 300, 300), "WATERMARK", "info"),
    ]
    out = _png_to_bgr(annotate(pixels, items))
    assert _near(out[200, 100], SEVERITY_COLORS[Severity.HIGH])


def test_annotate_downscales_huge_images_and_boxes() -> None:
    pixels = np.full((3000, 4000, 3), 255, np.uint8)
    out = _png_to_bgr(annotate(pixels, [AnnotationItem((1000, 1000, 3000, 2000), "EMBLEM", "medium")]))
    assert out.shape == (1500, MAX_LONG_SIDE, 3)
    orange = SEVERITY_COLORS[Severity.MEDIUM]
    assert _near(out[750, 500], orange) and _near(out[750, 1499], orange)
    assert _near(out[750, 1000], (255, 255, 255), 0)


def test_annotate_line_width_scales_with_image() -> None:
    def line_width(size: int) -> int:
        pixels = np.full((size, size, 3), 255, np.uint8)
        out = _png_to_bgr(annotate(pixels, [AnnotationItem((size // 4, size // 4, size // 2, size // 2), "X", "high")]))
        row = out[size * 3 // 8, : size * 3 // 8]
        return int((np.abs(row.astype(int) - np.array(SEVERITY_COLORS[Severity.HIGH])).sum(axis=1) < 60).sum())

    assert line_width(1600) > line_width(400) >= 2


def test_annotate_clips_boxes_outside_the_image_and_gray_input() -> None:
    gray = np.full((100, 100), 200, np.uint8)
    items = [
        AnnotationItem((-50, -50, 40, 40), "QR_UNOFFICIAL", "low"),
        AnnotationItem((90, 90, 500, 500), "TAMPERING", "high"),
        AnnotationItem((10, 10, 10, 10), "FIELD_INVALID", "info"),
    ]
    out = _png_to_bgr(annotate(gray, items))
    assert out.shape == (100, 100, 3)
    assert _near(out[99, 95], SEVERITY_COLORS[Severity.HIGH])


def test_annotation_item_validation() -> None:
    with pytest.raises(ValueError, match="bbox"):
        AnnotationItem((10, 10, 5, 20), "ADDED_TEXT", "high")
    with pytest.raises(ValueError, match="ASCII"):
        AnnotationItem((0, 0, 5, 5), "增加字样", "high")
    with pytest.raises(ValueError, match="critical"):
        AnnotationItem((0, 0, 5, 5), "ADDED_TEXT", "critical")
    assert AnnotationItem((0, 0, 5, 5), "ADDED_TEXT", Severity.LOW).level is Severity.LOW


@pytest.mark.parametrize(
    "pixels",
    [np.zeros((0, 10, 3), np.uint8), np.zeros((10, 10, 4), np.uint8), np.zeros((10, 10, 3), np.float32)],
)
def test_annotate_rejects_bad_pixels(pixels: np.ndarray) -> None:
    with pytest.raises(ValueError):
        annotate(pixels, [])


def test_annotate_redacts_given_regions() -> None:
    image = np.full((200, 400, 3), 255, np.uint8)
    cv2.putText(image, "110105194912310021", (10, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    png = annotate(image, [], redact=[(0, 70, 400, 115)])
    out = cv2.imdecode(np.frombuffer(png, np.uint8), cv2.IMREAD_COLOR)
    region = out[70:115].astype(int)
    # Pixelated: no sharp black strokes remain, cells are flat blocks.
    assert region.min() > 60
    assert np.array_equal(out[:60], image[:60])

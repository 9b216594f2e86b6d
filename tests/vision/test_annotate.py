"""Tests of ``vision/annotate.py``: boxes, tags, colours, scaling and input checks."""

from __future__ import annotations

from typing import Any

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


# --- where a character-level box goes (vision/text_geometry.py) ----------------------------------

CJK_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def _rendered_line(text: str) -> tuple[np.ndarray, list[float]]:
    """A work-space page with ``text`` printed on it, and the x where each character starts (and the last ends)."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(CJK_FONT, 40)
    image = Image.new("RGB", (1400, 200), "white")
    draw = ImageDraw.Draw(image)
    draw.text((60, 70), text, font=font, fill="black")
    page = np.full((1131, 1600, 3), 255, np.uint8)
    page[300:500, 100:1500] = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)
    return page, [160 + draw.textlength(text[:i], font=font) for i in range(len(text) + 1)]


def _covered(box: tuple[float, float], word: tuple[float, float]) -> float:
    return max(0.0, min(box[1], word[1]) - max(box[0], word[0])) / (word[1] - word[0])


@pytest.mark.ocr
@pytest.mark.skipif(not __import__("pathlib").Path(CJK_FONT).is_file(), reason="Noto Sans CJK is not installed")
@pytest.mark.parametrize(("text", "word"), [
    ("证书编号：CQU-SRTP-20230724 培训合格", "培训合格"),  # the serial line of a real training certificate
    ("Certificate No. 2113040000760 国家职业资格", "国家职业资格"),  # a bilingual label before it
])
def test_a_word_box_on_a_mixed_line_lies_on_the_word(checker: Any, text: str, word: str) -> None:
    """Even pitch (what the wording rules sliced lines at) puts the box off a Chinese word on a mixed line.

    Lines like these (a serial or a Latin label before Chinese words) are
    on most real certificates; with an even pitch the Chinese word's box
    lands short of it, towards the line's start; the width-weighted slice
    lies on the word.
    """
    from vision.text_geometry import span_sub_quad

    page, xs = _rendered_line(text)
    lines = [line for line in checker.engine.read(page).result.lines if word in line.text]
    assert lines, "the OCR did not read the rendered line"
    line = lines[0]
    start = line.text.index(word)
    end = start + len(word)
    truth = (xs[text.index(word)], xs[text.index(word) + len(word)])
    (x0, _), (x1, _), _, _ = span_sub_quad(line.quad, line.text, start, end)
    assert _covered((x0, x1), truth) >= 0.8
    assert _covered(truth, (x0, x1)) >= 0.8  # and the box lies on the word, not beside it
    (lx0, _), (lx1, _), _, _ = line.quad
    even = (lx0 + (lx1 - lx0) * start / len(line.text), lx0 + (lx1 - lx0) * end / len(line.text))
    assert _covered(even, truth) < 0.8  # the even pitch misses a good part of the word

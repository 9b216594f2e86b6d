"""Tests of ``vision/seal_suppress.py`` on synthetic work-space sheets drawn with OpenCV."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from certcheck.types import Detection, quad_to_bbox
from ocr.engine import OcrEngine
from vision.seal_suppress import DETECTOR_NAME, find_red_seals, red_ink_mask, suppress_red_seals

WORK_W, WORK_H = 1600, 1131
PAPER = (238, 241, 243)
BLACK = (30, 30, 30)
TITLE_RED = (34, 30, 178)
SEAL_RED = (40, 40, 214)
CJK_FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def blank_page(border: bool = True) -> np.ndarray:
    """Paper with an optional red double border frame along the edges."""
    page = np.full((WORK_H, WORK_W, 3), PAPER, np.uint8)
    if border:
        cv2.rectangle(page, (30, 30), (WORK_W - 31, WORK_H - 31), TITLE_RED, 12)
        cv2.rectangle(page, (55, 55), (WORK_W - 56, WORK_H - 56), TITLE_RED, 3)
    return page


def draw_title(page: np.ndarray, x: int = 520, y: int = 110, size: int = 130) -> None:
    """Four large bold red glyphs; the second is boxy like 国 (a square frame with strokes inside)."""
    thick = size // 9
    for i in range(4):
        x0 = x + i * int(size * 1.3)
        if i == 1:
            cv2.rectangle(page, (x0, y), (x0 + size, y + size), TITLE_RED, thick)
            for k in (1, 2, 3):
                cv2.line(page, (x0 + 25, y + k * size // 4), (x0 + size - 25, y + k * size // 4), TITLE_RED, thick)
            continue
        for k in range(3):
            cv2.line(page, (x0, y + 20 + k * 45), (x0 + size, y + 20 + k * 45), TITLE_RED, thick)
        cv2.line(page, (x0 + size // 2, y), (x0 + size // 3, y + size), TITLE_RED, thick)
        cv2.line(page, (x0 + size // 2, y + 40), (x0 + size, y + size), TITLE_RED, thick)


def draw_text_lines(page: np.ndarray, x: int, y: int, rows: int, glyphs: int) -> None:
    """Lines of black stroke glyphs, 34 px tall, like printed body text."""
    for row in range(rows):
        top = y + row * 60
        for i in range(glyphs):
            x0 = x + i * 40
            for k in range(3):
                cv2.line(page, (x0 + 3, top + 6 + 10 * k), (x0 + 30, top + 6 + 10 * k), BLACK, 3)
            cv2.line(page, (x0 + 8 + (i * 7) % 16, top), (x0 + 12 + (i * 5) % 16, top + 34), BLACK, 3)


def star(center: tuple[int, int], outer: float) -> np.ndarray:
    pts = []
    for i in range(10):
        r = outer if i % 2 == 0 else outer * 0.382
        a = math.pi * i / 5
        pts.append((center[0] + r * math.sin(a), center[1] - r * math.cos(a)))
    return np.round(np.array(pts)).astype(np.int32)


def seal_layer(shape: tuple[int, int], center: tuple[int, int], radius: int, kind: str = "round") -> np.ndarray:
    """White layer with a red stamp: outline, text-like strokes along the rim, a star (BGR)."""
    layer = np.full((*shape, 3), 255, np.uint8)
    ring = max(4, radius // 16)
    cx, cy = center
    if kind == "round":
        cv2.circle(layer, center, radius - ring // 2, SEAL_RED, ring)
    elif kind == "oval":
        cv2.ellipse(layer, center, (radius - ring // 2, int(radius * 0.7)), 0, 0, 360, SEAL_RED, ring)
    else:
        cv2.rectangle(layer, (cx - radius, cy - radius), (cx + radius, cy + radius), SEAL_RED, ring)
    squash = 0.7 if kind == "oval" else 1.0
    for deg in range(-120, 121, 12):
        a = math.radians(deg)
        p0 = (cx + 0.6 * radius * math.sin(a), cy - 0.6 * radius * squash * math.cos(a))
        p1 = (cx + 0.8 * radius * math.sin(a), cy - 0.8 * radius * squash * math.cos(a))
        cv2.line(layer, tuple(round(v) for v in p0), tuple(round(v) for v in p1), SEAL_RED, 4)
    cv2.fillPoly(layer, [star(center, radius * 0.27 * squash)], SEAL_RED)
    return layer


def stamp(page: np.ndarray, layer: np.ndarray) -> np.ndarray:
    """Press the stamp layer onto the page with multiply blending, as ink over print."""
    return (page.astype(np.float32) * layer.astype(np.float32) / 255.0).round().astype(np.uint8)


def certificate(seal: str | None = "round", center: tuple[int, int] = (1200, 860), radius: int = 110) -> np.ndarray:
    """A red-bordered sheet with a red title, body text and a stamp over the signature lines."""
    page = blank_page()
    draw_title(page)
    draw_text_lines(page, 200, 380, rows=5, glyphs=28)
    draw_text_lines(page, 1000, 800, rows=2, glyphs=10)
    if seal is not None:
        page = stamp(page, seal_layer(page.shape[:2], center, radius, seal))
    noise = np.random.default_rng(0).normal(0.0, 2.0, page.shape)
    return np.clip(page + noise, 0, 255).astype(np.uint8)


def near(found: Detection, box: tuple[int, int, int, int], tolerance: int = 6) -> bool:
    assert found.quad is not None
    return all(abs(a - b) <= tolerance for a, b in zip(quad_to_bbox(found.quad), box, strict=True))


@pytest.mark.parametrize(("kind", "half_h"), [("round", 110), ("oval", 77), ("square", 110)])
def test_find_red_seals_finds_the_stamp_with_its_box(kind: str, half_h: int) -> None:
    found = find_red_seals(certificate(kind))
    assert len(found) == 1
    seal = found[0]
    assert (seal.detector, seal.kind, seal.extras["shape"]) == (DETECTOR_NAME, "seal", kind)
    assert near(seal, (1200 - 110, 860 - half_h, 1200 + 111, 860 + half_h + 1))
    assert 0.5 <= seal.score <= 1.0
    assert seal.extras["diameter_px"] == pytest.approx(220, abs=8)
    assert seal.extras["center"] == pytest.approx((1200.5, 860.5), abs=2)


def test_find_red_seals_finds_two_seals_side_by_side() -> None:
    page = blank_page()
    for x in (450, 750):
        page = stamp(page, seal_layer(page.shape[:2], (x, 800), 110))
    found = sorted(find_red_seals(page), key=lambda d: d.extras["center"][0])
    assert [round(d.extras["center"][0]) for d in found] == pytest.approx([450, 750], abs=3)


def test_find_red_seals_ignores_red_title_and_border() -> None:
    assert find_red_seals(certificate(seal=None)) == []


def test_find_red_seals_ignores_a_lone_red_disc_and_a_ring_too_small_for_a_stamp() -> None:
    page = blank_page(border=False)
    cv2.circle(page, (400, 500), 100, SEAL_RED, -1)
    page = stamp(page, seal_layer(page.shape[:2], (900, 500), 25))
    assert find_red_seals(page) == []


def test_find_red_seals_finds_a_stamp_filling_the_image() -> None:
    """A scan or crop of the stamp alone (its diameter 85 % of the short side)."""
    page = stamp(blank_page(border=False), seal_layer((WORK_H, WORK_W), (800, 560), 480))
    found = find_red_seals(page)
    assert len(found) == 1
    assert found[0].extras["center"] == pytest.approx((800.5, 560.5), abs=12)
    assert found[0].extras["half_axes"][0] == pytest.approx(480, rel=0.06)


def test_find_red_seals_parts_stamps_pressed_over_each_other() -> None:
    """Two and three organisers' stamps overlapping by a third of their width (a notice, a prize)."""
    page = blank_page()
    centres = [(500, 800), (650, 800), (800, 800)]
    for centre in centres:
        page = stamp(page, seal_layer(page.shape[:2], centre, 105))
    found = sorted(find_red_seals(page), key=lambda d: d.extras["center"][0])
    assert [round(d.extras["center"][0], -1) for d in found] == pytest.approx([500, 650, 800], abs=12)


def test_find_red_seals_finds_a_ring_with_gaps() -> None:
    layer = seal_layer((WORK_H, WORK_W), (700, 600), 120)
    for start in (10, 130, 250):
        cv2.ellipse(layer, (700, 600), (125, 125), 0, start, start + 12, (255, 255, 255), 14)
    found = find_red_seals(stamp(blank_page(), layer))
    assert [d.extras["shape"] for d in found] == ["round"]


def test_find_red_seals_works_on_small_images() -> None:
    small = cv2.resize(certificate(), None, fx=0.4, fy=0.4, interpolation=cv2.INTER_AREA)
    found = find_red_seals(small)
    assert len(found) == 1 and near(found[0], (436, 300, 525, 389), tolerance=4)


def test_suppress_red_seals_keeps_black_text_and_removes_the_ring() -> None:
    image = certificate()
    before = image.copy()
    clean = suppress_red_seals(image, find_red_seals(image))
    assert np.array_equal(image, before)
    text_only = blank_page()
    draw_text_lines(text_only, 1000, 800, rows=2, glyphs=10)
    print_ = cv2.dilate((text_only.mean(axis=2) < 200).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    under_seal = np.zeros(image.shape[:2], np.uint8)
    cv2.circle(under_seal, (1200, 860), 110, 1, -1)
    text = (under_seal > 0) & (text_only.mean(axis=2) < 80)
    assert clean[text].mean() < 70
    ring = np.zeros(image.shape[:2], np.uint8)
    cv2.circle(ring, (1200, 860), 107, 1, 3)
    assert red_ink_mask(clean)[ring > 0].mean() < 0.01
    paper_ring = (ring > 0) & ~print_
    assert np.abs(clean[paper_ring].astype(int) - PAPER).mean() < 6
    outside = np.ones(image.shape[:2], bool)
    outside[700:1020, 1040:1360] = False
    assert np.array_equal(clean[outside], image[outside])


def test_suppress_red_seals_accepts_a_bare_quad() -> None:
    image = certificate()
    quad = ((1085.0, 745.0), (1316.0, 745.0), (1316.0, 976.0), (1085.0, 976.0))
    clean = suppress_red_seals(image, [Detection(detector="other.v1", kind="seal", quad=quad, score=1.0)])
    assert red_ink_mask(clean)[745:976, 1085:1316].mean() < 0.001
    assert red_ink_mask(clean)[100:260, 500:1100].mean() > 0.1


def test_suppress_red_seals_trusts_the_quad_over_a_stale_outline() -> None:
    image = certificate()
    seal = find_red_seals(image)[0]
    stale = Detection(seal.detector, seal.kind, seal.quad, seal.score, {**seal.extras, "center": (300.0, 300.0)})
    assert red_ink_mask(suppress_red_seals(image, [stale]))[745:976, 1085:1316].mean() < 0.001


def test_suppress_red_seals_without_seals_is_an_equal_copy() -> None:
    image = certificate(seal=None)
    clean = suppress_red_seals(image, [])
    assert clean is not image and np.array_equal(clean, image)


def test_seal_functions_reject_non_bgr_images() -> None:
    gray = np.zeros((100, 100), np.uint8)
    with pytest.raises(ValueError, match="BGR"):
        find_red_seals(gray)
    with pytest.raises(ValueError, match="BGR"):
        suppress_red_seals(gray, [])


@pytest.mark.ocr
@pytest.mark.skipif(not CJK_FONT.is_file(), reason="Noto CJK font not installed")
def test_ocr_reads_the_date_under_a_seal_after_suppression() -> None:
    """Without suppression RapidOCR reads this page as 深圳 / 赛组委会 / 2023年4月1."""
    canvas = Image.new("RGB", (WORK_W, WORK_H), PAPER[::-1])
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.truetype(str(CJK_FONT), 44)
    draw.text((900, 700), "深圳市职工技能竞赛组委会", fill=BLACK, font=font)
    draw.text((1000, 790), "2023年4月11日", fill=BLACK, font=font)
    page = cv2.cvtColor(np.asarray(canvas), cv2.COLOR_RGB2BGR)
    page = stamp(page, seal_layer(page.shape[:2], (1120, 780), 130))
    found = find_red_seals(page)
    assert len(found) == 1
    lines = OcrEngine().read(suppress_red_seals(page, found)).result.lines
    text = "".join(line.text for line in lines).replace(" ", "")
    assert "2023年4月11日" in text
    assert "深圳市职工技能竞赛组委会" in text

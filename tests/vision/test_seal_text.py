"""Tests of ``vision/seal_text.py``: a seal's arc read through a polar unwrap and the OCR recogniser."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import cv2
import numpy as np
import pytest
from rapidfuzz.distance import Levenshtein

from certcheck.types import Detection
from tests.helpers import generator_available
from vision.decode import decode_image
from vision.normalize import normalize
from vision.seal_suppress import find_red_seals
from vision.seal_text import read_seal_texts, unwrap_seal

if TYPE_CHECKING:
    from certcheck.pipeline import Checker

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference-images"
needs_generator = pytest.mark.skipif(not generator_available(), reason="samples generator fonts are missing")


def _stamped(name: str, bottom: str = "", rotation: float = 0.0, radius: int = 110) -> np.ndarray:
    """A work-space page with one generated seal (the samples generator's own drawing) at (560, 700)."""
    from samples.generator.content import SEAL_RED, SealSpec
    from samples.generator.marks import seal_alpha

    alpha = seal_alpha(SealSpec(name, bottom), radius, rotation, 7)[..., None]
    page = np.full((1600, 1131, 3), 244, np.float32)
    side = alpha.shape[0]
    y0, x0 = 700 - side // 2, 560 - side // 2
    region = page[y0 : y0 + side, x0 : x0 + side]
    ink = np.array(SEAL_RED[::-1], np.float32) / 255.0
    region[:] = region * (1 - 0.9 * alpha) + region * ink * 0.9 * alpha
    stamped = page.astype(np.uint8)
    # Black print crossing the stamp: the chroma strip leaves it out.
    cv2.putText(stamped, "2024 05 18", (420, 760), cv2.FONT_HERSHEY_SIMPLEX, 1.4, (25, 25, 25), 3)
    return stamped


def _accuracy(read: str, truth: str) -> float:
    return 1.0 - min(Levenshtein.distance(read, truth), len(truth)) / len(truth)


@pytest.mark.ocr
@needs_generator
@pytest.mark.parametrize(("name", "bottom", "rotation"), [
    ("深圳市鹏城职业技能评价有限公司", "评价专用章", 0.0),
    ("杭州云帆网络科技有限公司", "", 25.0),
    ("成都市职业技能竞赛组委会", "培训专用章", -15.0),
])
def test_reads_generated_seal_text(checker: Checker, name: str, bottom: str, rotation: float) -> None:
    page = _stamped(name, bottom, rotation)
    seals = find_red_seals(page)
    (read,) = read_seal_texts(page, seals, checker.engine)
    assert read.quad == seals[0].quad and read.score == seals[0].score and read.detector == seals[0].detector
    assert _accuracy(read.extras["text"], name) >= 0.85, read.extras["text"]
    assert read.extras["text_confidence"] > 0.6
    assert read.extras["center"] == seals[0].extras["center"]


@pytest.mark.ocr
@needs_generator
def test_reads_a_seal_on_an_upside_down_page(checker: Checker) -> None:
    page = cv2.rotate(_stamped("武汉长江物业服务有限公司"), cv2.ROTATE_180)
    (read,) = read_seal_texts(page, find_red_seals(page), checker.engine)
    assert _accuracy(read.extras["text"], "武汉长江物业服务有限公司") >= 0.85


@needs_generator
def test_strip_has_the_rim_on_top_and_leaves_the_gap_out() -> None:
    page = _stamped("深圳市星河智能科技有限公司")
    (seal,) = find_red_seals(page)
    strip = unwrap_seal(page, seal)
    assert strip is not None and strip.shape[0] == 48 and strip.shape[1] > 4 * strip.shape[0]
    ink_columns = (cv2.cvtColor(strip, cv2.COLOR_BGR2GRAY) < 128).any(axis=0)
    # The strip starts and ends at the arc's ends: glyphs within its first and last tenth.
    tenth = strip.shape[1] // 10
    assert ink_columns[:tenth].any() and ink_columns[-tenth:].any()


def test_seal_without_ink_reads_empty_without_calling_the_recogniser() -> None:
    class Recogniser:
        def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
            assert crops == []
            return []

    page = np.full((600, 600, 3), 244, np.uint8)
    seal = Detection("red_seal.v1", "seal", ((200.0, 200.0), (400.0, 200.0), (400.0, 400.0), (200.0, 400.0)), 0.9)
    (read,) = read_seal_texts(page, [seal], Recogniser())
    assert read.extras == {"text": "", "text_confidence": 0.0, "text_trusted": False}


def test_rejects_non_bgr_pixels() -> None:
    with pytest.raises(ValueError, match="BGR"):
        read_seal_texts(np.zeros((10, 10), np.uint8), [], None)  # type: ignore[arg-type]


@pytest.mark.ocr
@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference-images is absent")
def test_reads_the_registration_authority_seal_of_a_real_licence(checker: Checker) -> None:
    path = REFERENCE / "certificates" / "business_license_sample_with_emblem_and_seal_cicba.png"
    decoded = decode_image(path.read_bytes(), path.name, max_pixels=60_000_000, max_bytes=50_000_000, max_pdf_pages=1)
    pixels = normalize(decoded, long_side=1600).pixels
    reads = read_seal_texts(pixels, find_red_seals(pixels), checker.engine)
    assert any(_accuracy(r.extras["text"], "广州市花都区工商行政管理局") >= 0.85 for r in reads)


@pytest.mark.ocr
def test_a_square_name_seal_is_read_column_by_column_from_the_right(checker: Any) -> None:
    from PIL import Image, ImageDraw, ImageFont

    try:
        font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 64)
    except OSError:
        pytest.skip("CJK font not installed (scripts/setup.sh installs fonts-noto-cjk)")
    page = Image.new("RGB", (600, 600), "white")
    draw = ImageDraw.Draw(page)
    red = (214, 38, 38)
    draw.rectangle((200, 200, 400, 400), outline=red, width=10)
    # 张三之印 in the traditional grid: right column 张 三, left column 之 印.
    for glyph, (x, y) in zip("张三之印", ((310, 222), (310, 308), (226, 222), (226, 308)), strict=True):
        draw.text((x, y), glyph, font=font, fill=red)
    pixels = np.asarray(page)[:, :, ::-1].copy()
    seal = Detection("red_seal.v1", "seal", ((200.0, 200.0), (400.0, 200.0), (400.0, 400.0), (200.0, 400.0)), 0.9,
                     {"center": (300.5, 300.5), "half_axes": (100.0, 100.0), "angle_deg": 0.0, "shape": "square"})
    (read,) = read_seal_texts(pixels, [seal], checker.engine)
    assert read.extras["text"] == "张三之印", read.extras


@needs_generator
@pytest.mark.parametrize(
    ("reading", "score", "trusted"),
    [
        (("广州市花都区工商行政管理局", 0.985), 0.985, True),
        (("ESAVETISSRER", 0.93), 0.0, False),  # Latin letters: a misread ring
        (("éaz ae", 0.7), 0.0, False),
        (("培调", 0.96), 0.96, False),  # too short to name an organisation
        (("六安江准电机有公司乡", 0.906), 0.906, False),  # a real seal under black text, 7 of 10 right
    ],
)
def test_every_reading_says_whether_it_may_name_the_issuer(
    reading: tuple[str, float], score: float, trusted: bool
) -> None:
    class Recogniser:
        def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
            return [reading] * len(crops)

    page = _stamped("广州市花都区工商行政管理局")
    (seal,) = find_red_seals(page)
    (read,) = read_seal_texts(page, [seal], Recogniser())
    assert read.extras["text_confidence"] == pytest.approx(score, abs=0.002)
    assert read.extras["text_trusted"] is trusted

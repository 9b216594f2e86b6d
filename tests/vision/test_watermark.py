"""The watermark detector (vision/detectors/watermark.py): tiled faint text or emblems behind the print."""

from __future__ import annotations

from typing import TYPE_CHECKING

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from certcheck.types import NormalizedImage
from tests.helpers import generator_available
from vision.detectors import DETECTORS, build_all_detectors
from vision.detectors.watermark import WatermarkDetector, background_layer, tiling_score

if TYPE_CHECKING:
    from certcheck.pipeline import Checker

WORK_W, WORK_H = 1600, 1131
TITLE_RED = (150, 40, 30)  # RGB of a certificate's title ink, the colour designs print watermarks in


def _page(seed: int = 0) -> np.ndarray:
    """A work-space certificate (BGR): paper, frame, a guilloche rosette, rows of stroke glyphs."""
    rng = np.random.default_rng(seed)
    image = Image.new("RGB", (WORK_W, WORK_H), (250, 246, 240))
    draw = ImageDraw.Draw(image)
    t = np.linspace(0, 2 * np.pi, 1400)
    for ring in range(14):  # a faint rosette, as designs print (not tiled)
        r = 300 * (0.55 + 0.03 * ring) + 60 * np.sin(11 * t + ring) * np.cos(3 * t - ring)
        draw.line(list(zip((800 + r * np.cos(t)).tolist(), (560 + r * np.sin(t)).tolist(), strict=True)),
                  fill=(228, 222, 236), width=1)
    draw.rectangle((40, 40, WORK_W - 41, WORK_H - 41), outline=(40, 40, 150), width=6)
    page = cv2.cvtColor(np.asarray(image), cv2.COLOR_RGB2BGR)
    for row in range(12):
        y = 320 + row * 58
        for i in range(int(rng.integers(10, 30))):
            x = 380 + i * 34
            for k in range(1, 4):
                cv2.line(page, (x + 3, y + 7 * k), (x + 26, y + 7 * k), (30, 30, 30), 3)
    noise = np.empty_like(page)
    cv2.randn(noise, 0, 2)
    return cv2.add(page, noise)


def _blend(page: np.ndarray, coverage: np.ndarray, rgb: tuple[int, int, int], opacity: float) -> np.ndarray:
    tint = np.asarray(rgb[::-1], np.float32) / 255.0
    a = coverage[..., None] * opacity
    return np.clip(page.astype(np.float32) * (1.0 - a * (1.0 - tint)) + 0.5, 0, 255).astype(np.uint8)


def _text_watermark(text: str, opacity: float = 0.18) -> np.ndarray:
    if not generator_available():
        pytest.skip("the samples generator's CJK fonts are not installed")
    from samples.generator.marks import draw_watermark

    return _blend(_page(), draw_watermark((WORK_W, WORK_H), text, 52, 30.0), TITLE_RED, opacity)


def _emblem_watermark(style: str = "colour") -> np.ndarray:
    from samples.generator.content import EmblemPrint
    from samples.generator.marks import draw_emblem_print

    premultiplied, _ = draw_emblem_print(EmblemPrint(style, size=0.09, opacity=0.15, tiled=True), (WORK_W, WORK_H))
    alpha = premultiplied[..., 3:]
    tint = premultiplied[..., 2::-1] + (1.0 - alpha)  # RGB -> BGR, paper where no ink
    return np.clip(_page().astype(np.float32) * tint + 0.5, 0, 255).astype(np.uint8)


def _work(pixels: np.ndarray) -> NormalizedImage:
    return NormalizedImage(pixels=pixels, to_upload=np.eye(3), upload_size=(pixels.shape[1], pixels.shape[0]))


def test_registered_as_an_ocr_reading_detector() -> None:
    assert DETECTORS["watermark.v1"] is WatermarkDetector and WatermarkDetector.uses_ocr
    with pytest.raises(ValueError, match="watermark.v1"):
        build_all_detectors(engine=None)


def test_plain_certificate_has_no_tiled_background() -> None:
    for seed in range(2):
        assert WatermarkDetector()(_work(_page(seed))) == []


@pytest.mark.parametrize("text", ["国家职业资格", "中华人民共和国"])
def test_tiled_text_is_found_unread_without_an_engine(text: str) -> None:
    (found,) = WatermarkDetector()(_work(_text_watermark(text)))
    assert found.kind == "watermark" and found.extras["text"] is None and not found.extras["emblem"]
    assert found.extras["tiling"] >= 0.15 and found.quad is not None


def test_faint_layer_excludes_print_and_keeps_the_watermark() -> None:
    page = _text_watermark("国家职业资格")
    small = cv2.resize(page, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    faint, near_ink = background_layer(small)
    assert near_ink[320 // 2 + 7, 400 // 2]  # a printed stroke row is masked
    assert faint.max() > 15.0
    plain, _ = background_layer(cv2.resize(_page(), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA))
    assert tiling_score(faint)[0] > 2 * tiling_score(plain)[0]


@pytest.mark.parametrize("style", ["colour", "red"])
def test_tiled_emblems_are_found_as_the_emblem(style: str) -> None:
    (found,) = WatermarkDetector()(_work(_emblem_watermark(style)))
    assert found.extras["emblem"] is True


@pytest.mark.ocr
def test_the_engine_reads_what_the_watermark_says(checker: Checker) -> None:
    (found,) = WatermarkDetector(engine=checker.engine)(_work(_text_watermark("国家职业资格")))
    text = found.extras["text"]
    assert text and sum(ch in text for ch in "国家职业资格") >= 4, text

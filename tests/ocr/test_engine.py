"""The RapidOCR adapter on real pixels: lines, boxes and the upside-down vote."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.engine import OcrEngine

FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
pytestmark = pytest.mark.ocr


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    e = OcrEngine(threads=2)
    e.load()
    return e


@pytest.fixture(scope="module")
def text_page() -> np.ndarray:
    try:
        font = ImageFont.truetype(FONT, 40)
    except OSError:
        pytest.skip("CJK font not installed (scripts/setup.sh installs fonts-noto-cjk)")
    img = Image.new("RGB", (1200, 500), "white")
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(["职业技能等级证书", "姓名：张三", "证书编号：S000044030001244000123"]):
        draw.text((80, 60 + 130 * i), text, font=font, fill="black")
    return np.asarray(img)[:, :, ::-1].copy()


def test_engine_reads_lines_with_boxes(engine: OcrEngine, text_page: np.ndarray) -> None:
    read = engine.read(text_page)
    texts = [line.text for line in read.result.lines]
    assert texts == ["职业技能等级证书", "姓名：张三", "证书编号：S000044030001244000123"]
    x0, y0, x1, y1 = read.result.lines[0].bbox
    assert 60 <= x0 <= 100 and 40 <= y0 <= 80 and x1 > 300
    assert read.upside_down_share == 0.0


def test_engine_votes_upside_down_page(engine: OcrEngine, text_page: np.ndarray) -> None:
    read = engine.read(np.ascontiguousarray(text_page[::-1, ::-1]))
    assert read.upside_down_share > 0.9
    assert "姓名：张三" in [line.text for line in read.result.lines]


def test_engine_blank_page_gives_no_lines_not_error(engine: OcrEngine) -> None:
    read = engine.read(np.full((400, 600, 3), 255, np.uint8))
    assert read.result.lines == ()


def test_detection_on_a_smaller_copy_reads_the_same_lines_in_full_size_coordinates(
    engine: OcrEngine, text_page: np.ndarray
) -> None:
    shrunk = OcrEngine(threads=2, det_long_side=600)
    full_lines = engine.read(text_page).result.lines
    small_lines = shrunk.read(text_page).result.lines
    assert [line.text for line in small_lines] == [line.text for line in full_lines]
    for a, b in zip(small_lines, full_lines, strict=True):
        # Boxes come back in the page's own pixels, within a few pixels of full-size detection.
        assert np.abs(np.asarray(a.bbox) - np.asarray(b.bbox)).max() <= 12


def test_cuda_asked_for_without_onnxruntime_gpu_is_a_clear_model_error() -> None:
    import onnxruntime

    from certcheck.errors import ModelError
    from ocr.engine import CUDA_PROVIDER, resolve_device

    if CUDA_PROVIDER in onnxruntime.get_available_providers():
        pytest.skip("this onnxruntime has CUDA")
    with pytest.raises(ModelError, match="onnxruntime-gpu"):
        resolve_device("cuda")
    assert OcrEngine(device="auto").device == "cpu"

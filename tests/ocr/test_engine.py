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


def _peak_rss_reset() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def _peak_rss_bytes() -> int:
    with open("/proc/self/status") as handle:
        return next(int(line.split()[1]) * 1024 for line in handle if line.startswith("VmHWM:"))


@pytest.mark.parametrize("shape", [(20000, 20, 3), (20, 20000, 3), (1600, 1, 3), (2, 1600, 3)])
def test_slivers_are_read_within_bounded_memory(engine: OcrEngine, shape: tuple[int, int, int]) -> None:
    # RapidOCR scales the short side up without bounding the long one: 20 x 20000 px once took 3.7 GB arrays.
    if not _peak_rss_reset():
        pytest.skip("needs Linux /proc/self/clear_refs to measure peak memory")
    before = _peak_rss_bytes()
    read = engine.read(np.full(shape, 255, np.uint8))
    assert read.result.lines == ()
    assert _peak_rss_bytes() - before < 400 * 1024 * 1024


def test_text_at_the_top_of_a_strip_keeps_its_coordinates(engine: OcrEngine, text_page: np.ndarray) -> None:
    strip = np.ascontiguousarray(text_page[40:120])  # the title line only: 1200 x 80 px, 15:1
    lines = engine.read(strip).result.lines
    assert [line.text for line in lines] == ["职业技能等级证书"]
    x0, y0, x1, y1 = lines[0].bbox
    assert 0 <= y0 < y1 <= strip.shape[0] and 60 <= x0 <= 100

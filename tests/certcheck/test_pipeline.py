"""Orchestrator pieces: the 180° turn keeps boxes traceable; a thumbnail is never read."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from certcheck.pipeline import _turn_detection, turn_half
from certcheck.types import Detection, NormalizedImage, OcrResult
from tests.helpers import line


def test_turn_half_maps_lines_back_to_the_same_upload_pixels() -> None:
    # work space = upload space scaled by 2 (a plain resize)
    to_upload = np.diag([2.0, 2.0, 1.0])
    image = NormalizedImage(pixels=np.zeros((100, 200, 3), np.uint8), to_upload=to_upload, upload_size=(400, 200))
    upside_down = line("abc", 20, 10, w=60, h=20)
    turned, ocr = turn_half(image, OcrResult(lines=(upside_down,)))
    (moved,) = ocr.lines
    assert turned.rotation == 180
    # The same physical text maps to the same upload-space box before and after.
    assert turned.bbox_to_upload(moved.quad) == image.bbox_to_upload(upside_down.quad)
    # And the moved quad starts at its new top-left corner.
    assert moved.quad[0] == (200 - 80, 100 - 30)


def test_turn_half_turns_pixels() -> None:
    pixels = np.zeros((10, 20, 3), np.uint8)
    pixels[0, 0] = 255
    image = NormalizedImage(pixels=pixels, to_upload=np.eye(3), upload_size=(20, 10))
    turned, _ = turn_half(image, OcrResult(lines=()))
    assert turned.pixels[9, 19, 0] == 255


def test_turn_detection_moves_quad_and_center() -> None:
    seal = Detection("red_seal.v1", "seal", ((10, 20), (50, 20), (50, 60), (10, 60)), 0.9, {"center": (30.0, 40.0)})
    turned = _turn_detection(seal, 200, 100)
    assert turned.quad == ((150, 40), (190, 40), (190, 80), (150, 80))
    assert turned.extras["center"] == (170.0, 60.0)


@pytest.mark.ocr
def test_a_thumbnail_sized_upload_is_not_read_and_is_unknown(checker: Any) -> None:
    import cv2

    page = np.full((120, 160, 3), 255, np.uint8)
    cv2.putText(page, "certificate", (5, 60), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (0, 0, 0), 1)
    ok, png = cv2.imencode(".png", page)
    report = checker.check_bytes(png.tobytes(), "tiny.png")
    assert report.ocr.lines == ()
    assert report.verdict.risk_level.value == "unknown"
    assert [e.code.value for e in report.verdict.evidence] == ["IMAGE_QUALITY"]
    assert report.ocr.elapsed_ms == 0.0  # the models never ran

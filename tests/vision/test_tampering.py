"""Tests of ``vision/detectors/tampering.py``: a retyped line stands out, a plain photo does not."""

from __future__ import annotations

import cv2
import numpy as np

from certcheck.types import NormalizedImage
from vision.detectors import DETECTORS
from vision.detectors.tampering import TamperingDetector, line_sharpness

PASTE = (110, 946, 700, 994)  # x0, y0, x1, y1 of the retyped line: all of line 10 (baseline 980)


def _photo(seed: int = 0) -> np.ndarray:
    """A photographed page: 14 lines of text, lens blur, sensor noise and JPEG."""
    rng = np.random.default_rng(seed)
    page = np.full((1600, 1131), 226, np.uint8)
    for row in range(14):
        cv2.putText(page, f"Name {row} value {1000 + 37 * row}", (120, 180 + 80 * row), cv2.FONT_HERSHEY_SIMPLEX,
                    1.1, 35, 2, cv2.LINE_AA)
    page = cv2.GaussianBlur(page.astype(np.float32), (0, 0), 1.1) + rng.normal(0, 2.5, page.shape).astype(np.float32)
    return _jpeg(np.clip(page, 0, 255).astype(np.uint8), 80)


def _jpeg(gray: np.ndarray, quality: int) -> np.ndarray:
    ok, data = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.cvtColor(cv2.imdecode(data, cv2.IMREAD_GRAYSCALE), cv2.COLOR_GRAY2BGR)


def _retyped(photo: np.ndarray) -> np.ndarray:
    """One line painted over with a flat fill and typed again, without blur, then saved again."""
    gray = cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY)
    x0, y0, x1, y1 = PASTE
    gray[y0:y1, x0:x1] = int(np.median(gray[y0:y1, x0:x1]))
    cv2.putText(gray, "Zhang San 4403", (x0 + 5, y1 - 12), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 30, 2, cv2.LINE_AA)
    return _jpeg(gray, 90)


def _image(pixels: np.ndarray) -> NormalizedImage:
    return NormalizedImage(pixels, np.eye(3), (pixels.shape[1], pixels.shape[0]))


def test_plain_photo_raises_nothing() -> None:
    assert len(line_sharpness(cv2.cvtColor(_photo(), cv2.COLOR_BGR2GRAY))) >= 14
    assert _flagged(TamperingDetector()(_image(_photo()))) == []


def _flagged(detections: list) -> list:
    return [d for d in detections if d.kind == "pasted_text"]


def test_page_sharpness_lists_every_measured_line() -> None:
    (summary,) = [d for d in TamperingDetector()(_image(_photo())) if d.kind == "text_sharpness"]
    assert len(summary.extras["lines"]) >= 14 and summary.quad is None
    assert all(len(line) == 5 and line[4] > 0 for line in summary.extras["lines"])


def test_single_characters_are_measured_but_never_flagged() -> None:
    gray = cv2.cvtColor(_photo(), cv2.COLOR_BGR2GRAY)
    gray[940:1000, 100:720] = int(np.median(gray[940:1000, 100:720]))
    cv2.putText(gray, "Z", (120, 985), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 30, 2, cv2.LINE_AA)  # one crisp glyph
    assert _flagged(TamperingDetector()(_image(_jpeg(gray, 90)))) == []


def test_retyped_line_is_found_where_it_was_pasted() -> None:
    (found,) = _flagged(TamperingDetector()(_image(_retyped(_photo()))))
    assert found.detector == "tampering.v1" and found.kind == "pasted_text"
    x0, y0 = found.quad[0]
    x1, y1 = found.quad[2]
    assert PASTE[0] - 10 <= x0 and x1 <= PASTE[2] + 10 and PASTE[1] - 10 <= y0 and y1 <= PASTE[3] + 10
    assert found.extras["z"] >= found.extras["threshold_z"]


def test_page_with_too_few_lines_is_not_judged() -> None:
    page = np.full((1600, 1131, 3), 230, np.uint8)
    cv2.putText(page, "one line", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 1.1, (20, 20, 20), 2)
    assert TamperingDetector()(_image(page)) == []


def test_registered() -> None:
    assert DETECTORS["tampering.v1"] is TamperingDetector

"""Tests of ``vision/detectors/recapture.py``: a screen's pixel grid is found, paper is left alone."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from certcheck.types import DecodedImage, NormalizedImage
from vision.decode import decode_image
from vision.detectors import DETECTORS
from vision.detectors.recapture import RecaptureDetector
from vision.normalize import normalize

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference-images"


def _paper(seed: int = 0) -> np.ndarray:
    """A photographed page: paper with grain and sensor noise, a few text-like lines, JPEG-compressed."""
    rng = np.random.default_rng(seed)
    page = np.full((1600, 1131, 3), 228, np.uint8)
    for row in range(12):
        cv2.putText(page, f"certificate line {row}", (120, 200 + 90 * row), cv2.FONT_HERSHEY_SIMPLEX, 1.2,
                    (30, 30, 30), 2)
    noisy = page.astype(np.float32) + rng.normal(0, 3, (1600, 1131, 1)).astype(np.float32)
    page = cv2.GaussianBlur(noisy, (0, 0), 0.7)
    ok, jpeg = cv2.imencode(".jpg", np.clip(page, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR)


def _on_screen(page: np.ndarray, pitch: float, angle_deg: float) -> np.ndarray:
    """``page`` times an RGB-stripe screen pattern of ``pitch`` pixels, turned by ``angle_deg``, point-sampled."""
    h, w = page.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    t = np.radians(angle_deg)
    u, v = xs * np.cos(t) + ys * np.sin(t), -xs * np.sin(t) + ys * np.cos(t)
    out = page.astype(np.float32)
    rows = 0.75 + 0.25 * np.cos(2 * np.pi * v / pitch)
    for channel, phase in ((2, 0.0), (1, 1 / 3), (0, 2 / 3)):
        out[..., channel] *= 0.7 + 0.3 * (0.5 + 0.5 * np.cos(2 * np.pi * (u / pitch - phase))) * rows
    return np.clip(out / 0.85, 0, 255).astype(np.uint8)


def _check(pixels: np.ndarray) -> list:
    image = NormalizedImage(pixels, np.eye(3), (pixels.shape[1], pixels.shape[0]))
    return RecaptureDetector()(image, DecodedImage(pixels, "image/jpeg", "t.jpg"))


def test_paper_is_not_a_screen() -> None:
    assert _check(_paper()) == []


@pytest.mark.parametrize(("pitch", "angle"), [(1.3, 2.0), (2.2, -4.0), (3.1, 0.0)])
def test_screen_pixel_grid_is_found(pitch: float, angle: float) -> None:
    (found,) = _check(_on_screen(_paper(), pitch, angle))
    assert found.detector == "recapture.v1" and found.kind == "screen_recapture" and found.quad is None
    assert found.extras["peak_ratio"] >= found.extras["threshold"] and 0.5 <= found.score <= 1.0


def test_clipped_white_page_is_not_judged() -> None:
    page = np.full((1600, 1131, 3), 255, np.uint8)
    assert RecaptureDetector().measure(NormalizedImage(page, np.eye(3), (1131, 1600))) == []


def test_registered() -> None:
    assert DETECTORS["recapture.v1"] is RecaptureDetector


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference-images is absent")
@pytest.mark.parametrize("name", [
    "documents/phone_photo_posted_notice_red_seal_glare_ImageAnalysisService.png",
    "documents/official_notice_two_red_seals_scan_ImageAnalysisService.jpg",
    "certificates/business_license_sample_with_emblem_and_seal_cicba.png",
])
def test_real_paper_documents_are_not_screens(name: str) -> None:
    path = REFERENCE / name
    decoded = decode_image(path.read_bytes(), path.name, max_pixels=60_000_000, max_bytes=50_000_000, max_pdf_pages=1)
    assert RecaptureDetector()(normalize(decoded, long_side=1600), decoded) == []

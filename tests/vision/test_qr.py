"""Tests of ``vision/detectors/qr.py``: decoding, work-space boxes, the upload pass."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
import zxingcpp

from certcheck.types import DecodedImage, NormalizedImage
from vision.decode import decode_image
from vision.detectors import DETECTORS
from vision.detectors.qr import QrCodeDetector
from vision.normalize import normalize

PAYLOAD = "http://jndj.osta.org.cn/cert/query?certificateNo=S000044030001244000123"
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference-images"


def _qr(payload: str, module_px: int) -> np.ndarray:
    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    modules = np.asarray(barcode.to_image(scale=1, add_quiet_zones=True), dtype=np.uint8)
    return np.kron(modules, np.ones((module_px, module_px), np.uint8))


def _page(payload: str, module_px: int, at: tuple[int, int], size: tuple[int, int] = (1131, 1600)) -> np.ndarray:
    page = np.full((size[1], size[0], 3), 240, np.uint8)
    code = _qr(payload, module_px)
    x, y = at
    page[y : y + code.shape[0], x : x + code.shape[1]] = code[:, :, None]
    return page


def _work(pixels: np.ndarray, scale: float = 1.0) -> NormalizedImage:
    h, w = pixels.shape[:2]
    return NormalizedImage(pixels, np.diag([scale, scale, 1.0]), (round(w * scale), round(h * scale)))


def test_decodes_payload_host_and_box_in_work_space() -> None:
    page = _page(PAYLOAD, 4, (700, 1200))
    (found,) = QrCodeDetector()(_work(page))
    assert found.detector == "qr.v1" and found.kind == "qr"
    assert found.extras["payload"] == PAYLOAD
    assert found.extras["host"] == "jndj.osta.org.cn"
    xs, ys = [p[0] for p in found.quad], [p[1] for p in found.quad]
    side = _qr(PAYLOAD, 4).shape[0]
    assert 700 <= min(xs) and max(xs) <= 700 + side and 1200 <= min(ys) and max(ys) <= 1200 + side


def test_a_page_without_a_code_gives_nothing() -> None:
    page = np.full((1600, 1131, 3), 240, np.uint8)
    cv2.putText(page, "no code here", (100, 400), cv2.FONT_HERSHEY_SIMPLEX, 3, (20, 20, 20), 5)
    assert QrCodeDetector()(_work(page)) == []


def test_small_code_is_read_on_the_upload_and_mapped_back() -> None:
    # Upload 3 times the work image; the code has 2 upload px per module (0.67 in work space).
    upload = _page(PAYLOAD, 2, (2400, 3900), size=(3393, 4800))
    work_pixels = cv2.resize(upload, (1131, 1600), interpolation=cv2.INTER_AREA)
    image = _work(work_pixels, scale=3.0)
    decoded = DecodedImage(upload, "image/png", "t.png")
    found = QrCodeDetector()(image, decoded)
    assert [d.extras["payload"] for d in found] == [PAYLOAD]
    assert found[0].extras["source"] == "upload"
    x, y = found[0].quad[0]
    assert abs(x - 800) < 12 and abs(y - 1300) < 12  # upload (2400, 3900) + quiet zone, divided by 3
    assert QrCodeDetector(upload_fallback=False)(image, decoded) == []


def test_blurred_code_is_read_after_sharpening() -> None:
    page = cv2.GaussianBlur(_page(PAYLOAD, 4, (600, 1100)), (0, 0), 2.2)
    found = QrCodeDetector()(_work(page))
    assert [d.extras["payload"] for d in found] == [PAYLOAD]
    assert found[0].extras["source"] in {"work", "work_sharpened", "work_enlarged"}


def test_registered() -> None:
    assert DETECTORS["qr.v1"] is QrCodeDetector


@pytest.mark.skipif(not REFERENCE.is_dir(), reason="../shared/reference-images is absent")
def test_reads_the_code_of_a_real_business_licence() -> None:
    path = REFERENCE / "certificates" / "business_license_sample_with_emblem_and_seal_cicba.png"
    decoded = decode_image(path.read_bytes(), path.name, max_pixels=60_000_000, max_bytes=50_000_000, max_pdf_pages=1)
    (found,) = QrCodeDetector()(normalize(decoded, long_side=1600), decoded)
    assert found.extras["host"] == "www.gsxt.gov.cn"

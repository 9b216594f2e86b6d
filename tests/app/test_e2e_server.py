"""End to end through a real uvicorn server and the real OCR: demo photos in, contract Reports out.

One server process is shared by the session (``live_server`` in conftest.py);
each demo photo is posted once per module and the tests read the same answer.
"""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image, ImageOps

pytestmark = [pytest.mark.e2e, pytest.mark.ocr]

RISK_LEVELS = {"low", "medium", "high", "unknown"}
#: An 18-character 居民身份证 number not inside a longer alphanumeric run (a serial number).
UNMASKED_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _post_photo(live_server: Any, photo: Path, *, annotate: bool, request_id: str) -> httpx.Response:
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        return client.post(
            "/v1/check",
            files={"file": (photo.name, photo.read_bytes(), "image/jpeg")},
            data={"annotate": "true" if annotate else "false"},
            headers={"X-Request-ID": request_id},
        )


@pytest.fixture(scope="module")
def genuine_answer(live_server: Any, genuine_photo: Path) -> httpx.Response:
    return _post_photo(live_server, genuine_photo, annotate=True, request_id="e2e-genuine")


@pytest.fixture(scope="module")
def knockoff_answer(live_server: Any, knockoff_photo: Path) -> httpx.Response:
    return _post_photo(live_server, knockoff_photo, annotate=False, request_id="e2e-knockoff")


def _upright_size(photo: Path) -> tuple[int, int]:
    """The photo's size after its EXIF orientation, the space every ``bbox`` is in."""
    with Image.open(photo) as image:
        upright = ImageOps.exif_transpose(image)
        return upright.size


def test_genuine_photo_gets_a_contract_report(genuine_answer: httpx.Response, genuine_photo: Path) -> None:
    assert genuine_answer.status_code == 200, genuine_answer.text
    assert genuine_answer.headers["X-Request-ID"] == "e2e-genuine"
    report = genuine_answer.json()
    assert report["schema_version"] == "1"
    assert report["file"] == genuine_photo.name
    assert report["risk_level"] in RISK_LEVELS
    assert report["summary"] and report["summary_en"]
    assert report["certificate"]["serial_number"], report["certificate"]
    assert report["ocr"], "the OCR read no line"


def test_every_box_lies_inside_the_uploaded_image(genuine_answer: httpx.Response, genuine_photo: Path) -> None:
    width, height = _upright_size(genuine_photo)
    report = genuine_answer.json()
    boxes = [item["bbox"] for item in report["evidence"] + report["ocr"] if item["bbox"] is not None]
    assert boxes
    for x0, y0, x1, y1 in boxes:
        assert 0 <= x0 <= x1 <= width and 0 <= y0 <= y1 <= height, (x0, y0, x1, y1)


def test_annotated_image_is_a_png_of_the_upload(genuine_answer: httpx.Response, genuine_photo: Path) -> None:
    png = base64.b64decode(genuine_answer.json()["annotated_image"], validate=True)
    assert png.startswith(PNG_SIGNATURE)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == _upright_size(genuine_photo)


def test_knockoff_serial_is_flagged(knockoff_answer: httpx.Response) -> None:
    assert knockoff_answer.status_code == 200, knockoff_answer.text
    report = knockoff_answer.json()
    assert "SERIAL_FORMAT" in {item["code"] for item in report["evidence"]}
    assert report["risk_level"] != "low"
    assert report["annotated_image"] is None


def test_id_numbers_are_masked_in_answers_and_server_log(
    genuine_answer: httpx.Response, knockoff_answer: httpx.Response, live_server: Any
) -> None:
    for answer in (genuine_answer, knockoff_answer):
        report = answer.json()
        report.pop("annotated_image")  # base64 text, not personal data
        assert not UNMASKED_ID.findall(json.dumps(report, ensure_ascii=False))
    log = live_server.log_text()
    assert "[e2e-genuine]" in log, "log lines carry the request id"
    assert not UNMASKED_ID.findall(log)

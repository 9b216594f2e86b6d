"""Tests of ``vision/detectors/quality.py`` and the detector registry ``vision/detectors/__init__.py``."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from certcheck.types import DecodedImage, Detection, NormalizedImage
from tests.helpers import generator_available
from vision.detectors import DETECTORS, ImageQualityDetector, build_detector
from vision.detectors.quality import ADVICE, measure_quality

WORK_W, WORK_H = 1131, 1600


def certificate(seed: int = 0) -> np.ndarray:
    """A sharp work-space certificate: frame, title, lines of stroke glyphs, a seal ring."""
    rng = np.random.default_rng(seed)
    page = np.full((WORK_H, WORK_W, 3), 238, np.uint8)
    cv2.rectangle(page, (50, 50), (WORK_W - 51, WORK_H - 51), (60, 60, 140), 5)
    for row in range(22):
        y = 300 + row * 52
        for i in range(int(rng.integers(8, 26))):
            x = 140 + i * 32
            for k in range(1, 4):
                cv2.line(page, (x + 3, y + 7 * k), (x + 25, y + 7 * k), (30, 30, 30), 3)
            top, bottom = (x + int(rng.integers(6, 22)), y + 2), (x + int(rng.integers(6, 22)), y + 28)
            cv2.line(page, top, bottom, (30, 30, 30), 3)
    cv2.circle(page, (850, 1350), 110, (40, 40, 200), 7)
    noise = np.empty_like(page)
    cv2.randn(noise, 0, 2)
    return cv2.add(page, noise)


def normalized(pixels: np.ndarray, upload_long_side: int = 3000) -> NormalizedImage:
    """A work image as normalize() makes it from an upload ``upload_long_side`` long (no perspective)."""
    k = upload_long_side / max(pixels.shape[:2])
    to_upload = np.diag([k, k, 1.0])
    size = (round(pixels.shape[1] * k), round(pixels.shape[0] * k))
    return NormalizedImage(pixels=pixels, to_upload=to_upload, upload_size=size, sheet_found=True)


def kinds(found: list[Detection]) -> list[str]:
    return sorted(d.kind for d in found)


def test_sharp_certificate_has_no_findings() -> None:
    detector = ImageQualityDetector()
    for seed in range(3):
        assert detector(normalized(certificate(seed))) == []


@pytest.mark.parametrize(("sigma", "expected"), [(1.0, []), (2.0, []), (6.0, ["blurred"]), (25.0, ["blurred"])])
def test_blur_threshold(sigma: float, expected: list[str]) -> None:
    blurred = cv2.GaussianBlur(certificate(), (0, 0), sigma)
    assert kinds(ImageQualityDetector()(normalized(blurred))) == expected


def test_blur_measure_grows_with_blur() -> None:
    widths = [measure_quality(normalized(cv2.GaussianBlur(certificate(), (0, 0), s))).blur_permille for s in (1, 3, 5)]
    assert widths == sorted(widths)


def test_too_dark() -> None:
    dark = cv2.convertScaleAbs(certificate(), alpha=0.15)
    found = ImageQualityDetector()(normalized(dark))
    assert kinds(found) == ["too_dark"]
    assert found[0].extras["paper_level"] < 60
    # A dim but readable photo is no finding.
    assert ImageQualityDetector()(normalized(cv2.convertScaleAbs(certificate(), alpha=0.45))) == []


def test_overexposed() -> None:
    washed = (255 - (255 - certificate().astype(np.int16)) * 0.03).astype(np.uint8)
    assert kinds(ImageQualityDetector()(normalized(washed))) == ["overexposed"]


def test_white_scan_is_not_overexposed() -> None:
    scan = certificate()
    scan[scan > 200] = 255  # paper clipped to white, print intact
    assert ImageQualityDetector()(normalized(scan)) == []


def test_blank_sheet() -> None:
    blank = np.full((WORK_H, WORK_W, 3), 240, np.uint8)
    shading = np.linspace(0.85, 1.0, WORK_W, dtype=np.float32)[None, :, None]
    found = ImageQualityDetector()(normalized((blank * shading).astype(np.uint8)))
    assert kinds(found) == ["blank"]


def test_too_small_upload_and_sheet() -> None:
    found = ImageQualityDetector()(normalized(certificate(), upload_long_side=480))
    assert kinds(found) == ["too_small"]
    assert found[0].extras["sheet_long_side"] == pytest.approx(480.0)
    assert ImageQualityDetector(min_long_side=400)(normalized(certificate(), upload_long_side=480)) == []


def test_decoded_size_is_reported_not_judged() -> None:
    image = normalized(certificate(), upload_long_side=3000)
    decoded = DecodedImage(pixels=np.zeros((300, 400, 3), np.uint8), media_type="image/png", source_name="x")
    # Resolution is judged on the sheet (3000 px through to_upload); the upload size is reported.
    assert ImageQualityDetector()(image, decoded) == []
    assert measure_quality(image, decoded).upload_long_side == 400


def _with_glare(page: np.ndarray, centre: tuple[int, int], radius: float) -> np.ndarray:
    """A flat-topped specular highlight fading into dimmer paper."""
    ys, xs = np.mgrid[0 : page.shape[0], 0 : page.shape[1]]
    spot = np.exp(-((((xs - centre[0]) ** 2 + (ys - centre[1]) ** 2) / radius**2) ** 2))[..., None]
    dimmed = page.astype(np.float32) * 0.8
    return np.clip(dimmed * (1.0 - spot) + 255.0 * spot, 0, 255).astype(np.uint8)


def test_glare_found_with_its_place() -> None:
    found = ImageQualityDetector()(normalized(_with_glare(certificate(), (520, 700), 170.0)))
    assert kinds(found) == ["glare"]
    quad = found[0].quad
    assert quad is not None
    (x0, y0), (x1, _), (_, y1), _ = quad
    assert x0 < 520 < x1 and y0 < 700 < y1
    assert found[0].extras["glare_share"] >= 0.005


def test_crisp_white_patch_is_not_glare() -> None:
    page = cv2.convertScaleAbs(certificate(), alpha=0.8)
    page[600:800, 400:650] = 255  # a white sticker: crisp edges
    assert ImageQualityDetector()(normalized(page)) == []


def test_findings_carry_advice_and_measures() -> None:
    dark = cv2.convertScaleAbs(certificate(), alpha=0.1)
    for detection in ImageQualityDetector()(normalized(dark, upload_long_side=400)):
        assert detection.detector == "image_quality.v1"
        assert detection.extras["advice"] == ADVICE[detection.kind][0]
        assert detection.extras["advice_en"] == ADVICE[detection.kind][1]
        assert "threshold" in detection.extras
        assert 0.5 <= detection.score <= 1.0
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in zh) for zh, _ in ADVICE.values())


def test_registry_lists_versioned_names() -> None:
    assert DETECTORS["image_quality.v1"] is ImageQualityDetector
    assert all(name.rsplit(".", 1)[1].startswith("v") for name in DETECTORS)
    detector = build_detector("image_quality.v1", max_blur_permille=5.0)
    assert isinstance(detector, ImageQualityDetector) and detector.max_blur_permille == 5.0


def test_registry_unknown_name_lists_valid_ones() -> None:
    with pytest.raises(ValueError, match="image_quality.v1"):
        build_detector("image_quality.v2")
    with pytest.raises(TypeError):
        build_detector("image_quality.v1", no_such_option=1)


@pytest.mark.skipif(not generator_available(), reason="samples generator or its CJK fonts unavailable")
@pytest.mark.parametrize(
    ("design", "conditions", "seed", "expected"),
    [
        ("skill_level_2021", "phone", 21, []),
        ("company_internal", "hard", 22, []),
        ("competition_award", "scan", 23, []),
        ("skill_level_2021", "unreadable_dark", 24, ["too_dark"]),
        ("skill_level_2021", "unreadable_blur", 25, ["blurred"]),
    ],
)
def test_generated_photos(design: str, conditions: str, seed: int, expected: list[str]) -> None:
    from samples.generator import SampleSpec, generate_sample
    from vision.normalize import normalize

    sample = generate_sample(SampleSpec(design, "genuine", conditions, seed, 1600))
    decoded = DecodedImage(pixels=sample.photo.decode(), media_type="image/jpeg", source_name="sample.jpg")
    image = normalize(decoded, long_side=1600, orientation=lambda pixels: 0.0)
    assert kinds(ImageQualityDetector()(image, decoded)) == expected


@pytest.mark.parametrize(("width", "height", "sliver"), [(20, 20_000, True), (4000, 199, True), (4000, 200, False),
                                                          (200, 4000, False), (1600, 1131, False)])
def test_extreme_aspect_is_its_own_finding(width: int, height: int, sliver: bool) -> None:
    from vision.normalize import normalize

    pixels = np.full((height, width, 3), 250, np.uint8)
    decoded = DecodedImage(pixels=pixels, media_type="image/png", source_name="strip.png")
    found = ImageQualityDetector()(normalize(decoded), decoded)
    kinds = [d.kind for d in found]
    assert ("extreme_aspect" in kinds) is sliver
    if sliver:
        assert kinds == ["extreme_aspect"] and found[0].extras["advice"] == ADVICE["extreme_aspect"][0]

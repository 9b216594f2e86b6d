"""The emblem detector (vision/detectors/emblem.py) and the project's emblem drawing (vision/emblem_art.py).

Positives are the project's own drawing printed on a synthetic certificate in every style, size,
a small turn and faded; negatives are the look-alikes the issue names (a round red seal, a red star,
a flower, a company logo) and the genuine page itself. Real reference images are read from
``../shared/reference-images/`` when that folder exists.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from certcheck.types import Detection, NormalizedImage
from vision.detectors import DETECTORS, build_all_detectors
from vision.detectors.emblem import EmblemDetector, ImageMark, load_image_marks
from vision.emblem_art import EmblemStyle, draw_emblem, emblem_layers

WORK_W, WORK_H = 1600, 1131
REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference-images"


def _page(seed: int = 0) -> np.ndarray:
    """A work-space certificate: paper, frame, a title and rows of stroke glyphs, a photo box."""
    rng = np.random.default_rng(seed)
    page = np.full((WORK_H, WORK_W, 3), (240, 246, 250), np.uint8)
    cv2.rectangle(page, (40, 40), (WORK_W - 41, WORK_H - 41), (40, 40, 150), 6)
    for row in range(12):
        y = 320 + row * 58
        for i in range(int(rng.integers(10, 30))):
            x = 380 + i * 34
            for k in range(1, 4):
                cv2.line(page, (x + 3, y + 7 * k), (x + 26, y + 7 * k), (30, 30, 30), 3)
            top, bottom = (x + int(rng.integers(6, 22)), y + 2), (x + int(rng.integers(6, 22)), y + 28)
            cv2.line(page, top, bottom, (30, 30, 30), 3)
    cv2.rectangle(page, (100, 320), (300, 560), (150, 150, 150), 2)
    noise = np.empty_like(page)
    cv2.randn(noise, 0, 2)
    return cv2.add(page, noise)


def _stamp(page: np.ndarray, rgba: np.ndarray, center: tuple[int, int], opacity: float = 1.0) -> np.ndarray:
    """Multiply-print an RGBA mark onto the page (ink over paper), centred at ``center``."""
    out = page.astype(np.float32)
    h, w = rgba.shape[:2]
    x0, y0 = center[0] - w // 2, center[1] - h // 2
    alpha = rgba[..., 3:].astype(np.float32) / 255.0 * opacity
    tint = rgba[..., 2::-1].astype(np.float32) / 255.0  # RGB -> BGR
    region = out[y0 : y0 + h, x0 : x0 + w]
    out[y0 : y0 + h, x0 : x0 + w] = region * (1.0 - alpha * (1.0 - tint))
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def _turned(rgba: np.ndarray, degrees: float) -> np.ndarray:
    side = rgba.shape[0]
    rot = cv2.getRotationMatrix2D((side / 2, side / 2), degrees, 1.0)
    return cv2.warpAffine(rgba, rot, (side, side), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0, 0))


def _work(pixels: np.ndarray) -> NormalizedImage:
    return NormalizedImage(pixels=pixels, to_upload=np.eye(3), upload_size=(pixels.shape[1], pixels.shape[0]))


def _emblems(pixels: np.ndarray, detector: EmblemDetector | None = None) -> list[Detection]:
    return [d for d in (detector or EmblemDetector())(_work(pixels)) if d.extras["mark"] == "national_emblem"]


def _centre(d: Detection) -> tuple[float, float]:
    assert d.quad is not None
    (x0, y0), _, (x1, y1), _ = d.quad
    return (x0 + x1) / 2, (y0 + y1) / 2


@pytest.fixture(scope="module")
def detector() -> EmblemDetector:
    return EmblemDetector()


def test_drawing_has_the_fixed_design_in_every_style() -> None:
    layers = emblem_layers(200)
    # Five stars sit in the upper field, the gate across the middle, the gear below it.
    assert layers.gold[30:90, 80:120].mean() > 0.15
    assert layers.gold[110:140, 50:150].mean() > 0.4
    assert layers.gold[150:170, 90:110].mean() > 0.5
    for style in EmblemStyle:
        rgba = draw_emblem(96, style)
        assert rgba.shape == (96, 96, 4) and rgba[..., 3].max() == 255
    with pytest.raises(ValueError):
        draw_emblem(4)


def test_registered_and_built_by_the_pipeline_factory() -> None:
    assert DETECTORS["emblem.v1"] is EmblemDetector
    names = [type(d).__name__ for d in build_all_detectors(engine=object())]  # type: ignore[arg-type]
    assert "EmblemDetector" in names


@pytest.mark.parametrize(
    ("style", "side", "turn", "opacity"),
    [
        (EmblemStyle.COLOUR, 150, 0.0, 1.0),
        (EmblemStyle.RED, 110, 0.0, 1.0),
        (EmblemStyle.BLACK, 130, 0.0, 1.0),
        (EmblemStyle.COLOUR, 75, 0.0, 1.0),
        (EmblemStyle.RED, 420, 0.0, 1.0),
        (EmblemStyle.COLOUR, 140, 7.0, 1.0),
        (EmblemStyle.RED, 140, -6.0, 0.4),
        (EmblemStyle.COLOUR, 160, 0.0, 0.35),
    ],
)
def test_emblem_found_in_every_print(
    detector: EmblemDetector, style: EmblemStyle, side: int, turn: float, opacity: float
) -> None:
    center = (240, 170) if side < 300 else (1000, 600)
    page = _stamp(_page(), _turned(draw_emblem(side, style), turn), center, opacity)
    found = _emblems(page, detector)
    assert len(found) == 1, [d.extras for d in found]
    cx, cy = _centre(found[0])
    assert math.hypot(cx - center[0], cy - center[1]) < 0.2 * side
    assert 0.5 <= found[0].score <= 1.0


def test_genuine_page_has_no_emblem(detector: EmblemDetector) -> None:
    for seed in range(2):
        assert _emblems(_page(seed), detector) == []


def _red_seal(radius: int) -> np.ndarray:
    """A round red stamp: rim, star, and an arc of glyph-like strokes (RGBA)."""
    side = 2 * radius + 4
    ink = np.zeros((side, side), np.uint8)
    c = side // 2
    cv2.circle(ink, (c, c), radius, 255, max(2, radius // 18))
    star = [(c + 0.27 * radius * math.sin(math.pi * i / 5) * (1 if i % 2 == 0 else 0.382),
             c - 0.27 * radius * math.cos(math.pi * i / 5) * (1 if i % 2 == 0 else 0.382)) for i in range(10)]
    cv2.fillPoly(ink, [np.round(star).astype(np.int32)], 255)
    for k in range(14):
        a = math.radians(-120 + k * 240 / 13)
        x, y = c + 0.72 * radius * math.sin(a), c - 0.72 * radius * math.cos(a)
        g = radius // 9
        cv2.rectangle(ink, (int(x - g), int(y - g)), (int(x + g), int(y + g)), 255, 2)
        cv2.line(ink, (int(x - g), int(y)), (int(x + g), int(y)), 255, 2)
    return np.dstack([np.full((side, side, 3), (214, 38, 38), np.uint8), ink])


def _red_star(side: int) -> np.ndarray:
    ink = np.zeros((side, side), np.uint8)
    c = side / 2
    pts = [(c + c * 0.95 * math.sin(math.pi * i / 5) * (1 if i % 2 == 0 else 0.382),
            c - c * 0.95 * math.cos(math.pi * i / 5) * (1 if i % 2 == 0 else 0.382)) for i in range(10)]
    cv2.fillPoly(ink, [np.round(pts).astype(np.int32)], 255)
    return np.dstack([np.full((side, side, 3), (222, 41, 16), np.uint8), ink])


def _flower(side: int) -> np.ndarray:
    """Red petals round a yellow heart, like a printed rosette."""
    rgb = np.zeros((side, side, 3), np.uint8)
    ink = np.zeros((side, side), np.uint8)
    c = side // 2
    for k in range(8):
        a = 2 * math.pi * k / 8
        center = (int(c + 0.28 * side * math.cos(a)), int(c + 0.28 * side * math.sin(a)))
        cv2.ellipse(rgb, center, (side // 5, side // 9), math.degrees(a), 0, 360, (210, 40, 60), -1)
        cv2.ellipse(ink, center, (side // 5, side // 9), math.degrees(a), 0, 360, 255, -1)
    cv2.circle(rgb, (c, c), side // 7, (250, 200, 30), -1)
    cv2.circle(ink, (c, c), side // 7, 255, -1)
    return np.dstack([rgb, ink])


def _company_logo(side: int) -> np.ndarray:
    """A blue ring with a swoosh and letters, as company logos are."""
    rgb = np.zeros((side, side, 3), np.uint8)
    ink = np.zeros((side, side), np.uint8)
    c = side // 2
    for layer, colour in ((rgb, (20, 80, 180)), (ink, 255)):
        cv2.circle(layer, (c, c), int(0.46 * side), colour, max(3, side // 20))
        axes = (int(0.34 * side), int(0.12 * side))
        cv2.ellipse(layer, (c, int(0.62 * side)), axes, -15, 180, 360, colour, side // 16)
        cv2.putText(layer, "ABC", (int(0.2 * side), int(0.5 * side)), cv2.FONT_HERSHEY_DUPLEX, side / 110, colour, 3)
    return np.dstack([rgb, ink])


@pytest.mark.parametrize("side", [120, 200, 300])
def test_look_alikes_are_not_the_emblem(detector: EmblemDetector, side: int) -> None:
    page = _page(3)
    page = _stamp(page, _red_seal(side // 2), (1250, 850))
    page = _stamp(page, _red_star(side // 2), (220, 800))
    page = _stamp(page, _flower(side), (1350, 200))
    page = _stamp(page, _company_logo(side), (220, 180))
    assert _emblems(page, detector) == []


def test_registered_image_mark_is_found_as_data(tmp_path: Path) -> None:
    logo = _company_logo(160)
    cv2.imwrite(str(tmp_path / "dept_logo.png"), cv2.cvtColor(logo, cv2.COLOR_RGBA2BGRA))
    (tmp_path / "marks.yaml").write_text(
        "marks:\n"
        "  - {id: national_emblem, name: 国徽, name_en: Emblem, basis: x,\n"
        "     detect: {method: drawn, drawing: national_emblem}}\n"
        "  - {id: dept_logo, name: 某部徽标, name_en: A logo, basis: x, detect: {method: image, file: dept_logo.png}}\n",
        encoding="utf-8",
    )
    marks = load_image_marks(tmp_path / "marks.yaml")
    assert [m.mark_id for m in marks] == ["dept_logo"] and isinstance(marks[0], ImageMark)
    with_logo = EmblemDetector(image_marks=marks)
    found = with_logo(_work(_stamp(_page(), logo, (300, 180))))
    assert [d.extras["mark"] for d in found] == ["dept_logo"]
    assert with_logo(_work(_page())) == []


def _reference(name: str) -> np.ndarray:
    path = next(REFERENCE.rglob(name), None) if REFERENCE.is_dir() else None
    if path is None:
        pytest.skip(f"reference image {name} is not in {REFERENCE}")
    image = Image.open(path).convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", image.size, (255, 255, 255, 255)), image).convert("RGB")
    return cv2.cvtColor(np.asarray(flat), cv2.COLOR_RGB2BGR)


@pytest.mark.parametrize(
    "name",
    [
        "prc_emblem_color_z602113284-Image_render560.png",
        "prc_emblem_red_mono_zhuiwang-personal_latex.png",
        "prc_emblem_color_small_hushuijun-law.png",
    ],
)
def test_real_emblem_renderings_are_found(detector: EmblemDetector, name: str) -> None:
    art = _reference(name)
    side = 170
    mark = cv2.resize(art, (side, round(side * art.shape[0] / art.shape[1])), interpolation=cv2.INTER_AREA)
    page = _page(1)
    region = page[100 : 100 + mark.shape[0], 150 : 150 + side]
    region[:] = np.minimum(region, mark)
    found = _emblems(page, detector)
    assert len(found) == 1
    cx, cy = _centre(found[0])
    assert abs(cx - (150 + side / 2)) < 40 and abs(cy - (100 + mark.shape[0] / 2)) < 40


def test_real_licence_emblem_found_and_real_seals_are_not(detector: EmblemDetector) -> None:
    licence = _reference("business_license_sample_with_emblem_and_seal_cicba.png")
    k = WORK_W / licence.shape[1]
    found = _emblems(cv2.resize(licence, None, fx=k, fy=k, interpolation=cv2.INTER_AREA), detector)
    assert len(found) == 1 and _centre(found[0])[1] < 0.2 * licence.shape[0] * k
    seals = ("scan_company_finance_personal_seals_SealCut.jpg", "official_notice_two_red_seals_scan_ImageAnalysisService.jpg")
    for name in seals:
        image = _reference(name)
        k = WORK_W / max(image.shape[:2])
        assert _emblems(cv2.resize(image, None, fx=k, fy=k, interpolation=cv2.INTER_AREA), detector) == [], name


@pytest.mark.parametrize("size", [(396, 1600), (254, 1025), (30, 1600), (1600, 40), (8, 8), (100, 100)])
def test_every_image_size_is_searched_without_error(size: tuple[int, int]) -> None:
    """A photo of one printed line (1025 x 254) once asked the drawing for a 5 px emblem and crashed."""
    h, w = size
    pixels = np.full((h, w, 3), 240, np.uint8)
    pixels[h // 3 : 2 * h // 3, w // 10 : 9 * w // 10] = 30
    assert EmblemDetector()(NormalizedImage(pixels, np.eye(3), (w, h))) == []


def test_a_gray_copy_of_the_colour_emblem_is_found(detector: EmblemDetector) -> None:
    """A black-and-white copy of a colour print: a dark field with the stars and gate as paper."""
    colour = _stamp(_page(3), draw_emblem(150), (800, 170))
    gray = cv2.cvtColor(cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    found = _emblems(gray, detector)
    assert found and np.hypot(*np.subtract(_centre(found[0]), (800, 170))) < 30


def test_an_emblem_the_sheet_edge_cut_off_is_found_on_the_upload(detector: EmblemDetector) -> None:
    """A licence photo whose rectified sheet starts under the emblem: found on the upload, box mapped onto it."""
    from certcheck.types import DecodedImage

    upload = _stamp(_page(4), draw_emblem(150), (800, 140))
    top = 170  # the sheet finder took a printed rule at y = 170 for the paper's edge
    work = cv2.resize(upload[top:], (WORK_W, WORK_H), interpolation=cv2.INTER_AREA)
    to_upload = np.array([[1.0, 0.0, 0.0], [0.0, (WORK_H - top) / WORK_H, top], [0.0, 0.0, 1.0]])
    image = NormalizedImage(pixels=work, to_upload=to_upload, upload_size=(WORK_W, WORK_H), sheet_found=True)
    assert _emblems(work, detector) == []  # half of it is above the sheet
    found = [d for d in detector(image, DecodedImage(upload, "image/png", "licence.png"))
             if d.extras["mark"] == "national_emblem"]
    assert len(found) == 1 and found[0].extras["found_on"] == "upload"
    x0, y0, x1, y1 = image.bbox_to_upload(found[0].quad)  # type: ignore[arg-type]
    assert abs((x0 + x1) / 2 - 800) < 25 and abs((y0 + y1) / 2 - 140) < 25

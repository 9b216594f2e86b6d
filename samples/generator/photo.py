"""Photograph a printed sheet the way citizens upload certificates: a phone over a desk.

The sheet is warped by one homography (render space -> photo pixels) that
combines its placement, in-plane tilt, perspective and the quarter turn of a
phone held sideways; the same homography maps the sheet corners and every
field box into the truth, so boxes are known in upload pixels exactly. Then
comes everything a camera adds: a desk or cloth under the sheet, its drop
shadow, sometimes a thumb on the margin, uneven light and colour cast, focus
and motion blur, sensor noise and JPEG compression.

Named presets (:data:`CONDITIONS`) fix the ranges; the per-photo values drawn
from them are returned in :attr:`Photo.capture` for the truth file.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from certcheck.types import EvidenceCode
from samples.generator.registry import Registry
from samples.generator.render import RenderedSheet

__all__ = [
    "CONDITIONS",
    "DEFAULT_LONG_SIDE",
    "Photo",
    "PhotoConditions",
    "Ruin",
    "photograph",
]

#: Default long side of a photo in pixels: phone photos are 3000-4000 px, but
#: the checker works at ~1600 px and 2000 keeps the corpus fast to build.
DEFAULT_LONG_SIDE = 2000
_MIN_LONG_SIDE, _MAX_LONG_SIDE = 400, 6000
Point = tuple[float, float]


class Ruin(enum.StrEnum):
    """How a photo is made unjudgeable, the ways real uploads fail."""

    NONE = ""
    BLUR = "blur"
    DARK = "dark"
    BRIGHT = "bright"


#: What happens to the photo's JPEG after it was taken (shown on a screen and photographed again,
#: edited on a computer), given the sheet and the render-space -> photo homography.
UploadEffect = Callable[[bytes, RenderedSheet, np.ndarray, np.random.Generator], tuple[bytes, dict[str, Any]]]


@dataclass(frozen=True)
class PhotoConditions:
    """Ranges for one kind of capture; each photo draws its own values from them.

    Attributes:
        name: the preset's name (recorded as the truth's ``conditions``).
        description: one line for ``--help`` and the README.
        on_background: whether the sheet lies on a desk (else the photo is the sheet, a flat scan).
        fill: range of the sheet's size relative to the frame.
        perspective: largest corner displacement, as a fraction of the sheet's size in the photo.
        tilt_deg: largest in-plane tilt, either way.
        quarter_turns: clockwise quarter turns of the camera to draw from (1 = held sideways).
        lighting: strength of the light gradient and vignette, 0 to 1.
        shadow_chance: chance of a soft shadow (a phone, a hand) across the photo.
        hand_chance: chance of a thumb holding the sheet's margin.
        blur_sigma: range of the Gaussian focus blur, in pixels of a 2000-px photo.
        motion_chance: chance of motion blur (a shaky hand).
        motion_px: range of the motion blur's length, in pixels.
        noise_sigma: range of the sensor noise, in grey levels.
        jpeg_quality: range of the JPEG quality.
        ruin: how the photo is made unjudgeable, if it is.
        mix_weight: share of this preset in the default corpus mix.
        upload_effect: changes the photo's JPEG afterwards (:data:`UploadEffect`); returns
            the new JPEG and the values drawn, added to ``capture``.
        codes: evidence codes the effects call for (besides the variant's).
    """

    name: str
    description: str
    on_background: bool = True
    fill: tuple[float, float] = (0.72, 0.88)
    perspective: float = 0.035
    tilt_deg: float = 5.0
    quarter_turns: tuple[int, ...] = (0,)
    lighting: float = 0.25
    shadow_chance: float = 0.3
    hand_chance: float = 0.25
    blur_sigma: tuple[float, float] = (0.3, 1.0)
    motion_chance: float = 0.15
    motion_px: tuple[int, int] = (2, 4)
    noise_sigma: tuple[float, float] = (1.5, 4.0)
    jpeg_quality: tuple[int, int] = (72, 92)
    ruin: Ruin = Ruin.NONE
    mix_weight: float = 1.0
    upload_effect: UploadEffect | None = None
    codes: frozenset[EvidenceCode] = frozenset()

    @property
    def judgeable(self) -> bool:
        """Whether a checker can be expected to judge the certificate on such a photo."""
        return self.ruin is Ruin.NONE

    @property
    def expected_codes(self) -> frozenset[EvidenceCode]:
        return self.codes if self.judgeable else frozenset({EvidenceCode.IMAGE_QUALITY})


CONDITIONS = Registry[PhotoConditions]("photo condition")
for _preset in (
    PhotoConditions(
        "scan",
        "flat scan: the sheet fills the image, no background, no perspective",
        on_background=False,
        fill=(1.0, 1.0),
        perspective=0.0,
        tilt_deg=0.0,
        lighting=0.04,
        shadow_chance=0.0,
        hand_chance=0.0,
        blur_sigma=(0.2, 0.5),
        motion_chance=0.0,
        noise_sigma=(0.5, 1.5),
        jpeg_quality=(88, 95),
        mix_weight=1.5,
    ),
    PhotoConditions("phone", "typical phone photo on a desk: mild perspective, light and blur", mix_weight=5.0),
    PhotoConditions(
        "hard",
        "careless phone photo: strong perspective, tilt, shadow, blur, noise, low JPEG quality",
        fill=(0.6, 0.82),
        perspective=0.07,
        tilt_deg=12.0,
        quarter_turns=(0, 0, 0, 1, 3),
        lighting=0.45,
        shadow_chance=0.6,
        hand_chance=0.4,
        blur_sigma=(0.8, 1.6),
        motion_chance=0.4,
        motion_px=(4, 8),
        noise_sigma=(3.0, 6.0),
        jpeg_quality=(60, 78),
        mix_weight=1.5,
    ),
    PhotoConditions(
        "sideways", "phone held sideways: the certificate is turned 90 or 270 degrees", quarter_turns=(1, 3)
    ),
    PhotoConditions(
        "upside_down", "the certificate is upside down in the photo (180 degrees)", quarter_turns=(2,), mix_weight=0.7
    ),
    PhotoConditions("unreadable_blur", "unjudgeable: badly out of focus", ruin=Ruin.BLUR, mix_weight=0.4),
    PhotoConditions("unreadable_dark", "unjudgeable: almost black (no light)", ruin=Ruin.DARK, mix_weight=0.3),
    PhotoConditions("unreadable_bright", "unjudgeable: blown out (flash or sun)", ruin=Ruin.BRIGHT, mix_weight=0.3),
):
    CONDITIONS.add(_preset.name, _preset)


@dataclass(frozen=True)
class Photo:
    """A photographed sheet.

    Attributes:
        jpeg: the photo as JPEG bytes (what is uploaded).
        size: ``(width, height)`` of the photo.
        sheet_to_photo: 3x3 homography from render space to photo pixels.
        quarter_turns: clockwise quarter turns of the certificate as it appears in the photo.
        capture: the values drawn for this photo (tilt, blur, JPEG quality...), for the truth.
    """

    jpeg: bytes
    size: tuple[int, int]
    sheet_to_photo: np.ndarray
    quarter_turns: int
    capture: dict[str, Any]

    @property
    def upright_rotation(self) -> int:
        """Clockwise degrees that turn the photo so the certificate reads upright (as ``NormalizedImage.rotation``)."""
        return (360 - 90 * self.quarter_turns) % 360

    def map_points(self, points: Sequence[Point]) -> list[Point]:
        """Render-space points mapped into photo pixels."""
        return _apply_homography(self.sheet_to_photo, points)

    def decode(self) -> np.ndarray:
        """The photo's BGR pixels, as a decoder of the upload would see them."""
        return cv2.imdecode(np.frombuffer(self.jpeg, dtype=np.uint8), cv2.IMREAD_COLOR)


def _apply_homography(homography: np.ndarray, points: Sequence[Point]) -> list[Point]:
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    mapped = np.hstack([pts, np.ones((len(pts), 1))]) @ homography.T
    return [(float(x), float(y)) for x, y in mapped[:, :2] / mapped[:, 2:3]]


def _sheet_corners(size: tuple[int, int]) -> np.ndarray:
    w, h = size
    return np.array([(0, 0), (w, 0), (w, h), (0, h)], dtype=np.float64)


def _turn_matrix(quarter_turns: int, frame: tuple[int, int]) -> tuple[np.ndarray, tuple[int, int]]:
    """Homography of turning a ``frame``-sized image clockwise, and the turned size.

    >>> m, size = _turn_matrix(1, (40, 30))
    >>> size, _apply_homography(m, [(0, 0), (40, 0)])
    ((30, 40), [(30.0, 0.0), (30.0, 40.0)])
    """
    w, h = frame
    matrices = {
        0: np.eye(3),
        1: np.array([[0, -1, h], [1, 0, 0], [0, 0, 1]], dtype=np.float64),
        2: np.array([[-1, 0, w], [0, -1, h], [0, 0, 1]], dtype=np.float64),
        3: np.array([[0, 1, 0], [-1, 0, w], [0, 0, 1]], dtype=np.float64),
    }
    turned = (h, w) if quarter_turns % 2 else (w, h)
    return matrices[quarter_turns % 4], turned


def _frame_size(sheet: tuple[int, int], conditions: PhotoConditions, long_side: int) -> tuple[int, int]:
    """The upright camera frame: 4:3 like a phone sensor, oriented like the sheet; the sheet's own shape for a scan."""
    sw, sh = sheet
    if not conditions.on_background:
        scale = long_side / max(sw, sh)
        return (round(sw * scale), round(sh * scale))
    short = round(long_side * 3 / 4)
    return (long_side, short) if sw >= sh else (short, long_side)


def _placement(
    sheet: tuple[int, int], frame: tuple[int, int], conditions: PhotoConditions, rng: np.random.Generator
) -> tuple[np.ndarray, dict[str, Any]]:
    """Where the sheet's corners land in the upright frame: scaled, shifted, tilted, in perspective."""
    (sw, sh), (fw, fh) = sheet, frame
    if not conditions.on_background:
        return _sheet_corners(frame), {"fill": 1.0, "tilt_deg": 0.0}
    fill = float(rng.uniform(*conditions.fill))
    scale = fill * min(fw / sw, fh / sh)
    w, h = sw * scale, sh * scale
    cx = fw / 2 + rng.uniform(-0.5, 0.5) * (fw - w) * 0.6
    cy = fh / 2 + rng.uniform(-0.5, 0.5) * (fh - h) * 0.6
    tilt = float(rng.uniform(-conditions.tilt_deg, conditions.tilt_deg))
    corners = np.array([(-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)])
    jitter = rng.uniform(-conditions.perspective, conditions.perspective, (4, 2)) * (w, h)
    corners = _rotate(corners, tilt) + jitter
    corners = _fit_inside(corners, (fw, fh), (cx, cy), margin=0.02 * max(fw, fh))
    return corners, {"fill": round(fill, 3), "tilt_deg": round(tilt, 2)}


def _rotate(points: np.ndarray, degrees: float) -> np.ndarray:
    a = math.radians(degrees)
    rotation = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return points @ rotation.T


def _fit_inside(offsets: np.ndarray, frame: tuple[int, int], center: Point, margin: float) -> np.ndarray:
    """Corners at ``center + offsets``, shrunk and recentred until all lie ``margin`` inside the frame."""
    fw, fh = frame
    half = np.array([fw / 2 - margin, fh / 2 - margin])
    extent = np.abs(offsets).max(axis=0)
    shrink = min(1.0, float(np.min(half / extent)))
    offsets = offsets * shrink
    extent = np.abs(offsets).max(axis=0)
    cx = float(np.clip(center[0], margin + extent[0], fw - margin - extent[0]))
    cy = float(np.clip(center[1], margin + extent[1], fh - margin - extent[1]))
    return offsets + (cx, cy)


def _warp_sheet(sheet: np.ndarray, homography: np.ndarray, size: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The sheet and its coverage warped into the photo; large shrinks go through an area resize first (no aliasing)."""
    h, w = sheet.shape[:2]
    corners = _apply_homography(homography, _sheet_corners((w, h)))
    scale = math.sqrt(abs(cv2.contourArea(np.asarray(corners, dtype=np.float32))) / (w * h))
    if scale < 0.75:
        pre = min(1.0, scale * 1.3)
        sheet = cv2.resize(sheet, (round(w * pre), round(h * pre)), interpolation=cv2.INTER_AREA)
        homography = homography @ np.diag([w / sheet.shape[1], h / sheet.shape[0], 1.0])
    coverage = np.ones(sheet.shape[:2], dtype=np.float32)
    warped = cv2.warpPerspective(sheet, homography, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    alpha = cv2.warpPerspective(coverage, homography, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return warped.astype(np.float32), alpha[:, :, None]


def _soft_blur(mask: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of a smooth mask with a large ``sigma``, done at reduced resolution (same look, far faster)."""
    factor = max(1, int(sigma / 3))
    if factor == 1:
        return cv2.GaussianBlur(mask, (0, 0), sigma)
    h, w = mask.shape[:2]
    small = cv2.resize(mask, (max(1, w // factor), max(1, h // factor)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), sigma / factor)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def _smooth_noise(shape: tuple[int, int], cells: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Low-frequency noise in [0, 1]: a coarse random grid resized up with cubic interpolation."""
    grid = rng.random((cells[1], cells[0])).astype(np.float32)
    return np.clip(cv2.resize(grid, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC), 0.0, 1.0)


def _wood(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Wood grain: long, gently wavy streaks of two browns along one axis, with fine fibre noise."""
    h, w = shape
    long_axis_horizontal = bool(rng.random() < 0.7)
    gh, gw = (h // 4, w // 4) if long_axis_horizontal else (w // 4, h // 4)
    ys = np.arange(gh, dtype=np.float32)[:, None]
    waviness = _smooth_noise((gh, gw), (3, 5), rng) * rng.uniform(10, 30)
    period = rng.uniform(6, 14)
    streaks = 0.5 + 0.5 * np.sin((ys + waviness) * 2 * np.pi / period)
    streaks = streaks**2 * 0.7 + 0.3 * _smooth_noise((gh, gw), (4, max(8, gh // 3)), rng)
    fibres = cv2.resize(rng.random((gh, max(4, gw // 16))).astype(np.float32), (gw, gh), interpolation=cv2.INTER_LINEAR)
    grain = np.clip(0.75 * streaks + 0.25 * fibres, 0, 1)
    if not long_axis_horizontal:
        grain = grain.T
    light = np.array(rng.choice([(96, 150, 196), (70, 118, 164), (120, 170, 210), (52, 82, 118)]), dtype=np.float32)
    dark = light * rng.uniform(0.6, 0.75)
    texture = dark + (light - dark) * grain[:, :, None]
    return cv2.resize(texture, (w, h), interpolation=cv2.INTER_LINEAR)


def _cloth(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    h, w = shape
    colour = np.array(
        rng.choice([(150, 90, 50), (60, 60, 150), (90, 130, 90), (170, 170, 170), (40, 40, 44)]), dtype=np.float32
    )
    period = rng.uniform(3.0, 6.0)
    xs, ys = np.arange(w, dtype=np.float32)[None, :], np.arange(h, dtype=np.float32)[:, None]
    weave = 0.9 + 0.1 * np.sin(xs * 2 * np.pi / period) * np.sin(ys * 2 * np.pi / period)
    folds = 0.75 + 0.35 * _smooth_noise(shape, (5, 4), rng)
    return colour * (weave * folds)[:, :, None]


def _table(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    colour = np.array(
        rng.choice([(235, 235, 232), (200, 205, 210), (180, 200, 215), (70, 70, 72), (140, 160, 170)]), dtype=np.float32
    )
    shade = 0.88 + 0.2 * _smooth_noise(shape, (3, 3), rng)
    surface = colour * shade[:, :, None]
    for _ in range(int(rng.integers(0, 3))):
        _draw_clutter(surface, rng)
    return surface


def _draw_clutter(surface: np.ndarray, rng: np.random.Generator) -> None:
    """A pen or a sticky note lying on the desk (drawn before the sheet, so the sheet covers it)."""
    h, w = surface.shape[:2]
    colour = tuple(float(c) for c in rng.integers(20, 240, 3))
    if rng.random() < 0.5:
        start = (int(rng.integers(0, w)), int(rng.integers(0, h)))
        angle, length = rng.uniform(0, 2 * np.pi), rng.uniform(0.15, 0.3) * w
        end = (int(start[0] + length * np.cos(angle)), int(start[1] + length * np.sin(angle)))
        cv2.line(surface, start, end, colour, max(4, w // 120), cv2.LINE_AA)
    else:
        side = int(rng.uniform(0.08, 0.14) * w)
        x, y = int(rng.integers(0, w - side)), int(rng.integers(0, h - side))
        cv2.rectangle(surface, (x, y), (x + side, y + side), (120.0, 230.0, 250.0), -1)


_BACKGROUNDS: dict[str, Callable[[tuple[int, int], np.random.Generator], np.ndarray]] = {
    "wood": _wood,
    "cloth": _cloth,
    "table": _table,
}


def _add_hand(photo: np.ndarray, homography: np.ndarray, sheet: tuple[int, int], rng: np.random.Generator) -> None:
    """A hand holding the sheet: a palm off the sheet and a thumb reaching 3.5 % into its margin.

    The print of every design starts at least 6 % in from the edge, so the
    thumb covers the border, never a field.
    """
    sw, sh = sheet
    t = rng.uniform(0.3, 0.7)
    palm, knuckle, tip = {
        0: ((sw * t, sh * 1.16), (sw * t, sh * 1.03), (sw * t, sh * 0.965)),
        1: ((-0.12 * sw, sh * t), (-0.02 * sw, sh * t), (0.035 * sw, sh * t)),
        2: ((1.12 * sw, sh * t), (1.02 * sw, sh * t), (0.965 * sw, sh * t)),
    }[int(rng.integers(0, 3))]
    (px, py), (kx, ky), (tx, ty) = _apply_homography(homography, [palm, knuckle, tip])
    thumb = math.hypot(tx - kx, ty - ky) * 1.6
    angle = math.degrees(math.atan2(ty - ky, tx - kx))
    mask = np.zeros(photo.shape[:2], dtype=np.float32)
    cv2.ellipse(
        mask,
        (int((kx + tx) / 2), int((ky + ty) / 2)),
        (int(thumb * 0.6), int(thumb * 0.3)),
        angle,
        0,
        360,
        1.0,
        -1,
        cv2.LINE_AA,
    )
    cv2.ellipse(mask, (int(px), int(py)), (int(thumb * 1.6), int(thumb * 1.1)), angle, 0, 360, 1.0, -1, cv2.LINE_AA)
    mask = _soft_blur(mask, max(1.0, thumb * 0.05))
    shading = 0.8 + 0.25 * _soft_blur(mask, max(2.0, thumb * 0.25))
    skin = np.array(rng.choice([(150, 180, 225), (130, 165, 215), (120, 150, 200)]), dtype=np.float32)
    alpha = mask[:, :, None]
    photo[:] = photo * (1 - alpha) + skin * shading[:, :, None] * alpha


def _light_field(shape: tuple[int, int], strength: float, rng: np.random.Generator) -> np.ndarray:
    """Multiplicative light: a linear gradient in a random direction times a vignette (smooth, so built small)."""
    h, w = shape
    sh, sw = max(2, h // 16), max(2, w // 16)
    yn, xn = np.meshgrid(
        np.linspace(-0.5, 0.5, sh, dtype=np.float32), np.linspace(-0.5, 0.5, sw, dtype=np.float32), indexing="ij"
    )
    angle = rng.uniform(0, 2 * np.pi)
    gradient = 1.0 + strength * 1.2 * (xn * np.cos(angle) + yn * np.sin(angle))
    vignette = 1.0 - strength * (xn**2 + yn**2)
    return cv2.resize((gradient * vignette).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)


def _shadow(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A soft shadow (a phone or an arm) over part of the photo, as a multiplier."""
    h, w = shape
    mask = np.zeros(shape, dtype=np.float32)
    center = (int(rng.uniform(0, w)), int(rng.choice([rng.uniform(-0.1, 0.15), rng.uniform(0.85, 1.1)]) * h))
    axes = (int(rng.uniform(0.25, 0.5) * w), int(rng.uniform(0.15, 0.3) * h))
    cv2.ellipse(mask, center, axes, rng.uniform(0, 180), 0, 360, 1.0, -1)
    return 1.0 - rng.uniform(0.2, 0.4) * _soft_blur(mask, 0.04 * max(w, h))


def _motion_kernel(length: int, angle: float) -> np.ndarray:
    kernel = np.zeros((length, length), dtype=np.float32)
    c = (length - 1) / 2
    dx, dy = math.cos(angle) * c, math.sin(angle) * c
    cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1, cv2.LINE_AA)
    return kernel / kernel.sum()


def _ruin(photo: np.ndarray, ruin: Ruin, long_side: int, rng: np.random.Generator) -> dict[str, Any]:
    """Make the photo unjudgeable the way real uploads are: out of focus, in the dark, blown out."""
    if ruin is Ruin.BLUR:
        sigma = float(rng.uniform(0.011, 0.016)) * long_side
        photo[:] = _soft_blur(photo, sigma)
        return {"ruin": ruin.value, "ruin_blur_sigma": round(sigma, 2)}
    if ruin is Ruin.DARK:
        gain = float(rng.uniform(0.015, 0.035))
        photo *= gain
        return {"ruin": ruin.value, "ruin_gain": round(gain, 3)}
    contrast = float(rng.uniform(0.02, 0.04))
    photo[:] = 255.0 - (255.0 - photo) * contrast
    return {"ruin": ruin.value, "ruin_contrast": round(contrast, 3)}


def _camera(photo: np.ndarray, conditions: PhotoConditions, long_side: int, rng: np.random.Generator) -> dict[str, Any]:
    """Light, colour cast, blur and (if the preset says so) ruin, in place; returns the values drawn."""
    shape = photo.shape[:2]
    light = _light_field(shape, conditions.lighting, rng)
    shadowed = bool(rng.random() < conditions.shadow_chance)
    if shadowed:
        light *= _shadow(shape, rng)
    cast = rng.uniform(0.94, 1.04, 3).astype(np.float32)
    photo *= light[:, :, None] * cast
    blur = float(rng.uniform(*conditions.blur_sigma)) * long_side / DEFAULT_LONG_SIDE
    photo[:] = cv2.GaussianBlur(photo, (0, 0), blur)
    motion = 0
    if rng.random() < conditions.motion_chance:
        motion = int(rng.integers(conditions.motion_px[0], conditions.motion_px[1] + 1))
        photo[:] = cv2.filter2D(photo, -1, _motion_kernel(motion, rng.uniform(0, np.pi)))
    drawn = {"shadow": shadowed, "blur_sigma": round(blur, 2), "motion_blur_px": motion}
    if not conditions.judgeable:
        drawn.update(_ruin(photo, conditions.ruin, long_side, rng))
    return drawn


def _compose(
    sheet: RenderedSheet,
    homography: np.ndarray,
    size: tuple[int, int],
    conditions: PhotoConditions,
    rng: np.random.Generator,
) -> tuple[np.ndarray, dict[str, Any]]:
    """The sheet laid on a background (with its drop shadow and maybe a thumb), as float32 BGR."""
    warped, alpha = _warp_sheet(sheet.pixels, homography, size)
    if not conditions.on_background:
        return warped, {"background": "none", "hand": False}
    background = str(rng.choice(list(_BACKGROUNDS)))
    shape = (size[1], size[0])
    photo = _BACKGROUNDS[background](shape, rng).astype(np.float32)
    offset = np.float32([[1, 0, rng.uniform(-0.01, 0.01) * size[0]], [0, 1, rng.uniform(0.0, 0.012) * size[1]]])
    drop = cv2.warpAffine(alpha[:, :, 0], offset, size)
    drop = _soft_blur(drop, 0.008 * max(size))[:, :, None]
    photo = photo * (1 - 0.45 * drop) * (1 - alpha) + warped * alpha
    hand = bool(rng.random() < conditions.hand_chance)
    if hand:
        _add_hand(photo, homography, sheet.size, rng)
    return photo, {"background": background, "hand": hand}


def photograph(
    sheet: RenderedSheet,
    conditions: PhotoConditions,
    rng: np.random.Generator,
    long_side: int = DEFAULT_LONG_SIDE,
) -> Photo:
    """Photograph ``sheet`` under ``conditions``.

    Args:
        sheet: the printed sheet (render space).
        conditions: the capture preset.
        rng: the photo's random stream (same stream, same photo).
        long_side: the photo's long side in pixels.

    Returns:
        The JPEG photo with the render-space -> photo homography and the values drawn.
    """
    if not _MIN_LONG_SIDE <= long_side <= _MAX_LONG_SIDE:
        raise ValueError(f"long_side must be within {_MIN_LONG_SIDE}..{_MAX_LONG_SIDE}, got {long_side}")
    turns = int(rng.choice(conditions.quarter_turns))
    frame = _frame_size(sheet.size, conditions, long_side)
    corners, placement = _placement(sheet.size, frame, conditions, rng)
    upright = cv2.getPerspectiveTransform(_sheet_corners(sheet.size).astype(np.float32), corners.astype(np.float32))
    turn, size = _turn_matrix(turns, frame)
    homography = turn @ upright.astype(np.float64)
    photo, scene = _compose(sheet, homography, size, conditions, rng)
    optics = _camera(photo, conditions, long_side, rng)
    noise = float(rng.uniform(*conditions.noise_sigma))
    photo += rng.standard_normal(photo.shape, dtype=np.float32) * np.float32(noise)
    quality = int(rng.integers(conditions.jpeg_quality[0], conditions.jpeg_quality[1] + 1))
    ok, encoded = cv2.imencode(
        ".jpg", np.clip(photo + 0.5, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, quality]
    )
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    capture = {
        "quarter_turns": turns,
        **placement,
        **scene,
        **optics,
        "noise_sigma": round(noise, 2),
        "jpeg_quality": quality,
    }
    jpeg = encoded.tobytes()
    if conditions.upload_effect is not None:
        jpeg, edited = conditions.upload_effect(jpeg, sheet, homography, rng)
        capture.update(edited)
    return Photo(jpeg=jpeg, size=size, sheet_to_photo=homography, quarter_turns=turns, capture=capture)

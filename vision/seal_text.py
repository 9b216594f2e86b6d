"""Read a red seal's curved text: polar unwrap of the ring, then the OCR recogniser.

A 公章 carries the organisation's registered name on an arc that starts at the
lower left and runs clockwise over the top, each glyph upright towards the rim
(GA 241-2000; the samples generator draws them so). Unwrapping the text band
into a strip, rim at the top and angle growing to the right, makes that arc an
ordinary line of text, which the engine's recogniser reads without its
detector (:meth:`ocr.engine.OcrEngine.recognize`).

Coordinates: ``pixels`` is the work-space sheet (``NormalizedImage.pixels``)
*before* the seals are suppressed; each seal detection is one of
:func:`vision.seal_suppress.find_red_seals`, whose ``extras`` give the fitted
outline (``center`` in edge coordinates, ``half_axes``, ``angle_deg``,
``shape``). A detection without them is read from its quad's inscribed ellipse.
Square seals (a person's 名章, some 专用章) print their text in a grid, not on
an arc: the grid's columns and rows are found from the ink's projections and
the cells are laid side by side into one line, once column by column from the
right (the traditional order, 张三之印) and once row by row; the recogniser
reads both and the better-scored reading wins (:func:`_grid_strips`).

Steps, per seal:

1. **Ink image**: the red chroma ``R - max(G, B)`` of the seal's square,
   turned into dark-on-white gray. Black print crossing the stamp has no
   chroma and drops out, so the recogniser sees the seal's text alone.
2. **Unwrap**: normalised radius :data:`TEXT_BAND` (1 on the rim; the
   generator's glyphs span 0.60-0.84, real seals 0.55-0.9) into rows, rim on
   top; the angle, clockwise from the top of the page, into columns, one
   column per pixel of arc at the band's middle.
3. **Arc**: over the angle, the longest run of columns holding the stamp's
   strong ink, gaps narrower than a glyph bridged, is the arc text; its ends
   meet at the bottom of an upright seal, wherever a page or stamp turn put
   it. A bottom line (专用章) is a shorter run of its own and is left out.
4. **Read**: the strip goes to the recogniser, in one batch with a second
   strip when bridging gaps up to 12 degrees gives a longer arc (real seals
   space their glyphs wider than the generator; that reading wins when it
   reads more at a score as good). When the reading scores under
   :data:`_SURE_SCORE`, the strip's 180° turn is read as well (glyphs facing
   inward: a bottom arc or a mirrored layout) and the higher score wins;
   reading the turn always would double the cost.

Measured with ``bench/evaluate_detectors.py`` (section ``seal_text``):

* clean generated seals (the generator's 37 organisation and authority
  names, radius 95-125 px, stamp turned up to 30 degrees, bottom lines of
  0-11 characters): 99.6 % character accuracy, every seal found; the errors
  are one stray character of a bottom line read before two long names;
* seals on 30 genuine generated photos (seed 13; scan, phone, hard): 20 read
  at 85 % or better, 76 % mean character accuracy; the misses are phone and
  "hard" photos whose focus blur merges the small arc glyphs;
* real images (section ``real``, texts marked in ``bench/detector_truth.yaml``):
  the three clean real seals read at 94.6 % of their characters (the
  business licence sample's 广州市花都区工商行政管理局 and a company seal
  exactly, its finance seal 北京中导开医具技有限公司 at 0.909, not trusted);
  of the four under black text or pressed over each other, a crop reads
  六安江淮电机有限公司 exactly (0.969, trusted) and three are misread, none of
  them trusted: no trusted reading is wrong;
* cost: 20 ms per seal (median; 39 ms max) on an idle moment of the 2-core
  machine: one recognition of a ~450 x 48 strip.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Protocol

import cv2
import numpy as np

from certcheck.types import Detection

__all__ = ["MIN_TRUSTED_CHARS", "TEXT_BAND", "TRUSTED_CONFIDENCE", "TextRecognizer", "read_seal_texts", "text_trust",
           "unwrap_seal"]

#: Normalised radius (1 on the rim) of the text band, outer edge first.
TEXT_BAND = (0.90, 0.55)
#: Height of the unwrapped strip, pixels (the recogniser works at 48 px high).
STRIP_HEIGHT = 48
#: Full ink in the strip: this share of the band's 95th-percentile chroma (R - max(G, B)), at least
#: _MIN_FULL_CHROMA (so a band without ink is not stretched into noise).
_INK_PERCENTILE = 95
_FULL_SHARE = 0.8
_MIN_FULL_CHROMA = 25.0
#: Chroma share of full ink from which a pixel counts as the stamp's ink when looking for the arc.
_STRONG_SHARE = 0.5
#: Recogniser score from which the strip's reading is taken without trying its 180° turn.
_SURE_SCORE = 0.8
#: Share of the strongest column's ink from which a column holds text.
_INKED_LEVEL = 0.1
#: Blank runs narrower than this (degrees) are gaps inside the arc text: the generator's glyphs are
#: 12-21 degrees apart with 1-3 degrees of blank between them over the band's height. At 8 degrees
#: the ends of the longest bottom lines (职业技能等级认定专用章) joined the arc of 3 of 37 names.
_GLYPH_GAP_DEG = 5.0
#: Real seals space their glyphs wider: the loose candidate bridges gaps up to this (degrees); the
#: business licence sample's seal (glyph gaps of 8 degrees) splits at 5 degrees and reads whole at 8-20.
_LOOSE_GLYPH_GAP_DEG = 12.0
#: A candidate arc longer than this share of the circle has swallowed the gap: not read.
_MAX_ARC_SHARE = 0.92
#: The loose candidate's reading wins when it reads more and scores at most this much lower.
_LOOSE_SCORE_MARGIN = 0.02
#: The arc is looked for in this outer share of the band's rows (rim side): a bottom line (财务专用章) printed
#: inside the arc reaches the inner rows and closed the gap under the arc on a real finance seal.
_ARC_ROWS_SHARE = 0.6
#: Blank arc kept before the first and after the last glyph, degrees.
_END_MARGIN_DEG = 4.0
#: A seal's reading names its owner only from this confidence (see :func:`text_trust`): clean generated seals
#: read at 0.985-1.0, the real licence and company seals at 0.999-1.0; a real crop under black text read
#: 六安江准电机有公司乡 (7 of 10 characters right) at 0.906.
TRUSTED_CONFIDENCE = 0.93
#: ... and with at least this many Chinese characters (the shortest organisation names, 某某学校, have 4).
MIN_TRUSTED_CHARS = 4


class TextRecognizer(Protocol):
    """What this module needs of the OCR engine (:class:`ocr.engine.OcrEngine` has it)."""

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]: ...


def read_seal_texts(pixels: np.ndarray, seals: Sequence[Detection], engine: TextRecognizer) -> list[Detection]:
    """The same seals, each with ``extras["text"]``, ``extras["text_confidence"]`` and ``extras["text_trusted"]``.

    ``text_trusted`` is False for a reading that must not name the issuer
    (see :func:`text_trust`); the rules compare only trusted readings.

    Args:
        pixels: the work-space sheet, ``H x W x 3`` uint8 BGR, seals not yet suppressed.
        seals: seal detections on it (quads in work space).
        engine: the shared OCR engine (its recogniser only is used).

    Returns:
        One detection per seal, in order, quad, score and detector unchanged;
        ``text`` is ``""`` (confidence 0, not trusted) when the ring holds no readable ink.

    Raises:
        ValueError: ``pixels`` is not a BGR uint8 image.
        ModelError: the recogniser failed.
    """
    if pixels.dtype != np.uint8 or pixels.ndim != 3 or pixels.shape[2] != 3:
        raise ValueError(f"expected an H x W x 3 uint8 BGR image, got {pixels.dtype} {pixels.shape}")
    candidates = [_candidate_strips(pixels, seal) for seal in seals]
    flat = [strip for strips in candidates for strip in strips]
    results = iter(engine.recognize(flat))
    readings: dict[int, tuple[str, float]] = {}
    for i, strips in enumerate(candidates):
        if strips:
            read = [next(results) for _ in strips]
            # A square seal's two strips are two reading orders: the better-scored one is right.
            readings[i] = max(read, key=lambda r: r[1]) if _is_square(seals[i]) else _preferred(read)
    unsure = [i for i, (_, score) in readings.items() if score < _SURE_SCORE]
    turned = [cv2.rotate(candidates[i][0], cv2.ROTATE_180) for i in unsure]
    for i, reading in zip(unsure, engine.recognize(turned), strict=True):
        readings[i] = max(readings[i], reading, key=lambda r: r[1])
    out = []
    for i, seal in enumerate(seals):
        text, score = readings.get(i, ("", 0.0))
        confidence, trusted = text_trust(text.strip(), float(score))
        extras = {**seal.extras, "text": text.strip(), "text_confidence": confidence, "text_trusted": trusted}
        out.append(dataclasses.replace(seal, extras=extras))
    return out


def text_trust(text: str, score: float) -> tuple[float, bool]:
    """How far a seal's reading can be relied on: a confidence in [0, 1] and whether it may name the issuer.

    The recogniser's score is weighed by the reading's share of Chinese
    characters: a seal names its owner in Chinese, so Latin letters, digits and
    stray marks are what a misread ring turns into ("ESAVETISSRER", "éaz ae";
    a seal's serial number is read from its own bottom line and stays out of
    the arc). Trusted from :data:`TRUSTED_CONFIDENCE` with at least
    :data:`MIN_TRUSTED_CHARS` Chinese characters.

    >>> text_trust("广州市花都区工商行政管理局", 0.985)
    (0.985, True)
    >>> text_trust("ESAVETISSRER", 0.9), text_trust("培调", 0.95), text_trust("", 0.0)
    ((0.0, False), (0.95, False), (0.0, False))
    >>> text_trust("中国移动通信集团", 0.6), text_trust("六安江准电机有公司乡", 0.906)
    ((0.6, False), (0.906, False))
    """
    stripped = "".join(text.split())
    if not stripped:
        return 0.0, False
    chinese = sum(1 for ch in stripped if "\u3400" <= ch <= "\u9fff")
    confidence = round(float(np.clip(score, 0.0, 1.0)) * chinese / len(stripped), 3)
    return confidence, confidence >= TRUSTED_CONFIDENCE and chinese >= MIN_TRUSTED_CHARS


def _is_square(seal: Detection) -> bool:
    geometry = _geometry(seal)
    return geometry is not None and geometry[3]


def _preferred(readings: Sequence[tuple[str, float]]) -> tuple[str, float]:
    """The tight arc's reading, or the loose arc's when it reads more at a score as good.

    >>> _preferred([("工商行政管理", 0.99), ("广州市花都区工商行政管理局", 0.985)])
    ('广州市花都区工商行政管理局', 0.985)
    >>> _preferred([("厦门市职业技能鉴定指导中心", 0.99), ("能鉴定指导中心化厦门市职业技", 0.93)])
    ('厦门市职业技能鉴定指导中心', 0.99)
    """
    tight = readings[0]
    for loose in readings[1:]:
        if len(loose[0]) > len(tight[0]) and loose[1] >= tight[1] - _LOOSE_SCORE_MARGIN:
            return loose
    return tight


def unwrap_seal(pixels: np.ndarray, seal: Detection) -> np.ndarray | None:
    """The seal's text band as a BGR strip, rim on top, from the arc's first glyph; ``None`` without ink.

    The arc found with glyph gaps up to :data:`_GLYPH_GAP_DEG` bridged (see
    :func:`read_seal_texts` for the second, looser candidate).
    """
    strips = _candidate_strips(pixels, seal)
    return strips[0] if strips else None


def _candidate_strips(pixels: np.ndarray, seal: Detection) -> list[np.ndarray]:
    """The tight arc's strip, and the loose arc's when it differs (none for a seal without ink)."""
    geometry = _geometry(seal)
    if geometry is None:
        return []
    if geometry[3]:
        return _grid_strips(pixels, geometry[0], geometry[1])
    (cx, cy), (a, b), angle_deg, square = geometry
    r_mid = (a + b) / 2 * sum(TEXT_BAND) / 2
    width = max(32, round(2 * math.pi * r_mid))
    rows = max(8, round((TEXT_BAND[0] - TEXT_BAND[1]) * (a + b) / 2))
    thetas = np.linspace(0.0, 2 * math.pi, width, endpoint=False)
    rhos = np.linspace(TEXT_BAND[0], TEXT_BAND[1], rows)
    ink = _ink(pixels, (cx, cy), max(a, b) * 1.05)
    if ink is None:
        return []
    ink_img, origin = ink
    map_x, map_y = _polar_maps(thetas, rhos, (cx - origin[0], cy - origin[1]), (a, b), angle_deg, square)
    band = cv2.remap(ink_img, map_x, map_y, cv2.INTER_LINEAR, borderValue=0)
    # The stamp's own ink level: faint or pale stamps are stretched to full contrast.
    full = max(_MIN_FULL_CHROMA, _FULL_SHARE * float(np.percentile(band, _INK_PERCENTILE)))
    # The arc: the longest run of columns with the stamp's strong ink (pale guilloche lines are not
    # its ink), glyph gaps bridged; a bottom line (专用章) is a shorter run of its own.
    profile = (band[: max(2, round(_ARC_ROWS_SHARE * rows))] >= _STRONG_SHARE * full).mean(axis=0)
    arcs = [_longest_text_run(profile, gap) for gap in (_GLYPH_GAP_DEG, _LOOSE_GLYPH_GAP_DEG)]
    strips: list[np.ndarray] = []
    for arc in dict.fromkeys(a for a in arcs if a is not None and a[1] <= _MAX_ARC_SHARE * width):
        strips.append(_strip(band, arc, full, rows))
    return strips


#: Share of a square seal's half size inside its border, where the grid of glyphs is.
_GRID_INNER = 0.82


def _runs(profile: np.ndarray, min_len: int) -> list[tuple[int, int]]:
    """Runs of ``True`` at least ``min_len`` long: the glyph rows or columns of a grid."""
    runs, start = [], None
    for i, on in enumerate([*profile.tolist(), False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            if i - start >= min_len:
                runs.append((start, i))
            start = None
    return runs


def _grid_strips(pixels: np.ndarray, center: tuple[float, float], half_axes: tuple[float, float]) -> list[np.ndarray]:
    """A square seal's glyph cells as two one-line strips: columns from the right, then rows from the top."""
    half = max(half_axes) * _GRID_INNER
    ink = _ink(pixels, center, half)
    if ink is None:
        return []
    chroma = ink[0]
    full = max(_MIN_FULL_CHROMA, _FULL_SHARE * float(np.percentile(chroma, _INK_PERCENTILE)))
    mask = chroma >= _STRONG_SHARE * full
    min_len = max(3, round(0.12 * mask.shape[0]))
    cols = _runs(mask.mean(axis=0) > 0.02, min_len)
    rows = _runs(mask.mean(axis=1) > 0.02, min_len)
    if not cols or not rows or len(cols) * len(rows) > 16:
        return []
    gray = np.clip(255.0 - chroma * (255.0 / full), 0, 255).astype(np.uint8)
    side = STRIP_HEIGHT - 8

    def cell(r: tuple[int, int], c: tuple[int, int]) -> np.ndarray:
        glyph = gray[r[0]:r[1], c[0]:c[1]]
        scale = side / max(glyph.shape)
        glyph = cv2.resize(glyph, (max(1, round(glyph.shape[1] * scale)), max(1, round(glyph.shape[0] * scale))),
                           interpolation=cv2.INTER_AREA)
        canvas = np.full((STRIP_HEIGHT, STRIP_HEIGHT), 255, np.uint8)
        y, x = (STRIP_HEIGHT - glyph.shape[0]) // 2, (STRIP_HEIGHT - glyph.shape[1]) // 2
        canvas[y:y + glyph.shape[0], x:x + glyph.shape[1]] = glyph
        return canvas

    margin = np.full((STRIP_HEIGHT, STRIP_HEIGHT // 3), 255, np.uint8)
    by_columns = [cell(r, c) for c in reversed(cols) for r in rows]
    by_rows = [cell(r, c) for r in rows for c in cols]
    return [cv2.cvtColor(np.hstack([margin, *cells, margin]), cv2.COLOR_GRAY2BGR) for cells in (by_columns, by_rows)]


def _strip(band: np.ndarray, arc: tuple[int, int], full: float, rows: int) -> np.ndarray:
    """The arc's columns of the band (plus a margin), dark ink on white, :data:`STRIP_HEIGHT` high, BGR."""
    width = band.shape[1]
    start, length = arc
    margin = round(_END_MARGIN_DEG / 360.0 * width)
    length = min(width, length + 2 * margin)
    columns = np.roll(band, -(start - margin), axis=1)[:, :length]
    gray = (255.0 - 255.0 * np.clip(columns / full, 0.0, 1.0)).astype(np.uint8)
    scale = STRIP_HEIGHT / rows
    gray = cv2.resize(gray, (max(8, round(gray.shape[1] * scale)), STRIP_HEIGHT), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def _geometry(seal: Detection) -> tuple[tuple[float, float], tuple[float, float], float, bool] | None:
    """Centre (pixel-centre coordinates), half axes, angle and squareness of the seal's outline."""
    extras = seal.extras
    if {"center", "half_axes", "angle_deg"} <= extras.keys():
        (cx, cy), (a, b) = extras["center"], extras["half_axes"]
        return (float(cx) - 0.5, float(cy) - 0.5), (float(a), float(b)), float(extras["angle_deg"]), (
            extras.get("shape") == "square"
        )
    if seal.quad is None:
        return None
    xs, ys = [p[0] for p in seal.quad], [p[1] for p in seal.quad]
    center = ((min(xs) + max(xs)) / 2 - 0.5, (min(ys) + max(ys)) / 2 - 0.5)
    return center, ((max(xs) - min(xs)) / 2, (max(ys) - min(ys)) / 2), 0.0, False


def _ink(pixels: np.ndarray, center: tuple[float, float], reach: float) -> tuple[np.ndarray, tuple[int, int]] | None:
    """Red chroma (float32) of the square around the seal, and that square's top-left corner."""
    h, w = pixels.shape[:2]
    x0, y0 = max(0, int(center[0] - reach)), max(0, int(center[1] - reach))
    x1, y1 = min(w, int(math.ceil(center[0] + reach)) + 1), min(h, int(math.ceil(center[1] + reach)) + 1)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    crop = pixels[y0:y1, x0:x1].astype(np.float32)
    chroma = np.clip(crop[..., 2] - np.maximum(crop[..., 0], crop[..., 1]), 0.0, None)
    return chroma, (x0, y0)


def _polar_maps(
    thetas: np.ndarray,
    rhos: np.ndarray,
    center: tuple[float, float],
    half_axes: tuple[float, float],
    angle_deg: float,
    square: bool,
) -> tuple[np.ndarray, np.ndarray]:
    """``cv2.remap`` maps: row ``i`` at normalised radius ``rhos[i]``, column ``j`` at angle ``thetas[j]``.

    Angles run clockwise from the top of the page (image y grows downwards);
    the radius of the outline in each direction comes from the fitted ellipse
    (or rectangle, max norm) in its own axes.
    """
    dx, dy = np.sin(thetas), -np.cos(thetas)
    t = math.radians(angle_deg)
    u = (dx * math.cos(t) + dy * math.sin(t)) / max(half_axes[0], 1e-6)
    v = (-dx * math.sin(t) + dy * math.cos(t)) / max(half_axes[1], 1e-6)
    norm = np.maximum(np.abs(u), np.abs(v)) if square else np.hypot(u, v)
    radius = 1.0 / np.maximum(norm, 1e-9)  # pixels from the centre to the outline in each direction
    r = rhos[:, None] * radius[None, :]
    map_x = (center[0] + r * dx[None, :]).astype(np.float32)
    map_y = (center[1] + r * dy[None, :]).astype(np.float32)
    return map_x, map_y


def _longest_text_run(column_ink: np.ndarray, gap_deg: float = _GLYPH_GAP_DEG) -> tuple[int, int] | None:
    """First column and length of the longest circular run of inked columns, gaps under a glyph's bridged.

    ``None`` when the band holds no ink. A run that closes on itself (text all
    round) is read from column 0.

    >>> ink = np.array([0.0] * 20 + ([3.0] * 6 + [0.0]) * 7 + [0.0] * 10 + [2.0] * 8 + [0.0] * 6)
    >>> _longest_text_run(ink)
    (20, 48)
    >>> _longest_text_run(np.zeros(50)) is None
    True
    """
    width = len(column_ink)
    if column_ink.max() <= 0:
        return None
    inked = column_ink >= _INKED_LEVEL * float(column_ink.max())
    bridge = max(1, round(gap_deg / 360.0 * width))
    # Circular closing: blank runs shorter than ``bridge`` become ink.
    tiled = np.tile(inked.astype(np.uint8), 3)[None, :]
    kernel = np.ones((1, (bridge + 1) | 1), np.uint8)  # odd, so the closing does not shift: fills gaps < k
    closed = cv2.morphologyEx(tiled, cv2.MORPH_CLOSE, kernel)[0, width : 2 * width].astype(bool)
    if closed.all():
        return 0, width
    first_blank = int(np.argmin(closed))
    best_start, best_len, run = 0, 0, 0
    for k in range(1, width + 1):
        i = (first_blank + k) % width
        run = run + 1 if closed[i] else 0
        if run > best_len:
            best_start, best_len = (i - run + 1) % width, run
    return best_start, best_len

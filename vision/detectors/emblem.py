"""The national emblem (国徽) and registered logos on a certificate: colour or one ink, small or large, faded.

Classical method (a small ONNX model was not tried: the classical one met the
targets on every measured set, see the numbers below). Work space in, work
space out; the search runs on a copy of the sheet shrunk to
:data:`ANALYSIS_LONG_SIDE` pixels (0.25 of a 1600-px work image), the
verification on crops of the work image itself.

1. **Ink layers** (:func:`ink_layers`): *gold* ``min(R, G) - B`` (a colour
   emblem's stars, gate, ears and gear; paper and red ink stay under 30),
   *red* chroma ``R - max(G, B)``, *dark* ``255 - max(R, G, B)`` (black ink;
   red ink drops out) and, for registered logos, *any* ``255 - min(R, G, B)``.
2. **Prints**: each way the emblem is printed is a layer and a drawing
   (:mod:`vision.emblem_art`, the project's own after GB 15093): ``colour``
   (gold layer, gold elements), ``red`` / ``black`` (red or dark layer, the
   one-ink line-art), ``red_field`` (red layer, the field, ribbon and ears
   inked with stars and gate left as paper, as on licences) and
   ``black_field`` (the same in the dark layer: a black-and-white copy or scan
   of a colour print; with it the reference renders printed in gray on real
   certificates went from 7 to 41 of 72 found, no new false alarm on the 46
   real negatives).
   When the work image is a rectified sheet and no emblem is found on it, the
   upload is searched too, for an emblem the sheet's edge cut off
   (:meth:`EmblemDetector._cut_off_by_the_sheet`; 4 of the 8 real licence
   photos).
3. **Search**: normalised cross-correlation of each layer with its drawing
   (blurred by 2 % of its side: prints differ in fine detail, not layout) at
   emblem sizes from :data:`MIN_SIZE_SHARE` to :data:`MAX_SIZE_SHARE` of the
   short side, 1.3x apart; larger sizes search a shrunk layer so the template
   stays at most :data:`_COARSE_TEMPLATE` px. Flat patches are zeroed (their
   normalisation turns rounding noise into peaks of 1.0).
4. **Verification** of the 2 best peaks per print on a crop of the work image
   scaled so the emblem is :data:`_VERIFY_TEMPLATE` px: best correlation over
   sizes 0.9-1.1x and turns of +-8 degrees; then two structure checks at the
   match: the **ring** of ears must carry ink around 80 % of its angle bins
   (a portrait's head and shoulders leave the upper corners empty), and the
   **interior** of the field must correlate with the stars, gate and gear
   (a round seal, a red disc logo or a ring of text match the outline only).

Measured on generated photos (``python -m bench.evaluate_detectors --sections
emblem``; the photos print the project's own drawing, so the real renderings
below are the honest test of generalisation) and on the real references:

================  ==========  =============================================
check             threshold   measured
================  ==========  =============================================
correlation       0.58        generated emblems 0.75-0.9; real renderings on a
                              sheet 0.64-0.78 (red line-art lowest); genuine
                              photos at most 0.52 once ring and interior pass
                              (portraits reach 0.58 but fail the ring)
ring coverage     0.8         emblems 0.87-1.0; portraits 0.2-0.3
interior          0.5         emblems 0.59-0.9; seals and logos -0.3-0.38
================  ==========  =============================================

Real images (``python -m bench.evaluate_detectors --sections real``, truth in
``bench/detector_truth.yaml``, pages turned upright as the pipeline has them
after OCR): found on 10 of the 11 real prints (8 business-licence photos,
screenshots and specimens, a scan of a fund licence in black, the licence
sample; missed: a gold foil emblem on a navy booklet cover); no false alarm on
the 46 other real images (a university badge, competition and company logos,
the PLA 八一 emblem, an emblem-like paper decoration, accreditation logos and
every round seal among them). The three reference renders pasted in colour,
red and black onto 6 real certificates: 0 of 54 at 3 % of the short side
(under :data:`MIN_SIZE_SHARE`; searching from 2.8 % found 36 of them but made
a false alarm on company logos), 35 of 54 at 8 %, 49 of 54 at 15 %, 44 of 54
at 30 % (turned 12 degrees, the colour ones under glare at 8 and 30 %).

Cost: about 45-65 ms of CPU per 1600-px work image (2 OpenCV threads) on the
shared 2-core machine, three quarters of it in ``matchTemplate``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import yaml

from certcheck.errors import RegistryError
from certcheck.types import DecodedImage, Detection, NormalizedImage, Quad
from vision.emblem_art import EmblemStyle, emblem_ink, emblem_layers

__all__ = [
    "ANALYSIS_LONG_SIDE",
    "MARKS_FILE",
    "MAX_SIZE_SHARE",
    "MIN_INTERIOR",
    "MIN_RING",
    "MIN_SCORE",
    "MIN_SIZE_SHARE",
    "EmblemDetector",
    "ImageMark",
    "Verified",
    "ink_layers",
    "load_image_marks",
]

#: The registered marks (data; validated by ``rules/marks.py``): a file, not an import.
MARKS_FILE = Path(__file__).resolve().parents[2] / "rules" / "data" / "marks.yaml"
#: Long side, pixels, of the copy the search runs on (0.25 of the 1600-px work image;
#: 480 found the same emblems and false alarms at 1.2x the cost).
ANALYSIS_LONG_SIDE = 400
#: Smallest and largest emblem side searched, as shares of the sheet's short side
#: (a 14 mm emblem on A4 is 0.066; knock-offs print 0.06-0.55).
MIN_SIZE_SHARE = 0.05
MAX_SIZE_SHARE = 0.6
#: Size step between searched emblem sizes.
_SIZE_STEP = 1.3
#: Largest template side, pixels, used in the search (larger sizes search a shrunk layer; 28 found the
#: same candidates on the generated set at 1.1x the cost).
_COARSE_TEMPLATE = 20
#: Smallest template side, pixels, the drawing can be made at (:func:`vision.emblem_art.emblem_layers`);
#: the search copy of a thin strip is kept large enough for the smallest emblem to measure this.
_MIN_TEMPLATE = 8
#: Correlation a search peak needs to be verified (well under any emblem's verified score).
_MIN_PEAK = 0.3
#: Peaks verified per layer.
_PEAKS_PER_LAYER = 2
#: Template side, pixels, of the verification.
_VERIFY_TEMPLATE = 56
_VERIFY_TURNS = (-8.0, 8.0)
_VERIFY_SCALES = (0.9, 1.0, 1.1)
#: Turned drawings are tried only for a candidate that already correlates this well
#: (a turn of 8 degrees moved emblems' scores by at most 0.1 on the generated set).
_MIN_TURN_SCORE = 0.45
#: Verified correlation at or above which a candidate is the emblem.
MIN_SCORE = 0.58
#: Share of the ears' ring that must carry ink (see :func:`_ring_coverage`).
MIN_RING = 0.8
#: Correlation inside the field with the stars, gate and gear (see :func:`_interior_correlation`).
MIN_INTERIOR = 0.5
#: A layer must show this much ink contrast (its 99.5th percentile inside the
#: candidate, levels) for a correlation there to mean anything.
_MIN_LAYER_CONTRAST = 18.0

#: Spread (levels) below which an image patch counts as inkless (paper noise measures 1-3).
_MIN_PATCH_STD = 4.0

#: Gaussian blur of the template, as a share of its side: prints differ from the
#: drawing in fine detail (kernel patterns, gate windows), not in layout.
_TEMPLATE_BLUR = 0.02

#: Margin, share of the candidate's side, cut around it for verification.
_VERIFY_MARGIN = 0.2
#: The ears' ring in emblem units (see vision.emblem_art): centre and radii.
_RING_CENTER = (0.5, 0.47)
_RING_BAND = (0.36, 0.5)
_FIELD_RADIUS = 0.35
_RING_BINS = 30
#: A ring bin carries ink when it reaches this share of the crop's 99th-percentile ink.
_RING_INK_SHARE = 0.35

#: How the emblem may be printed: the ink layer that shows it and the drawing it is compared with.
_PRINTS: dict[str, tuple[str, str]] = {
    "colour": ("gold", "gold"),
    "red": ("red", "line"),
    "black": ("dark", "line"),
    "red_field": ("red", "field"),
    # A black-and-white copy or scan of a colour print: the field dark, the stars and gate paper.
    "black_field": ("dark", "field"),
}


def ink_layers(bgr: np.ndarray) -> dict[str, np.ndarray]:
    """The ink layers of a BGR image, uint8 levels (0 = none; saturating arithmetic).

    ``gold``, ``red`` and ``dark`` show the emblem's prints; ``any`` (255 minus
    the darkest channel: ink of any colour) shows registered logos.

    >>> px = np.array([[[40, 204, 250], [16, 41, 222], [30, 30, 30], [240, 249, 253]]], np.uint8)
    >>> {k: v.tolist() for k, v in ink_layers(px).items()}
    {'gold': [[164, 25, 0, 9]], 'red': [[46, 181, 0, 4]], 'dark': [[5, 33, 225, 2]], 'any': [[215, 239, 225, 15]]}
    """
    b, g, r = cv2.split(bgr)
    return {
        "gold": cv2.subtract(cv2.min(r, g), b),
        "red": cv2.subtract(r, cv2.max(g, b)),
        "dark": cv2.bitwise_not(cv2.max(cv2.max(r, g), b)),
        "any": cv2.bitwise_not(cv2.min(cv2.min(r, g), b)),
    }


@lru_cache(maxsize=128)
def _template(pattern: str, side: int, turn: float = 0.0) -> np.ndarray:
    """The emblem as one ink layer shows it (float32, 0-255, read-only).

    ``gold``: the gold elements of a colour print; ``line``: a one-ink
    line-art print (elements inked, field and ribbon outlined); ``field``: a
    one-ink print of the red parts (field, ribbon and ears inked, stars, gate
    and gear left as paper), as on many licences and letterheads.
    """
    layers = emblem_layers(side)
    if pattern == "gold":
        art = layers.gold
    elif pattern == "field":
        art = np.clip(layers.red + layers.ears, 0.0, 1.0)
    else:
        art = emblem_ink(side, EmblemStyle.RED)
    art = np.ascontiguousarray(art * 255.0, dtype=np.float32)
    if _TEMPLATE_BLUR:
        art = cv2.GaussianBlur(art, (0, 0), _TEMPLATE_BLUR * side)
    if turn:
        rot = cv2.getRotationMatrix2D((side / 2, side / 2), turn, 1.0)
        art = cv2.warpAffine(art, rot, (side, side), flags=cv2.INTER_LINEAR)
    art.setflags(write=False)
    return art


@dataclass(frozen=True)
class ImageMark:
    """A registered mark other than the emblem (a department's logo), matched by its ink of any colour.

    Attributes:
        mark_id: the mark's id in ``rules/data/marks.yaml``.
        ink: the logo's ink coverage, float32 in [0, 1], on a square canvas.
        min_score: verified correlation from which it is reported.
    """

    mark_id: str
    ink: np.ndarray
    min_score: float = 0.7

    def template(self, side: int, turn: float = 0.0) -> np.ndarray:
        art = cv2.resize(self.ink, (side, side), interpolation=cv2.INTER_AREA) * 255.0
        art = cv2.GaussianBlur(art.astype(np.float32), (0, 0), max(0.3, _TEMPLATE_BLUR * side))
        if turn:
            rot = cv2.getRotationMatrix2D((side / 2, side / 2), turn, 1.0)
            art = cv2.warpAffine(art, rot, (side, side), flags=cv2.INTER_LINEAR)
        return art


def load_image_marks(path: Path = MARKS_FILE) -> tuple[ImageMark, ...]:
    """The registered image marks of ``rules/data/marks.yaml`` (entries whose ``detect.method`` is ``image``).

    Only the keys the detector needs are read here (``id``, ``detect.file``,
    ``detect.min_score``); ``rules/marks.py`` validates the whole file.
    Image files are resolved relative to the YAML file's folder.

    Raises:
        RegistryError: an image file is missing or unreadable.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    marks = []
    for entry in raw.get("marks", ()):
        detect = entry.get("detect", {})
        if detect.get("method") != "image":
            continue
        file = path.parent / str(detect["file"])
        rgba = cv2.imread(str(file), cv2.IMREAD_UNCHANGED)
        if rgba is None:
            raise RegistryError(message_en=f"{path}: mark {entry.get('id')!r}: cannot read image {file}")
        marks.append(ImageMark(str(entry["id"]), _ink_of(rgba), float(detect.get("min_score", 0.7))))
    return tuple(marks)


def _ink_of(image: np.ndarray) -> np.ndarray:
    """Ink coverage of a logo image (gray, BGR or BGRA), padded to a square."""
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    alpha = image[..., 3].astype(np.float32) / 255.0 if image.shape[2] == 4 else 1.0
    darkest = image[..., :3].min(axis=2).astype(np.float32)
    ink = np.clip((255.0 - darkest) / 255.0 * alpha, 0.0, 1.0)
    h, w = ink.shape
    side = max(h, w)
    square = np.zeros((side, side), np.float32)
    square[(side - h) // 2 : (side - h) // 2 + h, (side - w) // 2 : (side - w) // 2 + w] = ink
    return square


@dataclass(frozen=True)
class _Pattern:
    """One way a mark may show: the ink layer, the drawing to compare with, and whether the emblem's
    structure checks (ring, interior) apply."""

    layer: str
    template: Callable[[int, float], np.ndarray]
    emblem: bool
    mark_id: str


def _emblem_pattern(layer: str, drawing: str) -> _Pattern:
    return _Pattern(layer, lambda side, turn=0.0: _template(drawing, side, turn), True, "national_emblem")


#: How the emblem may be printed: the ink layer that shows it and the drawing it is compared with.
_EMBLEM_PATTERNS: dict[str, _Pattern] = {
    print_kind: _emblem_pattern(layer, drawing) for print_kind, (layer, drawing) in _PRINTS.items()
}


@dataclass(frozen=True)
class _Candidate:
    print_kind: str  # a key of _PRINTS
    x: float  # centre, analysis pixels
    y: float
    side: float  # emblem side, analysis pixels
    peak: float


class EmblemDetector:
    """Finds the national emblem by correlating ink layers with the project's drawing of it.

    Args:
        min_score: verified correlation at or above which an emblem candidate is reported.
        min_ring: share of the ears' ring that must carry ink.
        min_interior: correlation inside the field with the stars, gate and gear.
        analysis_long_side: long side of the search copy, pixels.
        image_marks: registered logos to look for as well; ``None`` loads
            those of ``rules/data/marks.yaml`` (:func:`load_image_marks`).
    """

    name = "emblem.v1"

    def __init__(
        self,
        *,
        min_score: float = MIN_SCORE,
        min_ring: float = MIN_RING,
        min_interior: float = MIN_INTERIOR,
        analysis_long_side: int = ANALYSIS_LONG_SIDE,
        image_marks: Sequence[ImageMark] | None = None,
    ) -> None:
        self.min_score = min_score
        self.min_ring = min_ring
        self.min_interior = min_interior
        self.analysis_long_side = analysis_long_side
        self.image_marks = tuple(load_image_marks() if image_marks is None else image_marks)
        self._patterns = dict(_EMBLEM_PATTERNS)
        self._min_scores = dict.fromkeys(_EMBLEM_PATTERNS, min_score)
        for mark in self.image_marks:
            key = f"mark:{mark.mark_id}"
            self._patterns[key] = _Pattern("any", mark.template, False, mark.mark_id)
            self._min_scores[key] = mark.min_score

    def __call__(self, image: NormalizedImage, decoded: DecodedImage | None = None) -> list[Detection]:
        """Emblems on the work-space sheet, best first (an empty list: none).

        Each detection's ``extras`` hold the ink layer it was found in
        (``gold`` = colour print, ``red`` / ``dark`` = one-ink print), its side
        in work pixels and the verified correlation.
        """
        found = [
            self._detection(v, image.pixels.shape[:2])
            for v in self.scored_candidates(image.pixels)
            if self._accepts(v)
        ]
        if decoded is not None and image.sheet_found and not any(d.extras["mark"] == "national_emblem" for d in found):
            found += self._cut_off_by_the_sheet(image, decoded)
        return _without_overlaps(found)

    def _cut_off_by_the_sheet(self, image: NormalizedImage, decoded: DecodedImage) -> list[Detection]:
        """Emblems the sheet's rectification cut off: searched on the upload, kept where they reach out of the sheet.

        A licence prints its emblem against the top edge; on a photo the sheet
        finder often takes the printed frame below it for the paper's edge, and
        the work image holds half the emblem or none (4 of the 8 real licence
        photos). The upload is searched at the work image's size and each
        emblem found there is mapped into work space through the inverse of
        ``to_upload``; only one whose box lies partly outside the work image is
        kept (one inside it was searched there already). Its quad is not
        clipped, so it maps back onto the printed emblem in the upload.
        """
        pixels = decoded.pixels
        k = min(1.0, max(image.width, image.height) / max(pixels.shape[:2]))
        upload = cv2.resize(pixels, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1.0 else pixels
        to_work = np.linalg.inv(image.to_upload)
        out = []
        for v in self.scored_candidates(upload):
            if not self._accepts(v) or self._patterns[v.print_kind].mark_id != "national_emblem":
                continue
            d = self._detection(v, (10**9, 10**9))  # unclipped, in the scaled upload's pixels
            assert d.quad is not None
            pts = np.array([[x / k, y / k, 1.0] for x, y in d.quad]) @ to_work.T
            quad = tuple((float(x / w), float(y / w)) for x, y, w in pts)
            xs, ys = [p[0] for p in quad], [p[1] for p in quad]
            if min(xs) >= 0 and min(ys) >= 0 and max(xs) <= image.width and max(ys) <= image.height:
                continue
            extras = {**d.extras, "found_on": "upload"}
            out.append(dataclasses.replace(d, quad=quad, extras=extras))  # type: ignore[arg-type]
        return out

    def _accepts(self, v: Verified) -> bool:
        return v.score >= self._min_scores[v.print_kind] and v.ring >= self.min_ring and v.interior >= self.min_interior

    def scored_candidates(self, bgr: np.ndarray) -> list[Verified]:
        """Every verified search peak, best correlation first (for measuring thresholds)."""
        k = _analysis_scale(bgr.shape[:2], self.analysis_long_side)
        small = cv2.resize(bgr, None, fx=k, fy=k, interpolation=cv2.INTER_AREA) if k < 1.0 else bgr
        layers = ink_layers(small)
        out = [
            _verify(_scaled(c, 1.0 / k), bgr, pattern)
            for print_kind, pattern in self._patterns.items()
            for c in _search(print_kind, layers[pattern.layer], pattern)
        ]
        out.sort(key=lambda v: -v.score)
        return out

    def _detection(self, v: Verified, shape: tuple[int, ...]) -> Detection:
        half = v.side / 2.0
        h, w = shape[:2]
        x0, y0 = max(0.0, v.x - half), max(0.0, v.y - half)
        x1, y1 = min(float(w), v.x + half), min(float(h), v.y + half)
        quad: Quad = ((x0, y0), (x1, y0), (x1, y1), (x0, y1))
        # 0.5 at the threshold, 1.0 at a correlation of 0.85 (clean prints measure 0.75-0.9).
        threshold = self._min_scores[v.print_kind]
        confidence = 0.5 + 0.5 * (v.score - threshold) / max(0.85 - threshold, 1e-6)
        return Detection(
            detector=self.name,
            kind="emblem",
            quad=quad,
            score=round(float(np.clip(confidence, 0.0, 1.0)), 3),
            extras={
                "mark": self._patterns[v.print_kind].mark_id,
                "print": v.print_kind,
                "correlation": round(v.score, 3),
                "ring": round(v.ring, 3),
                "interior": round(v.interior, 3),
                "side_px": round(v.side, 1),
                "turn_deg": v.turn,
            },
        )


def _analysis_scale(shape: tuple[int, ...], long_side: int) -> float:
    """Scale of the search copy: :data:`ANALYSIS_LONG_SIDE` on the long side, but never so small that the
    smallest searched emblem of a wide strip (a photo of one printed line) falls under
    :data:`_MIN_TEMPLATE` pixels, and never an enlargement.

    >>> _analysis_scale((1131, 1600), 400), round(_analysis_scale((396, 1600), 400), 3), _analysis_scale((40, 90), 400)
    (0.25, 0.404, 1.0)
    """
    h, w = shape[:2]
    return min(1.0, max(long_side / max(h, w), _MIN_TEMPLATE / (MIN_SIZE_SHARE * max(1, min(h, w)))))


def _scaled(c: _Candidate, f: float) -> _Candidate:
    return _Candidate(c.print_kind, c.x * f, c.y * f, c.side * f, c.peak)


def _search(print_kind: str, ink: np.ndarray, pattern: _Pattern) -> list[_Candidate]:
    """The best correlation peaks of ``ink`` with the emblem over all searched sizes.

    Sizes grow by :data:`_SIZE_STEP`; once the emblem is larger than
    :data:`_COARSE_TEMPLATE` pixels the layer is shrunk instead (each level from
    the previous one, so the pyramid costs about twice the first shrink).
    """
    short = min(ink.shape)
    side = MIN_SIZE_SHARE * short
    scaled, f = ink, 1.0  # f: pixels of ``scaled`` per analysis pixel
    peaks: list[_Candidate] = []
    while side <= MAX_SIZE_SHARE * short:
        if side < _MIN_TEMPLATE:
            side *= _SIZE_STEP  # too small to draw (only on an image under 160 px across): not searched
            continue
        t = min(_COARSE_TEMPLATE, round(side))
        want = t / side
        if want < 0.98 * f:
            scaled = cv2.resize(scaled, None, fx=want / f, fy=want / f, interpolation=cv2.INTER_AREA)
            f = want
        if min(scaled.shape) <= t:
            break
        corr = _correlate(scaled, pattern.template(t, 0.0))
        for _ in range(2):
            _, peak, _, (px, py) = cv2.minMaxLoc(corr)
            if peak < _MIN_PEAK:
                break
            peaks.append(_Candidate(print_kind, (px + t / 2) / f, (py + t / 2) / f, side, float(peak)))
            r = max(1, t // 2)
            corr[max(0, py - r) : py + r + 1, max(0, px - r) : px + r + 1] = -1.0
        side *= _SIZE_STEP
    peaks.sort(key=lambda c: -c.peak)
    kept: list[_Candidate] = []
    for c in peaks:
        if all(np.hypot(c.x - o.x, c.y - o.y) > 0.5 * max(c.side, o.side) for o in kept):
            kept.append(c)
        if len(kept) == _PEAKS_PER_LAYER:
            break
    return kept


def _correlate(ink: np.ndarray, template: np.ndarray) -> np.ndarray:
    """Normalised cross-correlation, zero where the image patch is flat.

    ``TM_CCOEFF_NORMED`` divides by the patch's spread; on an inkless patch
    (spread under :data:`_MIN_PATCH_STD` levels) that amplifies rounding
    errors into spurious peaks of 1.0, so those positions are zeroed.
    """
    # float32 input: OpenCV's 8-bit path converts per call and measured 2.5x slower.
    ink = ink.astype(np.float32)
    corr = cv2.matchTemplate(ink, template, cv2.TM_CCOEFF_NORMED)
    th, tw = template.shape
    mean = cv2.boxFilter(ink, cv2.CV_32F, (tw, th), anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
    mean_sq = cv2.sqrBoxFilter(ink, cv2.CV_32F, (tw, th), anchor=(0, 0), borderType=cv2.BORDER_CONSTANT)
    var = (mean_sq - mean * mean)[: corr.shape[0], : corr.shape[1]]
    corr[var < _MIN_PATCH_STD**2] = 0.0
    return corr


@dataclass(frozen=True)
class Verified:
    """A search peak checked on a sharper copy (work-space centre and side)."""

    print_kind: str  # colour, red, black, red_field or black_field
    x: float
    y: float
    side: float
    score: float  # best normalised correlation with the emblem drawing
    turn: float  # degrees (counter-clockwise) of the best-matching drawing
    ring: float  # share of the ears' ring (angle bins) that carries ink
    interior: float  # correlation with the stars, gate and gear inside the field


_NOT_VERIFIED = (0.0, 0.0, 0.0, 0.0)


def _verify(cand: _Candidate, bgr: np.ndarray, pattern: _Pattern) -> Verified:
    """Correlate the candidate's neighbourhood with the emblem over sizes and turns, and measure its ring.

    The neighbourhood (the candidate's box plus 20 % each side, work pixels)
    is cut from the work image and shrunk so the emblem measures
    :data:`_VERIFY_TEMPLATE` pixels; only its own layer is computed.
    """
    t = _VERIFY_TEMPLATE
    half = cand.side * (0.5 + _VERIFY_MARGIN)
    x0, y0 = int(max(0, cand.x - half)), int(max(0, cand.y - half))
    x1, y1 = int(min(bgr.shape[1], cand.x + half)), int(min(bgr.shape[0], cand.y + half))
    layer = pattern.layer
    failed = Verified(cand.print_kind, cand.x, cand.y, cand.side, *_NOT_VERIFIED)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return failed
    g = t / cand.side  # work pixels -> template pixels at scale 1
    best: tuple[float, float, float, tuple[int, int], np.ndarray] | None = None  # score, scale, turn, at, ink
    top = max(_VERIFY_SCALES)
    largest = cv2.resize(bgr[y0:y1, x0:x1], None, fx=g * top, fy=g * top, interpolation=cv2.INTER_AREA)
    for scale in _VERIFY_SCALES:
        # Each size from the largest copy (a small image), not from the work image again.
        crop = largest if scale == top else cv2.resize(
            largest, None, fx=scale / top, fy=scale / top, interpolation=cv2.INTER_AREA
        )
        if min(crop.shape[:2]) <= t:
            continue
        ink = ink_layers(crop)[layer]
        if float(np.percentile(ink, 99.5)) < _MIN_LAYER_CONTRAST:
            return failed
        _, score, _, at = cv2.minMaxLoc(_correlate(ink, pattern.template(t, 0.0)))
        if best is None or score > best[0]:
            best = (float(score), scale, 0.0, at, ink)
    if best is None:
        return failed
    if best[0] >= _MIN_TURN_SCORE:
        # Turns only at the best size, and only for a candidate that already looks like the emblem.
        for turn in _VERIFY_TURNS:
            _, score, _, at = cv2.minMaxLoc(_correlate(best[4], pattern.template(t, turn)))
            if score > best[0]:
                best = (float(score), best[1], turn, at, best[4])
    score, scale, turn, (ax, ay), ink = best
    k = g * scale  # work pixels -> crop pixels
    return Verified(
        print_kind=cand.print_kind,
        x=x0 + (ax + t / 2) / k,
        y=y0 + (ay + t / 2) / k,
        side=t / k,
        score=score,
        turn=turn,
        # A logo has no ring or field to check: both pass.
        ring=_ring_coverage(ink[ay : ay + t, ax : ax + t]) if pattern.emblem else 1.0,
        interior=_interior_correlation(ink[ay : ay + t, ax : ax + t], cand.print_kind, turn) if pattern.emblem else 1.0,
    )


def _interior_correlation(ink: np.ndarray, print_kind: str, turn: float) -> float:
    """Correlation, inside the red field only, of the layer with the stars, gate and gear.

    A round red seal, a red disc logo or a ring of text can match the
    emblem's outline; what they lack is its interior (five stars above a gate
    above a gear). The sign is turned for the ``field`` print, whose elements
    are paper in a field of ink.
    """
    side = ink.shape[0]
    if side < 8 or ink.shape[1] != side:
        return 0.0
    layers = emblem_layers(side)
    elements = np.clip(layers.gold - layers.ears, 0.0, 1.0)
    if turn:
        rot = cv2.getRotationMatrix2D((side / 2, side / 2), turn, 1.0)
        elements = cv2.warpAffine(elements, rot, (side, side), flags=cv2.INTER_LINEAR)
    disc = _disc_mask(side)
    a = ink[disc].astype(np.float32)
    b = elements[disc]
    a, b = a - a.mean(), b - b.mean()
    denominator = float(np.sqrt((a * a).sum() * (b * b).sum()))
    if denominator < 1e-6:
        return 0.0
    r = float((a * b).sum()) / denominator
    return -r if print_kind in ("red_field", "black_field") else r


@lru_cache(maxsize=8)
def _disc_mask(side: int) -> np.ndarray:
    """The red field (plus the gear below it) as a boolean mask of a ``side`` square."""
    ys, xs = np.mgrid[0:side, 0:side].astype(np.float32) + 0.5
    cx, cy = _RING_CENTER[0] * side, _RING_CENTER[1] * side
    inside = np.hypot(xs - cx, ys - cy) <= _FIELD_RADIUS * side
    mask = inside | ((np.abs(xs - cx) <= 0.09 * side) & (ys >= cy) & (ys <= 0.89 * side))
    mask.setflags(write=False)
    return mask


def _ring_coverage(ink: np.ndarray) -> float:
    """Share of angle bins of the ears' ring (all but the ribbon at the bottom) that carry ink.

    ``ink`` is the layer cut to the matched emblem square. The ears fill the
    annulus :data:`_RING_BAND` around the ring's centre from -150 to 150
    degrees (0 = top); a photo's head and shoulders leave its upper corners
    empty (paper), which is what sets a portrait apart.
    """
    side = ink.shape[0]
    if side < 8 or ink.shape[1] != side:
        return 0.0
    ys, xs = np.mgrid[0:side, 0:side].astype(np.float32) + 0.5
    cx, cy = _RING_CENTER[0] * side, _RING_CENTER[1] * side
    radius = np.hypot(xs - cx, ys - cy) / side
    angle = np.degrees(np.arctan2(xs - cx, cy - ys))  # 0 = up, clockwise positive
    band = (radius >= _RING_BAND[0]) & (radius <= _RING_BAND[1]) & (np.abs(angle) <= 150.0)
    level = max(float(np.percentile(ink, 99)), 1.0) * _RING_INK_SHARE
    bins = np.clip(((angle[band] + 150.0) / 300.0 * _RING_BINS).astype(int), 0, _RING_BINS - 1)
    inked = np.zeros(_RING_BINS, bool)
    np.logical_or.at(inked, bins, ink[band] >= level)
    return float(inked.mean())


def _without_overlaps(found: list[Detection]) -> list[Detection]:
    """One detection per emblem: the best-scoring one where boxes overlap (different layers, same print)."""
    kept: list[Detection] = []
    for d in sorted(found, key=lambda d: -d.score):
        assert d.quad is not None
        (ax0, ay0), _, (ax1, ay1), _ = d.quad
        overlapping = False
        for o in kept:
            assert o.quad is not None
            (bx0, by0), _, (bx1, by1), _ = o.quad
            iw, ih = min(ax1, bx1) - max(ax0, bx0), min(ay1, by1) - max(ay0, by0)
            if iw > 0 and ih > 0 and iw * ih > 0.3 * min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0)):
                overlapping = True
                break
        if not overlapping:
            kept.append(d)
    return kept

"""Recall, false alarms and cost of the vision detectors on generated photos and the real reference images.

Each section is one function returning a JSON-able dict; ``main`` runs the
sections asked for and writes them, one key each, to the results file.
Photos are generated in memory with the samples generator (fixed seeds), so
a run needs no corpus on disk; the real reference images are read from
``../shared/reference-images/`` when that folder is there (never copied).

Sections (seals, QR codes, forensics, emblem, watermark):

* ``seal_text``: character accuracy of :func:`vision.seal_text.read_seal_texts`
  on clean generated seals (every organisation name of the generator, drawn
  by the generator's own ``seal_alpha``), on the seals found on generated
  photos (their truth is the printed issuer) and on the real reference
  images; milliseconds per seal.
* ``qr``: QR decode rate of :class:`vision.detectors.qr.QrCodeDetector` at
  1200, 2000 and 4000 px uploads (which pass decoded each code) and what
  OpenCV's ``QRCodeDetector`` adds on the photos zxing-cpp missed.
* ``mark_rules``: the checker end to end on the seal and QR variants and on
  genuine photos: recall of QR_UNOFFICIAL, FOREIGN_MARK and the missing-seal
  TEMPLATE_MISMATCH, and their false alarms on genuine photos. Seal texts are
  read the way the pipeline is to read them (see :func:`_reading_seals`).
* ``forensics``: RECAPTURE and TAMPERING false alarms on genuine photos and
  the real reference images first, then recall on the ``screen_recapture``
  and ``tampered_field`` photo conditions.
* ``cost``: milliseconds each detector adds per 2000-px photo (median, and
  the 90th percentile, of the best of three runs per photo).
* ``emblem``: recall of :class:`vision.detectors.emblem.EmblemDetector` on
  the emblem knock-offs (colour / red / black in the header, some faded; a
  large faded one behind the text), counted only where the detection sits on
  the printed emblem; false alarms on genuine photos (each with its round
  red seal); the real reference emblems pasted at 8/15/30 % of a sheet and
  the real documents as they are; CPU milliseconds per photo.
* ``real``: the detectors on the real images against the hand-marked truth of
  ``bench/detector_truth.yaml`` (:func:`real_section`): seals found on the
  real documents and on the reference scans (a found seal's box centre lies in
  the marked box, grown by 0.02), false seals; seal text character accuracy on
  the marked texts (clean ones apart) and how many readings were trusted;
  emblem recall on the real prints and false alarms on every other real image
  (named badges, logos, the PLA emblem, decorations, round seals); the
  reference emblem renders pasted in memory onto real certificates at 3-30 %
  of the sheet, colour / red / black, tilted, some under glare; milliseconds
  per detector against the OCR's.
* ``watermark``: recall of :class:`vision.detectors.watermark.WatermarkDetector`
  on the tiled-watermark knock-offs (found; read as restricted words or as
  the emblem), patterns found on genuine photos and on the emblem knock-offs,
  the real references; CPU milliseconds per photo with and without a
  pattern (OCR runs only on a pattern).

Usage::

    .venv/bin/python -m bench.evaluate_detectors [--sections seal_text qr mark_rules forensics cost emblem watermark]
        [--out bench/results/detector_evaluation.json]

The ``real`` section alone: ``.venv/bin/python -m bench.evaluate_detectors --sections real``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

from certcheck.types import DecodedImage, Detection, EvidenceCode, NormalizedImage
from ocr.engine import OcrEngine
from vision.decode import decode_image
from vision.detectors.qr import QrCodeDetector
from vision.detectors.recapture import RecaptureDetector
from vision.detectors.tampering import TamperingDetector
from vision.normalize import normalize, rotate_quarter
from vision.seal_suppress import find_red_seals
from vision.seal_text import read_seal_texts

__all__ = [
    "SECTIONS",
    "cost_section",
    "emblem_section",
    "forensics_section",
    "main",
    "mark_rules_section",
    "qr_section",
    "seal_text_section",
    "watermark_section",
]

REPO_ROOT = Path(__file__).resolve().parents[1]
REFERENCE = REPO_ROOT.parent / "shared" / "reference-images"
REAL_IMAGES = REPO_ROOT.parent / "shared" / "real-images" / "images"
DETECTOR_TRUTH = REPO_ROOT / "bench" / "detector_truth.yaml"
DEFAULT_OUT = REPO_ROOT / "bench" / "results" / "detector_evaluation.json"
WORK_LONG_SIDE = 1600
_DECODE_LIMITS = {"max_pixels": 60_000_000, "max_bytes": 60_000_000, "max_pdf_pages": 1}
#: Real reference images with a seal whose text is known (file, text printed on the seal).
REFERENCE_SEALS = (
    ("certificates/business_license_sample_with_emblem_and_seal_cicba.png", "广州市花都区工商行政管理局"),
    ("seals/scan_company_finance_personal_seals_SealCut.jpg", "北京中导开源科技有限公司"),
)
#: Real reference images of paper documents (no screen, no editing known) for forensics false alarms.
REFERENCE_DOCUMENTS = (
    "certificates/business_license_sample_with_emblem_and_seal_cicba.png",
    "certificates/cnas_lab_accreditation_certificate_cn_en_ImageAnalysisService.jpg",
    "documents/official_notice_two_red_seals_scan_ImageAnalysisService.jpg",
    "documents/phone_photo_posted_notice_red_seal_glare_ImageAnalysisService.png",
    "seals/scan_company_finance_personal_seals_SealCut.jpg",
)


def _load(data: bytes, name: str) -> tuple[DecodedImage, NormalizedImage]:
    decoded = decode_image(data, name, **_DECODE_LIMITS)
    return decoded, normalize(decoded, long_side=WORK_LONG_SIDE)


def _photos(
    count: int, seed: int, *, designs: Sequence[str] | None = None, variants: Sequence[str] | None = None,
    conditions: Sequence[str] | None = None, long_side: int = 2000,
) -> Iterator[Any]:
    """Generated samples (in memory) of a planned corpus."""
    from samples.generator.sample import generate_sample, plan_corpus

    for name, spec in plan_corpus(count, seed, designs, variants, conditions, long_side):
        yield generate_sample(spec, name)


def _accuracy(read: str, truth: str) -> float:
    return 1.0 - min(Levenshtein.distance(read, truth), len(truth)) / max(1, len(truth))


def _summary(values: Sequence[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 2),
        "p90": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 2),
        "max": round(ordered[-1], 2),
    }


# --- seals and their text ------------------------------------------------------------------------


def seal_text_section(engine: OcrEngine, photo_count: int = 30) -> dict[str, Any]:
    """Seal text character accuracy: clean generated seals, seals on generated photos, real seals."""
    from samples.generator.content import SEAL_RED, SealSpec
    from samples.generator.issuers import COMPANIES, COMPETITION_ORGANISERS, TRAINING_OUTFITS, load_demo_issuers
    from samples.generator.marks import seal_alpha

    names = list(dict.fromkeys(
        [i.name for i in load_demo_issuers()] + list(COMPANIES) + [o for o, _ in COMPETITION_ORGANISERS]
        + list(TRAINING_OUTFITS)
    ))
    rng = random.Random(3)
    errors = chars = missed = 0
    times: list[float] = []
    worst: list[tuple[float, str, str]] = []
    for k, name in enumerate(names):
        bottom = rng.choice(("", "评价专用章", "培训专用章", "职业技能等级认定专用章"))
        alpha = seal_alpha(SealSpec(name, bottom), rng.randrange(95, 125), rng.uniform(-30, 30), k)[..., None]
        page = np.full((1600, 1131, 3), 244, np.float32)
        side = alpha.shape[0]
        region = page[600 : 600 + side, 400 : 400 + side]
        region[:] = region * (1 - 0.9 * alpha) + region * (np.array(SEAL_RED[::-1], np.float32) / 255) * 0.9 * alpha
        pixels = page.astype(np.uint8)
        seals = find_red_seals(pixels)
        if not seals:
            missed += 1
            errors, chars = errors + len(name), chars + len(name)
            continue
        start = time.perf_counter()
        (read,) = read_seal_texts(pixels, seals[:1], engine)
        times.append((time.perf_counter() - start) * 1000.0)
        text = str(read.extras["text"])
        errors += min(Levenshtein.distance(text, name), len(name))
        chars += len(name)
        worst.append((_accuracy(text, name), name, text))
    photo = _seal_text_on_photos(engine, photo_count)
    return {
        "clean_generated": {
            "seals": len(names), "not_found": missed, "char_accuracy": round(1 - errors / chars, 4),
            "ms_per_seal": _summary(times), "worst": [w for w in sorted(worst)[:3] if w[0] < 1.0],
        },
        "generated_photos": photo,
        "reference_images": _seal_text_on_references(engine),
    }


def _seal_text_on_photos(engine: OcrEngine, count: int) -> dict[str, Any]:
    """Seals found on genuine generated photos (scan, phone, hard), read against the printed issuer."""
    accuracies: list[float] = []
    found = 0
    for sample in _photos(count, 13, designs=["skill_level_2021"], variants=["genuine"],
                          conditions=["scan", "phone", "hard"]):
        _, image = _load(sample.photo.jpeg, sample.truth.image)
        seals = find_red_seals(image.pixels)
        truth = sample.content.seals[0].arc_text if sample.content.seals else None
        if not seals or truth is None:
            continue
        found += 1
        reads = read_seal_texts(image.pixels, seals, engine)
        accuracies.append(max(_accuracy(str(r.extras["text"]), truth) for r in reads))
    return {
        "photos": count, "seals_found": found,
        "char_accuracy_mean": round(statistics.mean(accuracies), 4) if accuracies else None,
        "read_at_85_percent_or_more": sum(a >= 0.85 for a in accuracies),
    }


def _seal_text_on_references(engine: OcrEngine) -> list[dict[str, Any]]:
    if not REFERENCE.is_dir():
        return []
    out = []
    for name, truth in REFERENCE_SEALS:
        path = REFERENCE / name
        if not path.is_file():
            continue
        _, image = _load(path.read_bytes(), path.name)
        reads = read_seal_texts(image.pixels, find_red_seals(image.pixels), engine)
        best = max((str(r.extras["text"]) for r in reads), key=lambda t: _accuracy(t, truth), default="")
        out.append({"image": name, "seals_found": len(reads), "best_read": best,
                    "char_accuracy": round(_accuracy(best, truth), 3)})
    return out


# --- QR codes ------------------------------------------------------------------------------------


def qr_section(count: int = 20) -> dict[str, Any]:
    """Decode rate per upload size, which pass decoded, and what OpenCV's decoder would add."""
    detector = QrCodeDetector()
    opencv = cv2.QRCodeDetector()
    by_size: dict[str, Any] = {}
    for long_side in (1200, 2000, 4000):
        decoded_count, sources, opencv_extra, missed = 0, {}, 0, []
        for sample in _photos(count, 41, designs=["skill_level_2021"], variants=["genuine"],
                              conditions=["scan", "phone", "hard", "sideways"], long_side=long_side):
            decoded, image = _load(sample.photo.jpeg, sample.truth.image)
            found = [d for d in detector(image, decoded) if d.extras["payload"] == sample.content.qr_payload]
            if found:
                decoded_count += 1
                source = str(found[0].extras["source"])
                sources[source] = sources.get(source, 0) + 1
                continue
            missed.append(f"{sample.truth.name} (blur {sample.truth.capture.get('blur_sigma')})")
            for pixels in (image.pixels, decoded.pixels):
                ok, texts, _, _ = opencv.detectAndDecodeMulti(pixels)
                if ok and sample.content.qr_payload in texts:
                    opencv_extra += 1
                    break
        by_size[str(long_side)] = {
            "photos": count, "decoded": decoded_count, "rate": round(decoded_count / count, 3),
            "by_pass": sources, "opencv_decodes_of_missed": opencv_extra, "missed": missed,
        }
    return by_size


# --- rules end to end ----------------------------------------------------------------------------


def mark_rules_section(count: int = 24, genuine_count: int = 24) -> dict[str, Any]:
    """The checker on the seal and QR variants (recall) and on genuine photos (false alarms)."""
    from certcheck.pipeline import Checker
    from certcheck.settings import Settings
    from samples.generator.issuers import DEMO_ISSUERS_CSV

    settings = Settings(data_dir=Path(tempfile.mkdtemp(prefix="certcheck-bench-")), templates=[], issuers=[])
    checker = Checker.from_settings(settings, issuers=[Path(DEMO_ISSUERS_CSV)])
    checker.warm_up()
    watched = (EvidenceCode.QR_UNOFFICIAL, EvidenceCode.FOREIGN_MARK, EvidenceCode.TEMPLATE_MISMATCH)
    per_variant: dict[str, dict[str, Any]] = {}
    corpora = (
        (_photos(count, 33, variants=["foreign_seal", "missing_seal", "qr_unofficial", "qr_contradicts"],
                 conditions=["scan", "phone", "hard"])),
        (_photos(genuine_count, 34, variants=["genuine"], conditions=["scan", "phone", "hard"],
                 designs=["skill_level_2021", "company_internal", "competition_award"])),
    )
    for corpus in corpora:
        for sample in corpus:
            report = checker.check_bytes(sample.photo.jpeg, sample.truth.image)
            codes = {e.code for e in report.verdict.evidence}
            row = per_variant.setdefault(sample.truth.variant, {"photos": 0, **{c.value: 0 for c in watched}})
            row["photos"] += 1
            for code in watched:
                row[code.value] += code in codes
            if sample.truth.variant == "missing_seal":
                seal_mismatch = any(
                    e.code == EvidenceCode.TEMPLATE_MISMATCH and "印章" in e.message for e in report.verdict.evidence
                )
                row["seal_template_mismatch"] = row.get("seal_template_mismatch", 0) + seal_mismatch
    return per_variant


# --- recapture and tampering ---------------------------------------------------------------------


def forensics_section(genuine_count: int = 30, variant_count: int = 10) -> dict[str, Any]:
    """False alarms on genuine photos and the real references first, then recall on the two conditions."""
    recapture, tampering = RecaptureDetector(), TamperingDetector()
    genuine = {"photos": 0, "recapture": 0, "tampering": 0}
    for sample in _photos(genuine_count, 13, designs=["skill_level_2021"], variants=["genuine"],
                          conditions=["scan", "phone", "hard"]):
        decoded, image = _load(sample.photo.jpeg, sample.truth.image)
        genuine["photos"] += 1
        genuine["recapture"] += bool(recapture(image, decoded))
        genuine["tampering"] += bool(tampering(image, decoded))
    references = []
    for name in REFERENCE_DOCUMENTS if REFERENCE.is_dir() else ():
        path = REFERENCE / name
        if path.is_file():
            decoded, image = _load(path.read_bytes(), path.name)
            references.append({"image": name, "recapture": len(recapture(image, decoded)),
                               "tampering": len(tampering(image, decoded))})
    screens = {"photos": 0, "found": 0}
    for sample in _photos(variant_count, 31, designs=["skill_level_2021", "company_internal"], variants=["genuine"],
                          conditions=["screen_recapture"]):
        decoded, image = _load(sample.photo.jpeg, sample.truth.image)
        screens["photos"] += 1
        screens["found"] += bool(recapture(image, decoded))
    edits = {"photos": 0, "found_at_the_edit": 0, "flagged_elsewhere": 0}
    for sample in _photos(variant_count, 32, designs=["skill_level_2021", "company_internal", "competition_award"],
                          variants=["genuine"], conditions=["tampered_field"]):
        decoded, image = _load(sample.photo.jpeg, sample.truth.image)
        edits["photos"] += 1
        box = _to_work(image, sample.truth.capture["tampered_box"])
        hits = tampering(image, decoded)
        edits["found_at_the_edit"] += any(_overlaps(d, box) for d in hits)
        edits["flagged_elsewhere"] += sum(not _overlaps(d, box) for d in hits)
    return {"genuine_generated": genuine, "reference_images": references, "screen_recapture": screens,
            "tampered_field": edits}


def _to_work(image: NormalizedImage, box: Sequence[int]) -> tuple[float, float, float, float]:
    inverse = np.linalg.inv(image.to_upload)
    corners = np.array([[box[0], box[1], 1.0], [box[2], box[1], 1.0], [box[2], box[3], 1.0], [box[0], box[3], 1.0]])
    mapped = corners @ inverse.T
    xy = mapped[:, :2] / mapped[:, 2:3]
    return float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()), float(xy[:, 1].max())


def _overlaps(detection: Detection, box: tuple[float, float, float, float]) -> bool:
    if detection.quad is None:
        return False
    xs, ys = [p[0] for p in detection.quad], [p[1] for p in detection.quad]
    return min(xs) < box[2] and max(xs) > box[0] and min(ys) < box[3] and max(ys) > box[1]


# --- emblem and watermark ------------------------------------------------------------------------

#: Knock-off variants that print the emblem, and those that tile a watermark (samples/generator/variants_marks.py).
EMBLEM_VARIANTS = ("emblem_colour", "emblem_red", "emblem_black", "emblem_large")
WATERMARK_VARIANTS = ("watermark_qualification", "watermark_prc", "watermark_emblem")
#: Designs whose genuine photos measure false alarms (every one carries a round red seal).
GENUINE_DESIGNS = ("skill_level_2021", "company_internal", "competition_award")
#: Real reference renderings of the emblem (pasted onto a blank sheet at several sizes).
REFERENCE_EMBLEMS = (
    "emblem/prc_emblem_color_z602113284-Image_render560.png",
    "emblem/prc_emblem_red_mono_zhuiwang-personal_latex.png",
    "emblem/prc_emblem_color_small_hushuijun-law.png",
)
#: Real reference images with the emblem printed on them, and without (seals, logos, red headers).
REFERENCE_WITH_EMBLEM = ("certificates/business_license_sample_with_emblem_and_seal_cicba.png",)
REFERENCE_WITHOUT_EMBLEM = (
    "certificates/cnas_lab_accreditation_certificate_cn_en_ImageAnalysisService.jpg",
    "documents/official_notice_two_red_seals_scan_ImageAnalysisService.jpg",
    "documents/phone_photo_posted_notice_red_seal_glare_ImageAnalysisService.png",
    "seals/scan_company_finance_personal_seals_SealCut.jpg",
    "seals/seal_crop_0_TrOCR-Seal-Recognition.png",
    "seals/seal_crop_1_TrOCR-Seal-Recognition.png",
    "seals/seal_crop_2_TrOCR-Seal-Recognition.png",
    "seals/generated_company_seal_annotated_parts_pansy-seal.png",
)


# Cost is CPU time of this process (OpenCV's and ONNX Runtime's threads included): on the shared
# 2-core machine wall time mostly measures the other jobs.


def _upright(sample: Any) -> tuple[DecodedImage, NormalizedImage]:
    """The photo normalised and turned upright as the pipeline's OCR vote turns it (from the truth's rotation)."""
    import dataclasses

    from vision.normalize import rotate_quarter

    decoded, image = _load(sample.photo.jpeg, sample.truth.image)
    turn = (sample.truth.rotation - image.rotation) % 360
    if turn:
        image = dataclasses.replace(image, pixels=np.ascontiguousarray(rotate_quarter(image.pixels, turn)))
    return decoded, image


def _flat_reference(path: Path) -> np.ndarray:
    """A reference image as BGR on white (transparency flattened)."""
    from PIL import Image

    with Image.open(path) as opened:
        rgba = opened.convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", rgba.size, (255, 255, 255, 255)), rgba).convert("RGB")
    return cv2.cvtColor(np.asarray(flat), cv2.COLOR_RGB2BGR)


def _as_work(bgr: np.ndarray) -> NormalizedImage:
    k = WORK_LONG_SIDE / max(bgr.shape[:2])
    pixels = cv2.resize(bgr, None, fx=k, fy=k, interpolation=cv2.INTER_AREA if k < 1 else cv2.INTER_CUBIC)
    return NormalizedImage(pixels=pixels, to_upload=np.eye(3), upload_size=(pixels.shape[1], pixels.shape[0]))


def _emblem_at(image: NormalizedImage, found: Sequence[Detection], spec: Any) -> bool:
    """Whether a detection sits on the printed emblem (the sheet fills the work image once rectified)."""
    if not image.sheet_found:
        return bool(found)
    side = spec.size * min(image.width, image.height)
    cx, cy = spec.center[0] * image.width, spec.center[1] * image.height
    for d in found:
        assert d.quad is not None
        (x0, y0), _, (x1, y1), _ = d.quad
        if abs((x0 + x1) / 2 - cx) < 0.5 * side and abs((y0 + y1) / 2 - cy) < 0.5 * side:
            return True
    return False


def emblem_section(count: int = 32, genuine_count: int = 30) -> dict[str, Any]:
    """Emblem recall on the emblem knock-offs, false alarms on genuine sealed photos, real references, cost."""
    from vision.detectors.emblem import EmblemDetector

    detector = EmblemDetector()
    times: list[float] = []
    per_variant: dict[str, dict[str, Any]] = {}
    for sample in _photos(count, 12, variants=list(EMBLEM_VARIANTS), conditions=["scan", "phone", "hard"]):
        _, image = _upright(sample)
        start = time.process_time()
        found = detector(image)
        times.append((time.process_time() - start) * 1000.0)
        row = per_variant.setdefault(sample.truth.variant, {"photos": 0, "found": 0, "at_the_emblem": 0, "missed": []})
        row["photos"] += 1
        row["found"] += bool(found)
        located = _emblem_at(image, found, sample.content.emblems[0])
        row["at_the_emblem"] += located
        if not located:
            row["missed"].append(sample.truth.name)
    genuine = {"photos": 0, "with_red_seal": 0, "false_alarms": 0, "false_alarm_photos": []}
    for sample in _photos(genuine_count, 13, designs=list(GENUINE_DESIGNS), variants=["genuine"],
                          conditions=["scan", "phone", "hard"]):
        _, image = _upright(sample)
        start = time.process_time()
        found = detector(image)
        times.append((time.process_time() - start) * 1000.0)
        genuine["photos"] += 1
        genuine["with_red_seal"] += bool(find_red_seals(image.pixels))
        if found:
            genuine["false_alarms"] += 1
            genuine["false_alarm_photos"].append(sample.truth.name)
    total = {k: sum(v[k] for v in per_variant.values()) for k in ("photos", "at_the_emblem")}
    return {
        "knockoffs": per_variant,
        "recall": round(total["at_the_emblem"] / max(1, total["photos"]), 3),
        "genuine": genuine,
        "false_alarm_rate": round(genuine["false_alarms"] / max(1, genuine["photos"]), 3),
        "reference_images": _emblem_references(detector),
        "cpu_ms_per_photo": _summary(times),
    }


def _emblem_references(detector: Any) -> dict[str, Any]:
    """Real emblems pasted on a blank sheet at 8, 15 and 30 % of its short side; real documents as they are."""
    if not REFERENCE.is_dir():
        return {}
    pasted = []
    for name in REFERENCE_EMBLEMS:
        art = _flat_reference(REFERENCE / name)
        for share in (0.08, 0.15, 0.3):
            sheet = np.full((1131, 1600, 3), 246, np.uint8)
            side = round(share * 1131)
            mark = cv2.resize(art, (side, round(side * art.shape[0] / art.shape[1])), interpolation=cv2.INTER_AREA)
            region = sheet[120 : 120 + mark.shape[0], 300 : 300 + side]
            region[:] = np.minimum(region, mark)
            found = detector(NormalizedImage(sheet, np.eye(3), (1600, 1131)))
            pasted.append({"image": name, "share": share, "found": len(found),
                           "correlation": found[0].extras["correlation"] if found else None})
    documents = [
        {"image": name, "has_emblem": name in REFERENCE_WITH_EMBLEM,
         "found": [d.extras["print"] for d in detector(_as_work(_flat_reference(REFERENCE / name)))]}
        for name in (*REFERENCE_WITH_EMBLEM, *REFERENCE_WITHOUT_EMBLEM)
    ]
    return {"pasted_emblems": pasted, "documents": documents}


def watermark_section(engine: OcrEngine, count: int = 24, genuine_count: int = 30) -> dict[str, Any]:
    """Watermark recall (found, and read as restricted words or the emblem), false alarms, references, cost."""
    from rules.marks import default_marks, restricted_words_in
    from vision.detectors.watermark import WatermarkDetector

    words = default_marks().watermark_words.words
    detector = WatermarkDetector(engine=engine)
    plain_times: list[float] = []
    read_times: list[float] = []
    per_variant: dict[str, dict[str, Any]] = {}

    def run(image: NormalizedImage) -> list[Detection]:
        start = time.process_time()
        found = detector(image)
        (read_times if found else plain_times).append((time.process_time() - start) * 1000.0)
        return found

    for sample in _photos(count, 14, variants=list(WATERMARK_VARIANTS), conditions=["scan", "phone", "hard"]):
        _, image = _upright(sample)
        found = run(image)
        row = per_variant.setdefault(sample.truth.variant, {"photos": 0, "found": 0, "read_as_restricted": 0,
                                                            "read_as_emblem": 0, "readings": []})
        row["photos"] += 1
        row["found"] += bool(found)
        for d in found[:1]:
            row["read_as_restricted"] += bool(restricted_words_in(str(d.extras["text"] or ""), words))
            row["read_as_emblem"] += bool(d.extras["emblem"])
            row["readings"].append(d.extras["text"])
    negatives: dict[str, dict[str, Any]] = {}
    corpora = (
        ("genuine", _photos(genuine_count, 13, designs=list(GENUINE_DESIGNS), variants=["genuine"],
                            conditions=["scan", "phone", "hard"])),
        ("emblem_knockoffs", _photos(16, 12, variants=list(EMBLEM_VARIANTS), conditions=["scan", "phone", "hard"])),
    )
    for label, corpus in corpora:
        row = negatives.setdefault(label, {"photos": 0, "pattern_found": 0, "would_be_evidence": 0, "photos_found": []})
        for sample in corpus:
            _, image = _upright(sample)
            found = run(image)
            row["photos"] += 1
            row["pattern_found"] += bool(found)
            row["would_be_evidence"] += any(
                d.extras["emblem"] or restricted_words_in(str(d.extras["text"] or ""), words) for d in found
            )
            if found:
                row["photos_found"].append(sample.truth.name)
    references = [
        {"image": name, "found": [(d.extras["tiling"], d.extras["text"], d.extras["emblem"])
                                  for d in detector(_as_work(_flat_reference(REFERENCE / name)))]}
        for name in (*REFERENCE_WITH_EMBLEM, *REFERENCE_WITHOUT_EMBLEM) if REFERENCE.is_dir()
    ]
    found_total = sum(v["found"] for v in per_variant.values())
    recognised = sum(v["read_as_restricted"] + v["read_as_emblem"] > 0 for v in per_variant.values())
    return {
        "knockoffs": per_variant,
        "recall_found": round(found_total / max(1, sum(v["photos"] for v in per_variant.values())), 3),
        "variants_recognised": recognised,
        "negatives": negatives,
        "reference_images": references,
        "cpu_ms_per_photo_without_pattern": _summary(plain_times),
        "cpu_ms_per_photo_with_pattern_incl_ocr": _summary(read_times),
    }


# --- cost ----------------------------------------------------------------------------------------


def cost_section(engine: OcrEngine, count: int = 12) -> dict[str, Any]:
    """Milliseconds per 2000-px photo for each detector and per seal read (best of 3 runs per photo)."""
    from vision.detectors.emblem import EmblemDetector
    from vision.detectors.watermark import WatermarkDetector

    detectors = {"qr.v1": QrCodeDetector(), "recapture.v1": RecaptureDetector(), "tampering.v1": TamperingDetector(),
                 "emblem.v1": EmblemDetector(), "watermark.v1": WatermarkDetector(engine=engine)}
    times: dict[str, list[float]] = {name: [] for name in (*detectors, "seal_text_per_seal", "ocr")}
    for sample in _photos(count, 13, designs=["skill_level_2021", "company_internal"], variants=["genuine"],
                          conditions=["phone", "hard"]):
        decoded, image = _load(sample.photo.jpeg, sample.truth.image)
        for name, detector in detectors.items():
            times[name].append(min(_timed(lambda d=detector: d(image, decoded)) for _ in range(3)))
        seals = find_red_seals(image.pixels)
        if seals:
            best = min(_timed(lambda s=seals: read_seal_texts(image.pixels, s, engine)) for _ in range(3))
            times["seal_text_per_seal"].append(best / len(seals))
        times["ocr"].append(_timed(lambda: engine.read(image.pixels)))
    return {name: _summary(values) for name, values in times.items()}


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000.0


def _engine() -> OcrEngine:
    engine = OcrEngine()
    engine.load()
    return engine


# --- real images -------------------------------------------------------------------------------

#: How far (share of the image) a found seal's centre may lie outside the marked box: marks read off a
#: 10 % grid are good to about 0.02.
_TRUTH_SLACK = 0.02
#: Real certificates without an emblem the reference emblems are pasted onto (any that are present).
PASTE_SHEETS = (
    "jl-ry-mzy-sanhao.jpg", "jl-ry-chinasoft-xiamen.jpg", "orange-zyjn-yingyangshi.png", "jl-zxnl-photoshop.jpg",
    "mo-ry-vex.jpg", "cwy-shumo-cumcm.jpg",
)
#: Emblem side as a share of the sheet's short side, and the turn (degrees) of each paste.
PASTE_SHARES = (0.03, 0.08, 0.15, 0.3)
PASTE_TURNS = (0.0, 12.0)


def _truth_path(name: str) -> Path:
    return REFERENCE / name if "/" in name else REAL_IMAGES / name


def _load_truth() -> dict[str, dict[str, Any]]:
    import yaml

    images: dict[str, dict[str, Any]] = yaml.safe_load(DETECTOR_TRUTH.read_text(encoding="utf-8"))["images"]
    return {name: entry for name, entry in images.items() if _truth_path(name).is_file()}


def _upload_box(image: NormalizedImage, detection: Detection) -> tuple[float, float, float, float]:
    """A detection's box as fractions of the upload (what the truth marks)."""
    assert detection.quad is not None
    x0, y0, x1, y1 = image.bbox_to_upload(detection.quad)
    w, h = image.upload_size
    return x0 / w, y0 / h, x1 / w, y1 / h


def _centre_in(box: Sequence[float], truth: Sequence[float]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    s = _TRUTH_SLACK
    return truth[0] - s <= cx <= truth[2] + s and truth[1] - s <= cy <= truth[3] + s


def real_section(engine: OcrEngine) -> dict[str, Any]:
    """Seals, seal texts and the emblem on the real images of ``bench/detector_truth.yaml``; cost per detector."""
    from vision.detectors.emblem import EmblemDetector

    truth = _load_truth()
    if not truth:
        return {"note": "../shared/real-images and ../shared/reference-images are absent"}
    emblem = EmblemDetector()
    seals: dict[str, dict[str, Any]] = {}
    texts: list[dict[str, Any]] = []
    emblems: dict[str, dict[str, Any]] = {"prints": {"n": 0, "found": 0, "missed": []},
                                          "negatives": {"n": 0, "false_alarms": 0, "files": []},
                                          "named_negatives": {}}
    times: dict[str, list[float]] = {"seal_find": [], "seal_text": [], "emblem": [], "ocr": []}
    for name, entry in truth.items():
        decoded, image = _load(_truth_path(name).read_bytes(), Path(name).name)
        start = time.perf_counter()
        found = find_red_seals(image.pixels)
        times["seal_find"].append((time.perf_counter() - start) * 1000.0)
        _score_seals(seals.setdefault(_truth_set(name), _seal_counts()), name, entry, image, found)
        if any(t.get("text") for t in entry["seals"]):
            start = time.perf_counter()
            read = read_seal_texts(image.pixels, found, engine) if found else []
            times["seal_text"].append((time.perf_counter() - start) * 1000.0 / max(1, len(found)))
            texts += _score_texts(name, entry, image, read)
        if name.startswith("emblem/"):
            continue  # the renders alone are pasted onto real sheets below
        start = time.perf_counter()
        upright = _upright_work(image, int(entry.get("upright_turn", 0)))
        marks = [d for d in emblem(upright, decoded) if d.extras.get("mark") == "national_emblem"]
        times["emblem"].append((time.perf_counter() - start) * 1000.0)
        _score_emblem(emblems, name, entry, bool(marks))
        if len(times["ocr"]) < 6 and _truth_set(name) == "real":
            times["ocr"].append(_timed(lambda image=image: engine.read(image.pixels)))
    return {
        "seals": seals,
        "seal_text": _text_summary(texts),
        "emblem": {**emblems, "pasted_on_real_certificates": _pasted_emblems(emblem)},
        "ms": {name: _summary(values) for name, values in times.items() if values},
    }


def _upright_work(image: NormalizedImage, upright_turn: int) -> NormalizedImage:
    """The work image turned the right way up, as the pipeline has it when the detectors run.

    Before OCR, :func:`vision.normalize.normalize` guesses the page's turn from
    its layout and is wrong on some real pages (the pipeline turns them after
    OCR's angle classifier); the emblem is matched upright (turns up to 8
    degrees), so it is measured on the page as the detectors get it. The
    upload is upright unless the truth gives ``upright_turn``, the clockwise
    quarter turn that makes it so.
    """
    turn = (upright_turn - image.rotation) % 360
    if turn == 0:
        return image
    w, h = image.width, image.height
    # Work point of the turned page -> work point before the turn (rotate_quarter turns clockwise).
    back = {
        90: np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, h], [0.0, 0.0, 1.0]]),
        180: np.array([[-1.0, 0.0, w], [0.0, -1.0, h], [0.0, 0.0, 1.0]]),
        270: np.array([[0.0, -1.0, w], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]),
    }[turn]
    pixels = np.ascontiguousarray(rotate_quarter(image.pixels, turn))
    return dataclasses.replace(image, pixels=pixels, to_upload=image.to_upload @ back,
                               rotation=(image.rotation + turn) % 360)


def _truth_set(name: str) -> str:
    return "reference" if "/" in name else "real"


def _seal_counts() -> dict[str, Any]:
    return {"images": 0, "seals": 0, "found": 0, "missed": [], "false_seals": 0, "false_seal_files": []}


def _score_seals(
    counts: dict[str, Any], name: str, entry: dict[str, Any], image: NormalizedImage, found: Sequence[Detection]
) -> None:
    boxes = [_upload_box(image, d) for d in found]
    counts["images"] += 1
    for i, seal in enumerate(entry["seals"]):
        counts["seals"] += 1
        if any(_centre_in(b, seal["box"]) for b in boxes):
            counts["found"] += 1
        else:
            counts["missed"].append(f"{name}#{i}" + (f" ({seal['note']})" if seal.get("note") else ""))
    false = [b for b in boxes if not any(_centre_in(b, seal["box"]) for seal in entry["seals"])]
    counts["false_seals"] += len(false)
    if false:
        counts["false_seal_files"].append(name)
    counts["recall"] = round(counts["found"] / max(1, counts["seals"]), 3)


def _score_texts(
    name: str, entry: dict[str, Any], image: NormalizedImage, read: Sequence[Detection]
) -> list[dict[str, Any]]:
    out = []
    for seal in entry["seals"]:
        if not seal.get("text"):
            continue
        mine = [r for r in read if _centre_in(_upload_box(image, r), seal["box"])]
        text = str(mine[0].extras["text"]) if mine else ""
        out.append({
            "image": name, "clean": bool(seal.get("clean")), "truth": seal["text"], "read": text,
            "char_accuracy": round(_accuracy(text, seal["text"]), 3),
            "confidence": mine[0].extras["text_confidence"] if mine else 0.0,
            "trusted": bool(mine and mine[0].extras["text_trusted"]),
        })
    return out


def _text_summary(texts: Sequence[dict[str, Any]]) -> dict[str, Any]:
    def accuracy(rows: Sequence[dict[str, Any]]) -> float | None:
        chars = sum(len(r["truth"]) for r in rows)
        right = sum(r["char_accuracy"] * len(r["truth"]) for r in rows)
        return round(right / chars, 3) if chars else None

    clean = [t for t in texts if t["clean"]]
    trusted = [t for t in texts if t["trusted"]]
    return {
        "seals": len(texts), "char_accuracy": accuracy(texts),
        "clean": {"seals": len(clean), "char_accuracy": accuracy(clean)},
        "trusted": len(trusted),
        # A trusted reading below 80 % would name the wrong issuer: the number that must stay 0.
        "trusted_but_wrong": sum(t["char_accuracy"] < 0.8 for t in trusted),
        "readings": list(texts),
    }


def _score_emblem(emblems: dict[str, Any], name: str, entry: dict[str, Any], found: bool) -> None:
    if entry.get("emblem"):
        row = emblems["prints"]
        row["n"] += 1
        row["found"] += found
        if not found:
            row["missed"].append(name)
        row["recall"] = round(row["found"] / row["n"], 3)
        return
    row = emblems["negatives"]
    row["n"] += 1
    row["false_alarms"] += found
    if found:
        row["files"].append(name)
    if entry.get("emblem_negative"):
        emblems["named_negatives"][name] = {"mark": entry["emblem_negative"], "false_alarm": found}


def _emblem_inks(render: np.ndarray) -> dict[str, np.ndarray]:
    """A reference render as printed in colour, in red only and in black only (BGR on white)."""
    gray = cv2.cvtColor(render, cv2.COLOR_BGR2GRAY)
    ink = (255 - gray).astype(np.float32)[..., None] / 255.0
    mono = {"red": np.array([40, 40, 200], np.float32), "black": np.array([35, 35, 35], np.float32)}
    out = {"colour": render}
    for key, colour in mono.items():
        out[key] = np.clip(255.0 * (1 - ink) + colour * ink, 0, 255).astype(np.uint8)
    return out


def _paste(sheet: np.ndarray, art: np.ndarray, share: float, turn: float, glare: bool) -> np.ndarray:
    """``art`` multiplied onto ``sheet`` above its centre at ``share`` of its short side, turned; optionally
    under a bright glare spot (a photo of glossy paper)."""
    h, w = sheet.shape[:2]
    side = max(8, round(share * min(h, w)))
    mark = cv2.resize(art, (side, max(8, round(side * art.shape[0] / art.shape[1]))), interpolation=cv2.INTER_AREA)
    if turn:
        m = cv2.getRotationMatrix2D((mark.shape[1] / 2, mark.shape[0] / 2), turn, 1.0)
        mark = cv2.warpAffine(mark, m, (mark.shape[1], mark.shape[0]), borderValue=(255, 255, 255))
    out = sheet.copy()
    y0, x0 = round(0.12 * h), (w - mark.shape[1]) // 2
    region = out[y0 : y0 + mark.shape[0], x0 : x0 + mark.shape[1]].astype(np.float32)
    region *= mark[: region.shape[0], : region.shape[1]].astype(np.float32) / 255.0
    out[y0 : y0 + region.shape[0], x0 : x0 + region.shape[1]] = region.astype(np.uint8)
    if glare:
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        spot = np.exp(-(((xx - x0 - mark.shape[1] * 0.7) ** 2 + (yy - y0 - mark.shape[0] * 0.3) ** 2)
                        / (2 * (0.6 * mark.shape[1] + 20) ** 2)))[..., None]
        out = np.clip(out.astype(np.float32) + 110.0 * spot, 0, 255).astype(np.uint8)
    return out


def _pasted_emblems(detector: Any) -> dict[str, Any]:
    """The reference renders, in colour, red and black, pasted onto real certificates (in memory only)."""
    renders = [name for name in REFERENCE_EMBLEMS if (REFERENCE / name).is_file()]
    sheets = [REAL_IMAGES / name for name in PASTE_SHEETS if (REAL_IMAGES / name).is_file()]
    rows: dict[str, dict[str, Any]] = {}
    for sheet_path in sheets:
        _, image = _load(sheet_path.read_bytes(), sheet_path.name)
        for name in renders:
            for ink, art in _emblem_inks(_flat_reference(REFERENCE / name)).items():
                for k, share in enumerate(PASTE_SHARES):
                    turn = PASTE_TURNS[k % len(PASTE_TURNS)]
                    glare = ink == "colour" and k % 2 == 1
                    pixels = _paste(image.pixels, art, share, turn, glare)
                    found = detector(dataclasses.replace(image, pixels=pixels))
                    hit = any(d.extras.get("mark") == "national_emblem" and _on_paste(d, pixels.shape, share)
                              for d in found)
                    row = rows.setdefault(f"{ink} {share:.2f}", {"n": 0, "found": 0})
                    row["n"] += 1
                    row["found"] += hit
    total = sum(r["n"] for r in rows.values())
    return {"sheets": len(sheets), "renders": len(renders), "n": total,
            "recall": round(sum(r["found"] for r in rows.values()) / max(1, total), 3), "by_ink_and_size": rows}


def _on_paste(d: Detection, shape: tuple[int, ...], share: float) -> bool:
    """Whether a detection's centre lies on the pasted emblem (centred, 12 % from the top)."""
    assert d.quad is not None
    h, w = shape[:2]
    side = share * min(h, w)
    cx, cy = (d.quad[0][0] + d.quad[2][0]) / 2, (d.quad[0][1] + d.quad[2][1]) / 2
    return abs(cx - w / 2) <= 0.6 * side + 4 and abs(cy - (0.12 * h + side / 2)) <= 0.6 * side + 4


#: Section name -> function of a lazily built OCR engine.
SECTIONS: dict[str, Callable[[Callable[[], OcrEngine]], dict[str, Any]]] = {
    "seal_text": lambda engine: seal_text_section(engine()),
    "qr": lambda engine: qr_section(),
    "mark_rules": lambda engine: mark_rules_section(),
    "forensics": lambda engine: forensics_section(),
    "cost": lambda engine: cost_section(engine()),
    "emblem": lambda engine: emblem_section(),
    "watermark": lambda engine: watermark_section(engine()),
    "real": lambda engine: real_section(engine()),
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run the sections asked for, print them and merge them into the results file."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", nargs="+", choices=sorted(SECTIONS), default=sorted(SECTIONS))
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    shared: list[OcrEngine] = []

    def engine() -> OcrEngine:
        if not shared:
            shared.append(_engine())
        return shared[0]

    results: dict[str, Any] = json.loads(args.out.read_text(encoding="utf-8")) if args.out.is_file() else {}
    for name in args.sections:
        start = time.perf_counter()
        results[name] = SECTIONS[name](engine)
        print(f"== {name} ({time.perf_counter() - start:.0f} s)")
        print(json.dumps(results[name], ensure_ascii=False, indent=1))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

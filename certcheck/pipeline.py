"""The orchestrator: one certificate photo in, one :class:`~certcheck.types.Report` out.

:meth:`Checker.check_bytes` reads top to bottom:
decode → normalise → OCR → detectors → fields → template and rules → verdict
→ annotation. Each stage is timed and any unexpected failure is re-raised as a
:class:`~certcheck.errors.CertcheckError` naming the stage, never swallowed
into an empty result.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import numpy as np

from certcheck.errors import CertcheckError, FileTooLarge, ImageNotFound
from certcheck.privacy import mask_id_numbers
from certcheck.settings import Settings
from certcheck.types import (
    CertificateFields,
    CertificateKind,
    Detection,
    Evidence,
    EvidenceCode,
    FieldValue,
    NormalizedImage,
    OcrLine,
    OcrResult,
    Quad,
    Report,
    TemplateMatch,
    quad_to_bbox,
)
from ocr.engine import OcrEngine, OcrRead
from ocr.fields import extract_fields, find_title
from ocr.layout import line_angle_deg, rows_of, union_quad
from ocr.signature import read_signature_block
from rules.authorities import find_state_issuer, issuing_names
from rules.burden import weigh_evidence
from rules.catalogue import RuleData, default_rule_data
from rules.context import RuleContext
from rules.documents import DocumentIdentity, identify_document
from rules.evidence import make_evidence, one_per_code_and_span
from rules.kinds import classify_title
from rules.quality import check_image_quality
from rules.registry import CERTIFICATE_RULES
from rules.template_rules import check_template_match
from rules.text_check import check_text
from rules.verdict import build_verdict
from rules.wording import span_quad
from templates_registry.issuers import find_issuer
from templates_registry.loader import Registry, load_registry
from templates_registry.matching import TemplateCandidate, rank_templates
from vision.annotate import AnnotationItem, annotate
from vision.decode import decode_image
from vision.detectors import build_all_detectors
from vision.normalize import MAX_UPLOAD_ASPECT, normalize
from vision.seal_suppress import find_red_seals, suppress_red_seals
from vision.seal_text import read_seal_texts

__all__ = ["Checker", "half_turn_quad", "turn_half"]

log = logging.getLogger("certcheck.pipeline")

#: Share of text the angle classifier must call upside down before the page is
#: turned by 180°; a majority vote over at least MIN_LINES_FOR_FLIP lines.
UPSIDE_DOWN_MAJORITY = 0.6
MIN_LINES_FOR_FLIP = 3
#: Uploads whose long side is under this many pixels are not read at all: a
#: whole certificate in so few pixels has body characters of 3-4 px, which
#: no OCR reads, and reading the page upscaled to the work size costs a full
#: OCR pass (seconds) for nothing. The quality detector reports the photo as
#: too small (its own threshold is 600 px), so the verdict is ``unknown``.
MIN_READABLE_LONG_SIDE = 200


@contextmanager
def _stage(name: str, timings: dict[str, float]) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    except CertcheckError:
        raise
    except Exception as exc:
        log.exception("stage %s failed", name)
        raise CertcheckError(message_en=f"internal error in stage '{name}': {type(exc).__name__}") from exc
    finally:
        timings[name] = timings.get(name, 0.0) + (time.perf_counter() - start) * 1000.0


def turn_half(image: NormalizedImage, ocr: OcrResult) -> tuple[NormalizedImage, OcrResult]:
    """Turn the work-space page by 180° and move the OCR lines with it.

    The angle classifier already read each upside-down line the right way up,
    so only geometry changes: a work-space point (x, y) of the turned page was
    (W - x, H - y) before, which is composed into ``to_upload``.
    """
    w, h = image.width, image.height
    back = np.array([[-1.0, 0.0, w], [0.0, -1.0, h], [0.0, 0.0, 1.0]])
    turned = replace(
        image,
        pixels=np.ascontiguousarray(image.pixels[::-1, ::-1]),
        to_upload=image.to_upload @ back,
        rotation=(image.rotation + 180) % 360,
    )

    lines = tuple(replace(line, quad=half_turn_quad(line.quad, w, h)) for line in ocr.lines)
    return turned, replace(ocr, lines=lines)


def half_turn_quad(quad: Quad, width: int, height: int) -> Quad:
    """A work-space quad after the page turned by 180°, still clockwise from its top-left.

    >>> half_turn_quad(((1, 2), (5, 2), (5, 4), (1, 4)), 10, 10)
    ((5, 6), (9, 6), (9, 8), (5, 8))
    """
    p0, p1, p2, p3 = ((width - x, height - y) for x, y in quad)
    return (p2, p3, p0, p1)


class Checker:
    """Checks certificate images against the rules and the registries in force.

    Build one per process with :meth:`from_settings`; it holds the OCR models
    and the registries and is safe to share between threads.
    """

    def __init__(
        self,
        settings: Settings,
        registry: Registry,
        *,
        engine: OcrEngine | None = None,
        rule_data: RuleData | None = None,
    ) -> None:
        self.settings = settings
        self._registry = registry
        self.engine = engine or OcrEngine(
            threads=settings.ocr_threads, device=settings.ocr_device, det_long_side=settings.ocr_det_long_side
        )
        self.rule_data = rule_data or default_rule_data()
        self.detectors = build_all_detectors(engine=self.engine)

    @classmethod
    def from_settings(
        cls, settings: Settings, *, templates: Sequence[Path] = (), issuers: Sequence[Path] = ()
    ) -> Checker:
        """Load the registries in their layers (built-in < data dir < env < arguments)."""
        registry = load_registry(
            settings.data_dir,
            env_templates=settings.templates,
            env_issuers=settings.issuers,
            templates=templates,
            issuers=issuers,
        )
        return cls(settings, registry)

    @property
    def registry(self) -> Registry:
        return self._registry

    def use_registry(self, registry: Registry) -> None:
        """Swap in a reloaded registry (after a registration); checks already running keep the old one."""
        self._registry = registry

    @property
    def ready(self) -> bool:
        return self.engine.loaded

    def warm_up(self) -> None:
        """Load the OCR models now rather than on the first check."""
        self.engine.load()

    def check_path(self, path: Path, *, template_id: str | None = None, annotate: bool = False) -> Report:
        """Check an image file; its size is checked before it is read."""
        if not path.is_file():
            raise ImageNotFound(f"找不到文件：{path.name}", f"file not found: {path}")
        if path.stat().st_size > self.settings.max_upload_bytes:
            raise FileTooLarge()
        return self.check_bytes(path.read_bytes(), path.name, template_id=template_id, annotate=annotate)

    def check_bytes(
        self, data: bytes, source_name: str, *, template_id: str | None = None, annotate: bool = False
    ) -> Report:
        """Check one uploaded image and return the full report."""
        timings: dict[str, float] = {}
        start = time.perf_counter()
        settings = self.settings
        # 1. decode: bytes -> upload-space pixels (type by magic bytes, caps before decoding)
        with _stage("decode", timings):
            decoded = decode_image(
                data, source_name, max_pixels=settings.max_pixels,
                max_bytes=settings.max_upload_bytes, max_pdf_pages=settings.max_pdf_pages,
            )
        # 2. normalise: find the sheet, straighten it, quarter turns -> work space
        with _stage("normalize", timings):
            normalized = normalize(decoded, long_side=settings.work_long_side)
        # 3. red seals found, their text read, their ink lifted so the text stamped over stays readable
        with _stage("seals", timings):
            height, width = decoded.pixels.shape[:2]
            # An upload beyond the judged aspect is a sliver of a page: only its quality is reported.
            sliver = max(height, width) > MAX_UPLOAD_ASPECT * max(1, min(height, width))
            seals = [] if sliver else find_red_seals(normalized.pixels)
            if seals:
                # Read each seal's curved text before its ink is lifted: it names the issuer.
                seals = read_seal_texts(normalized.pixels, seals, self.engine)
            ocr_pixels = suppress_red_seals(normalized.pixels, seals) if seals else normalized.pixels
        # 4. OCR in work space; an upside-down page is turned without a second pass
        with _stage("ocr", timings):
            if sliver or max(decoded.pixels.shape[:2]) < MIN_READABLE_LONG_SIDE:
                read = OcrRead(OcrResult(lines=()), upside_down_share=0.0)
            else:
                read = self.engine.read(ocr_pixels)
            ocr = read.result
            if read.upside_down_share >= UPSIDE_DOWN_MAJORITY and len(ocr.lines) >= MIN_LINES_FOR_FLIP:
                seals = [_turn_detection(s, normalized.width, normalized.height) for s in seals]
                normalized, ocr = turn_half(normalized, ocr)
        # 5. detectors on the work-space image
        with _stage("detectors", timings):
            detections = tuple(seals)
            for detector in self.detectors:
                if sliver and not detector.name.startswith("image_quality"):
                    continue
                detections += tuple(detector(normalized, decoded))
        # 6-7. fields, template comparison and rules
        with _stage("rules", timings):
            # The certificate is judged on its print: text of a detected tiled watermark is judged as WATERMARK.
            printed = _without_watermark_text(ocr, detections)
            fields, template, evidence = self._judge(printed, normalized, detections, template_id)
            verdict = build_verdict(evidence, fields, template, self.rule_data)
        # 8. annotation, on the uploaded pixels
        png = None
        if annotate:
            with _stage("annotate", timings):
                png = _annotate(decoded.pixels, normalized, verdict.evidence, ocr)
        timings["total"] = (time.perf_counter() - start) * 1000.0
        return Report(
            file=source_name, certificate=fields, template=template, verdict=verdict, ocr=ocr,
            normalized=normalized, detections=detections, annotated_png=png, timings_ms=timings,
        )

    def _judge(
        self,
        ocr: OcrResult,
        normalized: NormalizedImage,
        detections: Sequence[Detection],
        template_id: str | None,
    ) -> tuple[CertificateFields, TemplateMatch | None, list[Evidence]]:
        data = self.rule_data
        title = find_title(ocr, normalized.height)
        kind = classify_title(title.value if title else None, data.kinds)
        candidates = rank_templates(
            self._registry, kind, title.value if title else None, ocr, template_id=template_id,
            page_size=(normalized.width, normalized.height),
        )
        labels = _labels_for(candidates[0] if candidates else None, data)
        # Labels are looked for below the title, never inside it: the generic
        # labels 职业 / 专业 also occur in titles such as 专业技术人员职业资格证书.
        found = extract_fields(_without_title(ocr, title), labels)
        unlabelled = read_signature_block(
            ocr, normalized.height, salutations=data.salutations, organisation_suffixes=data.organisation_suffixes
        )
        found = {**unlabelled, **found}
        fields = CertificateFields(kind=kind, title=title, **{k: found.get(k) for k in _REPORT_KEYS})
        page_size = (normalized.width, normalized.height)
        # What the upload is decides whether the certificate rules judge it at all.
        document = identify_document(ocr, title, kind, detections, page_size, data)
        if not document.is_certificate and document.type_id != "plain_text":
            return _not_a_certificate(ocr, title, document, data)
        quality = check_image_quality(detections, ocr, fields, data)
        photo_problems = any(d.detector.startswith("image_quality") for d in detections)
        if not document.is_certificate and not photo_problems:
            # Plain text read well: not a certificate (it has no certificate's title or fields to judge).
            return _not_a_certificate(ocr, title, document, data)
        if quality:
            # Nothing else can be judged on a photo that could not be read.
            return fields, None, list(quality)
        if not document.is_certificate:
            return _not_a_certificate(ocr, title, document, data)
        matched, evidence = check_template_match(fields, candidates, data)
        issuer = find_issuer(self._registry, _issuer_names(fields, detections))
        issuing = issuing_names(fields, detections, ocr, normalized.height, data.state_bodies)
        context = RuleContext(
            ocr=ocr, page_size=page_size, fields=fields,
            candidates=tuple(candidates), matched=matched, issuer=issuer,
            registry=self._registry, detections=tuple(detections), data=data,
            document=document, issuing_names=issuing, state_issuer=find_state_issuer(issuing, data.state_bodies),
        )
        for rule in CERTIFICATE_RULES:
            evidence += rule(context)
        # The burden of proof: what each finding is worth given who issued the document and what it is.
        evidence = weigh_evidence(context, one_per_code_and_span(evidence))
        template = None
        if matched is not None:
            spec = matched.template.spec
            template = TemplateMatch(template_id=spec.id, name=spec.name, match_score=matched.score)
        return fields, template, evidence


def _not_a_certificate(
    ocr: OcrResult, title: FieldValue | None, document: DocumentIdentity, data: RuleData
) -> tuple[CertificateFields, None, list[Evidence]]:
    """An upload that is not a certificate: what it appears to be, and for an advert its text judged as a text."""
    evidence = [make_evidence(
        data, EvidenceCode.NOT_A_CERTIFICATE,
        f"这不是证书，看起来是{document.name}。certcheck 只判断技术技能类证书。",
        f"This is not a certificate; it appears to be {document.name_en}. certcheck judges vocational "
        "certificates only.",
        text=document.name, confidence=min(0.99, 0.5 + 0.05 * document.score),
    )]
    if document.document_class == "advert":
        evidence += _advert_evidence(ocr, data)
    return CertificateFields(kind=CertificateKind.NOT_CERTIFICATE, title=title), None, evidence


def _advert_evidence(ocr: OcrResult, data: RuleData) -> list[Evidence]:
    """The publicity rules on an advert's text (as ``check-text`` judges it), each finding on its row."""
    rows = rows_of(ocr.lines)
    text, starts = "", []
    for row in rows:
        starts.append(len(text))
        text += row.text + "\n"
    found: list[Evidence] = []
    for finding in check_text(text[: 100_000], data=data).findings:
        index = max(i for i, start in enumerate(starts) if start <= finding.start)
        local = finding.start - starts[index], min(finding.end - starts[index], len(rows[index].text))
        quad = span_quad(rows[index], *local) if local[1] > local[0] else union_quad(rows[index].lines)
        found.append(replace(finding.evidence, quad=quad))
    return found


def _issuer_names(fields: CertificateFields, detections: Sequence[Detection]) -> list[tuple[str, str]]:
    """The texts that may name the issuer: the printed issuer field, then each seal's text."""
    names = [(fields.issuer.value, "printed")] if fields.issuer else []
    names += [(d.extras["text"], "seal") for d in detections if d.kind == "seal" and d.extras.get("text")]
    return names


#: On the rectified sheet the print runs horizontally (measured within 2° on the generated corpus);
#: tiled watermark text is laid at an angle (20-35° on the generator's and on common fakes). With a
#: watermark detected, boxes tilted more than this are its text, not the certificate's print.
WATERMARK_TILT_DEG = 10.0


def _without_watermark_text(ocr: OcrResult, detections: Sequence[Detection]) -> OcrResult:
    """The OCR lines less the tilted boxes of a detected watermark (work space)."""
    if not any(d.kind == "watermark" for d in detections):
        return ocr

    def tilted(line: OcrLine) -> bool:
        angle = abs(line_angle_deg(line))
        return WATERMARK_TILT_DEG < angle < 180.0 - WATERMARK_TILT_DEG

    return replace(ocr, lines=tuple(line for line in ocr.lines if not tilted(line)))


def _without_title(ocr: OcrResult, title: FieldValue | None) -> OcrResult:
    """The OCR lines less those of the title row (work space)."""
    if title is None or title.quad is None:
        return ocr
    x0, y0, x1, y1 = quad_to_bbox(title.quad)

    def in_title(line: OcrLine) -> bool:
        lx0, ly0, lx1, ly1 = line.bbox
        cx, cy = (lx0 + lx1) / 2, (ly0 + ly1) / 2
        return x0 <= cx <= x1 and y0 <= cy <= y1

    return replace(ocr, lines=tuple(line for line in ocr.lines if not in_title(line)))


def _turn_detection(detection: Detection, width: int, height: int) -> Detection:
    """A work-space detection after the page turned by 180° (its quad and any ``center``)."""
    extras = dict(detection.extras)
    if "center" in extras:
        cx, cy = extras["center"]
        extras["center"] = (width - cx, height - cy)
    quad = half_turn_quad(detection.quad, width, height) if detection.quad else None
    return replace(detection, quad=quad, extras=extras)


_REPORT_KEYS = ("holder_name", "id_number", "serial_number", "occupation", "level", "issuer", "issue_date")


def _labels_for(candidate: TemplateCandidate | None, data: RuleData) -> dict[str, tuple[str, ...]]:
    """The best candidate template's own labels first, generic labels for the rest."""
    labels = {key: tuple(names) for key, names in data.field_labels.items()}
    if candidate is not None:
        for spec in candidate.template.spec.fields:
            labels[spec.key] = tuple(dict.fromkeys((*spec.all_labels, *labels.get(spec.key, ()))))
    return labels


def _annotate(pixels: np.ndarray, normalized: NormalizedImage, evidence: Sequence[Evidence], ocr: OcrResult) -> bytes:
    items = [
        AnnotationItem(bbox=normalized.bbox_to_upload(e.quad), label=e.code.value, severity=e.severity.value)
        for e in evidence
        if e.quad is not None and e.code != EvidenceCode.IMAGE_QUALITY
    ]
    # Printed ID numbers are unreadable in the annotated image, as in the JSON: judged by row, so a number
    # that OCR split over two boxes of one line is blacked out whole.
    redact = [normalized.bbox_to_upload(line.quad)
              for row in rows_of(ocr.lines) if mask_id_numbers(row.text) != row.text for line in row.lines]
    return annotate(pixels, items, redact)

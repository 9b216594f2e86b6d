"""Typed, frozen data that the pipeline stages exchange.

Coordinate spaces (every box in the project lives in exactly one of them):

* **upload space**: integer pixels of the uploaded image *after* its EXIF
  orientation was applied. This is what the Report's ``bbox`` fields use
  (CONTRACT.md section 3).
* **work space**: pixels of :class:`NormalizedImage.pixels`, the image after
  the sheet was found, perspective-corrected, turned upright and resized for
  OCR. OCR lines, detections and rule evidence are produced in work space.
  ``NormalizedImage.to_upload`` is the 3x3 homography that maps a work-space
  point to upload space, so every box traces back to the uploaded pixels.

Stage outputs are frozen dataclasses; pydantic models live only at the edges
(HTTP wire models in ``app/schemas.py``, data files in ``templates_registry``).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "BBox",
    "Category",
    "CertificateFields",
    "CertificateKind",
    "DecodedImage",
    "Detection",
    "Evidence",
    "EvidenceCode",
    "FieldValue",
    "IssuerKind",
    "IssuerStatus",
    "NormalizedImage",
    "OcrLine",
    "OcrResult",
    "Point",
    "Quad",
    "Report",
    "RiskLevel",
    "Severity",
    "TemplateMatch",
    "Verdict",
    "quad_to_bbox",
]

Point = tuple[float, float]
#: Four corners, clockwise from top-left, in float pixels of one coordinate space.
Quad = tuple[Point, Point, Point, Point]
#: ``[x0, y0, x1, y1]`` integer pixels (x1/y1 exclusive), as in CONTRACT.md.
BBox = tuple[int, int, int, int]


def quad_to_bbox(quad: Sequence[Point]) -> BBox:
    """Smallest integer box that holds every corner of ``quad``.

    >>> quad_to_bbox(((1.2, 2.0), (5.7, 2.0), (5.7, 4.1), (1.2, 4.1)))
    (1, 2, 6, 5)
    """
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    return (int(np.floor(min(xs))), int(np.floor(min(ys))), int(np.ceil(max(xs))), int(np.ceil(max(ys))))


class RiskLevel(str, enum.Enum):
    """The verdict's ``risk_level`` (CONTRACT.md section 3)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    UNKNOWN = "unknown"


class Severity(str, enum.Enum):
    """Severity of one piece of evidence; ordered by :attr:`rank`."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.INFO: 0, Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


class Category(str, enum.Enum):
    """Evidence categories, the columns of the inspection statistics forms."""

    WORDING_AND_MARKS = "wording_and_marks"
    FALSE_PUBLICITY = "false_publicity"
    NONSTANDARD_FORMAT = "nonstandard_format"
    ISSUER = "issuer"
    IMAGE = "image"


class EvidenceCode(str, enum.Enum):
    """Every evidence code of CONTRACT.md section 3."""

    FORBIDDEN_WORDING = "FORBIDDEN_WORDING"
    EMBLEM = "EMBLEM"
    WATERMARK = "WATERMARK"
    FOREIGN_MARK = "FOREIGN_MARK"
    FALSE_CLAIM = "FALSE_CLAIM"
    IMPERSONATED_AUTHORITY = "IMPERSONATED_AUTHORITY"
    ADDED_TEXT = "ADDED_TEXT"
    TEMPLATE_MISMATCH = "TEMPLATE_MISMATCH"
    SERIAL_FORMAT = "SERIAL_FORMAT"
    QR_UNOFFICIAL = "QR_UNOFFICIAL"
    FIELD_INVALID = "FIELD_INVALID"
    UNREGISTERED_ISSUER = "UNREGISTERED_ISSUER"
    BLACKLISTED_ISSUER = "BLACKLISTED_ISSUER"
    OUT_OF_SCOPE = "OUT_OF_SCOPE"
    NOT_IN_CATALOGUE = "NOT_IN_CATALOGUE"
    IMAGE_QUALITY = "IMAGE_QUALITY"
    TAMPERING = "TAMPERING"
    RECAPTURE = "RECAPTURE"
    NOT_A_CERTIFICATE = "NOT_A_CERTIFICATE"


class CertificateKind(str, enum.Enum):
    """``certificate.kind``: decided by the printed title (CONTRACT.md kinds table)."""

    SKILL_LEVEL = "skill_level"
    SPECIAL_ABILITY = "special_ability"
    QUALIFICATION = "qualification"
    PROFESSIONAL_QUALIFICATION = "professional_qualification"
    TRAINING = "training"
    OTHER = "other"
    NOT_CERTIFICATE = "not_certificate"
    UNKNOWN = "unknown"

    @property
    def is_official(self) -> bool:
        """Kinds whose title claims a government-recognised certificate."""
        return self in _OFFICIAL_KINDS


_OFFICIAL_KINDS = frozenset(
    {
        CertificateKind.SKILL_LEVEL,
        CertificateKind.SPECIAL_ABILITY,
        CertificateKind.QUALIFICATION,
        CertificateKind.PROFESSIONAL_QUALIFICATION,
    }
)


class IssuerKind(str, enum.Enum):
    """Issuer registry ``kind`` (CONTRACT.md section 5)."""

    EVALUATION_ORG = "evaluation_org"
    TRAINING_ORG = "training_org"
    EMPLOYER = "employer"
    AUTHORITY = "authority"


class IssuerStatus(str, enum.Enum):
    """Issuer registry ``status`` (CONTRACT.md section 5)."""

    ACTIVE = "active"
    REVOKED = "revoked"
    BLACKLISTED = "blacklisted"


@dataclass(frozen=True)
class DecodedImage:
    """The upload, decoded to pixels.

    Attributes:
        pixels: ``H x W x 3`` uint8 BGR array in upload space (EXIF applied).
        media_type: the type recognised from the bytes, e.g. ``image/jpeg``.
        source_name: the file name as given by the caller (display only).
        elapsed_ms: decoding time.
    """

    pixels: np.ndarray
    media_type: str
    source_name: str
    elapsed_ms: float = 0.0

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


@dataclass(frozen=True)
class NormalizedImage:
    """The certificate sheet, upright and sized for OCR (work space).

    Attributes:
        pixels: ``H x W x 3`` uint8 BGR array in work space.
        to_upload: 3x3 float64 homography, work space -> upload space.
        upload_size: ``(width, height)`` of the uploaded image, for clipping.
        sheet_found: whether a sheet outline was found and rectified; when
            false the whole photo was used.
        rotation: clockwise quarter turns (0, 90, 180, 270) applied to make the
            text upright.
        elapsed_ms: normalisation time.
    """

    pixels: np.ndarray
    to_upload: np.ndarray
    upload_size: tuple[int, int]
    sheet_found: bool = False
    rotation: int = 0
    elapsed_ms: float = 0.0

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])

    def quad_to_upload(self, quad: Sequence[Point]) -> Quad:
        """Map a work-space quad to upload space through :attr:`to_upload`."""
        pts = np.asarray(quad, dtype=np.float64).reshape(-1, 2)
        homog = np.hstack([pts, np.ones((pts.shape[0], 1))]) @ self.to_upload.T
        mapped = homog[:, :2] / homog[:, 2:3]
        return tuple((float(x), float(y)) for x, y in mapped)  # type: ignore[return-value]

    def bbox_to_upload(self, quad: Sequence[Point]) -> BBox:
        """Map a work-space quad to an upload-space bbox, clipped to the image."""
        x0, y0, x1, y1 = quad_to_bbox(self.quad_to_upload(quad))
        w, h = self.upload_size
        return (max(0, min(x0, w)), max(0, min(y0, h)), max(0, min(x1, w)), max(0, min(y1, h)))


@dataclass(frozen=True)
class OcrLine:
    """One recognised line of text, in work space.

    Attributes:
        text: recognised text, as the engine returned it.
        quad: the line's four corners in work space.
        confidence: recognition confidence in [0, 1].
    """

    text: str
    quad: Quad
    confidence: float

    @property
    def bbox(self) -> BBox:
        return quad_to_bbox(self.quad)

    @property
    def height(self) -> float:
        x0, y0, x1, y1 = self.bbox
        return float(y1 - y0)

    @property
    def center(self) -> Point:
        x0, y0, x1, y1 = self.bbox
        return ((x0 + x1) / 2.0, (y0 + y1) / 2.0)


@dataclass(frozen=True)
class OcrResult:
    """All lines the OCR engine read on a work-space image."""

    lines: tuple[OcrLine, ...]
    elapsed_ms: float = 0.0

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


@dataclass(frozen=True)
class Detection:
    """What one detector found on a work-space image (one shape for all detectors).

    Attributes:
        detector: the detector's registered name, e.g. ``image_quality.v1``.
        kind: what was found, e.g. ``blurred``, ``seal``, ``qr``.
        quad: where, in work space; ``None`` for whole-image findings.
        score: confidence in [0, 1].
        extras: detector-specific values (measured sharpness, decoded text...).
    """

    detector: str
    kind: str
    quad: Quad | None
    score: float
    extras: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class FieldValue:
    """One field read from the certificate, with where it was printed."""

    key: str
    value: str
    quad: Quad | None
    confidence: float

    @property
    def as_date(self) -> datetime.date | None:
        """The value as a date when it is one in ISO form (how dates are read), else ``None``.

        >>> FieldValue("issue_date", "2024-05-10", None, 1.0).as_date
        datetime.date(2024, 5, 10)
        >>> FieldValue("issue_date", "2024年", None, 1.0).as_date is None
        True
        """
        try:
            return datetime.date.fromisoformat(self.value)
        except ValueError:
            return None


@dataclass(frozen=True)
class CertificateFields:
    """The certificate read into fields; ``None`` means not found, never guessed."""

    kind: CertificateKind
    title: FieldValue | None = None
    holder_name: FieldValue | None = None
    id_number: FieldValue | None = None
    serial_number: FieldValue | None = None
    occupation: FieldValue | None = None
    level: FieldValue | None = None
    issuer: FieldValue | None = None
    issue_date: FieldValue | None = None

    FIELD_KEYS = (
        "title",
        "holder_name",
        "id_number",
        "serial_number",
        "occupation",
        "level",
        "issuer",
        "issue_date",
    )

    def get(self, key: str) -> FieldValue | None:
        if key not in self.FIELD_KEYS:
            raise KeyError(key)
        value: FieldValue | None = getattr(self, key)
        return value


@dataclass(frozen=True)
class TemplateMatch:
    """The registered template the certificate was compared with."""

    template_id: str
    name: str
    match_score: float


@dataclass(frozen=True)
class Evidence:
    """One finding that a person can check: which rule, where, which clause.

    ``quad`` is in work space (``None`` for evidence with no place on the
    image); the report builder maps it to an upload-space ``bbox``.
    """

    code: EvidenceCode
    category: Category
    severity: Severity
    message: str
    message_en: str
    basis: str
    text: str | None = None
    quad: Quad | None = None
    confidence: float = 1.0
    #: What raised it, for the rules that weigh evidence afterwards (a wording entry ``wording:<id>``,
    #: ``seal`` for a seal's text); not part of the report.
    source: str | None = None


@dataclass(frozen=True)
class Verdict:
    """Evidence folded into the contract's risk level, score and summary."""

    risk_level: RiskLevel
    risk_score: int | None
    summary: str
    summary_en: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Report:
    """Everything one check produced, before it is shaped for the wire.

    Boxes inside ``verdict.evidence``, ``ocr`` and ``certificate`` are in work
    space; ``normalized`` carries the transform to upload space.
    """

    file: str
    certificate: CertificateFields
    template: TemplateMatch | None
    verdict: Verdict
    ocr: OcrResult
    normalized: NormalizedImage
    detections: tuple[Detection, ...] = ()
    annotated_png: bytes | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)

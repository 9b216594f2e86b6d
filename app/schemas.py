"""Wire models of the HTTP API, mirroring CONTRACT.md sections 2 and 3.

They are the ``response_model`` of each route, so ``/openapi.json`` documents
the contract and every answer is validated against it on the way out. The
closed vocabularies reuse the enums of :mod:`certcheck.types`, so the wire
and the domain cannot drift apart. Report models allow extra keys: the
contract may grow new fields, and a response model must not silently drop them.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from certcheck.types import (
    Category,
    CertificateKind,
    EvidenceCode,
    IssuerKind,
    IssuerStatus,
    RiskLevel,
    Severity,
)
from rules.text_check import MAX_TEXT_CHARS
from templates_registry.loader import Template
from templates_registry.models import IssuerRecord

__all__ = [
    "Certificate",
    "CheckTextRequest",
    "ErrorBody",
    "ErrorDetail",
    "Evidence",
    "Health",
    "Issuer",
    "IssuerImportResult",
    "OcrLine",
    "Readiness",
    "Report",
    "TemplateDetail",
    "TemplateRef",
    "TemplateSummary",
    "TextEvidence",
    "TextReport",
]

#: ``[x0, y0, x1, y1]`` integer pixels of the uploaded image after EXIF rotation.
BBox = tuple[int, int, int, int]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class Certificate(_Open):
    """The fields read from the certificate; ``null`` when not found, never guessed."""

    kind: CertificateKind
    title: str | None = None
    holder_name: str | None = None
    id_number: str | None = Field(None, description="Masked: first 4 and last 4 characters kept.")
    serial_number: str | None = None
    occupation: str | None = None
    level: str | None = None
    issuer: str | None = None
    issue_date: str | None = None


class TemplateRef(_Open):
    """The registered template the certificate matched."""

    id: str
    name: str
    match_score: float


class Evidence(_Open):
    """One finding a person can check: which rule, where on the image, which policy clause."""

    code: EvidenceCode
    category: Category
    severity: Severity
    message: str
    message_en: str
    basis: str | None = Field(None, description="The policy clause this finding rests on.")
    text: str | None = None
    bbox: BBox | None = Field(None, description="Upload-space pixels; null when the finding has no place.")
    confidence: float


class OcrLine(_Open):
    """One line of text read from the image."""

    text: str
    bbox: BBox
    confidence: float


class Report(_Open):
    """The result of checking one image (CONTRACT.md section 3)."""

    schema_version: Literal["1"]
    file: str
    risk_level: RiskLevel
    risk_score: int | None = Field(description="0-29 low, 30-69 medium, 70-100 high; null when unknown.")
    summary: str
    summary_en: str
    certificate: Certificate
    template: TemplateRef | None
    evidence: list[Evidence]
    ocr: list[OcrLine]
    annotated_image: str | None = Field(description="Base64 PNG when annotate was asked, else null.")
    timings_ms: dict[str, float]


class CheckTextRequest(BaseModel):
    """Body of ``POST /v1/check-text``: an advertisement, a web page or a chat message."""

    model_config = ConfigDict(extra="forbid")

    # At most MAX_TEXT_CHARS (100 000) characters, and not only whitespace.
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, pattern=r"\S")


class TextEvidence(Evidence):
    """Evidence found in a text: ``text`` is the matched span at ``[start, end)``."""

    start: int
    end: int


class TextReport(_Open):
    """The publicity rules applied to a text (CONTRACT.md section 2)."""

    risk_level: RiskLevel
    risk_score: int | None
    summary: str
    summary_en: str
    evidence: list[TextEvidence]


class TemplateSummary(BaseModel):
    """One registered template, as listed by ``GET /v1/templates``."""

    id: str
    name: str
    kind: CertificateKind
    title: str
    layer: str = Field(description="Where it was registered: builtin, data_dir, env or run.")
    layout_learnt: bool = Field(
        False, description="Whether the reference image's layout was learnt (layout.json); else labels only."
    )

    @classmethod
    def from_template(cls, template: Template) -> Self:
        """The listing of one registered template (its server-side folder is not disclosed)."""
        spec = template.spec
        return cls(
            id=spec.id, name=spec.name, kind=spec.kind, title=spec.title, layer=template.layer,
            layout_learnt=template.layout is not None,
        )


class TemplateDetail(TemplateSummary):
    """One template with its whole specification (CONTRACT.md section 4)."""

    spec: dict[str, Any]

    @classmethod
    def from_template(cls, template: Template) -> Self:
        """The listing plus the whole ``template.yaml`` as validated."""
        summary = TemplateSummary.from_template(template).model_dump()
        return cls(**summary, spec=template.spec.model_dump(mode="json"))


class Issuer(BaseModel):
    """One row of the issuer registry (CONTRACT.md section 5)."""

    code: str
    name: str
    kind: IssuerKind
    status: IssuerStatus
    occupations: list[str] = Field(description="The registered scope; empty means no limit.")
    aliases: list[str] = []
    uscc: str | None = None
    registered_on: date | None = None

    @classmethod
    def from_record(cls, record: IssuerRecord) -> Self:
        return cls.model_validate(record.model_dump())


class IssuerImportResult(BaseModel):
    """What ``POST /v1/issuers`` changed in the data dir's issuer registry (rows upserted by ``code``)."""

    added: int
    updated: int
    total: int = Field(description="Rows in the data dir's issuer registry afterwards.")


class Health(BaseModel):
    """Liveness: the process answers."""

    status: Literal["ok"]


class Readiness(BaseModel):
    """Readiness: whether the OCR models are loaded."""

    status: Literal["loading", "ready", "failed"]
    ocr: dict[str, Any] | None = None


class ErrorDetail(BaseModel):
    """The contract's error object; ``code`` is stable, ``message`` is Chinese."""

    code: str
    message: str
    message_en: str


class ErrorBody(BaseModel):
    """Every error answer: ``{"error": {"code", "message", "message_en"}}``."""

    error: ErrorDetail

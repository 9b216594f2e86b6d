"""What every certificate rule sees: the page, its fields, the matched template and issuer.

The orchestrator builds one :class:`RuleContext` after fields are read, the
template is chosen and the issuer is looked up, then hands it to each rule of
:data:`rules.registry.CERTIFICATE_RULES`. Coordinates in it are work space
(the rectified sheet); the orchestrator maps evidence boxes back to the upload.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from certcheck.types import CertificateFields, Detection, Evidence, OcrResult
from rules.authorities import IssuingName, StateIssuer
from rules.catalogue import RuleData
from rules.documents import DocumentIdentity
from templates_registry.issuers import IssuerMatch
from templates_registry.loader import Registry, Template
from templates_registry.matching import TemplateCandidate

__all__ = ["Rule", "RuleContext"]


@dataclass(frozen=True)
class RuleContext:
    """One certificate as the rules see it (all boxes in work space)."""

    ocr: OcrResult
    page_size: tuple[int, int]  # (width, height) of the work-space sheet
    fields: CertificateFields
    candidates: tuple[TemplateCandidate, ...]  # same-kind templates, best first
    matched: TemplateCandidate | None  # the candidate accepted as the certificate's template
    issuer: IssuerMatch | None  # the registry row the printed issuer or a seal names
    registry: Registry
    detections: tuple[Detection, ...]
    data: RuleData
    #: What the upload is (a certificate here: other documents are not judged by the certificate rules).
    document: DocumentIdentity | None = None
    #: The names the document gives as its issuer (printed, signature rows, seals) and the state body among them.
    issuing_names: tuple[IssuingName, ...] = ()
    state_issuer: StateIssuer | None = None

    @property
    def template(self) -> Template | None:
        return self.matched.template if self.matched is not None else None

    def detections_of(self, kind: str) -> tuple[Detection, ...]:
        """The detections of one kind (``"seal"``, ``"qr"``, ``"emblem"``…)."""
        return tuple(d for d in self.detections if d.kind == kind)


#: A certificate rule: evidence found on one certificate, empty when none.
Rule = Callable[[RuleContext], Sequence[Evidence]]

"""What the upload is, before any wording rule judges it (``rules/data/document_types.yaml``).

certcheck judges 技术技能类 certificates. A business licence, an invoice, an ID
card, a ticket, a notice, a seal on its own or a photo of plain text is not a
certificate: it is answered ``unknown`` with ``NOT_A_CERTIFICATE`` and never
judged for the state names, marks and seals it legitimately prints. A photo of
an advert selling certificates is not a certificate either, but its text is
judged by the publicity rules.

Each document type scores its title words (in the page's title or a top row)
and its labels (anywhere); the certificate cues score the same way. The data
decides the words and the thresholds; this module only counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from certcheck.types import CertificateKind, Detection, FieldValue, OcrResult, quad_to_bbox
from ocr.layout import Row, rows_of
from ocr.text import compact, to_simplified
from rules.catalogue import DocumentType, DocumentTypes, RuleData

__all__ = ["DocumentIdentity", "identify_document"]

#: Rows whose top lies above this share of the page height may hold the title.
TOP_SHARE = 0.35
#: Certificate field labels count for at most this many points.
MAX_LABEL_POINTS = 3
#: Text outside a seal on its own: at most this many rows.
MAX_ROWS_BESIDE_SEAL = 3
#: An award, appointment or diploma needs its title word, or two of its phrases.
MIN_CERTIFICATE_TYPE_SCORE = 2


@dataclass(frozen=True)
class DocumentIdentity:
    """What the upload appears to be, with the score that decided it."""

    type_id: str  # a document type id (award, diploma… for certificates that attest no skill), or "certificate"
    name: str
    name_en: str
    document_class: str  # certificate | not_certificate | advert
    score: int
    certificate_score: int

    @property
    def is_certificate(self) -> bool:
        return self.document_class == "certificate"


def _fold(text: str) -> str:
    return compact(to_simplified(text)).lower()


def _found(words: Iterable[str], text: str) -> set[str]:
    return {w for w in words if _fold(w) and _fold(w) in text}


_NUMBERED = re.compile(r"^\(?[0-9]{1,3}[.、)）]?\D")


def _type_score(doc: DocumentType, title_text: str, page_text: str, rows: Sequence[Row], weight: int) -> int:
    titled = bool(_found(doc.titles, title_text))
    if doc.numbered_rows is not None and sum(bool(_NUMBERED.match(r.text)) for r in rows) >= doc.numbered_rows:
        titled = True
    return weight * titled + len(_found(doc.labels, page_text))


def _seal_share(detections: Sequence[Detection], page: tuple[int, int]) -> float:
    area = float(page[0] * page[1]) or 1.0
    best = 0.0
    for seal in detections:
        if seal.kind == "seal" and seal.quad is not None:
            x0, y0, x1, y1 = quad_to_bbox(seal.quad)
            best = max(best, (x1 - x0) * (y1 - y0) / area)
    return best


def _top_text(rows: Sequence[Row], title: FieldValue | None, page_height: int) -> str:
    top = [r.text for r in rows if min(line.bbox[1] for line in r.lines) < TOP_SHARE * page_height]
    return _fold((title.value if title else "") + "".join(top))


def identify_document(
    ocr: OcrResult,
    title: FieldValue | None,
    kind: CertificateKind,
    detections: Sequence[Detection],
    page_size: tuple[int, int],
    data: RuleData,
) -> DocumentIdentity:
    """Certificate, not a certificate (which kind of document), or an advert.

    A title that claims a vocational kind (职业技能等级证书, 培训证书…) makes a
    certificate unless a not-a-certificate type scores far above it (a notice
    *about* such certificates names them in its text, not as its title).
    """
    docs = data.documents
    rows = rows_of(ocr.lines)
    page_text = _fold("".join(r.text for r in rows))
    title_text = _top_text(rows, title, page_size[1])
    labels = {label for names in data.field_labels.values() for label in names}
    cert_score = (
        docs.title_weight * bool(_found(docs.certificate_titles, title_text))
        + len(_found(docs.certificate_phrases, page_text))
        + min(MAX_LABEL_POINTS, len(_found(labels, page_text)))
    )
    certificate = DocumentIdentity("certificate", "证书", "a certificate", "certificate", cert_score, cert_score)
    if not rows:
        return certificate  # nothing read: the image-quality rule decides
    scored: list[tuple[int, DocumentType]] = []
    for doc in docs.types:
        if doc.seal_share is not None:
            big_seal = _seal_share(detections, page_size) >= doc.seal_share
            if big_seal and len(rows) <= MAX_ROWS_BESIDE_SEAL and cert_score < docs.min_score:
                return DocumentIdentity(doc.id, doc.name, doc.name_en, doc.document_class, docs.min_score, cert_score)
            continue
        if doc.titles or doc.labels:
            scored.append((_type_score(doc, title_text, page_text, rows, docs.title_weight), doc))
    vocational = kind.is_official or kind == CertificateKind.TRAINING
    adverts = [(s, d) for s, d in scored if d.document_class == "advert"]
    others = [(s, d) for s, d in scored if d.document_class == "not_certificate"]
    for score, doc in sorted(adverts, key=lambda p: -p[0]):
        mentions_certificates = bool(_found(("证书", "证", "考证", "拿证", "资格", "等级"), page_text))
        if score >= docs.advert_min_cues + (docs.title_weight if vocational else 0) and mentions_certificates \
                and score > cert_score:
            return DocumentIdentity(doc.id, doc.name, doc.name_en, doc.document_class, score, cert_score)
    if others:
        score, doc = max(others, key=lambda p: p[0])
        margin = docs.title_weight if vocational else 0
        if score >= docs.min_score and score > cert_score + margin:
            return DocumentIdentity(doc.id, doc.name, doc.name_en, doc.document_class, score, cert_score)
    if cert_score == 0 and not vocational:
        plain = docs.get("plain_text")
        if plain is not None:
            return DocumentIdentity(plain.id, plain.name, plain.name_en, plain.document_class, 0, 0)
    return _certificate_type(docs, scored, title, kind, cert_score) or certificate


def _certificate_type(
    docs: DocumentTypes, scored: Sequence[tuple[int, DocumentType]], title: FieldValue | None,
    kind: CertificateKind, cert_score: int,
) -> DocumentIdentity | None:
    """An award, an appointment, a diploma…: a certificate that attests no skill (its title has no skill word)."""
    if kind != CertificateKind.OTHER:
        return None
    title_text = _fold(title.value) if title is not None else ""
    kinds = [(s, d) for s, d in scored if d.document_class == "certificate" and s >= MIN_CERTIFICATE_TYPE_SCORE]
    if _found(docs.skill_words, title_text):
        # A skill word in the title: only a type whose own title it is (业务资格证书) stays apart.
        kinds = [(s, d) for s, d in kinds if _found(d.titles, title_text)]
    if not kinds:
        return None
    score, doc = max(kinds, key=lambda p: p[0])
    return DocumentIdentity(doc.id, doc.name, doc.name_en, doc.document_class, score, cert_score)

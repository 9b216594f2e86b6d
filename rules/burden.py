"""The burden of proof: weigh the rules' findings against who issued the document and what it is.

The rules each look for one thing; this step, run once after all of them,
decides what their findings are worth on this document (``rules/data/burden.yaml``):

* a **state body's own document** (:class:`~rules.authorities.StateIssuer`, whose
  kind the body issues) prints its own name, the state names, its seal and the
  emblem: those findings are dropped (an invented national body stays);
* on **awards, honours, diplomas** (kind ``other``) a national competition's or a
  state body's own name is no violation; an authority that co-issued the document
  (its seal, a signature row) is not impersonated; other organisers' seals are
  normal (``low``);
* an authority's name beside a **lookup** (查询网址 …) points to its lookup: ``low``;
* only findings that **stand by themselves** stay ``high``; a restricted word that
  may be part of an unread issuer's own name, or an authority's name with nothing
  on the document to contradict it, is ``medium`` ("请到官方渠道核验");
* **weak signals** (a sharpness difference, a screen pattern) are ``low`` unless an
  independent finding at ``medium`` or above lies on the same place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from rapidfuzz import fuzz

from certcheck.types import CertificateKind, Evidence, EvidenceCode, Quad, Severity, quad_to_bbox
from ocr.layout import rows_of
from ocr.text import compact
from rules.authorities import MIN_NAME_SIMILARITY, match_state_body
from rules.context import RuleContext

__all__ = ["weigh_evidence"]

#: Boxes overlapping this much (intersection over the smaller box) lie on the same place.
SAME_PLACE = 0.3


def _overlap(a: Quad | None, b: Quad | None) -> float:
    if a is None or b is None:
        return 0.0
    ax0, ay0, ax1, ay1 = quad_to_bbox(a)
    bx0, by0, bx1, by1 = quad_to_bbox(b)
    iw, ih = max(0, min(ax1, bx1) - max(ax0, bx0)), max(0, min(ay1, by1) - max(ay0, by0))
    smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
    return iw * ih / smaller if smaller > 0 else 0.0


def _row_text_at(ctx: RuleContext, quad: Quad | None) -> str:
    """The OCR row under an evidence box ('' when none)."""
    if quad is None:
        return ""
    best, text = 0.0, ""
    for row in rows_of(ctx.ocr.lines):
        for line in row.lines:
            share = _overlap(quad, line.quad)
            if share > best:
                best, text = share, row.text
    return text if best >= SAME_PLACE else ""


def _entry_id(item: Evidence) -> str | None:
    if item.source and ":wording:" in item.source:
        return item.source.split(":wording:", 1)[1]
    return None


def _lower(item: Evidence, severity: Severity, note: str = "", note_en: str = "") -> Evidence:
    if item.severity.rank <= severity.rank:
        return item
    return replace(item, severity=severity, message=item.message + note, message_en=item.message_en + note_en)


def _issuer_unread(ctx: RuleContext) -> bool:
    return ctx.fields.issuer is None and ctx.issuer is None


def _may_be_issuer_name(ctx: RuleContext, item: Evidence) -> bool:
    """Whether a restricted word lies in a row that reads as an organisation's name (it may be the issuer's)."""
    row = compact(_row_text_at(ctx, item.quad))
    return bool(row) and any(row.endswith(compact(s)) for s in ctx.data.organisation_suffixes)


def _co_issuer(ctx: RuleContext, name: str) -> bool:
    """Whether the document itself names ``name`` as an issuer (a seal, the printed issuer, a signature row)."""
    body = match_state_body(name, ctx.data.state_bodies)
    if body is None:
        return False
    key = compact(name)
    for issuing in ctx.issuing_names:
        if issuing.source == "seal":
            if len(issuing.text) >= 3 and fuzz.partial_ratio(compact(issuing.text), key) >= MIN_NAME_SIMILARITY:
                return True
            continue
        if key in compact(issuing.text):
            return True
        other = match_state_body(issuing.text, ctx.data.state_bodies)
        if other is not None and other.name == body.name:
            return True
    return False


def _weigh_one(ctx: RuleContext, item: Evidence) -> Evidence | None:
    policy = ctx.data.burden
    kind = ctx.fields.kind
    state = ctx.state_issuer
    bodies = ctx.data.state_bodies
    own_document = state is not None and state.issues(kind.value)
    if own_document and item.code in policy.excused_for_state_issuer:
        if item.code in (EvidenceCode.IMPERSONATED_AUTHORITY, EvidenceCode.FOREIGN_MARK):
            if item.text is not None and match_state_body(item.text, bodies) is not None:
                return None  # a real state body, on its own (or a sister body's) document
        else:
            return None
    if own_document and item.code == EvidenceCode.UNREGISTERED_ISSUER:
        return None  # state bodies are not in the evaluation organisations' registry
    attests_no_skill = ctx.document is not None and ctx.document.type_id in policy.other_types
    if kind == CertificateKind.OTHER and attests_no_skill:
        if item.code == EvidenceCode.FORBIDDEN_WORDING and _entry_id(item) in policy.not_judged_on_other:
            return None
        if item.code == EvidenceCode.IMPERSONATED_AUTHORITY and item.text and _co_issuer(ctx, item.text):
            body = match_state_body(item.text, bodies)
            if body is not None and "other" in body.issues:
                return None
        if item.code == EvidenceCode.FOREIGN_MARK:
            item = _lower(item, Severity.LOW, "（奖状、荣誉证书常由多个单位联合盖章，请核对）",
                          " (awards are often stamped by several organisers; please check)")
    if item.code == EvidenceCode.IMPERSONATED_AUTHORITY and item.text:
        body = match_state_body(item.text, bodies)
        row = _row_text_at(ctx, item.quad).lower()
        if body is not None and any(w.lower() in row for w in policy.lookup_words):
            return _lower(item, Severity.LOW, "（写在查询网址旁，可能只是官方查询渠道，请核对）",
                          " (printed beside a lookup address: possibly just the official channel)")
        if body is not None and _issuer_unread(ctx) and not ctx.detections_of("seal"):
            item = _lower(item, Severity.MEDIUM, policy.verify_advice, " " + policy.verify_advice_en)
    if item.code == EvidenceCode.FORBIDDEN_WORDING and _issuer_unread(ctx) and _may_be_issuer_name(ctx, item):
        item = _lower(item, Severity.MEDIUM, policy.verify_advice, " " + policy.verify_advice_en)
    if item.code == EvidenceCode.UNREGISTERED_ISSUER and _issuer_unread(ctx):
        item = _lower(item, Severity.MEDIUM, policy.verify_advice, " " + policy.verify_advice_en)
    if item.code not in policy.stand_alone:
        item = _lower(item, Severity.MEDIUM)
    return item


def _weak_signals(evidence: Sequence[Evidence], weak: Sequence[EvidenceCode]) -> list[Evidence]:
    """Weak findings stay ``low`` unless an independent finding at medium or above lies on the same place."""
    strong = [e for e in evidence if e.code not in weak and e.severity.rank >= Severity.MEDIUM.rank]
    out = []
    for item in evidence:
        if item.code in weak and item.severity.rank > Severity.LOW.rank:
            if not any(_overlap(item.quad, other.quad) >= SAME_PLACE for other in strong):
                item = _lower(item, Severity.LOW)
        out.append(item)
    return out


def _alike_fields(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Every filled-in value sharper than the form alike is how certificates are printed (套打), not an edit.

    A field differs from the other fields when it alone stands out; when two or more values are flagged at
    ``low`` and none above, they are alike: each is information only.
    """
    flagged = [e for e in evidence if e.code == EvidenceCode.TAMPERING and e.text and e.severity == Severity.LOW]
    stronger = [e for e in evidence if e.code == EvidenceCode.TAMPERING and e.severity.rank > Severity.LOW.rank]
    if len(flagged) < 2 or stronger:
        return list(evidence)
    note = "（多个填写栏目同样清晰，多为正常套打，仅供参考）"
    note_en = " (several filled-in values look alike: usually normal overprinting)"
    return [replace(e, severity=Severity.INFO, message=e.message + note, message_en=e.message_en + note_en)
            if e in flagged else e for e in evidence]


def weigh_evidence(ctx: RuleContext, evidence: Sequence[Evidence]) -> list[Evidence]:
    """The findings as they stand on this document (some dropped, some lowered; none raised)."""
    weighed = [w for item in evidence if (w := _weigh_one(ctx, item)) is not None]
    return _alike_fields(_weak_signals(weighed, ctx.data.burden.weak))

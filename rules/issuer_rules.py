"""The issuer against the registry: ``UNREGISTERED_ISSUER``, ``BLACKLISTED_ISSUER``, ``OUT_OF_SCOPE``.

A genuine official certificate comes from an organisation filed (备案) with the
HR department, acting within the occupations it filed (人社鉴发〔2021〕1号 §一,
§二(三); cert-facts §1.2), and the 2022 campaign blacklists organisations that
issue 山寨证书 (人社部函〔2022〕25号, cert-facts §8.2). The orchestrator has already
looked the printed name and every seal's text up in the registry
(:func:`templates_registry.issuers.find_issuer`); these rules judge the row it
found, or its absence:

* ``UNREGISTERED_ISSUER``: an official kind (职业技能等级证书, 专项职业能力证书,
  职业资格证书, 专业技术人员职业资格证书) whose issuer is in no registry row; or is
  registered, but as a kind that may not issue it (CONTRACT.md kinds table: a
  training school is no 评价机构); or is not the one issuer a template with
  ``issuer_code`` accepts. Private kinds (training, other) are never flagged
  for being unregistered: nobody files them.
* ``BLACKLISTED_ISSUER``: the row's status is ``blacklisted`` or ``revoked``,
  whatever the certificate's kind.
* ``OUT_OF_SCOPE``: the printed occupation is outside the row's ``occupations``
  (empty means no limit).

With no issuer registry loaded at all (the built-in registry starts empty,
CONTRACT.md section 5) there is nothing to compare with, and the
unregistered check is skipped rather than flagging every certificate.

Each piece of evidence carries the registry row (CSV form) as its ``text`` and
the box of whatever named the issuer: the printed name, else the seal.
"""

from __future__ import annotations

from certcheck.types import (
    CertificateKind,
    Evidence,
    EvidenceCode,
    IssuerKind,
    IssuerStatus,
    Quad,
    Severity,
)
from rules.catalogue_rules import printed_occupation
from rules.context import RuleContext
from rules.evidence import make_evidence
from rules.serial import MIN_SURE_SERIAL_CONFIDENCE
from templates_registry.issuers import (
    MIN_LOOKALIKE_SIMILARITY,
    IssuerMatch,
    issuer_key,
    nearest_issuer,
    registry_row_text,
)
from templates_registry.models import IssuerRecord

__all__ = ["issuer_rule", "occupation_in_scope"]

_KIND_NAMES = {
    CertificateKind.SKILL_LEVEL: "职业技能等级证书",
    CertificateKind.SPECIAL_ABILITY: "专项职业能力证书",
    CertificateKind.QUALIFICATION: "职业资格证书",
    CertificateKind.PROFESSIONAL_QUALIFICATION: "专业技术人员职业资格证书",
}
_ISSUER_KIND_NAMES = {
    IssuerKind.EVALUATION_ORG: "评价机构",
    IssuerKind.TRAINING_ORG: "培训机构",
    IssuerKind.EMPLOYER: "用人单位（评价机构）",
    IssuerKind.AUTHORITY: "主管部门",
}
_STATUS_NAMES = {IssuerStatus.BLACKLISTED: "列入黑名单", IssuerStatus.REVOKED: "备案已撤销"}
#: Below this OCR confidence the printed name or occupation may be a misread, so
#: a finding that rests on it alone is medium ("verify by eye"); same cut as serials.
MIN_SURE_READ_CONFIDENCE = MIN_SURE_SERIAL_CONFIDENCE


def occupation_in_scope(occupation: str, scope: tuple[str, ...]) -> bool:
    """Whether a printed occupation is one the issuer filed (an empty scope has no limit).

    Names are folded (simplified, half-width, no punctuation); a printed
    occupation that contains a filed one or is contained in it counts, so
    "电工（维修电工）" is within 电工.

    >>> occupation_in_scope("電工", ("电工", "焊工")), occupation_in_scope("美容师", ("电工", "焊工"))
    (True, False)
    >>> occupation_in_scope("任何职业", ())
    True
    """
    if not scope:
        return True
    printed = issuer_key(occupation)
    for entry in scope:
        filed = issuer_key(entry)
        if printed == filed or (len(filed) >= 2 and filed in printed) or (len(printed) >= 2 and printed in filed):
            return True
    return False


def issuer_rule(ctx: RuleContext) -> list[Evidence]:
    """Issuer evidence for one certificate (see the module docstring for the codes)."""
    kind = ctx.fields.kind
    if ctx.issuer is None:
        return _unregistered(ctx) if kind.is_official and ctx.registry.issuers else []
    evidence = _blacklisted(ctx, ctx.issuer)
    if kind.is_official:
        evidence += _wrong_issuer(ctx, ctx.issuer)
        evidence += _out_of_scope(ctx, ctx.issuer.record)
    return evidence


def _match_quad(ctx: RuleContext, match: IssuerMatch) -> Quad | None:
    """Where the name that matched is printed: the issuer field, or the seal that carried it."""
    if match.source == "seal":
        for seal in ctx.detections_of("seal"):
            if seal.extras.get("text") == match.read_as and seal.quad is not None:
                return seal.quad
    return ctx.fields.issuer.quad if ctx.fields.issuer is not None else None


def _unregistered(ctx: RuleContext) -> list[Evidence]:
    kind_name = _KIND_NAMES[ctx.fields.kind]
    printed = ctx.fields.issuer
    if printed is None:
        # Nothing names the issuer: it may simply not have been read, so medium.
        return [make_evidence(
            ctx.data, EvidenceCode.UNREGISTERED_ISSUER,
            f"未能在证书上找到发证机构名称，无法在备案机构名单中核实这份{kind_name}",
            f"No issuer name could be found, so this {ctx.fields.kind.value} certificate matches no registered issuer",
            confidence=0.5, severity=Severity.MEDIUM,
        )]
    near = nearest_issuer(ctx.registry, printed.value)
    if near is not None and near.similarity >= MIN_LOOKALIKE_SIMILARITY:
        # Like a registered name but not it: a misread or a look-alike name; a person compares.
        return [make_evidence(
            ctx.data, EvidenceCode.UNREGISTERED_ISSUER,
            f"发证机构“{printed.value}”不在备案机构名单中，但与已备案的“{near.record.name}”相近"
            "（可能是识别误差，也可能是冒用近似名称），请人工核对",
            f"The issuer '{printed.value}' is not registered but resembles the registered '{near.record.name}'"
            " (a misread or a look-alike name)",
            text=registry_row_text(near.record), quad=printed.quad, confidence=round(1.0 - near.similarity / 100.0, 3),
            severity=Severity.MEDIUM,
        )]
    severity = Severity.HIGH if printed.confidence >= MIN_SURE_READ_CONFIDENCE else Severity.MEDIUM
    return [make_evidence(
        ctx.data, EvidenceCode.UNREGISTERED_ISSUER,
        f"发证机构“{printed.value}”不在备案机构名单中，{kind_name}须由备案机构颁发",
        f"The issuer '{printed.value}' is not in the issuer registry; a {ctx.fields.kind.value} certificate"
        " must come from a registered organisation",
        text=printed.value, quad=printed.quad, confidence=min(0.9, printed.confidence), severity=severity,
    )]


def _blacklisted(ctx: RuleContext, match: IssuerMatch) -> list[Evidence]:
    record = match.record
    if record.status == IssuerStatus.ACTIVE:
        return []
    return [make_evidence(
        ctx.data, EvidenceCode.BLACKLISTED_ISSUER,
        f"发证机构“{record.name}”{_STATUS_NAMES[record.status]}（登记编号 {record.code}）",
        f"The issuer '{record.name}' is {record.status.value} in the registry (code {record.code})",
        text=registry_row_text(record), quad=_match_quad(ctx, match), confidence=_match_confidence(match),
    )]


def _wrong_issuer(ctx: RuleContext, match: IssuerMatch) -> list[Evidence]:
    """A registered issuer that may not issue this kind, or is not the template's own issuer."""
    record = match.record
    kind_name = _KIND_NAMES[ctx.fields.kind]
    allowed = next((rule.issuer_kinds for rule in ctx.data.kinds if rule.kind == ctx.fields.kind), ())
    if allowed and record.kind not in allowed:
        message = (
            f"发证机构“{record.name}”登记为{_ISSUER_KIND_NAMES[record.kind]}，无权颁发{kind_name}"
            f"（可颁发的机构类别：{'、'.join(_ISSUER_KIND_NAMES[k] for k in allowed)}）"
        )
        message_en = (
            f"'{record.name}' is registered as {record.kind.value}, which may not issue {ctx.fields.kind.value}"
            f" certificates (allowed: {', '.join(k.value for k in allowed)})"
        )
    elif ctx.template is not None and ctx.template.spec.issuer_code not in (None, record.code):
        spec = ctx.template.spec
        message = f"证书样式“{spec.name}”仅为机构 {spec.issuer_code} 备案，证书上的发证机构“{record.name}”不是该机构"
        message_en = f"Template {spec.id} is registered for issuer {spec.issuer_code} only, not '{record.name}'"
    else:
        return []
    return [make_evidence(
        ctx.data, EvidenceCode.UNREGISTERED_ISSUER, message, message_en,
        text=registry_row_text(record), quad=_match_quad(ctx, match), confidence=_match_confidence(match),
    )]


def _out_of_scope(ctx: RuleContext, record: IssuerRecord) -> list[Evidence]:
    occupation = printed_occupation(ctx.fields)
    if occupation is None or occupation_in_scope(occupation.value, record.occupations):
        return []
    severity = Severity.HIGH if occupation.confidence >= MIN_SURE_READ_CONFIDENCE else Severity.MEDIUM
    return [make_evidence(
        ctx.data, EvidenceCode.OUT_OF_SCOPE,
        f"职业“{occupation.value}”不在发证机构“{record.name}”备案的评价范围内（{'、'.join(record.occupations)}）",
        f"The occupation '{occupation.value}' is outside the registered scope of '{record.name}'"
        f" ({', '.join(record.occupations)})",
        text=registry_row_text(record), quad=occupation.quad, confidence=min(0.9, occupation.confidence),
        severity=severity,
    )]


def _match_confidence(match: IssuerMatch) -> float:
    return round(match.similarity / 100.0, 3)

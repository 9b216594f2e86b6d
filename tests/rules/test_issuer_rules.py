"""Issuer codes on hand-built certificates and registries (no OCR)."""

from __future__ import annotations

from pathlib import Path

import pytest

from certcheck.types import (
    CertificateFields,
    CertificateKind,
    Detection,
    EvidenceCode,
    FieldValue,
    OcrResult,
    Severity,
)
from rules.catalogue import default_rule_data
from rules.context import RuleContext
from rules.issuer_rules import issuer_rule, occupation_in_scope
from templates_registry.issuers import find_issuer
from templates_registry.loader import Registry, Template
from templates_registry.matching import TemplateCandidate
from templates_registry.models import IssuerRecord, TemplateSpec

BOX = ((10.0, 10.0), (300.0, 10.0), (300.0, 40.0), (10.0, 40.0))
SEAL_BOX = ((400.0, 400.0), (600.0, 400.0), (600.0, 600.0), (400.0, 600.0))

ROWS = (
    IssuerRecord(code="S000044030001", name="深圳市鹏城职业技能评价有限公司", kind="evaluation_org", status="active",
                 occupations="电工;焊工", aliases="鹏城技能评价"),
    IssuerRecord(code="Y001244190001", name="中国鸿远装备集团有限公司", kind="employer", status="active",
                 occupations="电工;焊工;车工;钳工"),
    IssuerRecord(code="S000044030099", name="深圳市速达职业技能培训有限公司", kind="evaluation_org", status="revoked",
                 occupations="电工;焊工"),
    IssuerRecord(code="S000011010098", name="北京金证通职业技能评价有限公司", kind="evaluation_org",
                 status="blacklisted", occupations=""),
    IssuerRecord(code="T000000000001", name="杭州云帆职业培训学校", kind="training_org", status="active",
                 occupations=""),
    IssuerRecord(code="A000000000001", name="江苏省人力资源和社会保障厅", kind="authority", status="active",
                 occupations=""),
)
REGISTRY = Registry(templates=(), issuers=ROWS)


def _value(key: str, text: str, conf: float = 0.98) -> FieldValue:
    return FieldValue(key, text, BOX, conf)


def _context(
    kind: CertificateKind = CertificateKind.SKILL_LEVEL,
    issuer: str | None = "深圳市鹏城职业技能评价有限公司",
    occupation: str | None = "电工",
    seals: tuple[str, ...] = (),
    registry: Registry = REGISTRY,
    matched: TemplateCandidate | None = None,
    issuer_conf: float = 0.98,
) -> RuleContext:
    fields = CertificateFields(
        kind=kind,
        issuer=_value("issuer", issuer, issuer_conf) if issuer else None,
        occupation=_value("occupation", occupation) if occupation else None,
    )
    detections = tuple(Detection("seal_text.v1", "seal", SEAL_BOX, 0.9, {"text": t}) for t in seals)
    names = ([(issuer, "printed")] if issuer else []) + [(t, "seal") for t in seals]
    return RuleContext(
        ocr=OcrResult(lines=()), page_size=(2000, 1414), fields=fields, candidates=(), matched=matched,
        issuer=find_issuer(registry, names), registry=registry, detections=detections, data=default_rule_data(),
    )


def _codes(ctx: RuleContext) -> list[EvidenceCode]:
    return [e.code for e in issuer_rule(ctx)]


def test_issuer_registered_active_in_scope_is_clean() -> None:
    assert issuer_rule(_context()) == []


def test_issuer_named_china_employer_is_clean() -> None:
    assert issuer_rule(_context(issuer="中国鸿远装备集团有限公司", occupation="焊工")) == []


def test_issuer_ocr_misread_still_matches() -> None:
    assert issuer_rule(_context(issuer="深圳市鹏城职业技能评价有限公同")) == []


def test_issuer_unregistered_official_kind_is_high_at_printed_name() -> None:
    (evidence,) = issuer_rule(_context(issuer="深圳市南山区职业资格认证中心"))
    assert evidence.code == EvidenceCode.UNREGISTERED_ISSUER and evidence.severity == Severity.HIGH
    assert evidence.quad == BOX and evidence.text == "深圳市南山区职业资格认证中心"


def test_issuer_unregistered_without_printed_name_has_no_box() -> None:
    (evidence,) = issuer_rule(_context(issuer=None))
    assert evidence.code == EvidenceCode.UNREGISTERED_ISSUER and evidence.quad is None
    assert evidence.severity == Severity.MEDIUM


@pytest.mark.parametrize("kind", [CertificateKind.TRAINING, CertificateKind.OTHER, CertificateKind.UNKNOWN])
def test_issuer_private_kinds_never_flagged_unregistered(kind: CertificateKind) -> None:
    assert issuer_rule(_context(kind=kind, issuer="某某咨询有限公司")) == []


def test_issuer_empty_registry_skips_unregistered() -> None:
    assert issuer_rule(_context(issuer="深圳市南山区职业资格认证中心", registry=Registry((), ()))) == []


@pytest.mark.parametrize(("name", "status"), [
    ("深圳市速达职业技能培训有限公司", "revoked"), ("北京金证通职业技能评价有限公司", "blacklisted"),
])
def test_issuer_blacklisted_or_revoked_carries_registry_row(name: str, status: str) -> None:
    (evidence,) = issuer_rule(_context(issuer=name))
    assert evidence.code == EvidenceCode.BLACKLISTED_ISSUER and evidence.severity == Severity.HIGH
    assert evidence.text is not None and f",{status}," in evidence.text and name in evidence.text
    assert evidence.quad == BOX


def test_issuer_blacklisted_flagged_on_private_kind_too() -> None:
    assert _codes(_context(kind=CertificateKind.TRAINING, issuer="北京金证通职业技能评价有限公司")) == [
        EvidenceCode.BLACKLISTED_ISSUER]


def test_issuer_out_of_scope_points_at_occupation() -> None:
    (evidence,) = issuer_rule(_context(occupation="美容师"))
    assert evidence.code == EvidenceCode.OUT_OF_SCOPE and evidence.quad == BOX
    assert evidence.text is not None and evidence.text.startswith("S000044030001,")


def test_issuer_empty_scope_means_no_limit() -> None:
    assert _codes(_context(issuer="北京金证通职业技能评价有限公司", occupation="美容师")) == [
        EvidenceCode.BLACKLISTED_ISSUER]


def test_issuer_training_org_may_not_issue_skill_level() -> None:
    (evidence,) = issuer_rule(_context(issuer="杭州云帆职业培训学校"))
    assert evidence.code == EvidenceCode.UNREGISTERED_ISSUER
    assert "training_org" in evidence.message_en


def test_issuer_authority_issues_qualification() -> None:
    assert issuer_rule(_context(kind=CertificateKind.QUALIFICATION, issuer="江苏省人力资源和社会保障厅")) == []


def test_issuer_found_by_rotated_seal_text_points_at_seal() -> None:
    ctx = _context(issuer=None, seals=("有限公司职业技能评价专用章深圳市鹏城职业技能评价",), occupation="美容师")
    assert ctx.issuer is not None and ctx.issuer.record.code == "S000044030001"
    (evidence,) = issuer_rule(ctx)
    assert evidence.code == EvidenceCode.OUT_OF_SCOPE


def test_issuer_seal_names_revoked_issuer_box_is_seal() -> None:
    (evidence,) = issuer_rule(_context(issuer=None, seals=("深圳市速达职业技能培训有限公司专用章",)))
    assert evidence.code == EvidenceCode.BLACKLISTED_ISSUER and evidence.quad == SEAL_BOX


def test_issuer_similar_but_different_organisation_does_not_match() -> None:
    ctx = _context(issuer="深圳市鹏程职业技能鉴定有限公司")
    assert ctx.issuer is None
    (evidence,) = issuer_rule(ctx)
    assert evidence.code == EvidenceCode.UNREGISTERED_ISSUER


def test_issuer_template_with_issuer_code_accepts_only_that_issuer() -> None:
    spec = TemplateSpec.model_validate({
        "id": "pc-skill", "name": "鹏城样式", "kind": "skill_level", "title": "职业技能等级证书",
        "reference_image": "reference.png", "issuer_code": "S000044030001",
    })
    matched = TemplateCandidate(template=Template(spec, Path("."), "custom"), score=0.9, missing_labels=())
    assert issuer_rule(_context(matched=matched)) == []
    (evidence,) = issuer_rule(_context(issuer="中国鸿远装备集团有限公司", matched=matched))
    assert evidence.code == EvidenceCode.UNREGISTERED_ISSUER and "S000044030001" in evidence.message


def test_issuer_unsure_read_of_unregistered_name_is_medium() -> None:
    (evidence,) = issuer_rule(_context(issuer="深圳市南山区职业资格认证中心", issuer_conf=0.6))
    assert evidence.severity == Severity.MEDIUM


@pytest.mark.parametrize(("occupation", "inside"), [("电工", True), ("电工（维修电工）", True), ("美容师", False)])
def test_issuer_occupation_in_scope(occupation: str, inside: bool) -> None:
    assert occupation_in_scope(occupation, ("电工", "焊工")) is inside


def test_issuer_seal_read_counter_clockwise_still_matches() -> None:
    reversed_ring = "深圳市鹏城职业技能评价有限公司"[::-1]
    assert find_issuer(REGISTRY, [(reversed_ring, "seal")]) is not None
    assert find_issuer(REGISTRY, [(reversed_ring, "printed")]) is None  # printed text is never reversed


def test_issuer_printed_name_wins_over_another_registered_bodys_seal() -> None:
    osta = IssuerRecord(code="A000011000002", name="人力资源和社会保障部职业技能鉴定中心", kind="authority",
                        status="active", occupations="")
    registry = Registry(templates=(), issuers=(*ROWS, osta))
    ctx = _context(kind=CertificateKind.QUALIFICATION, issuer="江苏省人力资源和社会保障厅",
                   seals=("人力资源和社会保障部职业技能鉴定中心职业技能鉴定专用章",), registry=registry)
    assert ctx.issuer is not None and ctx.issuer.record.code == "A000000000001"
    assert issuer_rule(ctx) == []


def test_issuer_lookalike_of_registered_name_is_medium_with_that_row() -> None:
    (evidence,) = issuer_rule(_context(issuer="深圳市鹏城职业技能鉴定有限公司"))
    assert evidence.code == EvidenceCode.UNREGISTERED_ISSUER and evidence.severity == Severity.MEDIUM
    assert evidence.text is not None and evidence.text.startswith("S000044030001,")

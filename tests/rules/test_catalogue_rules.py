"""NOT_IN_CATALOGUE against the 2021 national catalogue data (no OCR)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from certcheck.errors import RegistryError
from certcheck.types import CertificateFields, CertificateKind, EvidenceCode, FieldValue, OcrResult, Severity
from rules.catalogue import default_rule_data
from rules.catalogue_rules import catalogue_rule, check_catalogue, default_catalogue, load_catalogue
from rules.context import RuleContext
from templates_registry.loader import Registry

BOX = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
Q = CertificateKind.QUALIFICATION
P = CertificateKind.PROFESSIONAL_QUALIFICATION


def test_catalogue_data_counts_and_source() -> None:
    catalogue = default_catalogue()
    # cert-facts §5: 59 professional items, 23 named skill sub-occupations.
    assert len(catalogue.professional) == 59 and len(catalogue.skill) == 23
    assert catalogue.source.issued_on == dt.date(2021, 11, 23)
    assert any("gov.cn" in ref for ref in catalogue.source.references)
    assert all(entry.source for entry in catalogue.left)


@pytest.mark.parametrize(("kind", "occupation", "issued", "severity"), [
    (Q, "心理咨询师", dt.date(2019, 5, 1), Severity.HIGH),         # left 2017-09-12
    (Q, "企业人力资源管理师", dt.date(2022, 8, 1), Severity.HIGH),   # exited 2020
    (Q, "企业人力资源管理师", dt.date(2021, 2, 1), Severity.MEDIUM),  # late issue after the exit
    (Q, "电工", dt.date(2023, 3, 1), Severity.HIGH),               # no skill 职业资格 outside the list after 2020
    (P, "注册机械工程师", dt.date(2023, 3, 1), Severity.HIGH),       # left with the 2021 catalogue
    (P, "碳排放管理师", dt.date(2022, 7, 1), Severity.HIGH),         # never in the catalogue
])
def test_catalogue_outside_flagged(kind: CertificateKind, occupation: str, issued: dt.date, severity: Severity) -> None:
    status = check_catalogue(kind, occupation, issued, default_catalogue())
    assert status is not None and status.severity == severity


@pytest.mark.parametrize(("kind", "occupation", "issued"), [
    (Q, "心理咨询师", dt.date(2015, 5, 1)),          # issued before it left: stays valid
    (Q, "企业人力资源管理师", dt.date(2018, 6, 1)),
    (Q, "电工", dt.date(2012, 6, 1)),                 # the old booklet, before the 2020 exit
    (Q, "保安员", dt.date(2023, 3, 1)),
    (Q, "消防设施操作员", dt.date(2024, 3, 1)),
    (P, "一级建造师", dt.date(2023, 3, 1)),
    (P, "经济专业技术资格", dt.date(2023, 3, 1)),
    (P, "社会工作者职业资格", dt.date(2022, 3, 1)),
    (P, "注册安全工程帅", dt.date(2022, 3, 1)),       # one character misread
    (CertificateKind.SKILL_LEVEL, "心理咨询师", dt.date(2023, 3, 1)),  # not a 职业资格证书
])
def test_catalogue_inside_or_before_exit_is_clean(kind: CertificateKind, occupation: str, issued: dt.date) -> None:
    assert check_catalogue(kind, occupation, issued, default_catalogue()) is None


def test_catalogue_left_without_date_is_medium() -> None:
    status = check_catalogue(Q, "心理咨询师", None, default_catalogue())
    assert status is not None and status.severity == Severity.MEDIUM


def _context(occupation: str, issued: str) -> RuleContext:
    fields = CertificateFields(
        kind=Q, occupation=FieldValue("occupation", occupation, BOX, 0.97),
        issue_date=FieldValue("issue_date", issued, BOX, 0.97),
    )
    return RuleContext(
        ocr=OcrResult(lines=()), page_size=(100, 100), fields=fields, candidates=(), matched=None, issuer=None,
        registry=Registry((), ()), detections=(), data=default_rule_data(),
    )


def test_catalogue_rule_evidence_points_at_occupation_with_source() -> None:
    (evidence,) = catalogue_rule(_context("心理咨询师", "2019-06-01"))
    assert evidence.code == EvidenceCode.NOT_IN_CATALOGUE and evidence.quad == BOX
    assert "国家职业资格目录（2021年版）" in evidence.basis and evidence.text == "心理咨询师"


def test_catalogue_bad_file_is_registry_error(tmp_path: Path) -> None:
    bad = tmp_path / "catalogue.yaml"
    bad.write_text("source: {title: x}\nprofessional: []\nunknown_key: 1\n", encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_catalogue(bad)
    assert "unknown_key" in info.value.message_en


def test_catalogue_occupation_read_inside_title_is_ignored() -> None:
    title_box = ((100.0, 100.0), (900.0, 100.0), (900.0, 200.0), (100.0, 200.0))
    inside = ((400.0, 110.0), (880.0, 110.0), (880.0, 190.0), (400.0, 190.0))
    fields = CertificateFields(
        kind=Q, title=FieldValue("title", "职业资格证书", title_box, 0.99),
        occupation=FieldValue("occupation", "资格证书", inside, 0.99),
        issue_date=FieldValue("issue_date", "2023-06-01", BOX, 0.99),
    )
    ctx = RuleContext(
        ocr=OcrResult(lines=()), page_size=(1000, 1000), fields=fields, candidates=(), matched=None, issuer=None,
        registry=Registry((), ()), detections=(), data=default_rule_data(),
    )
    assert catalogue_rule(ctx) == []

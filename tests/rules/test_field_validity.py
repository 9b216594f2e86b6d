"""FIELD_INVALID on hand-built fields and OCR lines (no OCR model)."""

from __future__ import annotations

import datetime as dt

import pytest

from certcheck.types import CertificateFields, CertificateKind, EvidenceCode, FieldValue, OcrResult, Severity
from rules.catalogue import default_rule_data
from rules.field_validity import check_field_validity, id_check_character, uscc_check_character
from templates_registry.models import IssuerRecord
from tests.helpers import line, page

BOX = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
TODAY = dt.date(2025, 1, 15)
GOOD_ID = "11010519491231002X"          # cert-facts §6.1 sample
ISSUER = IssuerRecord(code="S1", name="深圳市鹏城职业技能评价有限公司", kind="evaluation_org", status="active",
                      uscc="91110108551385082Q", registered_on="2021-03-18")


def _fields(id_number: str | None = GOOD_ID, issued: str | None = "2023-05-10", conf: float = 0.98,
            kind: CertificateKind = CertificateKind.SKILL_LEVEL) -> CertificateFields:
    return CertificateFields(
        kind=kind,
        id_number=FieldValue("id_number", id_number, BOX, conf) if id_number else None,
        issue_date=FieldValue("issue_date", issued, BOX, conf) if issued else None,
    )


def _check(fields: CertificateFields, ocr: OcrResult = OcrResult(lines=()), issuer: IssuerRecord | None = ISSUER,
           labels: tuple[str, ...] = ("发证日期",)) -> list:
    return check_field_validity(fields, ocr, issuer, default_rule_data(), TODAY, labels)


@pytest.mark.parametrize("first17", ["11010519491231002", "44052418800101001", "36042619910101007"])
def test_field_id_check_character_matches_cert_facts_samples(first17: str) -> None:
    assert first17 + id_check_character(first17) in {"11010519491231002X", "440524188001010014", "360426199101010071"}


def test_field_genuine_certificate_is_clean() -> None:
    assert _check(_fields()) == []


def test_field_wrong_id_check_digit_is_medium_at_id() -> None:
    (evidence,) = _check(_fields("110105194912310021"))
    assert evidence.code == EvidenceCode.FIELD_INVALID and evidence.severity == Severity.MEDIUM
    assert evidence.quad == BOX and "GB 11643" in evidence.basis and "校验码" in evidence.message


def test_field_masked_id_is_not_checked() -> None:
    assert _check(_fields("1101**********1234")) == []


def test_field_unsure_id_read_is_low() -> None:
    (evidence,) = _check(_fields("110105194912310021", conf=0.6))
    assert evidence.severity == Severity.LOW


@pytest.mark.parametrize(("id_number", "words"), [
    ("110105201802300018", "不存在"),        # 30 February
    ("110105201503010013", "岁"),            # 8 years old at issue
])
def test_field_id_birth_date_problems(id_number: str, words: str) -> None:
    from rules.field_validity import id_number_problems
    problems = id_number_problems(id_number, dt.date(2023, 5, 10), TODAY)
    assert any(words in p for p in problems), problems


def test_field_future_issue_date_is_high() -> None:
    (evidence,) = _check(_fields(issued="2031-04-02"))
    assert evidence.severity == Severity.HIGH and "晚于今天" in evidence.message


def test_field_issue_date_before_registration_is_medium() -> None:
    (evidence,) = _check(_fields(issued="2020-11-02"))
    assert evidence.severity == Severity.MEDIUM and "备案日期2021-03-18" in evidence.message


def test_field_skill_level_before_2019_is_flagged_but_old_qualification_is_not() -> None:
    assert _check(_fields(issued="2016-04-02"), issuer=None)[0].severity == Severity.MEDIUM
    assert _check(_fields(issued="2016-04-02", kind=CertificateKind.QUALIFICATION), issuer=None) == []


def test_field_impossible_printed_date_next_to_label() -> None:
    ocr = page(line("发证日期：2023年02月30日", 100, 900))
    (evidence,) = _check(_fields(issued=None), ocr)
    assert evidence.code == EvidenceCode.FIELD_INVALID and "2023年02月30日" in (evidence.text or "")


def test_field_real_printed_date_is_not_impossible() -> None:
    assert _check(_fields(issued=None), page(line("发证日期：2023年02月28日", 100, 900))) == []


@pytest.mark.parametrize("code", ["91110000600037341L", "91110108551385082Q"])
def test_field_uscc_check_character_samples(code: str) -> None:
    assert uscc_check_character(code[:17]) == code[17]


def test_field_printed_uscc_with_wrong_check_character() -> None:
    ocr = page(line("统一社会信用代码：91110108551385082R", 100, 1000))
    (evidence,) = _check(_fields(), ocr)
    assert "GB 32100" in evidence.basis and evidence.text == "91110108551385082R"


def test_field_printed_uscc_valid_and_registered_is_clean() -> None:
    assert _check(_fields(), page(line("统一社会信用代码：91110108551385082Q", 100, 1000))) == []


def test_field_printed_uscc_valid_but_not_the_registered_one() -> None:
    (evidence,) = _check(_fields(), page(line("统一社会信用代码：91110000600037341L", 100, 1000)))
    assert "不一致" in evidence.message


def test_field_id_number_alone_is_not_read_as_credit_code() -> None:
    assert _check(_fields(), page(line("证件号码：110105194912310021", 100, 1000))) == []

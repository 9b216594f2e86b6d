"""SERIAL_FORMAT on hand-built fields against the built-in template."""

from __future__ import annotations

import pytest

from certcheck.types import CertificateFields, CertificateKind, EvidenceCode, FieldValue, IssuerKind, Severity
from rules.catalogue import default_rule_data
from rules.serial import check_serial, check_serial_semantics, parse_qualification_serial, serial_matches_template
from templates_registry.models import TemplateSpec

PATTERN = r"^[SY]\d{4}\d{2}\d{6}\d{2}[1-5]\d{6}$"
SPEC = TemplateSpec.model_validate({
    "id": "t", "name": "职业技能等级证书", "kind": "skill_level", "title": "职业技能等级证书",
    "reference_image": "reference.png", "serial": {"label": "证书编号", "pattern": PATTERN},
})
BOX = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))


def _fields(serial: str | None) -> CertificateFields:
    value = None if serial is None else FieldValue("serial_number", serial, BOX, 0.99)
    return CertificateFields(kind=CertificateKind.SKILL_LEVEL, serial_number=value)


@pytest.mark.parametrize("serial", ["S000044030001244000123", "Y000123000001195000001", "Ｓ 0000 4403 0001 2440 00123"])
def test_serial_genuine_formats_pass(serial: str) -> None:
    assert check_serial(_fields(serial), SPEC, None, default_rule_data()) == []


@pytest.mark.parametrize("serial", [
    "S00004403000124400012",      # 21 characters
    "X000044030001244000123",     # unknown organisation letter
    "s000044030001244000123",     # lower-case letter
    "S000044030001249000123",     # level digit 9
    "SA00044030001244000123",     # letter among the digits
    "2022000123",                 # a short home-made number
])
def test_serial_bad_formats_are_high(serial: str) -> None:
    (evidence,) = check_serial(_fields(serial), SPEC, None, default_rule_data())
    assert evidence.code == EvidenceCode.SERIAL_FORMAT
    assert evidence.severity == Severity.HIGH
    assert evidence.quad == BOX and evidence.text == serial
    assert "豫人社函〔2022〕129号" in evidence.basis


def test_serial_ocr_confusion_only_is_low() -> None:
    (evidence,) = check_serial(_fields("S0000440300O1244000123"), SPEC, None, default_rule_data())
    assert evidence.severity == Severity.LOW


def test_serial_missing_without_label_is_high_with_no_box() -> None:
    (evidence,) = check_serial(_fields(None), SPEC, None, default_rule_data())
    assert evidence.severity == Severity.HIGH and evidence.quad is None


def test_serial_label_without_readable_value_is_medium_at_label() -> None:
    label = FieldValue("label", "证书编号", BOX, 0.9)
    (evidence,) = check_serial(_fields(None), SPEC, label, default_rule_data())
    assert evidence.severity == Severity.MEDIUM and evidence.quad == BOX


def test_serial_unpublished_format_is_not_checked() -> None:
    spec = SPEC.model_copy(update={"serial": SPEC.serial.model_copy(update={"pattern": None})})
    assert check_serial(_fields("anything-goes"), spec, None, default_rule_data()) == []


def test_serial_matches_template_reports_normalised_value() -> None:
    # CONTRACT section 4: full-width to ASCII and spaces removed; hyphens and other separators kept.
    assert serial_matches_template("Ｓ－0000 44030001244000123", PATTERN).normalized == "S-000044030001244000123"


HYPHENATED = TemplateSpec.model_validate({
    "id": "ab", "name": "某样式证书", "kind": "training", "title": "培训合格证书",
    "reference_image": "reference.png", "serial": {"label": "编号", "pattern": r"^AB\d{4}-\d{6}$"},
})


@pytest.mark.parametrize("serial", ["AB2021-000123", "ＡＢ２０２１－０００１２３", "AB 2021-000 123"])
def test_a_pattern_with_separators_matches_its_serials(serial: str) -> None:
    assert serial_matches_template(serial, r"^AB\d{4}-\d{6}$").matches
    assert check_serial(_fields(serial), HYPHENATED, None, default_rule_data()) == []


@pytest.mark.parametrize("serial", ["AB2021000123", "AB2021_000123", "AB2021/000123", "AB2021-00012"])
def test_a_missing_or_different_separator_fails_the_pattern(serial: str) -> None:
    (evidence,) = check_serial(_fields(serial), HYPHENATED, None, default_rule_data())
    assert evidence.code == EvidenceCode.SERIAL_FORMAT and evidence.severity == Severity.HIGH


@pytest.mark.parametrize("serial", ["AB2O21-000123", "AB2021-OOO123", "AB202I-000l23"])
def test_a_confusion_fixed_separated_serial_is_a_low_please_look(serial: str) -> None:
    (evidence,) = check_serial(_fields(serial), HYPHENATED, None, default_rule_data())
    assert evidence.severity == Severity.LOW and "人工核对" in evidence.message


def test_a_stray_separator_in_a_plain_serial_is_a_low_please_look() -> None:
    (evidence,) = check_serial(_fields("S0000-44030001244000123"), SPEC, None, default_rule_data())
    assert evidence.severity == Severity.LOW


def test_a_catastrophic_pattern_cannot_stall_a_check() -> None:
    # ``^(a+)+$`` took 40 s on Python's backtracking engine for this input; RE2 is linear.
    import time

    started = time.perf_counter()
    check = serial_matches_template("a" * 60 + "3456", r"^(a+)+$")
    assert not check.matches and time.perf_counter() - started < 0.5


def test_serial_unsure_read_is_medium() -> None:
    fields = CertificateFields(
        kind=CertificateKind.SKILL_LEVEL, serial_number=FieldValue("serial_number", "5000.200000447", BOX, 0.64))
    (evidence,) = check_serial(fields, SPEC, None, default_rule_data())
    assert evidence.severity == Severity.MEDIUM


# --- numbering-rule semantics (cert-facts §1.4, §3.1) ---

def _semantic_fields(serial: str, issued: str | None = "2024-05-10", level: str | None = "四级/中级工",
                     kind: CertificateKind = CertificateKind.SKILL_LEVEL, conf: float = 0.99) -> CertificateFields:
    return CertificateFields(
        kind=kind,
        serial_number=FieldValue("serial_number", serial, BOX, conf),
        issue_date=FieldValue("issue_date", issued, BOX, 0.99) if issued else None,
        level=FieldValue("level", level, BOX, 0.99) if level else None,
    )


def test_serial_semantics_consistent_certificate_is_clean() -> None:
    fields = _semantic_fields("S000044030001244000123")
    assert check_serial_semantics(fields, IssuerKind.EVALUATION_ORG, default_rule_data()) == []
    assert check_serial_semantics(_semantic_fields("Y000123000001244000001"), IssuerKind.EMPLOYER,
                                  default_rule_data()) == []


@pytest.mark.parametrize(("serial", "issued", "level", "issuer", "words"), [
    ("S000044030001224000123", "2024-05-10", "四级/中级工", IssuerKind.EVALUATION_ORG, "发证年份"),  # 22 vs 2024
    ("S000044030001254000123", "2024-05-10", "四级/中级工", IssuerKind.EVALUATION_ORG, "发证年份"),  # from 2025
    ("S000044030001242000123", "2024-05-10", "四级/中级工", IssuerKind.EVALUATION_ORG, "等级位"),    # 2 vs 四级
    ("Y000044030001244000123", "2024-05-10", "四级/中级工", IssuerKind.EVALUATION_ORG, "首字母"),    # Y, but S org
    ("S000044030001174000123", None, "四级/中级工", None, "2019"),                                 # before the rule
])
def test_serial_semantics_contradictions_are_high(serial: str, issued: str | None, level: str,
                                                  issuer: IssuerKind | None, words: str) -> None:
    (evidence,) = check_serial_semantics(_semantic_fields(serial, issued, level), issuer, default_rule_data())
    assert evidence.code == EvidenceCode.SERIAL_FORMAT and evidence.severity == Severity.HIGH
    assert words in evidence.message and "人社鉴发〔2019〕2号" in evidence.basis


def test_serial_semantics_one_evidence_for_several_contradictions() -> None:
    fields = _semantic_fields("Y000044030001222000123")
    (evidence,) = check_serial_semantics(fields, IssuerKind.EVALUATION_ORG, default_rule_data())
    assert "发证年份" in evidence.message and "等级位" in evidence.message and "首字母" in evidence.message


def test_serial_semantics_previous_year_is_medium() -> None:
    (evidence,) = check_serial_semantics(_semantic_fields("S000044030001234000123", "2024-01-08"), None,
                                         default_rule_data())
    assert evidence.severity == Severity.MEDIUM


def test_serial_semantics_unsure_read_is_medium() -> None:
    fields = _semantic_fields("S000044030001224000123", conf=0.6)
    (evidence,) = check_serial_semantics(fields, None, default_rule_data())
    assert evidence.severity == Severity.MEDIUM


def test_serial_semantics_skip_bad_layout_and_private_kinds() -> None:
    assert check_serial_semantics(_semantic_fields("S00004403000124400012"), None, default_rule_data()) == []
    training = _semantic_fields("S000044030001224000123", kind=CertificateKind.TRAINING)
    assert check_serial_semantics(training, None, default_rule_data()) == []


def test_serial_semantics_old_qualification_number() -> None:
    assert parse_qualification_serial("1210001002400123") is not None
    ok = _semantic_fields("1210001002400123", "2012-06-30", "四级", CertificateKind.QUALIFICATION)
    assert check_serial_semantics(ok, None, default_rule_data()) == []
    wrong = _semantic_fields("1210001002300123", "2015-06-30", "四级", CertificateKind.QUALIFICATION)
    (evidence,) = check_serial_semantics(wrong, None, default_rule_data())
    assert "编码方案" in evidence.basis and "发证年份" in evidence.message and "等级位" in evidence.message


def test_missing_serial_on_a_photo_read_only_in_part_is_medium_not_high() -> None:
    from certcheck.types import OcrResult
    from rules.context import RuleContext
    from rules.serial import serial_format_rule
    from templates_registry.loader import load_registry
    from templates_registry.matching import TemplateCandidate

    registry = load_registry(None)
    template = registry.get_template("hrss-skill-level-2021")

    def context(missing: tuple[str, ...]) -> RuleContext:
        return RuleContext(
            ocr=OcrResult(lines=()), page_size=(1600, 1131),
            fields=CertificateFields(kind=CertificateKind.SKILL_LEVEL), candidates=(),
            matched=TemplateCandidate(template, 0.6, missing), issuer=None, registry=registry, detections=(),
            data=default_rule_data(),
        )

    (sure,) = serial_format_rule(context(("证书编号",)))
    assert (sure.code, sure.severity) == (EvidenceCode.SERIAL_FORMAT, Severity.HIGH)
    (unsure,) = serial_format_rule(context(("证书编号", "姓名", "证件号码")))
    assert unsure.severity == Severity.MEDIUM

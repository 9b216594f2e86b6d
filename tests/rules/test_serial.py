"""SERIAL_FORMAT on hand-built fields against the built-in template."""

from __future__ import annotations

import pytest

from certcheck.types import CertificateFields, CertificateKind, EvidenceCode, FieldValue, Severity
from rules.catalogue import default_rule_data
from rules.serial import check_serial, serial_matches_template
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
    assert serial_matches_template("S-0000 44030001244000123", PATTERN).normalized == "S000044030001244000123"


def test_serial_unsure_read_is_medium() -> None:
    fields = CertificateFields(
        kind=CertificateKind.SKILL_LEVEL, serial_number=FieldValue("serial_number", "5000.200000447", BOX, 0.64))
    (evidence,) = check_serial(fields, SPEC, None, default_rule_data())
    assert evidence.severity == Severity.MEDIUM

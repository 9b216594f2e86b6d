"""Serial numbers against the template's registered format (``SERIAL_FORMAT``).

Following PassportEye's MRZ checks, a serial is checked as printed and again
after undoing the letter/digit confusions OCR makes (O/0, I/1, S/5...). A
serial that only passes after that correction may be an OCR misread, so it is
reported at low severity for a person to look at, never as a knock-off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from certcheck.types import CertificateFields, Evidence, EvidenceCode, FieldValue, Severity
from ocr.fields import find_label
from ocr.text import fix_digit_confusions, normalize_serial
from rules.catalogue import RuleData
from rules.context import RuleContext
from rules.evidence import make_evidence
from templates_registry.models import TemplateSpec

__all__ = [
    "MIN_SURE_SERIAL_CONFIDENCE",
    "SerialCheck",
    "check_serial",
    "serial_format_rule",
    "serial_matches_template",
]

#: Below this OCR confidence a serial that fails its pattern may be a misread
#: rather than a wrong number: on the generated corpus, serials read right
#: score 0.99 or more, while misreads under hard light score 0.55-0.65. Such a
#: finding is medium ("verify by eye"), never high on its own.
MIN_SURE_SERIAL_CONFIDENCE = 0.8


@dataclass(frozen=True)
class SerialCheck:
    """How a printed serial compares with a registered pattern."""

    normalized: str
    matches: bool
    matches_after_ocr_fix: bool


def serial_matches_template(serial: str, pattern: str) -> SerialCheck:
    """Check ``serial`` against ``pattern`` (whole match, after normalisation).

    >>> p = r'^[SY]\\d{4}\\d{2}\\d{6}\\d{2}[1-5]\\d{6}$'
    >>> serial_matches_template("Ｓ000044030001244000123", p).matches
    True
    >>> check = serial_matches_template("S0000440300O1244000123", p)
    >>> check.matches, check.matches_after_ocr_fix
    (False, True)
    >>> serial_matches_template("S00004403000124400012", p).matches_after_ocr_fix
    False
    """
    normalized = normalize_serial(serial)
    regex = re.compile(pattern)
    if regex.fullmatch(normalized):
        return SerialCheck(normalized, True, True)
    # Keep a leading letter block (the organisation-type letter), fix the rest.
    head = re.match(r"^[A-Za-z]*", normalized).group(0)  # type: ignore[union-attr]
    candidates = {head + fix_digit_confusions(normalized[len(head):]), fix_digit_confusions(normalized)}
    fixed = any(regex.fullmatch(c) for c in candidates)
    return SerialCheck(normalized, False, fixed)


def serial_format_rule(ctx: RuleContext) -> list[Evidence]:
    """``SERIAL_FORMAT`` against the matched template (nothing to compare without one)."""
    if ctx.template is None:
        return []
    spec = ctx.template.spec
    serial_field = spec.field("serial_number")
    labels = serial_field.all_labels if serial_field else (spec.serial.label,) if spec.serial else ()
    return check_serial(ctx.fields, spec, find_label(ctx.ocr, labels), ctx.data)


def check_serial(
    fields: CertificateFields,
    template: TemplateSpec,
    label: FieldValue | None,
    data: RuleData,
) -> list[Evidence]:
    """``SERIAL_FORMAT`` evidence for a certificate compared with ``template``.

    Args:
        fields: what was read off the certificate.
        template: the registered template it claims to follow.
        label: where the serial's label is printed, if it is (work space).
        data: rule data (clauses, severities).
    """
    if template.serial is None:
        return []
    serial = fields.serial_number
    if serial is None:
        return [_missing(template, label, data)]
    if template.serial.pattern is None:
        return []
    check = serial_matches_template(serial.value, template.serial.pattern)
    if check.matches:
        return []
    if check.matches_after_ocr_fix:
        return [make_evidence(
            data, EvidenceCode.SERIAL_FORMAT,
            f"证书编号“{serial.value}”与备案格式略有出入，可能是识别误差，请人工核对",
            f"Serial '{serial.value}' differs slightly from the registered format; possibly an OCR misread",
            text=serial.value, quad=serial.quad, confidence=0.4, severity=Severity.LOW,
        )]
    if serial.confidence < MIN_SURE_SERIAL_CONFIDENCE:
        return [make_evidence(
            data, EvidenceCode.SERIAL_FORMAT,
            f"证书编号识别为“{serial.value}”，不符合编码规则，但字迹不清，请人工核对",
            f"Serial read as '{serial.value}' fails the numbering rule, but the print is unclear; verify by eye",
            text=serial.value, quad=serial.quad, confidence=serial.confidence, severity=Severity.MEDIUM,
        )]
    return [make_evidence(
        data, EvidenceCode.SERIAL_FORMAT,
        f"证书编号“{serial.value}”不符合{template.name}的编码规则",
        f"Serial '{serial.value}' does not follow the numbering rule of {template.id}",
        text=serial.value, quad=serial.quad, confidence=min(0.95, serial.confidence),
    )]


def _missing(template: TemplateSpec, label: FieldValue | None, data: RuleData) -> Evidence:
    assert template.serial is not None
    if label is not None:
        # The label is printed but no value could be read next to it.
        return make_evidence(
            data, EvidenceCode.SERIAL_FORMAT,
            f"找到“{template.serial.label}”但无法识别编号内容，请人工核对",
            f"The '{template.serial.label}' label is printed but its value could not be read",
            quad=label.quad, confidence=0.5, severity=Severity.MEDIUM,
        )
    return make_evidence(
        data, EvidenceCode.SERIAL_FORMAT,
        f"证书上没有“{template.serial.label}”，正规{template.title}必须印有证书编号",
        f"No '{template.serial.label}' is printed; a genuine {template.title} must carry its serial number",
        confidence=0.8,
    )

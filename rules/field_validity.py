"""``FIELD_INVALID``: printed fields that cannot be true on their own.

In the manner of PassportEye's MRZ checks, each printed value is checked
against the standard that defines it, with the check functions doctested:

* the 居民身份证 number (GB 11643-1999, ISO 7064 MOD 11-2 check character;
  cert-facts §6.1), only when printed unmasked: "1101**********1234" cannot be
  checked; its birth date must be a real day, not in the future, and the holder
  at least 16 on the issue date (the minimum working age of 劳动法 第十五条; a
  vocational certificate is evaluated on a worker);
* the issue date: not in the future, not a day that does not exist (2023年02月30日
  as printed next to its label), not before the registered issuer's
  ``registered_on``, and for a 职业技能等级证书 not before its 2019 numbering rule;
* a printed 统一社会信用代码 (GB 32100-2015 check character; cert-facts §6.2), and
  the same code as the registered issuer's when the registry holds one.

A contradiction *between* the serial and other fields is the numbering rule's
(``SERIAL_FORMAT``, rules/serial.py). Each field gives at most one piece of
evidence, all its problems in one message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from certcheck.types import CertificateFields, CertificateKind, Evidence, EvidenceCode, FieldValue, OcrResult, Severity
from ocr.dates import parse_printed_date
from ocr.fields import find_label
from ocr.layout import rows_of, union_quad
from rules.catalogue import RuleData
from rules.context import RuleContext
from rules.evidence import make_evidence
from rules.serial import MIN_SURE_SERIAL_CONFIDENCE
from templates_registry.models import IssuerRecord

__all__ = [
    "MIN_HOLDER_AGE",
    "check_field_validity",
    "field_validity_rule",
    "id_check_character",
    "id_number_problems",
    "uscc_check_character",
]

_ID_BASIS = "GB 11643-1999 公民身份号码（校验码 ISO 7064 MOD 11-2，出生日期码）；cert-facts §6.1"
_USCC_BASIS = "GB 32100-2015 法人和其他组织统一社会信用代码编码规则（校验码）；cert-facts §6.2"
_DATE_BASIS = "东人社函〔2022〕37号 二（四）（不按规范样式印制或填写）：发证日期不可能成立"
#: 劳动法 第十五条: no employing anyone under 16, so nobody younger is evaluated as a worker.
MIN_HOLDER_AGE = 16
#: The 职业技能等级证书 numbering rule, 人社鉴发〔2019〕2号, is from 2019 (cert-facts §1.4).
FIRST_SKILL_LEVEL_DATE = dt.date(2019, 1, 1)
#: Below this OCR confidence a failed check character may be a misread digit: low.
MIN_SURE_READ_CONFIDENCE = MIN_SURE_SERIAL_CONFIDENCE

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)  # 2^(17-i) mod 11
_ID_CHECK = "10X98765432"
_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)  # 3^(i-1) mod 31
_USCC_TOKEN = re.compile(r"[0-9A-Z]{18}")
_USCC_LABELS = ("统一社会信用代码", "社会信用代码", "信用代码")
_DATE_LIKE = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})日?")


def id_check_character(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits of an ID number.

    >>> id_check_character("11010519491231002"), id_check_character("44052418800101001")
    ('X', '4')
    """
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def uscc_check_character(first17: str) -> str:
    """The GB 32100 check character of the first 17 characters of a 统一社会信用代码.

    >>> uscc_check_character("91110000600037341"), uscc_check_character("91110108551385082")
    ('L', 'Q')
    """
    total = sum(_USCC_CHARSET.index(ch) * weight for ch, weight in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARSET[(31 - total % 31) % 31]


def _birth_date(id_number: str) -> dt.date | None:
    digits = id_number[6:14] if len(id_number) == 18 else "19" + id_number[6:12]
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def id_number_problems(id_number: str, issued_on: dt.date | None, today: dt.date) -> list[str]:
    """What cannot be true about an unmasked 18- or 15-digit ID number (empty when nothing).

    >>> id_number_problems("11010519491231002X", dt.date(2020, 1, 1), dt.date(2024, 1, 1))
    []
    >>> id_number_problems("110105194912310021", None, dt.date(2024, 1, 1))
    ['校验码应为“X”，印的是“1”']
    >>> id_number_problems("1101**********002X", None, dt.date(2024, 1, 1))  # masked: nothing to check
    []
    >>> id_number_problems("110105201802300018", None, dt.date(2024, 1, 1))
    ['出生日期“20180230”不存在']
    """
    if "*" in id_number or len(id_number) not in (15, 18) or not id_number[:17].isdigit():
        return []
    problems = []
    if len(id_number) == 18:
        expected = id_check_character(id_number[:17])
        if id_number[17].upper() != expected:
            problems.append(f"校验码应为“{expected}”，印的是“{id_number[17]}”")
    birth = _birth_date(id_number)
    if birth is None:
        printed = id_number[6:14] if len(id_number) == 18 else id_number[6:12]
        return [*problems, f"出生日期“{printed}”不存在"]
    if birth > today or birth.year < 1900:
        problems.append(f"出生日期{birth.isoformat()}不可能")
    elif issued_on is not None and _age_on(birth, issued_on) < MIN_HOLDER_AGE:
        problems.append(f"发证时持证人仅{max(0, _age_on(birth, issued_on))}岁（出生于{birth.isoformat()}）")
    return problems


def _age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


@dataclass(frozen=True)
class _DateProblem:
    message: str
    severity: Severity


def _issue_date_problems(
    issued_on: dt.date, kind: CertificateKind, issuer: IssuerRecord | None, today: dt.date
) -> list[_DateProblem]:
    problems = []
    if issued_on > today:
        problems.append(_DateProblem(f"发证日期{issued_on.isoformat()}晚于今天", Severity.HIGH))
    if issuer is not None and issuer.registered_on is not None and issued_on < issuer.registered_on:
        problems.append(_DateProblem(
            f"发证日期{issued_on.isoformat()}早于发证机构“{issuer.name}”的备案日期{issuer.registered_on.isoformat()}",
            # Medium, not high: a registry may record the latest filing, and one misread
            # digit of the year (2022 read as 2002) lands here too.
            Severity.MEDIUM,
        ))
    if kind == CertificateKind.SKILL_LEVEL and issued_on < FIRST_SKILL_LEVEL_DATE:
        problems.append(_DateProblem(
            f"职业技能等级证书始于2019年（人社鉴发〔2019〕2号），发证日期{issued_on.isoformat()}不可能",
            Severity.MEDIUM,
        ))
    return problems


def field_validity_rule(ctx: RuleContext) -> list[Evidence]:
    """``FIELD_INVALID`` for the ID number, the issue date and a printed credit code (checked against today)."""
    issuer = ctx.issuer.record if ctx.issuer is not None else None
    date_labels = ctx.data.field_labels.get("issue_date", ())
    if ctx.template is not None and (spec := ctx.template.spec.field("issue_date")) is not None:
        date_labels = (*spec.all_labels, *date_labels)
    return check_field_validity(ctx.fields, ctx.ocr, issuer, ctx.data, dt.date.today(), date_labels)


def check_field_validity(
    fields: CertificateFields,
    ocr: OcrResult,
    issuer: IssuerRecord | None,
    data: RuleData,
    today: dt.date,
    date_labels: Sequence[str] = (),
) -> list[Evidence]:
    """``FIELD_INVALID`` evidence for one certificate.

    Args:
        fields: what was read off the certificate.
        ocr: the page's lines (for a printed credit code and an impossible date).
        issuer: the registry row the issuer matched, if any.
        data: rule data (clauses, severities).
        today: the day of the check (a parameter so tests do not depend on the clock).
        date_labels: the labels an issue date is printed after.
    """
    issued_on = fields.issue_date.as_date if fields.issue_date else None
    evidence = _id_evidence(fields.id_number, issued_on, today, data)
    if issued_on is not None:
        evidence += _date_evidence(fields.issue_date, issued_on, fields.kind, issuer, today, data)
    else:
        evidence += _impossible_printed_date(ocr, date_labels, data)
    evidence += _uscc_evidence(ocr, issuer, data)
    return evidence



def _id_evidence(
    id_number: FieldValue | None, issued_on: dt.date | None, today: dt.date, data: RuleData
) -> list[Evidence]:
    if id_number is None:
        return []
    problems = id_number_problems(id_number.value.upper(), issued_on, today)
    if not problems:
        return []
    severity = None if id_number.confidence >= MIN_SURE_READ_CONFIDENCE else Severity.LOW
    return [make_evidence(
        data, EvidenceCode.FIELD_INVALID,
        f"证件号码不可能成立：{'；'.join(problems)}",
        f"The ID number cannot be valid ({len(problems)} problem(s): check character, birth date or age)",
        text=id_number.value, quad=id_number.quad, confidence=min(0.95, id_number.confidence),
        severity=severity, basis=_ID_BASIS,
    )]


def _date_evidence(
    printed: FieldValue | None,
    issued_on: dt.date,
    kind: CertificateKind,
    issuer: IssuerRecord | None,
    today: dt.date,
    data: RuleData,
) -> list[Evidence]:
    problems = _issue_date_problems(issued_on, kind, issuer, today)
    if not problems or printed is None:
        return []
    severity = max((p.severity for p in problems), key=lambda s: s.rank)
    return [make_evidence(
        data, EvidenceCode.FIELD_INVALID,
        f"发证日期不可能成立：{'；'.join(p.message for p in problems)}",
        f"The issue date {issued_on.isoformat()} cannot be true (future, before the issuer's registration,"
        " or before the certificate kind existed)",
        text=printed.value, quad=printed.quad, confidence=min(0.95, printed.confidence),
        severity=severity, basis=_DATE_BASIS,
    )]


def _impossible_printed_date(ocr: OcrResult, labels: Sequence[str], data: RuleData) -> list[Evidence]:
    """A date printed after the issue-date label that names no real day (the reader dropped it)."""
    label = find_label(ocr, labels) if labels else None
    if label is None or label.quad is None:
        return []
    for row in rows_of(ocr.lines):
        start = row.text.find(label.value)
        if start < 0:
            continue
        match = _DATE_LIKE.search(row.text, start + len(label.value))
        if match is None or parse_printed_date(match.group(0)) is not None:
            return []
        lines = row.lines_for_span(match.start(), match.end())
        return [make_evidence(
            data, EvidenceCode.FIELD_INVALID,
            f"发证日期“{match.group(0)}”不是真实存在的日期",
            f"The issue date '{match.group(0)}' is not a real day",
            text=match.group(0), quad=union_quad(lines), confidence=min(line.confidence for line in lines),
            basis=_DATE_BASIS,
        )]
    return []


def _uscc_evidence(ocr: OcrResult, issuer: IssuerRecord | None, data: RuleData) -> list[Evidence]:
    """A printed 统一社会信用代码 whose check character is wrong, or that is not the registered issuer's."""
    for row in rows_of(ocr.lines):
        label = next((lb for lb in _USCC_LABELS if lb in row.text), None)
        if label is None:
            continue
        after = row.text[row.text.find(label) + len(label):].upper()
        match = _USCC_TOKEN.search(re.sub(r"[^0-9A-Z]", "", after))
        if match is None:
            return []
        code = match.group(0)
        problem = _uscc_problem(code, issuer)
        if problem is None:
            return []
        offset = row.text.find(label) + len(label)
        lines = row.lines_for_span(offset, len(row.text)) or row.lines
        return [make_evidence(
            data, EvidenceCode.FIELD_INVALID, f"统一社会信用代码“{code}”{problem}",
            f"The printed unified social credit code '{code}' fails GB 32100 or differs from the registry",
            text=code, quad=union_quad(lines), confidence=min(line.confidence for line in lines), basis=_USCC_BASIS,
        )]
    return []


def _uscc_problem(code: str, issuer: IssuerRecord | None) -> str | None:
    if any(ch not in _USCC_CHARSET for ch in code):
        return "含有编码规则不用的字符（I、O、S、V、Z）"
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        return f"校验码应为“{expected}”，印的是“{code[17]}”"
    if issuer is not None and issuer.uscc and issuer.uscc.upper() != code:
        return f"与备案机构“{issuer.name}”登记的代码{issuer.uscc}不一致"
    return None

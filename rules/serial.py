"""Serial numbers against the template's registered format and their numbering rule (``SERIAL_FORMAT``).

Following PassportEye's MRZ checks, a serial is checked as printed and again
after undoing the letter/digit confusions OCR makes (O/0, I/1, S/5...). A
serial that only passes after that correction may be an OCR misread, so it is
reported at low severity for a person to look at, never as a knock-off.

Beyond the pattern, the two published numbering rules encode facts that the
rest of the certificate also prints (cert-facts §1.4 and §3.1):

* the 22-character 职业技能等级证书 number (人社鉴发〔2019〕2号): the
  organisation-type letter (Y employer, S social training-evaluation
  organisation), the 2-digit year of issue and the level digit;
* the 16-digit 国家职业资格证书 number (《职业技能鉴定考务管理编码方案》): the
  2-digit year of issue, the 鉴定机构 type digit and the level digit.

A number whose encoded year, level or organisation type disagrees with the
printed issue date, level or registered issuer is reported as
``SERIAL_FORMAT``, not ``FIELD_INVALID``: the rule it breaks is the numbering
rule (the clause ``SERIAL_FORMAT`` cites), and a forger who copies a number
from another certificate or makes one up breaks exactly that. ``FIELD_INVALID``
stays for a field that cannot be true on its own (rules/field_validity.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from certcheck.safe_regex import compile_safe
from certcheck.types import CertificateFields, CertificateKind, Evidence, EvidenceCode, FieldValue, IssuerKind, Severity
from ocr.fields import find_label
from ocr.text import compact, fix_digit_confusions, normalize_serial, to_halfwidth
from rules.catalogue import RuleData
from rules.context import RuleContext
from rules.evidence import make_evidence
from templates_registry.models import TemplateSpec

__all__ = [
    "MIN_SURE_SERIAL_CONFIDENCE",
    "QualificationSerial",
    "SerialCheck",
    "SkillLevelSerial",
    "check_serial",
    "check_serial_semantics",
    "parse_qualification_serial",
    "parse_skill_level_serial",
    "printed_level_digit",
    "registered_serial_form",
    "serial_format_rule",
    "serial_matches_template",
    "serial_semantics_rule",
]

#: Below this OCR confidence a serial that fails its pattern may be a misread
#: rather than a wrong number: on the generated corpus, serials read right
#: score 0.99 or more, while misreads under hard light score 0.55-0.65. Such a
#: finding is medium ("verify by eye"), never high on its own.
MIN_SURE_SERIAL_CONFIDENCE = 0.8

_SPACES = re.compile(r"\s+")
_LETTER_HEAD = re.compile(r"^[A-Za-z]*")


@dataclass(frozen=True)
class SerialCheck:
    """How a printed serial compares with a registered pattern."""

    normalized: str
    matches: bool
    matches_after_ocr_fix: bool


def registered_serial_form(serial: str) -> str:
    """A printed serial as CONTRACT.md section 4 matches it: full-width to ASCII, spaces removed.

    Hyphens and every other separator are kept, so a pattern that prints them
    (``^AB\\d{4}-\\d{6}$``) matches its serials.

    >>> registered_serial_form("ＡＢ２０２１－０００ １２３")
    'AB2021-000123'
    """
    return _SPACES.sub("", to_halfwidth(serial))


def serial_matches_template(serial: str, pattern: str) -> SerialCheck:
    """Check ``serial`` against ``pattern`` (whole match, after the contract's normalisation).

    ``matches`` is the contract's own test. ``matches_after_ocr_fix`` also
    admits the serial once the usual OCR confusions are undone (O/0, I/1,
    S/5...), or once separators the pattern has no room for are dropped (a
    stray ``.`` or ``-`` read between digits): either way a person should
    look, the serial is not known to be wrong.

    >>> p = r'^[SY]\\d{4}\\d{2}\\d{6}\\d{2}[1-5]\\d{6}$'
    >>> serial_matches_template("Ｓ000044030001244000123", p).matches
    True
    >>> check = serial_matches_template("S0000440300O1244000123", p)
    >>> check.matches, check.matches_after_ocr_fix
    (False, True)
    >>> serial_matches_template("S00004403000124400012", p).matches_after_ocr_fix
    False
    >>> serial_matches_template("AB2021-000123", r'^AB\\d{4}-\\d{6}$').matches
    True
    >>> serial_matches_template("AB2021000123", r'^AB\\d{4}-\\d{6}$').matches_after_ocr_fix
    False

    Raises:
        certcheck.safe_regex.UnsafePattern: ``pattern`` is outside the safe subset
            (never for a loaded template: its pattern was checked at registration).
    """
    normalized = registered_serial_form(serial)
    regex = compile_safe(pattern)
    if regex.fullmatch(normalized):
        return SerialCheck(normalized, True, True)
    stripped = normalize_serial(serial)
    # Keep a leading letter block (the organisation-type letter), fix the rest.
    candidates = {stripped}
    for form in (normalized, stripped):
        head = _LETTER_HEAD.match(form).group(0)  # type: ignore[union-attr]
        candidates |= {head + fix_digit_confusions(form[len(head):]), fix_digit_confusions(form)}
    fixed = any(regex.fullmatch(c) for c in candidates - {normalized})
    return SerialCheck(normalized, False, fixed)


def serial_format_rule(ctx: RuleContext) -> list[Evidence]:
    """``SERIAL_FORMAT`` against the matched template (nothing to compare without one)."""
    if ctx.template is None:
        return []
    spec = ctx.template.spec
    serial_field = spec.field("serial_number")
    labels = serial_field.all_labels if serial_field else (spec.serial.label,) if spec.serial else ()
    label = find_label(ctx.ocr, labels)
    evidence = check_serial(ctx.fields, spec, label, ctx.data)
    other_labels_missing = ctx.matched is not None and len(set(ctx.matched.missing_labels) - set(labels)) >= 2
    if label is None and ctx.fields.serial_number is None and other_labels_missing:
        # The serial's label is not the only one the OCR missed: the photo was
        # read only in part, so "no serial printed" is a guess; ask for a look.
        evidence = [replace(e, severity=Severity.MEDIUM, confidence=0.5) for e in evidence]
    return evidence


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


# --- numbering-rule semantics (cert-facts §1.4 and §3.1) -------------------------------------------

_SKILL_LEVEL_BASIS = "人社鉴发〔2019〕2号 职业技能等级证书编码规则（试行）（第1位机构类别、第14–15位发证年份、第16位等级）"
_QUALIFICATION_BASIS = "《职业技能鉴定考务管理编码方案》国家职业资格证书16位编码（第1–2位年份、第11位等级）"
_SKILL_LEVEL_LAYOUT = re.compile(r"^([SY])(\d{4})(\d{2})(\d{6})(\d{2})([1-5])(\d{6})$")
_QUALIFICATION_LAYOUT = re.compile(r"^(\d{2})(\d{2})(\d{2})([0-4])(\d{3})([1-5])(\d{5})$")
#: The numbering rule of 职业技能等级证书 dates from 2019 (人社鉴发〔2019〕2号).
_FIRST_SKILL_LEVEL_YEAR = 19
#: Registry kinds the organisation-type letter stands for (cert-facts §1.4).
_ORG_TYPE_LETTER = {IssuerKind.EMPLOYER: "Y", IssuerKind.EVALUATION_ORG: "S"}
_ORG_TYPE_NAME = {"Y": "用人单位", "S": "社会培训评价组织"}

#: ``N级`` numerals and the level names of both schemes, longest first ("高级技师" before "技师").
_LEVEL_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_LEVEL_NAMES = (
    ("高级技师", 1), ("技师", 2), ("高级工", 3), ("中级工", 4), ("初级工", 5),
    ("高级", 3), ("中级", 4), ("初级", 5),
)


@dataclass(frozen=True)
class SkillLevelSerial:
    """The seven parts of a 22-character 职业技能等级证书 number (cert-facts §1.4)."""

    org_type: str  # "Y" employer, "S" social training-evaluation organisation
    org_code: str  # "0000" when filed with a province
    province: str
    site: str
    year: int  # last two digits of the year of issue
    level: int  # 1 = 一级/高级技师 ... 5 = 五级/初级工
    sequence: str


@dataclass(frozen=True)
class QualificationSerial:
    """The parts of a 16-digit 国家职业资格证书 number (cert-facts §3.1)."""

    year: int  # last two digits of the year of issue
    authority: str  # province-level department or industry code (MOLSS table, not GB/T 2260)
    city: str
    centre_type: int  # 0 鉴定(指导)中心 ... 4 企业内鉴定
    centre: str
    level: int  # 1 = 一级/高级技师 ... 5 = 五级/初级
    sequence: str


def _layout_candidates(serial: str) -> tuple[str, ...]:
    """The normalised serial, then the same with OCR letter/digit confusions undone after any leading letter."""
    normalized = normalize_serial(serial)
    head = normalized[:1] if normalized[:1].isalpha() else ""
    return tuple(dict.fromkeys((normalized, head + fix_digit_confusions(normalized[len(head):]))))


def parse_skill_level_serial(serial: str) -> SkillLevelSerial | None:
    """The parts of a 22-character 职业技能等级证书 number, or ``None`` when it does not have that layout.

    >>> parse_skill_level_serial("Y000123000001195000001")
    SkillLevelSerial(org_type='Y', org_code='0001', province='23', site='000001', year=19, level=5, sequence='000001')
    >>> parse_skill_level_serial("S00004403000124400012") is None
    True
    """
    for candidate in _layout_candidates(serial):
        match = _SKILL_LEVEL_LAYOUT.fullmatch(candidate)
        if match:
            letter, org, province, site, year, level, sequence = match.groups()
            return SkillLevelSerial(letter, org, province, site, int(year), int(level), sequence)
    return None


def parse_qualification_serial(serial: str) -> QualificationSerial | None:
    """The parts of a 16-digit 国家职业资格证书 number, or ``None`` for any other layout.

    The 13-digit numbers of Shanghai (cert-facts §3.1, left-padded with "000" by
    the query site) carry no readable year or level and give ``None``.

    >>> parse_qualification_serial("1010001002400123").level
    4
    >>> parse_qualification_serial("1010005002400123") is None  # 鉴定机构 type 5 does not exist
    True
    """
    for candidate in _layout_candidates(serial):
        match = _QUALIFICATION_LAYOUT.fullmatch(candidate)
        if match:
            year, authority, city, centre_type, centre, level, sequence = match.groups()
            return QualificationSerial(int(year), authority, city, int(centre_type), centre, int(level), sequence)
    return None


def printed_level_digit(level: str) -> int | None:
    """The level (1 highest ... 5) a printed level means, or ``None`` when it names none or two.

    Both the 2019 wording ("四级/中级工") and the old booklet's ("国家职业资格四级",
    "中级") are read; a printed level whose numeral and name disagree gives ``None``
    (it is no basis for comparing with the serial).

    >>> printed_level_digit("一级/高级技师"), printed_level_digit("四级/中级工"), printed_level_digit("国家职业资格三级")
    (1, 4, 3)
    >>> printed_level_digit("技师"), printed_level_digit("初级"), printed_level_digit("优秀") is None
    (2, 5, True)
    >>> printed_level_digit("四级/高级技师") is None
    True
    """
    text = compact(level)
    numeral = re.search(r"([一二三四五])级", text)
    by_numeral = _LEVEL_NUMERALS[numeral.group(1)] if numeral else None
    rest = text.replace(numeral.group(0), "", 1) if numeral else text
    by_name = next((digit for name, digit in _LEVEL_NAMES if name in rest), None)
    if by_numeral is not None and by_name is not None and by_numeral != by_name:
        return None
    return by_numeral if by_numeral is not None else by_name


def serial_semantics_rule(ctx: RuleContext) -> list[Evidence]:
    """``SERIAL_FORMAT`` where the number's encoded year, level or organisation type contradicts the certificate."""
    issuer_kind = ctx.issuer.record.kind if ctx.issuer is not None else None
    return check_serial_semantics(ctx.fields, issuer_kind, ctx.data)


def check_serial_semantics(
    fields: CertificateFields, issuer_kind: IssuerKind | None, data: RuleData
) -> list[Evidence]:
    """What the serial encodes against the printed issue date, level and the registered issuer's kind.

    Only a serial that has its scheme's layout is read; one that does not is
    :func:`check_serial`'s business.

    Args:
        fields: what was read off the certificate (``kind`` picks the scheme).
        issuer_kind: the kind of the registry row the certificate's issuer
            matched, ``None`` when it matched none.
        data: rule data (clauses, severities).
    """
    serial = fields.serial_number
    if serial is None:
        return []
    # A serial that only has its layout after undoing OCR confusions is already
    # reported (low) by check_serial; one piece of evidence per span.
    normalized = normalize_serial(serial.value)
    issue_date = _issue_date(fields)
    printed_level = printed_level_digit(fields.level.value) if fields.level is not None else None
    problems: list[_Problem] = []
    if fields.kind == CertificateKind.SKILL_LEVEL and _SKILL_LEVEL_LAYOUT.fullmatch(normalized):
        parts = parse_skill_level_serial(normalized)
        assert parts is not None
        problems += _year_problems(parts.year, issue_date, first_year=_FIRST_SKILL_LEVEL_YEAR)
        problems += _level_problems(parts.level, printed_level)
        problems += _org_type_problems(parts.org_type, issuer_kind)
        basis = _SKILL_LEVEL_BASIS
    elif fields.kind == CertificateKind.QUALIFICATION and _QUALIFICATION_LAYOUT.fullmatch(normalized):
        qualification = parse_qualification_serial(normalized)
        assert qualification is not None
        problems += _year_problems(qualification.year, issue_date)
        problems += _level_problems(qualification.level, printed_level)
        basis = _QUALIFICATION_BASIS
    if not problems:
        return []
    return [_semantic_evidence(serial, problems, basis, data)]


@dataclass(frozen=True)
class _Problem:
    message: str
    message_en: str
    severity: Severity


def _issue_date(fields: CertificateFields) -> date | None:
    if fields.issue_date is None:
        return None
    try:
        return date.fromisoformat(fields.issue_date.value)
    except ValueError:
        return None


def _year_problems(year: int, issue_date: date | None, first_year: int | None = None) -> list[_Problem]:
    if first_year is not None and year < first_year:
        return [_Problem(
            f"编号中的发证年份“{year:02d}”早于2019年编码规则施行",
            f"the year digits '{year:02d}' predate the 2019 numbering rule",
            Severity.HIGH,
        )]
    if issue_date is None or year == issue_date.year % 100:
        return []
    printed = issue_date.year % 100
    # Numbered late in the year of evaluation and issued early the next year is
    # conceivable; a number from a later year, or years earlier, is not.
    severity = Severity.MEDIUM if printed - year == 1 else Severity.HIGH
    return [_Problem(
        f"编号中的发证年份“{year:02d}”与发证日期{issue_date.year}年不符",
        f"the year digits '{year:02d}' contradict the issue date {issue_date.isoformat()}",
        severity,
    )]


def _level_problems(level: int, printed: int | None) -> list[_Problem]:
    if printed is None or printed == level:
        return []
    return [_Problem(
        f"编号中的等级位“{level}”与证书所印等级（{printed}级）不符",
        f"the level digit '{level}' contradicts the printed level ({printed})",
        Severity.HIGH,
    )]


def _org_type_problems(letter: str, issuer_kind: IssuerKind | None) -> list[_Problem]:
    expected = _ORG_TYPE_LETTER.get(issuer_kind) if issuer_kind is not None else None
    if expected is None or expected == letter:
        return []
    return [_Problem(
        f"编号首字母“{letter}”表示{_ORG_TYPE_NAME[letter]}，但登记的发证机构是{_ORG_TYPE_NAME[expected]}（应为“{expected}”）",
        f"the type letter '{letter}' contradicts the registered issuer's kind"
        f" ({issuer_kind.value if issuer_kind else ''}, which numbers with '{expected}')",
        Severity.HIGH,
    )]


def _semantic_evidence(serial: FieldValue, problems: list[_Problem], basis: str, data: RuleData) -> Evidence:
    """One piece of evidence for every contradiction of one serial (one per code per span)."""
    severity = max((p.severity for p in problems), key=lambda s: s.rank)
    if serial.confidence < MIN_SURE_SERIAL_CONFIDENCE and severity == Severity.HIGH:
        severity = Severity.MEDIUM  # a digit may be misread: verify by eye
    return make_evidence(
        data, EvidenceCode.SERIAL_FORMAT,
        f"证书编号“{serial.value}”不符合编码规则：{'；'.join(p.message for p in problems)}",
        f"Serial '{serial.value}' breaks its numbering rule: {'; '.join(p.message_en for p in problems)}",
        text=serial.value, quad=serial.quad, confidence=min(0.95, serial.confidence),
        severity=severity, basis=basis,
    )

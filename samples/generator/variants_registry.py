"""Knock-off variants about the issuer registry, the catalogue, field validity and serial semantics.

Each variant changes what one certificate says so that exactly its declared
codes are right (CONTRACT.md section 3), everything else staying consistent:
a certificate moved to another issuer gets that issuer's serial prefix, scope
and seal; a changed issue date takes the serial's year digits with it. They
are checked with ``--issuers samples/registry/demo-issuers.csv``:

| variant | codes | why |
|---|---|---|
| ``unregistered_issuer`` | UNREGISTERED_ISSUER | an evaluation organisation in no registry row (name and seal) |
| ``blacklisted_issuer``, ``revoked_issuer`` | BLACKLISTED_ISSUER | issued by the blacklisted / revoked row |
| ``out_of_scope`` | OUT_OF_SCOPE | an occupation outside the issuer's filed scope |
| ``not_in_catalogue`` | NOT_IN_CATALOGUE | a 职业资格证书 for an occupation after it left the catalogue (or never in it) |
| ``id_check_digit_wrong`` | FIELD_INVALID | the ID number's GB 11643 check character changed |
| ``future_issue_date`` | FIELD_INVALID | issued in 2031-2034 (fixed, so the corpus does not change with the day) |
| ``serial_year_mismatch`` | SERIAL_FORMAT | the serial's year digits disagree with the issue date |
| ``serial_level_mismatch`` | SERIAL_FORMAT | the serial's level digit disagrees with the printed level |

None is in the default mix; ask for them with ``--variants``.
``samples/generator/variants.py`` imports this module at its end, so they are
registered wherever the variant registry is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from certcheck.types import CertificateKind, EvidenceCode, RiskLevel
from samples.generator.catalogue import OCCUPATIONS, pick_work_type
from samples.generator.content import CertificateContent, format_cn_date, with_serial
from samples.generator.designs._common import pick_issue_date
from samples.generator.issuers import Issuer, load_demo_issuers
from samples.generator.variants import register_variant

__all__ = ["UNREGISTERED_EVALUATION_ORGS", "UNREGISTERED_SPECIAL_ABILITY_ORGS"]

_SKILL = CertificateKind.SKILL_LEVEL
_QUALIFICATION = CertificateKind.QUALIFICATION
_SPECIAL = CertificateKind.SPECIAL_ABILITY
_PROFESSIONAL = CertificateKind.PROFESSIONAL_QUALIFICATION

#: Evaluation organisations that are in no registry row; names free of restricted
#: words and far from every demo registry name (tests/samples/test_new_designs.py checks).
UNREGISTERED_EVALUATION_ORGS = (
    "珠海市横琴技能人才评价有限公司",
    "东莞市莞邦人才测评服务有限公司",
    "南京秦淮匠艺技能评价中心",
    "合肥庐州技能人才测评有限公司",
    "长沙湘江职业技能测评有限公司",
)
UNREGISTERED_SPECIAL_ABILITY_ORGS = ("福州榕城技能人才测评有限公司", "泉州刺桐技能测评服务中心")

#: Occupations without a national 职业资格 after the date they left (rules/data/qualification_catalogue_2021.yaml).
_LEFT_SKILL = (("心理咨询师", dt.date(2018, 1, 2), dt.date(2019, 12, 20)),
               ("企业人力资源管理师", dt.date(2021, 9, 1), dt.date(2024, 12, 20)),
               ("健康管理师", dt.date(2021, 9, 1), dt.date(2024, 12, 20)),
               ("公共营养师", dt.date(2021, 9, 1), dt.date(2024, 12, 20)))
_NEVER_PROFESSIONAL = ("碳排放管理师", "家庭教育指导师")
#: Issue dates in the future of any run before 2031 (the checker compares with today).
_FUTURE = (dt.date(2031, 1, 6), dt.date(2034, 12, 15))


def _noted(content: CertificateContent, note: str) -> CertificateContent:
    return dataclasses.replace(content, notes=(*content.notes, note))


def _set(content: CertificateContent, key: str, value: str, normalized: str = "") -> CertificateContent:
    """A copy whose field ``key`` prints ``value`` (``normalized``: its truth form, e.g. an ISO date)."""
    if content.field(key) is None:
        raise KeyError(f"the certificate prints no field {key!r}")
    fields = tuple(
        dataclasses.replace(f, value=value, normalized=normalized) if f.key == key else f for f in content.fields
    )
    return dataclasses.replace(content, fields=fields)


def _between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    date = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
    while date.weekday() >= 5:
        date -= dt.timedelta(days=1)
    return date


def _year_position(kind: CertificateKind) -> int:
    """Where the 2-digit year of issue sits in the serial (cert-facts §1.4, §3.1)."""
    return {_SKILL: 13, _QUALIFICATION: 0}[kind]


def _level_position(kind: CertificateKind) -> int:
    return {_SKILL: 15, _QUALIFICATION: 10}[kind]


def _with_serial_year(content: CertificateContent, year: int) -> CertificateContent:
    """The serial (and its QR code) with its year digits set to ``year``; other kinds unchanged."""
    serial = content.field("serial_number")
    if serial is None or content.kind not in (_SKILL, _QUALIFICATION):
        return content
    pos = _year_position(content.kind)
    return with_serial(content, f"{serial.value[:pos]}{year % 100:02d}{serial.value[pos + 2:]}")


def _with_issue_date(content: CertificateContent, date: dt.date) -> CertificateContent:
    """Issued on ``date``, the serial's year digits following it."""
    changed = _set(content, "issue_date", format_cn_date(date), date.isoformat())
    return _with_serial_year(changed, date.year)


def _issue_date(content: CertificateContent) -> dt.date:
    printed = content.field("issue_date")
    if printed is None:
        raise ValueError("the certificate prints no issue date")
    return dt.date.fromisoformat(printed.truth_value)


def _with_seal_of(content: CertificateContent, name: str) -> CertificateContent:
    """The issuer's own seal (the first) carrying ``name``."""
    if not content.seals:
        return content
    first = dataclasses.replace(content.seals[0], arc_text=name)
    return dataclasses.replace(content, seals=(first, *content.seals[1:]))


def _reissue(content: CertificateContent, issuer: Issuer, rng: random.Random) -> CertificateContent:
    """The same skill-level certificate issued by ``issuer``: its name, seal, prefix, scope and dates."""
    occupation = OCCUPATIONS[rng.choice(issuer.occupations)]
    changed = _with_seal_of(_set(content, "issuer", issuer.name), issuer.name)
    changed = _set(changed, "occupation", occupation.name)
    if changed.field("work_type") is not None:
        changed = _set(changed, "work_type", pick_work_type(rng, occupation))
    date = _issue_date(changed)
    if date < issuer.registered_on + dt.timedelta(days=30):
        date = pick_issue_date(rng, issuer.registered_on)
    changed = _with_issue_date(changed, date)
    serial = changed.field("serial_number")
    if serial is not None:
        changed = with_serial(changed, issuer.serial_prefix + serial.value[len(issuer.serial_prefix):])
    return changed


def _registry_row(status: str) -> Issuer:
    return next(i for i in load_demo_issuers() if i.status == status and i.occupations)


@register_variant("unregistered_issuer", codes=[EvidenceCode.UNREGISTERED_ISSUER], risk=RiskLevel.HIGH,
                  kinds=[_SKILL, _SPECIAL], in_default_mix=False)
def unregistered_issuer(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """Issued (name and seal) by an evaluation organisation that is in no registry."""
    pool = UNREGISTERED_SPECIAL_ABILITY_ORGS if content.kind == _SPECIAL else UNREGISTERED_EVALUATION_ORGS
    name = rng.choice(pool)
    return _noted(_with_seal_of(_set(content, "issuer", name), name), f"issuer -> unregistered {name}")


@register_variant("blacklisted_issuer", codes=[EvidenceCode.BLACKLISTED_ISSUER], risk=RiskLevel.HIGH,
                  kinds=[_SKILL], in_default_mix=False)
def blacklisted_issuer(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """Issued by the registry's blacklisted organisation, within its scope and after its registration."""
    issuer = _registry_row("blacklisted")
    return _noted(_reissue(content, issuer, rng), f"issuer -> blacklisted {issuer.code}")


@register_variant("revoked_issuer", codes=[EvidenceCode.BLACKLISTED_ISSUER], risk=RiskLevel.HIGH,
                  kinds=[_SKILL], in_default_mix=False)
def revoked_issuer(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """Issued by the registry's organisation whose registration is revoked."""
    issuer = _registry_row("revoked")
    return _noted(_reissue(content, issuer, rng), f"issuer -> revoked {issuer.code}")


def _outside(occupation: str, scope: tuple[str, ...]) -> bool:
    return all(occupation != s and occupation not in s and s not in occupation for s in scope)


@register_variant("out_of_scope", codes=[EvidenceCode.OUT_OF_SCOPE], risk=RiskLevel.HIGH, kinds=[_SKILL],
                  in_default_mix=False)
def out_of_scope(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """An occupation the (registered, active) issuer did not file."""
    issuer_name = content.field("issuer")
    issuer = next((i for i in load_demo_issuers() if issuer_name and i.name == issuer_name.value), None)
    if issuer is None or not issuer.occupations:
        raise ValueError("out_of_scope needs a certificate of a registry issuer with a filed scope")
    occupation = OCCUPATIONS[rng.choice(sorted(o for o in OCCUPATIONS if _outside(o, issuer.occupations)))]
    changed = _set(content, "occupation", occupation.name)
    if changed.field("work_type") is not None:
        changed = _set(changed, "work_type", pick_work_type(rng, occupation))
    return _noted(changed, f"occupation -> {occupation.name} (outside {';'.join(issuer.occupations)})")


@register_variant("not_in_catalogue", codes=[EvidenceCode.NOT_IN_CATALOGUE], risk=RiskLevel.HIGH,
                  kinds=[_QUALIFICATION, _PROFESSIONAL], in_default_mix=False)
def not_in_catalogue(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """A 职业资格证书 for an occupation after it left the national catalogue (or one never in it)."""
    if content.kind == _PROFESSIONAL:
        name = rng.choice(_NEVER_PROFESSIONAL)
        changed = _set(content, "occupation", name)
        if changed.field("level") is not None:
            changed = changed.without_field("level")
        return _noted(changed, f"qualification -> {name} (never in the catalogue)")
    name, first, last = rng.choice(_LEFT_SKILL)
    changed = _with_issue_date(_set(content, "occupation", name), _between(rng, first, last))
    return _noted(changed, f"occupation -> {name}, issued {_issue_date(changed).isoformat()}")


@register_variant("id_check_digit_wrong", codes=[EvidenceCode.FIELD_INVALID], risk=RiskLevel.MEDIUM,
                  kinds=[_SKILL, _QUALIFICATION, _SPECIAL, _PROFESSIONAL], in_default_mix=False)
def id_check_digit_wrong(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """The ID number's last character (the GB 11643 check character) replaced by another digit."""
    printed = content.field("id_number")
    if printed is None or len(printed.value) != 18:
        raise ValueError("id_check_digit_wrong needs an 18-character ID number")
    wrong = rng.choice([d for d in "0123456789" if d != printed.value[17]])
    return _noted(_set(content, "id_number", printed.value[:17] + wrong), f"id check {printed.value[17]} -> {wrong}")


@register_variant("future_issue_date", codes=[EvidenceCode.FIELD_INVALID], risk=RiskLevel.HIGH,
                  kinds=[_SKILL, _SPECIAL, _PROFESSIONAL], in_default_mix=False)
def future_issue_date(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """Issued on a day still to come (2031-2034), the serial's year digits following it."""
    date = _between(rng, *_FUTURE)
    return _noted(_with_issue_date(content, date), f"issue date -> {date.isoformat()}")


@register_variant("serial_year_mismatch", codes=[EvidenceCode.SERIAL_FORMAT], risk=RiskLevel.HIGH,
                  kinds=[_SKILL, _QUALIFICATION], in_default_mix=False)
def serial_year_mismatch(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """The serial's year digits two or more years before, or after, the printed issue date."""
    year = _issue_date(content).year + rng.choice((-3, -2, 1, 2))
    changed = _with_serial_year(content, year)
    serial = changed.field("serial_number")
    return _noted(changed, f"serial year -> {year % 100:02d}: {serial.value if serial else ''}")


@register_variant("serial_level_mismatch", codes=[EvidenceCode.SERIAL_FORMAT], risk=RiskLevel.HIGH,
                  kinds=[_SKILL, _QUALIFICATION], in_default_mix=False)
def serial_level_mismatch(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """The serial's level digit names another level than the one printed."""
    serial = content.field("serial_number")
    if serial is None:
        raise ValueError("serial_level_mismatch needs a serial number")
    pos = _level_position(content.kind)
    digit = rng.choice([d for d in "12345" if d != serial.value[pos]])
    changed = with_serial(content, serial.value[:pos] + digit + serial.value[pos + 1:])
    return _noted(changed, f"serial level digit {serial.value[pos]} -> {digit}")

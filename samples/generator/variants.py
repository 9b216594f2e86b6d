"""What is true or false on a certificate: the genuine original and its knock-off variants.

A variant is one small function ``(content, rng) -> content`` registered with
:func:`register_variant`, which also declares the evidence codes (CONTRACT.md
section 3) and the risk level a correct checker reports for it. Adding a
knock-off is adding one such function here; designs print whatever the content
holds (``additions``, ``watermark``, extra ``seals`` included), so nothing else
changes.

The wording knock-offs (restricted words, added text, false claims,
impersonated authorities; 人社部函〔2022〕25号 一（一）（二）, 东人社函〔2022〕37号
二（二）（四）) each declare the *complete* set of codes a correct checker
reports, so one variant never mixes phrasings that would raise different codes:
a phrase holding a restricted word (国家认可, 中国…联盟) is its own variant with
``FORBIDDEN_WORDING`` added. On the registered 职业技能等级证书 style any line
the template does not print is also ``ADDED_TEXT`` (东人社函〔2022〕37号 二（四）
不按规范样式印制; rules/template_rules.py reads it so), so a claim or a
supervisor line there is a ``*_skill_level`` variant with that code added; on a
private certificate only the named kinds of added wording (×××联盟, 就业凭证,
录用依据, 入库…) are. Phrasings and their place on the sheet (top margin,
header under the title, footer note, body, issuer line) vary by seed.

Planned next (each one function): an unregistered or blacklisted issuer, an
occupation outside the issuer's scope, a wrong ID check digit (FIELD_INVALID).
"""

from __future__ import annotations

import dataclasses
import functools
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from certcheck.types import CertificateKind, EvidenceCode, RiskLevel
from samples.generator.content import CertificateContent, SealSpec, with_serial
from samples.generator.issuers import load_demo_issuers
from samples.generator.registry import Registry

__all__ = ["NON_OFFICIAL_KINDS", "VARIANTS", "Variant", "register_variant", "skill_level_serial_pattern"]

VariantFunction = Callable[[CertificateContent, random.Random], CertificateContent]

_TEMPLATE_YAML = (
    Path(__file__).resolve().parents[2] / "templates_registry" / "builtin" / "hrss-skill-level-2021" / "template.yaml"
)
#: Letters no OCR confusion fixer would turn into a digit (not O, I, L, S, Z, B, G, Q, D).
_UNAMBIGUOUS_LETTERS = "AEFHKMNPRTWX"


@dataclass(frozen=True)
class Variant:
    """A registered transformation of a certificate's content.

    Attributes:
        name: the registry name (``--variants`` on the command line).
        description: one line, from the function's docstring.
        apply: the transformation.
        expected_codes: the evidence codes a correct checker reports.
        expected_risk: the risk level a correct checker reports.
        kinds: the certificate kinds it applies to; ``None`` for every design,
            unjudgeable sheets included.
        in_default_mix: whether the default corpus includes it.
        mix_weight: its share in the corpus mix, among the variants of a design.
    """

    name: str
    description: str
    apply: VariantFunction
    expected_codes: frozenset[EvidenceCode]
    expected_risk: RiskLevel
    kinds: frozenset[CertificateKind] | None
    in_default_mix: bool
    mix_weight: float

    def applies_to(self, kind: CertificateKind, judgeable: bool) -> bool:
        """Whether this variant makes sense on a design of ``kind``."""
        if self.kinds is None:
            return True
        return judgeable and kind in self.kinds


VARIANTS = Registry[Variant]("variant")


def register_variant(
    name: str,
    *,
    codes: Iterable[EvidenceCode] = (),
    risk: RiskLevel = RiskLevel.LOW,
    kinds: Iterable[CertificateKind] | None = None,
    in_default_mix: bool = True,
    mix_weight: float = 1.0,
) -> Callable[[VariantFunction], VariantFunction]:
    """Register the decorated function as variant ``name``; its docstring's first line describes it."""

    def register(apply: VariantFunction) -> VariantFunction:
        description = (apply.__doc__ or name).strip().splitlines()[0]
        variant = Variant(
            name=name,
            description=description,
            apply=apply,
            expected_codes=frozenset(codes),
            expected_risk=risk,
            kinds=frozenset(kinds) if kinds is not None else None,
            in_default_mix=in_default_mix,
            mix_weight=mix_weight,
        )
        VARIANTS.add(name, variant)
        return apply

    return register


@functools.cache
def skill_level_serial_pattern() -> re.Pattern[str]:
    """The serial format of the built-in 2021 template, read from its ``template.yaml``."""
    spec = yaml.safe_load(_TEMPLATE_YAML.read_text(encoding="utf-8"))
    return re.compile(spec["serial"]["pattern"])


@register_variant("genuine", mix_weight=7.0)
def genuine(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """The certificate as its design drafts it: nothing wrong."""
    return content


def _drop_digits(serial: str, rng: random.Random) -> str:
    positions = sorted(rng.sample(range(1, len(serial)), rng.randrange(1, 4)), reverse=True)
    for position in positions:
        serial = serial[:position] + serial[position + 1 :]
    return serial


def _extra_digits(serial: str, rng: random.Random) -> str:
    for _ in range(rng.randrange(1, 3)):
        position = rng.randrange(1, len(serial) + 1)
        serial = serial[:position] + str(rng.randrange(10)) + serial[position:]
    return serial


def _other_letter(serial: str, rng: random.Random) -> str:
    return rng.choice(_UNAMBIGUOUS_LETTERS) + serial[1:]


def _no_letter(serial: str, rng: random.Random) -> str:
    return str(rng.randrange(1, 10)) + serial[1:]


def _letters_inside(serial: str, rng: random.Random) -> str:
    chars = list(serial)
    for position in rng.sample(range(1, len(chars)), rng.randrange(1, 3)):
        chars[position] = rng.choice(_UNAMBIGUOUS_LETTERS)
    return "".join(chars)


def _level_out_of_range(serial: str, rng: random.Random) -> str:
    """Position 16 is the level digit; only 1-5 exist (cert-facts §1.4)."""
    return serial[:15] + rng.choice("06789") + serial[16:]


_SERIAL_MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "too_short": _drop_digits,
    "too_long": _extra_digits,
    "wrong_letter": _other_letter,
    "no_letter": _no_letter,
    "letters_inside": _letters_inside,
    "level_digit_out_of_range": _level_out_of_range,
}


@register_variant(
    "serial_bad_format",
    codes=[EvidenceCode.SERIAL_FORMAT],
    risk=RiskLevel.HIGH,
    kinds=[CertificateKind.SKILL_LEVEL],
    mix_weight=2.0,
)
def serial_bad_format(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """A 证书编号 that breaks the registered 22-character format (length, letter, level digit)."""
    printed = content.field("serial_number")
    if printed is None:
        raise ValueError("serial_bad_format needs a certificate that prints a serial number")
    mutation = rng.choice(list(_SERIAL_MUTATIONS))
    serial = _SERIAL_MUTATIONS[mutation](printed.value, rng)
    if skill_level_serial_pattern().fullmatch(serial):
        raise AssertionError(f"mutation {mutation} left a valid serial {serial}")
    changed = with_serial(content, serial)
    return dataclasses.replace(changed, notes=(*changed.notes, f"serial {mutation}: {printed.value} -> {serial}"))


@register_variant(
    "serial_missing",
    codes=[EvidenceCode.SERIAL_FORMAT],
    risk=RiskLevel.HIGH,
    kinds=[CertificateKind.SKILL_LEVEL],
)
def serial_missing(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """No 证书编号 row at all (the QR code then carries the lookup address without a serial)."""
    changed = with_serial(content, None)
    return dataclasses.replace(changed, notes=(*changed.notes, "serial row removed"))


# --- Wording knock-offs (issue 3) ---------------------------------------------------------------------

#: Kinds a private organisation may lawfully print (CONTRACT.md kinds table): no official claim.
NON_OFFICIAL_KINDS = (CertificateKind.TRAINING, CertificateKind.OTHER)
_JUDGEABLE_KINDS = (CertificateKind.SKILL_LEVEL, *NON_OFFICIAL_KINDS)

#: Places a knock-off prints its extra wording: the top margin, a centred line
#: under the title, a small note at the bottom.
_PLACES = ("margin", "header", "footer")

#: ×××联盟 names free of restricted words (东人社函〔2022〕37号 二（四） "×××联盟").
_ALLIANCES = (
    "粤港澳大湾区技能人才联盟",
    "长三角职业技能发展联盟",
    "华南技能人才评价联盟",
    "京津冀职业教育联盟",
    "西部技能人才培养联盟",
)
#: ×××联盟 names that also carry a restricted word (CONTRACT.md section 3: both codes).
_NATIONAL_ALLIANCES = ("中国职业技能人才联盟", "全国技能人才发展联盟", "中华技能人才联盟", "中国职业教育产教联盟")
_ALLIANCE_FORMS = ("{}", "{}成员单位", "{} 联合颁发", "{}推荐")
#: 就业凭证 / 录用依据 wording (东人社函〔2022〕37号 二（四）).
_EMPLOYMENT_WORDING = (
    "本证书可作为就业凭证",
    "可作为单位录用依据",
    "就业凭证 录用依据",
    "持证人可凭此证作为就业凭证",
    "可作为用人单位录用依据",
)
#: False claims without a restricted word (东人社函〔2022〕37号 二（二）; 人社部函〔2022〕25号 一（二）).
_FALSE_CLAIMS = (
    "权威证书 官方认证",
    "持此证书可评职称、积分入户",
    "官方认证 权威证书 积分入学",
    "不限年龄 不限专业 考试包过",
    "持证享高补贴 可评职称",
    "本证书为权威证书，可用于积分入户",
    "无门槛报考 包过",
)
#: False claims that hold a restricted word (国家, 全国): FALSE_CLAIM and FORBIDDEN_WORDING.
_NATIONAL_FALSE_CLAIMS = (
    "国家认可 全国通用",
    "本证书全国通用",
    "国家认可证书 全国通用",
    "国家承认 全国有效",
    "全国通用 国家认可 权威证书",
    "持证全国通用，国家认可",
)
#: "入库可查" wording: added registry wording (ADDED_TEXT, like 入库备案) that is also a false claim.
_REGISTRY_CLAIMS = ("入库可查", "证书信息入库可查", "已入库备案 入库可查", "人才库入库可查 终身有效")
#: Lines under the title that use a state name without claiming anything else.
_STATE_HEADERS = ("中华人民共和国", "国家技能人才培育项目", "全国技能人才发展工程", "中国技能人才培养计划")
#: 证书正文 of the skill-level design with a state name worked in.
_STATE_BODIES = (
    "该同志经本机构评价，达到国家相应职业技能等级要求，特发此证。",
    "持证人经评价，达到中华人民共和国相应职业技能等级要求，特发此证。",
    "经考核评价合格，准予认定国家相应职业技能等级，特发此证。",
)
#: Private titles with a restricted word that claim no official kind, and the kind the title gives.
_RESTRICTED_TITLES = (
    ("国家岗位能力证书", CertificateKind.OTHER),
    ("全国技能人才证书", CertificateKind.OTHER),
    ("中华技能人才证书", CertificateKind.OTHER),
    ("中国技能水平证书", CertificateKind.OTHER),
    ("岗位合格证书", CertificateKind.OTHER),
    ("国家级培训合格证书", CertificateKind.TRAINING),
    ("全国技能培训证书", CertificateKind.TRAINING),
    ("专业技术职务培训证书", CertificateKind.TRAINING),
)
#: Pieces of private organisation names with a state name (a small outfit cannot lawfully register one).
_STATE_PREFIXES = ("中国", "中华", "全国", "国家")
_NAME_MIDDLES = ("华夏技能", "远航人才", "金蓝领", "新职业")
_NAME_SUFFIXES = ("教育科技有限公司", "职业培训学院", "技能人才发展研究院")
#: Official titles (CONTRACT.md kinds table) a private free design may usurp, and the kind they claim.
_OFFICIAL_TITLES = (
    ("职业技能等级证书", CertificateKind.SKILL_LEVEL),
    ("专项职业能力证书", CertificateKind.SPECIAL_ABILITY),
)
#: Government bodies a knock-off poses as, none holding a restricted word: the ministry,
#: the former ministries (原劳动部, 原人事部) and provincial/city 厅（局） (人社部函〔2022〕25号 一（二）,
#: 东人社函〔2022〕37号 二（二）).
_AUTHORITIES = (
    "人力资源和社会保障部",
    "人力资源社会保障部",
    "原劳动部",
    "原人事部",
    "原劳动和社会保障部",
    *(f"{p}人力资源和社会保障厅" for p in ("广东省", "浙江省", "江苏省", "河南省", "四川省")),
    *(f"{c}人力资源和社会保障局" for c in ("深圳市", "东莞市", "杭州市", "成都市")),
)
#: Invented national bodies: a state name plus an authority-like name (cert-facts §8.7 "全国职业资格考试认证中心").
_NATIONAL_BODIES = (
    "国家职业技能鉴定管理中心",
    "中国职业技能人才评价中心",
    "全国职业资格考试认证中心",
    "中国技能人才评价指导中心",
    "国家职业能力考评委员会",
    "中国华夏人才评价中心",
)
#: How a knock-off puts a body's name under its title.
_SUPERVISION_FORMS = ("{}监制", "主管单位：{}", "{} 指导", "监制单位：{}")


def _with_note(content: CertificateContent, note: str) -> CertificateContent:
    return dataclasses.replace(content, notes=(*content.notes, note))


def _print_line(content: CertificateContent, line: str, rng: random.Random, what: str) -> CertificateContent:
    """``line`` printed in one of the places a knock-off adds wording, chosen by ``rng``."""
    place = rng.choice(_PLACES)
    if place == "margin":
        changed = dataclasses.replace(content, additions=(*content.additions, line))
    elif place == "header":
        changed = dataclasses.replace(content, header=(*content.header, line))
    else:
        changed = dataclasses.replace(content, footer=(*content.footer, line))
    return _with_note(changed, f"{what} ({place}): {line}")


def _renamed_issuer(content: CertificateContent, name: str) -> CertificateContent:
    """The issuer printed as ``name`` everywhere: issuer line, its seal, and where the subtitle or body named it."""
    issuer = content.field("issuer")
    if issuer is None:
        raise KeyError("the certificate prints no issuer")
    old = issuer.value
    changed = content.with_field_value("issuer", name)
    seals = (dataclasses.replace(content.seals[0], arc_text=name), *content.seals[1:]) if content.seals else ()
    return dataclasses.replace(
        changed, seals=seals, subtitle=content.subtitle.replace(old, name), body=content.body.replace(old, name)
    )


@functools.cache
def _registered_names() -> frozenset[str]:
    """Names and aliases of every organisation in the demo issuer registry."""
    return frozenset(name for issuer in load_demo_issuers() for name in (issuer.name, *issuer.aliases))


def _names_issuer_in_heading(content: CertificateContent) -> bool:
    """Whether the subtitle repeats the issuer's name ("XX有限公司 内部培训"), so renaming it would read oddly."""
    issuer = content.field("issuer")
    return issuer is not None and issuer.value in content.subtitle


@register_variant(
    "added_wording",
    codes=[EvidenceCode.ADDED_TEXT],
    risk=RiskLevel.HIGH,
    kinds=_JUDGEABLE_KINDS,
    mix_weight=1.0,
)
def added_wording(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """Added wording that 东人社函〔2022〕37号 二（四） names: ×××联盟, 就业凭证, 录用依据.

    ADDED_TEXT on any design: a named kind of added wording on a private
    certificate, and on the registered style both that and a line where the
    template prints nothing.
    """
    if rng.random() < 0.5:
        line = rng.choice(_ALLIANCE_FORMS).format(rng.choice(_ALLIANCES))
    else:
        line = rng.choice(_EMPLOYMENT_WORDING)
    return _print_line(content, line, rng, "added")


@register_variant(
    "added_wording_national",
    codes=[EvidenceCode.ADDED_TEXT, EvidenceCode.FORBIDDEN_WORDING],
    risk=RiskLevel.HIGH,
    kinds=_JUDGEABLE_KINDS,
    mix_weight=0.7,
)
def added_wording_national(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """A "中国…联盟" line: added wording that also uses a restricted word (both codes, CONTRACT.md section 3)."""
    line = rng.choice(_ALLIANCE_FORMS).format(rng.choice(_NATIONAL_ALLIANCES))
    return _print_line(content, line, rng, "added")


@register_variant(
    "registry_claim",
    codes=[EvidenceCode.ADDED_TEXT, EvidenceCode.FALSE_CLAIM],
    risk=RiskLevel.HIGH,
    kinds=_JUDGEABLE_KINDS,
    mix_weight=0.7,
)
def registry_claim(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """ "入库可查": added registry wording (as 入库备案) that is also a false claim (CONTRACT.md FALSE_CLAIM list)."""
    return _print_line(content, rng.choice(_REGISTRY_CLAIMS), rng, "registry claim")


@register_variant(
    "false_claim",
    codes=[EvidenceCode.FALSE_CLAIM],
    risk=RiskLevel.HIGH,
    kinds=NON_OFFICIAL_KINDS,
    mix_weight=1.0,
)
def false_claim(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """False publicity printed on a private certificate: 包过, 官方认证, 权威证书, 可评职称, 积分入户."""
    return _print_line(content, rng.choice(_FALSE_CLAIMS), rng, "false claim")


@register_variant(
    "false_claim_skill_level",
    codes=[EvidenceCode.FALSE_CLAIM, EvidenceCode.ADDED_TEXT],
    risk=RiskLevel.HIGH,
    kinds=[CertificateKind.SKILL_LEVEL],
    mix_weight=1.0,
)
def false_claim_skill_level(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """The same false claims on the registered style, where any extra line is also ADDED_TEXT."""
    return false_claim(content, rng)


@register_variant(
    "false_claim_national",
    codes=[EvidenceCode.FALSE_CLAIM, EvidenceCode.FORBIDDEN_WORDING],
    risk=RiskLevel.HIGH,
    kinds=NON_OFFICIAL_KINDS,
    mix_weight=0.7,
)
def false_claim_national(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """ "国家认可", "全国通用" on a private certificate: false claims that use a restricted word (both codes)."""
    return _print_line(content, rng.choice(_NATIONAL_FALSE_CLAIMS), rng, "false claim")


@register_variant(
    "false_claim_national_skill_level",
    codes=[EvidenceCode.FALSE_CLAIM, EvidenceCode.FORBIDDEN_WORDING, EvidenceCode.ADDED_TEXT],
    risk=RiskLevel.HIGH,
    kinds=[CertificateKind.SKILL_LEVEL],
    mix_weight=0.7,
)
def false_claim_national_skill_level(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """ "国家认可", "全国通用" added to the registered style (three codes)."""
    return false_claim_national(content, rng)


@register_variant(
    "forbidden_wording",
    codes=[EvidenceCode.FORBIDDEN_WORDING],
    risk=RiskLevel.HIGH,
    kinds=NON_OFFICIAL_KINDS,
    mix_weight=1.2,
)
def forbidden_wording(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """A private certificate using a restricted word: its title (国家岗位能力证书), issuer name or a header line.

    Every form keeps the certificate non-official (no 职业技能等级证书-type
    title), so the restricted word is the only thing wrong (人社部函〔2022〕25号 一（一）).
    """
    form = rng.choice(("title", "issuer", "header"))
    if content.kind == CertificateKind.OTHER:
        # An award or honour is not judged for a national competition's or a body's own name (CONTRACT §3):
        # its knock-off form is a skill title with a state name (国家岗位能力证书).
        form = "title"
    if form == "title":
        title, kind = rng.choice(_RESTRICTED_TITLES)
        return _with_note(dataclasses.replace(content, title=title, kind=kind), f"title: {content.title} -> {title}")
    if form == "issuer" and content.field("issuer") is not None:
        name = rng.choice(_STATE_PREFIXES) + rng.choice(_NAME_MIDDLES) + rng.choice(_NAME_SUFFIXES)
        return _with_note(_renamed_issuer(content, name), f"issuer: {name}")
    line = rng.choice(_STATE_HEADERS)
    return _with_note(dataclasses.replace(content, header=(*content.header, line)), f"header: {line}")


@register_variant(
    "forbidden_wording_skill_level",
    codes=[EvidenceCode.FORBIDDEN_WORDING],
    risk=RiskLevel.HIGH,
    kinds=[CertificateKind.SKILL_LEVEL],
    mix_weight=0.8,
)
def forbidden_wording_skill_level(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """A registered-style 职业技能等级证书 whose 证书正文 works in a state name (国家, 中华人民共和国).

    The issuer stays registered, the title exact and nothing is printed where
    the template prints nothing (an extra line there would add ADDED_TEXT, see
    ``added_wording_national``); only the state name outside the issuer's own
    name is wrong, which the template's ``allowed_phrases`` do not cover.
    """
    body = rng.choice(_STATE_BODIES)
    return _with_note(dataclasses.replace(content, body=body), f"body: {body}")


@register_variant(
    "official_title_knockoff",
    codes=[EvidenceCode.FORBIDDEN_WORDING, EvidenceCode.TEMPLATE_MISMATCH, EvidenceCode.UNREGISTERED_ISSUER],
    risk=RiskLevel.HIGH,
    kinds=[CertificateKind.TRAINING],
    mix_weight=1.5,
)
def official_title_knockoff(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """A private free design titled 职业技能等级证书 / 专项职业能力证书 by an issuer in no registry.

    The title claims an official kind (CONTRACT.md kinds table) with no
    registered template behind the layout (TEMPLATE_MISMATCH), an issuer
    outside the registry (UNREGISTERED_ISSUER), and uses 职业技能等级 /
    专项职业能力 without a template allowing it (FORBIDDEN_WORDING).
    """
    title, kind = rng.choice(_OFFICIAL_TITLES)
    return _with_note(dataclasses.replace(content, title=title, kind=kind), f"title: {content.title} -> {title}")


def _pose_as(content: CertificateContent, body: str, rng: random.Random) -> CertificateContent:
    """``body`` named as supervisor ("×××监制") in a knock-off's place, or, on a private certificate, as its issuer.

    On a 职业技能等级证书 the issuer line stays the registered organisation's
    (replacing it would add UNREGISTERED_ISSUER); on a private certificate whose
    subtitle does not repeat the issuer's name the body may take the issuer line
    and its seal, unless the body is itself in the demo registry (an authority
    row): a registered body printed as the issuer is that issuer, not an
    impersonation (CONTRACT.md section 3).
    """
    private = content.kind in NON_OFFICIAL_KINDS
    as_issuer = rng.random() < 0.5
    if as_issuer and private and content.field("issuer") is not None and not _names_issuer_in_heading(content):
        if body not in _registered_names():
            return _with_note(_renamed_issuer(content, body), f"issuer: {body}")
    return _print_line(content, rng.choice(_SUPERVISION_FORMS).format(body), rng, "poses as")


@register_variant(
    "impersonated_authority",
    codes=[EvidenceCode.IMPERSONATED_AUTHORITY],
    risk=RiskLevel.HIGH,
    kinds=NON_OFFICIAL_KINDS,
    mix_weight=1.0,
)
def impersonated_authority(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """A ministry or HR department (人力资源和社会保障部, 原劳动部, ××省人社厅) as issuer or supervisor."""
    return _pose_as(content, rng.choice(_AUTHORITIES), rng)


@register_variant(
    "impersonated_authority_skill_level",
    codes=[EvidenceCode.IMPERSONATED_AUTHORITY, EvidenceCode.ADDED_TEXT],
    risk=RiskLevel.HIGH,
    kinds=[CertificateKind.SKILL_LEVEL],
    mix_weight=1.0,
)
def impersonated_authority_skill_level(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """ "×××监制" naming a ministry or HR department added to the registered style (also ADDED_TEXT)."""
    return _pose_as(content, rng.choice(_AUTHORITIES), rng)


@register_variant(
    "impersonated_national_body",
    codes=[EvidenceCode.IMPERSONATED_AUTHORITY, EvidenceCode.FORBIDDEN_WORDING],
    risk=RiskLevel.HIGH,
    kinds=NON_OFFICIAL_KINDS,
    mix_weight=0.8,
)
def impersonated_national_body(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """An invented national body (国家职业技能鉴定管理中心, 中国…人才评价中心) as issuer or supervisor (both codes)."""
    return _pose_as(content, rng.choice(_NATIONAL_BODIES), rng)


@register_variant(
    "impersonated_national_body_skill_level",
    codes=[EvidenceCode.IMPERSONATED_AUTHORITY, EvidenceCode.FORBIDDEN_WORDING, EvidenceCode.ADDED_TEXT],
    risk=RiskLevel.HIGH,
    kinds=[CertificateKind.SKILL_LEVEL],
    mix_weight=0.8,
)
def impersonated_national_body_skill_level(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """ "×××监制" naming an invented national body added to the registered style (three codes)."""
    return _pose_as(content, rng.choice(_NATIONAL_BODIES), rng)


@register_variant(
    "impersonated_seal",
    codes=[EvidenceCode.IMPERSONATED_AUTHORITY, EvidenceCode.FOREIGN_MARK],
    risk=RiskLevel.HIGH,
    kinds=_JUDGEABLE_KINDS,
    in_default_mix=False,
)
def impersonated_seal(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """A second seal naming a ministry or HR department beside the issuer's own, its name printed nowhere else.

    A seal naming someone other than the issuer is also FOREIGN_MARK. Out of
    the default mix (which measures the printed wording): the name is only on
    the seal's arc, read by ``vision/seal_text.py``; ``make eval-marks``
    measures it.
    """
    body = rng.choice(_AUTHORITIES)
    seal = SealSpec(body, rng.choice(("", "证书专用章", "业务专用章")))
    return _with_note(dataclasses.replace(content, seals=(*content.seals, seal)), f"seal: {body}")


# Knock-off marks, issuer/registry and seal/QR variants live in their own modules; importing them registers them.
import samples.generator.variants_marks  # noqa: E402,F401  (registers variants; must follow VARIANTS)
import samples.generator.variants_registry  # noqa: E402,F401  (registers issuer/catalogue/field/serial variants)
import samples.generator.variants_seals_qr  # noqa: E402,F401  (registers seal/QR variants and capture conditions)

"""``qualification_booklet``: the holder's page of the old 国家职业资格证书 (skill workers, until 2020).

What the facts say it carries (cert-facts §3): the 16-digit 证书编号 of
《职业技能鉴定考务管理编码方案》 (year, province-level department code, city,
鉴定机构 type and sequence, level, sequence; §3.1), the pre-printed seal
"人力资源和社会保障部职业技能鉴定中心 职业技能鉴定专用章" (§3.2), and
"中华人民共和国 职业资格证书" with the 国徽 on the cover (§3.2, [LOW]). It was
issued by the government 鉴定 system, so the issuer is a province's 人社 department
(a registry ``authority``), and every sample is issued before the 2020 exit of
水平评价类 skill qualifications (§3.2), for an occupation of that time.

The field labels and their order are our reconstruction (cert-facts does not
list them); the template (``hrss-qualification-booklet``) says so.
"""

from __future__ import annotations

import datetime as dt
import random

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent, PrintedField, SealSpec, format_cn_date
from samples.generator.designs._official_form import layout_form, reference_style
from samples.generator.issuers import Issuer, load_demo_issuers
from samples.generator.people import make_holder
from samples.generator.render import SheetLayout

__all__ = [
    "ISSUER_NAME",
    "KICKER",
    "LEVEL_TEXTS",
    "OCCUPATIONS",
    "TITLE",
    "draft",
    "layout",
    "qualification_serial",
    "reference_layout",
]

TITLE = "职业资格证书"
#: Printed above the title, as on the booklet's cover (cert-facts §3.2 [LOW]).
KICKER = "中华人民共和国"
#: The registered authority that issues the samples (samples/registry/demo-issuers.csv).
ISSUER_NAME = "江苏省人力资源和社会保障厅"
#: Positions 3-4: the MOLSS code of the province-level department; 10 = 江苏 is the
#: one province code the rule's own examples give (cert-facts §3.1 [MED]).
_PROVINCE_CODE = "10"
_SEAL = SealSpec("人力资源和社会保障部职业技能鉴定中心", "职业技能鉴定专用章")
#: The level as the booklet words it, by the level digit (position 11; 1 highest).
LEVEL_TEXTS = {1: "国家职业资格一级", 2: "国家职业资格二级", 3: "国家职业资格三级", 4: "国家职业资格四级",
               5: "国家职业资格五级"}
_LEVEL_WEIGHTS = {1: 0.3, 2: 0.8, 3: 2.5, 4: 3.5, 5: 3.0}
#: Skill occupations that had a national 职业资格 before the 2020 exit.
OCCUPATIONS = ("电工", "焊工", "车工", "钳工", "汽车维修工", "中式烹调师", "美容师", "美发师", "育婴员",
               "企业人力资源管理师", "茶艺师", "保育员")
_BODY = "该同志经职业技能鉴定合格，具备本职业（工种）相应等级的职业资格，特发此证。"
_FOOTER = ("证书查询：http://www.osta.org.cn",)
FIRST_ISSUE_DATE = dt.date(2009, 3, 2)
#: Before the exit of 水平评价类 skill qualifications in 2020 (cert-facts §3.2).
LAST_ISSUE_DATE = dt.date(2019, 12, 20)


def qualification_serial(issue_date: dt.date, level: int, rng: random.Random) -> str:
    """A 16-digit number: year, province, city, 鉴定机构 type (0-2 here), sequence, level, sequence.

    >>> serial = qualification_serial(dt.date(2012, 6, 30), 4, random.Random(1))
    >>> len(serial), serial[:4], serial[10]
    (16, '1210', '4')
    """
    city = rng.randrange(1, 14)
    centre_type = rng.choice((0, 1, 2))
    return (f"{issue_date.year % 100:02d}{_PROVINCE_CODE}{city:02d}{centre_type}{rng.randrange(1, 100):03d}"
            f"{level}{rng.randrange(1, 100_000):05d}")


def _issuer() -> Issuer:
    return next(i for i in load_demo_issuers() if i.name == ISSUER_NAME)


def _issue_date(rng: random.Random) -> dt.date:
    date = FIRST_ISSUE_DATE + dt.timedelta(days=rng.randrange((LAST_ISSUE_DATE - FIRST_ISSUE_DATE).days))
    while date.weekday() >= 5:
        date -= dt.timedelta(days=1)
    return date


def draft(rng: random.Random) -> CertificateContent:
    """A genuine booklet page of the registered province department, issued 2009-2019."""
    issuer = _issuer()
    issue_date = max(_issue_date(rng), issuer.registered_on + dt.timedelta(days=30))
    holder = make_holder(rng, issue_date)
    digits = list(_LEVEL_WEIGHTS)
    level = rng.choices(digits, weights=[_LEVEL_WEIGHTS[d] for d in digits])[0]
    fields = (
        PrintedField("holder_name", "姓名", "", holder.name),
        PrintedField("id_number", "身份证号码", "", holder.id_number),
        PrintedField("occupation", "职业（工种）", "", rng.choice(OCCUPATIONS)),
        PrintedField("level", "等级", "", LEVEL_TEXTS[level]),
        PrintedField("serial_number", "证书编号", "", qualification_serial(issue_date, level, rng)),
        PrintedField("issuer", "发证机关", "", issuer.name),
        PrintedField("issue_date", "发证日期", "", format_cn_date(issue_date), issue_date.isoformat()),
    )
    return CertificateContent(
        kind=CertificateKind.QUALIFICATION, title=TITLE, fields=fields, body=_BODY, seals=(_SEAL,), footer=_FOOTER,
    )


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """The booklet page: 中华人民共和国 over the title, rows beside the photo, issuer block under the seal."""
    return layout_form(content, rng, kicker=KICKER)


def reference_layout() -> SheetLayout:
    """The template's reference image: a fixed sample in the plain style."""
    rng = random.Random(2009)
    return layout_form(draft(rng), rng, kicker=KICKER, style=reference_style())


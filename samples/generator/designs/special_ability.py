"""``special_ability``: a 专项职业能力证书 (special vocational-ability certificate).

What the facts say (cert-facts §2): it assesses one specific skill against a
考核项目 and 考核规范 filed with 人社部, and (in 福建) the provincial or municipal
职业技能鉴定(指导)中心 issues it, i.e. the government 鉴定 system, here registry
``authority`` rows. Its **numbering format is not published**: the samples
print a made-up number, and the template (``hrss-special-ability``) has no
serial pattern. The 考核项目 names are invented examples, not a filed list.
"""

from __future__ import annotations

import datetime as dt
import random

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent, PrintedField, SealSpec, format_cn_date
from samples.generator.designs._common import pick_issue_date
from samples.generator.designs._official_form import layout_form, reference_style
from samples.generator.issuers import Issuer, load_demo_issuers
from samples.generator.people import make_holder
from samples.generator.render import SheetLayout

__all__ = ["ISSUER_NAMES", "PROJECTS", "TITLE", "draft", "layout", "reference_layout"]

TITLE = "专项职业能力证书"
#: Registered authorities of the demo registry that issue these (cert-facts §2: 福建's 鉴定中心).
ISSUER_NAMES = ("福建省职业技能鉴定指导中心", "厦门市职业技能鉴定指导中心")
#: Invented 考核项目 names in the style of filed items (one specific skill each).
PROJECTS = ("电子商务网店运营", "茶叶加工", "中式面点制作", "家庭保洁", "手机维修", "闽南菜烹饪", "老年人照护")
_BODIES = (
    "经考核，成绩合格，具备该考核项目的专项职业能力，特发此证。",
    "该同志参加专项职业能力考核，成绩合格，特发此证。",
)


def _issuer(rng: random.Random) -> Issuer:
    name = rng.choice(ISSUER_NAMES)
    return next(i for i in load_demo_issuers() if i.name == name)


def _number(issuer: Issuer, issue_date: dt.date, rng: random.Random) -> str:
    """A sample number (the real format is unknown, cert-facts §2): area, year, sequence."""
    return f"ZX{issuer.code[5:9]}{issue_date.year}{rng.randrange(1, 1_000_000):06d}"


def draft(rng: random.Random) -> CertificateContent:
    """A genuine certificate of a registered 鉴定中心."""
    issuer = _issuer(rng)
    issue_date = pick_issue_date(rng, issuer.registered_on)
    holder = make_holder(rng, issue_date)
    fields = (
        PrintedField("holder_name", "姓名", "", holder.name),
        PrintedField("id_number", "证件号码", "", holder.id_number),
        PrintedField("occupation", "考核项目", "", rng.choice(PROJECTS)),
        PrintedField("serial_number", "证书编号", "", _number(issuer, issue_date, rng)),
        PrintedField("issuer", "发证机构", "", issuer.name),
        PrintedField("issue_date", "发证日期", "", format_cn_date(issue_date), issue_date.isoformat()),
    )
    return CertificateContent(
        kind=CertificateKind.SPECIAL_ABILITY, title=TITLE, fields=fields, body=rng.choice(_BODIES),
        seals=(SealSpec(issuer.name, "职业技能鉴定专用章"),),
    )


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """Title, 正文, rows beside the photo, the 鉴定中心's block under its seal."""
    return layout_form(content, rng)


def reference_layout() -> SheetLayout:
    """The template's reference image: a fixed sample in the plain style."""
    rng = random.Random(2018)
    return layout_form(draft(rng), rng, style=reference_style())

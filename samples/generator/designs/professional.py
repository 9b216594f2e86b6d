"""``professional_qualification``: a 专业技术人员职业资格证书 issued under 人社部's seal.

What the facts say (cert-facts §4): from 2021-12-17 the electronic seal
"中华人民共和国人力资源和社会保障部专业技术人员职业资格证书专用章" is used for 24
professional qualifications (经济, 审计, 统计, 出版, 社会工作者, 翻译, 一级建造师,
注册安全工程师, 执业药师 ...); the certificate shows a 管理号 whose **format is not
published**; this is the one family that legitimately carries 中华人民共和国人力资源和
社会保障部 on its seal. The samples are issued after 2021-12-17 by the ministry
(a registry ``authority`` row), for qualifications of the 2021 catalogue.

Field labels, their order and the 管理号 digits are our reconstruction; the
template (``mohrss-professional-qualification``) has no serial pattern.
"""

from __future__ import annotations

import datetime as dt
import random

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent, PrintedField, SealSpec, format_cn_date
from samples.generator.designs._common import LAST_ISSUE_DATE
from samples.generator.designs._official_form import layout_form, reference_style
from samples.generator.issuers import load_demo_issuers
from samples.generator.people import make_holder
from samples.generator.render import SheetLayout

__all__ = ["ISSUER_NAME", "QUALIFICATIONS", "SEAL", "TITLE", "draft", "layout", "reference_layout"]

TITLE = "专业技术人员职业资格证书"
ISSUER_NAME = "中华人民共和国人力资源和社会保障部"
#: cert-facts §4 [HIGH]: the ministry's electronic seal for 24 qualifications.
SEAL = SealSpec(ISSUER_NAME, "专业技术人员职业资格证书专用章")
#: From 2021-12-17 the electronic seal is in use (人社厅发〔2021〕97号).
FIRST_ISSUE_DATE = dt.date(2022, 1, 4)
#: Qualifications under the ministry's seal (cert-facts §4) and the levels printed for them ("" = none).
QUALIFICATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("经济专业技术资格", ("初级", "中级", "高级")),
    ("审计专业技术资格", ("初级", "中级")),
    ("统计专业技术资格", ("初级", "中级")),
    ("出版专业技术人员职业资格", ("初级", "中级")),
    ("社会工作者职业资格", ("初级", "中级")),
    ("翻译专业资格", ("三级", "二级")),
    ("一级建造师", ("",)),
    ("注册安全工程师", ("中级",)),
    ("执业药师", ("",)),
)
_BODY = "持证人经考试合格，取得本证书所列专业技术人员职业资格，特发此证。"
_FOOTER = ("证书查询验证：http://www.cpta.com.cn",)


def _issue_date(rng: random.Random) -> dt.date:
    date = FIRST_ISSUE_DATE + dt.timedelta(days=rng.randrange((LAST_ISSUE_DATE - FIRST_ISSUE_DATE).days))
    while date.weekday() >= 5:
        date -= dt.timedelta(days=1)
    return date


def draft(rng: random.Random) -> CertificateContent:
    """A genuine certificate under the ministry's seal, issued 2022-2025."""
    issuer = next(i for i in load_demo_issuers() if i.name == ISSUER_NAME)
    issue_date = _issue_date(rng)
    holder = make_holder(rng, issue_date)
    name, levels = rng.choice(QUALIFICATIONS)
    level = rng.choice(levels)
    management = f"{issue_date.year}{rng.randrange(1, 36):02d}{rng.randrange(1, 10**10):010d}"
    fields = [
        PrintedField("holder_name", "姓名", "", holder.name),
        PrintedField("id_number", "证件号码", "", holder.id_number),
        PrintedField("occupation", "资格名称", "", name),
    ]
    if level:
        fields.append(PrintedField("level", "级别", "", level))
    fields += [
        PrintedField("serial_number", "管理号", "", management),
        PrintedField("issuer", "签发单位", "", issuer.name),
        PrintedField("issue_date", "签发日期", "", format_cn_date(issue_date), issue_date.isoformat()),
    ]
    return CertificateContent(
        kind=CertificateKind.PROFESSIONAL_QUALIFICATION, title=TITLE, fields=tuple(fields), body=_BODY,
        seals=(SEAL,), footer=_FOOTER,
    )


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """Title, 正文, rows beside the photo, the ministry's block under its seal."""
    return layout_form(content, rng)


def reference_layout() -> SheetLayout:
    """The template's reference image: a fixed sample in the plain style."""
    rng = random.Random(2022)
    return layout_form(draft(rng), rng, style=reference_style())

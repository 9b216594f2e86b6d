"""``ncre``: a 全国计算机等级考试 (NCRE) certificate of 教育部教育考试院, an exam certificate of the education system.

Not in the development set of real documents, so this design is drawn from
what is described, not measured. It is an exam certificate of the education
system, kind ``other`` (CONTRACT.md §3 kinds): 教育部教育考试院 (until 2019
教育部考试中心) issues it under its own name and seal, so its 全国 and its
authority's name are its own. Certificates are verified on 中国教育考试网's
certificate query, zscx.neea.edu.cn (NCRE: ``sid=300``; the address as public
link lists give it, e.g. gh: query pages of several student apps). Labels,
their order and the number format are our reconstruction: the template
(``neea-ncre``) has no serial pattern.
"""

from __future__ import annotations

import datetime as dt
import random

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent, PrintedField, SealSpec, format_cn_date
from samples.generator.designs._common import pick_issue_date
from samples.generator.designs._official_form import layout_form, reference_style
from samples.generator.people import make_holder
from samples.generator.render import SheetLayout

__all__ = ["ISSUER_NAME", "SUBJECTS", "TITLE", "draft", "layout", "reference_layout"]

TITLE = "全国计算机等级考试"
#: The printed line under the title (the certificate's own name).
SUBTITLE = "合格证书"
ISSUER_NAME = "教育部教育考试院"
#: Levels and subjects as the exam names them (examples).
SUBJECTS = (("一级", "计算机基础及MS Office应用"), ("二级", "MS Office高级应用与设计"), ("二级", "Python语言程序设计"),
            ("三级", "网络技术"), ("四级", "网络工程师"))
_RESULTS = ("合格", "良好", "优秀")
_BODY = "该考生参加全国计算机等级考试，成绩合格，特发此证。"
_FOOTER = ("证书查询：https://zscx.neea.edu.cn",)


def draft(rng: random.Random) -> CertificateContent:
    """A certificate of one sitting, issued by 教育部教育考试院 (named so from 2019)."""
    issue_date = pick_issue_date(rng, dt.date(2019, 6, 1))
    holder = make_holder(rng, issue_date)
    level, subject = rng.choice(SUBJECTS)
    number = f"{issue_date.year % 100:02d}{rng.randrange(11, 66):02d}{rng.randrange(1, 10**11):011d}"
    fields = (
        PrintedField("holder_name", "姓名", "", holder.name),
        PrintedField("id_number", "证件号", "", holder.id_number),
        PrintedField("level", "级别", "", level),
        PrintedField("occupation", "科目", "", subject),
        PrintedField("result", "成绩", "", rng.choice(_RESULTS)),
        PrintedField("serial_number", "证书编号", "", number),
        PrintedField("issuer", "发证机构", "", ISSUER_NAME),
        PrintedField("issue_date", "发证日期", "", format_cn_date(issue_date), issue_date.isoformat()),
    )
    return CertificateContent(
        kind=CertificateKind.OTHER, title=TITLE, subtitle=SUBTITLE, fields=fields, body=_BODY,
        seals=(SealSpec(ISSUER_NAME, "证书专用章"),), footer=_FOOTER,
    )


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """Title and the certificate's name, 正文, rows beside the photo, the 考试院's block under its seal."""
    return layout_form(content, rng)


def reference_layout() -> SheetLayout:
    """The template's reference image: a fixed sample in the plain style."""
    rng = random.Random(2019)
    return layout_form(draft(rng), rng, style=reference_style())

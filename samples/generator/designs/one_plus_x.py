"""``one_plus_x``: a 1+X 职业技能等级证书 of the education system's 1+X pilot (a 培训评价组织's certificate).

Not in the development set of real documents, so this design is drawn from
what is described, not measured: the 1+X certificates are issued by a
职业教育培训评价组织 (教育部等四部门《关于在院校实施“学历证书+若干职业技能等级证书”
制度试点方案》), are bilingual, and are queried on the platforms 教育部 commissioned
from 国家开放大学: the X证书服务平台 https://vslc.ncb.edu.cn and the 学分银行信息平台
https://www.ncb.edu.cn (教职成司函〔2020〕4号, repost
https://paws3d.com/news/…职业技能等级证书信息管理服务平台… ). The QR code points
to the X证书服务平台. Labels, their order and the number format are our
reconstruction (no official sample was found): the template
(``moe-1x-skill-level``) has no serial pattern and says so.
"""

from __future__ import annotations

import datetime as dt
import random

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent, PrintedField, SealSpec, format_cn_date
from samples.generator.designs._common import pick_issue_date
from samples.generator.designs._official_form import layout_form, pick_form_style, reference_style
from samples.generator.people import make_holder
from samples.generator.render import SheetLayout

__all__ = ["CERTIFICATES", "ORGANISATIONS", "QR_LOOKUP_URL", "TITLE", "draft", "layout", "reference_layout"]

TITLE = "职业技能等级证书"
SUBTITLE = "Vocational Skill Level Certificate"
#: The X证书服务平台 (教职成司函〔2020〕4号 一（一）).
QR_LOOKUP_URL = "https://vslc.ncb.edu.cn/csr-home"
#: Invented 培训评价组织 names (fictional companies, as the samples' other issuers are).
ORGANISATIONS = ("北京数智未来教育科技有限公司", "广州云帆职业教育研究院有限公司", "杭州启明数字技术有限公司")
#: Invented certificate names in the style of the pilot's (a field of work, then the level).
CERTIFICATES = ("Web前端开发", "数据采集", "云计算平台运维与开发", "智能财税", "老年照护")
_LEVELS = ("初级", "中级", "高级")
_BODY = "持证人已通过本职业技能等级考核，特发此证。"
_FOOTER = ("证书查询：https://vslc.ncb.edu.cn", "职业教育国家学分银行：https://www.ncb.edu.cn")


def draft(rng: random.Random) -> CertificateContent:
    """A certificate of a 培训评价组织 (not in the demo issuer registry: the pilot's registry is 教育部's)."""
    issuer = rng.choice(ORGANISATIONS)
    issue_date = pick_issue_date(rng, dt.date(2020, 6, 1))
    holder = make_holder(rng, issue_date)
    # A made-up number (no published format): year, organisation, level, sequence.
    number = (f"{issue_date.year % 100:02d}{rng.randrange(1, 10**4):04d}{rng.randrange(1, 4)}"
              f"{rng.randrange(1, 10**9):09d}")
    fields = (
        PrintedField("holder_name", "姓名", "Name", holder.name),
        PrintedField("sex", "性别", "Gender", "男" if holder.is_male else "女"),
        PrintedField("id_number", "证件号码", "ID No.", holder.id_number),
        PrintedField("occupation", "证书名称", "Certificate", rng.choice(CERTIFICATES)),
        PrintedField("level", "等级", "Level", rng.choice(_LEVELS)),
        PrintedField("serial_number", "证书编号", "Certificate No.", number),
        PrintedField("issuer", "培训评价组织", "Organization", issuer),
        PrintedField("issue_date", "发证日期", "Date of Issue", format_cn_date(issue_date), issue_date.isoformat()),
    )
    return CertificateContent(
        kind=CertificateKind.SKILL_LEVEL, title=TITLE, subtitle=SUBTITLE, fields=fields, body=_BODY,
        seals=(SealSpec(issuer, "职业技能等级证书专用章"),), qr_payload=f"{QR_LOOKUP_URL}?certNo={number}",
        footer=_FOOTER, bilingual=True,
    )


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """Title and English title, 正文, bilingual rows beside the photo, the organisation's block, QR and query lines."""
    return layout_form(content, rng, style=pick_form_style(rng, bilingual=True))


def reference_layout() -> SheetLayout:
    """The template's reference image: a fixed sample in the plain style."""
    rng = random.Random(2020)
    return layout_form(draft(rng), rng, style=reference_style(bilingual=True))

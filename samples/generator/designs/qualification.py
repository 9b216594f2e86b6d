"""``qualification_booklet``: the inner spread of the old 国家职业资格证书 booklet (skill workers, until 2020).

What the facts say it carries (cert-facts §3): the 16-digit 证书编号 of
《职业技能鉴定考务管理编码方案》 (year, province-level department code, city,
鉴定机构 type and sequence, level, sequence; §3.1), the pre-printed seal
"人力资源和社会保障部职业技能鉴定中心 职业技能鉴定专用章" and the provincial
department's steel seal (§3.2), and "中华人民共和国 职业资格证书" with the 国徽
on the cover (§3.2, [LOW]). It was issued by the government 鉴定 system, so the
issuer is a province's 人社 department (a registry ``authority``), and every
sample is issued before the 2020 exit of 水平评价类 skill qualifications (§3.2).

The structure is the open booklet as it is photographed, measured by hand on
the two genuine booklets of the development set (``jl-zgzs-huliyuan-mid.jpg``
and ``jl-zgzs-jiuhuyuan-l5.jpg`` in ``../shared/real-images/``; positions and
the printed label set only, see :data:`LEFT_ROWS` and :data:`RIGHT_ROWS`): on
the left page 姓名/Name, 性别/Sex, 出生日期/Birth Date, 文化程度/Educational
Level, 发证日期/Date of Issue, 证书编号/Certificate No. and 身份证号/ID Card No.
over their lines, the steel seal embossed across them; on the right page
职业(工种)及等级/Occupation & Skill Level, the two test results and 评定成绩, the
caption 职业技能鉴定(指导)中心(印) with its English and the date under the
centre's red seal, the holder's photo under the seal; the micro-print RSBZH
(人社部制) along the bottom. The spread prints no title: the samples carry the
cover's title small at the top of the left page so that the certificate's kind
is still read from a title (the template's layout does not ask for it), and the
issuing department's name small over the caption, since the samples' rules read
the issuer from the print.
"""

from __future__ import annotations

import datetime as dt
import random

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent, PrintedField, SealSpec, format_cn_date
from samples.generator.designs._common import addition_items, pick_portrait
from samples.generator.designs._official_form import (
    SHEET_SIZE,
    SpreadRow,
    SpreadStyle,
    pick_spread_style,
    reference_spread_style,
    spread_background,
    spread_row_items,
)
from samples.generator.fonts import FontRole, fit_font_size, text_width
from samples.generator.issuers import Issuer, load_demo_issuers
from samples.generator.people import make_holder
from samples.generator.render import Item, Portrait, Seal, SheetLayout, Text

__all__ = [
    "ISSUER_NAME",
    "KICKER",
    "LEFT_ROWS",
    "LEVEL_TEXTS",
    "OCCUPATIONS",
    "RIGHT_ROWS",
    "TITLE",
    "draft",
    "layout",
    "qualification_serial",
    "reference_layout",
]

TITLE = "职业资格证书"
#: Printed above the title on the booklet's cover (cert-facts §3.2 [LOW]); not on the inner spread.
KICKER = "中华人民共和国"
#: The registered authority that issues the samples (samples/registry/demo-issuers.csv).
ISSUER_NAME = "江苏省人力资源和社会保障厅"
#: Positions 3-4: the MOLSS code of the province-level department; 10 = 江苏 is the
#: one province code the rule's own examples give (cert-facts §3.1 [MED]).
_PROVINCE_CODE = "10"
_SEAL = SealSpec("人力资源和社会保障部职业技能鉴定中心", "职业技能鉴定专用章")
#: The level as the booklet prints it after the occupation (护理员 中级), by the level digit (1 highest).
LEVEL_TEXTS = {1: "高级技师", 2: "技师", 3: "高级", 4: "中级", 5: "初级"}
_LEVEL_WEIGHTS = {1: 0.3, 2: 0.8, 3: 2.5, 4: 3.5, 5: 3.0}
#: Skill occupations that had a national 职业资格 before the 2020 exit.
OCCUPATIONS = ("电工", "焊工", "车工", "钳工", "汽车维修工", "中式烹调师", "美容师", "美发师", "育婴员",
               "企业人力资源管理师", "茶艺师", "保育员")
_EDUCATION = ("初中", "高中", "中专", "大专", "本科")
_RESULTS = ((60, "合格"), (75, "良好"), (90, "优秀"))
FIRST_ISSUE_DATE = dt.date(2009, 3, 2)
#: Before the exit of 水平评价类 skill qualifications in 2020 (cert-facts §3.2).
LAST_ISSUE_DATE = dt.date(2019, 12, 20)

#: The left page's fields, measured on the two booklets named in the module docstring (normalised spread
#: coordinates: the Chinese label's left edge and top, the value's start, the value line's x range).
LEFT_ROWS = (
    SpreadRow("holder_name", (0.060, 0.118), 40, 0.19, (0.13, 0.30)),
    SpreadRow("sex", (0.313, 0.120), 40, 0.40, (0.37, 0.447)),
    SpreadRow("birth_date", (0.065, 0.228), 40, 0.175, (0.155, 0.447)),
    SpreadRow("education", (0.065, 0.340), 40, 0.25, (0.215, 0.447)),
    SpreadRow("issue_date", (0.065, 0.448), 40, 0.205, (0.185, 0.447)),
    SpreadRow("serial_number", (0.066, 0.666), 40, 0.225, (0.187, 0.447), value_dy=0.018),
    SpreadRow("id_number", (0.067, 0.775), 40, 0.205, (0.185, 0.447), value_size=36),
)
#: The right page's fields (same convention); the occupation's line also holds the level.
RIGHT_ROWS = (
    SpreadRow("occupation", (0.561, 0.115), 40, 0.745, (0.738, 0.95)),
    SpreadRow("theory_score", (0.561, 0.230), 40, 0.835, (0.81, 0.95), value_dy=0.042),
    SpreadRow("skill_score", (0.561, 0.354), 40, 0.85, (0.765, 0.95), value_dy=0.04),
    SpreadRow("result", (0.560, 0.477), 40, 0.78, (0.665, 0.95), value_dy=0.045),
)
#: The seal caption (its left edge and top), the date under it, the centre's seal and the photo under it.
_CAPTION = ("职业技能鉴定(指导)中心(印)", (0.601, 0.686), 46)
_CAPTION_EN = ("Seal of Occupational Skill Testing Authority", (0.628, 0.760), 30)
_SEAL_DATE = (0.636, 0.830)
_SEAL_CENTRE, _SEAL_RADIUS = (0.775, 0.75), 225
_PHOTO = (0.585, 0.714, 0.723, 0.974)
#: The provincial department's steel seal, embossed across the left page (jl-zgzs-jiuhuyuan-l5.jpg).
_STEEL_SEAL = ((0.28, 0.42), 170)
#: 人社部制: the micro-print along the bottom of both pages, at these left edges.
_MICRO_PRINT = ("RSBZH", (0.04, 0.27, 0.545, 0.78), 0.955)
_W, _H = SHEET_SIZE


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


def _spaced_date(date: dt.date) -> str:
    return f"{date.year} 年 {date.month:02d} 月 {date.day:02d} 日"


def draft(rng: random.Random) -> CertificateContent:
    """A genuine booklet of the registered province department, issued 2009-2019."""
    issuer = _issuer()
    issue_date = max(_issue_date(rng), issuer.registered_on + dt.timedelta(days=30))
    holder = make_holder(rng, issue_date)
    digits = list(_LEVEL_WEIGHTS)
    level = rng.choices(digits, weights=[_LEVEL_WEIGHTS[d] for d in digits])[0]
    theory, skill = rng.randrange(60, 99), rng.randrange(60, 99)
    result = next(word for floor, word in reversed(_RESULTS) if min(theory, skill) >= floor)
    fields = (
        PrintedField("holder_name", "姓名", "Name", holder.name),
        PrintedField("sex", "性别", "Sex", "男" if holder.is_male else "女"),
        PrintedField("birth_date", "出生日期", "Birth Date", _spaced_date(holder.birth_date),
                     holder.birth_date.isoformat()),
        PrintedField("education", "文化程度", "Educational Level", rng.choice(_EDUCATION)),
        PrintedField("issue_date", "发证日期", "Date of Issue", format_cn_date(issue_date), issue_date.isoformat()),
        PrintedField("serial_number", "证书编号", "Certificate No.", qualification_serial(issue_date, level, rng)),
        PrintedField("id_number", "身份证号", "ID Card No.", holder.id_number),
        PrintedField("occupation", "职业(工种)及等级", "Occupation & Skill Level", rng.choice(OCCUPATIONS)),
        PrintedField("level", "", "", LEVEL_TEXTS[level]),
        PrintedField("theory_score", "理论知识考试成绩", "Result of Theoretical Knowledge Test", str(theory)),
        PrintedField("skill_score", "操作技能考核成绩", "Result of Operational Skill Test", str(skill)),
        PrintedField("result", "评定成绩", "Result of Test", result),
        PrintedField("issuer", "", "", issuer.name),
    )
    return CertificateContent(kind=CertificateKind.QUALIFICATION, title=TITLE, fields=fields, seals=(_SEAL,))


def _text(text: str, xy: tuple[float, float], size: int, style: SpreadStyle, **kw: object) -> Text:
    return Text(text, (xy[0] * _W, xy[1] * _H), style.label_role, size, style.label_ink, **kw)  # type: ignore[arg-type]


def _right_page_extras(content: CertificateContent, style: SpreadStyle) -> list[Item]:
    """The level after the occupation, the caption and its date, and the department's name over the caption."""
    items: list[Item] = []
    occupation, level = content.field("occupation"), content.field("level")
    if occupation is not None and level is not None:
        # After the occupation, well apart from it so that the two values read as two (护理员　中级).
        row = RIGHT_ROWS[0]
        x = row.value_x * _W + text_width(occupation.value, style.value_role, row.value_size) + 70
        baseline = row.label_xy[1] * _H + 0.92 * row.label_size + row.value_dy * _H
        items.append(Text(level.value, (x, baseline), style.value_role, row.value_size, style.value_ink,
                          key=level.key))
    text, xy, size = _CAPTION
    items.append(_text(text, (xy[0], xy[1] + 0.92 * size / _H), size, style))
    text_en, xy_en, size_en = _CAPTION_EN
    items.append(_text(text_en, xy_en, size_en, style))
    issue_date = content.field("issue_date")
    if issue_date is not None and issue_date.normalized:
        date = dt.date.fromisoformat(issue_date.normalized)
        items.append(Text(_spaced_date(date), (_SEAL_DATE[0] * _W, _SEAL_DATE[1] * _H), style.value_role, 40,
                          style.value_ink))
    issuer = content.field("issuer")
    if issuer is not None:
        items.append(Text(issuer.value, (0.767 * _W, 0.655 * _H), style.value_role, 30, style.value_ink, "ms",
                          key=issuer.key))
    return items


def _extra_lines(content: CertificateContent, style: SpreadStyle) -> list[Item]:
    """A knock-off's header and footer lines, in the left page's empty band; added wording in the top margin."""
    lines = [*content.header, *content.footer]
    items: list[Item] = [Text(line, (0.25 * _W, (0.585 + 0.035 * i) * _H), style.label_role,
                              fit_font_size(line, style.label_role, 34, 0.40 * _W), style.label_ink, "ms")
                         for i, line in enumerate(lines[:2])]
    items.extend(addition_items(content.additions, _W - 60, 60, style.label_ink))
    return items


def _layout_spread(content: CertificateContent, rng: random.Random, style: SpreadStyle) -> SheetLayout:
    items = spread_background(style, content.watermark)
    x0, y0, x1, y1 = _PHOTO
    id_number = content.field("id_number")
    is_male = id_number is not None and len(id_number.value) == 18 and id_number.value[16] in "13579"
    items.append(Portrait((round(x0 * _W), round(y0 * _H), round(x1 * _W), round(y1 * _H)),
                          pick_portrait(rng, is_male)))
    text, lefts, baseline = _MICRO_PRINT
    items.extend(Text(text, (x * _W, baseline * _H), FontRole.SANS_BOLD, 88, (204, 206, 212)) for x in lefts)
    if content.title:
        items.append(Text(content.title, (0.25 * _W, 0.082 * _H), FontRole.TITLE, 60, style.label_ink, "ms", "title",
                          0.3))
    for row in (*LEFT_ROWS, *RIGHT_ROWS):
        items.extend(spread_row_items(content.field(row.key), row, style))
    items.extend(_right_page_extras(content, style))
    items.extend(_extra_lines(content, style))
    (cx, cy), radius = _STEEL_SEAL
    if content.seals:
        items.append(Seal((cx * _W, cy * _H), radius, SealSpec(ISSUER_NAME, "", (218, 218, 224)),
                          rng.uniform(-10, 10), rng.randrange(1 << 30), 0.35))
        (sx, sy) = _SEAL_CENTRE
        items.append(Seal((sx * _W + rng.uniform(-20, 20), sy * _H + rng.uniform(-20, 20)), _SEAL_RADIUS,
                          content.seals[0], rng.uniform(-20, 20), rng.randrange(1 << 30), rng.uniform(0.8, 0.92)))
    for i, spec in enumerate(content.seals[1:]):
        items.append(Seal((0.30 * _W, (0.62 + 0.2 * i) * _H), 120, spec, rng.uniform(-20, 20), rng.randrange(1 << 30)))
    return SheetLayout(SHEET_SIZE, style.paper, tuple(items), grain_seed=rng.randrange(1 << 30))


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """The open booklet: the left page's personal fields, the right page's results under the centre's seal."""
    return _layout_spread(content, rng, pick_spread_style(rng))


def reference_layout() -> SheetLayout:
    """The template's reference image: a fixed sample in the plain style."""
    rng = random.Random(2009)
    return _layout_spread(draft(rng), rng, reference_spread_style())

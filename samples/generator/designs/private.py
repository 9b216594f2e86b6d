"""Legitimate non-official certificates: a company's internal training certificate, a contest award and
a training outfit's own training certificate.

They claim no government-recognised kind, name no ministry and avoid the
restricted words of 人社部发〔2017〕68号 and 人社部函〔2022〕25号 (中国, 国家, 全国,
职业资格, 职业技能等级 ...), so a correct checker finds nothing wrong with them:
they test that the checker does not flag ordinary private certificates.
The training outfit's free design (labelled rows and a holder photo, the look
knock-offs borrow from official certificates) is where the wording variants
turn a lawful private certificate into a 山寨证书.
"""

from __future__ import annotations

import datetime as dt
import random

from certcheck.types import CertificateKind
from samples.generator.catalogue import OCCUPATIONS
from samples.generator.content import CertificateContent, PrintedField, SealSpec, format_cn_date
from samples.generator.designs._common import (
    Palette,
    RowStyle,
    addition_items,
    fit_value_size,
    label_items,
    label_width,
    paragraph_items,
    pick_issue_date,
    pick_portrait,
    value_item,
)
from samples.generator.fonts import FontRole, fit_font_size, text_width
from samples.generator.issuers import COMPANIES, COMPETITION_ORGANISERS, TRAINING_OUTFITS
from samples.generator.people import make_holder
from samples.generator.render import INK, Frame, Guilloche, Item, Portrait, Seal, SheetLayout, Text, Watermark

RGB = tuple[int, int, int]

__all__ = [
    "AWARD_SHEET_SIZE",
    "OUTFIT_SHEET_SIZE",
    "TRAINING_SHEET_SIZE",
    "draft_award",
    "draft_outfit",
    "draft_training",
    "layout_award",
    "layout_outfit",
    "layout_training",
]

#: A4 portrait for the training certificate, A4 landscape for the award (about 171 dpi).
TRAINING_SHEET_SIZE = (1414, 2000)
AWARD_SHEET_SIZE = (2000, 1414)
OUTFIT_SHEET_SIZE = (2000, 1414)

_TRAINING_TITLES = ("培训证书", "结业证书", "培训合格证书")
_COURSES = (
    "安全生产与消防知识",
    "新员工入职培训",
    "客户服务礼仪",
    "精益生产管理",
    "信息安全意识",
    "质量管理体系内审员",
    "班组长管理能力提升",
)
_OUTFIT_TITLES = ("培训结业证书", "技能培训证书", "培训合格证书")
_OUTFIT_COURSES = (
    "电工实操技能培训",
    "育婴员技能培训",
    "茶艺技能提升培训",
    "直播销售技能培训",
    "中式烹调技能培训",
    "养老护理技能培训",
    "美容美发技能培训",
)
_AWARDS = ("一等奖", "二等奖", "三等奖", "优秀奖")
_AWARD_TITLES = ("荣誉证书", "获奖证书")


def _training_number(rng: random.Random, year: int) -> str:
    return f"{rng.choice(('PX', 'NX', 'TR'))}{year}-{rng.randrange(1, 10_000):04d}"


def draft_training(rng: random.Random) -> CertificateContent:
    """A company's internal training certificate (kind ``training``), sealed by the company."""
    company = rng.choice(COMPANIES)
    course = rng.choice(_COURSES)
    issue_date = pick_issue_date(rng)
    start = issue_date - dt.timedelta(days=rng.randrange(1, 5))
    holder = make_holder(rng, issue_date)
    period = f"{format_cn_date(start, zero_pad=False)}至{format_cn_date(issue_date, zero_pad=False)}"
    fields = (
        PrintedField("holder_name", "", "", holder.name),
        PrintedField("course", "培训课程", "Course", course),
        PrintedField("period", "培训时间", "Period", period),
        PrintedField("serial_number", "证书编号", "No.", _training_number(rng, issue_date.year)),
        PrintedField("issuer", "", "", company),
        PrintedField("issue_date", "", "", format_cn_date(issue_date, zero_pad=False), issue_date.isoformat()),
    )
    return CertificateContent(
        kind=CertificateKind.TRAINING,
        title=rng.choice(_TRAINING_TITLES),
        subtitle=f"{company} 内部培训",
        fields=fields,
        body=f"参加本公司组织的《{course}》内部培训，完成全部课程并经考核合格，特发此证。",
        seals=(SealSpec(company, rng.choice(("", "培训专用章"))),),
    )


def draft_award(rng: random.Random) -> CertificateContent:
    """A city contest's award certificate (kind ``other``), sealed by the organising committee."""
    organiser, city = rng.choice(COMPETITION_ORGANISERS)
    issue_date = pick_issue_date(rng)
    holder = make_holder(rng, issue_date)
    occupation = rng.choice(list(OCCUPATIONS))
    contest = f"{issue_date.year}年{city}职工职业技能竞赛"
    fields: tuple[PrintedField, ...] = (
        PrintedField("holder_name", "", "", holder.name),
        PrintedField("issuer", "", "", organiser),
        PrintedField("issue_date", "", "", format_cn_date(issue_date, zero_pad=False), issue_date.isoformat()),
    )
    if rng.random() < 0.5:
        number = f"JS{issue_date.year}-{rng.randrange(1, 1000):03d}"
        fields = (*fields, PrintedField("serial_number", "证书编号", "No.", number))
    return CertificateContent(
        kind=CertificateKind.OTHER,
        title=rng.choice(_AWARD_TITLES),
        fields=fields,
        body=f"在{contest}{occupation}项目中荣获{rng.choice(_AWARDS)}。特发此证，以资鼓励。",
        seals=(SealSpec(organiser),),
    )


def draft_outfit(rng: random.Random) -> CertificateContent:
    """A training outfit's own training certificate (kind ``training``), free design, issuer in no registry."""
    outfit = rng.choice(TRAINING_OUTFITS)
    course = rng.choice(_OUTFIT_COURSES)
    hours = rng.choice((32, 48, 64, 80, 120))
    issue_date = pick_issue_date(rng)
    holder = make_holder(rng, issue_date)
    number = f"{rng.choice(('QH', 'ZY', 'JX', 'PX'))}{issue_date.year}-{rng.randrange(1, 100_000):05d}"
    fields = (
        PrintedField("holder_name", "姓名", "", holder.name),
        PrintedField("id_number", "身份证号", "", holder.id_number),
        PrintedField("course", "培训项目", "", course),
        PrintedField("hours", "培训学时", "", f"{hours}学时"),
        PrintedField("serial_number", "证书编号", "", number),
        PrintedField("issuer", "", "", outfit),
        PrintedField("issue_date", "", "", format_cn_date(issue_date), issue_date.isoformat()),
    )
    return CertificateContent(
        kind=CertificateKind.TRAINING,
        title=rng.choice(_OUTFIT_TITLES),
        fields=fields,
        body=f"该学员参加本机构组织的{course}，完成{hours}学时的学习，经考核合格，特发此证。",
        seals=(SealSpec(outfit, rng.choice(("", "培训专用章"))),),
    )


def _salutation(name: str, xy: tuple[float, float], size: int) -> list[Item]:
    """``姓名 同志：`` with the name as its own text, so its box is the name alone."""
    role = FontRole.KAI
    return [
        Text(name, xy, role, size, key="holder_name"),
        Text("同志：", (xy[0] + text_width(name, role, size) + 0.5 * size, xy[1]), role, size),
    ]


def _signature(content: CertificateContent, right: float, baseline: float, rng: random.Random) -> list[Item]:
    """Issuer and date right-aligned at the bottom, the seal pressed over the issuer's name."""
    items: list[Item] = []
    issuer, date = content.field("issuer"), content.field("issue_date")
    if issuer is not None:
        items.append(Text(issuer.value, (right, baseline), FontRole.SERIF, 40, anchor="rs", key="issuer"))
    if date is not None:
        items.append(Text(date.value, (right, baseline + 75), FontRole.SERIF, 40, anchor="rs", key="issue_date"))
    if content.seals:
        center = (right - rng.uniform(120, 220), baseline + rng.uniform(-10, 40))
        items.append(
            Seal(center, rng.randrange(130, 150), content.seals[0], rng.uniform(-20, 20), rng.randrange(1 << 30))
        )
    return items


def _header_items(lines: tuple[str, ...], center_x: float, baseline: float, width: float, color: RGB) -> list[Item]:
    """Header lines (a knock-off's "×××监制", "中华人民共和国") centred from ``baseline`` down, one each."""
    items: list[Item] = []
    for i, line in enumerate(lines):
        size = fit_font_size(line, FontRole.SERIF, 38, width)
        items.append(Text(line, (center_x, baseline + 52 * i), FontRole.SERIF, size, color, "ms"))
    return items


def _footer_items(lines: tuple[str, ...], center_x: float, baseline: float, width: float) -> list[Item]:
    """Small lines centred at the bottom (a knock-off's notes), the last one on ``baseline``."""
    items: list[Item] = []
    for i, line in enumerate(lines):
        size = fit_font_size(line, FontRole.SANS, 30, width)
        items.append(Text(line, (center_x, baseline - 44 * (len(lines) - 1 - i)), FontRole.SANS, size, INK, "ms"))
    return items


def _further_seals(content: CertificateContent, center: tuple[float, float], rng: random.Random) -> list[Item]:
    """Seals after the issuer's own one (a knock-off's ministry seal), pressed around ``center``."""
    return [
        Seal(
            (center[0] + 60 * i + rng.uniform(-20, 20), center[1] + rng.uniform(-20, 20)),
            rng.randrange(120, 140),
            spec,
            rng.uniform(-20, 20),
            rng.randrange(1 << 30),
        )
        for i, spec in enumerate(content.seals[1:])
    ]


def _labelled_rows(content: CertificateContent, keys: tuple[str, ...], x: float, baseline: float) -> list[Item]:
    items: list[Item] = []
    for key in keys:
        field = content.field(key)
        if field is None:
            continue
        label = f"{field.label}："
        items.append(Text(label, (x, baseline), FontRole.SERIF, 36))
        items.append(
            Text(field.value, (x + text_width(label, FontRole.SERIF, 36), baseline), FontRole.KAI, 38, key=key)
        )
        baseline += 70
    return items


def layout_training(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """A4 portrait: title, company line, salutation, body paragraph, course rows, company and seal."""
    w, _ = TRAINING_SHEET_SIZE
    palette = rng.choice(
        (
            Palette(paper=(252, 252, 250), frame=(36, 80, 150), title=(36, 60, 130), pattern=(230, 236, 246)),
            Palette(paper=(253, 251, 246), frame=(150, 120, 60), title=(150, 40, 30), pattern=(240, 232, 214)),
        )
    )
    title_size = fit_font_size(content.title or "", FontRole.TITLE, 120, w - 300, 0.3)
    items: list[Item] = [
        Guilloche((w / 2, 1000), 480, palette.pattern, petals=7),
        Frame(margin=44, fill=palette.frame, width=5),
        Text(content.title or "", (w / 2, 340), FontRole.TITLE, title_size, palette.title, "ms", "title", 0.3),
        Text(content.subtitle, (w / 2, 440), FontRole.SERIF, 40, INK, "ms"),
        *addition_items(content.additions, w - 120, 560, palette.title),
        *_header_items(content.header, w / 2, 500, w - 300, palette.title),
        *_footer_items(content.footer, w / 2, 1880, w - 300),
        *_further_seals(content, (330, 1720), rng),
    ]
    if content.watermark:
        items.insert(1, Watermark(content.watermark, palette.title))
    number = content.field("serial_number")
    if number is not None:
        items.extend(_labelled_rows(content, ("serial_number",), w - 560, 170))
    name = content.field("holder_name")
    if name is not None:
        items.extend(_salutation(name.value, (190, 640), 52))
    paragraph, last = paragraph_items(content.body, (190, 760), FontRole.KAI, 46, w - 380)
    items.extend(paragraph)
    items.extend(_labelled_rows(content, ("course", "period"), 190, last + 130))
    items.extend(_signature(content, w - 190, 1620, rng))
    return SheetLayout(TRAINING_SHEET_SIZE, palette.paper, tuple(items), grain_seed=rng.randrange(1 << 30))


def layout_award(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """A4 landscape: red-and-gold frame, large title, salutation, citation, organiser and seal."""
    w, h = AWARD_SHEET_SIZE
    red, gold = (178, 30, 34), (196, 160, 80)
    items: list[Item] = [
        Guilloche((w / 2, h / 2), 600, (246, 232, 206), petals=13),
        Frame(margin=36, fill=red, width=18, gap=10, ornament=90),
        Frame(margin=78, fill=gold, width=4, gap=6, ornament=40),
        Text(content.title or "", (w / 2, 330), FontRole.TITLE, 150, red, "ms", "title", 0.5),
        *addition_items(content.additions, w - 140, 430, red),
        *_header_items(content.header, w / 2, 470, w - 700, red),
        *_footer_items(content.footer, w / 2, 1290, w - 900),
        *_further_seals(content, (560, 1110), rng),
    ]
    if content.watermark:
        items.insert(1, Watermark(content.watermark, red))
    name = content.field("holder_name")
    if name is not None:
        items.extend(_salutation(name.value, (260, 560), 58))
    paragraph, _ = paragraph_items(content.body, (260, 700), FontRole.KAI, 52, w - 520, leading=1.8)
    items.extend(paragraph)
    items.extend(_signature(content, w - 260, 1090, rng))
    number = content.field("serial_number")
    if number is not None:
        items.extend(_labelled_rows(content, ("serial_number",), 200, 1260))
    return SheetLayout(AWARD_SHEET_SIZE, (253, 249, 240), tuple(items), grain_seed=rng.randrange(1 << 30))


#: Keys the outfit layout prints at the bottom (issuer and date under the seal), not in the labelled rows.
_OUTFIT_BOTTOM_KEYS = ("issuer", "issue_date")


def layout_outfit(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """A4 landscape: title, labelled rows beside a holder photo, body paragraph, issuer and seal bottom right.

    Labelled rows print every field of the content but the issuer and the
    date, so a variant that adds a row (an occupation, a level) is printed too.
    """
    w, h = OUTFIT_SHEET_SIZE
    palette = rng.choice(
        (
            Palette(paper=(252, 251, 246), frame=(170, 130, 60), title=(150, 30, 30), pattern=(242, 232, 212)),
            Palette(paper=(250, 251, 254), frame=(40, 80, 150), title=(30, 50, 120), pattern=(228, 234, 246)),
            Palette(paper=(251, 252, 249), frame=(60, 120, 80), title=(40, 40, 44), pattern=(226, 238, 228)),
        )
    )
    title = content.title or ""
    title_size = fit_font_size(title, FontRole.TITLE, rng.randrange(100, 120), w - 500, 0.3)
    items: list[Item] = [
        Guilloche((w / 2, h / 2 + 40), 520, palette.pattern, petals=9),
        Frame(margin=40, fill=palette.frame, width=10, gap=8, ornament=60),
        Text(title, (w / 2, 230), FontRole.TITLE, title_size, palette.title, "ms", "title", 0.3),
        *addition_items(content.additions, w - 140, 120, palette.title),
    ]
    if content.watermark:
        items.insert(1, Watermark(content.watermark, palette.title))
    top = 250.0
    if content.subtitle:
        items.append(Text(content.subtitle, (w / 2, 300), FontRole.SERIF, 38, INK, "ms"))
        top = 300.0
    items.extend(_header_items(content.header, w / 2, top + 55, w - 500, palette.title))
    rows_top = top + 55 * len(content.header) + 90
    photo_box = (180, round(rows_top), 380, round(rows_top) + 280)
    id_number = content.field("id_number")
    is_male = id_number is not None and len(id_number.value) == 18 and id_number.value[16] in "13579"
    items.append(Portrait(photo_box, pick_portrait(rng, is_male)))
    rows = [f for f in content.fields if f.key not in _OUTFIT_BOTTOM_KEYS]
    style = RowStyle(FontRole.SERIF, 34, rng.choice((FontRole.SERIF, FontRole.MING)), 38, colon=True, bilingual=False)
    label_column = max((label_width(f, style) for f in rows), default=0.0) + 0.5 * style.label_size
    room = w - 460 - label_column - 200
    value_size = fit_value_size([f.value for f in rows], style.value_role, style.value_size, room)
    style = RowStyle(style.label_role, style.label_size, style.value_role, value_size, colon=True, bilingual=False)
    pitch = min(78.0, 560.0 / max(1, len(rows)))
    baseline = rows_top + 40
    for field in rows:
        items.extend(label_items(field, 460, baseline, style))
        items.append(value_item(field, (460 + label_column, baseline), style))
        baseline += pitch
    paragraph, _ = paragraph_items(content.body, (180, baseline + 60), FontRole.SERIF, 38, w - 360)
    items.extend(paragraph)
    items.extend(_signature(content, w - 200, 1150, rng))
    items.extend(_footer_items(content.footer, w / 2, 1320, w - 900))
    items.extend(_further_seals(content, (620, 1180), rng))
    return SheetLayout(OUTFIT_SHEET_SIZE, palette.paper, tuple(items), grain_seed=rng.randrange(1 << 30))

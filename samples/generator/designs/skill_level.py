"""``skill_level_2021``: a 职业技能等级证书 after the 2021 reference style.

Contents follow 人社鉴发〔2021〕1号 §二(一) and the built-in template
``hrss-skill-level-2021``: the exact title, the holder photo, the nine labelled
fields, a 证书正文 sentence, a QR code, the two osta.org.cn query URLs and the
evaluation organisation's round seal over its name and the issue date
(cert-facts §1.3). Evaluation organisations design their own certificate after
the reference style, so the layout varies with the seed: values right of or
below their labels, with or without a colon, one or two columns, photo and QR
on either side, bilingual labels (allowed by §二(四)).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

from certcheck.types import CertificateKind
from samples.generator.catalogue import OCCUPATIONS, SkillLevel, pick_level, pick_work_type
from samples.generator.content import CertificateContent, PrintedField, SealSpec, format_cn_date
from samples.generator.designs._common import (
    Palette,
    RowStyle,
    addition_items,
    fit_value_size,
    label_items,
    label_width,
    pick_issue_date,
    pick_portrait,
    value_item,
)
from samples.generator.fonts import FontRole, fit_font_size, text_width
from samples.generator.issuers import Issuer, active_skill_issuers, china_named_employers
from samples.generator.people import make_holder
from samples.generator.render import (
    Frame,
    Guilloche,
    Item,
    Portrait,
    QrCode,
    Seal,
    SheetLayout,
    Text,
    Watermark,
)

__all__ = [
    "QR_LOOKUP_URL",
    "QUERY_URL_LINES",
    "REFERENCE_STYLE",
    "SHEET_SIZE",
    "TITLE",
    "draft",
    "draft_china_employer",
    "layout",
    "skill_level_serial",
]

#: A4 landscape at about 171 dpi: big enough for 小四号 values to stay legible in a phone photo.
SHEET_SIZE = (2000, 1414)
TITLE = "职业技能等级证书"
#: The two query addresses every certificate must print (人社鉴发〔2021〕1号 §二(一)).
QUERY_URL_LINES = ("证书查询网址：http://jndj.osta.org.cn", "机构查询网址：http://pjjg.osta.org.cn")
#: The QR code points to the national lookup with the serial as a parameter.
QR_LOOKUP_URL = "http://jndj.osta.org.cn/cert/query"

_BODIES = (
    "该同志经本机构评价，达到相应职业技能等级要求，特发此证。",
    "经考核评价合格，准予认定相应职业技能等级，特发此证。",
    "持证人经评价，达到本职业（工种）相应等级技能要求，特发此证。",
)
_BODY_EN = "This is to certify that the holder has passed the vocational skill level evaluation."
_SEAL_BOTTOM_LINES = ("", "评价专用章", "职业技能等级认定专用章")

_PALETTES = (
    Palette(paper=(251, 250, 245), frame=(176, 142, 74), title=(32, 28, 30), pattern=(236, 228, 206)),
    Palette(paper=(250, 251, 253), frame=(40, 74, 140), title=(28, 40, 96), pattern=(226, 233, 245)),
    Palette(paper=(252, 250, 248), frame=(168, 36, 36), title=(168, 28, 28), pattern=(246, 228, 224)),
    Palette(paper=(248, 250, 246), frame=(52, 110, 80), title=(30, 30, 32), pattern=(224, 237, 228)),
)

_W, _H = SHEET_SIZE
_LEFT, _RIGHT = 150, 1850
_PHOTO_SIZE = (200, 280)
_BOTTOM_TOP, _BOTTOM_MID = 1030, 1000
_QR_SIDE = 200
#: Width of each half of the bottom block (QR code and URLs | issuer, date and seal).
_HALF_WIDTH = 840
#: Fields printed in the bottom block next to the seal rather than in the field grid.
_BOTTOM_KEYS = ("issuer", "issue_date")


def skill_level_serial(issuer: Issuer, issue_date: dt.date, level: SkillLevel, sequence: int) -> str:
    """The 22-character 证书编号: issuer code, 2-digit year, level digit, 6-digit sequence (cert-facts §1.4).

    >>> from samples.generator.catalogue import LEVELS
    >>> issuer = Issuer("S000044030001", "x", "evaluation_org", "active", (), (), "", dt.date(2021, 1, 1))
    >>> skill_level_serial(issuer, dt.date(2024, 5, 9), LEVELS[4], 123)
    'S000044030001244000123'
    """
    return f"{issuer.serial_prefix}{issue_date.year % 100:02d}{level.digit}{sequence:06d}"


def draft(rng: random.Random) -> CertificateContent:
    """A genuine certificate of a registered, active issuer, for an occupation within its scope."""
    return _draft_for(rng.choice(active_skill_issuers()), rng)


def draft_china_employer(rng: random.Random) -> CertificateContent:
    """A genuine certificate of a registered employer-evaluator whose own name starts with 中国.

    Such a name legitimately carries a restricted word (CONTRACT.md section 3:
    the registered issuer's own name allows it), so these certificates are the
    hard negatives of the wording rules; the plain :func:`draft` picks them for
    only about a quarter of its certificates.
    """
    return _draft_for(rng.choice(china_named_employers()), rng)


def _draft_for(issuer: Issuer, rng: random.Random) -> CertificateContent:
    occupation = OCCUPATIONS[rng.choice(issuer.occupations)]
    level = pick_level(rng)
    issue_date = pick_issue_date(rng, issuer.registered_on)
    holder = make_holder(rng, issue_date)
    serial = skill_level_serial(issuer, issue_date, level, rng.randrange(1, 1_000_000))
    bilingual = rng.random() < 0.3
    fields = (
        PrintedField("holder_name", "姓名", "Name", holder.name),
        PrintedField("id_type", "证件类型", "ID Type", "居民身份证"),
        PrintedField("id_number", "证件号码", "ID No.", holder.id_number),
        PrintedField("occupation", "职业名称", "Occupation", occupation.name),
        PrintedField("work_type", "工种/职业方向", "Type of Work", pick_work_type(rng, occupation)),
        PrintedField("level", "职业技能等级", "Skill Level", level.text),
        PrintedField("serial_number", "证书编号", "Certificate No.", serial),
        PrintedField("issuer", "评价机构名称", "Evaluation Organization", issuer.name),
        PrintedField("issue_date", "发证日期", "Date of Issue", format_cn_date(issue_date), issue_date.isoformat()),
    )
    return CertificateContent(
        kind=CertificateKind.SKILL_LEVEL,
        title=TITLE,
        subtitle="Vocational Skill Level Certificate" if bilingual else "",
        fields=fields,
        body=rng.choice(_BODIES),
        seals=(SealSpec(issuer.name, rng.choice(_SEAL_BOTTOM_LINES)),),
        qr_payload=f"{QR_LOOKUP_URL}?certificateNo={serial}",
        footer=QUERY_URL_LINES,
        bilingual=bilingual,
    )


@dataclass(frozen=True)
class _Style:
    """The seed's choices for one certificate's look."""

    palette: Palette
    rows: RowStyle
    arrangement: str
    photo_left: bool
    marks_left: bool
    body_on_top: bool
    title_size: int
    title_tracking: float


def _pick_style(content: CertificateContent, rng: random.Random) -> _Style:
    palette = rng.choice(_PALETTES)
    rows = RowStyle(
        label_role=rng.choice((FontRole.SERIF, FontRole.SANS, FontRole.SERIF)),
        label_size=rng.randrange(29, 34),
        # Not the AR PL 楷 face: RapidOCR reads its 国, 汉, 鸿 as traditional 國, 漢, 鴻 (5 of 12 flat
        # scans lost a value), which real 仿宋 fill-ins do not cause; 明 and the Noto faces read clean.
        value_role=rng.choice((FontRole.SERIF, FontRole.SERIF, FontRole.MING, FontRole.SANS)),
        value_size=rng.randrange(33, 39),
        colon=rng.random() < 0.6,
        bilingual=content.bilingual,
        label_color=rng.choice(((28, 26, 30), (60, 60, 64), palette.title)),
    )
    return _Style(
        palette=palette,
        rows=rows,
        arrangement=rng.choice(("rows", "grid", "stacked")),
        photo_left=rng.random() < 0.7,
        marks_left=rng.random() < 0.6,
        body_on_top=content.bilingual or rng.random() < 0.5,
        title_size=rng.randrange(96, 113),
        title_tracking=rng.uniform(0.1, 0.4),
    )


def _background(content: CertificateContent, style: _Style) -> list[Item]:
    items: list[Item] = [Guilloche((_W / 2, _H / 2 + 60), 560, style.palette.pattern, petals=11)]
    if content.watermark:
        items.append(Watermark(content.watermark, style.palette.title))
    items.append(Frame(margin=40, fill=style.palette.frame))
    return items


def _heading(content: CertificateContent, style: _Style) -> tuple[list[Item], float]:
    """Title, subtitle, header lines and added wording; returns the items and the heading's bottom."""
    title = content.title or ""
    size = fit_font_size(title, FontRole.TITLE, style.title_size, 1300, style.title_tracking)
    items: list[Item] = [
        Text(title, (_W / 2, 205), FontRole.TITLE, size, style.palette.title, "ms", "title", style.title_tracking)
    ]
    bottom = 215.0
    if content.subtitle:
        items.append(Text(content.subtitle, (_W / 2, 262), FontRole.SERIF, 36, style.palette.title, "ms"))
        bottom = 272.0
    for line in content.header:
        # As large as the labels, a clear line below the title so OCR keeps them apart.
        size = fit_font_size(line, FontRole.SERIF, 40, 1300)
        items.append(Text(line, (_W / 2, bottom + 58), FontRole.SERIF, size, style.palette.title, "ms"))
        bottom += 62.0
    items.extend(addition_items(content.additions, _RIGHT, 125, style.palette.title))
    return items, bottom


def _body(content: CertificateContent, baseline: float) -> tuple[list[Item], float]:
    """The 证书正文 line (and its English, when bilingual), centred; returns items and last baseline."""
    size = fit_font_size(content.body, FontRole.SERIF, 34, _RIGHT - _LEFT)
    items: list[Item] = [Text(content.body, (_W / 2, baseline), FontRole.SERIF, size, anchor="ms")]
    if content.bilingual:
        baseline += 40
        items.append(Text(_BODY_EN, (_W / 2, baseline), FontRole.SERIF, 24, anchor="ms"))
    return items, baseline


def _grid_fields(content: CertificateContent) -> list[PrintedField]:
    return [f for f in content.fields if f.key not in _BOTTOM_KEYS]


def _value_size(fields: list[PrintedField], style: _Style, arrangement: str, column_width: float) -> int:
    """The value size at which every value fits its cell in ``arrangement``."""
    label_column = 0.0 if arrangement == "stacked" else _label_column(fields, style)
    room = column_width - label_column - 40
    return fit_value_size([f.value for f in fields], style.rows.value_role, style.rows.value_size, room)


def _label_column(fields: list[PrintedField], style: _Style) -> float:
    return max(label_width(f, style.rows) for f in fields) + 0.6 * style.rows.label_size


def _field_block(fields: list[PrintedField], area: tuple[float, float, float, float], style: _Style) -> list[Item]:
    """Labels and values laid out in ``area`` as the style's arrangement says.

    Two columns of label-then-value fall back to labels above values when the
    values would otherwise shrink (long bilingual labels), so that filled-in
    values always stay near 小四号.
    """
    x0, y0, x1, y1 = area
    arrangement = style.arrangement
    columns = 1 if arrangement == "rows" else 2
    value_size = _value_size(fields, style, arrangement, (x1 - x0) / columns)
    if arrangement == "grid" and value_size < style.rows.value_size - 3:
        arrangement = "stacked"
        value_size = _value_size(fields, style, arrangement, (x1 - x0) / columns)
    stacked = arrangement == "stacked"
    column_width = (x1 - x0) / columns
    row_count = max(1, -(-len(fields) // columns))
    pitch = min(170.0 if stacked else 120.0, (y1 - y0) / row_count)
    label_column = 0.0 if stacked else _label_column(fields, style)
    rows = dataclasses.replace(style.rows, value_size=value_size)
    items: list[Item] = []
    for i, field in enumerate(fields):
        x = x0 + (i % columns) * column_width
        baseline = y0 + (i // columns) * pitch + (0.4 if stacked else 0.7) * pitch
        items.extend(label_items(field, x, baseline, rows))
        value_xy = (x, baseline + 1.35 * value_size) if stacked else (x + label_column, baseline)
        items.append(value_item(field, value_xy, rows))
    return items


def _fields_and_photo(
    content: CertificateContent, style: _Style, top: float, bottom: float, rng: random.Random
) -> list[Item]:
    photo_x = _LEFT if style.photo_left else _RIGHT - _PHOTO_SIZE[0]
    photo_box = (photo_x, round(top), photo_x + _PHOTO_SIZE[0], round(top) + _PHOTO_SIZE[1])
    id_number = content.field("id_number")
    is_male = id_number is not None and len(id_number.value) == 18 and id_number.value[16] in "13579"
    portrait = Portrait(photo_box, pick_portrait(rng, is_male))
    area_x0 = _LEFT + _PHOTO_SIZE[0] + 70 if style.photo_left else _LEFT
    area_x1 = _RIGHT if style.photo_left else _RIGHT - _PHOTO_SIZE[0] - 70
    fields = _grid_fields(content)
    block = _field_block(fields, (area_x0, top, area_x1, bottom), style) if fields else []
    return [portrait, *block]


def _marks_block(content: CertificateContent, style: _Style, x0: float) -> list[Item]:
    """QR code and the query-URL lines in the bottom half that starts at ``x0``."""
    items: list[Item] = []
    text_x = x0
    if content.qr_payload:
        items.append(QrCode((round(x0), _BOTTOM_TOP + 15), _QR_SIDE, content.qr_payload))
        text_x = x0 + _QR_SIDE + 25
    for i, line in enumerate(content.footer):
        size = fit_font_size(line, style.rows.label_role, 27, x0 + _HALF_WIDTH - text_x)
        items.append(Text(line, (text_x, _BOTTOM_TOP + 100 + 55 * i), style.rows.label_role, size))
    return items


def _issuer_block(content: CertificateContent, style: _Style, x0: float, rng: random.Random) -> list[Item]:
    """Issuer and issue date rows with the issuer's seal pressed beside them."""
    fields = [f for key in _BOTTOM_KEYS if (f := content.field(key)) is not None]
    radius = rng.randrange(112, 128)
    label_column = max((label_width(f, style.rows) for f in fields), default=0.0) + 0.4 * style.rows.label_size
    widest = max((text_width(f.value, style.rows.value_role, style.rows.value_size) for f in fields), default=0.0)
    below = label_column + widest + 2 * radius + 40 > _HALF_WIDTH
    room = _HALF_WIDTH - (0 if below else label_column)
    value_size = fit_value_size([f.value for f in fields], style.rows.value_role, style.rows.value_size, room)
    rows = dataclasses.replace(style.rows, value_size=value_size)
    items: list[Item] = []
    printed: list[tuple[float, float]] = []
    baseline = _BOTTOM_TOP + 32.0
    for field in fields:
        items.extend(label_items(field, x0, baseline, rows))
        value_xy = (x0, baseline + 1.3 * value_size) if below else (x0 + label_column, baseline)
        items.append(value_item(field, value_xy, rows))
        printed.append((value_xy[1], value_xy[0] + text_width(field.value, rows.value_role, value_size)))
        baseline = value_xy[1] + (1.9 if below else 2.4) * value_size
    if content.seals:
        items.append(_seal(content.seals[0], _seal_center(printed, x0, radius, rng), radius, rng))
    return items


def _seal_center(printed: list[tuple[float, float]], x0: float, radius: int, rng: random.Random) -> tuple[float, float]:
    """Where the issuer's seal is pressed: on the issuer/date block, clear of the printed values.

    ``printed`` holds ``(baseline, right end)`` of each value line. Real seals
    often cover the issuer name, but an OCR engine then drops the whole line
    (the red ring merges with it), and these samples must stay readable; so the
    seal goes right of the values, or under the issuer line right of the date.
    """
    if not printed:
        return (x0 + 300.0, _BOTTOM_TOP + 130.0)
    right = min(x0 + _HALF_WIDTH, _RIGHT) + 10
    ends = [end for _, end in printed]
    beside = (max(ends) + radius + rng.uniform(10, 40), sum(b for b, _ in printed) / len(printed) - 10)
    if beside[0] + radius <= right:
        return beside
    later_end = max(ends[1:], default=x0)
    below_first = (later_end + radius + rng.uniform(10, 40), printed[0][0] + 14 + radius)
    return (min(below_first[0], right - radius), below_first[1])


def _seal_radius(center: tuple[float, float], radius: int) -> int:
    """``radius``, reduced where needed so the seal stays inside the printed frame."""
    return int(min(radius, _H - 70 - center[1]))


def _seal(spec: SealSpec, center: tuple[float, float], radius: int, rng: random.Random) -> Seal:
    size = _seal_radius(center, radius)
    return Seal(center, size, spec, rng.uniform(-25, 25), rng.randrange(1 << 30), rng.uniform(0.82, 0.95))


#: The plain look of the template's reference image: one column, colons, no tint.
REFERENCE_STYLE = _Style(
    palette=Palette(paper=(255, 255, 255), frame=(176, 142, 74), title=(32, 28, 30), pattern=(238, 232, 214)),
    rows=RowStyle(FontRole.SERIF, 32, FontRole.MING, 36, colon=True, bilingual=False),
    arrangement="rows",
    photo_left=True,
    marks_left=True,
    body_on_top=True,
    title_size=104,
    title_tracking=0.25,
)


def layout(content: CertificateContent, rng: random.Random, style: _Style | None = None) -> SheetLayout:
    """Lay ``content`` out on an A4 landscape sheet in the 2021 reference style.

    Args:
        content: what to print.
        rng: draws the look (arrangement, fonts, colours) unless ``style`` is given, and the seal's placement.
        style: a fixed look, e.g. :data:`REFERENCE_STYLE`.
    """
    style = style or _pick_style(content, rng)
    items = _background(content, style)
    heading, heading_bottom = _heading(content, style)
    items.extend(heading)
    if style.body_on_top:
        body, body_end = _body(content, heading_bottom + 60)
        fields_top, fields_bottom = body_end + 40, 990.0
    else:
        body, _ = _body(content, _BOTTOM_MID - 10)
        fields_top, fields_bottom = heading_bottom + 45, 950.0
    items.extend(body)
    items.extend(_fields_and_photo(content, style, fields_top, fields_bottom, rng))
    halves = (_LEFT, (_LEFT + _RIGHT) / 2 + 10)
    marks_x, issuer_x = halves if style.marks_left else halves[::-1]
    items.extend(_marks_block(content, style, marks_x))
    items.extend(_issuer_block(content, style, issuer_x, rng))
    for spec in content.seals[1:]:
        items.append(_seal(spec, (marks_x + 560, _BOTTOM_TOP + 110), 120, rng))
    return SheetLayout(SHEET_SIZE, style.palette.paper, tuple(items), grain_seed=rng.randrange(1 << 30))

"""``skill_level_2021``: a 职业技能等级证书 after the 2021 reference style.

Contents follow 人社鉴发〔2021〕1号 §二(一) and the built-in template
``hrss-skill-level-2021``: the exact title, the holder photo, the labelled
fields, a 证书正文 sentence, a QR code, the two osta.org.cn query URLs and the
evaluation organisation's round seal over its name and the issue date
(cert-facts §1.3).

The structure is the one filed organisations print after the reference style,
measured by hand on the genuine certificate of the development set
(``orange-zyjn-yingyangshi.png`` in ``../shared/real-images/``, a filed
evaluation organisation's certificate of 2024; positions only, see
:data:`_BLOCKS`): on the left the title and its English, the 证书正文 in Chinese
and in English, the organisation's name over the issue date under its seal,
and the query addresses; on the right the photo beside the QR code, then one
column of bilingual labels (Chinese over English, allowed by §二(四)) with the
value right of each. The look (palette, faces, sizes, colon, English) varies
with the seed; the place of each block does not, since a filed design is one
fixed form.
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
    paragraph_items,
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
    Line,
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
    "SUBTITLE",
    "TITLE",
    "draft",
    "draft_china_employer",
    "layout",
    "skill_level_serial",
]

#: A4 landscape at about 171 dpi: big enough for 小四号 values to stay legible in a phone photo.
SHEET_SIZE = (2000, 1414)
TITLE = "职业技能等级证书"
#: The English title under it on bilingual certificates.
SUBTITLE = "Vocational Skill Level Certificate"
#: The two query addresses every certificate must print (人社鉴发〔2021〕1号 §二(一)), and the
#: optional third one (§二(一) allows the province's); here the national portal, which every
#: province's query links to (cert-facts §1.5).
QUERY_URL_LINES = ("证书查询网址：http://jndj.osta.org.cn", "机构查询网址：http://pjjg.osta.org.cn",
                   "http://www.osta.org.cn")
#: The QR code points to the national lookup with the serial as a parameter.
QR_LOOKUP_URL = "http://jndj.osta.org.cn/cert/query"

#: The 证书正文 of the reference style as filed designs print it (the measured certificate's wording; the
#: layout fills in the printed organisation's name, so a variant that changes the issuer changes it too),
#: then shorter forms some designs use.
_ISSUER_SLOT = "{issuer}"
_REFERENCE_BODY = "本证书由{issuer}颁发，表明持证人通过本机构组织的职业技能等级认定，具备该职业（工种）相应技能等级水平。"
#: Every genuine sample prints the reference wording: a registered design prints one fixed 正文.
_BODIES = (_REFERENCE_BODY,)
_BODY_EN = ("This is to certify that the holder has passed the vocational skill level evaluation organized by "
            "this evaluation organization and has reached the skill level stated on this certificate for the "
            "occupation (type of work) named herein. Its number and holder can be verified on the national "
            "query website.")
_SEAL_BOTTOM_LINES = ("", "评价专用章", "职业技能等级认定专用章")

_PALETTES = (
    Palette(paper=(251, 250, 245), frame=(176, 142, 74), title=(32, 28, 30), pattern=(236, 228, 206)),
    Palette(paper=(250, 251, 253), frame=(40, 74, 140), title=(28, 40, 96), pattern=(226, 233, 245)),
    Palette(paper=(252, 250, 248), frame=(168, 36, 36), title=(168, 28, 28), pattern=(246, 228, 224)),
    Palette(paper=(248, 250, 246), frame=(52, 110, 80), title=(30, 30, 32), pattern=(224, 237, 228)),
)

_W, _H = SHEET_SIZE
#: Where each block sits, in normalised sheet coordinates (x / width, y / height), measured by hand on
#: orange-zyjn-yingyangshi.png (see the module docstring). Text positions are baselines; ``x`` is a left
#: edge unless it says centre.
_BLOCKS = {
    "left_column": (0.073, 0.480),      # x range of the title, body, issuer block and URLs
    "title_centre_x": 0.2735,
    "title_baseline": 0.174,
    "subtitle_baseline": 0.212,
    "body_baseline": 0.293,             # first line of the Chinese 正文; lines 0.0425 apart
    "body_en_baseline": 0.478,          # first line of the English 正文, same pitch
    "issuer_baseline": 0.722,           # the organisation's name, centred on the seal
    "date_baseline": 0.763,             # 发证日期 and its value; "Issue date" under it
    "seal_centre": (0.297, 0.7225),
    "seal_radius_y": 0.10,
    "url_baseline": 0.839,              # query addresses, 0.0255 apart; the third right-aligned
    "url_right": 0.471,
    "photo": (0.609, 0.217, 0.693, 0.378),
    "qr": (0.750, 0.231, 0.854, 0.375),
    "label_x": 0.548,                   # the labels' left edge
    "row_centre": 0.4425,               # centre of the first Chinese label; rows 0.0648 apart
    "row_pitch": 0.0648,
    "value_right": 0.878,               # where the value's underline ends
}
_LINE_PITCH = 0.0425
#: A 正文 that fits the column on one line at this size or more is printed on one line.
_MIN_ONE_LINE_SIZE = 24
_URL_PITCH = 0.0255
#: Fields printed in the left column under the seal rather than among the rows.
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
    # The filed designs of the development set are bilingual (allowed by 人社鉴发〔2021〕1号 §二(四)).
    bilingual = rng.random() < 0.75
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
        subtitle=SUBTITLE if bilingual else "",
        fields=fields,
        body=rng.choice(_BODIES),
        seals=(SealSpec(issuer.name, rng.choice(_SEAL_BOTTOM_LINES)),),
        qr_payload=f"{QR_LOOKUP_URL}?certificateNo={serial}",
        footer=QUERY_URL_LINES,
        bilingual=bilingual,
    )


@dataclass(frozen=True)
class _Style:
    """The seed's choices for one certificate's look (the blocks' places are fixed: :data:`_BLOCKS`)."""

    palette: Palette
    rows: RowStyle
    title_size: int
    title_tracking: float
    underline: bool
    issuer_label: bool


def _pick_style(content: CertificateContent, rng: random.Random) -> _Style:
    palette = rng.choice(_PALETTES)
    rows = RowStyle(
        label_role=rng.choice((FontRole.SERIF, FontRole.SANS, FontRole.SERIF)),
        label_size=rng.randrange(29, 33),
        # Not the AR PL 楷 face: RapidOCR reads its 国, 汉, 鸿 as traditional 國, 漢, 鴻 (5 of 12 flat
        # scans lost a value), which real 仿宋 fill-ins do not cause; 明 and the Noto faces read clean.
        value_role=rng.choice((FontRole.SERIF, FontRole.SERIF, FontRole.MING, FontRole.SANS)),
        value_size=rng.randrange(32, 37),
        colon=rng.random() < 0.8,
        bilingual=content.bilingual,
        label_color=rng.choice(((28, 26, 30), (60, 60, 64), palette.title)),
    )
    return _Style(palette=palette, rows=rows, title_size=rng.randrange(66, 76),
                  title_tracking=rng.uniform(0.05, 0.2), underline=rng.random() < 0.8,
                  issuer_label=rng.random() < 0.5)


def _px(x: float, y: float) -> tuple[float, float]:
    return (x * _W, y * _H)


def _background(content: CertificateContent, style: _Style) -> list[Item]:
    items: list[Item] = [Guilloche((_W / 2, _H / 2 + 60), 560, style.palette.pattern, petals=11)]
    if content.watermark:
        items.append(Watermark(content.watermark, style.palette.title))
    items.append(Frame(margin=40, fill=style.palette.frame))
    return items


def _column() -> tuple[float, float]:
    x0, x1 = _BLOCKS["left_column"]
    return (x0 * _W, x1 * _W)


def _heading(content: CertificateContent, style: _Style) -> tuple[list[Item], float]:
    """Title, its English, a knock-off's header lines and added wording; returns items and the lines' shift."""
    title = content.title or ""
    x0, x1 = _column()
    centre = _BLOCKS["title_centre_x"] * _W
    size = fit_font_size(title, FontRole.TITLE, style.title_size, x1 - x0 - 40, style.title_tracking)
    items: list[Item] = [Text(title, (centre, _BLOCKS["title_baseline"] * _H), FontRole.TITLE, size,
                              style.palette.title, "ms", "title", style.title_tracking)]
    if content.subtitle:
        sub = fit_font_size(content.subtitle, FontRole.SERIF, 36, x1 - x0 - 100)
        items.append(Text(content.subtitle, (centre, _BLOCKS["subtitle_baseline"] * _H), FontRole.SERIF, sub,
                          style.palette.title, "ms"))
    shift = 0.0
    for line in content.header:
        # As large as the labels, a clear line below the title so OCR keeps them apart; the 正文 moves down.
        line_size = fit_font_size(line, FontRole.SERIF, 36, x1 - x0)
        shift += 56.0
        items.append(Text(line, (centre, _BLOCKS["subtitle_baseline"] * _H + shift + 6), FontRole.SERIF,
                          line_size, style.palette.title, "ms"))
    items.extend(addition_items(content.additions, _W - 150, 112, style.palette.title))
    return items, shift


def _english_lines(text: str, role: FontRole, size: int, width: float, indent: float) -> list[str]:
    """Break English running text at spaces into lines no wider than ``width`` (the first ``indent`` narrower)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        limit = width - (indent if not lines else 0.0)
        if line and text_width(candidate, role, size) > limit:
            lines.append(line)
            candidate = word
        line = candidate
    return [*lines, line] if line else lines


def _body(content: CertificateContent, shift: float) -> list[Item]:
    """The 证书正文 in Chinese, then (bilingual certificates) in English, down the left column."""
    x0, x1 = _column()
    size = 38
    pitch = _LINE_PITCH * _H
    issuer = content.field("issuer")
    body = content.body.replace(_ISSUER_SLOT, issuer.value if issuer else "本机构")
    one_line = fit_font_size(body, FontRole.SERIF, size, x1 - x0)
    if one_line >= _MIN_ONE_LINE_SIZE:
        # A short sentence (a knock-off's rewording) stays one line, as a designer would set it.
        items: list[Item] = [Text(body, (x0, _BLOCKS["body_baseline"] * _H + shift), FontRole.SERIF, one_line)]
        last = _BLOCKS["body_baseline"] * _H + shift
    else:
        items, last = paragraph_items(body, (x0, _BLOCKS["body_baseline"] * _H + shift), FontRole.SERIF, size,
                                      x1 - x0, leading=pitch / size)
    if not content.bilingual:
        return items
    # Never into the issuer block: a knock-off's header lines push the English down and it is cut short.
    limit = (_BLOCKS["issuer_baseline"] - 0.03) * _H
    baseline = max(_BLOCKS["body_en_baseline"] * _H, last + 2.0 * pitch) + shift
    indent = 2 * 36.0
    for i, line in enumerate(_english_lines(_BODY_EN, FontRole.SERIF, 34, x1 - x0, indent)):
        if baseline > limit:
            break
        items.append(Text(line, (x0 + (indent if i == 0 else 0.0), baseline), FontRole.SERIF, 34))
        baseline += pitch
    return items


def _rows(content: CertificateContent, style: _Style) -> list[Item]:
    """One column of labels (Chinese over English) with each value right of its Chinese label."""
    fields = [f for f in content.fields if f.key not in _BOTTOM_KEYS]
    x = _BLOCKS["label_x"] * _W
    right = _BLOCKS["value_right"] * _W
    chinese = dataclasses.replace(style.rows, bilingual=False)
    label_column = max(label_width(f, chinese) for f in fields) + 10
    value_size = fit_value_size([f.value for f in fields], style.rows.value_role, style.rows.value_size,
                                right - x - label_column)
    rows = dataclasses.replace(chinese, value_size=value_size)
    english = max(12, round(style.rows.label_size * 0.8))
    items: list[Item] = []
    for i, field in enumerate(fields):
        centre = (_BLOCKS["row_centre"] + i * _BLOCKS["row_pitch"]) * _H
        baseline = centre + 0.38 * style.rows.label_size
        items.extend(label_items(field, x, baseline, rows))
        if style.rows.bilingual and field.label_en:
            items.append(Text(field.label_en, (x, baseline + 1.3 * english), style.rows.label_role, english,
                              style.rows.label_color))
        value_x = x + label_width(field, rows) + 10
        items.append(value_item(field, (value_x, baseline), rows))
        if style.underline:
            items.append(Line((value_x - 4, baseline + 8), (right, baseline + 8), style.rows.label_color, 1))
    return items


def _photo_and_qr(content: CertificateContent, rng: random.Random) -> list[Item]:
    x0, y0, x1, y1 = _BLOCKS["photo"]
    photo_box = (round(x0 * _W), round(y0 * _H), round(x1 * _W), round(y1 * _H))
    id_number = content.field("id_number")
    # The 17th digit of an 18-digit ID number is odd for a man (GB 11643).
    is_male = id_number is not None and len(id_number.value) == 18 and id_number.value[16] in "13579"
    items: list[Item] = [Portrait(photo_box, pick_portrait(rng, is_male))]
    if content.qr_payload:
        qx0, qy0, qx1, _ = _BLOCKS["qr"]
        items.append(QrCode((round(qx0 * _W), round(qy0 * _H)), round((qx1 - qx0) * _W), content.qr_payload))
    return items


def _issuer_block(content: CertificateContent, style: _Style, rng: random.Random) -> list[Item]:
    """The organisation's name, the issue date (and "Issue date") under its seal, then the query addresses."""
    x0, x1 = _column()
    centre_x = _BLOCKS["seal_centre"][0] * _W
    rows = style.rows
    items: list[Item] = []
    issuer = content.field("issuer")
    if issuer is not None:
        size = fit_font_size(issuer.value, rows.value_role, 30, x1 - x0 - 40)
        # Unlabelled, as the measured design prints it; some filed designs print the label before it.
        name = (issuer.label + ("：" if rows.colon else "")) if issuer.label and style.issuer_label else ""
        if name:
            items.append(Text(name, (centre_x - text_width(issuer.value, rows.value_role, size) / 2 - 6,
                                     _BLOCKS["issuer_baseline"] * _H), rows.label_role, rows.label_size,
                              rows.label_color, "rs"))
        items.append(Text(issuer.value, (centre_x, _BLOCKS["issuer_baseline"] * _H), rows.value_role, size,
                          rows.value_color, "ms", issuer.key))
    date = content.field("issue_date")
    if date is not None:
        label = date.label + ("：" if rows.colon else "")
        date_size = min(rows.value_size, 30)
        width = text_width(label, rows.label_role, 28) + text_width(date.value, rows.value_role, date_size)
        left = centre_x - width / 2
        baseline = _BLOCKS["date_baseline"] * _H
        items.append(Text(label, (left, baseline), rows.label_role, 28, rows.label_color))
        items.append(value_item(date, (left + text_width(label, rows.label_role, 28), baseline),
                                dataclasses.replace(rows, value_size=date_size)))
        if rows.bilingual and date.label_en:
            items.append(Text(date.label_en, (left, baseline + 34), rows.label_role, 24, rows.label_color))
    for i, line in enumerate(content.footer):
        size = fit_font_size(line, rows.label_role, 26, x1 - x0 - 20)
        baseline = (_BLOCKS["url_baseline"] + i * _URL_PITCH) * _H
        if i == 2 and line == QUERY_URL_LINES[2]:
            items.append(Text(line, (_BLOCKS["url_right"] * _W, baseline), rows.label_role, size, anchor="rs"))
        else:
            items.append(Text(line, (x0 + 10, baseline), rows.label_role, size))
    if content.seals:
        cx, cy = _BLOCKS["seal_centre"]
        radius = round(_BLOCKS["seal_radius_y"] * _H * rng.uniform(0.92, 1.02))
        items.append(Seal((cx * _W + rng.uniform(-15, 15), cy * _H + rng.uniform(-10, 10)), radius,
                          content.seals[0], rng.uniform(-25, 25), rng.randrange(1 << 30), rng.uniform(0.82, 0.95)))
    return items


#: The plain look of the template's reference image: colons, underlines, no tint.
REFERENCE_STYLE = _Style(
    palette=Palette(paper=(255, 255, 255), frame=(176, 142, 74), title=(32, 28, 30), pattern=(238, 232, 214)),
    rows=RowStyle(FontRole.SERIF, 30, FontRole.MING, 32, colon=True, bilingual=True),
    title_size=72,
    title_tracking=0.1,
    underline=True,
    issuer_label=False,
)


def layout(content: CertificateContent, rng: random.Random, style: _Style | None = None) -> SheetLayout:
    """Lay ``content`` out on an A4 landscape sheet in the structure of :data:`_BLOCKS`.

    Args:
        content: what to print (any content a variant produced).
        rng: draws the look (fonts, colours, colon) unless ``style`` is given, and the seal's placement.
        style: a fixed look, e.g. :data:`REFERENCE_STYLE`.
    """
    style = style or _pick_style(content, rng)
    if style.rows.bilingual != content.bilingual:
        style = dataclasses.replace(style, rows=dataclasses.replace(style.rows, bilingual=content.bilingual))
    items = _background(content, style)
    heading, shift = _heading(content, style)
    items.extend(heading)
    items.extend(_body(content, shift))
    items.extend(_photo_and_qr(content, rng))
    items.extend(_rows(content, style))
    items.extend(_issuer_block(content, style, rng))
    for i, spec in enumerate(content.seals[1:]):
        # Another body's seal (a knock-off's): between the columns, clear of the organisation's.
        items.append(Seal((1000.0, 1120.0 - 230 * i), 105, spec, rng.uniform(-20, 20), rng.randrange(1 << 30)))
    return SheetLayout(SHEET_SIZE, style.palette.paper, tuple(items), grain_seed=rng.randrange(1 << 30))

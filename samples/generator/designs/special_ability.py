"""``special_ability``: the inner spread of a 专项职业能力证书 booklet (special vocational-ability certificate).

What the facts say (cert-facts §2): it assesses one specific skill against a
考核项目 and 考核规范 filed with 人社部, and (in 福建) the provincial or municipal
职业技能鉴定(指导)中心 issues it, i.e. the government 鉴定 system, here registry
``authority`` rows. Its **numbering format is not published**: the samples
print a made-up number, and the template (``hrss-special-ability``) has no
serial pattern. The 考核项目 names are invented examples, not a filed list.

The structure is the open booklet as it is photographed, measured by hand on
the genuine booklet of the development set (``jl-zxnl-photoshop.jpg`` in
``../shared/real-images/``, a 福建 municipal centre's certificate of 2021;
positions and printed labels only, see :data:`LEFT_ROWS`): on the left page the
photo, then 姓名, 性别, 发证日期, 证书编号 and 身份证号 over their lines; on the
right page the heading 专项职业能力考核记录 over a dotted box holding the
record sentence (date, 考核项目, score) and the caption 职业技能鉴定(指导)中心(印)
under the centre's seal. The samples label the 项目 in the record ("项目名称：", a label the
field reader knows) and print "发证机构：" and the centre's name in the record box above the seal,
since their rules read these fields from labelled print (the real spread names the 项目 inside the
sentence and the centre on its seal only).
"""

from __future__ import annotations

import datetime as dt
import random

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent, PrintedField, SealSpec, format_cn_date
from samples.generator.designs._common import addition_items, pick_issue_date, pick_portrait
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
from samples.generator.render import Item, Line, Portrait, Seal, SheetLayout, Text

__all__ = ["ISSUER_NAMES", "LEFT_ROWS", "PROJECTS", "TITLE", "draft", "layout", "reference_layout"]

TITLE = "专项职业能力考核记录"
#: Registered authorities of the demo registry that issue these (cert-facts §2: 福建's 鉴定中心).
ISSUER_NAMES = ("福建省职业技能鉴定指导中心", "厦门市职业技能鉴定指导中心")
#: Invented 考核项目 names in the style of filed items (one specific skill each).
PROJECTS = ("电子商务网店运营", "茶叶加工", "中式面点制作", "家庭保洁", "手机维修", "闽南菜烹饪", "老年人照护")
#: The left page's fields, measured on jl-zxnl-photoshop.jpg (normalised spread coordinates, see
#: samples.generator.designs._official_form.SpreadRow); Chinese labels only.
LEFT_ROWS = (
    SpreadRow("holder_name", (0.066, 0.478), 56, 0.145, (0.135, 0.315), value_dy=-0.012, value_size=42, tracking=0.1),
    SpreadRow("sex", (0.314, 0.478), 56, 0.395, (0.385, 0.45), value_dy=-0.012, value_size=42, tracking=0.1),
    SpreadRow("issue_date", (0.067, 0.576), 56, 0.227, (0.20, 0.45), value_dy=-0.012, value_size=42, tracking=0.1),
    SpreadRow("serial_number", (0.067, 0.672), 56, 0.225, (0.20, 0.45), value_dy=-0.012, value_size=42,
              tracking=0.1),
    SpreadRow("id_number", (0.068, 0.770), 56, 0.205, (0.20, 0.45), value_dy=-0.012, value_size=38, tracking=0.1),
)
_HEADING = ((0.7505, 0.103), 50, 0.3)          # centre x and baseline, size, tracking
_RECORD_BOX = (0.565, 0.125, 0.935, 0.878)     # the dotted box on the right page
_RECORD = ((0.610, 0.300), 38, 0.0285)         # first line's left edge and baseline, size, line pitch
_CAPTION = ("职业技能鉴定(指导)中心(印)", (0.577, 0.818), 46)
_SEAL_CENTRE, _SEAL_RADIUS = (0.779, 0.7725), 210
_PHOTO = (0.176, 0.089, 0.313, 0.347)
_PROJECT = "occupation"
#: Where the samples print the issuing centre's name (inside the record box, above the seal).
_ISSUER_BASELINE = 0.56
_W, _H = SHEET_SIZE


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
    exam = issue_date - dt.timedelta(days=rng.randrange(30, 110))
    fields = (
        PrintedField("holder_name", "姓名", "", holder.name),
        PrintedField("sex", "性别", "", "男" if holder.is_male else "女"),
        PrintedField("issue_date", "发证日期", "", format_cn_date(issue_date), issue_date.isoformat()),
        PrintedField("serial_number", "证书编号", "", _number(issuer, issue_date, rng)),
        PrintedField("id_number", "身份证号", "", holder.id_number),
        # In the record sentence, not labelled.
        PrintedField("exam_date", "", "", format_cn_date(exam), exam.isoformat()),
        PrintedField("occupation", "", "", rng.choice(PROJECTS)),
        PrintedField("score", "", "", f"{rng.randrange(600, 990) / 10:.1f}"),
        PrintedField("issuer", "", "", issuer.name),
    )
    return CertificateContent(
        kind=CertificateKind.SPECIAL_ABILITY, title=TITLE, fields=fields,
        seals=(SealSpec(issuer.name, "职业技能鉴定专用章"),),
    )


def _record(content: CertificateContent, style: SpreadStyle) -> list[Item]:
    """The record sentence in the dotted box: "<date>参加 / <项目> / 专项职业能力考核，成绩<score>，/ 具备合格的操作能力。"."""
    (x, baseline), size, pitch = _RECORD
    exam, project, score = content.field("exam_date"), content.field("occupation"), content.field("score")
    parts: list[tuple[str, str | None]] = [
        ((exam.value if exam else "") + "参加", exam.key if exam else None),
        # Labelled in the samples so the field reader finds it (the real sentence names the 项目 unlabelled);
        # drawn below as label and value.
        ("", _PROJECT),
        (f"专项职业能力考核，成绩{score.value if score else ''}，", score.key if score else None),
        ("具备合格的操作能力。", None),
    ]
    items: list[Item] = [Text(text, (x * _W, (baseline + i * pitch) * _H), style.value_role, size, style.value_ink,
                              key=key) for i, (text, key) in enumerate(parts) if text and key != _PROJECT]
    if project is not None:
        label = "项目名称："
        y = (baseline + pitch) * _H
        items.append(Text(label, (x * _W, y), style.value_role, size, style.value_ink))
        items.append(Text(project.value, (x * _W + text_width(label, style.value_role, size), y), style.value_role,
                          size, style.value_ink, key=project.key))
    return items


def _dotted_box(style: SpreadStyle) -> list[Item]:
    x0, y0, x1, y1 = (v * s for v, s in zip(_RECORD_BOX, (_W, _H, _W, _H), strict=True))
    ink = (150, 150, 156)
    items: list[Item] = []
    for x in range(round(x0), round(x1), 12):
        items += [Line((x, y0), (x + 4, y0), ink, 2), Line((x, y1), (x + 4, y1), ink, 2)]
    for y in range(round(y0), round(y1), 12):
        items += [Line((x0, y), (x0, y + 4), ink, 2), Line((x1, y), (x1, y + 4), ink, 2)]
    return items


def _layout_spread(content: CertificateContent, rng: random.Random, style: SpreadStyle) -> SheetLayout:
    items = spread_background(style, content.watermark)
    x0, y0, x1, y1 = _PHOTO
    id_number = content.field("id_number")
    is_male = id_number is not None and len(id_number.value) == 18 and id_number.value[16] in "13579"
    items.append(Portrait((round(x0 * _W), round(y0 * _H), round(x1 * _W), round(y1 * _H)),
                          pick_portrait(rng, is_male)))
    items.extend(_dotted_box(style))
    (cx, baseline), size, tracking = _HEADING
    if content.title:
        items.append(Text(content.title, (cx * _W, baseline * _H), FontRole.SERIF, size, style.label_ink, "ms",
                          "title", tracking))
    for line_index, line in enumerate((*content.header, *content.footer)[:2]):
        items.append(Text(line, (0.25 * _W, (0.40 + 0.035 * line_index) * _H), style.label_role,
                          fit_font_size(line, style.label_role, 34, 0.4 * _W), style.label_ink, "ms"))
    items.extend(addition_items(content.additions, _W - 60, 60, style.label_ink))
    for row in LEFT_ROWS:
        items.extend(spread_row_items(content.field(row.key), row, style))
    items.extend(_record(content, style))
    issuer = content.field("issuer")
    if issuer is not None:
        # Clear of the seal, so a photo's OCR reads it; labelled so the field reader finds it (the real spread
        # names the centre on its seal only).
        label = "发证机构："
        width = text_width(label, style.label_role, 34) + text_width(issuer.value, style.value_role, 34)
        left = 0.75 * _W - width / 2
        items.append(Text(label, (left, _ISSUER_BASELINE * _H), style.label_role, 34, style.label_ink))
        items.append(Text(issuer.value, (left + text_width(label, style.label_role, 34), _ISSUER_BASELINE * _H),
                          style.value_role, 34, style.value_ink, key=issuer.key))
    text, (tx, ty), caption_size = _CAPTION
    items.append(Text(text, (tx * _W, ty * _H), style.label_role, caption_size, style.label_ink))
    if content.seals:
        (sx, sy) = _SEAL_CENTRE
        items.append(Seal((sx * _W + rng.uniform(-15, 15), sy * _H + rng.uniform(-15, 15)), _SEAL_RADIUS,
                          content.seals[0], rng.uniform(-20, 20), rng.randrange(1 << 30), rng.uniform(0.8, 0.92)))
    for i, spec in enumerate(content.seals[1:]):
        items.append(Seal((0.30 * _W, (0.22 + 0.2 * i) * _H), 110, spec, rng.uniform(-20, 20), rng.randrange(1 << 30)))
    return SheetLayout(SHEET_SIZE, style.paper, tuple(items), grain_seed=rng.randrange(1 << 30))


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """The open booklet: photo and personal fields on the left, the record under the centre's seal on the right."""
    return _layout_spread(content, rng, pick_spread_style(rng))


def reference_layout() -> SheetLayout:
    """The template's reference image: a fixed sample in the plain style."""
    rng = random.Random(2018)
    return _layout_spread(draft(rng), rng, reference_spread_style())

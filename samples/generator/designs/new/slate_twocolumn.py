"""A 职业技能等级证书 on a two-column sheet: a grey panel with the holder, the attested facts on the right.

Drawing: a pale slate panel on the left holding the photo and the holder's
name and ID number (labels over values), the title over the right column with
an orange rule under it, the right column's fields as label-value rows, the
seal under them and the QR code bottom right. Serials: ``KW``, year and month,
a letter and four digits (``KW202403N0512``).
"""

from __future__ import annotations

import datetime as dt
import random

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent
from samples.generator.designs._common import pick_portrait
from samples.generator.designs.new._kit import Band, FieldLabel, IssuerRow, NewDesign, centred, draft_content, sized
from samples.generator.fonts import FontRole
from samples.generator.render import Item, Portrait, QrCode, Seal, SheetLayout, Text

__all__ = ["DESIGN", "layout"]

_W, _H = 2100, 1400
_SLATE = (56, 66, 86)
_ORANGE = (206, 112, 30)
_INK = (24, 26, 32)
_LETTERS = "AEFHKMNPRTWX"
_PANEL_KEYS = ("holder_name", "id_number")


def _serial(rng: random.Random, issuer: IssuerRow, issued: dt.date) -> str:
    return f"KW{issued.year}{issued.month:02d}{rng.choice(_LETTERS)}{rng.randrange(10**4):04d}"


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """Lay ``content`` out on the two-column slate sheet."""
    items: list[Item] = [Band((70, 70, 700, _H - 70), (228, 232, 238)), Band((70, 70, 700, 84), _SLATE)]
    id_number = content.field("id_number")
    is_male = id_number is not None and len(id_number.value) == 18 and id_number.value[16] in "13579"
    items.append(Portrait((235, 170, 535, 570), pick_portrait(rng, is_male)))
    panel = [f for f in content.fields if f.key in _PANEL_KEYS]
    for i, field in enumerate(panel):
        y = 700 + i * 190
        items.append(Text(field.label, (130, y), FontRole.SANS, 30, _SLATE))
        items.append(Text(field.value, (130, y + 66), FontRole.MING, sized(field.value, FontRole.MING, 42, 520),
                          _INK, key=field.key))
    middle = (760 + _W - 80) / 2
    for i, line in enumerate(content.additions):
        items.append(centred(line, middle, 120 + 40 * i, FontRole.SERIF, 30, _INK, 1200))
    if content.title:
        items.append(centred(content.title, middle, 240, FontRole.TITLE, 88, _SLATE, 1200))
    items.append(Band((860, 272, _W - 180, 278), _ORANGE))
    for i, line in enumerate(content.header):
        items.append(centred(line, middle, 330 + 42 * i, FontRole.SERIF, 32, _INK, 1200))
    rest = [f for f in content.fields if f.key not in _PANEL_KEYS]
    for i, field in enumerate(rest):
        y = 440 + i * 112
        items.append(Text(field.label, (820, y), FontRole.SANS_BOLD, 32, _SLATE))
        items.append(Text(field.value, (1100, y), FontRole.MING, sized(field.value, FontRole.MING, 40, 880),
                          _INK, key=field.key))
    items.append(Text(content.body, (820, 440 + len(rest) * 112 + 20), FontRole.SERIF,
                      sized(content.body, FontRole.SERIF, 30, 1180), _INK))
    if content.qr_payload:
        items.append(QrCode((1780, 1080), 190, content.qr_payload))
    for i, line in enumerate(content.footer):
        items.append(Text(line, (1200, 1300 + 34 * i), FontRole.SANS, 24, _INK))
    for i, spec in enumerate(content.seals):
        center = (1380.0 - 450 * i + rng.uniform(-20, 20), 1140.0 + rng.uniform(-15, 15))
        items.append(Seal(center, 118, spec, rng.uniform(-20, 20), rng.randrange(1 << 30), rng.uniform(0.82, 0.94)))
    return SheetLayout((_W, _H), (246, 247, 250), tuple(items), grain_seed=rng.randrange(1 << 30))


DESIGN = NewDesign(
    name="slate_twocolumn",
    kind=CertificateKind.SKILL_LEVEL,
    title="职业技能等级证书",
    labels=(
        FieldLabel("holder_name", "持证人姓名"),
        FieldLabel("id_number", "身份证件号码"),
        FieldLabel("occupation", "从事职业"),
        FieldLabel("level", "认定等级"),
        FieldLabel("serial_number", "证书编号"),
        FieldLabel("issue_date", "发证时间"),
        FieldLabel("issuer", "评价单位"),
    ),
    serial_pattern=r"^KW\d{6}[A-Z]\d{4}$",
    make_serial=_serial,
    issuers=(
        IssuerRow("KW0301", "凯旺职业技能评价有限公司", "evaluation_org", ("养老护理员", "家政服务员", "育婴员")),
        IssuerRow("KW0302", "德信技能评价服务有限公司", "evaluation_org", ("养老护理员", "美容师", "育婴员")),
        IssuerRow("KW0309", "安和职业技能评价有限公司", "evaluation_org", ("美容师",), status="blacklisted"),
    ),
    occupations=("养老护理员", "家政服务员", "育婴员", "美容师"),
    levels=("五级/初级工", "四级/中级工", "三级/高级工"),
    body="经评价认定，该同志的职业技能达到上述等级。",
    layout=layout,
    qr_host="cx.kwpingjia.cn",
    footer=("扫码核验：cx.kwpingjia.cn",),
)


def draft(rng: random.Random) -> CertificateContent:
    """A genuine certificate of this design."""
    return draft_content(DESIGN, rng)

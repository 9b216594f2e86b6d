"""A 职业技能等级证书 of a provincial evaluation organisation: landscape, teal bands, bilingual labels.

Drawing: teal bands along the top and bottom edges, a thin inset rule, the
title set left (sans bold) with its English title under it, the holder's photo
top right, the fields in two columns of "中文 English" labels, the QR code and
the lookup line bottom left, the seal bottom right. Serials print a hyphenated
issuer prefix, the year and a letter: ``TQ-2023-K04512``.
"""

from __future__ import annotations

import datetime as dt
import random

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent
from samples.generator.designs._common import pick_portrait
from samples.generator.designs.new._kit import Band, Box, FieldLabel, IssuerRow, NewDesign, draft_content, sized
from samples.generator.fonts import FontRole
from samples.generator.render import Item, Portrait, QrCode, Seal, SheetLayout, Text

__all__ = ["DESIGN", "layout"]

_W, _H = 2100, 1485
_TEAL = (0, 104, 116)
_INK = (24, 34, 38)
_LETTERS = "AEFHKMNPRTWX"


def _serial(rng: random.Random, issuer: IssuerRow, issued: dt.date) -> str:
    return f"TQ-{issued.year}-{rng.choice(_LETTERS)}{rng.randrange(100000):05d}"


def _field_items(content: CertificateContent) -> list[Item]:
    items: list[Item] = []
    fields = list(content.fields)
    for i, field in enumerate(fields):
        column, row = i % 2, i // 2
        x, y = 160 + column * 900, 520 + row * 118
        if field.key in ("issuer",):
            x, y = 160, 520 + ((len(fields) - 1) // 2) * 118
        items.append(Text(field.label, (x, y), FontRole.SANS_BOLD, 32, _TEAL))
        items.append(Text(field.label_en, (x, y + 34), FontRole.SANS, 20, _TEAL))
        value_x = x + 250
        room = (1900 if field.key == "issuer" else x + 860) - value_x
        items.append(Text(field.value, (value_x, y + 8), FontRole.MING, sized(field.value, FontRole.MING, 38, room),
                          _INK, key=field.key))
    return items


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """Lay ``content`` out on the teal landscape sheet."""
    items: list[Item] = [
        Band((0, 0, _W, 46), _TEAL),
        Band((0, _H - 46, _W, _H), _TEAL),
        Box((70, 90, _W - 70, _H - 90), _TEAL, width=2),
    ]
    if content.title:
        items.append(Text(content.title, (160, 235), FontRole.SANS_BOLD, 84, _TEAL, key="title"))
    if content.subtitle:
        items.append(Text(content.subtitle, (164, 290), FontRole.SANS, 30, _TEAL))
    for i, line in enumerate(content.header):
        items.append(Text(line, (164, 340 + 44 * i), FontRole.SERIF, sized(line, FontRole.SERIF, 34, 1300), _INK))
    id_number = content.field("id_number")
    is_male = id_number is not None and len(id_number.value) == 18 and id_number.value[16] in "13579"
    items.append(Portrait((1690, 150, 1880, 400), pick_portrait(rng, is_male)))
    items.append(Text(content.body, (160, 430), FontRole.SERIF, sized(content.body, FontRole.SERIF, 32, 1450), _INK))
    items.extend(_field_items(content))
    for i, line in enumerate(content.additions):
        items.append(Text(line, (1200, 150 + 46 * i), FontRole.SERIF, 34, _INK))
    if content.qr_payload:
        items.append(QrCode((160, 1110), 200, content.qr_payload))
    for i, line in enumerate(content.footer):
        items.append(Text(line, (400, 1200 + 44 * i), FontRole.SANS, 26, _INK))
    for i, spec in enumerate(content.seals):
        center = (1680.0 - 420 * i + rng.uniform(-20, 20), 1190.0 + rng.uniform(-15, 15))
        items.append(Seal(center, 118, spec, rng.uniform(-20, 20), rng.randrange(1 << 30), rng.uniform(0.82, 0.94)))
    return SheetLayout((_W, _H), (250, 252, 250), tuple(items), grain_seed=rng.randrange(1 << 30))


DESIGN = NewDesign(
    name="teal_bilingual",
    kind=CertificateKind.SKILL_LEVEL,
    title="职业技能等级证书",
    subtitle="Vocational Skill Level Certificate",
    labels=(
        FieldLabel("holder_name", "姓名", "Name"),
        FieldLabel("id_number", "身份证号", "Identity Card"),
        FieldLabel("occupation", "职业", "Trade"),
        FieldLabel("level", "技能等级", "Grade"),
        FieldLabel("serial_number", "证号", "Cert. Code"),
        FieldLabel("issue_date", "签发日期", "Issued"),
        FieldLabel("issuer", "评定单位", "Assessed by"),
    ),
    serial_pattern=r"^TQ-\d{4}-[A-Z]\d{5}$",
    make_serial=_serial,
    issuers=(
        IssuerRow("TQ0001", "青禾职业技能评价有限公司", "evaluation_org", ("电工", "焊工", "钳工", "车工")),
        IssuerRow("TQ0002", "海岳技能人才评价中心有限公司", "evaluation_org", ("电工", "焊工", "保育师")),
        IssuerRow("TQ0009", "远航职业技能评价有限公司", "evaluation_org", ("电工", "焊工"), status="revoked"),
    ),
    occupations=("电工", "焊工", "钳工", "车工", "保育师"),
    levels=("五级/初级工", "四级/中级工", "三级/高级工"),
    body="经评价，{name}的{occupation}技能达到本证书所载等级，特发此证。",
    layout=layout,
    qr_host="zscx.qhpingjia.cn",
    footer=("扫码或登录 zscx.qhpingjia.cn 查询本证书",),
)


def draft(rng: random.Random) -> CertificateContent:
    """A genuine certificate of this design."""
    return draft_content(DESIGN, rng)

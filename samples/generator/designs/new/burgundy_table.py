"""A 职业技能等级证书 of an employer-evaluator: portrait sheet, burgundy double rule, fields in a ruled table.

Drawing: a heavy and a thin burgundy rule around a portrait sheet, the title
centred high in the serif face, the body sentence in 楷体 under it, then a
ruled table: label cells on the left (sans, centred), values in 楷体, the
holder's photo in the table's upper right cell; QR code bottom left, seal
bottom right. Serials: ``HK`` + year + two letters + eight digits
(``HK23MP00012345``).
"""

from __future__ import annotations

import datetime as dt
import random

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent
from samples.generator.designs._common import pick_portrait
from samples.generator.designs.new._kit import Band, Box, FieldLabel, IssuerRow, NewDesign, centred, draft_content, sized
from samples.generator.fonts import FontRole
from samples.generator.render import Item, Portrait, QrCode, Seal, SheetLayout, Text

__all__ = ["DESIGN", "layout"]

_W, _H = 1480, 2100
_WINE = (128, 26, 42)
_INK = (30, 24, 26)
_LETTERS = "AEFHKMNPRTWX"
_TOP, _ROW = 560, 124
_X0, _SPLIT, _X1 = 130, 500, 1350
_PHOTO_X = 1100


def _serial(rng: random.Random, issuer: IssuerRow, issued: dt.date) -> str:
    letters = rng.choice(_LETTERS) + rng.choice(_LETTERS)
    return f"HK{issued.year % 100:02d}{letters}{rng.randrange(10**8):08d}"


def _table(content: CertificateContent, rng: random.Random) -> list[Item]:
    fields = list(content.fields)
    bottom = _TOP + _ROW * len(fields)
    items: list[Item] = [Box((_X0, _TOP, _X1, bottom), _WINE, width=3)]
    items.append(Band((_SPLIT, _TOP, _SPLIT + 1, bottom), _WINE))
    items.append(Band((_PHOTO_X, _TOP, _PHOTO_X + 1, _TOP + 3 * _ROW), _WINE))
    for i, field in enumerate(fields):
        y = _TOP + i * _ROW
        if i:
            items.append(Band((_X0, y, _PHOTO_X if i < 3 else _X1, y + 1), _WINE))
        items.append(centred(field.label, (_X0 + _SPLIT) / 2, y + 76, FontRole.SANS, 36, _WINE, _SPLIT - _X0 - 30))
        right = _PHOTO_X if i < 3 else _X1
        size = sized(field.value, FontRole.KAI, 42, right - _SPLIT - 60)
        items.append(Text(field.value, (_SPLIT + 36, y + 78), FontRole.KAI, size, _INK, key=field.key))
    id_number = content.field("id_number")
    is_male = id_number is not None and len(id_number.value) == 18 and id_number.value[16] in "13579"
    items.append(Portrait((_PHOTO_X + 25, _TOP + 40, _X1 - 25, _TOP + 3 * _ROW - 40), pick_portrait(rng, is_male)))
    return items


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """Lay ``content`` out on the burgundy portrait sheet."""
    items: list[Item] = [Box((48, 48, _W - 48, _H - 48), _WINE, width=9), Box((78, 78, _W - 78, _H - 78), _WINE, width=2)]
    if content.title:
        items.append(centred(content.title, _W / 2, 300, FontRole.TITLE, 100, _WINE, 1200))
    for i, line in enumerate((*content.additions, *content.header)):
        items.append(centred(line, _W / 2, 175 + (i * 44 if i < len(content.additions) else 220 + 44 * i),
                             FontRole.SERIF, 34, _INK, 1200))
    items.append(centred(content.body, _W / 2, 440, FontRole.KAI, 36, _INK, 1150))
    items.extend(_table(content, rng))
    bottom = _TOP + _ROW * len(content.fields)
    if content.qr_payload:
        items.append(QrCode((_X0 + 20, bottom + 120), 220, content.qr_payload))
    for i, line in enumerate(content.footer):
        items.append(Text(line, (_X0 + 20, bottom + 400 + 40 * i), FontRole.SANS, 26, _INK))
    for i, spec in enumerate(content.seals):
        center = (1060.0 - 380 * i + rng.uniform(-20, 20), bottom + 260 + rng.uniform(-15, 15))
        items.append(Seal(center, 128, spec, rng.uniform(-20, 20), rng.randrange(1 << 30), rng.uniform(0.82, 0.94)))
    return SheetLayout((_W, _H), (253, 250, 245), tuple(items), grain_seed=rng.randrange(1 << 30))


DESIGN = NewDesign(
    name="burgundy_table",
    kind=CertificateKind.SKILL_LEVEL,
    title="职业技能等级证书",
    labels=(
        FieldLabel("holder_name", "持证人"),
        FieldLabel("id_number", "公民身份号码"),
        FieldLabel("occupation", "职业工种"),
        FieldLabel("level", "级别"),
        FieldLabel("serial_number", "证书编号"),
        FieldLabel("issue_date", "认定日期"),
        FieldLabel("issuer", "认定单位"),
    ),
    serial_pattern=r"^HK\d{2}[A-Z]{2}\d{8}$",
    make_serial=_serial,
    issuers=(
        IssuerRow("HK0101", "鸿凯精密制造股份有限公司", "employer", ("车工", "铣工", "钳工", "焊工")),
        IssuerRow("HK0102", "瑞丰汽车零部件有限公司", "employer", ("车工", "焊工", "涂装工")),
        IssuerRow("HK0109", "恒远机械制造有限公司", "employer", ("车工", "焊工"), status="blacklisted"),
    ),
    occupations=("车工", "铣工", "钳工", "焊工", "涂装工"),
    levels=("五级", "四级", "三级", "二级"),
    body="{name}同志经本单位评价认定，{occupation}技能达到所载级别。",
    layout=layout,
    qr_host="zs.hkjm-pj.cn",
    footer=("证书查询：zs.hkjm-pj.cn",),
)


def draft(rng: random.Random) -> CertificateContent:
    """A genuine certificate of this design."""
    return draft_content(DESIGN, rng)

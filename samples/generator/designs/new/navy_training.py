"""A 培训合格证书 of a training school: portrait, a navy header band, one centred column of fields.

Drawing: a navy band across the top, the title in sans bold under it, the
photo centred, then every field on one centred row (label right-aligned to
the axis, value left of it), the body sentence, the seal bottom left and the
QR code bottom right. Serials: ``PX`` + year, a hyphen, six digits
(``PX2024-000123``).
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

_W, _H = 1480, 2100
_NAVY = (22, 40, 98)
_INK = (26, 28, 36)
_AXIS = 640


def _serial(rng: random.Random, issuer: IssuerRow, issued: dt.date) -> str:
    return f"PX{issued.year}-{rng.randrange(10**6):06d}"


def _hours(rng: random.Random) -> str:
    return f"{rng.choice((24, 32, 40, 48, 64, 80))}学时"


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """Lay ``content`` out on the navy portrait sheet."""
    items: list[Item] = [Band((0, 0, _W, 170), _NAVY), Band((0, _H - 60, _W, _H), _NAVY)]
    for i, line in enumerate(content.additions):
        items.append(centred(line, _W / 2, 230 + 44 * i, FontRole.SERIF, 32, _INK, 1200))
    if content.title:
        items.append(centred(content.title, _W / 2, 350, FontRole.SANS_BOLD, 104, _NAVY, 1250))
    for i, line in enumerate(content.header):
        items.append(centred(line, _W / 2, 420 + 44 * i, FontRole.SERIF, 32, _INK, 1200))
    id_number = content.field("id_number")
    is_male = id_number is not None and len(id_number.value) == 18 and id_number.value[16] in "13579"
    items.append(Portrait((640, 480, 840, 740), pick_portrait(rng, is_male)))
    for i, field in enumerate(content.fields):
        y = 860 + i * 100
        items.append(Text(field.label + "：", (_AXIS, y), FontRole.SERIF, 36, _NAVY, "rs"))
        size = sized(field.value, FontRole.KAI, 40, _W - 140 - _AXIS - 20)
        items.append(Text(field.value, (_AXIS + 20, y), FontRole.KAI, size, _INK, key=field.key))
    body_y = 860 + len(content.fields) * 100 + 40
    items.append(centred(content.body, _W / 2, body_y, FontRole.SERIF, 34, _INK, 1200))
    if content.qr_payload:
        items.append(QrCode((1040, 1720), 200, content.qr_payload))
    for i, line in enumerate(content.footer):
        items.append(centred(line, _W / 2, 1990 + 36 * i, FontRole.SANS, 24, _INK, 1200))
    for i, spec in enumerate(content.seals):
        center = (420.0 + 420 * i + rng.uniform(-20, 20), 1820.0 + rng.uniform(-15, 15))
        items.append(Seal(center, 125, spec, rng.uniform(-20, 20), rng.randrange(1 << 30), rng.uniform(0.82, 0.94)))
    return SheetLayout((_W, _H), (255, 255, 255), tuple(items), grain_seed=rng.randrange(1 << 30))


DESIGN = NewDesign(
    name="navy_training",
    kind=CertificateKind.TRAINING,
    title="培训合格证书",
    labels=(
        FieldLabel("holder_name", "学员姓名"),
        FieldLabel("id_number", "身份证号码"),
        FieldLabel("occupation", "培训项目"),
        FieldLabel("hours", "培训学时"),
        FieldLabel("serial_number", "证书编号"),
        FieldLabel("issue_date", "发证日期"),
        FieldLabel("issuer", "培训机构"),
    ),
    serial_pattern=r"^PX\d{4}-\d{6}$",
    make_serial=_serial,
    issuers=(
        IssuerRow("NT2001", "启明职业培训学校", "training_org", ("叉车操作", "育婴护理", "电商运营")),
        IssuerRow("NT2002", "蓝湾职业技能培训学校", "training_org", ("叉车操作", "中式面点", "电商运营")),
        IssuerRow("NT2009", "金桥职业培训学校", "training_org", ("叉车操作",), status="blacklisted"),
    ),
    occupations=("叉车操作", "育婴护理", "电商运营", "中式面点"),
    body="该学员已完成上述培训项目，经考核合格，特发此证。",
    layout=layout,
    qr_host="px.qmpx.com.cn",
    footer=("扫码查询：px.qmpx.com.cn",),
    extra={"hours": _hours},
)


def draft(rng: random.Random) -> CertificateContent:
    """A genuine certificate of this design."""
    return draft_content(DESIGN, rng)

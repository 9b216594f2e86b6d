"""A 专项职业能力证书: landscape, a green side panel, labels stacked over values in three columns, no QR code.

Drawing: a solid green panel down the left edge with a pale stripe, the title
in the serif face centred on the remaining width, the body sentence, then the
fields as small labels over large values in a three-column grid, the photo
bottom left beside the panel, the seal bottom right. Serials: area code, year
and a six-digit number joined by hyphens (``3301-2024-000512``).
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

_W, _H = 2100, 1480
_GREEN = (28, 112, 64)
_INK = (20, 30, 24)
_COLUMNS = (400, 980, 1560)


def _serial(rng: random.Random, issuer: IssuerRow, issued: dt.date) -> str:
    return f"{issuer.code[-4:]}-{issued.year}-{rng.randrange(10**6):06d}"


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """Lay ``content`` out on the green landscape sheet."""
    items: list[Item] = [Band((0, 0, 250, _H), _GREEN), Band((250, 0, 268, _H), (196, 226, 204))]
    middle = (268 + _W) / 2
    if content.title:
        items.append(Text(content.title, (middle, 230), FontRole.TITLE, 90, _GREEN, "ms", tracking=0.12))
    for i, line in enumerate((*content.header, *content.additions)):
        items.append(centred(line, middle, 300 + 44 * i, FontRole.SERIF, 34, _INK, 1400))
    items.append(centred(content.body, middle, 380, FontRole.SERIF, 34, _INK, 1500))
    for i, field in enumerate(content.fields):
        x, y = _COLUMNS[i % 3], 520 + (i // 3) * 210
        items.append(Text(field.label, (x, y), FontRole.SANS, 30, _GREEN))
        size = sized(field.value, FontRole.SERIF, 40, 540)
        items.append(Text(field.value, (x, y + 70), FontRole.SERIF, size, _INK, key=field.key))
        items.append(Band((x, y + 92, x + 520, y + 94), (150, 190, 160)))
    id_number = content.field("id_number")
    is_male = id_number is not None and len(id_number.value) == 18 and id_number.value[16] in "13579"
    items.append(Portrait((400, 1000, 580, 1240), pick_portrait(rng, is_male)))
    for i, line in enumerate(content.footer):
        items.append(Text(line, (700, 1300 + 40 * i), FontRole.SANS, 26, _INK))
    if content.qr_payload:
        items.append(QrCode((700, 1040), 200, content.qr_payload))
    for i, spec in enumerate(content.seals):
        center = (1720.0 - 400 * i + rng.uniform(-20, 20), 1140.0 + rng.uniform(-15, 15))
        items.append(Seal(center, 120, spec, rng.uniform(-20, 20), rng.randrange(1 << 30), rng.uniform(0.82, 0.94)))
    return SheetLayout((_W, _H), (248, 252, 247), tuple(items), grain_seed=rng.randrange(1 << 30))


DESIGN = NewDesign(
    name="green_special",
    kind=CertificateKind.SPECIAL_ABILITY,
    title="专项职业能力证书",
    labels=(
        FieldLabel("holder_name", "姓名"),
        FieldLabel("id_number", "身份证件号"),
        FieldLabel("occupation", "能力项目"),
        FieldLabel("serial_number", "证书编号"),
        FieldLabel("issue_date", "颁证日期"),
        FieldLabel("issuer", "颁证单位"),
    ),
    serial_pattern=r"^\d{4}-\d{4}-\d{6}$",
    make_serial=_serial,
    issuers=(
        IssuerRow("GS3301", "钱塘职业技能评价服务有限公司", "evaluation_org", ("西式面点制作", "茶艺服务", "手机维修")),
        IssuerRow("GS3302", "越州技能评价中心有限公司", "evaluation_org", ("茶艺服务", "手机维修", "中式烹调")),
        IssuerRow("GS3309", "明远职业技能服务有限公司", "evaluation_org", ("茶艺服务",), status="revoked"),
    ),
    occupations=("西式面点制作", "茶艺服务", "手机维修", "中式烹调"),
    body="{name}参加{occupation}专项能力考核，成绩合格，特发此证。",
    layout=layout,
    footer=("本证书信息可在颁证单位网站查询",),
)


def draft(rng: random.Random) -> CertificateContent:
    """A genuine certificate of this design."""
    return draft_content(DESIGN, rng)

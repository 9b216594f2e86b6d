"""A 结业证书 of a training centre: landscape, brown-gold rules with square corner blocks, bilingual stacked fields.

Drawing: a heavy and a thin brown rule with square blocks at the corners,
the title with an upper-case English title under it, a body sentence in
楷体, then the fields in two columns, each a "中文 / English" label over its
value, the seal bottom right; no photo, no QR code. Serials: ``JY`` + two
year digits, a three-letter course code and five digits joined by hyphens
(``JY24-MKT-00312``).
"""

from __future__ import annotations

import datetime as dt
import random

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent
from samples.generator.designs.new._kit import Box, FieldLabel, IssuerRow, NewDesign, centred, draft_content, sized
from samples.generator.fonts import FontRole
from samples.generator.render import Item, Seal, SheetLayout, Text

__all__ = ["DESIGN", "layout"]

_W, _H = 2200, 1500
_GOLD = (140, 100, 36)
_INK = (40, 32, 24)
_CODES = ("MKT", "HRM", "ACC", "WEB", "LOG")


def _serial(rng: random.Random, issuer: IssuerRow, issued: dt.date) -> str:
    return f"JY{issued.year % 100:02d}-{rng.choice(_CODES)}-{rng.randrange(10**5):05d}"


def _result(rng: random.Random) -> str:
    return rng.choice(("合格", "良好", "优秀"))


def layout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """Lay ``content`` out on the brown-gold landscape sheet."""
    items: list[Item] = [
        Box((44, 44, _W - 44, _H - 44), _GOLD, width=12, tick=60),
        Box((86, 86, _W - 86, _H - 86), _GOLD, width=2),
    ]
    for i, line in enumerate(content.additions):
        items.append(centred(line, _W / 2, 150 + 40 * i, FontRole.SERIF, 30, _INK, 1400))
    if content.title:
        items.append(centred(content.title, _W / 2, 260, FontRole.TITLE, 104, _GOLD, 1400))
    if content.subtitle:
        items.append(centred(content.subtitle, _W / 2, 320, FontRole.SERIF, 34, _GOLD, 1400))
    for i, line in enumerate(content.header):
        items.append(centred(line, _W / 2, 372 + 42 * i, FontRole.SERIF, 32, _INK, 1400))
    items.append(centred(content.body, _W / 2, 440, FontRole.KAI, 38, _INK, 1700))
    for i, field in enumerate(content.fields):
        x, y = (240, 1170)[i % 2], 560 + (i // 2) * 170
        label = f"{field.label} / {field.label_en}" if field.label_en else field.label
        items.append(Text(label, (x, y), FontRole.SERIF, 28, _GOLD))
        size = sized(field.value, FontRole.KAI, 42, 820)
        items.append(Text(field.value, (x, y + 62), FontRole.KAI, size, _INK, key=field.key))
    for i, line in enumerate(content.footer):
        items.append(Text(line, (240, 1330 + 36 * i), FontRole.SANS, 24, _INK))
    for i, spec in enumerate(content.seals):
        center = (1800.0 - 400 * i + rng.uniform(-20, 20), 1200.0 + rng.uniform(-15, 15))
        items.append(Seal(center, 122, spec, rng.uniform(-20, 20), rng.randrange(1 << 30), rng.uniform(0.82, 0.94)))
    return SheetLayout((_W, _H), (252, 248, 236), tuple(items), grain_seed=rng.randrange(1 << 30))


DESIGN = NewDesign(
    name="gold_completion",
    kind=CertificateKind.TRAINING,
    title="结业证书",
    subtitle="CERTIFICATE OF COMPLETION",
    labels=(
        FieldLabel("holder_name", "姓名", "Name"),
        FieldLabel("id_number", "证件号码", "ID Number"),
        FieldLabel("occupation", "课程名称", "Course"),
        FieldLabel("result", "结业成绩", "Result"),
        FieldLabel("serial_number", "证书编号", "No."),
        FieldLabel("issue_date", "结业日期", "Date"),
        FieldLabel("issuer", "培训单位", "Issued by"),
    ),
    serial_pattern=r"^JY\d{2}-[A-Z]{3}-\d{5}$",
    make_serial=_serial,
    issuers=(
        IssuerRow("GC3001", "汇智企业管理培训中心", "training_org", ("市场营销实务", "人力资源管理实务", "财务会计实务")),
        IssuerRow("GC3002", "博远职业培训学校", "training_org", ("网页设计", "物流管理实务", "市场营销实务")),
        IssuerRow("GC3009", "卓越职业培训学校", "training_org", ("网页设计",), status="revoked"),
    ),
    occupations=("市场营销实务", "人力资源管理实务", "财务会计实务", "网页设计", "物流管理实务"),
    body="兹证明{name}修完{occupation}课程全部内容，准予结业。",
    layout=layout,
    footer=("本证书仅证明学员完成上述课程学习",),
    extra={"result": _result},
    zero_pad_dates=False,
)


def draft(rng: random.Random) -> CertificateContent:
    """A genuine certificate of this design."""
    return draft_content(DESIGN, rng)

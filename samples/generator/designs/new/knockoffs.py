"""Knock-offs of the new designs, one function per evidence code a correct checker must report.

Each knock-off is ``(design, content, rng) -> content`` and may also replace the
design's drawing (a relayout: the registered title on a sheet that does not
follow the registered sample). :data:`KNOCKOFFS` maps an evidence code to the
knock-offs that must raise it at medium or above; which designs a knock-off
applies to is its ``applies`` predicate (a registry check needs an official
kind, a QR knock-off a design with a QR code).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from certcheck.types import EvidenceCode
from samples.generator.content import CertificateContent, EmblemPrint, SealSpec
from samples.generator.designs.new._kit import Band, NewDesign, centred, sized
from samples.generator.fonts import FontRole
from samples.generator.people import id_check_character
from samples.generator.render import Item, Seal, SheetLayout, Text

__all__ = ["EMBLEM_SIZE", "KNOCKOFFS", "Knockoff", "blank_spot", "relayout"]

Change = Callable[[NewDesign, CertificateContent, random.Random], CertificateContent]


@dataclass(frozen=True)
class Knockoff:
    """One way to fake a certificate of a new design.

    Attributes:
        name: a short name for the report.
        code: the evidence code a correct checker reports (medium or above).
        change: rewrites the content.
        applies: whether the knock-off makes sense for a design.
        relayout: print on :func:`relayout`'s sheet instead of the design's own drawing.
        conditions: the photo preset (``tampered_field`` retypes a value on the photo).
    """

    name: str
    code: EvidenceCode
    change: Change
    applies: Callable[[NewDesign], bool] = lambda design: True
    relayout: bool = False
    conditions: str = "phone"


def _official(design: NewDesign) -> bool:
    return design.kind.is_official


def _set(content: CertificateContent, key: str, value: str) -> CertificateContent:
    return content.with_field_value(key, value) if content.field(key) else content


def _reissue(content: CertificateContent, name: str) -> CertificateContent:
    seals = (SealSpec(name, "证书专用章"), *content.seals[1:])
    return dataclasses.replace(_set(content, "issuer", name), seals=seals)


def _serial_extra_digits(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    serial = content.field("serial_number")
    assert serial is not None
    value = serial.value + f"{rng.randrange(100):02d}" if rng.random() < 0.5 else serial.value[:-3]
    return _set(content, "serial_number", value)


def _serial_other_prefix(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    serial = content.field("serial_number")
    assert serial is not None
    return _set(content, "serial_number", "NO." + serial.value.replace("-", ""))


def _same(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    return content


def _no_qr(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    return dataclasses.replace(content, qr_payload=None, footer=())


def _no_seal(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    return dataclasses.replace(content, seals=())


def _added(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    line = rng.choice(("本证书可作为就业凭证", "可作为单位录用依据", "技能人才评价联盟推荐"))
    return dataclasses.replace(content, additions=(line,))


def _forbidden(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    line = rng.choice(("中国职业技能人才评价联盟", "国家职业资格 等级认证", "全国职业能力等级认证"))
    return dataclasses.replace(content, additions=(line,))


def _false_claim(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    line = rng.choice(("全国通用 入库可查", "可用于积分入户、评职称", "官方认证 终身有效"))
    return dataclasses.replace(content, additions=(line,))


def _ministry(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    line = rng.choice(("人力资源和社会保障部 监制", "人力资源社会保障部职业技能鉴定中心 颁发"))
    return dataclasses.replace(content, header=(line,))


def _invented_body(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    name = rng.choice(("国家职业技能评价管理委员会", "全国技能人才认证指导中心", "中国职业能力评价委员会"))
    return _reissue(content, name)


#: The printed emblem's side, share of the sheet's short side (a knock-off's header emblem).
EMBLEM_SIZE = 0.11


def _emblem(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    """An emblem printed once; its place is chosen on the rendered sheet (:func:`blank_spot`)."""
    return dataclasses.replace(content, emblems=(EmblemPrint(rng.choice(("colour", "red")), (0.5, 0.1), EMBLEM_SIZE),))


def blank_spot(pixels: np.ndarray, side: float) -> tuple[float, float]:
    """Centre ``(x, y)``, as shares of the sheet, of the emptiest ``side``-share square inside its inner 84 %.

    A knock-off printer puts the emblem where the sheet is empty (a header corner, beside the title).
    """
    h, w = pixels.shape[:2]
    gray = cv2.cvtColor(pixels, cv2.COLOR_BGR2GRAY)
    saturation = cv2.cvtColor(pixels, cv2.COLOR_BGR2HSV)[:, :, 1]
    ink = ((gray < 215) | (saturation > 60)).astype(np.int32)
    total = np.pad(ink.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    size = int(side * min(w, h))
    best: tuple[int, float, float] | None = None
    for y in range(int(0.08 * h), int(0.92 * h) - size, max(1, size // 4)):
        for x in range(int(0.08 * w), int(0.92 * w) - size, max(1, size // 4)):
            count = int(total[y + size, x + size] - total[y, x + size] - total[y + size, x] + total[y, x])
            if best is None or count < best[0]:
                best = (count, (x + size / 2) / w, (y + size / 2) / h)
    return (0.5, 0.1) if best is None else (best[1], best[2])


def _watermark(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    pick = rng.randrange(3)
    if pick == 0:  # a large faint emblem behind the fields
        return dataclasses.replace(content, emblems=(EmblemPrint("red", (0.5, 0.55), 0.55, opacity=0.18),))
    if pick == 1:  # a faint tiled emblem
        return dataclasses.replace(content, emblems=(EmblemPrint("red", size=0.12, opacity=0.16, tiled=True),))
    return dataclasses.replace(content, watermark=rng.choice(("国家认证", "国家职业资格")))


def _unregistered(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    return _reissue(content, rng.choice(("华信职业技能评价有限公司", "众诚技能人才服务有限公司")))


def _blacklisted(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    bad = next(i for i in design.issuers if i.status != "active")
    content = _reissue(content, bad.name)
    return _set(content, "occupation", bad.occupations[0])


def _out_of_scope(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    issuer = content.field("issuer")
    row = next(i for i in design.issuers if issuer is not None and i.name == issuer.value)
    outside = [o for o in ("汽车维修工", "茶艺师", "中式烹调师", "电子商务师") if o not in row.occupations]
    return _set(content, "occupation", rng.choice(outside))


def _qr_unofficial(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    assert content.qr_payload is not None
    host = rng.choice(("zscx-query.com", "cert-check.net.cn", "jndj-osta.com"))
    return dataclasses.replace(content, qr_payload=content.qr_payload.replace(str(design.qr_host), host))


def _id_check_digit(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    id_field = content.field("id_number")
    assert id_field is not None
    right = id_check_character(id_field.value[:17])
    wrong = rng.choice([c for c in "0123456789" if c != right])
    return _set(content, "id_number", id_field.value[:17] + wrong)


def _foreign_seal(design: NewDesign, content: CertificateContent, rng: random.Random) -> CertificateContent:
    other = rng.choice(("星海文化传媒有限公司", "瑞达教育咨询有限公司"))
    return dataclasses.replace(content, seals=(*content.seals, SealSpec(other, "合同专用章")))


def relayout(content: CertificateContent, rng: random.Random) -> SheetLayout:
    """The content on a plain sheet of its own: a centred title, a centred column of "label：value" rows,
    no subtitle, no photo, no QR code, the seal under the rows (what a knock-off printer lays out)."""
    width, height = rng.choice(((2000, 1414), (1414, 2000)))
    items: list[Item] = [Band((40, 40, width - 40, height - 40), None, (90, 90, 90), 3)]
    if content.title:
        items.append(centred(content.title, width / 2, 0.16 * height, FontRole.SERIF, 92, (30, 30, 30), width - 300))
    for i, field in enumerate(content.fields):
        y = 0.3 * height + i * 0.07 * height
        text = f"{field.label}：{field.value}"
        items.append(Text(text, (width / 2, y), FontRole.SERIF, sized(text, FontRole.SERIF, 40, width - 400),
                          (30, 30, 30), "ms", key=field.key))
    for spec in content.seals[:1]:
        items.append(Seal((width * 0.7, 0.3 * height + len(content.fields) * 0.07 * height + 150), 120, spec,
                          rng.uniform(-20, 20), rng.randrange(1 << 30), 0.9))
    return SheetLayout((width, height), (252, 252, 252), tuple(items), grain_seed=rng.randrange(1 << 30))


def _has_qr(design: NewDesign) -> bool:
    return design.qr_host is not None


#: The knock-offs, by the evidence code each must raise.
KNOCKOFFS: tuple[Knockoff, ...] = (
    Knockoff("serial_extra_digits", EvidenceCode.SERIAL_FORMAT, _serial_extra_digits),
    Knockoff("serial_other_prefix", EvidenceCode.SERIAL_FORMAT, _serial_other_prefix),
    Knockoff("relayout", EvidenceCode.TEMPLATE_MISMATCH, _same, _official, relayout=True),
    Knockoff("required_qr_missing", EvidenceCode.TEMPLATE_MISMATCH, _no_qr,
             lambda d: _official(d) and _has_qr(d)),
    Knockoff("required_seal_missing", EvidenceCode.TEMPLATE_MISMATCH, _no_seal, _official),
    Knockoff("added_text", EvidenceCode.ADDED_TEXT, _added),
    Knockoff("forbidden_wording", EvidenceCode.FORBIDDEN_WORDING, _forbidden),
    Knockoff("false_claim", EvidenceCode.FALSE_CLAIM, _false_claim),
    Knockoff("ministry_named", EvidenceCode.IMPERSONATED_AUTHORITY, _ministry),
    Knockoff("invented_national_body", EvidenceCode.IMPERSONATED_AUTHORITY, _invented_body),
    Knockoff("emblem", EvidenceCode.EMBLEM, _emblem),
    Knockoff("watermark", EvidenceCode.WATERMARK, _watermark),
    Knockoff("unregistered_issuer", EvidenceCode.UNREGISTERED_ISSUER, _unregistered, _official),
    Knockoff("blacklisted_issuer", EvidenceCode.BLACKLISTED_ISSUER, _blacklisted),
    Knockoff("out_of_scope", EvidenceCode.OUT_OF_SCOPE, _out_of_scope, _official),
    Knockoff("qr_unofficial", EvidenceCode.QR_UNOFFICIAL, _qr_unofficial, _has_qr),
    Knockoff("id_check_digit", EvidenceCode.FIELD_INVALID, _id_check_digit),
    Knockoff("foreign_seal", EvidenceCode.FOREIGN_MARK, _foreign_seal),
    Knockoff("retyped_field", EvidenceCode.TAMPERING, _same, conditions="tampered_field"),
)



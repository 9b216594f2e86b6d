"""Signs that the photo is not a plain photo of paper (``RECAPTURE``, ``TAMPERING``).

Neither is ever high on its own: image forensics raise false alarms (the
DocTamper issue tracker is full of them), and a person has to look. A
screen recapture is information (a citizen may photograph a scan on their
screen; the original should be asked for). A text line sharper than the
rest of the page (``vision/detectors/tampering.py``) is medium when it lies
on a field value a forger would change (name, ID number, serial, dates,
occupation, level, issuer), and information elsewhere (a sticker, a stamp
added digitally, a photo's caption).

The detectors' thresholds were chosen on genuine photos first (see their
module docstrings): no genuine generated photo raised either.
"""

from __future__ import annotations

from certcheck.privacy import mask_id_numbers
from certcheck.types import Evidence, EvidenceCode, FieldValue, Quad, Severity, quad_to_bbox
from rules.context import RuleContext
from rules.evidence import make_evidence

__all__ = ["recapture_rule", "tampering_rule"]

#: Field values whose edit changes what the certificate attests.
_EDITABLE_FIELDS = ("holder_name", "id_number", "serial_number", "issue_date", "occupation", "level", "issuer")
_FIELD_NAMES = {
    "holder_name": ("姓名", "name"),
    "id_number": ("证件号码", "ID number"),
    "serial_number": ("证书编号", "serial number"),
    "issue_date": ("发证日期", "issue date"),
    "occupation": ("职业名称", "occupation"),
    "level": ("等级", "level"),
    "issuer": ("发证机构", "issuer"),
}
#: Share of a field value's box that a flagged line must cover for the two to be one.
_MIN_OVERLAP = 0.3


def recapture_rule(ctx: RuleContext) -> list[Evidence]:
    """``RECAPTURE`` (information) for a photo of a screen."""
    return [
        make_evidence(
            ctx.data, EvidenceCode.RECAPTURE,
            "照片疑似翻拍自屏幕（可见屏幕像素网格或摩尔纹），请索取证书原件或原始照片核对",
            "The photo seems to be taken of a screen (pixel grid or moire visible); ask for the original certificate",
            confidence=min(0.9, d.score), severity=Severity.INFO,
        )
        for d in ctx.detections_of("screen_recapture")
    ]


def tampering_rule(ctx: RuleContext) -> list[Evidence]:
    """``TAMPERING``: medium on a field value, information elsewhere; never high.

    Not judged on a sheet with a tiled background layer (a ``watermark``
    detection): faint text behind the print changes the text lines' edge
    sharpness the tampering detector measures; on the generated watermark
    knock-offs (``make eval-marks``) it raised 4 false alarms in 10 photos.
    """
    if ctx.detections_of("watermark"):
        return []
    evidence = []
    for line in ctx.detections_of("pasted_text"):
        if line.quad is None:
            continue
        field = _field_under(ctx, line.quad)
        if field is None:
            evidence.append(make_evidence(
                ctx.data, EvidenceCode.TAMPERING,
                "此处文字明显比页面其他文字清晰，可能是后期添加的，请人工核对",
                "This text is far sharper than the rest of the page and may have been added afterwards",
                quad=line.quad, confidence=min(0.6, line.score), severity=Severity.INFO,
            ))
            continue
        name, name_en = _FIELD_NAMES[field.key]
        value = mask_id_numbers(field.value)
        evidence.append(make_evidence(
            ctx.data, EvidenceCode.TAMPERING,
            f"“{name}”一栏（{value}）的文字明显比页面其他文字清晰，疑似被涂改后重新输入",
            f"The {name_en} ({value}) is far sharper than the rest of the page: it may have been edited",
            text=value, quad=line.quad, confidence=min(0.8, line.score), severity=Severity.MEDIUM,
        ))
    return evidence


def _field_under(ctx: RuleContext, quad: Quad) -> FieldValue | None:
    """The editable field value the flagged line covers most, if it covers one enough."""
    x0, y0, x1, y1 = quad_to_bbox(quad)
    best: tuple[float, FieldValue | None] = (0.0, None)
    for key in _EDITABLE_FIELDS:
        field = ctx.fields.get(key)
        if field is None or field.quad is None:
            continue
        fx0, fy0, fx1, fy1 = quad_to_bbox(field.quad)
        overlap = max(0, min(x1, fx1) - max(x0, fx0)) * max(0, min(y1, fy1) - max(y0, fy0))
        share = overlap / max(1, (fx1 - fx0) * (fy1 - fy0))
        if share > best[0]:
            best = (share, field)
    return best[1] if best[0] >= _MIN_OVERLAP else None

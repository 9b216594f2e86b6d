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

A flagged line on a field value is judged relative to the certificate's own
print (issue 12 item 3): filled-in values are often printed in another face,
by another printer, sharper than the pre-printed form, on every genuine
certificate. So a value is ``TAMPERING`` (medium) only when it is sharper than
the page's other field values by :data:`MIN_FIELD_CONTRAST` times what the
registered sample shows for that field against its other fields (1 where no
sample measured it). A value like the others, or like the sample, is
information only; with no other value measured on the page to compare with,
low ("请人工核对").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import median

from certcheck.privacy import mask_id_numbers
from certcheck.types import Evidence, EvidenceCode, FieldValue, Quad, Severity, quad_to_bbox
from rules.context import RuleContext
from rules.evidence import make_evidence
from templates_registry.matching import is_fixed_design

__all__ = ["MIN_FIELD_CONTRAST", "field_contrast", "recapture_rule", "tampering_rule"]

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
#: A field value is edited when its sharpness over the page's other field values is this many times
#: what the sample shows (the retyped lines of the generated corpus stand 1.24-1.95 times above the
#: page median, genuine values of a sharper face the same on every photo of the design).
MIN_FIELD_CONTRAST = 1.25
#: Without a flagged line, a value is edited when its contrast reaches this and its sharpness over the
#: page median this (a registered sample measured the field; see bench/evaluate_designs.py, README).
MIN_SAMPLE_CONTRAST = 1.25
MIN_SAMPLE_RATIO = 1.2
#: A measured text line belongs to a field value when this share of the line's box lies inside the value's.
_MIN_LINE_IN_FIELD = 0.5


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
    measured = _field_sharpness(ctx)
    sample = _sample_prints(ctx)
    evidence = _against_sample(ctx, measured, sample)
    judged = {e.text for e in evidence}
    for line in ctx.detections_of("pasted_text"):
        if line.quad is None:
            continue
        field = _field_under(ctx, line.quad)
        contrast = None if field is None else field_contrast(field.key, measured, sample)
        if field is not None and contrast is not None and contrast < MIN_FIELD_CONTRAST:
            name, name_en = _FIELD_NAMES[field.key]
            evidence.append(make_evidence(
                ctx.data, EvidenceCode.TAMPERING,
                f"“{name}”一栏的文字比页面其他文字清晰，但与证书其他填写内容（及备案样本）一致，多为正常套打，仅供参考",
                f"The {name_en} is sharper than the page, but like the other filled-in values (and the registered "
                "sample): most likely the ordinary print of the values",
                quad=line.quad, confidence=min(0.4, line.score), severity=Severity.INFO,
            ))
            continue
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
        if value in judged:
            continue
        compared = contrast is not None
        evidence.append(make_evidence(
            ctx.data, EvidenceCode.TAMPERING,
            f"“{name}”一栏（{value}）的文字明显比页面其他文字"
            + ("和其他填写内容清晰，疑似被涂改后重新输入" if compared else "清晰，可能被涂改，请人工核对"),
            f"The {name_en} ({value}) is far sharper than the rest of the page"
            + (" and the other filled-in values: it may have been edited" if compared else "; please check by eye"),
            text=value, quad=field.quad or line.quad, confidence=min(0.8 if compared else 0.5, line.score),
            severity=Severity.MEDIUM if compared else Severity.LOW,
        ))
    return evidence


def _against_sample(ctx: RuleContext, measured: Mapping[str, float], sample: Mapping[str, float]) -> list[Evidence]:
    """``TAMPERING`` (medium) for a value that stands out from the other values as its registered sample's does not.

    Only with a registered sample that measured the field: the page's own outlier test
    (:mod:`vision.detectors.tampering`) misses a retyped value on a blurred photo, where the value
    stands out from the other values without standing out from every line of the page.
    """
    if ctx.matched is None or not is_fixed_design(ctx.matched.template):
        return []  # a registered organisation's own sample only: the built-ins are reference styles
    evidence = []
    for key, sharpness in measured.items():
        contrast = field_contrast(key, measured, sample) if key in sample else None
        field = ctx.fields.get(key)
        if contrast is None or field is None or contrast < MIN_SAMPLE_CONTRAST or sharpness < MIN_SAMPLE_RATIO:
            continue
        name, name_en = _FIELD_NAMES[key]
        value = mask_id_numbers(field.value)
        evidence.append(make_evidence(
            ctx.data, EvidenceCode.TAMPERING,
            f"“{name}”一栏（{value}）的文字比其他填写内容清晰得多，与备案样本不符，疑似被涂改后重新输入",
            f"The {name_en} ({value}) is far sharper than the other filled-in values, unlike on the registered "
            "sample: it may have been edited",
            text=value, quad=field.quad, confidence=round(min(0.8, 0.4 + (contrast - 1.0)), 3),
            severity=Severity.MEDIUM,
        ))
    return evidence


def field_contrast(key: str, measured: Mapping[str, float], sample: Mapping[str, float]) -> float | None:
    """How much sharper field ``key`` prints than the page's other field values, over what the sample shows.

    ``measured`` and ``sample`` give each field value's sharpness over its page's median; ``None`` when
    the field or no other field was measured on the page.

    >>> round(field_contrast("holder_name", {"holder_name": 1.8, "serial_number": 1.2, "issue_date": 1.2}, {}), 2)
    1.5
    >>> sample = {"holder_name": 1.9, "serial_number": 1.3, "issue_date": 1.3}
    >>> round(field_contrast("holder_name", {"holder_name": 1.8, "serial_number": 1.2, "issue_date": 1.2}, sample), 2)
    1.03
    >>> field_contrast("holder_name", {"holder_name": 1.8}, {}) is None
    True
    """
    others = [value for other, value in measured.items() if other != key]
    if key not in measured or not others:
        return None
    page = measured[key] / median(others)
    sample_others = [value for other, value in sample.items() if other != key]
    expected = sample[key] / median(sample_others) if key in sample and sample_others else 1.0
    return page / max(expected, 1e-6)


def _field_sharpness(ctx: RuleContext) -> dict[str, float]:
    """Each editable field value's sharpest measured text line over the page median (``text_sharpness``)."""
    summary = next(iter(ctx.detections_of("text_sharpness")), None)
    if summary is None:
        return {}
    page = float(summary.extras.get("page_sharpness") or 0.0)
    lines = summary.extras.get("lines") or ()
    measured: dict[str, float] = {}
    for key in _EDITABLE_FIELDS:
        field = ctx.fields.get(key)
        if field is None or field.quad is None or page <= 0:
            continue
        box = quad_to_bbox(field.quad)
        inside = [float(line[4]) for line in lines if _share_inside(line, box) >= _MIN_LINE_IN_FIELD]
        if inside:
            measured[key] = max(inside) / page
    return measured


def _sample_prints(ctx: RuleContext) -> dict[str, float]:
    """What the matched template's registered sample shows per field (empty without one)."""
    layout = ctx.matched.layout if ctx.matched is not None else None
    return {p.key: p.sharpness for p in layout.prints} if layout is not None else {}


def _share_inside(line: Sequence[float], box: Sequence[float]) -> float:
    lx0, ly0, lx1, ly1 = (float(v) for v in line[:4])
    overlap = max(0.0, min(lx1, box[2]) - max(lx0, box[0])) * max(0.0, min(ly1, box[3]) - max(ly0, box[1]))
    return overlap / max(1.0, (lx1 - lx0) * (ly1 - ly0))


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

"""What a certificate says, before it is laid out: the spec that variants transform.

A design drafts a :class:`CertificateContent` (title, printed fields, body
text, seals, QR payload...), a variant rewrites it (a wrong serial, a missing
row, added wording) and the design's layout then prints whatever the content
holds. The ground truth is read from the same object, so what the truth says
is exactly what was printed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from certcheck.types import CertificateKind

__all__ = [
    "TRUTH_FIELD_KEYS",
    "CertificateContent",
    "EmblemPrint",
    "PrintedField",
    "SealSpec",
    "format_cn_date",
    "with_serial",
]

#: The ``certificate`` keys of the Report (CONTRACT.md section 3) that the truth records, besides ``title``.
TRUTH_FIELD_KEYS = ("holder_name", "id_number", "serial_number", "occupation", "level", "issuer", "issue_date")

RGB = tuple[int, int, int]
#: The vermilion of stamp-pad ink.
SEAL_RED: RGB = (214, 38, 38)


def format_cn_date(date: dt.date, zero_pad: bool = True) -> str:
    """A date as printed on Chinese certificates.

    >>> format_cn_date(dt.date(2024, 5, 9)), format_cn_date(dt.date(2024, 5, 9), zero_pad=False)
    ('2024年05月09日', '2024年5月9日')
    """
    if zero_pad:
        return f"{date.year}年{date.month:02d}月{date.day:02d}日"
    return f"{date.year}年{date.month}月{date.day}日"


@dataclass(frozen=True)
class PrintedField:
    """One labelled value on the certificate.

    Attributes:
        key: what the value is: a truth key (``holder_name``, ``serial_number``...)
            or a design-specific one (``id_type``, ``work_type``, ``course``).
        label: the Chinese label as printed, e.g. ``证书编号``; empty when the
            design prints the value without a label.
        label_en: the English label for bilingual layouts.
        value: the value as printed.
        normalized: the value in the truth's form when it differs from the
            printed one (an ISO date for ``2024年05月09日``), else empty.
    """

    key: str
    label: str
    label_en: str
    value: str
    normalized: str = ""

    @property
    def truth_value(self) -> str:
        return self.normalized or self.value


@dataclass(frozen=True)
class SealSpec:
    """A round seal: the organisation's name on the arc, a star, an optional line under it."""

    arc_text: str
    bottom_text: str = ""
    color: RGB = SEAL_RED


@dataclass(frozen=True)
class EmblemPrint:
    """A national emblem printed on the sheet (a knock-off mark), placed independently of the layout.

    Attributes:
        style: ``colour``, ``red`` or ``black`` (see :class:`vision.emblem_art.EmblemStyle`).
        center: the emblem's centre as fractions ``(x, y)`` of the sheet's width and height.
        size: the emblem's side as a fraction of the sheet's short side (its tile size when tiled).
        opacity: ink strength in ``(0, 1]``; under 0.6 the print looks faded.
        rotation_deg: counter-clockwise turn of the printed emblem.
        tiled: repeated over the whole sheet as a faint background (a watermark) instead of printed once.
    """

    style: str
    center: tuple[float, float] = (0.5, 0.5)
    size: float = 0.12
    opacity: float = 1.0
    rotation_deg: float = 0.0
    tiled: bool = False


@dataclass(frozen=True)
class CertificateContent:
    """Everything printed on one certificate, independent of where it is printed.

    Attributes:
        kind: the kind its title claims (CONTRACT.md kinds table).
        title: the printed title; ``None`` for a sheet without one.
        subtitle: a line under the title (English title, "XX有限公司 内部培训").
        header: further lines centred under the title and subtitle (a knock-off's
            "人力资源和社会保障部 监制", "中华人民共和国").
        fields: labelled values, in the design's reading order.
        body: the 证书正文 sentence.
        seals: the seals; the first is the issuer's own and sits over the issuer
            and date, any further ones are placed in the opposite corner.
        qr_payload: the QR code's text; ``None`` for no QR code.
        footer: small lines at the bottom (query URLs, a knock-off's notes).
        additions: extra wording printed in the top margin (knock-off wording).
        watermark: a faint text tiled over the sheet, or empty.
        emblems: national emblems printed on the sheet (knock-off marks), printed behind the text.
        bilingual: whether labels carry their English translation.
        notes: what a variant changed, in a few words (recorded in the truth).
    """

    kind: CertificateKind
    title: str | None
    subtitle: str = ""
    header: tuple[str, ...] = ()
    fields: tuple[PrintedField, ...] = ()
    body: str = ""
    seals: tuple[SealSpec, ...] = ()
    qr_payload: str | None = None
    footer: tuple[str, ...] = ()
    additions: tuple[str, ...] = ()
    watermark: str = ""
    emblems: tuple[EmblemPrint, ...] = ()
    bilingual: bool = False
    notes: tuple[str, ...] = ()

    def field(self, key: str) -> PrintedField | None:
        """The printed field called ``key``, if the certificate prints one."""
        return next((f for f in self.fields if f.key == key), None)

    def with_field_value(self, key: str, value: str) -> CertificateContent:
        """A copy whose field ``key`` prints ``value`` instead."""
        if self.field(key) is None:
            raise KeyError(f"the certificate prints no field {key!r}")
        fields = tuple(dataclasses.replace(f, value=value, normalized="") if f.key == key else f for f in self.fields)
        return dataclasses.replace(self, fields=fields)

    def without_field(self, key: str) -> CertificateContent:
        """A copy that does not print field ``key`` at all (label included)."""
        return dataclasses.replace(self, fields=tuple(f for f in self.fields if f.key != key))

    def truth_fields(self) -> dict[str, str | None]:
        """The truth's field values: what is printed for each truth key, ``None`` where nothing is."""
        values: dict[str, str | None] = {}
        for key in TRUTH_FIELD_KEYS:
            printed = self.field(key)
            values[key] = printed.truth_value if printed is not None else None
        return values


def _qr_without_query(payload: str) -> str:
    """The QR text with its query part removed (what a certificate without a serial would encode).

    >>> _qr_without_query("http://jndj.osta.org.cn/cert/query?certificateNo=S1")
    'http://jndj.osta.org.cn/cert/query'
    """
    return payload.split("?", 1)[0]


def with_serial(content: CertificateContent, serial: str | None) -> CertificateContent:
    """A copy that prints ``serial`` as its 证书编号 (``None``: no serial row), QR code kept consistent.

    The QR code encodes the serial it was printed with, so a certificate whose
    serial is wrong carries a QR code with the same wrong serial, and one
    without a serial carries the lookup address alone.
    """
    printed = content.field("serial_number")
    if printed is None:
        raise KeyError("the certificate prints no serial number")
    payload = content.qr_payload
    if serial is None:
        changed = content.without_field("serial_number")
        payload = _qr_without_query(payload) if payload else payload
    else:
        changed = content.with_field_value("serial_number", serial)
        payload = payload.replace(printed.value, serial) if payload else payload
    return dataclasses.replace(changed, qr_payload=payload)

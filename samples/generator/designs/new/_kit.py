"""What the new designs share: their description, a filled band, ruled tables, and the registration files.

The new designs (issue 12 item 4) are certificate designs the built-in
templates are not drawn from: other palettes, portrait sheets, other faces,
ruled tables, bilingual labels, serials with separators and letters. Each
lives in its own module with its own ``layout``; this kit holds only what is
not a drawing decision: the :class:`NewDesign` record, the holder and dates a
genuine certificate prints, one :class:`Band` item (a filled rectangle), and
the ``template.yaml`` / issuer CSV a new user would write for the design.

Coordinates are render space (pixels of the flat sheet), as in
:mod:`samples.generator.render`.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from PIL import ImageDraw

from certcheck.types import CertificateKind
from samples.generator.content import CertificateContent, PrintedField, SealSpec, format_cn_date
from samples.generator.fonts import FontRole, fit_font_size, text_width
from samples.generator.people import make_holder
from samples.generator.render import Canvas, Item, SheetLayout, Text, Watermark, with_emblems

__all__ = [
    "Band",
    "Box",
    "FieldLabel",
    "IssuerRow",
    "NewDesign",
    "centred",
    "draft_content",
    "issuers_csv",
    "print_sheet",
    "sized",
    "template_yaml",
]

RGB = tuple[int, int, int]


@dataclass(frozen=True)
class Band:
    """A filled rectangle (a colour band, a table rule, a panel), optionally only outlined."""

    box: tuple[float, float, float, float]
    fill: RGB | None
    outline: RGB | None = None
    width: int = 1

    def draw(self, canvas: Canvas) -> None:
        ImageDraw.Draw(canvas.image).rectangle(self.box, fill=self.fill, outline=self.outline, width=self.width)


@dataclass(frozen=True)
class Box:
    """An outlined rectangle with square corner ticks (a frame that is not the built-ins' ornamented one)."""

    box: tuple[float, float, float, float]
    color: RGB
    width: int = 4
    tick: int = 0

    def draw(self, canvas: Canvas) -> None:
        draw = ImageDraw.Draw(canvas.image)
        x0, y0, x1, y1 = self.box
        draw.rectangle(self.box, outline=self.color, width=self.width)
        t = self.tick
        for cx, cy, sx, sy in ((x0, y0, 1, 1), (x1, y0, -1, 1), (x1, y1, -1, -1), (x0, y1, 1, -1)):
            if t:
                draw.rectangle((min(cx, cx + sx * t), min(cy, cy + sy * t), max(cx, cx + sx * t),
                                max(cy, cy + sy * t)), fill=self.color)


@dataclass(frozen=True)
class FieldLabel:
    """A printed label of a design: its truth key, Chinese label, English label and registered aliases."""

    key: str
    label: str
    label_en: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class IssuerRow:
    """One row of the design's issuer CSV (CONTRACT.md section 5)."""

    code: str
    name: str
    kind: str
    occupations: tuple[str, ...]
    status: str = "active"


@dataclass(frozen=True)
class NewDesign:
    """A new certificate design, its registration files and how to draw it.

    Attributes:
        name: the design's name; the template id is ``new-`` + name with ``_`` as ``-``.
        kind: the kind its title claims.
        title: the printed title.
        labels: the printed labels in reading order.
        serial_pattern: the registered serial regex (with its separators).
        make_serial: a serial of the registered format for an issuer and a date.
        issuers: the issuers the design's CSV registers (the first ones issue genuine certificates).
        occupations: what the genuine certificates attest (inside every genuine issuer's scope).
        levels: the level values printed, when the design prints a level.
        body: the body sentence (``{name}`` and ``{occupation}`` filled in).
        layout: draws content on the design's sheet.
        subtitle: a line under the title (an English title).
        qr_host: the lookup host the QR code leads to (registered in the template); ``None``: no QR code.
        footer: small lines at the bottom.
        extra: design-specific fields ``key -> value maker``.
    """

    name: str
    kind: CertificateKind
    title: str
    labels: tuple[FieldLabel, ...]
    serial_pattern: str
    make_serial: Callable[[random.Random, IssuerRow, dt.date], str]
    issuers: tuple[IssuerRow, ...]
    occupations: tuple[str, ...]
    body: str
    layout: Callable[[CertificateContent, random.Random], SheetLayout]
    levels: tuple[str, ...] = ()
    subtitle: str = ""
    qr_host: str | None = None
    footer: tuple[str, ...] = ()
    extra: dict[str, Callable[[random.Random], str]] = field(default_factory=dict)
    zero_pad_dates: bool = True

    @property
    def template_id(self) -> str:
        return "new-" + self.name.replace("_", "-")

    @property
    def genuine_issuers(self) -> tuple[IssuerRow, ...]:
        return tuple(i for i in self.issuers if i.status == "active")

    def label(self, key: str) -> FieldLabel | None:
        return next((label for label in self.labels if label.key == key), None)


def _date_between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    date = first + dt.timedelta(days=rng.randrange((last - first).days + 1))
    while date.weekday() >= 5:
        date -= dt.timedelta(days=1)
    return date


def draft_content(design: NewDesign, rng: random.Random) -> CertificateContent:
    """A genuine certificate of ``design``: a holder, an active issuer, an occupation in its scope."""
    issuer = rng.choice(design.genuine_issuers)
    occupation = rng.choice([o for o in design.occupations if o in issuer.occupations] or list(issuer.occupations))
    issued = _date_between(rng, dt.date(2022, 3, 1), dt.date(2025, 5, 30))
    holder = make_holder(rng, issued)
    values = {
        "holder_name": holder.name,
        "id_number": holder.id_number,
        "occupation": occupation,
        "level": rng.choice(design.levels) if design.levels else "",
        "serial_number": design.make_serial(rng, issuer, issued),
        "issue_date": format_cn_date(issued, design.zero_pad_dates),
        "issuer": issuer.name,
    }
    values.update({key: make(rng) for key, make in design.extra.items()})
    fields = tuple(
        PrintedField(label.key, label.label, label.label_en, values[label.key],
                     issued.isoformat() if label.key == "issue_date" else "")
        for label in design.labels
    )
    serial = values["serial_number"]
    return CertificateContent(
        kind=design.kind,
        title=design.title,
        subtitle=design.subtitle,
        fields=fields,
        body=design.body.format(name=holder.name, occupation=occupation),
        seals=(SealSpec(issuer.name, "证书专用章"),),
        qr_payload=f"https://{design.qr_host}/verify?no={serial}" if design.qr_host else None,
        footer=design.footer,
        bilingual=any(label.label_en for label in design.labels),
    )


def sized(text: str, role: FontRole, size: int, room: float) -> int:
    """``size``, shrunk until ``text`` fits ``room`` pixels."""
    return fit_font_size(text, role, size, room)


def centred(text: str, x: float, y: float, role: FontRole, size: int, fill: RGB, room: float,
            key: str | None = None) -> Text:
    """A line centred on ``x`` at baseline ``y``, shrunk to fit ``room``."""
    return Text(text, (x, y), role, sized(text, role, size, room), fill, "ms", key)


def line_width(text: str, role: FontRole, size: int) -> float:
    return text_width(text, role, size)


def template_yaml(design: NewDesign, reference: str = "reference.png") -> str:
    """The ``template.yaml`` a new user writes for ``design`` (CONTRACT.md section 4), as text."""
    serial = design.label("serial_number")
    lines = [
        f"id: {design.template_id}",
        f"name: {design.title}（{design.name}）",
        f"kind: {design.kind.value}",
        f"title: {design.title}",
        f"reference_image: {reference}",
        "issuer_code: null",
        "serial:",
        f"  label: {serial.label if serial else '证书编号'}",
        f"  pattern: '{design.serial_pattern}'",
        "fields:",
    ]
    for label in design.labels:
        aliases = [a for a in (label.label_en, *label.aliases) if a]
        alias = f", aliases: [{', '.join(aliases)}]" if aliases else ""
        lines.append(f"  - {{key: {label.key}, label: {label.label}{alias}}}")
    phrases = [design.title, design.title.removesuffix("证书")] if design.kind.is_official else []
    lines.append(f"allowed_phrases: [{', '.join(phrases)}]")
    lines += ["marks:", "  emblem: forbidden", "  seal: required"]
    if design.qr_host:
        lines += ["  qr:", "    required: true", f"    domains: [{design.qr_host.split('/')[0]}]"]
    return "\n".join(lines) + "\n"


def issuers_csv(designs: tuple[NewDesign, ...]) -> str:
    """The issuer registry CSV of ``designs`` (CONTRACT.md section 5)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["code", "name", "kind", "status", "occupations", "aliases", "uscc", "registered_on"])
    seen: set[str] = set()
    for design in designs:
        for row in design.issuers:
            if row.code in seen:
                continue
            seen.add(row.code)
            writer.writerow([row.code, row.name, row.kind, row.status, ";".join(row.occupations), "", "", "2021-06-01"])
    return out.getvalue()


def item_list(*groups: list[Item] | tuple[Item, ...]) -> tuple[Item, ...]:
    return tuple(item for group in groups for item in group)


def print_sheet(design: NewDesign, content: CertificateContent, rng: random.Random) -> SheetLayout:
    """``design``'s layout of ``content`` with the marks any content may carry: emblems behind the print
    and a tiled text watermark over it (what knock-offs add; a design's own drawing never does)."""
    sheet = with_emblems(design.layout(content, rng), content.emblems)
    if content.watermark:
        sheet = dataclasses.replace(sheet, items=(*sheet.items, Watermark(content.watermark, (200, 60, 60), 60)))
    return sheet

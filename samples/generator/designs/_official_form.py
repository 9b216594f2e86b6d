"""The printed form the government-issued designs share: title, 正文, photo, labelled rows, issuer block.

The old 国家职业资格证书 page, the 专项职业能力证书 and the 专业技术人员职业资格证书
are all forms of one issuing department: a centred title (with a line above it
where the real one prints one), a sentence of 证书正文, the holder's photo
beside one column of "label：value" rows, and the issuer and date at the bottom
right under the department's seal. What differs per design (wording, fields,
seal, footer) is content; the look (palette, faces, sizes, photo side) varies
by seed, and :func:`reference_style` is the plain look of a template's
reference image.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from samples.generator.content import CertificateContent, PrintedField
from samples.generator.designs._common import (
    Palette,
    RowStyle,
    addition_items,
    fit_value_size,
    label_items,
    label_width,
    paragraph_items,
    pick_portrait,
    value_item,
)
from samples.generator.fonts import FontRole, fit_font_size, text_width
from samples.generator.render import (
    Frame,
    Guilloche,
    Item,
    Line,
    Portrait,
    QrCode,
    Seal,
    SheetLayout,
    Text,
    Watermark,
    render_layout,
)

__all__ = [
    "SHEET_SIZE",
    "FormStyle",
    "SpreadRow",
    "SpreadStyle",
    "layout_form",
    "pick_form_style",
    "pick_spread_style",
    "reference_style",
    "reference_spread_style",
    "save_reference",
    "spread_background",
    "spread_row_items",
]

#: A4 landscape at about 171 dpi, as the skill-level design.
SHEET_SIZE = (2000, 1414)
_W, _H = SHEET_SIZE
_LEFT, _RIGHT = 160, 1840
_PHOTO = (200, 280)
_QR_SIDE = 180
#: Fields printed in the bottom-right block under the seal, not among the rows.
_BOTTOM_KEYS = ("issuer", "issue_date")
_PALETTES = (
    Palette(paper=(252, 250, 244), frame=(150, 40, 36), title=(150, 30, 28), pattern=(244, 230, 222)),
    Palette(paper=(250, 251, 252), frame=(30, 70, 128), title=(28, 40, 90), pattern=(226, 234, 244)),
    Palette(paper=(251, 250, 246), frame=(168, 134, 70), title=(40, 34, 30), pattern=(238, 230, 210)),
)
#: Colours kept in a reference PNG (as samples/render_reference.py does for the skill-level one).
_PALETTE_COLOURS = 64


@dataclass(frozen=True)
class FormStyle:
    """One certificate's look."""

    palette: Palette
    rows: RowStyle
    photo_left: bool
    title_size: int
    title_tracking: float


def pick_form_style(rng: random.Random, bilingual: bool = False) -> FormStyle:
    """A look drawn from the seed: palette, faces, sizes, colon, photo side (English labels when ``bilingual``)."""
    palette = rng.choice(_PALETTES)
    rows = RowStyle(
        label_role=rng.choice((FontRole.SERIF, FontRole.SANS)),
        label_size=rng.randrange(30, 35),
        # Not the AR PL 楷 face for values: RapidOCR reads some of its glyphs as traditional forms.
        value_role=rng.choice((FontRole.SERIF, FontRole.MING, FontRole.SANS)),
        value_size=rng.randrange(34, 40),
        colon=rng.random() < 0.7,
        bilingual=bilingual,
        # Never the red of a red palette: red labels beside the seal merge with its ring.
        label_color=rng.choice(((28, 26, 30), (60, 60, 64))),
    )
    return FormStyle(palette, rows, rng.random() < 0.75, rng.randrange(100, 118), rng.uniform(0.15, 0.45))


def reference_style(bilingual: bool = False) -> FormStyle:
    """The plain look of a template's reference image (labels with their English when ``bilingual``)."""
    palette = Palette(paper=(255, 255, 255), frame=(150, 40, 36), title=(40, 34, 30), pattern=(240, 232, 226))
    return FormStyle(palette, RowStyle(FontRole.SERIF, 32, FontRole.MING, 36, colon=True, bilingual=bilingual), True,
                     108, 0.3)


def _heading(content: CertificateContent, kicker: str, style: FormStyle) -> tuple[list[Item], float]:
    """Line above the title, the title, the lines under it; returns items and the heading's bottom."""
    items: list[Item] = []
    if kicker:
        size = fit_font_size(kicker, FontRole.SERIF, 44, 1400)
        items.append(Text(kicker, (_W / 2, 150), FontRole.SERIF, size, style.palette.title, "ms", tracking=0.2))
    title = content.title or ""
    size = fit_font_size(title, FontRole.TITLE, style.title_size, 1400, style.title_tracking)
    baseline = 275 if kicker else 215
    items.append(Text(title, (_W / 2, baseline), FontRole.TITLE, size, style.palette.title, "ms", "title",
                      style.title_tracking))
    bottom = float(baseline + 10)
    for line in (content.subtitle, *content.header):
        if line:
            bottom += 52
            items.append(Text(line, (_W / 2, bottom), FontRole.SERIF, 34, style.palette.title, "ms"))
    items.extend(addition_items(content.additions, _RIGHT, 112, style.palette.title))
    return items, bottom


def _rows(fields: list[PrintedField], style: FormStyle, area: tuple[float, float, float, float]) -> list[Item]:
    """One column of label/value rows in ``area`` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = area
    label_column = max(label_width(f, style.rows) for f in fields) + 0.6 * style.rows.label_size
    value_size = fit_value_size([f.value for f in fields], style.rows.value_role, style.rows.value_size,
                                x1 - x0 - label_column - 20)
    rows = dataclasses.replace(style.rows, value_size=value_size)
    pitch = min(96.0, (y1 - y0) / len(fields))
    items: list[Item] = []
    for i, field in enumerate(fields):
        baseline = y0 + (i + 0.7) * pitch
        items.extend(label_items(field, x0, baseline, rows))
        items.append(value_item(field, (x0 + label_column, baseline), rows))
    return items


def _issuer_block(content: CertificateContent, style: FormStyle, rng: random.Random) -> list[Item]:
    """Issuer and date right-aligned at the bottom, the seal pressed to their left, clear of the values.

    A seal crossing a printed line makes RapidOCR drop the whole line, and the
    samples must stay readable (as in the skill-level design).
    """
    fields = [f for key in _BOTTOM_KEYS if (f := content.field(key)) is not None]
    rows = style.rows
    items: list[Item] = []
    baseline = 1150.0
    left_edge = float(_RIGHT)
    for field in fields:
        label = field.label + ("：" if rows.colon else "")
        value_width = text_width(field.value, rows.value_role, rows.value_size)
        x_value = _RIGHT - value_width
        x_label = x_value - text_width(label, rows.label_role, rows.label_size) - 8
        items.append(Text(label, (x_label, baseline), rows.label_role, rows.label_size, rows.label_color))
        items.append(value_item(field, (x_value, baseline), rows))
        left_edge = min(left_edge, x_label)
        baseline += 2.3 * rows.value_size
    if content.seals:
        radius = rng.randrange(118, 132)
        center = (left_edge - radius - rng.uniform(20, 50), 1110 + rng.uniform(-15, 15))
        items.append(Seal(center, radius, content.seals[0], rng.uniform(-20, 20), rng.randrange(1 << 30),
                          rng.uniform(0.82, 0.95)))
    for spec in content.seals[1:]:
        items.append(Seal((_LEFT + 520, 1120), 120, spec, rng.uniform(-20, 20), rng.randrange(1 << 30)))
    return items


def layout_form(content: CertificateContent, rng: random.Random, kicker: str = "", style: FormStyle | None = None,
                ) -> SheetLayout:
    """Lay ``content`` out as a government form on an A4 landscape sheet.

    Args:
        content: what to print (any content a variant produced).
        rng: draws the look unless ``style`` is given, and the seal's placement.
        kicker: a line printed above the title (e.g. 中华人民共和国), or empty.
        style: a fixed look, e.g. :func:`reference_style`.
    """
    style = style or pick_form_style(rng)
    items: list[Item] = [Guilloche((_W / 2, _H / 2 + 40), 540, style.palette.pattern, petals=12)]
    if content.watermark:
        items.append(Watermark(content.watermark, style.palette.title))
    items.append(Frame(margin=42, fill=style.palette.frame, width=8, gap=10, ornament=56))
    heading, bottom = _heading(content, kicker, style)
    items.extend(heading)
    body, body_end = paragraph_items(content.body, (_LEFT + 40, bottom + 85), FontRole.SERIF, 34, _RIGHT - _LEFT - 80)
    items.extend(body)
    top = body_end + 50
    photo_x = _LEFT + 20 if style.photo_left else _RIGHT - _PHOTO[0] - 20
    id_number = content.field("id_number")
    # The 17th digit of an 18-digit ID number is odd for a man (GB 11643).
    is_male = id_number is not None and len(id_number.value) == 18 and id_number.value[16] in "13579"
    items.append(Portrait((photo_x, round(top), photo_x + _PHOTO[0], round(top) + _PHOTO[1]),
                          pick_portrait(rng, is_male)))
    x0 = photo_x + _PHOTO[0] + 80 if style.photo_left else _LEFT + 20
    x1 = _RIGHT if style.photo_left else photo_x - 60
    fields = [f for f in content.fields if f.key not in _BOTTOM_KEYS]
    if fields:
        items.extend(_rows(fields, style, (x0, top, x1, 1040.0)))
    items.extend(_issuer_block(content, style, rng))
    footer_x = _LEFT + 20
    if content.qr_payload:
        # The query code bottom left, the footer's query lines beside it (the 1+X design).
        items.append(QrCode((_LEFT + 20, 1090), _QR_SIDE, content.qr_payload))
        footer_x += _QR_SIDE + 30
    for i, line in enumerate(content.footer):
        size = fit_font_size(line, FontRole.SANS, 26, 900)
        items.append(Text(line, (footer_x, 1250 + 44 * i), FontRole.SANS, size, (60, 60, 64)))
    return SheetLayout(SHEET_SIZE, style.palette.paper, tuple(items), grain_seed=rng.randrange(1 << 30))


# --- booklet spreads -----------------------------------------------------------------------------------------
# The government booklets (国家职业资格证书, 专项职业能力证书) are photographed open: two pages side by side, the
# fold in the middle, labels printed on the form and values filled in on underlines. Positions are given in
# normalised sheet coordinates (x / width, y / height of the spread) and measured by hand on the genuine
# booklets of the development set (each design module names its files).


@dataclass(frozen=True)
class SpreadStyle:
    """One booklet's look: paper, ink, faces; the places of the blocks are the design's, fixed."""

    paper: tuple[int, int, int]
    label_ink: tuple[int, int, int]
    label_role: FontRole
    value_role: FontRole
    value_ink: tuple[int, int, int]
    underline: bool


@dataclass(frozen=True)
class SpreadRow:
    """One printed field of a booklet page: its label (Chinese, then English under it) and its value's line.

    Attributes:
        key: the field key (the content's :class:`PrintedField`).
        label_xy: left edge and top of the Chinese label (normalised).
        label_size: Chinese label size in pixels (the English is :attr:`english_size`).
        value_x: where the value starts (normalised), on the Chinese label's baseline unless ``value_dy``.
        line: the underline's x range (normalised), drawn under the English label's baseline.
        value_dy: the value's baseline below the Chinese label's, in sheet heights.
    """

    key: str
    label_xy: tuple[float, float]
    label_size: int
    value_x: float
    line: tuple[float, float]
    english_size: int = 30
    value_size: int = 40
    value_dy: float = 0.03
    tracking: float = 0.15


_PAPERS = ((247, 244, 246), (244, 246, 248), (248, 246, 240))


def pick_spread_style(rng: random.Random) -> SpreadStyle:
    """A look drawn from the seed."""
    return SpreadStyle(
        paper=rng.choice(_PAPERS),
        label_ink=rng.choice(((30, 30, 34), (50, 46, 48))),
        label_role=rng.choice((FontRole.SERIF, FontRole.SERIF, FontRole.SANS)),
        value_role=rng.choice((FontRole.SERIF, FontRole.MING, FontRole.SANS)),
        value_ink=rng.choice(((20, 20, 24), (34, 34, 60))),
        underline=rng.random() < 0.85,
    )


def reference_spread_style() -> SpreadStyle:
    """The plain look of a booklet template's reference image."""
    return SpreadStyle((255, 255, 255), (30, 30, 34), FontRole.SERIF, FontRole.MING, (20, 20, 24), True)


def spread_background(style: SpreadStyle, watermark: str = "") -> list[Item]:
    """The fold between the two pages (its stitching) and the paper's faint pattern."""
    x = 0.503 * _W
    items: list[Item] = [Guilloche((_W * 0.25, _H * 0.5), 420, _shade(style.paper, 10), petals=10),
                         Guilloche((_W * 0.75, _H * 0.5), 420, _shade(style.paper, 10), petals=10)]
    if watermark:
        items.append(Watermark(watermark, style.label_ink))
    items.append(Line((x, 0.0), (x, float(_H)), _shade(style.paper, 40), 3))
    items.extend(Line((x, y), (x, y + 14.0), _shade(style.paper, 90), 3) for y in range(20, _H - 20, 46))
    return items


def _shade(colour: tuple[int, int, int], by: int) -> tuple[int, int, int]:
    return (max(0, colour[0] - by), max(0, colour[1] - by), max(0, colour[2] - by))


def spread_row_items(field: PrintedField | None, row: SpreadRow, style: SpreadStyle) -> list[Item]:
    """The label (Chinese over English), the value on its line, and the line, for one booklet field."""
    if field is None:
        return []
    x, top = row.label_xy[0] * _W, row.label_xy[1] * _H
    baseline = top + 0.92 * row.label_size
    items: list[Item] = [Text(field.label, (x, baseline), style.label_role, row.label_size, style.label_ink,
                              tracking=row.tracking)]
    english_baseline = baseline + 1.15 * row.english_size
    if field.label_en:
        items.append(Text(field.label_en, (x, english_baseline), style.label_role, row.english_size, style.label_ink))
    x0, x1 = row.line[0] * _W, row.line[1] * _W
    value_x = row.value_x * _W
    size = min(row.value_size, fit_font_size(field.value, style.value_role, row.value_size, x1 - value_x))
    items.append(Text(field.value, (value_x, baseline + row.value_dy * _H), style.value_role, size, style.value_ink,
                      key=field.key))
    if style.underline:
        y = english_baseline + 8 if field.label_en else baseline + row.value_dy * _H + 10
        items.append(Line((x0, y), (x1, y), style.label_ink, 2))
    return items


def save_reference(layout: SheetLayout, path: Path) -> Path:
    """Render ``layout`` flat (no paper grain) and write it as a palette PNG to ``path``."""
    pixels = render_layout(dataclasses.replace(layout, grain=0.0)).pixels[:, :, ::-1]
    image = Image.fromarray(pixels).quantize(
        colors=_PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)
    return path


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
from samples.generator.render import Frame, Guilloche, Item, Portrait, Seal, SheetLayout, Text, Watermark, render_layout

__all__ = ["SHEET_SIZE", "FormStyle", "layout_form", "pick_form_style", "reference_style", "save_reference"]

#: A4 landscape at about 171 dpi, as the skill-level design.
SHEET_SIZE = (2000, 1414)
_W, _H = SHEET_SIZE
_LEFT, _RIGHT = 160, 1840
_PHOTO = (200, 280)
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


def pick_form_style(rng: random.Random) -> FormStyle:
    """A look drawn from the seed: palette, faces, sizes, colon, photo side."""
    palette = rng.choice(_PALETTES)
    rows = RowStyle(
        label_role=rng.choice((FontRole.SERIF, FontRole.SANS)),
        label_size=rng.randrange(30, 35),
        # Not the AR PL 楷 face for values: RapidOCR reads some of its glyphs as traditional forms.
        value_role=rng.choice((FontRole.SERIF, FontRole.MING, FontRole.SANS)),
        value_size=rng.randrange(34, 40),
        colon=rng.random() < 0.7,
        bilingual=False,
        # Never the red of a red palette: red labels beside the seal merge with its ring.
        label_color=rng.choice(((28, 26, 30), (60, 60, 64))),
    )
    return FormStyle(palette, rows, rng.random() < 0.75, rng.randrange(100, 118), rng.uniform(0.15, 0.45))


def reference_style() -> FormStyle:
    """The plain look of a template's reference image."""
    palette = Palette(paper=(255, 255, 255), frame=(150, 40, 36), title=(40, 34, 30), pattern=(240, 232, 226))
    return FormStyle(palette, RowStyle(FontRole.SERIF, 32, FontRole.MING, 36, colon=True, bilingual=False), True,
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
    for i, line in enumerate(content.footer):
        size = fit_font_size(line, FontRole.SANS, 26, 900)
        items.append(Text(line, (_LEFT + 20, 1250 + 44 * i), FontRole.SANS, size, (60, 60, 64)))
    return SheetLayout(SHEET_SIZE, style.palette.paper, tuple(items), grain_seed=rng.randrange(1 << 30))


def save_reference(layout: SheetLayout, path: Path) -> Path:
    """Render ``layout`` flat (no paper grain) and write it as a palette PNG to ``path``."""
    pixels = render_layout(dataclasses.replace(layout, grain=0.0)).pixels[:, :, ::-1]
    image = Image.fromarray(pixels).quantize(
        colors=_PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, optimize=True)
    return path


"""Layout pieces shared by the designs: palettes, label/value rows, paragraphs, dates, portraits."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from samples.generator.content import PrintedField
from samples.generator.fonts import FontRole, fit_font_size, load_font, text_width
from samples.generator.marks import PortraitSpec
from samples.generator.render import INK, Text

__all__ = [
    "FIRST_ISSUE_DATE",
    "addition_items",
    "LAST_ISSUE_DATE",
    "Palette",
    "RowStyle",
    "fit_value_size",
    "label_items",
    "label_width",
    "paragraph_items",
    "pick_issue_date",
    "pick_portrait",
    "value_item",
    "wrap_text",
]

RGB = tuple[int, int, int]

#: The reference style dates from 人社鉴发〔2021〕1号 (2021-01-12); samples are issued after it.
FIRST_ISSUE_DATE = dt.date(2021, 3, 1)
#: A fixed last date, so that the corpus does not change with the day it is generated.
LAST_ISSUE_DATE = dt.date(2025, 6, 30)


@dataclass(frozen=True)
class Palette:
    """The colours of one printed design."""

    paper: RGB
    frame: RGB
    title: RGB
    pattern: RGB


def pick_issue_date(rng: random.Random, not_before: dt.date = FIRST_ISSUE_DATE) -> dt.date:
    """A working-day issue date between ``not_before`` (or the first sample date) and the last sample date."""
    start = max(not_before + dt.timedelta(days=30), FIRST_ISSUE_DATE)
    date = start + dt.timedelta(days=rng.randrange((LAST_ISSUE_DATE - start).days + 1))
    while date.weekday() >= 5:
        date -= dt.timedelta(days=1)
    return date


def pick_portrait(rng: random.Random, is_male: bool) -> PortraitSpec:
    """A random look for the placeholder ID photo."""
    skin = rng.choice(((236, 200, 170), (226, 186, 152), (214, 170, 134), (240, 208, 182)))
    hair = rng.choice(((24, 22, 22), (40, 32, 28), (58, 44, 36)))
    jacket = rng.choice(((30, 38, 60), (28, 28, 32), (70, 72, 78), (250, 250, 250), (40, 60, 110)))
    shirt = (240, 240, 244) if jacket[0] < 200 else (40, 50, 80)
    return PortraitSpec(
        skin=skin,
        hair=hair,
        jacket=jacket,
        shirt=shirt,
        long_hair=(not is_male) and rng.random() < 0.7,
        head_width=rng.uniform(0.5, 0.58),
        head_tilt=rng.uniform(-0.02, 0.02),
    )


@dataclass(frozen=True)
class RowStyle:
    """How labels and values are typeset on one certificate.

    Attributes:
        label_role: typeface of the printed labels (the form).
        label_size: label size in pixels.
        value_role: typeface of the filled-in values (仿宋 stand-in).
        value_size: value size in pixels.
        colon: whether labels end in a full-width colon "：".
        bilingual: whether labels carry their English translation.
        label_color: ink of the labels.
        value_color: ink of the values.
    """

    label_role: FontRole
    label_size: int
    value_role: FontRole
    value_size: int
    colon: bool
    bilingual: bool
    label_color: RGB = INK
    value_color: RGB = INK

    @property
    def english_size(self) -> int:
        return max(12, round(self.label_size * 0.62))


def _label_parts(field: PrintedField, style: RowStyle) -> list[tuple[str, int, float]]:
    """The label's pieces as ``(text, size, gap_before)``: the Chinese label, then the smaller English one.

    The colon ends the last piece: "：" after Chinese, ":" after English.
    """
    if not (style.bilingual and field.label_en):
        return [(field.label + ("：" if style.colon else ""), style.label_size, 0.0)]
    english = field.label_en + (":" if style.colon else "")
    return [(field.label, style.label_size, 0.0), (english, style.english_size, 0.3 * style.label_size)]


def label_width(field: PrintedField, style: RowStyle) -> float:
    """Width in pixels of the field's printed label (0 for an unlabelled field)."""
    if not field.label:
        return 0.0
    return sum(gap + text_width(text, style.label_role, size) for text, size, gap in _label_parts(field, style))


def label_items(field: PrintedField, x: float, baseline: float, style: RowStyle) -> list[Text]:
    """The label of ``field`` printed from ``x`` on ``baseline``."""
    items = []
    for text, size, gap in _label_parts(field, style) if field.label else []:
        x += gap
        items.append(Text(text, (x, baseline), style.label_role, size, style.label_color))
        x += text_width(text, style.label_role, size)
    return items


def value_item(field: PrintedField, xy: tuple[float, float], style: RowStyle, anchor: str = "ls") -> Text:
    """The value of ``field`` at ``xy``, tagged with the field's key so its box lands in the truth."""
    return Text(field.value, xy, style.value_role, style.value_size, style.value_color, anchor=anchor, key=field.key)


def fit_value_size(values: Sequence[str], role: FontRole, size: int, max_width: float) -> int:
    """The largest size up to ``size`` at which every value fits in ``max_width``."""
    return min((fit_font_size(value, role, size, max_width) for value in values), default=size)


def wrap_text(text: str, role: FontRole, size: int, max_width: float, first_indent: float = 0.0) -> list[str]:
    """Break Chinese running text into lines no wider than ``max_width`` (any character may end a line).

    The first line is ``first_indent`` pixels narrower; closing punctuation is
    kept on the line before it, as Chinese typesetting requires.
    """
    font = load_font(role, size)
    lines: list[str] = []
    line = ""
    for char in text:
        limit = max_width - (first_indent if not lines else 0.0)
        if line and font.getlength(line + char) > limit and char not in "，。、；：）》”":
            lines.append(line)
            line = ""
        line += char
    if line:
        lines.append(line)
    return lines


def paragraph_items(
    text: str, xy: tuple[float, float], role: FontRole, size: int, max_width: float, leading: float = 1.7
) -> tuple[list[Text], float]:
    """A wrapped paragraph whose first line is indented two characters; returns the items and the last baseline."""
    x, baseline = xy
    items = []
    for i, line in enumerate(wrap_text(text, role, size, max_width, first_indent=2 * size)):
        if i:
            baseline += size * leading
        items.append(Text(line, (x + (2 * size if i == 0 else 0), baseline), role, size))
    return items, baseline


def addition_items(additions: Sequence[str], right: float, baseline: float, color: RGB) -> list[Text]:
    """Added wording (a knock-off's extra lines) right-aligned in the top margin, one line each."""
    return [
        Text(text, (right, baseline + 40 * i), FontRole.SANS_BOLD, 28, color, "rs") for i, text in enumerate(additions)
    ]

"""Where characters of an OCR line lie along its box: width-weighted, not at an even pitch.

An OCR line comes with one quad for the whole line; evidence about some of its
characters (a forbidden word, one pasted name) needs a box around those
characters only. Slicing the quad at an even pitch (character ``i`` of ``n``
at ``i / n`` of the width) is right for a line of Chinese only: Latin letters,
digits and punctuation are set at about half a Chinese character's width, so on
a mixed line (``证书编号：CQU-SRTP-20230724 培训合格``, the serial and date lines
of nearly every certificate) an even pitch puts a box on the Chinese word up to
half a word away from it. Rendered in Noto Sans CJK and read by the project's
OCR, the even pitch put the box of 培训合格 at x 810-919 where the glyphs are at
753-913 (it covers 64 % of the word); weighted by :func:`char_advance` the box
is 755-919 (98 %).

Advances are shares of a Chinese character's width: East Asian wide and
fullwidth characters (``unicodedata.east_asian_width`` ``W`` / ``F``,
which includes the fullwidth colon and brackets) 1.0; a space 0.3; anything
else (Latin, digits, ASCII punctuation) 0.55, the mean advance of Latin
letters and digits in the CJK fonts certificates use.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from certcheck.types import Point, Quad

__all__ = ["char_advance", "span_fractions", "span_sub_quad"]

_WIDE = 1.0
_SPACE = 0.3
_NARROW = 0.55


def char_advance(ch: str) -> float:
    """A character's advance as a share of a Chinese character's.

    >>> char_advance("培"), char_advance("："), char_advance("7"), char_advance(" ")
    (1.0, 1.0, 0.55, 0.3)
    """
    if ch.isspace():
        return _SPACE
    return _WIDE if unicodedata.east_asian_width(ch) in ("W", "F") else _NARROW


def span_fractions(text: str, start: int, end: int) -> tuple[float, float]:
    """Where characters ``[start, end)`` of ``text`` begin and end, as fractions of the line's width.

    Raises:
        ValueError: the span is empty or outside ``text``.

    >>> span_fractions("培训合格", 2, 4)
    (0.5, 1.0)
    >>> [round(f, 3) for f in span_fractions("编号：A1 合格", 6, 8)]
    [0.688, 1.0]
    """
    if not 0 <= start < end <= len(text):
        raise ValueError(f"span [{start}, {end}) is not inside a text of {len(text)} characters")
    advances = [char_advance(ch) for ch in text]
    total = sum(advances)
    return sum(advances[:start]) / total, sum(advances[:end]) / total


def span_sub_quad(quad: Sequence[Point], text: str, start: int, end: int) -> Quad:
    """The part of a line's quad (clockwise from the top-left, along the text) holding characters ``[start, end)``.

    >>> span_sub_quad(((0, 0), (100, 0), (100, 10), (0, 10)), "培训合格", 1, 3)
    ((25.0, 0.0), (75.0, 0.0), (75.0, 10.0), (25.0, 10.0))
    """
    t0, t1 = span_fractions(text, start, end)
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad

    def along(a: tuple[float, float], b: tuple[float, float], t: float) -> Point:
        return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)

    top = (along((x0, y0), (x1, y1), t0), along((x0, y0), (x1, y1), t1))
    bottom = (along((x3, y3), (x2, y2), t1), along((x3, y3), (x2, y2), t0))
    return (top[0], top[1], bottom[0], bottom[1])

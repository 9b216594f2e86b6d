"""Group OCR lines into visual rows, so labels split across boxes can be read.

OCR splits letter-spaced labels (``姓　　名``) and label/value pairs into
separate boxes. A :class:`Row` is the boxes whose vertical centres lie on one
printed line, left to right, with a character-to-box map so a match inside the
row's text can be traced back to the boxes (and their pixels) it came from.
All geometry is in work space.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from certcheck.types import OcrLine, Quad
from ocr.text import compact

__all__ = ["Row", "group_rows", "rows_of", "union_quad"]


def union_quad(lines: Sequence[OcrLine]) -> Quad:
    """Axis-aligned quad around several lines (work space)."""
    x0 = min(line.bbox[0] for line in lines)
    y0 = min(line.bbox[1] for line in lines)
    x1 = max(line.bbox[2] for line in lines)
    y1 = max(line.bbox[3] for line in lines)
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


@dataclass(frozen=True)
class Row:
    """Boxes on one printed line, left to right.

    ``text`` is the concatenation of each box's :func:`~ocr.text.compact` text;
    ``owner[i]`` is the index in ``lines`` of the box that character ``i`` came from.
    """

    lines: tuple[OcrLine, ...]
    text: str
    owner: tuple[int, ...]

    def lines_for_span(self, start: int, end: int) -> tuple[OcrLine, ...]:
        """The boxes that characters ``start:end`` of :attr:`text` came from."""
        indices = sorted(set(self.owner[start:end]))
        return tuple(self.lines[i] for i in indices)

    def box_start(self, index: int) -> int:
        """Offset in :attr:`text` where box ``index`` begins (its end if the box has no text)."""
        return next((pos for pos, owner in enumerate(self.owner) if owner >= index), len(self.text))

    @property
    def height(self) -> float:
        return max(line.height for line in self.lines)


def _same_row(a: OcrLine, b: OcrLine) -> bool:
    # Two boxes share a row when their vertical centres are within half the
    # smaller box height: tolerant of slight skew, strict enough to keep
    # tightly spaced rows apart.
    tolerance = 0.5 * min(a.height, b.height)
    return abs(a.center[1] - b.center[1]) <= tolerance


def group_rows(lines: Sequence[OcrLine]) -> list[Row]:
    """Group lines into rows, top to bottom, each row sorted left to right.

    >>> from certcheck.types import OcrLine
    >>> def box(t, x, y): return OcrLine(t, ((x, y), (x + 40, y), (x + 40, y + 20), (x, y + 20)), 0.99)
    >>> [r.text for r in group_rows([box("名", 60, 101), box("姓", 0, 100), box("张三", 0, 150)])]
    ['姓名', '张三']
    """
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda ln: ln.center[1]):
        for row in rows:
            if any(_same_row(line, other) for other in row):
                row.append(line)
                break
        else:
            rows.append([line])
    return [_build_row(sorted(row, key=lambda ln: ln.bbox[0])) for row in rows]


def _build_row(lines: list[OcrLine]) -> Row:
    text_parts: list[str] = []
    owner: list[int] = []
    for index, line in enumerate(lines):
        part = compact(line.text)
        text_parts.append(part)
        owner.extend([index] * len(part))
    return Row(lines=tuple(lines), text="".join(text_parts), owner=tuple(owner))


def rows_of(lines: tuple[OcrLine, ...]) -> tuple[Row, ...]:
    """:func:`group_rows` for one page's lines, computed once however many readers ask.

    The field reader, the title finder, the template matcher (once per label)
    and the signature reader all walk the same rows of the same page. The
    cache is keyed on the lines' content (text, corners, confidence) and holds
    only the grouping, as positions in ``lines``: the rows handed back are
    always built from the caller's own line objects, so a reader that tells
    lines apart by identity (``id()``) sees this page's lines, never equal
    lines of an earlier page, and equal pages give equal rows in any order of
    checks and in any process.
    """
    return tuple(
        Row(lines=tuple(lines[i] for i in members), text=text, owner=owner)
        for members, text, owner in _grouping(lines)
    )


@lru_cache(maxsize=8)
def _grouping(lines: tuple[OcrLine, ...]) -> tuple[tuple[tuple[int, ...], str, tuple[int, ...]], ...]:
    position = {id(line): index for index, line in enumerate(lines)}
    return tuple(
        (tuple(position[id(line)] for line in row.lines), row.text, row.owner) for row in group_rows(lines)
    )


def line_angle_deg(line: OcrLine) -> float:
    """The direction of a box's top edge in degrees, -180 to 180 (0: left to right, y down is positive).

    >>> line_angle_deg(OcrLine("字", ((0.0, 0.0), (10.0, 10.0), (0.0, 20.0), (-10.0, 10.0)), 1.0))
    45.0
    """
    (x0, y0), (x1, y1) = line.quad[0], line.quad[1]
    return math.degrees(math.atan2(y1 - y0, x1 - x0))

"""Read label/value pairs off OCR lines, whatever the certificate's layout.

Certificates print ``姓名：张三`` in one box, ``姓名`` with the value to its right
or below it, letter-spaced labels that OCR splits (``姓`` ``名``), bilingual
labels (``姓名 Name``) and full-width colons. The extractor works on visual
rows (:mod:`ocr.layout`):

1. find every label occurrence in a row: at the start of a box, or anywhere
   when a colon follows it;
2. the value is the row text after the label up to the next label;
3. when that is empty, the value is the nearest box below the label;
4. each candidate value must look like a value of its field (a level names a
   level, a date parses...), which keeps the title ``职业技能等级证书`` from being
   read as the label ``职业技能等级`` with value ``证书``.

Labels come from data: the matched template's ``fields`` or the generic label
table; this module knows no label itself. All boxes are in work space.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from certcheck.types import FieldValue, OcrLine, OcrResult
from ocr.dates import parse_printed_date
from ocr.layout import Row, rows_of, union_quad
from ocr.text import compact, fix_digit_confusions

__all__ = ["LabelSet", "extract_fields", "find_label", "find_title"]

#: ``key -> printed labels`` (first is the main label, the rest aliases).
LabelSet = Mapping[str, Sequence[str]]

# OCR reads a colon as a semicolon often enough that both count after a label.
_COLONS = ":：;；"
_SEPARATORS = " /|·-_、"
_ID_RUN = re.compile(r"[0-9Xx*]{15,18}")
# A serial may carry inner separators as printed ("NX2023-3692"); the rules
# strip them before comparing with a registered pattern.
_SERIAL_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|[-/](?=[A-Za-z0-9])){4,}")
_LEVEL_WORDS = re.compile(r"[一二三四五12345]级|技师|初级|中级|高级|[一二三]等|级别|工$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# An English label as OCR reads it: letters, spaces, dots, slashes, maybe a
# bracketed code like "(01)"; never a run of three digits (a value).
_TRANSLATION = re.compile(r"(?=.*[A-Za-z])(?!.*\d{3})[A-Za-z0-9 .'/()\-]+[:：;；]?")

#: A value printed right after its label with no colon ("姓名张三") is at most
#: this long and has no sentence punctuation; longer runs are body text.
MAX_GLUED_VALUE_CHARS = 24
_SENTENCE_MARKS = "，。；！？,;!?"

#: Fewest digits a printed serial number has.
MIN_SERIAL_DIGITS = 3

#: How far right of its label (in label heights) a value may start.
MAX_RIGHT_GAP_HEIGHTS = 8.0

#: How far below a label (in label heights) its value may be printed.
MAX_BELOW_GAP_HEIGHTS = 2.5


@dataclass(frozen=True)
class _Occurrence:
    key: str
    start: int
    end: int  # after the label and any separators/colon
    colon: bool


def _clean_value(key: str, raw: str) -> str | None:
    """The value of ``key`` inside ``raw``, or ``None`` when it does not look like one."""
    value = raw.strip(_SEPARATORS + _COLONS)
    if not value:
        return None
    return _VALUE_READERS.get(key, _read_text_value)(value)


def _looks_like_sentence(text: str) -> bool:
    return len(text) > MAX_GLUED_VALUE_CHARS or any(mark in text for mark in _SENTENCE_MARKS)


def _read_text_value(value: str) -> str | None:
    return value if len(value) <= 60 else None


def _read_name(value: str) -> str | None:
    # Han names are 2-4 characters; minority and foreign names run longer with "·".
    if any(ch.isdigit() for ch in value) or "证书" in value or len(value) > 24:
        return None
    if any(mark in value for mark in _SENTENCE_MARKS):
        return None
    return value


def _read_id_number(value: str) -> str | None:
    match = _ID_RUN.search(fix_digit_confusions(value.replace("＊", "*")))
    return match.group(0).upper() if match else None


def _read_serial(value: str) -> str | None:
    # Every certificate numbering scheme carries digits; a letters-only token is
    # a misread label, not a serial.
    for match in _SERIAL_TOKEN.finditer(value):
        if sum(ch.isdigit() for ch in match.group(0)) >= MIN_SERIAL_DIGITS:
            return match.group(0)
    return None


def _read_date(value: str) -> str | None:
    parsed = parse_printed_date(value)
    return parsed.isoformat() if parsed else None


def _read_level(value: str) -> str | None:
    return value if _LEVEL_WORDS.search(value) and len(value) <= 20 else None


def _read_org(value: str) -> str | None:
    return value if len(_HAN.findall(value)) >= 4 and len(value) <= 60 else None


_VALUE_READERS: dict[str, Callable[[str], str | None]] = {
    "holder_name": _read_name,
    "id_number": _read_id_number,
    "serial_number": _read_serial,
    "issue_date": _read_date,
    "level": _read_level,
    "issuer": _read_org,
}


def _skip_separators(text: str, pos: int) -> tuple[int, bool]:
    colon = False
    while pos < len(text) and (text[pos] in _SEPARATORS or text[pos] in _COLONS):
        colon = colon or text[pos] in _COLONS
        pos += 1
    return pos, colon


def _labels_by_length(labels: LabelSet) -> list[tuple[str, str]]:
    pairs = [(key, compact(label)) for key, names in labels.items() for label in names]
    return sorted(pairs, key=lambda pair: -len(pair[1]))


def _match_at(row: Row, pos: int, ordered: list[tuple[str, str]]) -> _Occurrence | None:
    text = row.text
    for key, label in ordered:
        if not text.startswith(label, pos) and not text[pos:pos + len(label)].lower() == label.lower():
            continue
        end, colon = _skip_separators(text, pos + len(label))
        # A bilingual label: "姓名/Name：" — swallow the alias of the same key.
        for other_key, alias in ordered:
            if other_key == key and text[end:end + len(alias)].lower() == alias.lower() and alias != label:
                end, more_colon = _skip_separators(text, end + len(alias))
                colon = colon or more_colon
                break
        if _HAN.search(label):
            end, colon = _skip_translation(row, pos + len(label) - 1, end, colon)
        return _Occurrence(key=key, start=pos, end=end, colon=colon)
    return None


def _skip_translation(row: Row, label_last: int, end: int, colon: bool) -> tuple[int, bool]:
    """Skip the rest of the label's own box when it is the label's English translation.

    Bilingual certificates print a small English label after the Chinese one
    ("证书编号 Certificate No."), which OCR often garbles ("CertifcatrNo") so
    that no alias matches it. Latin text that fills the rest of the label's box
    and holds no digits run is that translation, never the value.
    """
    box_end = row.box_start(row.owner[label_last] + 1)
    rest = row.text[end:box_end]
    if rest and _TRANSLATION.fullmatch(rest):
        end, more_colon = _skip_separators(row.text, box_end)
        return end, colon or more_colon
    return end, colon


def _occurrences(row: Row, ordered: list[tuple[str, str]]) -> list[_Occurrence]:
    """Label occurrences in a row, left to right, non-overlapping."""
    box_starts = {row.box_start(i) for i in range(len(row.lines)) if compact(row.lines[i].text)}
    found: list[_Occurrence] = []
    pos = 0
    while pos < len(row.text):
        occurrence = _match_at(row, pos, ordered)
        if occurrence and (pos in box_starts or occurrence.colon):
            found.append(occurrence)
            pos = occurrence.end
        else:
            pos += 1
    return found


def _value_below(label_lines: Sequence[OcrLine], lines: Sequence[OcrLine], taken: set[int]) -> OcrLine | None:
    """The nearest box below the label, left-aligned with it and not yet used."""
    quad = union_quad(label_lines)
    x0, y1 = quad[0][0], quad[2][1]
    x1 = quad[1][0]
    height = max(line.height for line in label_lines)
    best: tuple[float, OcrLine] | None = None
    for line in lines:
        lx0, ly0, lx1, _ = line.bbox
        if id(line) in taken or ly0 < y1 - 0.3 * height:
            continue
        gap = ly0 - y1
        overlaps = lx0 <= x1 + height and lx1 >= x0 - height
        if gap <= MAX_BELOW_GAP_HEIGHTS * height and overlaps and (best is None or gap < best[0]):
            best = (gap, line)
    return best[1] if best else None


def extract_fields(ocr: OcrResult, labels: LabelSet) -> dict[str, FieldValue]:
    """Read every labelled field found on the page.

    Args:
        ocr: the page's OCR lines (work space).
        labels: printed labels per field key, e.g. ``{"holder_name": ["姓名", "Name"]}``.

    Returns:
        ``key -> FieldValue`` for the fields found; a key that is absent was not
        printed or not readable (never guessed). The first readable occurrence
        of a key, top to bottom, wins.
    """
    ordered = _labels_by_length(labels)
    rows = rows_of(ocr.lines)
    label_line_ids: set[int] = set()
    pending: list[tuple[_Occurrence, Row, int]] = []
    for row in rows:
        occurrences = _occurrences(row, ordered)
        for index, occurrence in enumerate(occurrences):
            next_start = occurrences[index + 1].start if index + 1 < len(occurrences) else len(row.text)
            pending.append((occurrence, row, min(next_start, _far_box_start(row, occurrence))))
            label_line_ids.update(id(line) for line in row.lines_for_span(occurrence.start, occurrence.end))
    found: dict[str, FieldValue] = {}
    for occurrence, row, next_start in pending:
        if occurrence.key in found:
            continue
        value = _value_in_row(occurrence, row, next_start) or _value_from_below(
            occurrence, row, next_start, ocr.lines, label_line_ids
        )
        if value is not None:
            found[occurrence.key] = value
    return found


def _far_box_start(row: Row, occurrence: _Occurrence) -> int:
    """Where the first box too far right of the label to be its value begins.

    A row can hold another column's text (a query URL beside 发证日期): a value
    is printed within a few label heights of its label, never across the sheet.
    """
    label_lines = row.lines_for_span(occurrence.start, occurrence.end)
    right = max(line.bbox[2] for line in label_lines)
    height = max(line.height for line in label_lines)
    for index, line in enumerate(row.lines):
        if line.bbox[0] - right > MAX_RIGHT_GAP_HEIGHTS * height and row.box_start(index) >= occurrence.end:
            return row.box_start(index)
    return len(row.text)


def _value_in_row(occurrence: _Occurrence, row: Row, next_start: int) -> FieldValue | None:
    raw = row.text[occurrence.end:next_start]
    if not occurrence.colon and _looks_like_sentence(raw):
        # "持证人经评价，达到……" is body text that starts with a label word, not a field.
        return None
    value = _clean_value(occurrence.key, raw)
    if value is None:
        return None
    lines = row.lines_for_span(occurrence.end, next_start)
    return FieldValue(
        key=occurrence.key,
        value=value,
        quad=union_quad(lines),
        confidence=min(line.confidence for line in lines),
    )


def _value_from_below(
    occurrence: _Occurrence, row: Row, next_start: int, lines: Sequence[OcrLine], label_line_ids: set[int]
) -> FieldValue | None:
    # Only a label with nothing after it (up to the next label of a two-column
    # layout, or the row's end) looks below.
    if row.text[occurrence.end:next_start].strip():
        return None
    label_lines = row.lines_for_span(occurrence.start, occurrence.end)
    below = _value_below(label_lines, lines, label_line_ids)
    if below is None:
        return None
    value = _clean_value(occurrence.key, compact(below.text))
    if value is None:
        return None
    return FieldValue(key=occurrence.key, value=value, quad=below.quad, confidence=below.confidence)


def find_title(ocr: OcrResult, page_height: int) -> FieldValue | None:
    """The certificate's title: the tallest text row in the top part of the page.

    Titles are printed far larger than the body; letter-spaced titles that OCR
    splits into several boxes are joined through their row. Rows must contain
    a Han character and at least three characters to count.
    """
    rows = [r for r in rows_of(ocr.lines) if len(_HAN.findall(r.text)) >= 3]
    if not rows:
        return None
    top = [r for r in rows if min(line.bbox[1] for line in r.lines) < 0.45 * page_height] or rows
    best = max(top, key=lambda r: (r.height, "证" in r.text))
    return FieldValue(
        key="title",
        value=best.text,
        quad=union_quad(best.lines),
        confidence=min(line.confidence for line in best.lines),
    )


def find_label(ocr: OcrResult, labels: Sequence[str]) -> FieldValue | None:
    """Where one of ``labels`` is printed (work space), or ``None`` when it is not.

    Used to tell a field that is missing from the certificate from one whose
    value could not be read.
    """
    wanted = [compact(label) for label in labels]
    for row in rows_of(ocr.lines):
        for label in wanted:
            start = row.text.find(label)
            if start >= 0:
                lines = row.lines_for_span(start, start + len(label))
                return FieldValue(key="label", value=label, quad=union_quad(lines),
                                  confidence=min(line.confidence for line in lines))
    return None

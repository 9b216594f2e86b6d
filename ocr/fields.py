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

Real layouts (measured by ``bench/evaluate_fields.py`` on ``../shared/real-images``):

* a label is never a value, and a value never holds another field's label:
  the labels of fields the report does not carry (性别 Sex, 出生日期, 文化程度…)
  are read too, so ``姓名 张三 性别 男`` gives 张三 and never 性别;
* a signature or seal line (负责人(签章)：…, 职业技能鉴定(指导)中心(印)) is never a
  value, an ID-number shaped string never the serial;
* a booklet photographed open (photo page + data page) or a two-column table
  is read page by page (:func:`column_split`); a page printed in vertical
  columns is turned so its columns read as rows (:func:`upright`);
* the title is one printed row of its own (:func:`find_title`).

Labels come from data: the matched template's ``fields``, the generic label
table and the vocabulary (``rules/data/field_vocabulary.yaml``); this module
knows no label itself. All boxes are in work space.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from certcheck.types import FieldValue, OcrLine, OcrResult, Quad
from ocr.dates import parse_printed_date, parse_printed_month
from ocr.layout import Row, rows_of, union_quad
from vision.text_geometry import span_sub_quad
from ocr.text import compact, fix_digit_confusions
from ocr.vocabulary import FieldVocabulary, default_labels, default_vocabulary

__all__ = [
    "LabelSet", "column_split", "extract_fields", "find_label", "find_title", "looks_like_id_number",
    "personal_labels", "segments", "turned_back", "upright",
]

#: ``key -> printed labels`` (first is the main label, the rest aliases).
LabelSet = Mapping[str, Sequence[str]]

# OCR reads a colon as a semicolon often enough that both count after a label.
_COLONS = ":：;；"
_SEPARATORS = " /|·-_、"
_ID_RUN = re.compile(r"[0-9Xx*]{15,18}")
# A serial may carry inner separators as printed ("NX2023-3692"); the rules
# strip them before comparing with a registered pattern.
# Region code (first digit 1-8), birth date from 1900 on, sequence and check character.
_ID_SHAPE = re.compile(r"[1-8]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dX]")
_SERIAL_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9]|[-/](?=[A-Za-z0-9])){4,}")
_LEVEL_WORDS = re.compile(r"[一二三四五12345]级|技师|初级|中级|高级|[一二三]等|级别|工$")
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A label printing the occupation and its level together (职业(工种)及等级, Occupation & Skill Level).
_COMBINED_LABEL = re.compile(r"及等级|(?i:skill\s*level)")
_LEVEL_TAIL = re.compile(r"(.{2,}?)[\s/·、]*((?:高级技师|技师|初级|中级|高级|[一二三四五12345]级)(?:/\S{2,4})?工?)")
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

#: The column split of a spread: looked for in this band of the page's width, in this many steps.
SPLIT_BAND = (0.35, 0.65)
SPLIT_STEPS = 30
#: At most this share of the page's boxes may cross the split (a stain or watermark read as text).
MAX_SPLIT_CROSSING_SHARE = 0.04
#: A split needs this many boxes on the page and this many rows with text on both sides.
MIN_SPLIT_BOXES = 8
MIN_SPLIT_ROWS = 3

#: A box is vertical text when this many times taller than wide; a page is, when this share of its text is.
VERTICAL_BOX_RATIO = 1.5
VERTICAL_TEXT_SHARE = 0.6

#: The title is printed in the top part of the page (share of its height).
TITLE_TOP_SHARE = 0.45
#: Boxes of a title row at least this share of its tallest box are the title's; smaller ones are glued on.
TITLE_SIZE_SHARE = 0.6
#: Longest title read (characters); a longer row is body text.
MAX_TITLE_CHARS = 30
#: A row holding a title word scores this many times its height.
TITLE_WORD_BONUS = 1.6
#: A row without a title word is a title only when at least this many times the median row height.
MIN_UNWORDED_TITLE_HEIGHTS = 1.8

#: How far below a label (in label heights) its value may be printed.
MAX_BELOW_GAP_HEIGHTS = 2.5


@dataclass(frozen=True)
class _Occurrence:
    key: str
    start: int
    end: int  # after the label and any separators/colon
    colon: bool


@dataclass(frozen=True)
class _Words:
    """What every value is checked against: the printed labels and the signature words."""

    labels: frozenset[str]  # every label, compact and lower-case
    han_labels: tuple[tuple[str, str], ...]  # (key, label) of two Han characters or more, longest first
    signature_words: tuple[str, ...]

    @classmethod
    def of(cls, labels: LabelSet, vocabulary: FieldVocabulary) -> _Words:
        pairs = {(key, compact(label)) for source in (labels, vocabulary.other_labels)
                 for key, names in source.items() for label in names if compact(label)}
        han = sorted(((k, lab) for k, lab in pairs if len(_HAN.findall(lab)) >= 2), key=lambda p: -len(p[1]))
        return cls(frozenset(lab.lower() for _, lab in pairs), tuple(han),
                   tuple(compact(word) for word in vocabulary.signature_words if compact(word)))

    def is_label(self, value: str) -> bool:
        """A label as printed, alone or with its colon ("性别", "Sex", "证书编号：")."""
        return compact(value).lower().strip(_SEPARATORS + _COLONS) in self.labels

    def holds_label(self, key: str, value: str) -> bool:
        """Another field's Han label inside the value ("证书编号1686…中心", "庄磊性别男").

        An organisation's name may hold the words of its trade (职业技能等级评价中心),
        so an issuer is only checked against the labels of the person and the document.
        """
        text = compact(value)
        allowed = _TRADE_LABEL_KEYS if key == "issuer" else ()
        return any(label in text for other, label in self.han_labels if other != key and other not in allowed)

    def is_signature_line(self, value: str) -> bool:
        text = compact(value)
        return any(word in text for word in self.signature_words)


#: Label keys whose words an organisation's name or a title may contain (职业技能等级评价中心, 职业技能等级证书).
_TRADE_LABEL_KEYS = ("occupation", "level", "issuer", "job", "education", "result")


def personal_labels(labels: LabelSet, vocabulary: FieldVocabulary | None = None) -> list[str]:
    """The Han labels of the person's and the document's fields (姓名, 性别, 证书编号, 发证日期…), longest first.

    No organisation's name or title holds one; the trade's labels (职业, 等级…) they may.
    """
    vocabulary = vocabulary or default_vocabulary()
    found = {compact(label) for source in (labels, vocabulary.other_labels) for key, names in source.items()
             if key not in _TRADE_LABEL_KEYS for label in names if len(_HAN.findall(label)) >= 2}
    return sorted(found, key=len, reverse=True)


def _clean_value(key: str, raw: str, words: _Words) -> str | None:
    """The value of ``key`` inside ``raw``, or ``None`` when it does not look like one.

    A label is never a value, nor is text holding another field's label; an
    issuer is never a signature or seal line (负责人(签章)：…, 职业技能鉴定(指导)中心(印)).
    """
    value = raw.strip(_SEPARATORS + _COLONS)
    if not value or words.is_label(value):
        return None
    read = _VALUE_READERS.get(key, _read_text_value)(value)
    if read is None or words.is_label(read):
        return None
    if key in _NO_LABEL_INSIDE and words.holds_label(key, read):
        return None
    if words.is_signature_line(read):
        return None
    return read


def _looks_like_sentence(text: str) -> bool:
    return len(text) > MAX_GLUED_VALUE_CHARS or any(mark in text for mark in _SENTENCE_MARKS)


def _read_text_value(value: str) -> str | None:
    return value if len(value) <= 60 else None


def _read_name(value: str) -> str | None:
    # Han names are 2-4 characters; minority and foreign names run longer with "·".
    # A team's certificate lists its members ("贺禄文,丁瑞晨,林芝叶"): each part is a name.
    if any(ch.isdigit() for ch in value) or "证书" in value or len(value) > 40:
        return None
    if parse_printed_date(value) or parse_printed_month(value):
        return None  # a date in Han numerals (二〇二一年十二月) printed after a label
    parts = [part for part in re.split(r"[,，、;；\s]+", value) if part]
    if not parts or any(len(part) > 24 or any(mark in part for mark in _SENTENCE_MARKS) for part in parts):
        return None
    return value


def _read_id_number(value: str) -> str | None:
    match = _ID_RUN.search(fix_digit_confusions(value.replace("＊", "*")))
    return match.group(0).upper() if match else None


def looks_like_id_number(value: str) -> bool:
    """Whether ``value`` has the shape of an 18-character resident ID number (region code, birth date, check).

    >>> looks_like_id_number("11010519491231002X"), looks_like_id_number("S000032050005243998126")
    (True, False)
    """
    return _ID_SHAPE.fullmatch(re.sub(r"[\s\-]", "", fix_digit_confusions(value.upper()).replace("*", "0"))) is not None


def _read_serial(value: str) -> str | None:
    # Every certificate numbering scheme carries digits; a letters-only token is
    # a misread label, not a serial. An ID-number shaped token is the holder's
    # ID number printed near the serial, never the serial.
    for match in _SERIAL_TOKEN.finditer(value):
        token = match.group(0)
        if sum(ch.isdigit() for ch in token) >= MIN_SERIAL_DIGITS and not looks_like_id_number(token):
            return token
    return None


def _read_date(value: str) -> str | None:
    # ISO date; a date printed to the month only ("2025年6月") is ISO "2025-06".
    parsed = parse_printed_date(value)
    if parsed:
        return parsed.isoformat()
    month = parse_printed_month(value)
    return f"{month[0]:04d}-{month[1]:02d}" if month else None


def _read_level(value: str) -> str | None:
    return value if _LEVEL_WORDS.search(value) and len(value) <= 20 else None


def _read_org(value: str) -> str | None:
    return value if len(_HAN.findall(value)) >= 4 and len(value) <= 60 else None


#: Fields whose value never holds another field's label (an organisation's name may hold 职业…).
_NO_LABEL_INSIDE = frozenset({"holder_name", "id_number", "serial_number", "issue_date", "level", "issuer"})

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
    return sorted((pair for pair in pairs if pair[1]), key=lambda pair: -len(pair[1]))


def _match_at(row: Row, pos: int, ordered: list[tuple[str, str]]) -> _Occurrence | None:
    text = row.text
    first = text[pos].lower()
    for key, label in ordered:
        if label[:1].lower() != first:
            continue
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


def column_split(lines: Sequence[OcrLine]) -> float | None:
    """Where a landscape page splits into two pages or columns (work-space x), or ``None``.

    A booklet photographed open shows two pages side by side (photo page and
    data page, or two data pages); a table may print two columns. Their rows
    line up across the sheet, so a row's boxes belong to two fields. The split
    is the vertical line in the middle band of the page that (almost) no box
    crosses while several rows have text on both sides of it. Portrait pages
    and pages whose body runs across the middle have none.
    """
    return _column_split(tuple(lines))


@lru_cache(maxsize=8)
def _column_split(lines: tuple[OcrLine, ...]) -> float | None:
    spans = [(line.bbox[0], line.bbox[2]) for line in lines if compact(line.text)]
    if len(spans) < MIN_SPLIT_BOXES:
        return None
    x0, x1 = min(a for a, _ in spans), max(b for _, b in spans)
    boxes = [line.bbox for line in lines if compact(line.text)]
    if x1 - x0 <= max(b[3] for b in boxes) - min(b[1] for b in boxes):
        return None
    rows = [[(ln.bbox[0], ln.bbox[2]) for ln in row.lines] for row in rows_of(lines)]
    best: tuple[tuple[int, int], float] | None = None
    low, high = SPLIT_BAND
    limit = MAX_SPLIT_CROSSING_SHARE * len(spans)
    for step in range(SPLIT_STEPS + 1):
        x = x0 + (low + (high - low) * step / SPLIT_STEPS) * (x1 - x0)
        crossing = sum(1 for a, b in spans if a < x < b)
        if crossing > limit or (best is not None and crossing > best[0][0]):
            continue
        both = sum(1 for row in rows if any(b <= x for _, b in row) and any(a >= x for a, _ in row))
        key = (crossing, -both)
        if both >= MIN_SPLIT_ROWS and (best is None or key < best[0]):
            best = (key, x)
    return best[1] if best is not None else None


def upright(ocr: OcrResult, page_height: int) -> tuple[OcrResult, int, Callable[[Quad], Quad] | None]:
    """A page printed in vertical columns, turned so that its columns read as rows.

    Vertical text (a 学位证书 printed in columns, a certificate photographed
    sideways) comes back from OCR as tall boxes, columns right to left, each
    read top to bottom. When most of the page's text is in such boxes, the
    geometry is turned a quarter (``(x, y) -> (y, W - x)``): the rightmost
    column becomes the top row. Returns the lines to read, the height of the
    page they lie on, and the function that takes a quad back to work space
    (``None`` when the page reads in rows already).
    """
    boxes = [line for line in ocr.lines if len(compact(line.text)) >= 2]
    total = sum(len(compact(line.text)) for line in boxes)
    tall = sum(len(compact(line.text)) for line in boxes
               if line.height > VERTICAL_BOX_RATIO * (line.bbox[2] - line.bbox[0]))
    if not total or tall < VERTICAL_TEXT_SHARE * total:
        return ocr, page_height, None
    width = max(line.bbox[2] for line in ocr.lines)

    def turn(quad: Quad) -> Quad:
        (a, b, c, d) = ((y, width - x) for x, y in quad)
        return (a, b, c, d)

    def back(quad: Quad) -> Quad:
        (a, b, c, d) = ((width - y, x) for x, y in quad)
        return (a, b, c, d)

    lines = tuple(OcrLine(text=line.text, quad=turn(line.quad), confidence=line.confidence) for line in ocr.lines)
    return OcrResult(lines=lines), int(width), back


def turned_back(found: FieldValue, back: Callable[[Quad], Quad] | None) -> FieldValue:
    if back is None or found.quad is None:
        return found
    return FieldValue(key=found.key, value=found.value, quad=union_quad([OcrLine("", back(found.quad), 1.0)]),
                      confidence=found.confidence)


def _build_row(lines: Sequence[OcrLine]) -> Row:
    text: list[str] = []
    owner: list[int] = []
    for index, line in enumerate(lines):
        part = compact(line.text)
        text.append(part)
        owner.extend([index] * len(part))
    return Row(lines=tuple(lines), text="".join(text), owner=tuple(owner))


def segments(lines: Sequence[OcrLine], split: float | None = None) -> list[Row]:
    """The page's rows, each cut in two at the page's column split (see :func:`column_split`).

    Top to bottom, left segment first; with no split these are the rows of :func:`ocr.layout.rows_of`.
    """
    rows = rows_of(tuple(lines))
    if split is None:
        return list(rows)
    out: list[Row] = []
    for row in rows:
        left = [ln for ln in row.lines if (ln.bbox[0] + ln.bbox[2]) / 2 < split]
        right = [ln for ln in row.lines if (ln.bbox[0] + ln.bbox[2]) / 2 >= split]
        out.extend((_build_row(left), _build_row(right)) if left and right else (row,))
    return out


def extract_fields(
    ocr: OcrResult, labels: LabelSet, *, vocabulary: FieldVocabulary | None = None
) -> dict[str, FieldValue]:
    """Read every labelled field found on the page.

    Args:
        ocr: the page's OCR lines (work space).
        labels: printed labels per field key, e.g. ``{"holder_name": ["姓名", "Name"]}``.
        vocabulary: labels of fields the report does not carry (性别, 出生日期…) and
            signature words; the built-in ``rules/data/field_vocabulary.yaml`` by default.

    Returns:
        ``key -> FieldValue`` for the keys of ``labels`` found; a key that is
        absent was not printed or not readable (never guessed). The first
        readable occurrence of a key, top to bottom, wins. A label is never a
        value, an ID-number shaped string never the serial, a signature line
        never the issuer; on a two-page spread each page's rows are read apart.
    """
    vocabulary = vocabulary or default_vocabulary()
    ocr, _, back = upright(ocr, 0)
    every = {**{k: v for k, v in vocabulary.other_labels.items() if k not in labels}, **labels}
    words = _Words.of(labels, vocabulary)
    ordered = _labels_by_length(every)
    rows = segments(ocr.lines, column_split(ocr.lines))
    label_line_ids: set[int] = set()
    pending: list[tuple[_Occurrence, Row, int]] = []
    for row in rows:
        occurrences = _occurrences(row, ordered)
        for index, occurrence in enumerate(occurrences):
            next_start = occurrences[index + 1].start if index + 1 < len(occurrences) else len(row.text)
            pending.append((occurrence, row, min(next_start, _far_box_start(row, occurrence))))
            label_line_ids.update(id(line) for line in row.lines_for_span(occurrence.start, occurrence.end))
    found: dict[str, FieldValue] = {}
    combined: FieldValue | None = None
    taken: set[int] = set(label_line_ids)
    for occurrence, row, next_start in pending:
        if occurrence.key in found:
            continue
        value = _value_in_row(occurrence, row, next_start, words) or _value_from_below(
            occurrence, row, next_start, ocr.lines, taken, words
        )
        if value is not None:
            found[occurrence.key] = value
            if occurrence.key == "occupation" and _COMBINED_LABEL.search(row.text[occurrence.start:occurrence.end]):
                combined = value
    if combined is not None and found.get("occupation") is combined:
        found.update(_split_occupation_and_level(combined, found))
    return {key: turned_back(value, back) for key, value in found.items() if key in labels}


def _split_occupation_and_level(value: FieldValue, found: Mapping[str, FieldValue]) -> dict[str, FieldValue]:
    """"职业(工种)及等级 焊工 高级": the occupation and the level printed as one value, told apart.

    >>> got = _split_occupation_and_level(FieldValue("occupation", "焊工高级", None, 0.9), {})
    >>> {k: v.value for k, v in got.items()}
    {'occupation': '焊工', 'level': '高级'}
    """
    match = _LEVEL_TAIL.fullmatch(value.value)
    if match is None:
        return {}
    split = {"occupation": FieldValue("occupation", match.group(1), value.quad, value.confidence)}
    if "level" not in found:
        split["level"] = FieldValue("level", match.group(2), value.quad, value.confidence)
    return split


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


def _value_in_row(occurrence: _Occurrence, row: Row, next_start: int, words: _Words) -> FieldValue | None:
    raw = row.text[occurrence.end:next_start]
    if not occurrence.colon and _looks_like_sentence(raw):
        # "持证人经评价，达到……" is body text that starts with a label word, not a field.
        return None
    value = _clean_value(occurrence.key, raw, words)
    if value is None:
        return None
    lines = row.lines_for_span(occurrence.end, next_start)
    return FieldValue(
        key=occurrence.key,
        value=value,
        quad=_span_box(row, occurrence.end, next_start),
        confidence=min(line.confidence for line in lines),
    )


def _span_box(row: Row, start: int, end: int) -> Quad:
    """The box of characters ``[start, end)`` of a row: a value printed in its label's own box gets its part only."""
    parts = []
    for index in sorted(set(row.owner[start:end])):
        line_start = row.box_start(index)
        length = sum(1 for owner in row.owner if owner == index)
        local = max(start, line_start) - line_start, min(end, line_start + length) - line_start
        parts.append(span_sub_quad(row.lines[index].quad, row.text[line_start:line_start + length], *local))
    xs = [p[0] for quad in parts for p in quad]
    ys = [p[1] for quad in parts for p in quad]
    return ((min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys)))


def _value_from_below(
    occurrence: _Occurrence, row: Row, next_start: int, lines: Sequence[OcrLine], label_line_ids: set[int],
    words: _Words,
) -> FieldValue | None:
    # Only a label with nothing after it (up to the next label of a two-column
    # layout, or the row's end) looks below.
    if row.text[occurrence.end:next_start].strip():
        return None
    label_lines = row.lines_for_span(occurrence.start, occurrence.end)
    below = _value_below(label_lines, lines, label_line_ids)
    if below is None:
        return None
    value = _clean_value(occurrence.key, compact(below.text), words)
    if value is None:
        return None
    return FieldValue(key=occurrence.key, value=value, quad=below.quad, confidence=below.confidence)


def _title_boxes(row: Row) -> tuple[OcrLine, ...]:
    """The row's boxes printed in the title's type size: small text glued on (a serial, a subtitle) is dropped."""
    tallest = max(line.height for line in row.lines)
    return tuple(line for line in row.lines if line.height >= TITLE_SIZE_SHARE * tallest and compact(line.text))


def _is_title_text(text: str, words: _Words, salutations: Sequence[str]) -> bool:
    han = len(_HAN.findall(text))
    if han < 2 or len(text) > MAX_TITLE_CHARS or any(mark in text for mark in _SENTENCE_MARKS + _COLONS):
        return False
    if re.search(r"\d{5}", text) or words.is_signature_line(text):
        return False  # a serial or a signature/seal line
    if any(text.endswith(s) or text.endswith(s + "：") for s in salutations):
        return False
    # 职业技能等级证书 holds the label 职业技能等级: the trade's labels may be part of a title.
    return not any(label in text for key, label in words.han_labels if key not in _TRADE_LABEL_KEYS)


def find_title(
    ocr: OcrResult,
    page_height: int,
    *,
    vocabulary: FieldVocabulary | None = None,
    labels: LabelSet | None = None,
    salutations: Sequence[str] = (),
) -> FieldValue | None:
    """The certificate's title: one printed row of its own, the most prominent near the top of the page.

    Titles are printed far larger than the body; letter-spaced titles that OCR
    splits into several boxes are joined through their row, and smaller text
    on the same row (a serial printed beside the title, a subtitle) is left out.
    A row that holds a field label, a colon, sentence punctuation, a serial, a
    signature line or a salutation is never the title; a row holding a title
    word (证书, 奖状, 聘书… from the vocabulary) is preferred. When no row
    qualifies there is no title (booklet data pages, awards printed without one).
    """
    vocabulary = vocabulary or default_vocabulary()
    words = _Words.of(labels if labels is not None else default_labels().labels, vocabulary)
    salutations = salutations or default_labels().salutations
    title_words = [compact(word) for word in vocabulary.title_words if compact(word)]
    ocr, page_height, back = upright(ocr, page_height)
    rows = segments(ocr.lines, column_split(ocr.lines))
    if not rows:
        return None
    body = sorted(r.height for r in rows)[len(rows) // 2]
    top = [r for r in rows if min(line.bbox[1] for line in r.lines) < TITLE_TOP_SHARE * page_height]
    # A booklet's cover prints its title low: anywhere on the page, with a title word.
    found = _best_title(top, body, words, salutations, title_words, need_word=False) or _best_title(
        rows, body, words, salutations, title_words, need_word=True)
    if found is None:
        return None
    return turned_back(FieldValue(
        key="title",
        value="".join(compact(line.text) for line in found),
        quad=union_quad(found),
        confidence=min(line.confidence for line in found),
    ), back)


def _best_title(rows: Sequence[Row], body: float, words: _Words, salutations: Sequence[str],
                title_words: Sequence[str], *, need_word: bool) -> tuple[OcrLine, ...] | None:
    best: tuple[float, Row, tuple[OcrLine, ...]] | None = None
    for row in rows:
        boxes = _title_boxes(row)
        if not boxes:
            continue
        text = "".join(compact(line.text) for line in boxes)
        if not _is_title_text(text, words, salutations):
            continue
        height = max(line.height for line in boxes)
        # A one-character title word (书, 证, 状) counts only where a title ends: 书写 is no 证书.
        worded = any(word in text if len(word) > 1 else text.endswith(word) for word in title_words)
        if not worded and (need_word or height < MIN_UNWORDED_TITLE_HEIGHTS * body):
            continue
        score = height * (TITLE_WORD_BONUS if worded else 1.0)
        if best is None or score > best[0]:
            best = (score, row, boxes)
    return best[2] if best else None


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

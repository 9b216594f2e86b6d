"""Fields that certificates print without a label: the salutation and the signature block.

Awards and internal training certificates rarely label their fields. They name
the holder in a salutation (``张三 同志：``, ``甲、乙、丙 同学：``) and close with
the issuer's name and the date at the bottom (落款), often to the month only
(``二〇二一年十二月``), often beside a second issuer or over two rows. This reader
finds those, in work space, and is only used for fields the labelled reader
(:mod:`ocr.fields`) did not find. A signature or seal line (负责人(签章)：…,
职业技能鉴定(指导)中心(印)) never names the issuer; a row holding a field label,
a year or digits is no organisation's name. The salutation words and
organisation suffixes are data (``rules/data/field_labels.yaml``), the signature
words too (``rules/data/field_vocabulary.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from certcheck.types import FieldValue, OcrLine, OcrResult
from ocr.dates import parse_printed_date, parse_printed_month
from ocr.fields import column_split, looks_like_id_number, personal_labels, segments, turned_back, upright
from ocr.layout import Row, union_quad
from ocr.text import compact
from ocr.vocabulary import FieldVocabulary, default_labels, default_vocabulary

__all__ = ["read_signature_block"]

#: The signature block sits in the lower part of the page (share of its height).
SIGNATURE_TOP_SHARE = 0.45
#: A date line of the signature block is short: the date and maybe a seal's text.
MAX_DATE_ROW_CHARS = 20
#: How far above the date (in row heights) the issuer's name may be printed.
MAX_ISSUER_GAP_ROWS = 4.0
#: Two names signed side by side (共青团莆田市委　莆田市教育局) are apart by more than this many heights.
SIDE_BY_SIDE_GAP_HEIGHTS = 1.5
#: An issuer printed over two rows: the rows' heights differ by at most this factor and their gap is below
#: this many heights.
TWO_ROW_HEIGHT_RATIO = 1.4
TWO_ROW_GAP_HEIGHTS = 0.8
#: A name without an organisation suffix counts only right above the date, with this many Han characters.
MIN_BARE_NAME_HAN, MAX_BARE_NAME_CHARS = 4, 16
#: An unlabelled serial is looked for in this share of the page at its top and at its bottom.
LONE_SERIAL_BAND = 0.25
MIN_LONE_SERIAL_DIGITS = 6
_LONE_SERIAL = re.compile(rf"(?:No\.?|NO\.?|№)?([A-Z]{{1,8}}\d{{{MIN_LONE_SERIAL_DIGITS},}}[A-Z0-9]*)")
_NAME_CHARS = r"[\u4e00-\u9fff·、，,]"
_HAN = re.compile(r"[\u4e00-\u9fff]")
_YEAR = re.compile(r"\d{3}|[〇零○一二三四五六七八九]{4}|[〇○]")
_PUNCTUATION = "，。；！？,;!?:：“”\"《》"


def _field(key: str, value: str, lines: Sequence[OcrLine]) -> FieldValue:
    return FieldValue(key=key, value=value, quad=union_quad(lines), confidence=min(ln.confidence for ln in lines))


def _pieces(row: Row) -> list[Row]:
    """A row cut where its boxes are far apart: two issuers signed side by side, a date beside a label."""
    out: list[list[OcrLine]] = [[row.lines[0]]]
    for prev, line in zip(row.lines, row.lines[1:], strict=False):
        gap = line.bbox[0] - prev.bbox[2]
        if gap > SIDE_BY_SIDE_GAP_HEIGHTS * max(prev.height, line.height):
            out.append([line])
        else:
            out[-1].append(line)
    if len(out) == 1:
        return [row]
    return [piece for lines in out for piece in segments(lines)]


def _salutation(rows: Sequence[Row], salutations: Sequence[str]) -> FieldValue | None:
    if not salutations:
        return None
    words = "|".join(map(re.escape, sorted(salutations, key=len, reverse=True)))
    # One holder (庄磊同学：) or several (甲、乙、丙同学：), maybe with the blank line's underscores.
    pattern = re.compile(rf"^[_＿—\-]*({_NAME_CHARS}{{2,40}}?)[_＿—\-]*(?:{words})[:：]?$")
    for row in rows:
        match = pattern.match(row.text)
        if match and len(_HAN.findall(match.group(1))) >= 2:
            name = match.group(1).strip("、，,")
            return _field("holder_name", name, row.lines_for_span(match.start(1), match.end(1)))
    return None


def _lone_serial(rows: Sequence[Row], page_height: int) -> FieldValue | None:
    """A certificate number printed on its own without a label, in a corner band (``MZYSH20210213``, ``No. X0053…``).

    The row, or one box of it, is that one token: letters then at least :data:`MIN_LONE_SERIAL_DIGITS` digits, never
    an ID-number shaped string, in the top or bottom band of the page.
    """
    for row in rows:
        top, bottom = min(ln.bbox[1] for ln in row.lines), max(ln.bbox[3] for ln in row.lines)
        if top > LONE_SERIAL_BAND * page_height and bottom < (1 - LONE_SERIAL_BAND) * page_height:
            continue
        # The row is the token, or one box of the row is (a serial printed beside the title).
        for text, lines in [(row.text, row.lines), *((compact(ln.text), (ln,)) for ln in row.lines)]:
            match = _LONE_SERIAL.fullmatch(text)
            if match and not looks_like_id_number(match.group(1)):
                return _field("serial_number", match.group(1), lines)
    return None


def _sentence_fields(rows: Sequence[Row], patterns: Mapping[str, Sequence[str]]) -> dict[str, FieldValue]:
    """Fields printed inside a sentence (参加{value}专项职业能力考核), the sentence running over several rows."""
    text = "".join(row.text for row in rows)
    owner = [index for index, row in enumerate(rows) for _ in row.text]
    found: dict[str, FieldValue] = {}
    for key, printed in patterns.items():
        for pattern in printed:
            head, _, tail = compact(pattern).partition("{value}")
            match = re.search(re.escape(head) + r"(.{2,30}?)" + re.escape(tail), text)
            if match is None or any(mark in match.group(1) for mark in _PUNCTUATION):
                continue
            touched = sorted(set(owner[match.start(1):match.end(1)]))
            lines = [line for index in touched for line in rows[index].lines]
            found[key] = _field(key, match.group(1), lines)
            break
    return found


def _month_or_date(text: str) -> str | None:
    parsed = parse_printed_date(text)
    if parsed is not None:
        return parsed.isoformat()
    month = parse_printed_month(text)
    return f"{month[0]:04d}-{month[1]:02d}" if month else None


def _date_row(rows: Sequence[Row], page_height: int, labels: Sequence[str]) -> tuple[Row, Row, str] | None:
    """The lowest short row in the signature area that holds a date (or a month) and nothing like a range.

    A date after its label (发证日期2021年03月25日) is the labelled reader's, not the signature's.
    Returns the row, the part of it that holds the date (the row itself, or its box beside a label), the date.
    """
    for row in reversed(rows):
        top = min(line.bbox[1] for line in row.lines)
        if top < SIGNATURE_TOP_SHARE * page_height:
            break
        # A labelled row (证书编号：…) may end with the signature date in a box of its own.
        candidates = [row] if ":" not in row.text else [_build(row, (i,)) for i in range(len(row.lines))]
        for candidate in candidates:
            text = candidate.text
            if len(text) > MAX_DATE_ROW_CHARS or "至" in text or any(mark in text for mark in _PUNCTUATION):
                continue  # a range (聘期…至…), a label, or a sentence (…一九九四年八月二十七日生，)
            if any(text.startswith(label) for label in labels):
                continue
            found = _month_or_date(text)
            if found is not None:
                return row, candidate, found
    return None


def _build(row: Row, indices: Sequence[int]) -> Row:
    return segments([row.lines[i] for i in indices])[0]


def _is_name_row(row: Row, labels: Sequence[str], signature_words: Sequence[str]) -> bool:
    """Whether a row may be (part of) an organisation's name: no label, signature word, year or punctuation."""
    text = row.text
    if len(_HAN.findall(text)) < 2 or any(mark in text for mark in _PUNCTUATION):
        return False
    if _YEAR.search(text) or any(word in text for word in signature_words):
        return False
    return not any(label in text for label in labels)


def _organisation_text(text: str, suffixes: Sequence[str]) -> str | None:
    """``text`` up to its last organisation suffix, or ``None`` when it holds none after two characters."""
    best = -1
    for suffix in suffixes:
        end = text.rfind(suffix)
        if end >= 2:
            best = max(best, end + len(suffix))
    return text[:best] if best > 0 else None


def _organisation(row: Row, suffixes: Sequence[str]) -> tuple[int, int] | None:
    """``(start, end)`` of the name in the row: from its start to the last organisation suffix."""
    name = _organisation_text(row.text, suffixes)
    return (0, len(name)) if name else None


def _issuer_from(rows: Sequence[Row], index: int, suffixes: Sequence[str], labels: Sequence[str],
                 signature_words: Sequence[str]) -> FieldValue | None:
    row = rows[index]
    if not _is_name_row(row, labels, signature_words):
        return None
    span = _organisation(row, suffixes)
    if span is None:
        return None
    # Text beyond the suffix on the same row (a seal's words) is not part of the name; two names
    # printed close together (甲中心乙学院) are two issuers, the first box naming the first.
    first = compact(row.lines[0].text)
    if len(row.lines) > 1 and _organisation_text(first, suffixes) == first and span[1] > len(first):
        span = (0, len(first))
    lines = list(row.lines_for_span(*span))
    name = row.text[span[0]:span[1]]
    upper = _row_above(rows, index)
    if upper is not None and _organisation(upper, suffixes) is None and _is_name_row(upper, labels, signature_words):
        name, lines = upper.text + name, [*upper.lines, *lines]
    return _field("issuer", name, lines)


def _row_above(rows: Sequence[Row], index: int, *, same_size: bool = True) -> Row | None:
    """The row printed just above ``rows[index]`` in the same column and type size (an issuer's first line)."""
    row = rows[index]
    x0, y0 = min(ln.bbox[0] for ln in row.lines), min(ln.bbox[1] for ln in row.lines)
    x1 = max(ln.bbox[2] for ln in row.lines)
    for other in reversed(rows[:index]):
        ox0, ox1 = min(ln.bbox[0] for ln in other.lines), max(ln.bbox[2] for ln in other.lines)
        bottom = max(ln.bbox[3] for ln in other.lines)
        if bottom > y0 or min(x1, ox1) - max(x0, ox0) <= 0:
            continue
        if y0 - bottom > TWO_ROW_GAP_HEIGHTS * row.height:
            return None
        ratio = max(row.height, other.height) / max(1.0, min(row.height, other.height))
        overlap = (min(x1, ox1) - max(x0, ox0)) / max(1.0, min(x1 - x0, ox1 - ox0))
        return other if (ratio <= TWO_ROW_HEIGHT_RATIO or not same_size) and overlap >= 0.5 else None
    return None


def _name_above_date(rows: Sequence[Row], date_row: Row, labels: Sequence[str],
                     signature_words: Sequence[str]) -> FieldValue | None:
    """A short name printed right above the signature date and over it (中软国际(厦门)), without a suffix."""
    above = _row_above(rows, rows.index(date_row), same_size=False)
    if above is None or not _is_name_row(above, labels, signature_words):
        return None
    if not MIN_BARE_NAME_HAN <= len(_HAN.findall(above.text)) <= MAX_BARE_NAME_CHARS:
        return None
    return _field("issuer", above.text, above.lines)


def _issuer(rows: Sequence[Row], date_row: Row | None, page_height: int, suffixes: Sequence[str],
            labels: Sequence[str], signature_words: Sequence[str]) -> FieldValue | None:
    """The organisation name just above the signature date (or beside it), or the lowest one when no date was read."""
    if date_row is not None:
        date_top = min(line.bbox[1] for line in date_row.lines)
        at = rows.index(date_row)
        for index in range(at - 1, -1, -1):
            row = rows[index]
            if date_top - max(line.bbox[3] for line in row.lines) > MAX_ISSUER_GAP_ROWS * date_row.height:
                break
            found = _issuer_from(rows, index, suffixes, labels, signature_words)
            if found is not None:
                return found
        return _name_above_date(rows, date_row, labels, signature_words)
    for index in range(len(rows) - 1, -1, -1):
        if min(line.bbox[1] for line in rows[index].lines) < SIGNATURE_TOP_SHARE * page_height:
            return None
        found = _issuer_from(rows, index, suffixes, labels, signature_words)
        if found is not None:
            return found
    return None


def read_signature_block(
    ocr: OcrResult,
    page_height: int,
    *,
    salutations: Sequence[str],
    organisation_suffixes: Sequence[str],
    vocabulary: FieldVocabulary | None = None,
    labels: Sequence[str] | None = None,
) -> dict[str, FieldValue]:
    """Holder (from the salutation), issuer and issue date (from the signature block), a serial printed alone,
    and the fields the vocabulary says are printed inside a sentence (the occupation of a 专项职业能力 record).

    ``labels``: the printed field labels a name row never holds (the built-in
    ones of ``rules/data/field_labels.yaml`` and the vocabulary's by default).
    A date printed to the month only is reported as ``YYYY-MM``.

    >>> from tests.helpers import line, page
    >>> found = read_signature_block(page(
    ...     line("荣誉证书", 300, 80, h=80), line("梁丽梅", 100, 250), line("同志：", 200, 251),
    ...     line("成都市职业技能竞赛组委会", 500, 700), line("2024年11月4日", 560, 745)),
    ...     1000, salutations=["同志"], organisation_suffixes=["组委会"])
    >>> {k: v.value for k, v in found.items()}
    {'holder_name': '梁丽梅', 'issue_date': '2024-11-04', 'issuer': '成都市职业技能竞赛组委会'}
    """
    vocabulary = vocabulary or default_vocabulary()
    if labels is None:
        labels = personal_labels(default_labels().labels, vocabulary)
    signature_words = [compact(word) for word in vocabulary.signature_words if compact(word)]
    ocr, page_height, back = upright(ocr, page_height)
    rows = [piece for row in segments(ocr.lines, column_split(ocr.lines)) for piece in _pieces(row)]
    # Top to bottom; pieces of one row right to left, so that walking up from the date meets the first name first.
    rows.sort(key=lambda r: (min(ln.center[1] for ln in r.lines), -min(ln.bbox[0] for ln in r.lines)))
    found: dict[str, FieldValue] = {}
    holder = _salutation(rows, salutations)
    if holder is not None:
        found["holder_name"] = holder
    dated = _date_row(rows, page_height, labels)
    if dated is not None:
        _, printed, iso = dated
        found["issue_date"] = _field("issue_date", iso, printed.lines)
    issuer = _issuer(rows, dated[0] if dated else None, page_height, organisation_suffixes, labels, signature_words)
    if issuer is not None:
        found["issuer"] = issuer
    serial = _lone_serial(rows, page_height)
    if serial is not None:
        found["serial_number"] = serial
    found.update(_sentence_fields(rows, vocabulary.sentence_fields))
    return {key: turned_back(value, back) for key, value in found.items()}

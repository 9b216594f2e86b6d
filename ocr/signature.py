"""Fields that certificates print without a label: the salutation and the signature block.

Awards and internal training certificates rarely label their fields. They name
the holder in a salutation (``张三 同志：``) and close with the issuer's name and
the date at the bottom (落款). This reader finds those, in work space, and is
only used for fields the labelled reader (:mod:`ocr.fields`) did not find.
The salutation words and organisation suffixes are data (``rules/data/field_labels.yaml``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from certcheck.types import FieldValue, OcrResult
from ocr.dates import parse_printed_date
from ocr.layout import Row, rows_of, union_quad

__all__ = ["read_signature_block"]

#: The signature block sits in the lower part of the page (share of its height).
SIGNATURE_TOP_SHARE = 0.45
#: A date line of the signature block is short: the date and maybe a seal's text.
MAX_DATE_ROW_CHARS = 20
#: How far above the date (in row heights) the issuer's name may be printed.
MAX_ISSUER_GAP_ROWS = 4.0
_HAN_NAME = r"[\u4e00-\u9fff·]{2,6}"


def _field(key: str, value: str, row: Row, start: int, end: int) -> FieldValue:
    lines = row.lines_for_span(start, end)
    return FieldValue(key=key, value=value, quad=union_quad(lines), confidence=min(ln.confidence for ln in lines))


def _salutation(rows: Sequence[Row], salutations: Sequence[str]) -> FieldValue | None:
    if not salutations:
        return None
    pattern = re.compile(rf"^({_HAN_NAME})(?:{'|'.join(map(re.escape, salutations))})[:：]?$")
    for row in rows:
        match = pattern.match(row.text)
        if match:
            return _field("holder_name", match.group(1), row, match.start(1), match.end(1))
    return None


def _date_row(rows: Sequence[Row], page_height: int) -> tuple[Row, str] | None:
    """The lowest short row in the signature area that holds a date and nothing like a range."""
    for row in reversed(rows):
        top = min(line.bbox[1] for line in row.lines)
        if top < SIGNATURE_TOP_SHARE * page_height:
            break
        if len(row.text) > MAX_DATE_ROW_CHARS or "至" in row.text or ":" in row.text:
            continue
        parsed = parse_printed_date(row.text)
        if parsed is not None:
            return row, parsed.isoformat()
    return None


def _organisation(row: Row, suffixes: Sequence[str]) -> FieldValue | None:
    if ":" in row.text:
        return None  # a labelled row belongs to the labelled reader
    for suffix in suffixes:
        end = row.text.find(suffix)
        if end >= 2:
            # The name runs from the start of the row to its suffix; text beyond
            # the suffix on the same row (a seal's words) is not part of it.
            end += len(suffix)
            return _field("issuer", row.text[:end], row, 0, end)
    return None


def _issuer(rows: Sequence[Row], date_row: Row | None, page_height: int, suffixes: Sequence[str]) -> FieldValue | None:
    """The organisation name just above the signature date, or the lowest one when no date was read."""
    if date_row is not None:
        date_top = min(line.bbox[1] for line in date_row.lines)
        for row in reversed(rows[: rows.index(date_row)]):
            if date_top - max(line.bbox[3] for line in row.lines) > MAX_ISSUER_GAP_ROWS * date_row.height:
                return None
            found = _organisation(row, suffixes)
            if found is not None:
                return found
        return None
    for row in reversed(rows):
        if min(line.bbox[1] for line in row.lines) < SIGNATURE_TOP_SHARE * page_height:
            return None
        found = _organisation(row, suffixes)
        if found is not None:
            return found
    return None


def read_signature_block(
    ocr: OcrResult,
    page_height: int,
    *,
    salutations: Sequence[str],
    organisation_suffixes: Sequence[str],
) -> dict[str, FieldValue]:
    """Holder (from the salutation), issuer and issue date (from the signature block).

    >>> from tests.helpers import line, page
    >>> found = read_signature_block(page(
    ...     line("荣誉证书", 300, 80, h=80), line("梁丽梅", 100, 250), line("同志：", 200, 251),
    ...     line("成都市职业技能竞赛组委会", 500, 700), line("2024年11月4日", 560, 745)),
    ...     1000, salutations=["同志"], organisation_suffixes=["组委会"])
    >>> {k: v.value for k, v in found.items()}
    {'holder_name': '梁丽梅', 'issue_date': '2024-11-04', 'issuer': '成都市职业技能竞赛组委会'}
    """
    rows = rows_of(ocr.lines)
    found: dict[str, FieldValue] = {}
    holder = _salutation(rows, salutations)
    if holder is not None:
        found["holder_name"] = holder
    dated = _date_row(rows, page_height)
    if dated is not None:
        row, iso = dated
        found["issue_date"] = FieldValue("issue_date", iso, union_quad(row.lines),
                                         min(ln.confidence for ln in row.lines))
    issuer = _issuer(rows, dated[0] if dated else None, page_height, organisation_suffixes)
    if issuer is not None:
        found["issuer"] = issuer
    return found

"""Dates as certificates print them: ``2024年05月10日``, ``2024.5.10``, ``二〇二四年五月十日``.

Awards and honours often print the month only (``2021年10月``, ``二〇〇五年六月``,
``2011年元月``): :func:`parse_printed_month` reads those.
"""

from __future__ import annotations

import re
from datetime import date

from ocr.text import compact, fix_digit_confusions

__all__ = ["parse_printed_date", "parse_printed_month"]

_HAN_DIGITS = {"〇": 0, "零": 0, "○": 0, "О": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
               "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERIC = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})")
_HAN = re.compile(r"([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})")
# A month on its own: "2021年10月", "2025.06" is not one (too easily a score or a code), "二〇〇五年六月", "元月".
_NUMERIC_MONTH = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2}|元)\s*月")
_HAN_MONTH = re.compile(r"([〇零○一二三四五六七八九]{4})年(元|[一二三四五六七八九十]{1,2})月")
#: The years a certificate's date may carry.
FIRST_YEAR, LAST_YEAR = 1949, 2100


# OCR reads the zero of a Han-numeral year as a Latin 0 or O often (二0一一年): between Han numerals it is 〇.
_LATIN_ZERO = re.compile(r"(?<=[〇零○一二三四五六七八九])[0Oo]|[0Oo](?=[〇零○一二三四五六七八九])")


def _han_zeros(text: str) -> str:
    """``text`` with a Latin zero among Han numerals read as 〇.

    >>> _han_zeros("二0一一年"), _han_zeros("2011年")
    ('二〇一一年', '2011年')
    """
    return _LATIN_ZERO.sub("〇", text)


def _han_number(text: str) -> int:
    """Value of a Chinese numeral up to 31 (十, 十二, 二十, 二十一).

    >>> _han_number("二十一"), _han_number("十"), _han_number("九")
    (21, 10, 9)
    """
    if "十" not in text:
        return _HAN_DIGITS[text]
    tens, _, ones = text.partition("十")
    return (_HAN_DIGITS[tens] if tens else 1) * 10 + (_HAN_DIGITS[ones] if ones else 0)


def parse_printed_date(text: str) -> date | None:
    """The first date printed in ``text``, or ``None`` when there is none or it cannot exist.

    >>> parse_printed_date("发证日期：2024年05月10日")
    datetime.date(2024, 5, 10)
    >>> parse_printed_date("二〇二三年十二月一日")
    datetime.date(2023, 12, 1)
    >>> parse_printed_date("2024.02.30") is None
    True
    """
    cleaned = compact(text)
    match = _NUMERIC.search(fix_digit_confusions(cleaned))
    try:
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        han = _HAN.search(_han_zeros(cleaned))
        if han:
            year = int("".join(str(_HAN_DIGITS[c]) for c in han.group(1)))
            return date(year, _han_number(han.group(2)), _han_number(han.group(3)))
    except (ValueError, KeyError):
        return None
    return None


def parse_printed_month(text: str) -> tuple[int, int] | None:
    """``(year, month)`` of the first month-precision date in ``text`` (``2021年10月``), or ``None``.

    Only dates written with 年 and 月 count: a bare ``2021.10`` is as likely a score or a code.

    >>> parse_printed_month("2011年元月"), parse_printed_month("二〇〇五年六月")
    ((2011, 1), (2005, 6))
    >>> parse_printed_month("2020-2021学年") is None, parse_printed_month("2024年13月") is None
    (True, True)
    """
    cleaned = compact(text)
    found: tuple[int, int] | None = None
    match = _NUMERIC_MONTH.search(fix_digit_confusions(cleaned).replace("兀", "元"))
    if match:
        found = int(match.group(1)), 1 if match.group(2) == "元" else int(match.group(2))
    else:
        han = _HAN_MONTH.search(_han_zeros(cleaned))
        if han:
            try:
                year = int("".join(str(_HAN_DIGITS[c]) for c in han.group(1)))
                found = year, 1 if han.group(2) == "元" else _han_number(han.group(2))
            except KeyError:
                return None
    if found is None or not (FIRST_YEAR <= found[0] <= LAST_YEAR and 1 <= found[1] <= 12):
        return None
    return found

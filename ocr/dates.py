"""Dates as certificates print them: ``2024年05月10日``, ``2024.5.10``, ``二〇二四年五月十日``."""

from __future__ import annotations

import re
from datetime import date

from ocr.text import compact, fix_digit_confusions

__all__ = ["parse_printed_date"]

_HAN_DIGITS = {"〇": 0, "零": 0, "○": 0, "О": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
               "六": 6, "七": 7, "八": 8, "九": 9}
_NUMERIC = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})")
_HAN = re.compile(r"([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})")


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
        han = _HAN.search(cleaned)
        if han:
            year = int("".join(str(_HAN_DIGITS[c]) for c in han.group(1)))
            return date(year, _han_number(han.group(2)), _han_number(han.group(3)))
    except (ValueError, KeyError):
        return None
    return None

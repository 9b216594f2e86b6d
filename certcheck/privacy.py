"""Personal data: ID numbers are masked wherever certcheck writes text.

CONTRACT.md section 3: every ID-number-like string keeps its first 4 and last
4 characters, the rest become ``*`` — in reports, logs, file names, error
messages and stores. :func:`mask_id_numbers` is the one function every exit
goes through (``certcheck/report.py``, ``app/logs.py``, ``app/middleware.py``,
``app/errors.py``, the CLI, the batch writer and the case store).

A 居民身份证 number (GB 11643-1999) is 18 characters: a 6-digit region code
whose first two digits name a province, the birth date ``YYYYMMDD``, a
3-digit sequence and a check character (digit or X); old cards have 15 digits
(``YYMMDD``). What counts as ID-number-like here:

* any 18-character window of "ID characters" with a valid province code and a
  real birth date (1900-2099), the check character right or wrong (a misread
  or a forged number is still someone's personal data). ID characters are
  digits (ASCII or full-width) and the letters OCR reads for them (O/D/Q for 0, I/l/| for 1, Z for
  2, S for 5, G/b for 6, B for 8, g for 9), with at most three separators
  (space, ideographic space, hyphen, dot, underscore, slash) between two of
  them — so spaced (``110101 19900307 7774``), hyphenated, OCR-confused
  (``11O1O119900307777X``), glued to letters or words (``scan110101…jpg``)
  and 19-character misreads are found; at most 3 of the 18 may be such
  letters;
* any run of exactly 18 (17 digits and a digit or X) or 15 digits standing
  alone, whatever it encodes.

Only the 18 ID characters of the window are replaced (their first 4 and last
4 kept); separators stay where they were. Strings the caller knows are not ID
numbers — a serial that its matched template's registered pattern accepts —
are passed as ``not_ids`` and left readable.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Collection
from datetime import date

__all__ = ["MaskingFilter", "mask_id_number", "mask_id_numbers"]

#: Province-level codes of GB/T 2260 (the first two digits of a region code), plus 71/81/82/83 (Taiwan, Hong
#: Kong, Macao: 港澳台居民居住证, 国务院办公厅 2018) and 91 (外国人永久居留身份证, 公安部 2023 edition).
_PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82", "83", "91",
})
_CONFUSED = {"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1",
             "Z": "2", "z": "2", "S": "5", "s": "5", "G": "6", "b": "6", "B": "8", "g": "9"}
_SEPARATORS = frozenset(" \u3000-\u2010\u2011\u2012\u2013\u2014\uff0d_./")
_MAX_GAP = 3
_ID_LENGTH = 18
_MIN_REAL_DIGITS = 15
_PLAIN_ID = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


def mask_id_number(value: str) -> str:
    """Mask one ID number, keeping the first and last 4 characters.

    >>> mask_id_number("11010519491231002X")
    '1101**********002X'
    """
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_id_numbers(text: str, not_ids: Collection[str] = ()) -> str:
    """Mask every ID-number-like string in ``text`` (module docstring), except inside ``not_ids``.

    >>> mask_id_numbers("证件号码：440524188001010014，编号 S000044030001244000123")
    '证件号码：4405**********0014，编号 S000044030001244000123'
    >>> mask_id_numbers("身份证 110101 19900307 7774")
    '身份证 1101** ******** 7774'
    >>> mask_id_numbers("scan_11O1O1-1990-0307-777X.jpg")
    'scan_11O1**-****-****-777X.jpg'
    >>> mask_id_numbers("编号 110101199003077774", not_ids=["110101199003077774"])
    '编号 110101199003077774'
    """
    if not text:
        return text
    protected = _protected_spans(text, not_ids)
    masked = list(text)
    for positions in _id_windows(text):
        if any(start <= positions[0] < end or start < positions[-1] + 1 <= end for start, end in protected):
            continue
        for pos in positions[4:-4]:
            masked[pos] = "*"
    result = "".join(masked)
    return _PLAIN_ID.sub(lambda m: m.group(0) if _inside(m.span(), protected) else mask_id_number(m.group(0)), result)


def _protected_spans(text: str, not_ids: Collection[str]) -> list[tuple[int, int]]:
    spans = []
    for value in not_ids:
        if not value:
            continue
        start = text.find(value)
        while start >= 0:
            spans.append((start, start + len(value)))
            start = text.find(value, start + 1)
    return spans


def _inside(span: tuple[int, int], protected: list[tuple[int, int]]) -> bool:
    return any(start <= span[0] and span[1] <= end for start, end in protected)


def _id_windows(text: str) -> list[list[int]]:
    """Positions in ``text`` of each valid 18-character ID window, left to right, not overlapping."""
    windows: list[list[int]] = []
    for run in _runs(text):
        index = 0
        while index + _ID_LENGTH <= len(run):
            window = run[index : index + _ID_LENGTH]
            if _valid_window(text, window):
                windows.append(window)
                index += _ID_LENGTH
            else:
                index += 1
    return windows


def _runs(text: str) -> list[list[int]]:
    """Positions of ID characters, grouped into runs joined by at most :data:`_MAX_GAP` separators."""
    runs: list[list[int]] = []
    current: list[int] = []
    gap = 0
    for pos, ch in enumerate(text):
        if _id_char(ch) is not None:
            if current and gap > _MAX_GAP:
                runs.append(current)
                current = []
            current.append(pos)
            gap = 0
        elif ch in _SEPARATORS and current:
            gap += 1
        else:
            if current:
                runs.append(current)
            current, gap = [], 0
    if current:
        runs.append(current)
    return [run for run in runs if len(run) >= _ID_LENGTH]


def _id_char(ch: str) -> str | None:
    value = unicodedata.decimal(ch, None)  # ASCII, full-width and other decimal digits
    if value is not None:
        return str(value)
    if ch in "XxＸｘ":
        return "X"
    return _CONFUSED.get(ch)


def _valid_window(text: str, window: list[int]) -> bool:
    chars = [_id_char(text[pos]) or "" for pos in window]
    confused = sum(text[pos] in _CONFUSED for pos in window)
    if "X" in chars[:-1] or _ID_LENGTH - confused < _MIN_REAL_DIGITS:
        return False
    digits = "".join(chars)
    if digits[:2] not in _PROVINCES:
        return False
    return _real_date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))


def _real_date(year: int, month: int, day: int) -> bool:
    if not 1900 <= year <= 2099:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


class MaskingFilter(logging.Filter):
    """Logging filter that masks ID numbers in every record's final message, its ``http`` fields and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_id_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        http = getattr(record, "http", None)
        if isinstance(http, dict):
            record.http = {k: mask_id_numbers(v) if isinstance(v, str) else v for k, v in http.items()}
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_id_numbers(logging.Formatter().formatException(record.exc_info))
        elif record.exc_text:
            record.exc_text = mask_id_numbers(record.exc_text)
        return True

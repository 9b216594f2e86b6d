"""Personal data: ID numbers are masked wherever certcheck writes text.

CONTRACT.md section 3: every ID-number-like string keeps its first 4 and last
4 characters, the rest become ``*`` — in reports, logs and stores. A 居民身份证
number is 18 characters (17 digits and a check digit or X, GB 11643) or, for
old cards, 15 digits. Runs inside longer alphanumerics (a 22-character
certificate serial) are not ID numbers and stay readable.
"""

from __future__ import annotations

import logging
import re

__all__ = ["MaskingFilter", "mask_id_number", "mask_id_numbers"]

_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")


def mask_id_number(value: str) -> str:
    """Mask one ID number, keeping the first and last 4 characters.

    >>> mask_id_number("11010519491231002X")
    '1101**********002X'
    """
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_id_numbers(text: str) -> str:
    """Mask every ID-number-like run in ``text``.

    >>> mask_id_numbers("证件号码：440524188001010014，编号 S000044030001244000123")
    '证件号码：4405**********0014，编号 S000044030001244000123'
    """
    return _ID_LIKE.sub(lambda m: mask_id_number(m.group(0)), text)


class MaskingFilter(logging.Filter):
    """Logging filter that masks ID numbers in every record's final message."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_id_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True

"""Text normalisation shared by field extraction and the rules.

OCR on Chinese certificates returns a mix of full-width and half-width forms
(``：`` vs ``:``, ``（`` vs ``(``, full-width digits), stray spaces inside
words (``姓 名``) and a few systematic confusions between letters and digits.
These helpers undo that before any comparison.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

__all__ = [
    "compact",
    "to_simplified",
    "fix_digit_confusions",
    "normalize_serial",
    "to_halfwidth",
]

_SPACES = re.compile(r"\s+")
# Characters OCR reads for a digit in a digits-only position (PassportEye-style
# confusion table, restricted to what PP-OCR actually produces on serials).
_DIGIT_CONFUSIONS = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1",
                                   "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "G": "6", "b": "6", "g": "9"})


def to_halfwidth(text: str) -> str:
    """Fold full-width ASCII forms and ideographic spaces to plain ASCII (NFKC).

    >>> to_halfwidth("证书编号：Ｓ０００１")
    '证书编号:S0001'
    """
    return unicodedata.normalize("NFKC", text)


_T2S = opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def _simplified_char(char: str) -> str:
    converted: str = _T2S.convert(char)
    return converted if len(converted) == 1 else char


def to_simplified(text: str) -> str:
    """Fold traditional characters to simplified, one character for one.

    Mainland certificates print simplified characters, but OCR reads some
    typefaces (楷体 in particular) as their traditional forms (職業 for 职业).
    The fold is per character so offsets into the text stay valid.

    >>> to_simplified("結業證書")
    '结业证书'
    """
    return "".join(_simplified_char(c) if ord(c) > 0x2E7F else c for c in text)


def compact(text: str) -> str:
    """Half-width, simplified form with every whitespace removed, for comparisons.

    >>> compact(" 姓  名： ")
    '姓名:'
    >>> compact("職業 資格")
    '职业资格'
    """
    return to_simplified(_SPACES.sub("", to_halfwidth(text)))


def fix_digit_confusions(text: str) -> str:
    """Replace letters that OCR confuses with digits (for digits-only positions).

    >>> fix_digit_confusions("2O24O5")
    '202405'
    """
    return text.translate(_DIGIT_CONFUSIONS)


def normalize_serial(text: str) -> str:
    """Normalise a printed serial as CONTRACT.md section 4 says: full-width to
    ASCII, spaces and separators removed. Letters keep their case so a lower-case
    prefix still fails an upper-case pattern.

    >>> normalize_serial("Ｓ 0000-4403 0001")
    'S000044030001'
    """
    cleaned = compact(text)
    return re.sub(r"[-_.·•,，。:/\\]", "", cleaned)

"""Fictional certificate holders: names and 居民身份证 numbers that pass the check digit.

The ID number follows GB 11643-1999 (cert-facts §6.1): a real GB/T 2260 county
code, the birth date, a 3-digit sequence whose parity is the sex (odd = male)
and the ISO 7064 MOD 11-2 check character. The people are invented; the
region codes are real so that an address-code check, if one is added, passes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

__all__ = ["Holder", "id_check_character", "is_valid_id_number", "make_holder", "make_id_number"]

#: ISO 7064 MOD 11-2 weights for the first 17 characters (2^(17-i) mod 11).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARACTERS = "10X98765432"

#: County-level codes (GB/T 2260) from the provinces the demo issuers sit in.
_REGION_CODES = (
    "110105", "110108", "310115", "310104", "440305", "440106", "441900", "440604",
    "330106", "330205", "320102", "320506", "510107", "500112", "420106", "430104",
    "370202", "350203", "610113", "130102", "410105", "340104", "360102", "450103",
)  # fmt: skip

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_GIVEN_MALE = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林晨阳志国建文斌海峰亮成坤博洋毅"
_GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲燕红琳雪梅莉婷颖慧倩晶璐欣怡悦佳琪萍蓉蕾薇月雯宁晓丹青云洁"


@dataclass(frozen=True)
class Holder:
    """The person a certificate is issued to.

    Attributes:
        name: the name in Chinese characters, 2 or 3 characters.
        is_male: the sex encoded in the ID number (odd sequence digit).
        birth_date: the birth date encoded in the ID number.
        id_number: an 18-character 居民身份证 number with a valid check character.
    """

    name: str
    is_male: bool
    birth_date: dt.date
    id_number: str


def id_check_character(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number.

    >>> id_check_character("11010519491231002")
    'X'
    >>> id_check_character("44052418800101001")
    '4'
    """
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"expected 17 digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARACTERS[total % 11]


def is_valid_id_number(id_number: str) -> bool:
    """Whether an 18-character ID number carries the right check character.

    >>> is_valid_id_number("360426199101010071"), is_valid_id_number("360426199101010072")
    (True, False)
    """
    return len(id_number) == 18 and id_number[:17].isdigit() and id_check_character(id_number[:17]) == id_number[17]


def make_id_number(rng: random.Random, birth_date: dt.date, is_male: bool) -> str:
    """A valid 18-character ID number for someone born on ``birth_date``."""
    sequence = rng.randrange(0, 500) * 2 + (1 if is_male else 0)
    first17 = f"{rng.choice(_REGION_CODES)}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + id_check_character(first17)


def _make_name(rng: random.Random, is_male: bool) -> str:
    pool = _GIVEN_MALE if is_male else _GIVEN_FEMALE
    given_length = 1 if rng.random() < 0.3 else 2
    return rng.choice(_SURNAMES) + "".join(rng.choice(pool) for _ in range(given_length))


def make_holder(rng: random.Random, on: dt.date) -> Holder:
    """A fictional holder aged 18 to 58 on the date ``on`` (the issue date)."""
    is_male = rng.random() < 0.55
    age_days = rng.randrange(18 * 365 + 5, 58 * 365)
    birth_date = on - dt.timedelta(days=age_days)
    return Holder(
        name=_make_name(rng, is_male),
        is_male=is_male,
        birth_date=birth_date,
        id_number=make_id_number(rng, birth_date, is_male),
    )

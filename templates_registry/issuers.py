"""Find the registered issuer a certificate names, by its printed name or a seal's text.

Names arrive through OCR (a character misread, a full-width bracket, a
traditional form) and through a seal's curved text (the name followed by
专用章, or the name cut where the ring closes). Both the registry names (name
and every alias) and the read text are folded by :func:`issuer_key` before
they are compared with rapidfuzz's normalised similarity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from ocr.text import compact, to_simplified
from templates_registry.loader import Registry
from templates_registry.models import IssuerRecord

__all__ = ["MIN_ISSUER_SIMILARITY", "IssuerMatch", "find_issuer", "issuer_key"]

#: Similarity (0-100, rapidfuzz ratio on folded names) from which a read name
#: is taken for a registry name. One misread character in a 10-character name
#: scores 90; two different organisations sharing a city and a suffix
#: (深圳市某某职业培训学校 / 深圳市另一职业培训学校) score about 80.
MIN_ISSUER_SIMILARITY = 88.0

#: Words a seal adds after the organisation's name.
_SEAL_SUFFIXES = ("职业技能等级认定专用章", "证书专用章", "专用章", "公章", "印章", "章")


def issuer_key(name: str) -> str:
    """A name folded for comparison: simplified, half-width, no spaces or punctuation.

    >>> issuer_key("深圳市 某某職業培訓學校（南山）")
    '深圳市某某职业培训学校南山'
    """
    folded = to_simplified(compact(name))
    return "".join(ch for ch in folded if ch.isalnum())


@dataclass(frozen=True)
class IssuerMatch:
    """A registry row and how it was found."""

    record: IssuerRecord
    similarity: float  # 0-100
    read_as: str  # the text on the certificate that named it
    source: str  # "printed" (the issuer field) or "seal"


def _strip_seal_suffix(key: str) -> str:
    for suffix in _SEAL_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix) + 2:
            return key[: -len(suffix)]
    return key


def find_issuer(registry: Registry, names: Iterable[tuple[str, str]]) -> IssuerMatch | None:
    """The best registry row for any of ``names`` (``(text, source)`` pairs), or ``None``.

    >>> from templates_registry.models import IssuerRecord
    >>> row = IssuerRecord(code="S1", name="深圳市某某职业培训学校", kind="evaluation_org", status="active")
    >>> reg = Registry(templates=(), issuers=(row,))
    >>> find_issuer(reg, [("深圳市某某职业培训字校", "printed")]).record.code
    'S1'
    >>> find_issuer(reg, [("深圳市某某职业培训学校专用章", "seal")]).similarity
    100.0
    >>> find_issuer(reg, [("广州市另一技工学校", "printed")]) is None
    True
    """
    best: IssuerMatch | None = None
    keyed = [(record, issuer_key(n)) for record in registry.issuers for n in record.all_names]
    for text, source in names:
        read = _strip_seal_suffix(issuer_key(text))
        if len(read) < 2:
            continue
        for record, key in keyed:
            score = float(fuzz.ratio(read, key))
            if score >= MIN_ISSUER_SIMILARITY and (best is None or score > best.similarity):
                best = IssuerMatch(record=record, similarity=round(score, 1), read_as=text, source=source)
    return best

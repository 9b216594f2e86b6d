"""Find the registered issuer a certificate names, by its printed name or a seal's text.

Names arrive through OCR (a character misread, a full-width bracket, a
traditional form) and through a seal's curved text (the name followed by
专用章, or the name cut where the ring closes). Both the registry names (name
and every alias) and the read text are folded by :func:`issuer_key` before
they are compared with rapidfuzz's normalised similarity.

A seal's ring has no first character: a reader that unrolls it may start
anywhere, so a seal's text is also compared in every rotation
("有限公司深圳市鹏城职业技能评价" is 深圳市鹏城职业技能评价有限公司), and the
words a seal adds (专用章, 职业技能鉴定专用章...) are removed wherever the
reader put them; the ring may also have been unrolled the other way round.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from ocr.text import compact, to_simplified
from templates_registry.loader import Registry
from templates_registry.models import IssuerRecord

__all__ = [
    "MIN_ISSUER_SIMILARITY",
    "MIN_LOOKALIKE_SIMILARITY",
    "IssuerMatch",
    "find_issuer",
    "issuer_key",
    "nearest_issuer",
    "registry_row_text",
]

#: Similarity (0-100, rapidfuzz ratio on folded names) from which a read name
#: is taken for a registry name. One misread character in a 10-character name
#: scores 90; two different organisations sharing a city and a suffix
#: (深圳市某某职业培训学校 / 深圳市另一职业培训学校) score about 80.
MIN_ISSUER_SIMILARITY = 88.0
#: From this similarity up to :data:`MIN_ISSUER_SIMILARITY` a name is *like* a
#: registered one without being it: two or three characters of a 12-character
#: name differ. On the generated hard photos a misread registered name landed
#: at 83; a look-alike name (深圳市鹏城职业技能鉴定有限公司 for 深圳市鹏城职业技能
#: 评价有限公司) also lands here. Either way a person should compare the two.
MIN_LOOKALIKE_SIMILARITY = 75.0

#: Words a seal adds to the organisation's name, longest first; removed wherever they
#: were read (the bottom line of a round seal may come out before or after the ring).
_SEAL_WORDS = (
    "职业技能等级认定专用章", "职业技能鉴定专用章", "评价专用章", "培训专用章", "证书专用章", "鉴定专用章",
    "专用章", "公章", "印章",
)
#: A lone trailing 章 is only a seal word at the very end (names never end in it).
_SEAL_TAIL = "章"
#: Shortest seal reading compared in rotation: shorter ones are too easily
#: rotated onto some other name.
_MIN_ROTATED_CHARS = 6


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


def _strip_seal_words(key: str) -> str:
    """``key`` without the words a seal adds (专用章...), if enough of a name is left.

    >>> _strip_seal_words("评价专用章深圳市鹏城职业技能评价有限公司")
    '深圳市鹏城职业技能评价有限公司'
    """
    stripped = key
    for word in _SEAL_WORDS:
        stripped = stripped.replace(word, "")
    if stripped.endswith(_SEAL_TAIL):
        stripped = stripped[: -len(_SEAL_TAIL)]
    return stripped if len(stripped) > 2 else key


def registry_row_text(record: IssuerRecord) -> str:
    """The registry row as its CSV line (CONTRACT.md section 5 columns), for evidence.

    >>> row = IssuerRecord(code="S1", name="某机构", kind="evaluation_org", status="revoked", occupations="电工;焊工")
    >>> registry_row_text(row)
    'S1,某机构,evaluation_org,revoked,电工;焊工'
    """
    cells = [record.code, record.name, record.kind.value, record.status.value, ";".join(record.occupations)]
    return ",".join(cells)


def _could_reach(read: str, key: str) -> bool:
    """Whether some ordering of ``read`` could reach the threshold against ``key``.

    A rotation keeps the characters, and the ratio is at most twice the shared
    characters over both lengths, so a bag-of-characters bound skips the
    rotations of a seal that cannot name this organisation in any order.
    """
    shared = sum((Counter(read) & Counter(key)).values())
    return 200.0 * shared / (len(read) + len(key)) >= MIN_ISSUER_SIMILARITY


def _similarity(read: str, key: str, source: str) -> float:
    """rapidfuzz ratio of ``read`` and ``key``; for a seal, the best over the rotations of ``read``."""
    score = float(fuzz.ratio(read, key))
    if source == "seal" and len(read) >= _MIN_ROTATED_CHARS and score < 100.0 and _could_reach(read, key):
        # Either direction: a reader may unroll the ring clockwise or counter-clockwise.
        rotations = (text[i:] + text[:i] for text in (read, read[::-1]) for i in range(len(text)))
        score = max(score, *(float(fuzz.ratio(r, key)) for r in rotations))
    return score


def find_issuer(registry: Registry, names: Iterable[tuple[str, str]]) -> IssuerMatch | None:
    """The registry row the certificate's issuer is, from ``names`` (``(text, source)`` pairs), or ``None``.

    The printed issuer name says who issued the certificate; a seal only stands
    in for it when the printed name matches no row (not printed, not read, or
    unregistered). A pre-printed seal of another registered body (the old
    职业资格证书 carries the 鉴定中心's seal under a province's name) must not
    replace the printed issuer, even when the seal reads more cleanly.

    >>> from templates_registry.models import IssuerRecord
    >>> row = IssuerRecord(code="S1", name="深圳市某某职业培训学校", kind="evaluation_org", status="active")
    >>> other = IssuerRecord(code="A1", name="某某职业技能鉴定中心", kind="authority", status="active")
    >>> reg = Registry(templates=(), issuers=(row, other))
    >>> find_issuer(reg, [("深圳市某某职业培训字校", "printed")]).record.code
    'S1'
    >>> find_issuer(reg, [("深圳市某某职业培训学校专用章", "seal")]).similarity
    100.0
    >>> find_issuer(reg, [("培训学校深圳市某某职业", "seal")]).similarity  # the ring read from its middle
    100.0
    >>> find_issuer(reg, [("深圳市某某职业培训字校", "printed"), ("某某职业技能鉴定中心", "seal")]).record.code
    'S1'
    >>> find_issuer(reg, [("广州市另一技工学校", "printed")]) is None
    True
    """
    keyed = [(record, issuer_key(n)) for record in registry.issuers for n in record.all_names]
    best: dict[str, IssuerMatch] = {}
    for text, source in names:
        read = issuer_key(text)
        read = _strip_seal_words(read) if source == "seal" else read
        if len(read) < 2:
            continue
        for record, key in keyed:
            score = _similarity(read, key, source)
            kept = best.get(source)
            if score >= MIN_ISSUER_SIMILARITY and (kept is None or score > kept.similarity):
                best[source] = IssuerMatch(record=record, similarity=round(score, 1), read_as=text, source=source)
    return best.get("printed") or next(iter(best.values()), None)


def nearest_issuer(registry: Registry, text: str) -> IssuerMatch | None:
    """The registry row whose name is most like the printed ``text``, whatever the similarity.

    >>> from templates_registry.models import IssuerRecord
    >>> row = IssuerRecord(code="S1", name="青岛海宁烹饪职业培训学校", kind="evaluation_org", status="active")
    >>> nearest_issuer(Registry(templates=(), issuers=(row,)), "青岛海宁空迁职业培训学校").similarity
    83.3
    """
    read = issuer_key(text)
    scored = ((float(fuzz.ratio(read, issuer_key(n))), record) for record in registry.issuers for n in record.all_names)
    best = max(scored, key=lambda pair: pair[0], default=None)
    if best is None:
        return None
    return IssuerMatch(record=best[1], similarity=round(best[0], 1), read_as=text, source="printed")

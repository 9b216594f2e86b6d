"""Who issued a document: the built-in registry of state bodies (``rules/data/state_bodies.yaml``).

The real world is open: most uploads are of designs nobody registered, and
state bodies print their own names, seals and the national emblem. This module
answers two questions for the rules:

* :func:`match_state_body`: is a name (printed, on a seal, in a wording hit) a
  state body, and which one? National bodies by their names, aliases and former
  names (a ``中华人民共和国`` before, a unit of the body such as 重点实验室 or
  职业技能鉴定中心 after); bodies of provinces, cities and counties by the data's
  ``{place}`` patterns (莆田市涵江区教育局, 福建省人力资源和社会保障厅).
* :func:`find_state_issuer`: does the document itself say that a state body
  issued it — the printed issuer, the signature block's rows or a seal name the
  body, and no seal read with confidence names a non-state organisation instead?
  A body named only by a claim in the body text (×××监制) is not an issuer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from certcheck.types import CertificateFields, Detection, OcrResult
from ocr.layout import rows_of
from ocr.text import compact, to_simplified
from rules.catalogue import LocalBody, StateBodies, StateBody

__all__ = [
    "IssuingName",
    "StateBodyMatch",
    "StateIssuer",
    "find_state_issuer",
    "issuing_names",
    "match_state_body",
    "seal_reading",
]

#: A seal reading from this recogniser score is taken as it is (rules/seal_rules.py measures the same).
TRUSTED_SEAL_CONFIDENCE = 0.95
#: rapidfuzz ratio from which a whole name read with a slip is the body's name (one character in 8).
MIN_NAME_SIMILARITY = 88.0
#: Words after a body's name that keep it the body: its units and the words a seal or a signature adds.
_UNIT_SUFFIX = re.compile(
    r"(?:(?:职业技能鉴定|技能鉴定|人事考试|教育考试|考试)(?:指导|管理|服务)?(?:中心|院)|重点实验室|实验室|研究院|研究所|"
    r"办公室|考试院|专用章|公章|印章|监督专用章|发票专用章|鉴定专用章|证书专用章)*$"
)
_SEAL_WORDS = re.compile(r"(?:职业技能鉴定|职业技能等级认定|证书|发票|评价|培训)?(?:专用章|公章|印章)$")
_NATIONAL_PREFIX = re.compile(r"中国|中华|国家|全国")
_NOT_NAME = re.compile(r"[^\u4e00-\u9fffA-Za-z]")
_NUMERAL = "[0-9〇零一二三四五六七八九十○]"
_DATE = re.compile(f"(?:{_NUMERAL}{{2,4}}年)?{_NUMERAL}{{1,3}}月(?:{_NUMERAL}{{1,3}}日)?")
#: The issuing rows of a page are in its lower part (signature block) or stand alone as a name.
SIGNATURE_TOP = 0.5


@dataclass(frozen=True)
class StateBodyMatch:
    """A name resolved to a state body."""

    name: str  # the body's registry name, or the read local name (莆田市涵江区教育局)
    issues: tuple[str, ...]
    level: str
    source: str


@dataclass(frozen=True)
class IssuingName:
    """A name the document gives as its issuer, and where it comes from."""

    text: str
    source: str  # printed | signature | seal
    trusted: bool  # a seal reading at or above TRUSTED_SEAL_CONFIDENCE, or printed text


@dataclass(frozen=True)
class StateIssuer:
    """The state body that issued the document, by the document's own print and seals."""

    body: StateBodyMatch
    names: tuple[IssuingName, ...]  # every issuing name that resolves to a state body
    on_seal: bool  # a seal names it too

    def issues(self, what: str) -> bool:
        return what in self.body.issues


def _key(text: str) -> str:
    return _NOT_NAME.sub("", compact(to_simplified(text)))


def _national(key: str, body: StateBody) -> bool:
    for name in body.all_names:
        n = _key(name)
        if len(n) < 2:
            continue
        if key == n:
            return True
        if len(n) >= 4 and len(key) >= 4 and abs(len(key) - len(n)) <= 1 and fuzz.ratio(key, n) >= MIN_NAME_SIMILARITY:
            return True
        at = key.find(n)
        if at < 0 or len(n) < 3:
            continue
        before, after = key[:at], key[at + len(n):]
        if before in ("", "中华人民共和国") and _UNIT_SUFFIX.fullmatch(after):
            return True
        # A unit named before its parent (信息网络安全公安部重点实验室), never an invented national prefix.
        if after and _UNIT_SUFFIX.fullmatch(after) and not _NATIONAL_PREFIX.search(before):
            return True
    return False


def _local(key: str, bodies: StateBodies) -> LocalBody | None:
    stem = _UNIT_SUFFIX.sub("", key) if _UNIT_SUFFIX.search(key) else key
    for pattern, local in bodies.local_patterns:
        if pattern.fullmatch(key) or (stem != key and pattern.fullmatch(stem)):
            return local
    return None


def match_state_body(text: str, bodies: StateBodies) -> StateBodyMatch | None:
    """The state body ``text`` names, or ``None``.

    >>> from rules.catalogue import default_rule_data
    >>> sb = default_rule_data().state_bodies
    >>> match_state_body("莆田市涵江区教育局", sb).issues
    ('other',)
    >>> match_state_body("中华人民共和国人力资源和社会保障部", sb).name
    '人力资源和社会保障部'
    >>> match_state_body("信息网络安全公安部重点实验室", sb).name  # a unit named before its parent
    '公安部'
    >>> match_state_body("中国人力资源和社会保障部认证中心", sb) is None
    True
    >>> match_state_body("国家职业技能鉴定管理中心", sb) is None  # an invented national body
    True
    >>> match_state_body("莆田市职业技能鉴定指导中心", sb).source
    'hrss-2019'
    """
    key = _key(text)
    if len(key) < 2:
        return None
    for body in bodies.bodies:
        if _national(key, body):
            return StateBodyMatch(body.name, body.issues, body.level, body.source)
    local = _local(key, bodies)
    if local is not None:
        return StateBodyMatch(key, local.issues, "local", local.source)
    return None


def seal_reading(seal: Detection) -> tuple[str | None, bool]:
    """A seal's read text and whether it can be trusted (``extras["text_trusted"]`` when the reader says)."""
    text = seal.extras.get("text")
    if not isinstance(text, str) or not text.strip():
        return None, False
    trusted = seal.extras.get("text_trusted")
    if not isinstance(trusted, bool):
        trusted = float(seal.extras.get("text_confidence", 0.0)) >= TRUSTED_SEAL_CONFIDENCE
    return text.strip(), trusted


def _signature_rows(ocr: OcrResult, page_height: int) -> Iterable[str]:
    """Rows of the lower page, and any row that is a name on its own (dates dropped)."""
    for row in rows_of(ocr.lines):
        text = _DATE.sub("", row.text)
        low = min(line.bbox[1] for line in row.lines) >= SIGNATURE_TOP * page_height
        if low or len(_key(text)) <= 16:
            yield text


#: What may follow a body's name at the end of a signature row: its seal's mark (印), a closing bracket.
_ROW_TAIL = re.compile(r"(?:印|章|盖章|签章|公章)?$")


def bodies_ending(text: str, bodies: StateBodies) -> list[str]:
    """State bodies named at the end of ``text`` (a signature row: 湖南省教育厅中国工业与应用数学学会 names the first
    only if it ends the row; a label before the name is allowed: 发证机关莆田市职业技能鉴定指导中心).

    A body named inside a sentence (经人力资源和社会保障部备案) does not end the row and is not an issuer.

    >>> from rules.catalogue import default_rule_data
    >>> sb = default_rule_data().state_bodies
    >>> bodies_ending("身份证号职业技能鉴定(指导)中心(印)", sb)
    ['职业技能鉴定指导中心']
    >>> bodies_ending("经人力资源和社会保障部备案", sb)
    []
    """
    key = _key(text)
    key = key[: _ROW_TAIL.search(key).start()]  # type: ignore[union-attr]
    found = []
    for body in bodies.bodies:
        for name in body.all_names:
            n = _key(name)
            if len(n) >= 3 and key.endswith(n) and key != n:
                found.append(n)
    for pattern, _local_body in bodies.local_patterns:
        for start in range(0, max(1, len(key) - 3)):
            if pattern.fullmatch(key, start):
                found.append(key[start:])
                break
    return list(dict.fromkeys(found))


def issuing_names(
    fields: CertificateFields, detections: Sequence[Detection], ocr: OcrResult, page_height: int,
    bodies: StateBodies,
) -> tuple[IssuingName, ...]:
    """The names the document gives as its issuer: the printed issuer, signature rows and seals."""
    names: list[IssuingName] = []
    printed = [(fields.issuer.value, "printed")] if fields.issuer is not None else []
    for text, source in [*printed, *((t, "signature") for t in _signature_rows(ocr, page_height))]:
        names.append(IssuingName(text, source, True))
        names += [IssuingName(body, source, True) for body in bodies_ending(text, bodies)]
    for seal in detections:
        if seal.kind != "seal":
            continue
        text, trusted = seal_reading(seal)
        if text:
            names.append(IssuingName(_SEAL_WORDS.sub("", _key(text)), "seal", trusted))
    return tuple(names)


def _same_body(a: str, b: str) -> bool:
    ka, kb = _key(a), _key(b)
    return bool(ka) and bool(kb) and (ka in kb or kb in ka or fuzz.ratio(ka, kb) >= MIN_NAME_SIMILARITY)


def find_state_issuer(names: Sequence[IssuingName], bodies: StateBodies) -> StateIssuer | None:
    """The state body the document names as its issuer, unless a trusted seal names a non-state one instead.

    A seal naming the body is the strongest sign; a printed name or a signature row counts when no seal read with
    confidence names an organisation that is not a state body (a training outfit's own seal under a printed
    ministry's name is the knock-off, not the ministry).
    """
    matched = [(n, m) for n in names if (m := match_state_body(n.text, bodies)) is not None]
    if not matched:
        return None
    on_seal = [(n, m) for n, m in matched if n.source == "seal"]
    if on_seal:
        first = on_seal[0][1]
        return StateIssuer(first, tuple(n for n, _ in matched), True)
    foreign_seals = [n for n in names if n.source == "seal" and n.trusted and len(n.text) >= 4
                     and match_state_body(n.text, bodies) is None]
    body = matched[0][1]
    if any(not _same_body(s.text, body.name) for s in foreign_seals):
        return None
    return StateIssuer(body, tuple(n for n, _ in matched), False)

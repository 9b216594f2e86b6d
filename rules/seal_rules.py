"""Seals against the printed issuer and the template (``FOREIGN_MARK``, ``TEMPLATE_MISMATCH``).

A certificate is issued by an organisation in its own name (人社鉴发〔2021〕1号
二（一）, cert-facts §8.5), and its seal is how it signs: a seal that names a
different organisation than the printed issuer borrows another body's mark
(人社部函〔2022〕25号 一（一）, ``FOREIGN_MARK``). A template that registers a
seal (``marks.seal: required``) and a certificate without one do not match
(``TEMPLATE_MISMATCH``).

The seal's text comes from :func:`vision.seal_text.read_seal_texts`
(``extras["text"]`` and ``extras["text_confidence"]`` of a ``seal``
detection). Names are compared after :func:`templates_registry.issuers.issuer_key`
folding, with the words a seal adds (专用章, 公章...) dropped: by rapidfuzz's
``ratio`` on the whole names (an OCR slip or a reading cut where the ring
closes costs a few points), or by ``partial_ratio`` on their distinctive heads
once the ending they share is removed (a seal often carries the registered
name in full where the certificate prints a shorter one). ``partial_ratio``
on the whole names would not do: two evaluation organisations sharing
"职业技能评价有限公司" score 83.

Thresholds, measured on the 32 organisation names of the samples generator
(evaluation organisations, companies, contest committees, training outfits):
compared pairwise (992 pairs), whole-name ratios reach 82.8 (北京金证通… /
北京博艺…职业技能评价有限公司: same city, same ending) and head ratios 70, so
no pair counts as one organisation at 90 / 80. Against its own variants (the
first or last two characters cut, one or two characters misread, a 专用章
added, one character dropped; 192 readings) 187 count as the same; the 5 that
do not have two misread characters. Seal readings under 0.9 confidence
(:data:`MIN_SEAL_TEXT_CONFIDENCE`) or under 4 characters are not compared,
and one under 0.95 only when the names are far apart: the recogniser scores
a phone photo's blurred arc with 3-5 wrong characters at 0.6-0.94, and such a
reading must not accuse the issuer.

A seal whose text names an impersonated authority (a ministry) is left to the
wording rules (``IMPERSONATED_AUTHORITY``, :mod:`rules.wording`), not reported
twice.
"""

from __future__ import annotations

from rapidfuzz import fuzz

from certcheck.types import Detection, Evidence, EvidenceCode
from rules.context import RuleContext
from rules.evidence import make_evidence
from rules.wording import Scope, default_wording, find_wording
from templates_registry.issuers import issuer_key

__all__ = [
    "MAX_UNSURE_SIMILARITY",
    "MIN_SAME_HEAD",
    "MIN_SAME_WHOLE_NAME",
    "MIN_SEAL_TEXT_CONFIDENCE",
    "SURE_SEAL_TEXT_CONFIDENCE",
    "foreign_seal_rule",
    "missing_seal_rule",
    "same_organisation",
]

#: rapidfuzz ratio (0-100) of the whole folded names from which they name one organisation.
MIN_SAME_WHOLE_NAME = 90.0
#: rapidfuzz partial_ratio of the names' heads (their common ending removed) from which they do.
MIN_SAME_HEAD = 80.0
#: A seal reading below this recogniser score is not compared. On 24 genuine generated photos
#: (seed 34; scan, phone, hard), 5 seals were misread with 3-5 wrong characters at scores 0.60-0.91
#: and would have been reported as another organisation.
MIN_SEAL_TEXT_CONFIDENCE = 0.9
#: From this score a reading is taken as it is; between the two, the names must also be far apart
#: (similarity under MAX_UNSURE_SIMILARITY). Misreads of the issuer's own seal at 0.91 and 0.94
#: (seeds 33-34) still scored 75 and 79 against the printed name; seals of other organisations
#: read at 0.92-1.0 scored under 50 (10 of 12 ``foreign_seal`` photos, seed 33).
SURE_SEAL_TEXT_CONFIDENCE = 0.95
MAX_UNSURE_SIMILARITY = 60.0
#: Nor one shorter than this many characters (after folding).
MIN_SEAL_TEXT_LENGTH = 4
#: Words a seal adds after the organisation's name, longest first.
_SEAL_WORDS = (
    "职业技能等级认定专用章", "评价专用章", "培训专用章", "证书专用章", "合同专用章", "财务专用章", "专用章", "公章", "印章",
)


def _organisation(text: str) -> str:
    """A seal's or issuer's text folded, without the words a seal adds.

    >>> _organisation("深圳市鹏城职业技能评价有限公司 评价专用章")
    '深圳市鹏城职业技能评价有限公司'
    """
    key = issuer_key(text)
    for word in _SEAL_WORDS:
        key = key.replace(word, "")
    return key


def same_organisation(seal_text: str, issuer: str) -> tuple[bool, float]:
    """Whether a seal's text and a printed issuer name the same organisation, and the similarity.

    >>> same_organisation("深圳市鹏城职业技能评价有限公司评价专用章", "深圳市鹏城职业技能评价有限公司")[0]
    True
    >>> same_organisation("鹏城职业技能评价有限公司", "深圳市鹏城职业技能评价有限公司")[0]
    True
    >>> same_organisation("苏州吴韵职业技能评价有限公司", "深圳市鹏城职业技能评价有限公司")[0]
    False
    >>> same_organisation("杭州云帆网络科技有限公司", "深圳市鹏城职业技能评价有限公司")[0]
    False
    """
    a, b = _organisation(seal_text), _organisation(issuer)
    if min(len(a), len(b)) < MIN_SEAL_TEXT_LENGTH:
        return False, 0.0
    if a in b or b in a:
        return True, 100.0  # a reading cut where the ring closes, or a name printed in part
    whole = float(fuzz.ratio(a, b))
    head_a, head_b = _without_common_suffix(a, b)
    # The distinctive heads (city and brand): a short printed name inside the seal's full one.
    head = float(fuzz.partial_ratio(head_a, head_b)) if min(len(head_a), len(head_b)) >= 2 else 0.0
    same = whole >= MIN_SAME_WHOLE_NAME or head >= MIN_SAME_HEAD
    return same, round(max(whole, head), 1)


def _without_common_suffix(a: str, b: str) -> tuple[str, str]:
    """Both names without the ending they share (职业技能评价有限公司, 有限公司...).

    >>> _without_common_suffix("苏州吴韵职业技能评价有限公司", "深圳市鹏城职业技能评价有限公司")
    ('苏州吴韵', '深圳市鹏城')
    """
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return a[: len(a) - n], b[: len(b) - n]


def foreign_seal_rule(ctx: RuleContext) -> list[Evidence]:
    """``FOREIGN_MARK`` for each readable seal that names another organisation than the printed issuer."""
    issuer = ctx.fields.issuer
    if issuer is None or len(_organisation(issuer.value)) < MIN_SEAL_TEXT_LENGTH:
        return []  # nothing printed to compare with; the issuer lookup reads the seal instead
    evidence = []
    for seal in ctx.detections_of("seal"):
        text = _readable_text(seal)
        if text is None or _names_authority(text):
            continue
        same, score = same_organisation(text, issuer.value)
        sure = float(seal.extras.get("text_confidence", 0.0)) >= SURE_SEAL_TEXT_CONFIDENCE
        if same or (not sure and score >= MAX_UNSURE_SIMILARITY):
            continue
        confidence = min(0.9, float(seal.extras.get("text_confidence", 0.0)), issuer.confidence)
        evidence.append(make_evidence(
            ctx.data, EvidenceCode.FOREIGN_MARK,
            f"印章文字“{text}”与证书上的发证机构“{issuer.value}”不是同一单位",
            f"The seal reads '{text}', a different organisation than the printed issuer '{issuer.value}'",
            text=text, quad=seal.quad, confidence=confidence,
        ))
    return evidence


def missing_seal_rule(ctx: RuleContext) -> list[Evidence]:
    """``TEMPLATE_MISMATCH`` when the matched template registers a seal and none was found.

    Confidence 0.6: a stamp printed very small or faint (under 12 % of the
    page's short side, or 40 % ink under 18 %) can escape the seal finder
    (``vision/seal_suppress.py``), so a person should look.
    """
    template = ctx.template
    if template is None or template.spec.marks.seal != "required" or ctx.detections_of("seal"):
        return []
    return [make_evidence(
        ctx.data, EvidenceCode.TEMPLATE_MISMATCH,
        f"未在证书上找到印章，已备案的{template.spec.name}样式应加盖发证机构印章",
        f"No seal was found; the registered {template.spec.id} style carries the issuer's seal",
        confidence=0.6,
    )]


def _readable_text(seal: Detection) -> str | None:
    text = seal.extras.get("text")
    if not isinstance(text, str) or seal.extras.get("text_trusted") is False:
        return None  # the seal reader says its reading is not trustworthy: it names nobody
    if float(seal.extras.get("text_confidence", 0.0)) < MIN_SEAL_TEXT_CONFIDENCE:
        return None
    if len(_organisation(text)) < MIN_SEAL_TEXT_LENGTH:
        return None
    return text.strip()


def _names_authority(text: str) -> bool:
    """Whether the wording rules report this seal text as an impersonated authority."""
    return any(
        hit.entry.code == EvidenceCode.IMPERSONATED_AUTHORITY
        for hit in find_wording(text, default_wording(), Scope.CERTIFICATE)
    )

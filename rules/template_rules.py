"""The certificate against its registered template: ``TEMPLATE_MISMATCH`` and ``ADDED_TEXT``.

* ``TEMPLATE_MISMATCH``: a title that claims an official kind (职业技能等级证书…)
  must follow a registered sample (豫人社函〔2022〕129号 五（二）); when no
  template of that kind matches, the labels that are missing or out of place
  are the evidence, each with its box.
* ``ADDED_TEXT`` (:func:`layout_added_text_rule`): on a certificate that does
  match its template, a text block printed where the template's learnt layout
  has nothing (东人社函〔2022〕37号 二（四）), whatever its wording. Field values
  vary in length, the seal overprints and phone photos are imperfectly
  rectified, so a block is "added" only when nothing explains it: not the title,
  a label or a value, not text the sample prints, not next to a label (a value
  in another arrangement of the same reference style), not in a seal, and not
  inside any learnt region once mapped into the layout.

Coordinates: OCR lines and evidence quads are work space; learnt regions are
normalised sheet coordinates, compared after mapping the line back through the
candidate's fitted transform (:func:`templates_registry.matching.unmap_box`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

from certcheck.types import CertificateFields, Evidence, EvidenceCode, OcrLine, Quad, Severity
from ocr.text import compact
from rules.catalogue import RuleData
from rules.context import RuleContext
from rules.evidence import make_evidence
from templates_registry.layout import LabelHit, LearntLayout, NormBox
from templates_registry.matching import TemplateCandidate, is_fixed_design, unmap_box

__all__ = [
    "MIN_LABEL_ONLY_SCORE",
    "MIN_TEMPLATE_SCORE",
    "check_template_match",
    "invented_bodies",
    "invented_body_rule",
    "layout_added_text_rule",
    "template_promises",
]

#: Below this score a candidate is not the certificate's template. Measured
#: (templates_registry.matching weights) on 53 generated photos of official
#: designs with a learnt layout (the skill-level design in its three
#: arrangements, all photo conditions, genuine and with defects): lowest 0.578
#: (a hard photo on which OCR lost four of nine labels), then 0.633; other designs
#: given the official title (company training and contest certificates retitled
#: 职业技能等级证书): 0.35. The title in place plus half the labels scores about 0.55.
MIN_TEMPLATE_SCORE = 0.55
#: The same for a template whose layout was never learnt (title 0.3 + label
#: coverage 0.7, templates_registry.matching): at least ~60 % of its labels.
MIN_LABEL_ONLY_SCORE = 0.72

#: Learnt text regions are widened by this share of the sheet width and, up and
#: down, by this share of their own height before a line is compared with them.
REGION_MARGIN_X = 0.015
REGION_MARGIN_Y = 0.5
#: ... but never more than this share of the sheet height: the title is four
#: times as tall as a row, and added wording is printed just under it.
MAX_REGION_MARGIN_Y = 0.015
#: Value regions (a value or a label's row) reach this far right (normalised x):
#: values vary in length and may run to the sheet's printed frame.
VALUE_REACH_X = 0.95
#: Seals, QR codes and photos are widened by this share of the sheet.
MARK_MARGIN = 0.02
#: A line lies in the learnt layout when this share of its area is covered.
MIN_COVERED_SHARE = 0.5
#: Wording similarity (rapidfuzz partial ratio, 0-100) a line needs with a static text block of the
#: sample to be admitted in that block's place (see _regions). Measured on 73 generated photos: any
#: value from 40 to 90 keeps 0 false alarms on 36 clean certificates that matched a template and
#: finds 17 of 17 added lines on matched ones; without this test (0) two lines printed under the
#: title, where the sample prints its body sentence, were missed.
MIN_STATIC_SIMILARITY = 50.0
#: Wording similarity (rapidfuzz partial ratio, 0-100) from which a line is text the sample prints.
MIN_KNOWN_TEXT_SIMILARITY = 80.0
#: A value sits right of its label within this many label heights, or below it within MAX_BELOW_HEIGHTS.
MAX_RIGHT_HEIGHTS = 8.0
MAX_BELOW_HEIGHTS = 2.5
#: Lines shorter than this (Han characters, or other letters and digits) or read
#: less surely are not judged: guilloche and frame ornaments read as stray glyphs.
MIN_HAN_CHARS = 2
MIN_OTHER_CHARS = 4
MIN_LINE_CONFIDENCE = 0.75

_HAN = re.compile(r"[\u4e00-\u9fff]")
_ALNUM = re.compile(r"[A-Za-z0-9]")


def check_template_match(
    fields: CertificateFields,
    candidates: Sequence[TemplateCandidate],
    data: RuleData,
) -> tuple[TemplateCandidate | None, list[Evidence]]:
    """The matched template (if any) and the evidence when an official title has none.

    A certificate whose title claims an official kind (职业技能等级证书…) must
    follow a registered sample (豫人社函〔2022〕129号 五（二）). The first piece of
    evidence is on the title and names the closest template and its missing
    labels; one more piece per label found out of place carries that label's box.
    """
    best = candidates[0] if candidates else None
    if best is not None and best.score >= (MIN_TEMPLATE_SCORE if best.transform else MIN_LABEL_ONLY_SCORE):
        return best, template_promises(fields, best, data)
    if not fields.kind.is_official:
        return None, []
    title = fields.title.value if fields.title else ""
    quad = fields.title.quad if fields.title else None
    if best is None:
        return None, [make_evidence(
            data, EvidenceCode.TEMPLATE_MISMATCH,
            f"标题为“{title}”，但没有该类证书的备案样式可供比对",
            f"The title '{title}' claims an official kind, but no registered template of that kind exists",
            text=title or None, quad=quad, confidence=0.7,
        )]
    name = best.template.spec.name
    missing_zh = f"缺少 {'、'.join(best.missing_labels)}" if best.missing_labels else "标签齐全"
    missing_en = f"missing labels: {', '.join(best.missing_labels)}" if best.missing_labels else "no label missing"
    misplaced_zh = f"，{len(best.misplaced)} 个标签位置不符" if best.misplaced else ""
    misplaced_en = f"; {len(best.misplaced)} label(s) out of place" if best.misplaced else ""
    evidence = [make_evidence(
        data, EvidenceCode.TEMPLATE_MISMATCH,
        f"标题为“{title}”，但与备案样式“{name}”不符：{missing_zh}{misplaced_zh}（相符度 {best.score:.2f}）",
        f"The title '{title}' claims {best.template.spec.id}, but the layout differs: {missing_en}{misplaced_en} "
        f"(match score {best.score:.2f})",
        text=title or None, quad=quad, confidence=round(1.0 - best.score, 3),
    )]
    for placement in best.misplaced:
        evidence.append(make_evidence(
            data, EvidenceCode.TEMPLATE_MISMATCH,
            f"标签“{placement.label}”不在备案样式“{name}”规定的位置",
            f"The label '{placement.label}' is not where {best.template.spec.id} prints it "
            f"(off by {placement.offset:.0%} of the sheet diagonal)",
            text=placement.label, quad=placement.quad, confidence=round(min(1.0, 0.5 + placement.offset), 3),
        ))
    return None, evidence


def template_promises(fields: CertificateFields, matched: TemplateCandidate, data: RuleData) -> list[Evidence]:
    """What a matched registered design's sample shows and this page does not: low, "请人工核对".

    Only for an organisation's own design (:func:`~templates_registry.matching.is_fixed_design`):
    a label not found, the title printed elsewhere or at another size, a text block of the sample
    (its English title, body sentence, lookup line) missing. Each alone is what a hard photo also
    gives (OCR drops a line, glare hides a corner), so each asks a person to look; a page that lacks
    many of them does not match the design at all (its score falls below MIN_TEMPLATE_SCORE) and
    gets TEMPLATE_MISMATCH at its default severity. The required seal (rules/seal_rules.py) and QR
    code (rules/qr_rules.py) are judged by their own rules.
    """
    if not is_fixed_design(matched.template):
        return []
    name = matched.template.spec.name
    quad = fields.title.quad if fields.title else None
    gaps_zh: list[str] = []
    gaps_en: list[str] = []
    if matched.missing_labels:
        gaps_zh.append(f"缺少标签 {'、'.join(matched.missing_labels)}")
        gaps_en.append(f"labels missing: {', '.join(matched.missing_labels)}")
    if matched.title_score is not None and matched.title_score < 1.0:
        gaps_zh.append("标题的位置或大小与样本不同")
        gaps_en.append("the title is not where or as large as on the sample")
    if matched.missing_blocks:
        gaps_zh.append(f"缺少样本上的文字“{'”“'.join(matched.missing_blocks)}”")
        gaps_en.append(f"text blocks of the sample missing: {' / '.join(matched.missing_blocks)}")
    if not gaps_zh:
        return []
    return [make_evidence(
        data, EvidenceCode.TEMPLATE_MISMATCH,
        f"与备案样式“{name}”大体相符，但{'；'.join(gaps_zh)}，请人工核对",
        f"Matches the registered design {matched.template.spec.id}, but {'; '.join(gaps_en)}; please check by eye",
        text=fields.title.value if fields.title else None, quad=quad, confidence=0.4, severity=Severity.LOW,
    )]


#: The words an invented national body opens with (人社部函〔2022〕25号 一（一）: 中国, 全国, 国家).
_NATIONAL_OPENING = ("国家", "全国", "中国", "中华")
#: And what makes a name a body (a committee, a centre, an association) rather than a phrase.
_BODY_ENDINGS = ("委员会", "中心", "协会", "学会", "联合会", "研究院", "管理局", "指导站", "办公室", "总会", "工作部")


def invented_bodies(
    names: Sequence[str], registered: Sequence[str], is_known_state_body: Callable[[str], bool]
) -> list[str]:
    """The "国家…/全国…/中国…" bodies among ``names`` that are neither a known state body nor the registered issuer.

    Args:
        names: the names the document gives as its issuer (printed, signature rows, seals).
        registered: the registered issuer's name and aliases (empty when the issuer is not registered).
        is_known_state_body: whether a name is a state body of the registry (``rules/data/state_bodies.yaml``).

    >>> invented_bodies(["国家职业技能评价管理委员会", "国家开放大学"], [], lambda n: n == "国家开放大学")
    ['国家职业技能评价管理委员会']
    >>> invented_bodies(["中国电力企业联合会"], ["中国电力企业联合会"], lambda n: False)
    []
    """
    found = []
    own = {compact(n) for n in registered if n}
    for name in names:
        key = compact(name)
        if not key.startswith(_NATIONAL_OPENING) or not any(key.endswith(e) for e in _BODY_ENDINGS):
            continue
        if key in own or any(key in o or o in key for o in own) or is_known_state_body(name):
            continue
        if key not in found:
            found.append(key)
    return found


def invented_body_rule(ctx: RuleContext, is_known_state_body: Callable[[str], bool] | None = None) -> list[Evidence]:
    """``IMPERSONATED_AUTHORITY`` for an invented national body named as the issuer (issue 12 item 2).

    Args:
        is_known_state_body: the state-body registry's test; by default
            :func:`rules.authorities.match_state_body` on ``ctx.data.state_bodies``.
    """
    if is_known_state_body is None:
        from rules.authorities import match_state_body

        def is_known_state_body(name: str) -> bool:
            return match_state_body(name, ctx.data.state_bodies) is not None

    registered = ctx.issuer.record.all_names if ctx.issuer is not None else ()
    names = [n.text for n in ctx.issuing_names]
    if not names and ctx.fields.issuer is not None:
        names = [ctx.fields.issuer.value]
    quad = ctx.fields.issuer.quad if ctx.fields.issuer is not None else None
    return [
        make_evidence(
            ctx.data, EvidenceCode.IMPERSONATED_AUTHORITY,
            f"发证单位“{body}”以国家、全国或中国名义命名，但既不是已知的国家机关，也不是已登记的发证机构",
            f"The issuer '{body}' takes a national name but is neither a known state body nor the registered issuer",
            text=body, quad=quad, confidence=0.8,
        )
        for body in invented_bodies(names, registered, is_known_state_body)
    ]


def layout_added_text_rule(ctx: RuleContext) -> list[Evidence]:
    """``ADDED_TEXT``: text blocks printed where the matched template's learnt layout has nothing."""
    matched = ctx.matched
    if matched is None or matched.layout is None or matched.transform is None:
        return []
    layout = matched.layout
    known = _known_wording(ctx, layout)
    seals = [d.quad for d in ctx.detections_of("seal") if d.quad is not None]
    title_quad = ctx.fields.title.quad if ctx.fields.title else None
    evidence = []
    for line in ctx.ocr.lines:
        if not _judged(line) or _within(line.quad, title_quad) or any(_within(line.quad, s, 0.1) for s in seals):
            continue
        if _is_known(compact(line.text), known) or _beside_a_label(line, matched.labels):
            continue
        box = unmap_box(matched.transform, _bounds(line.quad), ctx.page_size)
        if _covered_share(box, _regions(layout, compact(line.text))) >= MIN_COVERED_SHARE:
            continue
        evidence.append(make_evidence(
            ctx.data, EvidenceCode.ADDED_TEXT,
            f"证书上“{line.text}”印在备案样式“{matched.template.spec.name}”没有内容的位置",
            f"'{line.text}' is printed where the registered template {matched.template.spec.id} prints nothing",
            text=line.text, quad=line.quad, confidence=round(min(line.confidence, 0.9), 3),
        ))
    return evidence


def _judged(line: OcrLine) -> bool:
    """Whether a line is worth judging: long enough, read surely, and not a bare label awaiting its value.

    A text ending in a colon is a label (a misread one: a hard photo read 工种/职业方向： as
    [种/测业力向：), not added wording, which is a phrase or a sentence.
    """
    if line.text.rstrip().endswith((":", "：")):
        return False
    han = len(_HAN.findall(line.text))
    other = len(_ALNUM.findall(line.text))
    return line.confidence >= MIN_LINE_CONFIDENCE and (han >= MIN_HAN_CHARS or other >= MIN_OTHER_CHARS)


def _known_wording(ctx: RuleContext, layout: LearntLayout) -> list[str]:
    """Texts a genuine certificate of this template prints: its labels, the sample's wording and the read values."""
    spec = ctx.template.spec if ctx.template else None
    texts = [label for f in (spec.fields if spec else ()) for label in f.all_labels]
    texts += [spec.title] if spec else []
    texts += [block.text for block in (*layout.labels, *layout.texts) if block.role != "value"]
    texts += [value.value for key in CertificateFields.FIELD_KEYS if (value := ctx.fields.get(key)) is not None]
    return [k for k in (compact(t) for t in texts) if k]


def _is_known(text: str, known: Sequence[str]) -> bool:
    if not text:
        return True
    for wording in known:
        if text in wording or (len(wording) >= 2 and wording in text):
            return True
        if len(text) >= 6 and fuzz.partial_ratio(text, wording) >= MIN_KNOWN_TEXT_SIMILARITY:
            return True
    return False


def _beside_a_label(line: OcrLine, labels: Sequence[LabelHit]) -> bool:
    """A value printed right of a label on its row, or just below it (stacked arrangements)."""
    x0, y0, x1, y1 = _bounds(line.quad)
    cy = (y0 + y1) / 2.0
    for hit in labels:
        lx0, ly0, lx1, ly1 = hit.box
        height = max(1.0, ly1 - ly0)
        same_row = abs(cy - (ly0 + ly1) / 2.0) <= 0.6 * height
        if same_row and x0 >= lx0 - height and x0 - lx1 <= MAX_RIGHT_HEIGHTS * height:
            return True
        below = 0 <= y0 - ly1 + 0.3 * height <= MAX_BELOW_HEIGHTS * height
        if below and x0 <= lx1 + height and x1 >= lx0 - height:
            return True
    return False


def _regions(layout: LearntLayout, text: str) -> list[NormBox]:
    """The learnt regions that may hold ``text``, widened (text by its margins, values and label rows to the right).

    Labels' rows, values and marks hold any wording. A static text block (the
    sample's body sentence, its query addresses) holds only wording like its
    own: added wording is often printed under the title, where the sample
    prints its body sentence. Lines without Han characters (the English
    translations some designs add) are judged by place alone.
    """
    free = not _HAN.search(text)
    regions: list[NormBox] = []
    for block in (*([layout.title] if layout.title else []), *layout.labels, *layout.texts):
        if block.role == "static" and not free and fuzz.partial_ratio(text, compact(block.text)) < MIN_STATIC_SIMILARITY:
            continue
        x0, y0, x1, y1 = block.box
        # The title row is recognised by its text; its box only has to hold fragments of it, no margin.
        dy = 0.0 if block.role == "title" else min(REGION_MARGIN_Y * (y1 - y0), MAX_REGION_MARGIN_Y)
        right = VALUE_REACH_X if block.role in ("value", "label") else x1 + REGION_MARGIN_X
        regions.append((x0 - REGION_MARGIN_X, y0 - dy, max(right, x1), y1 + dy))
    for x0, y0, x1, y1 in (*layout.seals, *layout.qr_codes, *layout.photos):
        regions.append((x0 - MARK_MARGIN, y0 - MARK_MARGIN, x1 + MARK_MARGIN, y1 + MARK_MARGIN))
    return regions


def _covered_share(box: NormBox, regions: Sequence[NormBox]) -> float:
    """Share of ``box`` covered by the union of ``regions`` (exact, on the grid their edges make)."""
    x0, y0, x1, y1 = box
    area = max(1e-9, (x1 - x0) * (y1 - y0))
    clipped = [(max(x0, a), max(y0, b), min(x1, c), min(y1, d)) for a, b, c, d in regions]
    clipped = [r for r in clipped if r[0] < r[2] and r[1] < r[3]]
    if not clipped:
        return 0.0
    xs = sorted({v for r in clipped for v in (r[0], r[2])})
    ys = sorted({v for r in clipped for v in (r[1], r[3])})
    covered = 0.0
    for xa, xb in zip(xs, xs[1:], strict=False):
        for ya, yb in zip(ys, ys[1:], strict=False):
            if any(r[0] <= xa and r[2] >= xb and r[1] <= ya and r[3] >= yb for r in clipped):
                covered += (xb - xa) * (yb - ya)
    return covered / area


def _bounds(quad: Quad) -> tuple[float, float, float, float]:
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    return (min(xs), min(ys), max(xs), max(ys))


def _within(quad: Quad, outer: Quad | None, margin: float = 0.0) -> bool:
    """Whether ``quad``'s centre lies inside ``outer`` widened by ``margin`` of its size."""
    if outer is None:
        return False
    x0, y0, x1, y1 = _bounds(outer)
    mx, my = margin * (x1 - x0), margin * (y1 - y0)
    cx, cy = sum(p[0] for p in quad) / 4.0, sum(p[1] for p in quad) / 4.0
    return x0 - mx <= cx <= x1 + mx and y0 - my <= cy <= y1 + my

"""Wording rules: data validation, OCR-proof matching, and context on hand-built certificates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from certcheck.errors import RegistryError
from certcheck.types import (
    CertificateFields,
    CertificateKind,
    Detection,
    EvidenceCode,
    FieldValue,
    OcrLine,
    OcrResult,
    quad_to_bbox,
)
from rules.catalogue import default_rule_data
from rules.context import RuleContext
from rules.registry import CERTIFICATE_RULES
from rules.wording import Scope, default_wording, find_wording, fold, load_wording, wording_rule
from templates_registry.issuers import find_issuer
from templates_registry.loader import load_registry
from templates_registry.matching import TemplateCandidate

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_ISSUERS = REPO_ROOT / "samples" / "registry" / "demo-issuers.csv"
REGISTRY = load_registry(None, issuers=[DEMO_ISSUERS])
SKILL_TEMPLATE = REGISTRY.get_template("hrss-skill-level-2021")
CHAR_WIDTH = 20.0
ROW_PITCH = 60.0


def _box(text: str, x: float, y: float) -> OcrLine:
    x1 = x + CHAR_WIDTH * len(text)
    return OcrLine(text, ((x, y), (x1, y), (x1, y + 30), (x, y + 30)), 0.98)


def _lines(rows: Sequence[str | Sequence[str]]) -> tuple[OcrLine, ...]:
    """One OCR box per string; a list puts several boxes on one printed line, left to right."""
    lines = []
    for index, row in enumerate(rows):
        x = 100.0
        for part in [row] if isinstance(row, str) else row:
            lines.append(_box(part, x, 100 + ROW_PITCH * index))
            x += CHAR_WIDTH * len(part) + 40
    return tuple(lines)


def _context(
    rows: Sequence[str | Sequence[str]],
    *,
    kind: CertificateKind = CertificateKind.SKILL_LEVEL,
    issuer: str | None = None,
    matched: bool = True,
    seals: Sequence[str] = (),
) -> RuleContext:
    lines = _lines(rows)
    issuer_field = None
    if issuer is not None:
        line = next(ln for ln in lines if issuer in ln.text)
        issuer_field = FieldValue("issuer", issuer, line.quad, 0.98)
    seal_detections = tuple(
        Detection("seal.v1", "seal", ((900.0, 900.0), (1100.0, 900.0), (1100.0, 1100.0), (900.0, 1100.0)), 0.9,
                  {"text": text}) for text in seals
    )
    candidate = TemplateCandidate(template=SKILL_TEMPLATE, score=0.9, missing_labels=())
    names = [(issuer, "printed")] if issuer else []
    names += [(text, "seal") for text in seals]
    return RuleContext(
        ocr=OcrResult(lines), page_size=(1400, 1000),
        fields=CertificateFields(kind=kind, issuer=issuer_field),
        candidates=(candidate,) if kind == CertificateKind.SKILL_LEVEL else (),
        matched=candidate if matched and kind == CertificateKind.SKILL_LEVEL else None,
        issuer=find_issuer(REGISTRY, names), registry=REGISTRY, detections=seal_detections,
        data=default_rule_data(),
    )


def _codes(evidence: Sequence[object]) -> list[tuple[str, str | None]]:
    return sorted((e.code.value, e.text) for e in evidence)  # type: ignore[attr-defined]


GENUINE_SKILL_ROWS = [
    "职业技能等级证书",
    "经考核评价合格，准予认定相应职业技能等级，特发此证。",
    ["姓名", "张三"],
    ["证件类型：", "中华人民共和国居民身份证"],
    ["国籍：", "中国"],
    ["职业技能等级", "四级/中级工"],
    ["评价机构名称", "中国鸿远装备集团有限公司"],
    "证书查询网址：http://jndj.osta.org.cn",
]


# --- data -----------------------------------------------------------------------------------------


def test_wording_packaged_data_loads_with_a_clause_for_every_entry() -> None:
    rules = default_wording()
    codes = {e.code for e in rules.entries}
    assert codes == {EvidenceCode.FORBIDDEN_WORDING, EvidenceCode.ADDED_TEXT, EvidenceCode.FALSE_CLAIM,
                     EvidenceCode.IMPERSONATED_AUTHORITY}
    assert all("〔" in e.basis or "cert-facts §" in e.basis for e in rules.entries)
    phrases = {p for e in rules.entries for p in e.phrases}
    # The lists of 人社部函〔2022〕25号 一（一）（二） and 东人社函〔2022〕37号 二（二）（四）.
    for word in ("中华人民共和国", "中国", "中华", "国家", "全国", "职业资格", "专业技术职务", "职业技能等级",
                 "专项职业能力", "包过", "不限年龄", "不限专业", "无门槛", "积分入学", "积分入户", "评职称",
                 "高补贴", "高收入", "权威证书", "官方认证", "就业凭证", "录用依据"):
        assert word in phrases, word


def test_wording_registry_lists_the_rule() -> None:
    assert wording_rule in CERTIFICATE_RULES


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"colour": "red"}, "colour"),
        ({"patterns": ["(unclosed"]}, "patterns"),
        ({"phrases": [], "patterns": []}, "phrases or patterns"),
        ({"scope": ["radio"]}, "scope"),
    ],
)
def test_wording_bad_entry_is_reported_by_file_and_index(tmp_path: Path, entry: dict[str, object], problem: str) -> None:
    good = {"id": "a", "code": "FALSE_CLAIM", "category": "false_publicity", "severity": "high",
            "phrases": ["包过"], "scope": ["text"], "message": "m", "message_en": "m", "basis": "b"}
    path = tmp_path / "wording.yaml"  # JSON is YAML
    path.write_text(json.dumps({"entries": [good, {**good, "id": "b", **entry}]}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RegistryError) as caught:
        load_wording(path)
    assert str(path) in caught.value.message_en and "entries.1" in caught.value.message_en
    assert problem in caught.value.message_en


def test_wording_category_must_match_the_codes_catalogue(tmp_path: Path) -> None:
    path = tmp_path / "wording.yaml"
    path.write_text(
        "entries:\n  - {id: a, code: FALSE_CLAIM, category: issuer, severity: high, phrases: [包过],"
        " scope: [text], message: m, message_en: m, basis: b}\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="entries.0"):
        load_wording(path, default_rule_data())


# --- matching -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code", "span"),
    [
        ("本证书国家认可", EvidenceCode.FALSE_CLAIM, "国家认可"),
        ("本证书 國 家 認 可", EvidenceCode.FALSE_CLAIM, "國 家 認 可"),
        ("全　国　通　用", EvidenceCode.FALSE_CLAIM, "全　国　通　用"),
        ("官·方·认·证", EvidenceCode.FALSE_CLAIM, "官·方·认·证"),
        ("报名１０天拿证", EvidenceCode.FALSE_CLAIM, "１０天拿证"),
        ("考前发蜜卷", EvidenceCode.FALSE_CLAIM, "考前发蜜卷"),  # one character off, 80
        ("原劳动部颁发", EvidenceCode.IMPERSONATED_AUTHORITY, "原劳动部"),
        ("广东省人力资源和社会保障厅颁发", EvidenceCode.IMPERSONATED_AUTHORITY, "广东省人力资源和社会保障厅"),
        ("全国职业资格考试认证中心", EvidenceCode.IMPERSONATED_AUTHORITY, "全国职业资格考试认证中心"),
        ("國家職業資格證書", EvidenceCode.FORBIDDEN_WORDING, "國家職業資格"),
    ],
)
def test_wording_matches_survive_width_spacing_script_and_slips(text: str, code: EvidenceCode, span: str) -> None:
    hits = [h for h in find_wording(text, default_wording(), Scope.TEXT) if h.entry.code == code]
    assert [h.text for h in hits] == [span]
    assert text[hits[0].start : hits[0].end] == span


@pytest.mark.parametrize("text", ["教务部通知", "俱乐部活动", "市场部经理", "区人社部门备案", "提高收入"])
def test_wording_ordinary_words_are_not_matched(text: str) -> None:
    assert find_wording(text, default_wording(), Scope.CERTIFICATE) == []


@pytest.mark.parametrize("text", ["全国通报", "国家认证认可监督管理委员会", "专业技术服务公司"])
def test_wording_real_words_one_character_off_are_not_near_misses(text: str) -> None:
    # Four-character phrases only match exactly at the shipped threshold (measured, rules/wording.py).
    assert find_wording(text, default_wording(), Scope.TEXT) == []


def test_wording_two_character_words_do_not_cross_a_sentence_break() -> None:
    hits = find_wording("来自中国。家人陪同", default_wording(), Scope.CERTIFICATE)
    assert [h.text for h in hits] == ["中国"]


def test_wording_exact_threshold_disables_near_misses() -> None:
    assert find_wording("考前发蜜卷", default_wording(), Scope.TEXT, fuzzy_threshold=100.0) == []


def test_wording_fold_keeps_each_characters_origin() -> None:
    folded = fold("Ａ 職\u3000業")
    assert folded.text == "a职业"
    assert folded.origin == (0, 2, 4)


# --- certificates in context ------------------------------------------------------------------------


def test_wording_genuine_certificate_of_a_registered_china_employer_is_clean() -> None:
    ctx = _context(GENUINE_SKILL_ROWS, issuer="中国鸿远装备集团有限公司")
    assert ctx.issuer is not None and ctx.issuer.record.kind.value == "employer"
    assert wording_rule(ctx) == []


def test_wording_unregistered_china_issuer_is_forbidden_wording_with_a_box() -> None:
    rows = [*GENUINE_SKILL_ROWS[:-2], ["评价机构名称", "中国华夏技能评价集团有限公司"]]
    ctx = _context(rows, issuer="中国华夏技能评价集团有限公司")
    assert ctx.issuer is None
    (evidence,) = wording_rule(ctx)
    assert (evidence.code, evidence.text) == (EvidenceCode.FORBIDDEN_WORDING, "中国")
    issuer_line = next(line for line in ctx.ocr.lines if line.text.startswith("中国华夏"))
    x0, y0, x1, y1 = quad_to_bbox(evidence.quad)  # type: ignore[arg-type]
    lx0, ly0, _, ly1 = issuer_line.bbox
    # The span is the first two characters of the box: its first two character widths.
    assert (x0, y0, y1) == (lx0, ly0, ly1) and x1 == lx0 + 2 * CHAR_WIDTH


def test_wording_alliance_is_added_text_and_forbidden_wording() -> None:
    ctx = _context([*GENUINE_SKILL_ROWS, "中国职业技能人才联盟"], issuer="中国鸿远装备集团有限公司")
    assert _codes(wording_rule(ctx)) == [("ADDED_TEXT", "中国职业技能人才联盟"), ("FORBIDDEN_WORDING", "中国")]


def test_wording_claim_split_across_boxes_on_one_line_has_a_box_over_both() -> None:
    ctx = _context([*GENUINE_SKILL_ROWS, ["本证书", "全国", "通用"]], issuer="中国鸿远装备集团有限公司")
    evidence = [e for e in wording_rule(ctx) if e.code == EvidenceCode.FALSE_CLAIM]
    assert [e.text for e in evidence] == ["全国通用"]
    boxes = [line.bbox for line in ctx.ocr.lines if line.text in ("全国", "通用")]
    assert quad_to_bbox(evidence[0].quad) == (boxes[0][0], boxes[0][1], boxes[1][2], boxes[1][3])  # type: ignore[arg-type]


def test_wording_allowed_phrase_needs_the_registered_style() -> None:
    rows = ["职业技能等级证书", ["职业技能等级", "三级"], ["评价机构", "某某技能服务部"]]
    assert wording_rule(_context(rows, issuer="某某技能服务部", matched=True)) == []
    unmatched = _codes(wording_rule(_context(rows, issuer="某某技能服务部", matched=False)))
    assert ("FORBIDDEN_WORDING", "职业技能等级") in unmatched


PRIVATE_TRAINING_ROWS = ["培训合格证书", "张三 同志：",
                         "参加本公司组织的《安全生产》内部培训，完成全部课程并经考核合格，特发此证。",
                         ["教务部", "俱乐部", "市场部"]]


def test_wording_private_training_certificate_stays_clean() -> None:
    ctx = _context([*PRIVATE_TRAINING_ROWS, "深圳市联合重型机械有限公司"], kind=CertificateKind.TRAINING,
                   issuer="深圳市联合重型机械有限公司")
    assert ctx.issuer is None  # private, in no registry: not a reason for any wording finding
    assert wording_rule(ctx) == []


def test_wording_unregistered_private_issuer_with_a_state_name_is_forbidden_wording() -> None:
    ctx = _context([*PRIVATE_TRAINING_ROWS, "中国华夏技能教育科技有限公司"], kind=CertificateKind.TRAINING,
                   issuer="中国华夏技能教育科技有限公司")
    assert _codes(wording_rule(ctx)) == [("FORBIDDEN_WORDING", "中国")]


def test_wording_traditional_restricted_word_on_a_training_certificate() -> None:
    ctx = _context(["職業資格證書", "深圳市某某培训中心"], kind=CertificateKind.TRAINING, issuer="深圳市某某培训中心")
    # Certificate rows are folded by the row reader (ocr/layout.py), so the span reads simplified.
    assert _codes(wording_rule(ctx)) == [("FORBIDDEN_WORDING", "职业资格")]


def test_wording_stacked_field_value_is_ordinary() -> None:
    ctx = _context([*GENUINE_SKILL_ROWS, "国籍", "中国"], issuer="中国鸿远装备集团有限公司")
    assert wording_rule(ctx) == []


def test_wording_ministry_seal_on_an_organisations_certificate_is_impersonation() -> None:
    rows = [*GENUINE_SKILL_ROWS[:-2], ["评价机构名称", "深圳市鹏城职业技能评价有限公司"]]
    ctx = _context(rows, issuer="深圳市鹏城职业技能评价有限公司",
                   seals=["深圳市鹏城职业技能评价有限公司", "人力资源和社会保障部职业技能鉴定中心"])
    (evidence,) = wording_rule(ctx)
    assert (evidence.code, evidence.text) == (EvidenceCode.IMPERSONATED_AUTHORITY, "人力资源和社会保障部")
    assert evidence.quad == ctx.detections[1].quad


def test_wording_provincial_department_named_on_the_certificate_is_impersonation() -> None:
    ctx = _context([*GENUINE_SKILL_ROWS, "广东省人力资源和社会保障厅监制"], issuer="中国鸿远装备集团有限公司")
    # On a registered template's certificate the line is also text the sample does not print.
    assert _codes(wording_rule(ctx)) == [
        ("ADDED_TEXT", "广东省人力资源和社会保障厅"), ("IMPERSONATED_AUTHORITY", "广东省人力资源和社会保障厅")
    ]
    unmatched = _context([*GENUINE_SKILL_ROWS, "广东省人力资源和社会保障厅监制"], issuer="中国鸿远装备集团有限公司",
                         matched=False)
    assert _codes(wording_rule(unmatched)) == [("IMPERSONATED_AUTHORITY", "广东省人力资源和社会保障厅")]


def test_wording_the_registered_authority_naming_itself_is_not_impersonation() -> None:
    # A department that is the registered issuer, read with its label in one box, or misread on its seal.
    rows = ["国家职业资格证书", ["发证机关江苏省人力资源和社会保障厅"], "经鉴定合格"]
    ctx = _context(rows, kind=CertificateKind.QUALIFICATION, issuer="江苏省人力资源和社会保障厅",
                   seals=["江苏省人力資源和社表保障厅"])
    assert ctx.issuer is not None and ctx.issuer.record.code == "A000032000001"
    assert [e for e in wording_rule(ctx) if e.code.value == "IMPERSONATED_AUTHORITY"] == []
    # A short registered name inside a longer authority's name excuses nothing.
    other = _context(["国家职业资格证书", ["发证机关江苏省人力资源和社会保障厅"], "原劳动部监制"],
                     kind=CertificateKind.QUALIFICATION, issuer="江苏省人力资源和社会保障厅")
    assert ("IMPERSONATED_AUTHORITY", "原劳动部") in _codes(wording_rule(other))


# --- a real photo through the pipeline --------------------------------------------------------------


def _iou(a: Sequence[int], b: Sequence[int]) -> float:
    ix = max(0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - ix * iy
    return ix * iy / union if union else 0.0


@pytest.mark.ocr
def test_wording_added_alliance_line_on_a_photo_is_found_where_it_is_printed(checker: object) -> None:
    from certcheck.report import report_to_dict

    photo = REPO_ROOT / "samples" / "photos" / "knockoff-wording.jpg"
    if not photo.is_file():
        pytest.skip("samples/photos/knockoff-wording.jpg is missing (made by the samples generator)")
    truth = json.loads(photo.with_suffix(".json").read_text(encoding="utf-8"))
    (line,) = [t for t in truth["printed_text"] if "联盟" in t["text"]]
    report = report_to_dict(checker.check_path(photo))  # type: ignore[attr-defined]
    added = [e for e in report["evidence"] if e["code"] == "ADDED_TEXT" and "联盟" in (e["text"] or "")]
    assert added and _iou(added[0]["bbox"], line["bbox"]) >= 0.6
    forbidden = [e for e in report["evidence"] if e["code"] == "FORBIDDEN_WORDING" and e["text"] == "中国"]
    # The restricted word's box is the first characters of the added line.
    assert any(_iou(e["bbox"], line["bbox"]) > 0.05 and line["bbox"][0] - 15 <= e["bbox"][0] <= line["bbox"][0] + 15
               for e in forbidden)


def test_wording_without_any_issuer_registry_the_printed_name_is_not_judged() -> None:
    from dataclasses import replace

    from templates_registry.loader import Registry

    empty = Registry(templates=REGISTRY.templates, issuers=())
    ctx = replace(_context([*PRIVATE_TRAINING_ROWS, "中国华夏技能教育科技有限公司"], kind=CertificateKind.TRAINING,
                           issuer="中国华夏技能教育科技有限公司"), registry=empty)
    assert wording_rule(ctx) == []
    posing = replace(_context([*PRIVATE_TRAINING_ROWS, "国家职业技能鉴定管理中心"], kind=CertificateKind.TRAINING,
                              issuer="国家职业技能鉴定管理中心"), registry=empty)
    assert {code for code, _ in _codes(wording_rule(posing))} == {"FORBIDDEN_WORDING", "IMPERSONATED_AUTHORITY"}


def test_wording_the_watermark_read_again_by_the_page_ocr_is_left_to_the_watermark_rule() -> None:
    import dataclasses

    ctx = _context([*GENUINE_SKILL_ROWS, "国家职业资格"], issuer="中国鸿远装备集团有限公司")
    assert ("FORBIDDEN_WORDING", "国家") in _codes(wording_rule(ctx))
    mark = Detection("watermark.v1", "watermark", ((0.0, 0.0), (1400.0, 0.0), (1400.0, 1000.0), (0.0, 1000.0)), 0.8,
                     {"text": "国家职业资格 国家职业资格"})
    with_mark = dataclasses.replace(ctx, detections=(mark,))
    assert [e for e in wording_rule(with_mark) if e.code.value == "FORBIDDEN_WORDING"] == []

"""TEMPLATE_MISMATCH with out-of-place labels, and ADDED_TEXT from the learnt layout."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from certcheck.types import CertificateFields, CertificateKind, Detection, EvidenceCode, FieldValue, OcrLine, OcrResult
from rules.catalogue import default_rule_data
from rules.context import RuleContext
from rules.registry import CERTIFICATE_RULES
from rules.template_rules import (
    MIN_LABEL_ONLY_SCORE,
    MIN_TEMPLATE_SCORE,
    check_template_match,
    layout_added_text_rule,
)
from templates_registry.loader import Registry
from templates_registry.matching import TemplateCandidate, compare_layout

# The synthetic page builder lives beside the matching tests; loaded by path (tests are not a package).
_spec = importlib.util.spec_from_file_location(
    "matching_tests", Path(__file__).resolve().parents[1] / "templates_registry" / "test_matching.py"
)
assert _spec is not None and _spec.loader is not None
_matching = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_matching)
BUILTIN, PAGE, page_from_layout, _line = _matching.BUILTIN, _matching.PAGE, _matching.page_from_layout, _matching._line

DATA = default_rule_data()
LAYOUT = BUILTIN.layout
assert LAYOUT is not None


def _fields(ocr: OcrResult) -> CertificateFields:
    title = next(line for line in ocr.lines if line.text == "职业技能等级证书")
    return CertificateFields(
        kind=CertificateKind.SKILL_LEVEL, title=FieldValue("title", title.text, title.quad, 0.99)
    )


def _context(ocr: OcrResult, matched: TemplateCandidate | None, detections: tuple[Detection, ...] = ()) -> RuleContext:
    return RuleContext(
        ocr=ocr, page_size=PAGE, fields=_fields(ocr), candidates=(matched,) if matched else (), matched=matched,
        issuer=None, registry=Registry(templates=(BUILTIN,), issuers=()), detections=detections, data=DATA,
    )


def _added(ocr: OcrResult, detections: tuple[Detection, ...] = ()) -> list[str]:
    candidate = compare_layout(BUILTIN, "职业技能等级证书", ocr, PAGE)
    matched, _ = check_template_match(_fields(ocr), [candidate], DATA)
    assert matched is not None
    return [e.text or "" for e in layout_added_text_rule(_context(ocr, matched, detections))]


def _extra(text: str, box: tuple[float, float, float, float]) -> OcrLine:
    x0, y0, x1, y1 = box
    return _line(text, (x0 * PAGE[0], y0 * PAGE[1], x1 * PAGE[0], y1 * PAGE[1]))


def test_template_rules_layout_rule_is_registered() -> None:
    assert layout_added_text_rule in CERTIFICATE_RULES


def test_template_rules_mismatch_names_the_misplaced_labels_with_boxes() -> None:
    keep = {"holder_name", "id_type", "serial_number"}
    partial = LAYOUT.model_copy(update={"labels": tuple(b for b in LAYOUT.labels if b.key in keep), "texts": ()})
    ocr = page_from_layout(partial, moved={"holder_name": (0.4, 0.0), "id_type": (0.4, 0.1)})
    candidate = compare_layout(BUILTIN, "职业技能等级证书", ocr, PAGE)
    assert candidate.score < MIN_TEMPLATE_SCORE
    matched, evidence = check_template_match(_fields(ocr), [candidate], DATA)
    assert matched is None
    assert {e.code for e in evidence} == {EvidenceCode.TEMPLATE_MISMATCH}
    assert "证件号码" in evidence[0].message  # a missing label is named
    placed = {e.text: e.quad for e in evidence[1:]}
    assert set(placed) == {"姓名", "证件类型"} and all(q is not None for q in placed.values())


def test_template_rules_added_line_in_the_top_margin_is_added_text() -> None:
    ocr = page_from_layout(LAYOUT, extra=(_extra("本证书可作为就业凭证", (0.78, 0.045, 0.93, 0.07)),))
    assert _added(ocr) == ["本证书可作为就业凭证"]


def test_template_rules_genuine_page_has_no_added_text() -> None:
    assert _added(page_from_layout(LAYOUT, scale=0.96, shift=(20.0, 15.0))) == []


def test_template_rules_longer_values_and_other_body_wording_are_not_added_text() -> None:
    value = next(b for b in LAYOUT.texts if b.key == "issuer")
    body = next(b for b in LAYOUT.texts if b.role == "static" and "颁发" in b.text)
    texts = tuple(b for b in LAYOUT.texts if b not in (value, body))
    longer = value.model_copy(update={"text": "青岛海宁烹饪职业培训学校第二分校（黄岛）",
                                      "box": (value.box[0], value.box[1], value.box[2] + 0.12, value.box[3])})
    other_body = body.model_copy(update={"text": "本证书由青岛海宁烹饪职业培训学校黄岛分校颁发"})
    ocr = page_from_layout(LAYOUT.model_copy(update={"texts": (*texts, longer, other_body)}))
    assert _added(ocr) == []


def test_template_rules_text_inside_a_seal_is_not_added_text() -> None:
    box = (0.05, 0.90, 0.20, 0.93)  # the bottom-left margin: empty on the sample
    seal = Detection("seal.v1", "seal", ((60.0, 990.0), (340.0, 990.0), (340.0, 1070.0), (60.0, 1070.0)), 0.9)
    ocr = page_from_layout(LAYOUT, extra=(_extra("某某专用章印文", box),))
    assert _added(ocr, (seal,)) == []
    assert _added(ocr) == ["某某专用章印文"]


def test_template_rules_template_without_layout_keeps_the_label_threshold() -> None:
    bare = BUILTIN.__class__(spec=BUILTIN.spec, folder=BUILTIN.folder, layer="builtin", layout=None)
    keep = {"holder_name", "id_number", "serial_number"}
    partial = LAYOUT.model_copy(update={"labels": tuple(b for b in LAYOUT.labels if b.key in keep), "texts": ()})
    ocr = page_from_layout(partial)
    candidate = compare_layout(bare, "职业技能等级证书", ocr, PAGE)
    assert candidate.transform is None and MIN_TEMPLATE_SCORE <= candidate.score < MIN_LABEL_ONLY_SCORE
    assert check_template_match(_fields(ocr), [candidate], DATA)[0] is None


def _own_design() -> object:
    """The built-in layout as one organisation's own registered design (``fixed``, data-dir layer)."""
    import dataclasses

    return dataclasses.replace(BUILTIN, layer="data", layout=LAYOUT.model_copy(update={"arrangement": "fixed"}))


def test_template_promises_a_matched_own_design_missing_a_label_is_low_please_check() -> None:
    from certcheck.types import Severity

    own = _own_design()
    ocr = page_from_layout(own.layout)
    spec = own.spec.field("id_type")
    assert spec is not None
    ocr = OcrResult(lines=tuple(line for line in ocr.lines if not any(a in line.text for a in spec.all_labels)))
    matched, evidence = check_template_match(_fields(ocr), [compare_layout(own, "职业技能等级证书", ocr, PAGE)], DATA)
    assert matched is not None
    (finding,) = evidence
    assert finding.code == EvidenceCode.TEMPLATE_MISMATCH and finding.severity == Severity.LOW
    assert "证件类型" in finding.message and "请人工核对" in finding.message


def test_template_promises_nothing_for_a_full_page_or_a_reference_style() -> None:
    own = _own_design()
    ocr = page_from_layout(own.layout)
    assert check_template_match(_fields(ocr), [compare_layout(own, "职业技能等级证书", ocr, PAGE)], DATA)[1] == []
    spec = own.spec.field("id_type")
    assert spec is not None
    kept = OcrResult(lines=tuple(line for line in ocr.lines if not any(a in line.text for a in spec.all_labels)))
    matched, evidence = check_template_match(_fields(kept), [compare_layout(BUILTIN, "职业技能等级证书", kept, PAGE)], DATA)
    assert matched is not None and evidence == []


def test_invented_bodies_are_national_names_nobody_registered() -> None:
    from rules.template_rules import invented_bodies

    known = {"国家开放大学", "人力资源和社会保障部职业技能鉴定中心"}
    names = ["国家职业技能评价管理委员会", "国家开放大学", "全国技能人才认证指导中心", "华信职业技能评价有限公司",
             "中国电力企业联合会"]
    assert invented_bodies(names, ["中国电力企业联合会"], known.__contains__) == [
        "国家职业技能评价管理委员会", "全国技能人才认证指导中心",
    ]
    assert invented_bodies(["国家认可"], [], known.__contains__) == []  # a claim, not a body


def test_invented_body_rule_uses_the_given_state_body_test() -> None:
    from rules.template_rules import invented_body_rule

    ocr = page_from_layout(LAYOUT)
    box = ((100.0, 900.0), (500.0, 900.0), (500.0, 940.0), (100.0, 940.0))
    fields = _fields(ocr)
    import dataclasses

    fields = dataclasses.replace(fields, issuer=FieldValue("issuer", "中国职业能力评价委员会", box, 0.97))
    ctx = dataclasses.replace(_context(ocr, None), fields=fields)
    (evidence,) = invented_body_rule(ctx, lambda name: False)
    assert evidence.code == EvidenceCode.IMPERSONATED_AUTHORITY and evidence.text == "中国职业能力评价委员会"
    assert invented_body_rule(ctx, lambda name: True) == []

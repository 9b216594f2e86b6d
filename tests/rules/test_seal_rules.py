"""FOREIGN_MARK (a seal of another organisation) and TEMPLATE_MISMATCH (no seal where one is registered)."""

from __future__ import annotations

from pathlib import Path

from certcheck.types import CertificateFields, CertificateKind, Detection, EvidenceCode, FieldValue, OcrResult
from rules.catalogue import default_rule_data
from rules.context import RuleContext
from rules.registry import CERTIFICATE_RULES
from rules.seal_rules import foreign_seal_rule, missing_seal_rule, same_organisation
from templates_registry.loader import Registry, load_template_folder
from templates_registry.matching import TemplateCandidate

BUILTIN = load_template_folder(
    Path(__file__).resolve().parents[2] / "templates_registry" / "builtin" / "hrss-skill-level-2021", "builtin"
)
BOX = ((900.0, 900.0), (1100.0, 900.0), (1100.0, 1100.0), (900.0, 1100.0))
ISSUER = "深圳市鹏城职业技能评价有限公司"


def _seal(text: str | None, confidence: float = 0.98) -> Detection:
    extras = {"center": (1000.0, 1000.0), "half_axes": (100.0, 100.0), "angle_deg": 0.0, "shape": "round"}
    if text is not None:
        extras |= {"text": text, "text_confidence": confidence}
    return Detection("red_seal.v1", "seal", BOX, 0.9, extras)


def _context(*detections: Detection, issuer: str | None = ISSUER, template: bool = True) -> RuleContext:
    fields = CertificateFields(
        kind=CertificateKind.SKILL_LEVEL,
        issuer=FieldValue("issuer", issuer, ((100.0, 1000.0), (500.0, 1000.0), (500.0, 1030.0), (100.0, 1030.0)), 0.97)
        if issuer else None,
    )
    return RuleContext(
        ocr=OcrResult(lines=()), page_size=(1600, 1131), fields=fields, candidates=(),
        matched=TemplateCandidate(BUILTIN, 0.9, ()) if template else None, issuer=None,
        registry=Registry((BUILTIN,), ()), detections=detections, data=default_rule_data(),
    )


def test_own_seal_is_clean_with_suffix_or_cut_reading() -> None:
    for text in (ISSUER, ISSUER + "评价专用章", ISSUER[:-2], "深圳市鹏域职业技能评价有限公司"):
        assert foreign_seal_rule(_context(_seal(text))) == [], text


def test_seal_of_another_organisation_is_foreign_mark_at_the_seal() -> None:
    (evidence,) = foreign_seal_rule(_context(_seal("杭州云帆网络科技有限公司")))
    assert evidence.code == EvidenceCode.FOREIGN_MARK and evidence.quad == BOX
    assert "杭州云帆网络科技有限公司" in evidence.message and ISSUER in evidence.message


def test_same_city_and_ending_is_still_another_organisation() -> None:
    assert not same_organisation("北京金证通职业技能评价有限公司", "北京博艺职业技能评价有限公司")[0]
    assert len(foreign_seal_rule(_context(_seal("北京金证通职业技能评价有限公司"), issuer="北京博艺职业技能评价有限公司"))) == 1


def test_unsure_short_or_unread_seals_and_missing_issuer_are_not_judged() -> None:
    assert foreign_seal_rule(_context(_seal("杭州云帆网络科技有限公司", confidence=0.85))) == []
    assert foreign_seal_rule(_context(_seal("公司"))) == []
    assert foreign_seal_rule(_context(_seal(None))) == []
    assert foreign_seal_rule(_context(_seal("杭州云帆网络科技有限公司"), issuer=None)) == []


def test_ministry_seal_is_left_to_the_wording_rules() -> None:
    assert foreign_seal_rule(_context(_seal("中华人民共和国人力资源和社会保障部"))) == []


def test_missing_required_seal_is_template_mismatch() -> None:
    (evidence,) = missing_seal_rule(_context())
    assert evidence.code == EvidenceCode.TEMPLATE_MISMATCH and evidence.confidence == 0.6
    assert missing_seal_rule(_context(_seal(ISSUER))) == []
    assert missing_seal_rule(_context(template=False)) == []


def test_registered() -> None:
    assert foreign_seal_rule in CERTIFICATE_RULES and missing_seal_rule in CERTIFICATE_RULES


def test_unsure_reading_must_be_far_from_the_issuer() -> None:
    # A blurred own seal read with four wrong characters at 0.91: not another organisation.
    misread = "广州疆美美喜职业推能评价有限公司"
    ctx = _context(_seal(misread, confidence=0.91), issuer="广州穗美美容职业技能评价有限公司")
    assert foreign_seal_rule(ctx) == []
    # The same reading at a sure score, or a clearly different name at 0.91, is reported.
    assert len(foreign_seal_rule(_context(_seal(misread, confidence=0.97), issuer="广州穗美美容职业技能评价有限公司"))) == 1
    assert len(foreign_seal_rule(_context(_seal("杭州云帆网络科技有限公司", confidence=0.91)))) == 1

"""EMBLEM and WATERMARK rules (rules/marks.py) and the marks data file (rules/data/marks.yaml)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from certcheck.errors import RegistryError
from certcheck.types import CertificateFields, CertificateKind, Detection, EvidenceCode, OcrResult, Severity
from rules.catalogue import default_rule_data
from rules.context import RuleContext
from rules.marks import MARKS_FILE, emblem_rule, load_marks, restricted_words_in, watermark_rule
from rules.registry import CERTIFICATE_RULES
from templates_registry.issuers import IssuerMatch
from templates_registry.loader import Registry, Template, load_template_folder
from templates_registry.matching import TemplateCandidate
from templates_registry.models import IssuerRecord, MarksSpec
from tests.helpers import generator_available

if TYPE_CHECKING:
    from certcheck.pipeline import Checker

BUILTIN = load_template_folder(
    Path(__file__).resolve().parents[2] / "templates_registry" / "builtin" / "hrss-skill-level-2021", "builtin"
)
BOX = ((700.0, 60.0), (860.0, 60.0), (860.0, 220.0), (700.0, 220.0))


def _with_emblem_rule(rule: str) -> Template:
    spec = BUILTIN.spec.model_copy(update={"marks": MarksSpec(emblem=rule)})  # type: ignore[arg-type]
    return dataclasses.replace(BUILTIN, spec=spec)


def _emblem(mark: str = "national_emblem", score: float = 0.9) -> Detection:
    return Detection("emblem.v1", "emblem", BOX, score, {"mark": mark, "print": "colour", "correlation": 0.8})


def _watermark(text: str | None, emblem: bool = False) -> Detection:
    extras = {"tiling": 0.5, "lag": [0.2, 0.1], "text": text, "emblem": emblem, "emblem_correlation": None}
    return Detection("watermark.v1", "watermark", BOX, 0.8, extras)


def _context(*detections: Detection, template: Template | None = BUILTIN, issuer: str | None = None) -> RuleContext:
    match = None
    if issuer is not None:
        record = IssuerRecord.model_validate(
            {"code": "Y000011000000", "name": issuer, "kind": "employer", "status": "active"}
        )
        match = IssuerMatch(record=record, similarity=100.0, read_as=issuer, source="printed")
    return RuleContext(
        ocr=OcrResult(lines=()), page_size=(1600, 1131), fields=CertificateFields(kind=CertificateKind.SKILL_LEVEL),
        candidates=(), matched=TemplateCandidate(template, 0.9, ()) if template else None, issuer=match,
        registry=Registry((BUILTIN,), ()), detections=detections, data=default_rule_data(),
    )


def test_rules_are_registered() -> None:
    assert emblem_rule in CERTIFICATE_RULES and watermark_rule in CERTIFICATE_RULES


def test_packaged_marks_file_is_valid_and_registers_the_emblem() -> None:
    data = load_marks()
    assert data.mark("national_emblem") is not None
    assert "国家职业资格" in data.watermark_words.words


def test_found_emblem_on_a_template_that_forbids_it_is_emblem_evidence_at_its_box() -> None:
    (evidence,) = emblem_rule(_context(_emblem()))
    assert evidence.code == EvidenceCode.EMBLEM and evidence.quad == BOX
    assert evidence.severity == Severity.HIGH and "国徽" in evidence.message and "国徽法" in evidence.basis


def test_emblem_without_a_matched_template_is_evidence() -> None:
    assert [e.code for e in emblem_rule(_context(_emblem(), template=None))] == [EvidenceCode.EMBLEM]


def test_template_that_allows_or_requires_the_emblem_is_not_evidence() -> None:
    assert emblem_rule(_context(_emblem(), template=_with_emblem_rule("allowed"))) == []
    assert emblem_rule(_context(_emblem(), template=_with_emblem_rule("required"))) == []


def test_required_emblem_missing_is_a_low_template_mismatch() -> None:
    (evidence,) = emblem_rule(_context(template=_with_emblem_rule("required")))
    assert evidence.code == EvidenceCode.TEMPLATE_MISMATCH and evidence.severity == Severity.LOW
    assert evidence.confidence < 0.5


def test_no_emblem_no_evidence() -> None:
    assert emblem_rule(_context()) == []


def test_restricted_watermark_text_is_evidence() -> None:
    (evidence,) = watermark_rule(_context(_watermark("业资格国家职业资格")))
    assert evidence.code == EvidenceCode.WATERMARK and "国家职业资格" in evidence.message
    assert evidence.severity == Severity.MEDIUM and evidence.quad == BOX


def test_fragmentary_reading_of_the_prc_name_is_still_found() -> None:
    assert len(watermark_rule(_context(_watermark("人民共和国中华人")))) == 1


def test_emblem_watermark_is_evidence_even_unread() -> None:
    (evidence,) = watermark_rule(_context(_watermark(None, emblem=True)))
    assert evidence.code == EvidenceCode.WATERMARK and "国徽" in evidence.message


def test_emblem_tiles_of_a_background_give_one_emblem_finding() -> None:
    tiles = [dataclasses.replace(_emblem(score=s)) for s in (0.7, 0.9, 0.8)]
    evidence = emblem_rule(_context(*tiles, _watermark(None, emblem=True)))
    assert [e.code for e in evidence] == [EvidenceCode.EMBLEM] and evidence[0].confidence == 0.9
    assert len(emblem_rule(_context(*tiles))) == 3


def test_harmless_or_unread_watermark_is_not_evidence() -> None:
    assert watermark_rule(_context(_watermark("SCJDGL"))) == []
    assert watermark_rule(_context(_watermark(""))) == []
    assert watermark_rule(_context(_watermark(None))) == []


def test_issuer_printing_its_own_name_as_watermark_is_not_evidence() -> None:
    name = "中国华电集团有限公司"
    assert watermark_rule(_context(_watermark("华电集团有限公司中国华电"), issuer=name)) == []
    assert len(watermark_rule(_context(_watermark("国家职业资格"), issuer=name))) == 1


def test_restricted_words_prefer_the_longest_phrase() -> None:
    assert restricted_words_in("中华人民共和国", ["中华人民共和国", "人民共和国", "中华"]) == ["中华人民共和国"]
    assert restricted_words_in("全 国 通 用", ["全国"]) == ["全国"]


def test_marks_file_problems_are_reported(tmp_path: Path) -> None:
    bad = tmp_path / "marks.yaml"
    bad.write_text(
        "marks:\n  - {id: dept_logo, name: 某部徽标, name_en: A logo, basis: x,"
        " detect: {method: image, file: missing.png}}\nwatermark_words: {basis: x, words: [国家]}\n",
        encoding="utf-8",
    )
    with pytest.raises(RegistryError, match="national_emblem"):
        load_marks(bad)
    text = MARKS_FILE.read_text(encoding="utf-8").replace("method: drawn", "method: painted")
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError, match="method"):
        load_marks(bad)


@pytest.mark.ocr
def test_checker_reports_a_printed_emblem_with_its_box_in_the_annotated_image(checker: Checker) -> None:
    """End to end: an emblem knock-off gives EMBLEM at the emblem (upload space), drawn in the annotated PNG."""
    if not generator_available():
        pytest.skip("the samples generator's CJK fonts are not installed")
    from samples.generator.sample import SampleSpec, generate_sample

    sample = generate_sample(SampleSpec("skill_level_2021", "emblem_colour", "scan", 5, 1600))
    report = checker.check_bytes(sample.photo.jpeg, "emblem.jpg", annotate=True)
    emblems = [e for e in report.verdict.evidence if e.code == EvidenceCode.EMBLEM]
    assert len(emblems) == 1 and emblems[0].quad is not None
    x0, y0, x1, y1 = report.normalized.bbox_to_upload(emblems[0].quad)
    spec = sample.content.emblems[0]
    w, h = sample.truth.photo_size
    assert x0 < spec.center[0] * w < x1 and y0 < spec.center[1] * h < y1
    assert report.annotated_png is not None and report.annotated_png.startswith(b"\x89PNG")


def _with_badge(badge: tuple[float, float, float, float]) -> RuleContext:
    """A matched registered design whose sample prints a round badge at ``badge`` (normalised sheet box)."""
    assert BUILTIN.layout is not None
    layout = BUILTIN.layout.model_copy(update={"badges": (badge,), "arrangement": "fixed"})
    template = dataclasses.replace(BUILTIN, layer="data", layout=layout)
    identity = ((1.0, 0.0, 0.0), (0.0, 1.0, 0.0))
    ctx = _context(_emblem(), template=template)
    matched = TemplateCandidate(template, 0.9, (), transform=identity, page_size=(1600, 1131))
    return dataclasses.replace(ctx, matched=matched)


def test_emblem_rule_the_samples_own_badge_at_its_place_is_not_the_emblem() -> None:
    # BOX spans x 700-860 of 1600 and y 60-220 of 1131: normalised about (0.44-0.54, 0.05-0.19).
    assert emblem_rule(_with_badge((0.44, 0.05, 0.54, 0.2))) == []
    (evidence,) = emblem_rule(_with_badge((0.05, 0.7, 0.15, 0.85)))  # the sample's badge is elsewhere
    assert evidence.code == EvidenceCode.EMBLEM


def test_watermark_rule_a_background_sized_emblem_is_a_watermark() -> None:
    big = ((300.0, 200.0), (900.0, 200.0), (900.0, 800.0), (300.0, 800.0))  # 600 px of a 1131 px short side
    large = Detection("emblem.v1", "emblem", big, 0.8, {"mark": "national_emblem", "print": "red"})
    (evidence,) = watermark_rule(_context(large))
    assert evidence.code == EvidenceCode.WATERMARK and evidence.quad == big
    assert watermark_rule(_context(_emblem())) == []  # a header-sized emblem is EMBLEM only
    assert watermark_rule(_context(large, template=_with_emblem_rule("allowed"))) == []

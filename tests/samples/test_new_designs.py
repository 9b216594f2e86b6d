"""The government-form designs, their templates and the registry/catalogue/field/serial variants.

No OCR: the generator's content is read straight into ``CertificateFields``, so
these tests check that what a variant prints is exactly what the rules must
find (the truth's ``expected_codes``), on every new design and several seeds.
"""

from __future__ import annotations

import datetime as dt

import cv2
import pytest

from certcheck.types import CertificateFields, CertificateKind, EvidenceCode, FieldValue, OcrResult, Severity
from rules.catalogue import default_rule_data
from rules.catalogue_rules import catalogue_rule
from rules.context import RuleContext
from rules.field_validity import field_validity_rule
from rules.issuer_rules import issuer_rule
from rules.kinds import classify_title
from rules.serial import serial_format_rule, serial_matches_template, serial_semantics_rule
from samples import DEMO_ISSUERS
from samples.generator.designs import DESIGNS
from samples.generator.designs.official_references import BUILTIN_DIR, OFFICIAL_REFERENCES
from samples.generator.sample import SampleSpec, draft_content
from samples.generator.variants import VARIANTS
from samples.generator.variants_registry import UNREGISTERED_EVALUATION_ORGS, UNREGISTERED_SPECIAL_ABILITY_ORGS
from templates_registry.issuers import MIN_LOOKALIKE_SIMILARITY, find_issuer, nearest_issuer
from templates_registry.loader import load_registry
from templates_registry.matching import TemplateCandidate
from tests.helpers import generator_available

NEW_DESIGNS = ("qualification_booklet", "special_ability", "professional_qualification")
SKILL_DESIGNS = ("skill_level_2021", "skill_level_2021_china_employer")
MY_VARIANTS = ("genuine", "unregistered_issuer", "blacklisted_issuer", "revoked_issuer", "out_of_scope",
               "not_in_catalogue", "id_check_digit_wrong", "future_issue_date", "serial_year_mismatch",
               "serial_level_mismatch")
REGISTRY = load_registry(None, issuers=[DEMO_ISSUERS])
BOX = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
RULES = (serial_format_rule, serial_semantics_rule, issuer_rule, catalogue_rule, field_validity_rule)


def _template_for(kind: CertificateKind) -> TemplateCandidate:
    template = next(t for t in REGISTRY.templates if t.spec.kind == kind and t.layer == "builtin")
    return TemplateCandidate(template=template, score=1.0, missing_labels=())


def _context(design: str, variant: str, seed: int) -> RuleContext:
    content = draft_content(SampleSpec(design, variant, "scan", seed))
    truth = content.truth_fields()
    values = {key: FieldValue(key, value, BOX, 0.99) for key, value in truth.items() if value is not None}
    fields = CertificateFields(kind=content.kind, **values)
    names = ([(truth["issuer"], "printed")] if truth["issuer"] else []) + [(s.arc_text, "seal") for s in content.seals]
    return RuleContext(
        ocr=OcrResult(lines=()), page_size=(2000, 1414), fields=fields, candidates=(),
        matched=_template_for(content.kind), issuer=find_issuer(REGISTRY, names), registry=REGISTRY, detections=(),
        data=default_rule_data(),
    )


def _cases() -> list[tuple[str, str]]:
    cases = []
    for design in (*NEW_DESIGNS, *SKILL_DESIGNS):
        entry = DESIGNS.get(design)
        cases += [(design, v) for v in MY_VARIANTS if VARIANTS.get(v).applies_to(entry.kind, entry.judgeable)]
    return cases


@pytest.mark.parametrize(("design", "variant"), _cases())
def test_new_designs_rules_find_exactly_the_variants_codes(design: str, variant: str) -> None:
    expected = {c.value for c in VARIANTS.get(variant).expected_codes}
    for seed in range(4):
        ctx = _context(design, variant, seed)
        evidence = [e for rule in RULES for e in rule(ctx)]
        found = {e.code.value for e in evidence if e.severity.rank >= Severity.MEDIUM.rank}
        assert found == expected, (seed, [e.message for e in evidence])


@pytest.mark.parametrize("design", NEW_DESIGNS)
def test_new_designs_kind_title_and_template_agree(design: str) -> None:
    entry = DESIGNS.get(design)
    content = draft_content(SampleSpec(design, "genuine", "scan", 1))
    assert classify_title(content.title, default_rule_data().kinds) == entry.kind == content.kind
    spec = _template_for(entry.kind).template.spec
    assert spec.title == content.title and spec.source
    printed = {f.label for f in content.fields}
    assert {f.label for f in spec.fields} <= printed


@pytest.mark.parametrize("design", NEW_DESIGNS)
def test_new_designs_genuine_issuer_is_a_registered_authority(design: str) -> None:
    for seed in range(5):
        ctx = _context(design, "genuine", seed)
        assert ctx.issuer is not None and ctx.issuer.record.kind.value == "authority"
        assert ctx.issuer.record.registered_on is not None
        assert dt.date.fromisoformat(ctx.fields.issue_date.value) > ctx.issuer.record.registered_on


def test_new_designs_booklet_serial_follows_its_pattern() -> None:
    pattern = _template_for(CertificateKind.QUALIFICATION).template.spec.serial.pattern
    for seed in range(10):
        serial = draft_content(SampleSpec("qualification_booklet", "genuine", "scan", seed)).field("serial_number")
        assert serial is not None and serial_matches_template(serial.value, pattern).matches


@pytest.mark.parametrize("kind", [CertificateKind.SPECIAL_ABILITY, CertificateKind.PROFESSIONAL_QUALIFICATION])
def test_new_designs_unpublished_numbering_has_no_pattern(kind: CertificateKind) -> None:
    spec = _template_for(kind).template.spec
    assert spec.serial is not None and spec.serial.pattern is None


def test_new_designs_unregistered_names_match_no_registry_row() -> None:
    for name in (*UNREGISTERED_EVALUATION_ORGS, *UNREGISTERED_SPECIAL_ABILITY_ORGS):
        assert find_issuer(REGISTRY, [(name, "printed"), (name, "seal")]) is None, name
        near = nearest_issuer(REGISTRY, name)
        assert near is None or near.similarity < MIN_LOOKALIKE_SIMILARITY, (name, near)


def test_new_designs_reference_images_are_in_place() -> None:
    for template_id in OFFICIAL_REFERENCES:
        path = BUILTIN_DIR / template_id / "reference.png"
        image = cv2.imread(str(path))
        assert image is not None and (image.shape[1], image.shape[0]) == (2000, 1414)
        assert path.stat().st_size < 1_500_000


@pytest.mark.skipif(not generator_available(), reason="the samples generator's CJK fonts are not installed")
@pytest.mark.parametrize("design", NEW_DESIGNS)
def test_new_designs_render_title_and_every_field(design: str) -> None:
    import random

    from samples.generator.render import render_layout

    content = draft_content(SampleSpec(design, "genuine", "scan", 3))
    sheet = render_layout(DESIGNS.get(design).layout(content, random.Random(3)))
    boxes = sheet.field_boxes()
    assert "title" in boxes
    assert {k for k, v in content.truth_fields().items() if v} <= set(boxes)


def test_new_designs_future_date_variant_is_in_the_future() -> None:
    content = draft_content(SampleSpec("special_ability", "future_issue_date", "scan", 2))
    printed = content.field("issue_date")
    assert printed is not None and dt.date.fromisoformat(printed.truth_value) > dt.date.today()
    assert EvidenceCode.FIELD_INVALID in VARIANTS.get("future_issue_date").expected_codes

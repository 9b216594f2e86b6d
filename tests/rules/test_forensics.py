"""RECAPTURE and TAMPERING evidence: information or medium, never high."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from certcheck.types import CertificateFields, CertificateKind, Detection, EvidenceCode, FieldValue, OcrResult, Severity
from rules.catalogue import default_rule_data
from rules.context import RuleContext
from rules.forensics import field_contrast, recapture_rule, tampering_rule
from rules.registry import CERTIFICATE_RULES
from templates_registry.layout import FieldPrint, LearntLayout
from templates_registry.loader import Registry, Template
from templates_registry.matching import TemplateCandidate
from templates_registry.models import TemplateSpec

NAME_BOX = ((300.0, 400.0), (420.0, 400.0), (420.0, 440.0), (300.0, 440.0))
ID_BOX = ((300.0, 500.0), (700.0, 500.0), (700.0, 540.0), (300.0, 540.0))


def _context(*detections: Detection) -> RuleContext:
    fields = CertificateFields(
        kind=CertificateKind.SKILL_LEVEL,
        holder_name=FieldValue("holder_name", "张三", NAME_BOX, 0.98),
        id_number=FieldValue("id_number", "440524188001010014", ID_BOX, 0.98),
    )
    return RuleContext(
        ocr=OcrResult(lines=()), page_size=(1131, 1600), fields=fields, candidates=(), matched=None, issuer=None,
        registry=Registry((), ()), detections=detections, data=default_rule_data(),
    )


def _pasted(quad: tuple, score: float = 0.9) -> Detection:
    return Detection("tampering.v1", "pasted_text", quad, score, {"z": 12.0})


def test_screen_recapture_is_information_only() -> None:
    found = Detection("recapture.v1", "screen_recapture", None, 1.0, {"peak_ratio": 300.0})
    (evidence,) = recapture_rule(_context(found))
    assert evidence.code == EvidenceCode.RECAPTURE and evidence.severity == Severity.INFO and evidence.quad is None
    assert recapture_rule(_context()) == []


ID_LINE = ((295.0, 495.0), (705.0, 495.0), (705.0, 545.0), (295.0, 545.0))
SERIAL_BOX = ((300.0, 600.0), (700.0, 600.0), (700.0, 640.0), (300.0, 640.0))


def _sharpness(name: float, id_number: float, serial: float = 0.0) -> Detection:
    """The detector's page summary: the name's, ID number's (and serial's) lines at these sharpnesses."""
    lines = [(302, 402, 418, 438, name), (302, 502, 698, 538, id_number), (100, 900, 300, 940, 1.0)]
    if serial:
        lines.append((302, 602, 698, 638, serial))
    return Detection("tampering.v1", "text_sharpness", None, 1.0, {"page_sharpness": 1.0, "lines": tuple(lines)})


def _context_with_serial(*detections: Detection, layout_prints: dict[str, float] | None = None) -> RuleContext:
    ctx = _context(*detections)
    fields = dataclasses.replace(ctx.fields, serial_number=FieldValue("serial_number", "TQ-2023-K04512", SERIAL_BOX, 0.98))
    matched = None
    if layout_prints is not None:
        layout = LearntLayout(source_size=(2000, 1414), title=None, labels=(), arrangement="fixed",
                              prints=tuple(FieldPrint(key=k, sharpness=v) for k, v in layout_prints.items()))
        spec = TemplateSpec(id="new-x", name="x", kind=CertificateKind.SKILL_LEVEL, title="职业技能等级证书",
                            reference_image="reference.png")
        matched = TemplateCandidate(Template(spec, Path("."), "data", layout), 1.0, ())
    return dataclasses.replace(ctx, fields=fields, matched=matched)


def test_retyped_field_value_sharper_than_the_other_values_is_medium_and_masks_id_numbers() -> None:
    (evidence,) = tampering_rule(_context(_pasted(ID_LINE), _sharpness(name=1.1, id_number=1.7)))
    assert evidence.code == EvidenceCode.TAMPERING and evidence.severity == Severity.MEDIUM
    # The box is the field value's own (the detector's line may hold the label too).
    assert evidence.quad == ID_BOX and "440524188001010014" not in evidence.message
    assert "4405**********0014" in evidence.message


def test_sharp_value_with_nothing_to_compare_is_low_please_check() -> None:
    (evidence,) = tampering_rule(_context(_pasted(ID_LINE)))
    assert evidence.severity == Severity.LOW and "人工核对" in evidence.message


def test_values_all_printed_sharper_than_the_form_are_information() -> None:
    (evidence,) = tampering_rule(_context(_pasted(ID_LINE), _sharpness(name=1.6, id_number=1.7)))
    assert evidence.severity == Severity.INFO


def test_a_field_the_registered_sample_prints_sharper_is_information() -> None:
    detections = (_pasted(ID_LINE), _sharpness(name=1.1, id_number=1.7, serial=1.1))
    assert tampering_rule(_context_with_serial(*detections))[0].severity == Severity.MEDIUM
    prints = {"holder_name": 1.2, "id_number": 1.9, "serial_number": 1.2}  # the ID number's own face is sharper
    (evidence,) = tampering_rule(_context_with_serial(*detections, layout_prints=prints))
    assert evidence.severity == Severity.INFO


def test_field_contrast_is_relative_to_the_other_values_and_the_sample() -> None:
    assert field_contrast("id_number", {"id_number": 1.5, "holder_name": 1.0}, {}) == pytest.approx(1.5)
    assert field_contrast("id_number", {"id_number": 1.5, "holder_name": 1.0},
                          {"id_number": 1.5, "holder_name": 1.0}) == pytest.approx(1.0)
    assert field_contrast("id_number", {"id_number": 1.5}, {}) is None


def test_tampering_is_not_judged_over_a_tiled_background() -> None:
    line = ID_LINE
    sheet = ((0.0, 0.0), (1600.0, 0.0), (1600.0, 1131.0), (0.0, 1131.0))
    mark = Detection("watermark.v1", "watermark", sheet, 0.8, {"text": "国家职业资格"})
    assert tampering_rule(_context(_pasted(line), mark)) == []


def test_sharp_text_away_from_fields_is_information() -> None:
    away = ((800.0, 1200.0), (1000.0, 1200.0), (1000.0, 1240.0), (800.0, 1240.0))
    (evidence,) = tampering_rule(_context(_pasted(away)))
    assert evidence.severity == Severity.INFO


def test_never_high() -> None:
    detections = (
        Detection("recapture.v1", "screen_recapture", None, 1.0),
        _pasted(NAME_BOX, 1.0),
        _pasted(ID_BOX, 1.0),
    )
    ctx = _context(*detections)
    assert all(e.severity.rank < Severity.HIGH.rank for e in recapture_rule(ctx) + tampering_rule(ctx))


def test_registered() -> None:
    assert recapture_rule in CERTIFICATE_RULES and tampering_rule in CERTIFICATE_RULES

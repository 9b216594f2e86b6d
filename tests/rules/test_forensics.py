"""RECAPTURE and TAMPERING evidence: information or medium, never high."""

from __future__ import annotations

from certcheck.types import CertificateFields, CertificateKind, Detection, EvidenceCode, FieldValue, OcrResult, Severity
from rules.catalogue import default_rule_data
from rules.context import RuleContext
from rules.forensics import recapture_rule, tampering_rule
from rules.registry import CERTIFICATE_RULES
from templates_registry.loader import Registry

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


def test_retyped_field_value_is_medium_and_masks_id_numbers() -> None:
    line = ((295.0, 495.0), (705.0, 495.0), (705.0, 545.0), (295.0, 545.0))
    (evidence,) = tampering_rule(_context(_pasted(line)))
    assert evidence.code == EvidenceCode.TAMPERING and evidence.severity == Severity.MEDIUM
    assert evidence.quad == line and "440524188001010014" not in evidence.message
    assert "4405**********0014" in evidence.message


def test_tampering_is_not_judged_over_a_tiled_background() -> None:
    line = ((295.0, 495.0), (705.0, 495.0), (705.0, 545.0), (295.0, 545.0))
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

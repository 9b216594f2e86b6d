"""The contract JSON: upload-space boxes, masking, risk fields."""

from __future__ import annotations

import numpy as np

from certcheck.errors import UnreadableImage
from certcheck.report import error_to_dict, format_report_text, report_to_dict
from certcheck.types import (
    CertificateFields,
    CertificateKind,
    EvidenceCode,
    FieldValue,
    NormalizedImage,
    OcrResult,
    Report,
)
from rules.catalogue import default_rule_data
from rules.evidence import make_evidence
from rules.verdict import build_verdict
from tests.helpers import line

DATA = default_rule_data()


def _report() -> Report:
    id_line = line("证件号码：440524188001010014", 10, 10, w=300, h=20)
    serial = FieldValue("serial_number", "2022000123", ((100, 50), (200, 50), (200, 70), (100, 70)), 0.97)
    fields = CertificateFields(
        kind=CertificateKind.SKILL_LEVEL,
        id_number=FieldValue("id_number", "440524188001010014", id_line.quad, 0.99),
        serial_number=serial,
    )
    evidence = [make_evidence(DATA, EvidenceCode.SERIAL_FORMAT, "编号 440524188001010014 不对", "bad",
                              text="2022000123", quad=serial.quad)]
    # work space is the upload scaled by 1/2 and shifted by (5, 7) in upload pixels
    to_upload = np.array([[2.0, 0, 5], [0, 2.0, 7], [0, 0, 1]])
    normalized = NormalizedImage(np.zeros((300, 400, 3), np.uint8), to_upload, upload_size=(900, 700))
    return Report(
        file="a.jpg", certificate=fields, template=None,
        verdict=build_verdict(evidence, fields, None, DATA), ocr=OcrResult(lines=(id_line,)),
        normalized=normalized, timings_ms={"total": 12.6},
    )


def test_report_boxes_are_in_upload_pixels() -> None:
    out = report_to_dict(_report())
    assert out["evidence"][0]["bbox"] == [205, 107, 405, 147]
    assert out["ocr"][0]["bbox"] == [25, 27, 625, 67]


def test_report_masks_every_id_number() -> None:
    out = report_to_dict(_report())
    text = str(out)
    assert "440524188001010014" not in text
    assert out["certificate"]["id_number"] == "4405**********0014"


def test_report_contract_fields() -> None:
    out = report_to_dict(_report())
    assert out["schema_version"] == "1" and out["risk_level"] == "high" and 70 <= out["risk_score"] <= 100
    assert out["template"] is None and out["annotated_image"] is None
    assert out["timings_ms"] == {"total": 13}
    assert set(out["certificate"]) == {"kind", "title", "holder_name", "id_number", "serial_number", "occupation",
                                       "level", "issuer", "issue_date"}
    assert "SERIAL_FORMAT" in format_report_text(out)


def test_error_line_shape() -> None:
    out = error_to_dict("x.jpg", UnreadableImage())
    assert out == {"schema_version": "1", "file": "x.jpg",
                   "error": {"code": "unreadable_image", "message": UnreadableImage.default_message,
                             "message_en": UnreadableImage.default_message_en}}

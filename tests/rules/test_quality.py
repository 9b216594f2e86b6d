"""IMAGE_QUALITY from the quality detector's findings: a sliver is never judged, whatever was read."""

from __future__ import annotations

import numpy as np

from certcheck.types import CertificateFields, CertificateKind, DecodedImage, EvidenceCode, FieldValue, OcrResult
from rules.catalogue import default_rule_data
from rules.quality import check_image_quality
from vision.detectors.quality import ImageQualityDetector
from vision.normalize import normalize

BOX = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))


def _read_certificate() -> CertificateFields:
    """Fields as if the title and three fields had been read."""
    def value(key: str, text: str) -> FieldValue:
        return FieldValue(key, text, BOX, 0.99)

    return CertificateFields(
        kind=CertificateKind.SKILL_LEVEL, title=value("title", "职业技能等级证书"),
        holder_name=value("holder_name", "张三"), occupation=value("occupation", "电工"),
        level=value("level", "四级/中级工"),
    )


def _findings(width: int, height: int) -> list:
    pixels = np.full((height, width, 3), 245, np.uint8)
    decoded = DecodedImage(pixels=pixels, media_type="image/png", source_name="x.png")
    return ImageQualityDetector()(normalize(decoded), decoded)


def test_beyond_20_to_1_is_image_quality_even_when_text_was_read() -> None:
    (evidence,) = check_image_quality(_findings(9000, 300), OcrResult(lines=()), _read_certificate(),
                                      default_rule_data())
    assert evidence.code == EvidenceCode.IMAGE_QUALITY and evidence.text == "extreme_aspect"
    assert "20:1" in evidence.message and evidence.quad is None


def test_up_to_20_to_1_a_read_certificate_is_judged() -> None:
    assert check_image_quality(_findings(4000, 200), OcrResult(lines=()), _read_certificate(),
                               default_rule_data()) == []

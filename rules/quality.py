"""``IMAGE_QUALITY``: say when a photo cannot be judged, and how to retake it.

A photo is judged whenever the certificate was read: quality problems that the
OCR overcame are not evidence. Only when too little was read does the verdict
become ``unknown``, with the quality detector's findings turned into advice
(retake in daylight, fill the frame, hold steady).
"""

from __future__ import annotations

from collections.abc import Sequence

from certcheck.types import CertificateFields, Detection, Evidence, EvidenceCode, OcrResult
from rules.catalogue import RuleData
from rules.evidence import make_evidence

__all__ = ["MIN_FIELDS_READ", "check_image_quality"]

#: A certificate counts as read when its title and at least this many of the
#: report's fields were found; fewer than that and a verdict would be a guess.
MIN_FIELDS_READ = 2

_GENERIC_ADVICE = "请把证书平放在光线充足处，让证书占满画面、对焦清晰后重新拍摄"
_GENERIC_ADVICE_EN = "Lay the certificate flat in good light, fill the frame, focus, and take the photo again"


def _fields_read(fields: CertificateFields) -> int:
    keys = ("holder_name", "id_number", "serial_number", "occupation", "level", "issuer", "issue_date")
    return sum(fields.get(k) is not None for k in keys)


def check_image_quality(
    detections: Sequence[Detection],
    ocr: OcrResult,
    fields: CertificateFields,
    data: RuleData,
) -> list[Evidence]:
    """``IMAGE_QUALITY`` evidence when the certificate could not be read.

    An upload beyond the judged aspect ratio (finding ``extreme_aspect``) gets
    it whatever was read: a sliver of a page is never judged as a certificate.
    """
    sliver = [d for d in detections if d.detector.startswith("image_quality") and d.kind == "extreme_aspect"]
    if sliver:
        advice, advice_en = str(sliver[0].extras["advice"]), str(sliver[0].extras["advice_en"])
        return [make_evidence(
            data, EvidenceCode.IMAGE_QUALITY,
            f"图片长宽比超过 {sliver[0].extras['threshold']:g}:1，无法判断真伪。{advice}。",
            f"The image is longer than {sliver[0].extras['threshold']:g}:1; it cannot be judged. {advice_en}.",
            text="extreme_aspect", confidence=0.95,
        )]
    if fields.title is not None and _fields_read(fields) >= MIN_FIELDS_READ:
        return []
    problems = [d for d in detections if d.detector.startswith("image_quality")]
    if fields.title is not None and not problems:
        # A readable page with a title but few labelled fields (an award, a
        # free-form design): it can be judged on what it says.
        return []
    advice = "；".join(dict.fromkeys(str(d.extras.get("advice", "")) for d in problems if d.extras.get("advice")))
    advice_en = "; ".join(dict.fromkeys(str(d.extras.get("advice_en", "")) for d in problems
                                        if d.extras.get("advice_en")))
    kinds = "、".join(d.kind for d in problems) or ("no_text" if not ocr.lines else "not_a_certificate")
    if not ocr.lines:
        what, what_en = "照片中没有识别到任何文字", "No text could be read in the photo"
    else:
        what, what_en = "没有识别到证书的标题和主要内容", "The certificate's title and main fields could not be read"
    return [make_evidence(
        data, EvidenceCode.IMAGE_QUALITY,
        f"{what}，无法判断真伪。{advice or _GENERIC_ADVICE}。",
        f"{what_en}; the certificate cannot be judged. {advice_en or _GENERIC_ADVICE_EN}.",
        text=kinds, confidence=0.9,
    )]

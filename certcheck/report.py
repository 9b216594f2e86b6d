"""Shape a domain :class:`~certcheck.types.Report` into the contract's JSON.

This is the single place where work-space boxes become upload-space ``bbox``
(through ``NormalizedImage.bbox_to_upload``) and where personal data is masked
before anything leaves the process (CONTRACT.md section 3).
"""

from __future__ import annotations

import base64
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from certcheck.errors import CertcheckError
from certcheck.privacy import mask_id_number, mask_id_numbers
from certcheck.types import CertificateFields, Evidence, NormalizedImage, OcrLine, Quad, Report
from rules.serial import registered_serial_form, serial_matches_template
from rules.text_check import TextCheck

if TYPE_CHECKING:
    from templates_registry.loader import Registry

__all__ = [
    "SCHEMA_VERSION",
    "accepted_serials",
    "error_to_dict",
    "format_report_text",
    "mask_id_numbers",
    "report_to_dict",
    "text_check_to_dict",
    "format_text_check",
]

SCHEMA_VERSION = "1"

_REPORT_FIELDS = ("holder_name", "id_number", "serial_number", "occupation", "level", "issuer", "issue_date")
_LEVEL_ZH = {"low": "低风险", "medium": "中等风险", "high": "高风险", "unknown": "无法判断"}
_SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低", "info": "提示"}


def _bbox(normalized: NormalizedImage, quad: Quad | None) -> list[int] | None:
    return None if quad is None else list(normalized.bbox_to_upload(quad))


def _masked(text: str | None, not_ids: Collection[str] = ()) -> str | None:
    return None if text is None else mask_id_numbers(text, not_ids)


def _certificate(fields: CertificateFields, not_ids: Collection[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": fields.kind.value,
        "title": fields.title.value if fields.title else None,
    }
    for key in _REPORT_FIELDS:
        value = fields.get(key)
        if value is None:
            out[key] = None
        elif key == "id_number":
            out[key] = mask_id_number(value.value)
        else:
            out[key] = mask_id_numbers(value.value, not_ids)
    return out


def _evidence(item: Evidence, bbox: list[int] | None, not_ids: Collection[str] = ()) -> dict[str, Any]:
    """One evidence object of the contract (section 3), texts masked; ``bbox`` in upload pixels."""
    return {
        "code": item.code.value,
        "category": item.category.value,
        "severity": item.severity.value,
        "message": mask_id_numbers(item.message, not_ids),
        "message_en": mask_id_numbers(item.message_en, not_ids),
        "basis": item.basis,
        "text": _masked(item.text, not_ids),
        "bbox": bbox,
        "confidence": round(item.confidence, 3),
    }


def _ocr_line(line: OcrLine, normalized: NormalizedImage, not_ids: Collection[str]) -> dict[str, Any]:
    return {
        "text": mask_id_numbers(line.text, not_ids),
        "bbox": _bbox(normalized, line.quad),
        "confidence": round(line.confidence, 3),
    }


def accepted_serials(report: Report, registry: Registry | None) -> frozenset[str]:
    """The printed serial, when the matched template's registered pattern accepts it: it is not an ID number.

    Empty without a registry, a matched template, a pattern or a serial: then a
    serial that looks like an ID number is masked like one.
    """
    serial = report.certificate.serial_number
    if registry is None or report.template is None or serial is None:
        return frozenset()
    try:
        spec = registry.get_template(report.template.template_id).spec
    except CertcheckError:
        return frozenset()
    if spec.serial is None or spec.serial.pattern is None:
        return frozenset()
    if not serial_matches_template(serial.value, spec.serial.pattern).matches:
        return frozenset()
    return frozenset({serial.value, registered_serial_form(serial.value)})


def report_to_dict(report: Report, registry: Registry | None = None) -> dict[str, Any]:
    """The contract's Report JSON: upload-space boxes, ID numbers masked.

    Args:
        report: the pipeline's report.
        registry: the registry the check ran with; with it, a serial that the
            matched template's pattern accepts stays readable even where it
            looks like an ID number (:func:`accepted_serials`).
    """
    normalized = report.normalized
    template = report.template
    not_ids = accepted_serials(report, registry)
    return {
        "schema_version": SCHEMA_VERSION,
        "file": mask_id_numbers(report.file),
        "risk_level": report.verdict.risk_level.value,
        "risk_score": report.verdict.risk_score,
        "summary": mask_id_numbers(report.verdict.summary, not_ids),
        "summary_en": mask_id_numbers(report.verdict.summary_en, not_ids),
        "certificate": _certificate(report.certificate, not_ids),
        "template": None if template is None else {
            "id": template.template_id,
            "name": template.name,
            "match_score": round(template.match_score, 3),
        },
        "evidence": [_evidence(e, _bbox(normalized, e.quad), not_ids) for e in report.verdict.evidence],
        "ocr": [_ocr_line(line, normalized, not_ids) for line in report.ocr.lines],
        "annotated_image": None if report.annotated_png is None else base64.b64encode(report.annotated_png).decode(),
        "timings_ms": {k: int(round(v)) for k, v in report.timings_ms.items()},
    }


def error_to_dict(source_name: str, error: CertcheckError) -> dict[str, Any]:
    """The JSON line for a file that could not be checked (CONTRACT.md section 1)."""
    masked = {key: mask_id_numbers(value) for key, value in error.to_dict().items()}
    return {"schema_version": SCHEMA_VERSION, "file": mask_id_numbers(source_name), "error": masked}


def format_report_text(report: dict[str, Any]) -> str:
    """A plain-language rendering of a report dict for the terminal (Chinese first)."""
    cert = report["certificate"]
    score = report["risk_score"]
    lines = [
        f"== {report['file']} ==",
        f"结论：{_LEVEL_ZH.get(report['risk_level'], report['risk_level'])}"
        + (f"（风险分 {score}）" if score is not None else ""),
        report["summary"],
        f"证书类型：{cert['kind']}  标题：{cert['title'] or '—'}",
    ]
    labels = {"holder_name": "姓名", "id_number": "证件号码", "serial_number": "证书编号", "occupation": "职业",
              "level": "等级", "issuer": "发证机构", "issue_date": "发证日期"}
    lines += [f"  {label}：{cert[key] or '—'}" for key, label in labels.items()]
    if report["template"]:
        tpl = report["template"]
        lines.append(f"比对样式：{tpl['name']}（{tpl['id']}，匹配度 {tpl['match_score']:.2f}）")
    if report["evidence"]:
        lines.append("证据：")
    for item in report["evidence"]:
        where = f" 位置 {item['bbox']}" if item["bbox"] else ""
        lines.append(f"  [{_SEVERITY_ZH.get(item['severity'], item['severity'])}] {item['code']}：{item['message']}{where}")
        lines.append(f"      依据：{item['basis']}")
    return "\n".join(lines)


def text_check_to_dict(result: TextCheck) -> dict[str, Any]:
    """The contract's text report (section 2): evidence with ``bbox`` null and ``start``/``end`` offsets."""
    evidence = [
        {**_evidence(finding.evidence, None), "start": finding.start, "end": finding.end}
        for finding in result.findings
    ]
    return {
        "risk_level": result.risk_level.value,
        "risk_score": result.risk_score,
        "summary": result.summary,
        "summary_en": result.summary_en,
        "evidence": evidence,
    }


def format_text_check(answer: dict[str, Any]) -> str:
    """A plain-language rendering of a text report dict for the terminal (Chinese first)."""
    score = answer["risk_score"]
    lines = [
        f"结论：{_LEVEL_ZH.get(answer['risk_level'], answer['risk_level'])}"
        + (f"（风险分 {score}）" if score is not None else ""),
        answer["summary"],
    ]
    if answer["evidence"]:
        lines.append("证据：")
    for item in answer["evidence"]:
        lines.append(f"  [{_SEVERITY_ZH.get(item['severity'], item['severity'])}] {item['code']}："
                     f"“{item['text']}”（第 {item['start']}–{item['end']} 字）{item['message']}")
        lines.append(f"      依据：{item['basis']}")
    return "\n".join(lines)

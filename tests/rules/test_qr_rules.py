"""QR_UNOFFICIAL (host, payload against the printed fields) and a missing required QR code."""

from __future__ import annotations

from pathlib import Path

import pytest

from certcheck.types import (
    CertificateFields,
    CertificateKind,
    Detection,
    EvidenceCode,
    FieldValue,
    OcrResult,
    Severity,
)
from rules.catalogue import default_rule_data
from rules.context import RuleContext
from rules.qr_rules import classify_host, load_official_domains, qr_rule
from rules.registry import CERTIFICATE_RULES
from templates_registry.loader import Registry, load_template_folder
from templates_registry.matching import TemplateCandidate
from vision.detectors.qr import payload_host

BUILTIN = load_template_folder(
    Path(__file__).resolve().parents[2] / "templates_registry" / "builtin" / "hrss-skill-level-2021", "builtin"
)
BOX = ((10.0, 10.0), (110.0, 10.0), (110.0, 110.0), (10.0, 110.0))
SERIAL = "S000044030001244000123"


def _qr(payload: str) -> Detection:
    return Detection("qr.v1", "qr", BOX, 1.0, {"payload": payload, "host": payload_host(payload), "source": "work"})


def _context(
    *detections: Detection,
    kind: CertificateKind = CertificateKind.SKILL_LEVEL,
    template: bool = True,
    serial: str | None = SERIAL,
    name: str | None = "张三",
) -> RuleContext:
    fields = CertificateFields(
        kind=kind,
        serial_number=FieldValue("serial_number", serial, BOX, 0.99) if serial else None,
        holder_name=FieldValue("holder_name", name, BOX, 0.99) if name else None,
    )
    matched = TemplateCandidate(BUILTIN, 0.9, ()) if template else None
    return RuleContext(
        ocr=OcrResult(lines=()), page_size=(1600, 1131), fields=fields, candidates=(), matched=matched, issuer=None,
        registry=Registry((BUILTIN,), ()), detections=detections, data=default_rule_data(),
    )


def test_official_code_with_the_printed_serial_is_clean() -> None:
    assert qr_rule(_context(_qr(f"http://jndj.osta.org.cn/cert/query?certificateNo={SERIAL}"))) == []


@pytest.mark.parametrize("host", ["osta-org.cn", "jndj.osta.org.cn.cx", "zscx.0sta.org.cn", "jndj-osta.com",
                                  "cpta.com.cn.xx", "xn--sta-red.org.cn", "pjjg.osta.net.cn"])
def test_lookalike_hosts_are_high_on_any_certificate(host: str) -> None:
    ctx = _context(_qr(f"http://{host}/q?certificateNo={SERIAL}"), kind=CertificateKind.TRAINING, template=False)
    (evidence,) = qr_rule(ctx)
    assert evidence.code == EvidenceCode.QR_UNOFFICIAL and evidence.severity == Severity.HIGH
    assert evidence.quad == BOX and host in evidence.message


def test_unrelated_host_is_high_only_where_the_certificate_must_use_the_official_lookup() -> None:
    code = _qr("https://www.zhengshu-chaxun.com/q?id=1")
    (evidence,) = qr_rule(_context(code))
    assert evidence.severity == Severity.HIGH
    # A company's own training certificate may link to its own site.
    assert qr_rule(_context(code, kind=CertificateKind.TRAINING, template=False)) == []


def test_text_payload_on_an_official_certificate_is_unofficial() -> None:
    (evidence,) = qr_rule(_context(_qr("证书查询请致电 400-000-0000")))
    assert evidence.code == EvidenceCode.QR_UNOFFICIAL


def test_serial_in_code_differs_from_printed_is_medium() -> None:
    other = SERIAL[:-6] + "000999"
    (evidence,) = qr_rule(_context(_qr(f"http://jndj.osta.org.cn/cert/query?certificateNo={other}")))
    assert evidence.code == EvidenceCode.QR_UNOFFICIAL and evidence.severity == Severity.MEDIUM
    assert other in evidence.message and SERIAL in evidence.message


def test_ocr_confusion_in_printed_serial_is_not_a_difference() -> None:
    ctx = _context(_qr(f"http://jndj.osta.org.cn/cert/query?certificateNo={SERIAL}"), serial="S0000440300O1244000123")
    assert qr_rule(ctx) == []


def test_name_in_code_differs_from_printed_and_id_numbers_are_masked() -> None:
    payload = f"http://jndj.osta.org.cn/cert/query?certificateNo={SERIAL}&name=李四&idcard=440524188001010014"
    (evidence,) = qr_rule(_context(_qr(payload)))
    assert evidence.severity == Severity.MEDIUM and "李四" in evidence.message
    assert "440524188001010014" not in (evidence.text or "") and "4405**********0014" in (evidence.text or "")


def _page(sharpness: float) -> Detection:
    return Detection("tampering.v1", "text_sharpness", None, 1.0, {"page_sharpness": sharpness, "lines": ()})


def test_required_code_missing_on_a_sharp_photo_is_template_mismatch_medium() -> None:
    (evidence,) = qr_rule(_context(_page(0.9)))
    assert evidence.code == EvidenceCode.TEMPLATE_MISMATCH and evidence.quad is None
    assert evidence.severity == Severity.MEDIUM  # the registered sample prints one; this sheet has none
    assert qr_rule(_context(template=False)) == []


def test_required_code_missing_on_a_soft_photo_is_low_please_check() -> None:
    for detections in ((_page(0.5),), ()):
        (evidence,) = qr_rule(_context(*detections))
        assert evidence.code == EvidenceCode.TEMPLATE_MISMATCH and evidence.severity == Severity.LOW
        assert "请人工核对" in evidence.message


def test_required_code_printed_but_undecodable_is_low_please_check() -> None:
    located = Detection("qr.v1", "qr_unreadable", BOX, 0.5, {"payload": None, "host": None, "source": "work_sharpened"})
    (evidence,) = qr_rule(_context(located))
    assert (evidence.code, evidence.severity, evidence.quad) == (EvidenceCode.TEMPLATE_MISMATCH, Severity.LOW, BOX)
    assert "请人工核对" in evidence.message


def test_official_domains_come_from_cert_facts() -> None:
    official = load_official_domains().domains
    assert classify_host("jndj.osta.org.cn", official).status == "official"
    assert classify_host("www.mohrss.gov.cn", official).status == "official"
    assert classify_host("cx.mem.gov.cn", official).status == "official"
    assert "osta.org.cn" in official and load_official_domains().source.startswith("cert-facts")


def test_registered() -> None:
    assert qr_rule in CERTIFICATE_RULES

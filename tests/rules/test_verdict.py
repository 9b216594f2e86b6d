"""Risk level, score and summary from hand-built evidence."""

from __future__ import annotations

import pytest

from certcheck.types import CertificateFields, CertificateKind, EvidenceCode, RiskLevel, Severity, TemplateMatch
from rules.catalogue import default_rule_data
from rules.evidence import make_evidence
from rules.verdict import build_verdict

DATA = default_rule_data()
SKILL = CertificateFields(kind=CertificateKind.SKILL_LEVEL)


def _ev(code: EvidenceCode, severity: Severity | None = None):
    return make_evidence(DATA, code, "m", "m", severity=severity)


@pytest.mark.parametrize(("evidence", "level", "low", "high"), [
    ([], RiskLevel.LOW, 0, 0),
    ([_ev(EvidenceCode.SERIAL_FORMAT, Severity.LOW)], RiskLevel.LOW, 1, 29),
    ([_ev(EvidenceCode.TEMPLATE_MISMATCH)], RiskLevel.MEDIUM, 30, 69),
    ([_ev(EvidenceCode.SERIAL_FORMAT)], RiskLevel.HIGH, 70, 100),
    ([_ev(EvidenceCode.SERIAL_FORMAT)] * 5 + [_ev(EvidenceCode.TEMPLATE_MISMATCH)] * 5, RiskLevel.HIGH, 100, 100),
    ([_ev(EvidenceCode.IMAGE_QUALITY)], RiskLevel.UNKNOWN, None, None),
    ([_ev(EvidenceCode.IMAGE_QUALITY), _ev(EvidenceCode.TEMPLATE_MISMATCH)], RiskLevel.UNKNOWN, None, None),
    ([_ev(EvidenceCode.IMAGE_QUALITY), _ev(EvidenceCode.SERIAL_FORMAT)], RiskLevel.HIGH, 70, 100),
])
def test_verdict_level_and_score_bands(evidence, level, low, high) -> None:
    verdict = build_verdict(evidence, SKILL, None, DATA)
    assert verdict.risk_level == level
    if low is None:
        assert verdict.risk_score is None
    else:
        assert low <= verdict.risk_score <= high


def test_verdict_orders_evidence_by_severity() -> None:
    verdict = build_verdict([_ev(EvidenceCode.TEMPLATE_MISMATCH), _ev(EvidenceCode.SERIAL_FORMAT)], SKILL, None, DATA)
    assert [e.code for e in verdict.evidence] == [EvidenceCode.SERIAL_FORMAT, EvidenceCode.TEMPLATE_MISMATCH]


def test_verdict_summary_says_what_to_do_next() -> None:
    high = build_verdict([_ev(EvidenceCode.SERIAL_FORMAT)], SKILL, None, DATA)
    assert "12333" in high.summary and "osta.org.cn" in high.summary
    clean = build_verdict([], SKILL, TemplateMatch("hrss-skill-level-2021", "样式", 0.9), DATA)
    assert "未发现问题" in clean.summary and "zscx.osta.org.cn" in clean.summary


def test_verdict_private_training_certificate_is_low_and_explained() -> None:
    verdict = build_verdict([], CertificateFields(kind=CertificateKind.TRAINING), None, DATA)
    assert verdict.risk_level == RiskLevel.LOW and "培训" in verdict.summary

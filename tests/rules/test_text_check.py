"""The publicity rules on free texts: offsets into the original, mentions, verdict, the advert corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.evaluate_text import evaluate, load_corpus
from certcheck.errors import RequestError
from certcheck.types import EvidenceCode, RiskLevel
from rules.text_check import MAX_TEXT_CHARS, check_text

CORPUS = Path(__file__).resolve().parents[2] / "samples" / "adverts" / "adverts.yaml"


def _found(text: str) -> list[tuple[str, str]]:
    return [(f.evidence.code.value, text[f.start : f.end]) for f in check_text(text).findings]


def test_text_check_offsets_point_into_the_original_text() -> None:
    text = "【招生】\u3000職業培訓，國 家 認 可，ＰＭＰ１０天拿证！人社部颁发"
    result = check_text(text)
    for finding in result.findings:
        assert text[finding.start : finding.end] == finding.evidence.text
        assert finding.evidence.quad is None
    assert _found(text) == [("FALSE_CLAIM", "國 家 認 可"), ("FALSE_CLAIM", "１０天拿证"),
                            ("IMPERSONATED_AUTHORITY", "人社部")]


def test_text_check_one_span_may_carry_two_codes() -> None:
    found = _found("颁发国家认可证书")
    assert ("FALSE_CLAIM", "国家认可") in found
    assert ("FORBIDDEN_WORDING", "国家认可证书") in found


@pytest.mark.parametrize(
    "text",
    [
        "通知指出，不得使用“包过”“国家认可”“无门槛”等字样进行宣传。",
        "谨防“包过”陷阱，考试严禁代考。",
        "人力资源社会保障部近日印发通知，开展专项治理。",
        "我单位是经广东省人力资源和社会保障厅备案的评价机构，依据国家职业技能标准开展认定。",
        "篮球俱乐部招新，教务部和市场部同事欢迎报名，地址：中国广东省深圳市。",
    ],
)
def test_text_check_reports_and_lawful_notices_are_clean(text: str) -> None:
    result = check_text(text)
    assert result.findings == ()
    assert (result.risk_level, result.risk_score) == (RiskLevel.LOW, 0)


def test_text_check_quoted_hook_in_an_advert_is_still_a_claim() -> None:
    assert _found("本期“包过”班火热招生") == [("FALSE_CLAIM", "包过")]


def test_text_check_verdict_uses_the_certificate_severity_table() -> None:
    high = check_text("包过！原劳动部颁发")
    assert (high.risk_level, high.risk_score) == (RiskLevel.HIGH, 80)
    assert "虚假或夸大宣传用语" in high.summary and "12333" in high.summary
    medium = check_text("电工速成班，报名从速")
    assert (medium.risk_level, medium.risk_score) == (RiskLevel.MEDIUM, 30)
    assert [f.evidence.code for f in medium.findings] == [EvidenceCode.FALSE_CLAIM]


def test_text_check_evidence_carries_the_entry_clause() -> None:
    (finding,) = check_text("官方认证").findings
    assert finding.evidence.basis.startswith("东人社函〔2022〕37号 二（二）")
    assert finding.evidence.category.value == "false_publicity"


def test_text_check_refuses_an_over_long_text() -> None:
    with pytest.raises(RequestError):
        check_text("好" * (MAX_TEXT_CHARS + 1))


def test_text_check_long_page_is_checked_quickly() -> None:
    # A long page at the cap: the matching is regex work in C, a fraction of a second.
    page = ("本机构长期开展职业技能培训，欢迎咨询。" * 5000)[: MAX_TEXT_CHARS - 10] + "包过"
    assert _found(page) == [("FALSE_CLAIM", "包过")]


def test_text_check_advert_corpus_precision_and_recall() -> None:
    result = evaluate(load_corpus(CORPUS))
    # Measured on samples/adverts (README "Text check"): precision 0.99, recall 0.94 at the shipped threshold.
    assert result["overall"]["precision"] >= 0.95
    assert result["overall"]["recall"] >= 0.9
    assert result["clean_texts_flagged"] <= 1

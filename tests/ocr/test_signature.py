"""The unlabelled reader: salutation, signature block (落款) and a serial printed alone, on made-up text."""

from __future__ import annotations

import pytest

from ocr.signature import read_signature_block
from tests.helpers import line, page

SALUTATIONS = ["同志", "同学"]
SUFFIXES = ["有限公司", "公司", "组委会", "委员会", "学院", "大学", "中心", "市委", "局", "厅"]


def _read(*lines: object) -> dict[str, str]:
    found = read_signature_block(page(*lines), 1000, salutations=SALUTATIONS, organisation_suffixes=SUFFIXES)
    return {key: value.value for key, value in found.items()}


def test_month_precision_date_in_han_numerals() -> None:
    assert _read(line("某某科技有限公司", 600, 800), line("二〇二一年十二月", 620, 850)) == {
        "issuer": "某某科技有限公司", "issue_date": "2021-12"}


def test_latin_zero_in_a_han_year() -> None:
    assert _read(line("某市教育局", 600, 800), line("二0一一年四月二十日", 600, 850))["issue_date"] == "2011-04-20"


def test_issuer_printed_over_two_rows_is_joined() -> None:
    found = _read(line("某省中小学生", 600, 760), line("征文大赛组委会", 600, 800), line("二〇〇五年六月", 620, 850))
    assert found["issuer"] == "某省中小学生征文大赛组委会"


def test_two_issuers_side_by_side_give_the_first() -> None:
    found = _read(line("共青团某市委", 300, 800), line("某市教育局", 700, 800), line("二〇一一年四月二十日", 600, 850))
    assert found["issuer"] == "共青团某市委"
    found = _read(line("某大学学生创新中心", 100, 800), line("某大学电子学院", 380, 800), line("2025年4月", 600, 850))
    assert found["issuer"] == "某大学学生创新中心"


@pytest.mark.parametrize("signature", ["负责人(签章)：某某中心", "职业技能鉴定(指导)中心(印)"])
def test_a_signature_or_seal_line_is_never_the_issuer(signature: str) -> None:
    assert "issuer" not in _read(line(signature, 600, 800), line("2016年11月28日", 620, 850))


def test_a_labelled_row_is_no_issuer() -> None:
    assert "issuer" not in _read(line("证书编号1686133061400163鉴定中心", 100, 800), line("2016年11月28日", 620, 850))


def test_a_birth_date_in_the_body_is_not_the_issue_date() -> None:
    found = _read(line("张三，男，一九九四年八月二十七日生，", 100, 600),
                  line("证书编号：1039442021071492", 100, 900), line("二〇二一年六月十六日", 600, 900))
    assert found["issue_date"] == "2021-06-16"


def test_several_holders_in_one_salutation() -> None:
    assert _read(line("甲乙丙、丁戊己同学：", 100, 300))["holder_name"] == "甲乙丙、丁戊己"


def test_a_bare_name_right_above_the_date() -> None:
    assert _read(line("某某国际(厦门)", 600, 800), line("2021年01月", 620, 850))["issuer"] == "某某国际(厦门)"


def test_a_serial_printed_alone_near_the_top() -> None:
    assert _read(line("荣誉证书", 300, 80, h=80), line("MZYSH20210213", 800, 100))["serial_number"] == "MZYSH20210213"
    # An ID-number shaped token is never a serial.
    assert "serial_number" not in _read(line("110105194912310021", 800, 100))


def test_an_occupation_printed_inside_the_record_sentence() -> None:
    found = _read(line("2020年12月05日参加某某", 600, 300), line("图形处理专项职业能力考", 600, 340),
                  line("核，成绩69.0，具备合格的操作能力。", 600, 380))
    assert found["occupation"] == "某某图形处理"

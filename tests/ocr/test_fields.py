"""Field extraction on hand-built OCR lines: every layout the extractor claims to handle."""

from __future__ import annotations

import pytest

from ocr.fields import extract_fields, find_label, find_title
from tests.helpers import line, page

LABELS = {
    "holder_name": ("姓名", "Name"),
    "id_number": ("证件号码", "ID No."),
    "serial_number": ("证书编号", "Certificate No."),
    "occupation": ("职业名称",),
    "level": ("职业技能等级",),
    "issuer": ("评价机构名称", "评价机构"),
    "issue_date": ("发证日期",),
}


def _values(result: dict) -> dict[str, str]:
    return {k: v.value for k, v in result.items()}


def test_fields_value_in_same_box_with_fullwidth_colon() -> None:
    ocr = page(line("姓名：张三", 100, 300), line("证书编号：S000044030001244000123", 100, 360))
    assert _values(extract_fields(ocr, LABELS)) == {
        "holder_name": "张三", "serial_number": "S000044030001244000123"}


def test_fields_value_right_of_label_in_separate_box() -> None:
    ocr = page(line("姓名", 100, 300), line("李四", 400, 302), line("职业名称", 100, 360), line("电工", 400, 358))
    assert _values(extract_fields(ocr, LABELS)) == {"holder_name": "李四", "occupation": "电工"}


def test_fields_value_below_label() -> None:
    ocr = page(line("评价机构名称", 100, 300), line("深圳市鹏城职业技能评价有限公司", 100, 345))
    assert _values(extract_fields(ocr, LABELS)) == {"issuer": "深圳市鹏城职业技能评价有限公司"}


def test_fields_label_split_across_boxes() -> None:
    ocr = page(line("姓", 100, 300), line("名", 190, 301), line("王五", 400, 300))
    assert _values(extract_fields(ocr, LABELS)) == {"holder_name": "王五"}


def test_fields_bilingual_label_with_alias() -> None:
    ocr = page(line("姓名/Name：赵六", 100, 300), line("Certificate No.: Y000044030002195000001", 100, 360))
    assert _values(extract_fields(ocr, LABELS)) == {
        "holder_name": "赵六", "serial_number": "Y000044030002195000001"}


def test_fields_two_labels_in_one_row() -> None:
    ocr = page(line("姓名：张三", 100, 300), line("职业名称：焊工", 600, 300))
    assert _values(extract_fields(ocr, LABELS)) == {"holder_name": "张三", "occupation": "焊工"}


def test_fields_title_is_not_read_as_level_label() -> None:
    ocr = page(line("职业技能等级证书", 300, 80, h=80), line("职业技能等级：四级/中级工", 100, 400))
    assert _values(extract_fields(ocr, LABELS)) == {"level": "四级/中级工"}


def test_fields_date_normalised_to_iso() -> None:
    ocr = page(line("发证日期：二〇二四年五月十日", 100, 300))
    assert _values(extract_fields(ocr, LABELS)) == {"issue_date": "2024-05-10"}


def test_fields_unknown_fields_are_absent_not_guessed() -> None:
    ocr = page(line("荣誉证书", 300, 80, h=80), line("在2024年技能竞赛中荣获一等奖", 100, 300))
    assert extract_fields(ocr, LABELS) == {}


@pytest.mark.parametrize("raw", ["1101 0519 4912 3100 2X", "11010519491231002X"])
def test_fields_id_number_tolerates_spaces(raw: str) -> None:
    ocr = page(line(f"证件号码：{raw}", 100, 300))
    assert extract_fields(ocr, LABELS)["id_number"].value == "11010519491231002X"


def test_fields_value_quad_points_at_value_box() -> None:
    ocr = page(line("姓名", 100, 300), line("李四", 400, 300))
    assert extract_fields(ocr, LABELS)["holder_name"].quad[0] == (400, 300)


def test_title_is_tallest_row_near_the_top() -> None:
    ocr = page(line("职业技能", 300, 60, h=90), line("等级证书", 700, 62, h=90), line("姓名：张三", 100, 400))
    title = find_title(ocr, page_height=1100)
    assert title is not None and title.value == "职业技能等级证书"


def test_find_label_reports_where_a_label_is_printed() -> None:
    ocr = page(line("证书编号", 100, 300), line("姓名：张三", 100, 360))
    found = find_label(ocr, ["证书编号"])
    assert found is not None and found.quad[0] == (100, 300)
    assert find_label(ocr, ["发证日期"]) is None


def test_fields_two_column_labels_with_values_below() -> None:
    ocr = page(
        line("姓名：", 100, 300), line("证件类型：", 700, 300),
        line("崔鹏", 100, 345), line("居民身份证", 700, 345),
        line("证件号码：", 100, 420), line("职业名称：", 700, 420),
        line("45010319901010361X", 100, 465, w=330), line("养老护理员", 700, 465),
    )
    labels = {**LABELS, "id_type": ("证件类型",)}
    assert _values(extract_fields(ocr, labels)) == {
        "holder_name": "崔鹏", "id_type": "居民身份证", "id_number": "45010319901010361X", "occupation": "养老护理员"}


def test_fields_body_sentence_starting_with_label_word_is_not_a_field() -> None:
    ocr = page(line("持证人经评价，达到本职业相应等级技能要求，特发此证。", 100, 300))
    assert extract_fields(ocr, {"holder_name": ("姓名", "持证人")}) == {}


def test_fields_far_text_in_the_same_row_is_another_column() -> None:
    ocr = page(
        line("发证日期：", 100, 300), line("机构查询网址：http://pjjg.osta.org.cn", 900, 305),
        line("2025年05月30日", 100, 340, w=220),
    )
    assert _values(extract_fields(ocr, LABELS)) == {"issue_date": "2025-05-30"}


@pytest.mark.parametrize(("label_box", "value_box"), [
    ("证书编号CertifcatrNo", "S000051010006223585463"),
    ("职业技能等级sLeve", "三级/高级工"),
    ("证件类型(01)p", "居民身份证"),
])
def test_fields_garbled_english_translation_is_skipped(label_box: str, value_box: str) -> None:
    labels = {**LABELS, "id_type": ("证件类型",)}
    ocr = page(line(label_box, 100, 300), line(value_box, 420, 300))
    assert list(_values(extract_fields(ocr, labels)).values()) == [value_box]


def test_fields_translation_then_value_below() -> None:
    ocr = page(line("姓名Same", 100, 300), line("郝蕾洁", 100, 345))
    assert _values(extract_fields(ocr, LABELS)) == {"holder_name": "郝蕾洁"}


def test_fields_serial_in_same_box_is_not_a_translation() -> None:
    ocr = page(line("证书编号S000032050005243998126", 100, 300))
    assert _values(extract_fields(ocr, LABELS)) == {"serial_number": "S000032050005243998126"}


def test_fields_letters_only_token_is_not_a_serial() -> None:
    ocr = page(line("证书编号：CertificateNo", 100, 300))
    assert extract_fields(ocr, LABELS) == {}


@pytest.mark.parametrize(("label_box", "value_box", "key"), [
    ("证书编号CertificateNo.;", "S000044010002244057370", "serial_number"),
    ("职业技能等级sillLevet:", "四级/中级工", "level"),
])
def test_fields_misread_colon_after_translation(label_box: str, value_box: str, key: str) -> None:
    ocr = page(line(label_box, 100, 300), line(value_box, 420, 300))
    assert _values(extract_fields(ocr, LABELS)) == {key: value_box}


# Real layouts (bench/fields_truth.yaml measures them on real images; these pin each rule on made-up text).


def test_fields_a_label_is_never_a_value() -> None:
    # Booklet: the label row 姓名 … 性别 with nothing readable below 姓名 but the next label.
    ocr = page(line("姓名", 100, 100), line("性别", 100, 140))
    assert extract_fields(ocr, LABELS) == {}


def test_fields_value_ends_at_an_unreported_label() -> None:
    ocr = page(line("姓名", 100, 100), line("张三", 170, 100), line("性别", 260, 100), line("男", 330, 100))
    assert _values(extract_fields(ocr, LABELS)) == {"holder_name": "张三"}


def test_fields_an_id_number_is_never_the_serial() -> None:
    ocr = page(line("证书编号：110105194912310021", 100, 100))
    assert extract_fields(ocr, LABELS) == {}
    ocr = page(line("证书编号：1686133061400163", 100, 100))
    assert _values(extract_fields(ocr, LABELS)) == {"serial_number": "1686133061400163"}


@pytest.mark.parametrize("signature", ["负责人(签章):言", "职业技能鉴定(指导)中心(印)", "盖章"])
def test_fields_a_signature_line_is_never_the_issuer(signature: str) -> None:
    ocr = page(line("发证单位", 100, 100), line(signature, 100, 140))
    assert "issuer" not in extract_fields(ocr, LABELS)


def test_fields_month_precision_date() -> None:
    ocr = page(line("发证日期：2025年6月", 100, 100))
    assert _values(extract_fields(ocr, LABELS)) == {"issue_date": "2025-06"}


def test_fields_two_page_spread_reads_each_page_apart() -> None:
    # Landscape booklet spread: left data page and right page share rows; no box crosses the fold.
    labels = {**LABELS, "occupation": ("职业(工种)及等级",)}
    ocr = page(
        line("姓名", 100, 100), line("张三", 180, 100), line("职业(工种)及等级", 900, 100), line("电工中级", 1150, 100),
        line("发证日期", 100, 200), line("2016年11月28日", 230, 200), line("评定成绩", 900, 200), line("良好", 1050, 200),
        line("证书编号", 100, 300), line("1686133061400163", 230, 300), line("理论知识考试成绩", 900, 300),
        line("88", 1150, 300), line("RSBZH", 100, 700), line("RSBZH", 1300, 700),
    )
    assert _values(extract_fields(ocr, labels)) == {
        "holder_name": "张三", "occupation": "电工", "level": "中级", "issue_date": "2016-11-28",
        "serial_number": "1686133061400163",
    }


def test_title_is_one_row_of_its_own() -> None:
    # A serial printed beside the title in small type is not part of it.
    ocr = page(line("荣誉证书", 300, 80, h=90), line("MZYSH20210213", 800, 100, h=30), line("张三同学：", 100, 300))
    title = find_title(ocr, 1000)
    assert title is not None and title.value == "荣誉证书"


@pytest.mark.parametrize("row", ["张三同志：", "姓名张三性别男", "出生日期1994年08月27日", "负责人(签章)"])
def test_title_is_never_a_salutation_a_labelled_row_or_a_signature(row: str) -> None:
    ocr = page(line(row, 100, 80, h=80), line("在本单位培训中表现优异，特发此证。", 100, 300))
    assert find_title(ocr, 1000) is None


def test_title_of_a_cover_printed_low() -> None:
    ocr = page(line("运动员注册证", 100, 650, h=120), line("国家体育总局", 200, 820, h=60))
    title = find_title(ocr, 1000)
    assert title is not None and title.value == "运动员注册证"


def test_fields_occupation_and_level_printed_as_one_value() -> None:
    labels = {**LABELS, "occupation": ("职业(工种)及等级", "Occupation & Skill Level")}
    ocr = page(line("职业(工种)及等级", 100, 100), line("焊工", 400, 100), line("高级", 480, 100))
    assert _values(extract_fields(ocr, labels)) == {"occupation": "焊工", "level": "高级"}

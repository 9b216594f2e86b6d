"""What an upload is: document types as data (rules/documents.py, rules/data/document_types.yaml)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from certcheck.errors import RegistryError
from certcheck.types import CertificateKind, Detection, FieldValue, OcrLine, OcrResult
from rules.catalogue import default_rule_data, load_rule_data
from rules.documents import identify_document
from rules.kinds import classify_title
from tests.helpers import rule_data_copy

DATA = default_rule_data()
PAGE = (1400, 1000)


def _page(rows: Sequence[str], *, top: float = 60.0, pitch: float = 55.0) -> OcrResult:
    lines = []
    for i, text in enumerate(rows):
        y = top + pitch * i
        lines.append(OcrLine(text, ((100.0, y), (100.0 + 24 * len(text), y), (100.0 + 24 * len(text), y + 30),
                                    (100.0, y + 30)), 0.97))
    return OcrResult(tuple(lines))


def _identify(rows: Sequence[str], seals: Sequence[Detection] = ()) -> tuple[str, str]:
    ocr = _page(rows)
    title = FieldValue("title", rows[0], ocr.lines[0].quad, 0.97) if rows else None
    kind = classify_title(rows[0] if rows else None, DATA.kinds)
    found = identify_document(ocr, title, kind, seals, PAGE, DATA)
    return found.type_id, found.document_class


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["营业执照", "统一社会信用代码 91610000XXXX", "名称 某某科技有限公司", "法定代表人 王某", "注册资本 壹佰万元",
          "成立日期 2019年3月2日", "登记机关"], "business_licence"),
        (["增值税专用发票", "发票代码 1100000000", "开票日期 2020年01月01日", "购买方 名称", "价税合计（大写）",
          "销售方 纳税人识别号"], "invoice"),
        (["中华人民共和国", "居民身份证", "签发机关 某某市公安局", "有效期限 2010.01.01-2030.01.01"], "id_card"),
        (["G1418 宜春站 南昌西站", "2019年01月01日 08:00开 05车12F号", "¥54.5元 二等座", "限乘当日当次车",
          "买票请到12306"], "ticket"),
        (["关于调整营业执照格式的通知", "各有关单位：", "现将有关事项通知如下：", "一、自即日起执行", "二、格式调整",
          "特此通知"], "notice"),
        (["奖学金名单", "1 张某 20230001 艺术学院", "2 李某 20230002 物理学院", "3 王某 20230003 数学学院",
          "4 赵某 20230004 化学学院", "5 钱某 20230005 计算机学院", "6 孙某 20230006 法学院"], "notice"),
        (["扫一扫上面的二维码图案，加我为朋友。", "某某"], "business_card"),
        (["我是中国人"], "plain_text"),
        (["近日，某地开展了一次安全检查活动，参加人员认真学习了有关规定。",
          "会议指出，要进一步落实责任，加强日常管理。"], "plain_text"),
    ],
)
def test_documents_that_are_not_certificates_are_named(rows: list[str], expected: str) -> None:
    assert _identify(rows) == (expected, "not_certificate")


@pytest.mark.parametrize(
    "rows",
    [
        ["职业技能等级证书", "姓名 张三", "证书编号 S000044030001244000123", "发证日期 2024年5月10日"],
        ["荣誉证书", "张三 同学：", "在2024年全国大学生数学竞赛中荣获一等奖。", "特发此证", "某某大学"],
        ["结业证书", "张三 同志：", "参加某某培训班学习，考核合格，准予结业。", "某某职业培训学校"],
        ["聘书", "兹聘请 张三 同志为我单位教练员", "某某军分区"],
        # A notice's words in the body do not outweigh a vocational title with the certificate's own labels.
        ["专项职业能力证书", "姓名 张三", "证书编号 2113040000760", "经考核合格，特发此证", "附件"],
    ],
)
def test_certificates_stay_certificates(rows: list[str]) -> None:
    assert _identify(rows)[1] == "certificate"


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (["荣誉证书", "张三 同学：", "在2024年全国大学生数学竞赛中荣获一等奖。", "特发此证"], "award"),
        (["证书", "张三 同学在首届全国中小学生书法大赛中荣获一等奖"], "award"),
        (["聘书", "兹聘请 张三 同志为我单位教练员", "聘期两年"], "appointment"),
        (["毕业证书", "学生张三，修业三年，准予毕业", "校长"], "diploma"),
        # A title that attests a skill is a 技术技能类 certificate, whatever it is called.
        (["国家岗位能力证书", "张三 同志：", "经考核合格，特发此证"], "certificate"),
        (["全国技能人才证书", "张三 荣获 一等奖"], "certificate"),
        (["基金销售业务资格证书", "名称 某某期货股份有限公司", "注册资本 人民币十亿元"], "institution_licence"),
        (["职业技能等级证书", "姓名 张三", "证书编号 S000044030001244000123"], "certificate"),
    ],
)
def test_certificates_that_attest_no_skill_are_told_apart(rows: list[str], expected: str) -> None:
    assert _identify(rows) == (expected, "certificate")


def test_an_advert_selling_certificates_is_an_advert() -> None:
    rows = ["职业技能证书火热报名中", "包过 全国通用 国家认可", "报名咨询电话 138xxxx", "加微信了解价格", "名额有限"]
    assert _identify(rows) == ("advert", "advert")


def test_a_seal_on_its_own_is_not_a_certificate() -> None:
    seal = Detection("seal.v1", "seal", ((300.0, 100.0), (1100.0, 100.0), (1100.0, 900.0), (300.0, 900.0)), 0.9, {})
    assert _identify(["公益联盟"], [seal]) == ("seal_only", "not_certificate")


def test_a_bad_document_type_entry_names_its_file_and_key(tmp_path: Path) -> None:
    def change(data: dict) -> None:
        data["types"][0]["class"] = "licence"

    with pytest.raises(RegistryError) as caught:
        load_rule_data(rule_data_copy(tmp_path, "document_types.yaml", change))
    assert "document_types.yaml: types.0.class" in caught.value.message_en


def test_not_certificate_is_a_kind_of_its_own() -> None:
    assert CertificateKind("not_certificate") is CertificateKind.NOT_CERTIFICATE
    assert not CertificateKind.NOT_CERTIFICATE.is_official

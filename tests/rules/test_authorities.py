"""The built-in registry of state bodies and who issued a document (rules/authorities.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from certcheck.errors import RegistryError
from certcheck.types import CertificateFields, CertificateKind, Detection, FieldValue
from rules.authorities import IssuingName, bodies_ending, find_state_issuer, issuing_names, match_state_body
from rules.catalogue import default_rule_data, load_rule_data
from tests.helpers import line, page, rule_data_copy

BODIES = default_rule_data().state_bodies


@pytest.mark.parametrize(
    ("name", "issues"),
    [
        ("人力资源和社会保障部", "qualification"),
        ("中华人民共和国人力资源和社会保障部", "special_ability"),
        ("劳动和社会保障部", "qualification"),  # a former name
        ("教育部考试中心", "other"),  # the former name of 教育部教育考试院
        ("国家市场监督管理总局", "business_licence"),
        ("国家工商行政管理总局", "business_licence"),
        ("福建省人力资源和社会保障厅", "special_ability"),
        ("莆田市职业技能鉴定指导中心", "special_ability"),
        ("莆田市涵江区教育局", "other"),
        ("湖南省教育厅", "other"),
        ("国家税务总局北京市税务局", "invoice"),
        ("共青团莆田市委", "other"),
        ("莆田军分区", "other"),
        ("中国证券监督管理委员会", "other"),
        ("人力资源和社会保障部职业技能鉴定中心", "qualification"),
    ],
)
def test_state_bodies_are_known_with_what_they_issue(name: str, issues: str) -> None:
    body = match_state_body(name, BODIES)
    assert body is not None, name
    assert issues in body.issues


@pytest.mark.parametrize(
    "name",
    ["国家职业技能鉴定管理中心", "中国职业技能人才评价中心", "中国人力资源和社会保障部认证中心",
     "深圳市鹏城职业技能评价有限公司", "全国职业教育发展联盟", "某某职业培训学校", "教务部"],
)
def test_invented_bodies_and_organisations_are_not_state_bodies(name: str) -> None:
    assert match_state_body(name, BODIES) is None


def test_the_ministry_itself_issues_no_awards() -> None:
    body = match_state_body("人力资源和社会保障部", BODIES)
    assert body is not None and "other" not in body.issues and "training" not in body.issues


def test_a_body_ending_a_signature_row_is_an_issuer_but_not_one_inside_a_sentence() -> None:
    assert bodies_ending("发证机关：湖南省教育厅", BODIES) == ["湖南省教育厅"]
    assert bodies_ending("本证书经人力资源和社会保障部备案", BODIES) == []
    assert bodies_ending("人力资源和社会保障部监制", BODIES) == []


def _seal(text: str, confidence: float = 0.99) -> Detection:
    return Detection("seal.v1", "seal", ((800.0, 700.0), (1000.0, 700.0), (1000.0, 900.0), (800.0, 900.0)), 0.9,
                     {"text": text, "text_confidence": confidence})


def test_a_state_body_printed_and_stamped_issued_the_document() -> None:
    ocr = page(line("荣誉证书", 400, 80, h=80), line("张三同学：", 100, 300), line("莆田市涵江区教育局", 700, 800))
    fields = CertificateFields(kind=CertificateKind.OTHER)
    names = issuing_names(fields, [_seal("莆田市涵江区教育局")], ocr, 1000, BODIES)
    state = find_state_issuer(names, BODIES)
    assert state is not None and state.on_seal and state.issues("other")


def test_a_printed_ministry_under_an_outfits_own_seal_is_not_the_issuer() -> None:
    ocr = page(line("培训证书", 400, 80, h=80), line("发证单位：人力资源和社会保障部", 100, 800))
    fields = CertificateFields(kind=CertificateKind.TRAINING,
                               issuer=FieldValue("issuer", "人力资源和社会保障部", ocr.lines[1].quad, 0.98))
    names = issuing_names(fields, [_seal("深圳市某某职业培训学校培训专用章")], ocr, 1000, BODIES)
    assert find_state_issuer(names, BODIES) is None


def test_an_untrusted_seal_reading_does_not_contradict_the_print() -> None:
    names = (IssuingName("湖南省教育厅", "printed", True), IssuingName("国工业与", "seal", False))
    state = find_state_issuer(names, BODIES)
    assert state is not None and state.body.name == "湖南省教育厅"


def test_a_local_body_pattern_without_place_is_refused(tmp_path: Path) -> None:
    def change(data: dict) -> None:
        data["local_bodies"][0]["pattern"] = "教育局"

    with pytest.raises(RegistryError) as caught:
        load_rule_data(rule_data_copy(tmp_path, "state_bodies.yaml", change))
    assert "state_bodies.yaml: local_bodies.0.pattern" in caught.value.message_en


def test_every_state_body_names_its_source() -> None:
    sources = {b.source for b in BODIES.bodies} | {b.source for b in BODIES.local_bodies}
    text = (Path(__file__).resolve().parents[2] / "rules" / "data" / "state_bodies.yaml").read_text(encoding="utf-8")
    for source in sources:
        assert f"#   {source}" in text, f"source {source} is not described in the file's header"

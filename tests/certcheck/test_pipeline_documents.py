"""The orchestrator on uploads that are not certificates: real OCR on rendered pages (no image from elsewhere)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from certcheck.report import report_to_dict

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")

pytestmark = [pytest.mark.ocr, pytest.mark.skipif(not FONT.is_file(), reason="CJK fonts missing")]


def _render(lines: list[str], size: tuple[int, int] = (1400, 1000), px: int = 46) -> bytes:
    image = Image.new("RGB", size, (226, 222, 210))  # paper under room light
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), px)
    for i, text in enumerate(lines):
        draw.text((80, 80 + i * int(px * 2.0)), text, font=font, fill=(20, 20, 20))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def test_a_photo_of_an_advert_is_not_a_certificate_but_its_claims_are_judged(checker: object) -> None:
    data = _render(["职业技能证书火热报名中", "包过 全国通用", "报名咨询电话 13800000000", "加微信了解价格 名额有限"])
    report = report_to_dict(checker.check_bytes(data, "advert.png"))  # type: ignore[attr-defined]
    assert report["certificate"]["kind"] == "not_certificate"
    assert report["risk_level"] == "high"
    claims = [e for e in report["evidence"] if e["code"] == "FALSE_CLAIM"]
    assert claims and all(e["bbox"] is not None for e in claims)
    # Each claim's box lies on the second printed line, where 包过 and 全国通用 are.
    assert all(150 <= (e["bbox"][1] + e["bbox"][3]) / 2 <= 240 for e in claims)


def test_a_photo_of_a_plain_sentence_is_not_a_certificate(checker: object) -> None:
    report = report_to_dict(checker.check_bytes(_render(["我是中国人"], px=90), "line.png"))  # type: ignore[attr-defined]
    assert report["risk_level"] == "unknown"
    assert report["certificate"]["kind"] == "not_certificate"
    assert [e["code"] for e in report["evidence"]] == ["NOT_A_CERTIFICATE"]
    assert report["template"] is None


def test_a_business_licence_is_not_judged_for_the_state_names_it_prints(checker: object) -> None:
    page = _render(["营业执照", "统一社会信用代码 91610000000000000X", "名称 西安某某科技有限公司",
                    "法定代表人 王某", "注册资本 壹佰万元整", "成立日期 2019年03月02日",
                    "登记机关 西安市市场监督管理局", "国家企业信用信息公示系统网址"], px=40)
    report = report_to_dict(checker.check_bytes(page, "licence.png"))  # type: ignore[attr-defined]
    assert report["risk_level"] == "unknown", report["evidence"]
    assert [e["text"] for e in report["evidence"] if e["code"] == "NOT_A_CERTIFICATE"] == ["营业执照"]
    assert "营业执照" in report["summary"]

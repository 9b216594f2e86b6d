"""Real documents of the classes that were judged wrong (read in place from ../shared/real-images; skipped when absent).

The images never enter the project; these tests pin, one real example per class, what a checker must answer:
a business licence and an invoice are not certificates, a national competition's award and a county education
bureau's award are low, a genuine 专项职业能力证书 and a 国家职业资格证书 booklet of a 鉴定中心 are not called knock-offs, a scan of plain
text is not a certificate. ``make eval-real`` measures every image of the set.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from certcheck.report import report_to_dict

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real-images" / "images"

pytestmark = [
    pytest.mark.ocr,
    pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real-images is absent (read in place, never copied)"),
]


def _check(checker: object, name: str) -> dict:
    path = REAL / name
    if not path.is_file():
        pytest.skip(f"{name} is not in ../shared/real-images")
    return report_to_dict(checker.check_path(path))  # type: ignore[attr-defined]


@pytest.mark.parametrize(("name", "what"), [("bl-ll-0000.jpg", "营业执照"), ("inv-vat-special-test.jpg", "发票"),
                                            ("text-doc-upside-down.jpg", "文字图片或文档")])
def test_a_document_that_is_not_a_certificate_is_out_of_scope(checker: object, name: str, what: str) -> None:
    report = _check(checker, name)
    assert report["risk_level"] == "unknown"
    assert report["certificate"]["kind"] == "not_certificate"
    assert [e["text"] for e in report["evidence"] if e["code"] == "NOT_A_CERTIFICATE"] == [what]


@pytest.mark.parametrize("name", ["mo-diansai-school.jpg", "jl-ry-haiyan-cup.jpg", "jl-zxnl-photoshop.jpg"])
def test_genuine_awards_and_state_certificates_are_not_knock_offs(checker: object, name: str) -> None:
    report = _check(checker, name)
    flagged = [(e["code"], e["severity"]) for e in report["evidence"] if e["severity"] in ("medium", "high")]
    assert report["risk_level"] == "low", flagged


def test_a_title_less_booklet_spread_is_never_called_a_knock_off(checker: object) -> None:
    # The 国家职业资格证书 booklet's inner spread prints no title; until templates are ranked by labels alone it
    # may be answered "cannot judge", never medium or high.
    report = _check(checker, "jl-zgzs-jiuhuyuan-l5.jpg")
    assert report["risk_level"] in ("low", "unknown"), report["evidence"]

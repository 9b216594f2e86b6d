"""Fields on real layouts, one image per class that read absurd fields (read in place from ../shared/real-images).

Checks shapes and absence of nonsense only: no holder's name, ID number or
other value of a real document is written here (bench/fields_truth.yaml has
the hand-marked facts; ``python -m bench.evaluate_fields`` measures them all).
Skipped when ../shared/real-images is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.evaluate_fields import _labels, absurd_values, label_words, report_fields, serial_shape
from ocr.text import compact

REAL = Path(__file__).resolve().parents[3] / "shared" / "real-images" / "images"

pytestmark = [
    pytest.mark.ocr,
    pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real-images is absent (read in place, never copied)"),
]


def _fields(checker: object, name: str) -> dict[str, str | None]:
    path = REAL / name
    if not path.is_file():
        pytest.skip(f"{name} is not in ../shared/real-images")
    return report_fields(checker.check_path(path))  # type: ignore[attr-defined]


def test_booklet_spread_reads_each_page_apart(checker: object) -> None:
    # 国家职业资格证书 inner spread: bilingual labels (姓名 Name), label above value, two pages side by side.
    fields = _fields(checker, "jl-zgzs-jiuhuyuan-l5.jpg")
    assert absurd_values(fields, label_words(_labels())) == []
    assert fields["holder_name"] is not None and len(fields["holder_name"]) <= 4
    assert fields["serial_number"] is not None and serial_shape(fields["serial_number"]) == "N16"
    assert fields["issue_date"] == "2016-06-30"
    # The seal's caption 职业技能鉴定(指导)中心(印) is no issuer, and the spread prints no title.
    assert fields["issuer"] is None and fields["title"] is None


def test_honour_with_signature_block_and_month_date(checker: object) -> None:
    fields = _fields(checker, "jl-ry-mzy-sanhao.jpg")
    assert absurd_values(fields, label_words(_labels())) == []
    assert fields["title"] == "荣誉证书"  # the serial printed beside it is not part of it
    assert fields["issue_date"] == "2021-10"
    assert fields["issuer"] is not None and compact(fields["issuer"]).endswith("学院")
    assert fields["serial_number"] is not None and serial_shape(fields["serial_number"]) == "A5N8"


def test_university_certificate_takes_no_birth_date_or_signature(checker: object) -> None:
    fields = _fields(checker, "jl-xwzs-fjnu.jpg")
    assert absurd_values(fields, label_words(_labels())) == []
    assert fields["issue_date"] == "2021-06-16"  # not the holder's birth date printed in the body
    assert fields["title"] == "学士学位证书"

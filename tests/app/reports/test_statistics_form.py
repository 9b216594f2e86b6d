"""The statistics form: its columns are the policy's, each file counts once per column, files round-trip."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.reports import FORM_COLUMNS, TOTAL_COLUMN, columns_hit, tally, write_statistics_csv, write_statistics_xlsx

HEBEI_NOTICE = Path("/work/shared/policy/000_55b3b9e373d403ce.txt")
WORDING, PUBLICITY, IRREGULAR, OTHER = (c.name for c in FORM_COLUMNS)


def _evidence(code: str, category: str, severity: str = "high") -> dict[str, str]:
    return {"code": code, "category": category, "severity": severity}


def test_column_names_are_those_printed_on_the_hebei_form() -> None:
    if not HEBEI_NOTICE.is_file():
        pytest.skip(f"{HEBEI_NOTICE} (冀人社函〔2021〕71号 附件1) is not on this machine")
    # The notice is an OCR'd copy: headings wrap over lines and the last 数 of one was lost.
    printed = re.sub(r"\s+", "", HEBEI_NOTICE.read_text(encoding="utf-8").split("附件1", 2)[-1])
    for name in (TOTAL_COLUMN, *(c.name for c in FORM_COLUMNS)):
        assert name.removesuffix("数") in printed, name


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        ([_evidence("FORBIDDEN_WORDING", "wording_and_marks")], (WORDING,)),
        ([_evidence("EMBLEM", "wording_and_marks", "medium")], (WORDING,)),
        ([_evidence("FALSE_CLAIM", "false_publicity")], (PUBLICITY,)),
        ([_evidence("UNREGISTERED_ISSUER", "issuer")], (IRREGULAR,)),
        ([_evidence("SERIAL_FORMAT", "nonstandard_format")], (IRREGULAR,)),
        ([_evidence("TAMPERING", "image")], (IRREGULAR,)),
        ([_evidence("RECAPTURE", "image", "medium")], (OTHER,)),
        ([_evidence("IMAGE_QUALITY", "image")], ()),
        ([_evidence("FALSE_CLAIM", "false_publicity", "low"), _evidence("EMBLEM", "wording_and_marks", "info")], ()),
        (
            [_evidence("SERIAL_FORMAT", "nonstandard_format"), _evidence("UNREGISTERED_ISSUER", "issuer"),
             _evidence("FALSE_CLAIM", "false_publicity", "medium")],
            (PUBLICITY, IRREGULAR),
        ),
    ],
    ids=["wording", "emblem", "publicity", "issuer", "format", "tampering", "recapture-other", "quality-none",
         "low-info-none", "two-columns-once-each"],
)
def test_a_file_counts_once_in_each_column_with_medium_or_high_evidence(
    evidence: list[dict[str, str]], expected: tuple[str, ...]
) -> None:
    assert columns_hit(evidence) == expected


def test_tally_counts_files_not_evidence_and_leaves_failures_out_of_the_columns() -> None:
    form = tally("scope", [(True, (WORDING, IRREGULAR)), (True, ()), (True, (WORDING,)), (False, ())])
    assert (form.files_checked, form.files_failed) == (3, 1)
    assert dict(form.totals) == {TOTAL_COLUMN: 2, WORDING: 2, PUBLICITY: 0, IRREGULAR: 1, OTHER: 0}


def test_csv_and_xlsx_hold_the_same_totals_under_the_form_headings(tmp_path: Path) -> None:
    form = tally("某某职业培训学校", [(True, (WORDING,)), (True, (PUBLICITY, OTHER)), (False, ())])
    write_statistics_csv(form, tmp_path / "s.csv")
    write_statistics_xlsx(form, tmp_path / "s.xlsx", detail=[("a.jpg", (WORDING,)), ("b.jpg", (PUBLICITY, OTHER))])
    with (tmp_path / "s.csv").open(encoding="utf-8-sig", newline="") as stream:
        header, values = list(csv.reader(stream))
    book = load_workbook(tmp_path / "s.xlsx")
    sheet = book["统计表"]
    assert sheet["A1"].value == "技术技能类“山寨证书”排查情况统计表"
    assert [c.value for c in sheet[3]] == header
    assert [str(c.value) for c in sheet[4]] == values
    assert dict(zip(header, values, strict=True))[TOTAL_COLUMN] == "2"
    detail = [[c.value for c in row] for row in book["明细"].iter_rows()]
    assert detail[0] == ["文件", *(c.name for c in FORM_COLUMNS)]
    assert detail[2] == ["b.jpg", 0, 1, 0, 1]


def test_doctests_of_the_statistics_form_hold() -> None:
    """``app/`` is outside pytest's doctest paths, so its examples are run here."""
    import doctest

    from app.reports import statistics_form

    result = doctest.testmod(statistics_form)
    assert result.attempted >= 3 and result.failed == 0

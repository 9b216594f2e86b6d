"""report.csv, report.json and report.html from rows: sums match the form, values escaped, nothing external."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

from app.reports import (
    CSV_COLUMNS,
    FORM_COLUMNS,
    FileRow,
    FileStatus,
    render_report_html,
    tally,
    write_report_csv,
    write_report_json,
)


def _report(level: str, *evidence: tuple[str, str, str]) -> dict[str, Any]:
    return {
        "schema_version": "1", "file": "x", "risk_level": level, "risk_score": {"high": 80, "low": 5}[level],
        "summary": "s", "certificate": {"kind": "skill_level", "serial_number": "S1", "issuer": "<b>学校</b>",
                                        "id_number": "1101**********002X"},
        "template": {"id": "hrss-skill-level-2021", "name": "n", "match_score": 0.9},
        "evidence": [{"code": c, "category": k, "severity": s, "message": f"{c} <script>", "basis": "依据"}
                     for c, k, s in evidence],
    }


ROWS = [
    FileRow("a.jpg", FileStatus.CHECKED, "a" * 64, 10, report=_report("high", ("SERIAL_FORMAT", "nonstandard_format",
            "high"), ("FALSE_CLAIM", "false_publicity", "medium")), thumbnail="thumbnails/a.jpg",
            annotated_image="annotated/a.png"),
    FileRow("b.jpg", FileStatus.CHECKED, "b" * 64, 10,
            report=_report("low", ("ADDED_TEXT", "nonstandard_format", "low"))),
    FileRow("c.jpg", FileStatus.CHECKED, "c" * 64, 10, report=_report("high", ("EMBLEM", "wording_and_marks", "high"))),
    FileRow("bad.jpg", FileStatus.ERROR, "d" * 64, 10, error_code="unreadable_image", error_message="坏"),
    FileRow("notes.txt", FileStatus.SKIPPED, "e" * 64, 10, error_code="unsupported_media_type"),
]


def _form() -> Any:
    return tally("folder", ((r.status is FileStatus.CHECKED, r.form_columns)
                            for r in ROWS if r.status is not FileStatus.SKIPPED))


def test_summing_the_form_columns_of_report_csv_gives_the_totals(tmp_path: Path) -> None:
    write_report_csv(ROWS, tmp_path / "report.csv")
    with (tmp_path / "report.csv").open(encoding="utf-8-sig", newline="") as stream:
        lines = list(csv.DictReader(stream))
    assert list(lines[0]) == list(CSV_COLUMNS)
    form = _form()
    for column in FORM_COLUMNS:
        assert sum(int(line[column.name]) for line in lines) == form.totals[column.name]
    assert form.totals[FORM_COLUMNS[1].name] == 1 and form.totals[FORM_COLUMNS[2].name] == 1
    assert lines[0]["evidence"] == "SERIAL_FORMAT:high;FALSE_CLAIM:medium"
    assert lines[3]["error_code"] == "unreadable_image" and lines[3]["risk_level"] == ""


def test_report_json_round_trips_rows_and_carries_the_totals(tmp_path: Path) -> None:
    write_report_json(ROWS, _form(), tmp_path / "report.json")
    payload = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert payload["totals"] == dict(_form().totals)
    assert [FileRow.from_json(f) for f in payload["files"]] == ROWS
    assert payload["files"][0]["report"]["evidence"][0]["code"] == "SERIAL_FORMAT"


def test_html_has_every_row_escaped_sortable_and_offline() -> None:
    page = render_report_html(ROWS, _form())
    for row in ROWS:
        assert f"<td>{row.path}</td>" in page
    assert "<script>" not in page.replace("<script>\ndocument", "")  # only our own sorting script
    assert "&lt;b&gt;学校&lt;/b&gt;" in page
    assert '<a href="annotated/a.png"' in page and '<img src="thumbnails/a.jpg"' in page
    assert "addEventListener('click'" in page and 'data-sort="3"' in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert page.count("<tr class=") == len(ROWS)

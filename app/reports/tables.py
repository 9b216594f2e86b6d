"""``report.csv`` and ``report.json``: the batch's rows as a spreadsheet and as the contract's JSON.

Both read only :class:`~app.reports.rows.FileRow` (masked data), so they
cannot leak an ID number that the report builder masked. The CSV carries one
0/1 column per statistics form column, so a spreadsheet sum over ``report.csv``
gives exactly the totals of ``statistics.csv``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.reports.rows import FileRow
from app.reports.statistics_form import FORM_COLUMNS, StatisticsForm
from certcheck.report import SCHEMA_VERSION

__all__ = ["CSV_COLUMNS", "csv_cells", "write_report_csv", "write_report_json"]

_REPORT_COLUMNS = ("risk_level", "risk_score", "kind", "title", "holder_name", "id_number", "serial_number",
                   "occupation", "level", "issuer", "issue_date")
CSV_COLUMNS: tuple[str, ...] = (
    "path", "status", "error_code", *_REPORT_COLUMNS, "template_id", "evidence",
    *(c.name for c in FORM_COLUMNS), "sha256", "size_bytes", "checked_at", "annotated_image",
)


def csv_cells(row: FileRow) -> list[Any]:
    """One CSV line: the row's values in :data:`CSV_COLUMNS` order (``""`` for none)."""
    template = row.value("template") or {}
    evidence = ";".join(f"{e['code']}:{e['severity']}" for e in row.evidence)
    cells: list[Any] = [row.path, row.status.value, row.error_code]
    cells += [row.value(key) for key in _REPORT_COLUMNS]
    cells += [template.get("id"), evidence]
    cells += [int(c.name in row.form_columns) for c in FORM_COLUMNS]
    cells += [row.sha256, row.size_bytes, row.checked_at, row.annotated_image]
    return ["" if cell is None else cell for cell in cells]


def write_report_csv(rows: Sequence[FileRow], path: Path) -> None:
    """UTF-8 with a BOM (spreadsheet programs then read the Chinese), one line per file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_cells(row) for row in rows)
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


def write_report_json(rows: Sequence[FileRow], form: StatisticsForm, path: Path) -> None:
    """``{"schema_version", "scope", "totals", "files": [...]}``; each checked file's ``report`` is a Report."""
    payload = {
        "schema_version": SCHEMA_VERSION,
        "scope": form.scope,
        "files_checked": form.files_checked,
        "files_failed": form.files_failed,
        "totals": dict(form.totals),
        "files": [row.to_json() for row in rows],
    }
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")

"""What inspectors take away from a batch: report.csv/json/html and the statistics form.

Every writer reads :class:`~app.reports.rows.FileRow` values (masked data
only) and nothing else, so how the rows were produced (one process, threads,
a cluster) never matters here.
"""

from __future__ import annotations

from app.reports.html_report import render_report_html, write_report_html
from app.reports.rows import FileRow, FileStatus
from app.reports.statistics_form import (
    FORM_COLUMNS,
    FORM_TITLE,
    TOTAL_COLUMN,
    FormColumn,
    StatisticsForm,
    columns_hit,
    tally,
    write_statistics_csv,
    write_statistics_xlsx,
)
from app.reports.tables import CSV_COLUMNS, csv_cells, write_report_csv, write_report_json

__all__ = [
    "CSV_COLUMNS",
    "FORM_COLUMNS",
    "FORM_TITLE",
    "TOTAL_COLUMN",
    "FileRow",
    "FileStatus",
    "FormColumn",
    "StatisticsForm",
    "columns_hit",
    "csv_cells",
    "render_report_html",
    "tally",
    "write_report_csv",
    "write_report_html",
    "write_report_json",
    "write_statistics_csv",
    "write_statistics_xlsx",
]

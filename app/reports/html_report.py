"""``report.html``: one self-contained page an inspector opens from the output folder.

A totals table in the statistics form's columns, then one sortable row per
file (click a heading; numbers sort as numbers) with its thumbnail linking to
the annotated image, the verdict, and each piece of evidence with its policy
clause. No external script, style or font: inspectors open it offline. Every
value is HTML-escaped; the rows hold masked data only.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path

from app.reports.rows import FileRow, FileStatus
from app.reports.statistics_form import FORM_TITLE, StatisticsForm

__all__ = ["render_report_html", "write_report_html"]

_LEVEL_ZH = {"low": "低风险", "medium": "中等风险", "high": "高风险", "unknown": "无法判断"}
_STATUS_ZH = {FileStatus.CHECKED: "已核验", FileStatus.ERROR: "无法核验", FileStatus.SKIPPED: "已跳过"}
#: Sort key of each risk level, so the column sorts high > medium > unknown > low rather than by letters.
_LEVEL_RANK = {"high": 3, "medium": 2, "unknown": 1, "low": 0}

_STYLE = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.35em .5em;vertical-align:top}
th{background:#f3f3f3}#files th{cursor:pointer;user-select:none}#files th:after{content:" \\2195";color:#999}
.high{background:#fde2e1}.medium{background:#fff4d6}.low{background:#e6f6e6}.unknown{background:#eee}
.error,.skipped{color:#777}img{max-width:160px;max-height:160px}ul{margin:0;padding-left:1.2em}
.basis{color:#666;font-size:.9em}#files td{min-width:3.5em}#files td:nth-child(8){min-width:9em}
#files td:nth-child(9){min-width:22em}
"""

# Sorts the table by the clicked column; cells may carry data-sort (numbers, ranks).
_SCRIPT = """
document.querySelectorAll('#files th').forEach(function(th, col){
  th.addEventListener('click', function(){
    var body = th.closest('table').tBodies[0];
    var asc = th.dataset.dir !== 'asc'; th.dataset.dir = asc ? 'asc' : 'desc';
    var key = function(tr){
      var c = tr.cells[col]; return c.dataset.sort !== undefined ? c.dataset.sort : c.textContent;
    };
    var rows = Array.from(body.rows);
    rows.sort(function(a, b){
      var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
      var d = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'zh');
      return asc ? d : -d;
    });
    rows.forEach(function(r){ body.appendChild(r); });
  });
});
"""


def write_report_html(rows: Sequence[FileRow], form: StatisticsForm, path: Path) -> None:
    path.write_text(render_report_html(rows, form), encoding="utf-8")


def render_report_html(rows: Sequence[FileRow], form: StatisticsForm) -> str:
    """The whole page as a string."""
    totals_head = "".join(f"<th>{escape(str(h))}</th>" for h in form.header())
    totals_row = "".join(f"<td>{escape(str(v))}</td>" for v in form.values())
    headings = ("图片", "文件", "状态", "结论", "风险分", "证书类型", "证书编号", "发证机构", "证据（依据）", "统计栏")
    head = "".join(f"<th>{h}</th>" for h in headings)
    body = "\n".join(_file_row(row) for row in rows)
    return (
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>证书核验批量报告 — {escape(form.scope)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>证书核验批量报告</h1><p>{escape(form.scope)}</p>"
        f"<h2>{FORM_TITLE}</h2><table id=\"totals\"><tr>{totals_head}</tr><tr>{totals_row}</tr></table>"
        f"<h2>逐份结果</h2><p>点击表头排序。</p>"
        f"<table id=\"files\"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>"
        f"<script>{_SCRIPT}</script></body></html>\n"
    )


def _file_row(row: FileRow) -> str:
    level = row.value("risk_level") or ""
    score = row.value("risk_score")
    css = level if row.status is FileStatus.CHECKED and level else row.status.value
    cells = [
        _image_cell(row),
        f"<td>{escape(row.path)}</td>",
        f"<td>{_STATUS_ZH[row.status]}{_error(row)}</td>",
        f"<td data-sort=\"{_LEVEL_RANK.get(level, -1)}\">{escape(_LEVEL_ZH.get(level, ''))}</td>",
        f"<td data-sort=\"{score if score is not None else -1}\">{'' if score is None else score}</td>",
        f"<td>{escape(row.value('kind') or '')}</td>",
        f"<td>{escape(row.value('serial_number') or '')}</td>",
        f"<td>{escape(row.value('issuer') or '')}</td>",
        f"<td>{_evidence_list(row)}</td>",
        f"<td>{'<br>'.join(escape(name) for name in row.form_columns)}</td>",
    ]
    return f"<tr class=\"{escape(css)}\">{''.join(cells)}</tr>"


def _image_cell(row: FileRow) -> str:
    if row.thumbnail is None:
        return "<td></td>"
    thumb = f"<img src=\"{escape(row.thumbnail)}\" alt=\"{escape(row.path)}\" loading=\"lazy\">"
    if row.annotated_image is None:
        return f"<td>{thumb}</td>"
    return f"<td><a href=\"{escape(row.annotated_image)}\" title=\"标注图\">{thumb}</a></td>"


def _error(row: FileRow) -> str:
    if row.error_code is None:
        return ""
    return f"<br><code>{escape(row.error_code)}</code> {escape(row.error_message or '')}"


def _evidence_list(row: FileRow) -> str:
    items = [
        f"<li>[{escape(e['severity'])}] {escape(e['code'])}：{escape(e['message'])}"
        f"<br><span class=\"basis\">{escape(e['basis'] or '')}</span></li>"
        for e in row.evidence
    ]
    return f"<ul>{''.join(items)}</ul>" if items else ""

"""The inspection statistics form: which column a checked file counts in, and the totals.

The campaign's form is 《技术技能类“山寨证书”排查情况统计表》, 附件1 of
冀人社函〔2021〕71号 as forwarded by 秦皇岛市人社局 (``/work/shared/policy/000_…``,
"附件1 … （各市用表）"). Its four lead columns follow the four kinds of
problem of 人社部函〔2022〕25号 一（一）–（四）. CONTRACT.md section 3
("Categories in the inspection statistics forms") maps evidence to them: a
file counts once in each column for which it has at least one ``medium`` or
``high`` piece of evidence; ``low``/``info`` evidence is information for the
inspector, not a lead. The form's 发现的问题线索总数 counts each file with a lead
in any column once.

The form's other columns (排查部门数, 排查…机构数, 投诉举报数) count organisations
and complaints, not certificates, so a certificate check cannot fill them;
they are left out rather than written as zeros that would read as facts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "FORM_COLUMNS",
    "FORM_TITLE",
    "TOTAL_COLUMN",
    "FormColumn",
    "StatisticsForm",
    "columns_hit",
    "tally",
    "write_statistics_csv",
    "write_statistics_xlsx",
]

FORM_TITLE = "技术技能类“山寨证书”排查情况统计表"
#: 附件1's 发现的问题线索总数: files with a lead in at least one column below.
TOTAL_COLUMN = "发现的问题线索总数"
#: Severities that make a piece of evidence a lead (CONTRACT.md section 3).
_LEAD_SEVERITIES = frozenset({"medium", "high"})
#: Printed under the totals, so a reader of the workbook knows how files were counted.
_COUNTING_NOTE = (
    "说明：每份证书在其有中、高风险证据的每一栏各计一次（CONTRACT.md 第3节；人社部函〔2022〕25号 一（一）至（四））。"
)
#: Evidence that says the image could not be judged is no lead of any kind.
_NOT_A_LEAD_CODES = frozenset({"IMAGE_QUALITY"})


@dataclass(frozen=True)
class FormColumn:
    """One lead column of 附件1 and the evidence that counts in it.

    Attributes:
        name: the column heading exactly as the form prints it.
        name_en: an English gloss for the HTML report.
        basis: the clause of 人社部函〔2022〕25号 the column follows.
        categories: evidence categories counted here.
        codes: further evidence codes counted here whatever their category.
        catch_all: counts leads that no other column takes ("其他违法违规").
    """

    name: str
    name_en: str
    basis: str
    categories: frozenset[str] = frozenset()
    codes: frozenset[str] = frozenset()
    catch_all: bool = False


FORM_COLUMNS: tuple[FormColumn, ...] = (
    FormColumn(
        "存在违规使用有关字样和标识等线索数",
        "misuse of restricted wording and marks",
        "人社部函〔2022〕25号 一（一）",
        categories=frozenset({"wording_and_marks"}),
    ),
    FormColumn(
        "存在虚假或夸大宣传线索数",
        "false or exaggerated publicity",
        "人社部函〔2022〕25号 一（二）",
        categories=frozenset({"false_publicity"}),
    ),
    FormColumn(
        "存在违规培训、违规收费线索数",
        "illegal training, fees or issuing (forged, unregistered issuer, non-standard format)",
        "人社部函〔2022〕25号 一（三）；东人社函〔2022〕37号 二（四）",
        categories=frozenset({"issuer", "nonstandard_format"}),
        codes=frozenset({"TAMPERING"}),
    ),
    FormColumn(
        "存在故意混淆概念、误导社会的炒作和涉嫌欺骗欺诈等其他违法违规线索数",
        "other deception",
        "人社部函〔2022〕25号 一（四）",
        catch_all=True,
    ),
)


def columns_hit(evidence: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The form columns one file counts in, in form order, from its evidence dicts.

    Each dict needs ``code``, ``category`` and ``severity`` (as in the Report JSON).

    >>> columns_hit([{"code": "SERIAL_FORMAT", "category": "nonstandard_format", "severity": "high"},
    ...              {"code": "FALSE_CLAIM", "category": "false_publicity", "severity": "low"}])
    ('存在违规培训、违规收费线索数',)
    >>> columns_hit([{"code": "RECAPTURE", "category": "image", "severity": "medium"}])[0][:8]
    '存在故意混淆概念'
    >>> columns_hit([{"code": "IMAGE_QUALITY", "category": "image", "severity": "high"}])
    ()
    """
    hit: set[str] = set()
    for item in evidence:
        if item["severity"] not in _LEAD_SEVERITIES or item["code"] in _NOT_A_LEAD_CODES:
            continue
        named = [c.name for c in FORM_COLUMNS if item["category"] in c.categories or item["code"] in c.codes]
        hit.update(named or [c.name for c in FORM_COLUMNS if c.catch_all])
    return tuple(c.name for c in FORM_COLUMNS if c.name in hit)


@dataclass(frozen=True)
class StatisticsForm:
    """The totals of one batch or one date range, in the form's columns.

    Attributes:
        scope: what was counted (a folder, a date range, a place).
        files_checked: files that were checked (errors and skipped files excluded).
        files_failed: files that could not be checked (their error code is in the report).
        totals: column name -> number of files, :data:`TOTAL_COLUMN` first.
    """

    scope: str
    files_checked: int
    files_failed: int
    totals: Mapping[str, int]

    def header(self) -> list[str]:
        return ["统计范围", "核验证书数", "无法核验数", *self.totals]

    def values(self) -> list[str | int]:
        return [self.scope, self.files_checked, self.files_failed, *self.totals.values()]


def tally(scope: str, files: Iterable[tuple[bool, Sequence[str]]]) -> StatisticsForm:
    """Count files into the form; each item is ``(was_checked, columns_hit)``."""
    totals = {TOTAL_COLUMN: 0, **{c.name: 0 for c in FORM_COLUMNS}}
    checked = failed = 0
    for was_checked, columns in files:
        if not was_checked:
            failed += 1
            continue
        checked += 1
        totals[TOTAL_COLUMN] += bool(columns)
        for name in columns:
            totals[name] += 1
    return StatisticsForm(scope=scope, files_checked=checked, files_failed=failed, totals=totals)


def write_statistics_csv(form: StatisticsForm, path: Path) -> None:
    """A header row and one row of totals; UTF-8 with a BOM so spreadsheet programs read the Chinese."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(form.header())
    writer.writerow(form.values())
    path.write_text(buffer.getvalue(), encoding="utf-8-sig")


def write_statistics_xlsx(
    form: StatisticsForm, path: Path, *, detail: Sequence[tuple[str, Sequence[str]]] = ()
) -> None:
    """The form as a workbook: sheet 统计表 laid out like 附件1, sheet 明细 listing each file's columns.

    ``detail`` pairs a file's label (path or case) with the columns it counts in,
    so every total can be traced to the files behind it.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = "统计表"
    header = form.header()
    sheet.append([FORM_TITLE])
    sheet.append(["填报单位：", form.scope])
    sheet.append(header)
    sheet.append(form.values())
    sheet.append([])
    sheet.append([_COUNTING_NOTE])
    sheet.append(["填报人：", "", "审核人："])
    sheet["A1"].font = Font(bold=True, size=14)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for index in range(1, len(header) + 1):
        sheet.column_dimensions[sheet.cell(row=3, column=index).column_letter].width = 22
    details = book.create_sheet("明细")
    details.append(["文件", *[c.name for c in FORM_COLUMNS]])
    for label, columns in detail:
        details.append([label, *[int(c.name in columns) for c in FORM_COLUMNS]])
    book.save(path)

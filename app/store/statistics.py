"""A date range of case records as the inspection statistics form (``certcheck cases export``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from app.reports.statistics_form import StatisticsForm, columns_hit, tally, write_statistics_csv, write_statistics_xlsx
from app.store.cases import CaseRecord

__all__ = ["export_statistics", "form_for_cases", "latest_per_file"]


def latest_per_file(cases: Sequence[CaseRecord]) -> list[CaseRecord]:
    """The latest case of each file (by SHA-256): a certificate checked twice is one lead, not two."""
    latest: dict[str, CaseRecord] = {}
    for case in cases:  # oldest first, so later checks replace earlier ones
        latest[case.sha256] = case
    return sorted(latest.values(), key=lambda c: (c.checked_at, c.case_id or 0))


def form_for_cases(cases: Sequence[CaseRecord], scope: str) -> tuple[StatisticsForm, list[tuple[str, tuple[str, ...]]]]:
    """The form's totals over ``cases`` (one per file) and the per-case detail behind them."""
    unique = latest_per_file(cases)
    columns = [columns_hit(e.as_dict() for e in case.evidence) for case in unique]
    form = tally(scope, ((case.status == "checked", hit) for case, hit in zip(unique, columns, strict=True)))
    detail = [
        (f"{case.checked_at} {case.place} {case.file_name} {case.sha256[:12]}", hit)
        for case, hit in zip(unique, columns, strict=True)
    ]
    return form, detail


def export_statistics(
    cases: Sequence[CaseRecord], first: date, last: date, out: Path, *, place: str | None = None
) -> StatisticsForm:
    """Write the form for the range to ``out`` (``.xlsx`` or ``.csv`` by its suffix) and return it."""
    scope = f"{first.isoformat()} 至 {last.isoformat()}" + (f"，{place}" if place else "")
    form, detail = form_for_cases(cases, scope)
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".csv":
        write_statistics_csv(form, out)
    else:
        write_statistics_xlsx(form, out, detail=detail)
    return form

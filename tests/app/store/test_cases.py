"""Case records on SQLite and PostgreSQL: what goes in comes back, ID numbers never go in unmasked."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.reports import FORM_COLUMNS, TOTAL_COLUMN
from app.store import CaseEvidence, CaseRecord, CaseStore, StoreError, export_statistics, open_database

ID_NUMBER = "11010519491231002X"
SERIAL = "S000044030001244000123"

_FALSE_CLAIM = CaseEvidence("FALSE_CLAIM", "false_publicity", "high", "人社部函〔2022〕25号 一（二）", "包过", "包过")
_SERIAL_BAD = CaseEvidence("SERIAL_FORMAT", "nonstandard_format", "high", "豫人社函〔2022〕129号", "编号不符", SERIAL)
_ADDED_LOW = CaseEvidence("ADDED_TEXT", "nonstandard_format", "low", "东人社函〔2022〕37号 二（四）", "增加字样", None)


def _case(
    checked_at: str, sha: str, *evidence: CaseEvidence, place: str = "某某职业培训学校", **extra: object
) -> CaseRecord:
    values: dict[str, object] = {
        "checked_at": checked_at, "inspector": "王检查", "place": place, "file_name": f"{sha[:4]}.jpg",
        "sha256": sha * 64 if len(sha) == 1 else sha, "size_bytes": 1234, "status": "checked",
        "risk_level": "high" if evidence else "low", "risk_score": 80 if evidence else 10, "evidence": evidence,
    }
    values.update(extra)
    return CaseRecord(**values)  # type: ignore[arg-type]


def test_a_recorded_case_comes_back_with_its_evidence_in_order(store_url: str) -> None:
    case = _case("2026-05-10T08:30:00Z", "a", _SERIAL_BAD, _FALSE_CLAIM, certificate_kind="skill_level",
                 serial_number=SERIAL, template_id="hrss-skill-level-2021", summary="高风险")
    with CaseStore.open(store_url) as store:
        case_id = store.record(case)
        [back] = store.cases_between(date(2026, 5, 10), date(2026, 5, 10))
    assert back.case_id == case_id
    assert back == CaseRecord(**{**case.__dict__, "case_id": case_id})


def test_id_numbers_are_masked_on_the_way_in_whatever_the_caller_gives(store_url: str) -> None:
    leaky = CaseEvidence("FIELD_INVALID", "nonstandard_format", "medium", "GB 11643",
                         f"证件号码 {ID_NUMBER} 校验位错误", ID_NUMBER)
    case = _case("2026-05-10T08:30:00Z", "b", leaky, file_name=f"{ID_NUMBER}.jpg", summary=f"见 {ID_NUMBER}")
    with CaseStore.open(store_url) as store:
        store.record(case)
        [back] = store.cases_between(date(2026, 1, 1), date(2026, 12, 31))
    assert back.file_name == "1101**********002X.jpg"
    assert back.evidence[0].text == "1101**********002X"
    assert ID_NUMBER not in repr(back)
    _assert_nowhere_in_the_database(store_url, ID_NUMBER)


def _assert_nowhere_in_the_database(store_url: str, secret: str) -> None:
    db = open_database(store_url)
    try:
        if db.dialect == "sqlite":
            dump = "\n".join(sqlite3.connect(store_url.removeprefix("sqlite:///")).iterdump())
        else:
            dump = "\n".join(str(row) for table in ("cases", "case_evidence", "case_images")
                             for row in db.query(f"SELECT * FROM {table}"))
    finally:
        db.close()
    assert "cases" in dump or "王检查" in dump
    assert secret not in dump


def test_date_ranges_are_inclusive_and_places_filter(store_url: str) -> None:
    with CaseStore.open(store_url) as store:
        store.record(_case("2025-12-31T23:59:59Z", "c"))
        store.record(_case("2026-01-01T00:00:00Z", "d"))
        store.record(_case("2026-12-31T23:59:59Z", "e", place="另一所学校"))
        store.record(_case("2027-01-01T00:00:00Z", "f"))
        in_2026 = store.cases_between(date(2026, 1, 1), date(2026, 12, 31))
        at_school = store.cases_between(date(2026, 1, 1), date(2026, 12, 31), place="某某职业培训学校")
    assert [c.sha256[0] for c in in_2026] == ["d", "e"]
    assert [c.sha256[0] for c in at_school] == ["d"]


def test_images_are_kept_only_when_given_and_once_per_content(store_url: str) -> None:
    with CaseStore.open(store_url) as store:
        store.record(_case("2026-05-10T08:00:00Z", "1"))
        store.record(_case("2026-05-10T09:00:00Z", "2"), image=b"\xff\xd8first", media_type="image/jpeg")
        store.record(_case("2026-05-11T09:00:00Z", "2"), image=b"\xff\xd8first", media_type="image/jpeg")
        assert store.image("1" * 64) is None
        assert store.image("2" * 64) == b"\xff\xd8first"
        kept = [c.image_kept for c in store.cases_between(date(2026, 5, 1), date(2026, 5, 31))]
    assert kept == [False, True, True]


def test_export_counts_each_file_once_by_its_latest_check(store_url: str, tmp_path: Path) -> None:
    with CaseStore.open(store_url) as store:
        store.record(_case("2026-03-01T08:00:00Z", "a", _FALSE_CLAIM))  # re-checked below: only the later counts
        store.record(_case("2026-03-02T08:00:00Z", "a", _ADDED_LOW))
        store.record(_case("2026-03-02T09:00:00Z", "b", _SERIAL_BAD, _FALSE_CLAIM))
        store.record(_case("2026-03-02T10:00:00Z", "c", _ADDED_LOW))
        store.record(_case("2026-03-03T10:00:00Z", "d", status="error", error_code="unreadable_image",
                           risk_level=None, risk_score=None))
        cases = store.cases_between(date(2026, 3, 1), date(2026, 3, 31))
    out = tmp_path / "stats.xlsx"
    form = export_statistics(cases, date(2026, 3, 1), date(2026, 3, 31), out)
    wording, publicity, irregular, other = (c.name for c in FORM_COLUMNS)
    assert (form.files_checked, form.files_failed) == (3, 1)
    assert dict(form.totals) == {TOTAL_COLUMN: 1, wording: 0, publicity: 1, irregular: 1, other: 0}
    sheet = load_workbook(out)["统计表"]
    header = [cell.value for cell in sheet[3]]
    values = [cell.value for cell in sheet[4]]
    assert dict(zip(header, values, strict=True))[publicity] == 1
    assert [c.name for c in FORM_COLUMNS] == header[-len(FORM_COLUMNS):]


@pytest.mark.parametrize(
    "case",
    [
        _case("2026-05-10T08:00:00Z", "y", risk_level="catastrophic"),
        _case("2026-05-10T08:00:00Z", "z", CaseEvidence("FALSE_CLAIM", "false_publicity", "severe", "b", "m")),
    ],
    ids=["risk_level", "severity"],
)
def test_the_database_refuses_values_outside_the_vocabulary(store_url: str, case: CaseRecord) -> None:
    with CaseStore.open(store_url) as store:
        with pytest.raises(StoreError):
            store.record(case)
        # Nothing of the refused case is left behind (the case row and its evidence are one transaction).
        assert store.cases_between(date(2026, 1, 1), date(2026, 12, 31)) == []

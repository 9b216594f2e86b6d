"""``certcheck batch``: a small folder of demo photos, a bad file and a text file, checked once.

The OCR runs once per module (three photos, the session ``checker``); the
other tests read what that run wrote, re-run it to see nothing re-checked,
and change one file to see only that one re-checked. The CLI is exercised in
process on folders that need no OCR.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app import cli
from app.batch import (
    BatchResult,
    CaseRecorder,
    CheckOptions,
    Journal,
    ProcessEngine,
    ProgressBar,
    ThreadEngine,
    check_file,
    discover,
    run_batch,
)
from app.reports import FORM_COLUMNS, TOTAL_COLUMN, FileRow, FileStatus
from app.store import CaseStore, form_for_cases
from certcheck.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
PHOTOS = REPO_ROOT / "samples" / "photos"
#: An ID number in a file name (inspectors often name photos after the holder).
NAME_ID = "110105194912310021"
#: (source photo, where it goes in the batch folder); the last has no extension: found by its bytes.
LAYOUT = [
    ("knockoff-serial.jpg", "knockoff-serial.jpg"),
    ("genuine-skill-level.jpg", "sub/genuine-skill-level.jpg"),
    ("company-training.jpg", f"sub/学员{NAME_ID}"),
]


@dataclass(frozen=True)
class Batch:
    folder: Path
    out: Path
    result: BatchResult
    store_url: str
    options: CheckOptions
    secrets: tuple[str, ...]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory, checker: Any, test_settings: Settings) -> Batch:
    folder = tmp_path_factory.mktemp("inspection")
    secrets = [NAME_ID]
    for source, target in LAYOUT:
        if not (PHOTOS / source).is_file():
            pytest.skip(f"demo photo samples/photos/{source} is missing (it is made by the samples generator)")
        (folder / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PHOTOS / source, folder / target)
        truth = json.loads((PHOTOS / source).with_suffix(".json").read_text(encoding="utf-8"))
        if truth["fields"].get("id_number"):
            secrets.append(truth["fields"]["id_number"])
    (folder / "truncated.jpg").write_bytes((PHOTOS / "knockoff-serial.jpg").read_bytes()[:4000])
    (folder / "notes.txt").write_text(f"检查记录 {NAME_ID}\n", encoding="utf-8")
    out = folder / "report"  # inside the folder on purpose: it must not be checked itself
    store_url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'cases.sqlite3'}"
    options = CheckOptions(test_settings, annotate=True)
    with CaseStore.open(store_url) as store:
        recorder = CaseRecorder(store, "王检查", "某某职业培训学校", keep_images=True)
        result = run_batch(folder, out, options, engine=ThreadEngine(2, checker), on_checked=recorder)
    return Batch(folder, out, result, store_url, options, tuple(secrets))


pytestmark = [pytest.mark.ocr, pytest.mark.e2e]


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def test_every_file_has_a_row_and_one_bad_file_does_not_stop_the_batch(batch: Batch) -> None:
    by_path = {row.path: row for row in batch.result.rows}
    assert set(by_path) == {"knockoff-serial.jpg", "sub/genuine-skill-level.jpg", "sub/学员1101**********0021",
                            "truncated.jpg", "notes.txt"}
    assert by_path["truncated.jpg"].status is FileStatus.ERROR
    assert by_path["truncated.jpg"].error_code == "unreadable_image"
    assert by_path["notes.txt"].status is FileStatus.SKIPPED
    checked = [row for row in batch.result.rows if row.status is FileStatus.CHECKED]
    assert len(checked) == 3 and batch.result.checked_now == 4
    assert by_path["knockoff-serial.jpg"].value("risk_level") == "high"  # SERIAL_FORMAT (tests/golden)
    for name in ("report.csv", "report.json", "report.html", "statistics.csv", "statistics.xlsx", "journal.jsonl"):
        assert (batch.out / name).is_file(), name
    for row in checked:
        assert (batch.out / row.thumbnail).read_bytes()[:2] == b"\xff\xd8"
        assert (batch.out / row.annotated_image).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_statistics_totals_match_the_rows_of_report_csv(batch: Batch) -> None:
    lines = _csv(batch.out / "report.csv")
    [stats] = _csv(batch.out / "statistics.csv")
    flags = {c.name: [int(line[c.name]) for line in lines] for c in FORM_COLUMNS}
    for column in FORM_COLUMNS:
        assert int(stats[column.name]) == sum(flags[column.name])
    assert int(stats[TOTAL_COLUMN]) == sum(any(f[i] for f in flags.values()) for i in range(len(lines)))
    assert int(stats["核验证书数"]) == sum(line["status"] == "checked" for line in lines) == 3
    assert int(stats["无法核验数"]) == 1
    assert int(stats["存在违规培训、违规收费线索数"]) >= 1  # the knock-off's serial number


def test_statistics_xlsx_opens_with_the_form_columns_and_the_same_totals(batch: Batch) -> None:
    [stats] = _csv(batch.out / "statistics.csv")
    sheet = load_workbook(batch.out / "statistics.xlsx")["统计表"]
    header = [cell.value for cell in sheet[3]]
    assert header[-len(FORM_COLUMNS) - 1:] == [TOTAL_COLUMN, *(c.name for c in FORM_COLUMNS)]
    assert {h: str(cell.value) for h, cell in zip(header, sheet[4], strict=True)} == stats


def test_html_report_lists_every_file_with_its_images(batch: Batch) -> None:
    page = (batch.out / "report.html").read_text(encoding="utf-8")
    for row in batch.result.rows:
        assert f"<td>{row.path}</td>" in page
        if row.status is FileStatus.CHECKED:
            assert f'<a href="{row.annotated_image}"' in page and f'<img src="{row.thumbnail}"' in page
    assert page.count('<tr class="') == len(batch.result.rows)


def test_report_json_holds_a_contract_report_per_checked_file(batch: Batch) -> None:
    payload = json.loads((batch.out / "report.json").read_text(encoding="utf-8"))
    reports = [f["report"] for f in payload["files"] if f["status"] == "checked"]
    assert len(reports) == 3
    assert all(r["schema_version"] == "1" and r["annotated_image"] is None for r in reports)
    [training] = [r for r in reports if r["file"].startswith("sub/学员")]
    assert training["certificate"]["kind"] == "training"


def test_no_unmasked_id_number_in_any_output_or_the_case_store(batch: Batch) -> None:
    texts = {}
    for path in batch.out.rglob("*"):
        if path.suffix in {".csv", ".json", ".jsonl", ".html"}:
            texts[path.name] = path.read_text(encoding="utf-8-sig")
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                texts[path.name] = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
    import sqlite3

    texts["store"] = "\n".join(sqlite3.connect(batch.store_url.removeprefix("sqlite:///")).iterdump())
    assert len(batch.secrets) >= 3
    for name in ("report.csv", "report.json", "report.html", "journal.jsonl", "store"):
        assert "学员1101**********0021" in texts[name], name
    for name, text in texts.items():
        for secret in batch.secrets:
            assert secret not in text, f"{secret} unmasked in {name}"


def test_a_second_run_checks_nothing_and_a_changed_file_is_checked_again(batch: Batch, checker: Any) -> None:
    again = run_batch(batch.folder, batch.out, batch.options, engine=ThreadEngine(1, checker))
    assert (again.checked_now, again.resumed) == (0, 4)
    assert again.rows == batch.result.rows
    # A different truncated JPEG under the same name: new bytes, new SHA-256, checked again (and fails again).
    (batch.folder / "truncated.jpg").write_bytes((PHOTOS / "genuine-skill-level.jpg").read_bytes()[:3000])
    changed = run_batch(batch.folder, batch.out, batch.options, engine=ThreadEngine(1, checker))
    assert (changed.checked_now, changed.resumed) == (1, 3)
    [before] = [r for r in batch.result.rows if r.path == "truncated.jpg"]
    [after] = [r for r in changed.rows if r.path == "truncated.jpg"]
    assert after.error_code == "unreadable_image" and after.sha256 != before.sha256


def test_recorded_cases_give_the_same_statistics_as_the_batch(batch: Batch) -> None:
    from datetime import date

    with CaseStore.open(batch.store_url) as store:
        cases = store.cases_between(date(2000, 1, 1), date(2100, 1, 1))
        assert {c.inspector for c in cases} == {"王检查"} and len(cases) == 4
        assert all(c.image_kept for c in cases)
        assert store.image(cases[0].sha256) is not None
    form, _ = form_for_cases(cases, "all")
    assert dict(form.totals) == dict(batch.result.form.totals)
    assert (form.files_checked, form.files_failed) == (3, 1)


# --- no OCR needed ---------------------------------------------------------------------------------------------


def test_discover_goes_by_name_or_bytes_and_leaves_the_output_folder_out(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    (tmp_path / "IMG_0001").write_bytes(b"\xff\xd8\xff\xe0" + bytes(16))
    (tmp_path / "scan.PDF").write_bytes(b"not a pdf at all")
    (tmp_path / "readme.md").write_text("# notes\n", encoding="utf-8")
    found = discover(tmp_path, exclude=[tmp_path / "out"])
    assert [item.relative for item in found.items] == ["IMG_0001", "scan.PDF"]
    assert [row.path for row in found.skipped] == ["readme.md"]
    assert found.items[0].sha256 != found.items[1].sha256


def test_journal_keys_by_path_and_bytes_and_survives_a_torn_last_line(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / f"{NAME_ID}.jpg").write_bytes(b"\xff\xd8\xff\xe0 one")
    [item] = discover(tmp_path / "in").items
    row = FileRow(item.shown_path, FileStatus.ERROR, item.sha256, item.size_bytes, error_code="unreadable_image")
    journal = Journal(tmp_path / "journal.jsonl")
    journal.append(item, row)
    with (tmp_path / "journal.jsonl").open("a", encoding="utf-8") as stream:
        stream.write('{"path": "half-writt')  # the run was killed mid-line
    reread = Journal(tmp_path / "journal.jsonl")
    assert reread.done(item) == row
    assert reread.done(replace(item, sha256="0" * 64)) is None
    assert NAME_ID not in (tmp_path / "journal.jsonl").read_text(encoding="utf-8")


def test_progress_bar_draws_only_when_enabled() -> None:
    stream = io.StringIO()
    bar = ProgressBar(4, stream=stream, enabled=True)
    bar.advance("a.jpg")
    bar.close()
    assert "1/4" in stream.getvalue() and "a.jpg" in stream.getvalue()
    quiet = io.StringIO()
    ProgressBar(4, stream=quiet).advance("a.jpg")  # a StringIO is no terminal
    assert quiet.getvalue() == ""


def test_process_engine_checks_files_in_worker_processes(tmp_path: Path, test_settings: Settings) -> None:
    """Rows come back from another process (pickled); these files fail before OCR, so no model loads there."""
    (tmp_path / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    (tmp_path / "b.png").write_bytes(b"plain text with a .png name")
    found = discover(tmp_path)
    rows = {c.row.path: c.row.error_code for c in ProcessEngine(1).run(found.items, CheckOptions(test_settings))}
    assert rows == {"a.jpg": "unreadable_image", "b.png": "unsupported_media_type"}


def test_check_file_takes_the_bytes_from_the_caller_when_given(tmp_path: Path, test_settings: Settings) -> None:
    """A worker on another machine gets the bytes, not the path: the path is never opened then."""
    (tmp_path / "a.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    [item] = discover(tmp_path).items
    (tmp_path / "a.jpg").unlink()
    checked = check_file(item, CheckOptions(test_settings), data=b"\x89PNG\r\n\x1a\n broken")
    assert (checked.row.status, checked.row.error_code) == (FileStatus.ERROR, "unreadable_image")
    assert check_file(item, CheckOptions(test_settings)).row.error_code == "file_not_found"


@pytest.fixture
def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], test_settings: Settings) -> Any:
    monkeypatch.setattr(cli, "get_settings", lambda: test_settings)
    monkeypatch.setattr(cli, "configure_logging", lambda level: None)

    def run(*args: str) -> tuple[int, str, str]:
        status = cli.main(list(args))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


def test_cli_batch_record_and_export_without_ocr(run_main: Any, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 truncated")
    (folder / "list.txt").write_text("a list\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'cases.sqlite3'}"
    status, out, _ = run_main("batch", str(folder), "--out", str(tmp_path / "out"), "--record",
                              "--inspector", "李", "--place", "某校", "--store-url", url)
    assert status == 1  # a file could not be checked; the reports are written all the same
    assert "1 could not be checked" in out and (tmp_path / "out" / "statistics.xlsx").is_file()
    status, out, _ = run_main("cases", "migrate", "--store-url", url)
    assert status == 0 and "schema version 2 (applied now: none)" in out
    status, out, _ = run_main("cases", "export", "--from", "2000-01-01", "--to", "2100-12-31",
                              "--out", str(tmp_path / "range.xlsx"), "--store-url", url)
    assert status == 0 and out.startswith("1 cases")
    assert load_workbook(tmp_path / "range.xlsx")["统计表"]["C4"].value == 1  # 无法核验数


@pytest.mark.parametrize(
    "args",
    [
        ["batch", "in", "--out", "o", "--record"],
        ["batch", "in"],
        ["batch", "missing", "--out", "o"],
        ["batch", "in", "--out", "in"],
        ["cases", "export", "--from", "2026-13-01", "--to", "2026-12-31", "--out", "x.xlsx"],
        ["cases", "export", "--from", "2026-12-31", "--to", "2026-01-01", "--out", "x.xlsx"],
    ],
    ids=["record-without-inspector", "no-out", "no-such-dir", "out-is-dir", "bad-date", "range-backwards"],
)
def test_cli_unusable_batch_arguments_exit_2(run_main: Any, args: list[str], tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    try:
        status, _, _ = run_main(*[str(tmp_path / a) if a in {"in", "o", "missing"} else a for a in args])
    except SystemExit as exc:  # argparse's own errors
        status = int(exc.code or 0)
    assert status == 2


def test_a_second_batch_into_the_same_output_folder_is_refused(tmp_path: Path, test_settings: Settings) -> None:
    import fcntl

    from app.batch import BATCH_LOCK, CheckOptions, ThreadEngine, run_batch
    from certcheck.errors import RequestError

    images, out = tmp_path / "images", tmp_path / "out"
    images.mkdir()
    out.mkdir()
    with (out / BATCH_LOCK).open("a") as held:  # the first batch, still running (any process)
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        with pytest.raises(RequestError, match="another batch"):
            run_batch(images, out, CheckOptions(test_settings), engine=ThreadEngine())
    assert not (out / "report.csv").exists()
    result = run_batch(images, out, CheckOptions(test_settings), engine=ThreadEngine())
    assert result.rows == () and (out / "report.csv").is_file()

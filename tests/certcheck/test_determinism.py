"""The same bytes give byte-identical reports, timings aside: in any order of checks, and in another process.

A cache once returned an earlier page's rows (``ocr.layout.rows_of``) to a
reader that skips lines by identity, so a photo's match score, and once its
verdict, changed between its first and later checks in one process. Here a
mix of photos (genuine, a knock-off, sideways) is checked in one order and then in the reverse order with the
first photo again at the end, by one checker; then the same files go through
``certcheck check --json`` in a fresh process with another hash seed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from certcheck.report import report_to_dict
from certcheck.settings import Settings
from templates_registry.loader import load_registry

pytestmark = [pytest.mark.ocr, pytest.mark.e2e]

REPO_ROOT = Path(__file__).resolve().parents[2]
#: Kept to three (about 10 checks in all): a genuine photo, a knock-off and a sideways photo.
PHOTOS = ("genuine-skill-level.jpg", "knockoff-wording.jpg", "genuine-skill-level-sideways.jpg")


def _canonical(report: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in report.items() if k != "timings_ms"}, ensure_ascii=False, sort_keys=True)


@pytest.fixture(scope="module")
def photos() -> list[Path]:
    paths = [REPO_ROOT / "samples" / "photos" / name for name in PHOTOS]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        pytest.skip(f"demo photos missing (made by the samples generator): {missing}")
    return paths


def test_reports_are_byte_identical_in_any_order_and_across_processes(
    photos: list[Path], checker: Any, tmp_path: Path
) -> None:
    from certcheck.pipeline import Checker

    data_dir = tmp_path / "data"
    settings = Settings(data_dir=data_dir, templates=[], issuers=[])
    # The session's loaded OCR engine, with a registry of this test's own (built-in templates only).
    local = Checker(settings, load_registry(data_dir), engine=checker.engine)

    def check(path: Path) -> str:
        return _canonical(report_to_dict(local.check_path(path), local.registry))

    forward = {path.name: check(path) for path in photos}
    order = [*reversed(photos), photos[0]]
    again = [(path.name, check(path)) for path in order]
    for name, text in again:
        assert text == forward[name], f"{name}: the report changed with the order of checks"

    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTCHECK_")}
    env.update(CERTCHECK_DATA_DIR=str(data_dir), PYTHONHASHSEED="12345")
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "check", "--json", *map(str, photos)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    other = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in other] == [p.name for p in photos]
    for report in other:
        assert _canonical(report) == forward[report["file"]], f"{report['file']}: another process disagrees"

"""``certcheck batch --engine ray``: the same batch on a local Ray instance gives the same outputs.

Ray is started for real (a private local instance with one CPU and one actor,
which loads the OCR models once) on two demo photos and a text file; the rows
must equal those of the local engine on the same folder, file by file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from app.batch import CheckOptions, ThreadEngine, run_batch
from certcheck.settings import Settings

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -e '.[ray]')")

PHOTOS = Path(__file__).resolve().parents[2] / "samples" / "photos"
pytestmark = [pytest.mark.ocr, pytest.mark.e2e]


def _summary(out: Path) -> list[tuple[Any, ...]]:
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    rows = []
    for entry in report["files"]:
        answer = entry.get("report") or {}
        codes = sorted(e["code"] for e in answer.get("evidence", []))
        error = (entry.get("error") or {}).get("code")
        rows.append((entry["path"], entry["status"], error, answer.get("risk_level"), codes))
    return sorted(rows, key=lambda r: str(r[0]))


def test_ray_engine_writes_what_the_local_engine_writes(
    tmp_path: Path, checker: Any, test_settings: Settings
) -> None:
    from app.batch_ray import RayEngine

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("knockoff-serial.jpg", "company-training.jpg"):
        shutil.copyfile(PHOTOS / name, folder / name)
    (folder / "notes.txt").write_text("not an image\n", encoding="utf-8")
    options = CheckOptions(test_settings)

    local = run_batch(folder, tmp_path / "local", options, engine=ThreadEngine(1, checker))
    on_ray = run_batch(folder, tmp_path / "ray", options, engine=RayEngine("local", workers=1, cpus_per_worker=1))

    assert on_ray.checked_now == local.checked_now == 2
    assert _summary(tmp_path / "ray") == _summary(tmp_path / "local")
    form_local = (tmp_path / "local" / "statistics.csv").read_text(encoding="utf-8")
    assert (tmp_path / "ray" / "statistics.csv").read_text(encoding="utf-8") == form_local
    assert not ray.is_initialized()  # the private instance is stopped after the batch

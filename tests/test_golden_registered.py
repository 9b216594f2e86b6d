"""A template registered from one sample works, end to end: golden verdicts of one new design.

The teal bilingual 职业技能等级证书 (``samples/generator/designs/new/teal_bilingual.py``),
drawn apart from the built-in templates, is registered from one rendered sample
through the real CLI (``certcheck templates add`` into a temporary data dir) with
its issuers imported (``certcheck issuers import``); then a genuine scan and a
knock-off phone photo (a serial not of the registered format) are checked.
``tests/golden/registered-teal-bilingual.json`` holds the expected risk levels,
evidence codes and matched template. Regenerate only on purpose:
``pytest tests/test_golden_registered.py --update-golden``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.evaluate_designs import Case, photo_of, write_template_folder
from certcheck.report import report_to_dict
from certcheck.settings import Settings
from samples.generator.designs.new import new_design
from samples.generator.designs.new._kit import issuers_csv
from samples.generator.designs.new.knockoffs import KNOCKOFFS
from templates_registry.loader import load_registry

GOLDEN = Path(__file__).resolve().parent / "golden" / "registered-teal-bilingual.json"
DESIGN = new_design("teal_bilingual")

pytestmark = [pytest.mark.ocr, pytest.mark.e2e]


def _cli(data_dir: Path, *args: str) -> None:
    env = {**os.environ, "CERTCHECK_DATA_DIR": str(data_dir)}
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())", *args],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def _view(report: dict[str, Any]) -> dict[str, Any]:
    return {
        "risk_level": report["risk_level"],
        "codes": sorted({e["code"] for e in report["evidence"] if e["severity"] in ("medium", "high")}),
        "template": report["template"]["id"] if report["template"] else None,
    }


def test_golden_registered_new_design(tmp_path: Path, checker: Any, update_golden: bool) -> None:
    from certcheck.pipeline import Checker

    data_dir = tmp_path / "data"
    _cli(data_dir, "templates", "add", str(write_template_folder(DESIGN, tmp_path / "work")))
    csv_path = tmp_path / "issuers.csv"
    csv_path.write_text(issuers_csv((DESIGN,)), encoding="utf-8")
    _cli(data_dir, "issuers", "import", str(csv_path))
    registered = Checker(Settings(data_dir=data_dir, templates=[], issuers=[]), load_registry(data_dir),
                         engine=checker.engine)
    serial = next(k for k in KNOCKOFFS if k.name == "serial_other_prefix")
    cases = {
        "genuine_scan": Case("genuine", DESIGN, None, "scan", 1201),
        "knockoff_serial_phone": Case("knockoff", DESIGN, serial, "phone", 1202),
    }
    views = {name: _view(report_to_dict(registered.check_bytes(photo_of(case), f"{name}.jpg")))
             for name, case in cases.items()}
    # The verdicts agree with what the cases are, not only with the last run.
    assert views["genuine_scan"] == {"risk_level": "low", "codes": [], "template": DESIGN.template_id}
    assert "SERIAL_FORMAT" in views["knockoff_serial_phone"]["codes"]
    if update_golden:
        GOLDEN.write_text(json.dumps(views, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    assert views == json.loads(GOLDEN.read_text(encoding="utf-8"))

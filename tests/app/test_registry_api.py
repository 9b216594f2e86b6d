"""The registry write endpoints: POST /v1/templates and POST /v1/issuers, with the X-API-Key check."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from app.main import create_app
from certcheck.settings import Settings
from templates_registry.loader import BUILTIN_DIR, load_registry

if TYPE_CHECKING:
    from certcheck.pipeline import Checker

pytestmark = pytest.mark.anyio

KEY = "test-writer-key-0123456789"
BUILTIN = BUILTIN_DIR / "hrss-skill-level-2021"
SPEC = (BUILTIN / "template.yaml").read_bytes().replace(b"id: hrss-skill-level-2021", b"id: shenzhen-style")
REFERENCE = (BUILTIN / "reference.png").read_bytes()
CSV = "code,name,kind,status,occupations\nS1,甲职业技能评价有限公司,evaluation_org,active,电工\n"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def service(tmp_path: Path, checker: Checker) -> AsyncIterator[tuple[httpx.AsyncClient, Checker]]:
    """The app over a checker of its own (private data dir and key) that shares the session's OCR engine."""
    from certcheck.pipeline import Checker

    settings = Settings(data_dir=tmp_path / "data", templates=[], issuers=[], api_key=KEY)
    own = Checker(settings, load_registry(settings.data_dir), engine=checker.engine)
    app = create_app(settings, checker=own)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client, own


def _files(spec: bytes = SPEC, reference: bytes | None = REFERENCE) -> dict[str, tuple[str, bytes, str]]:
    files = {"spec": ("template.yaml", spec, "application/yaml")}
    if reference is not None:
        files["reference"] = ("reference.png", reference, "image/png")
    return files


@pytest.mark.parametrize(("path", "body"), [("/v1/templates", "files"), ("/v1/issuers", "csv")])
@pytest.mark.parametrize(("headers", "status", "code"), [
    ({}, 401, "missing_api_key"),
    ({"X-API-Key": "wrong"}, 403, "invalid_api_key"),
])
async def test_registry_api_writes_need_the_key(
    service: tuple[httpx.AsyncClient, Checker], path: str, body: str, headers: dict[str, str], status: int, code: str
) -> None:
    client, _ = service
    if body == "files":
        answer = await client.post(path, files=_files(), headers=headers)
    else:
        answer = await client.post(path, content=CSV.encode(), headers={**headers, "Content-Type": "text/csv"})
    assert answer.status_code == status
    assert answer.json()["error"]["code"] == code


@pytest.mark.parametrize(("files", "needle"), [
    (_files(spec=SPEC.replace(b"id: shenzhen-style", b"id: ../x")), "id"),
    (_files(spec=SPEC + b"colour: red\n"), "colour"),
    (_files(spec=b"!!python/object/apply:os.system ['true']\n"), "YAML"),
    (_files(reference=None), "reference"),
    (_files(reference=b"GIF89a not really"), "cannot be read"),
])
async def test_registry_api_rejects_bad_templates_with_422(
    service: tuple[httpx.AsyncClient, Checker], files: dict[str, tuple[str, bytes, str]], needle: str
) -> None:
    client, _ = service
    answer = await client.post("/v1/templates", files=files, headers={"X-API-Key": KEY})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_registry" and needle in error["message_en"]
    assert "/data/" not in error["message_en"]  # server folders are not disclosed


@pytest.mark.ocr
async def test_registry_api_registers_a_template_and_uses_it_at_once(
    service: tuple[httpx.AsyncClient, Checker],
) -> None:
    client, checker = service
    answer = await client.post("/v1/templates", files=_files(), headers={"X-API-Key": KEY})
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert (body["id"], body["layer"], body["layout_learnt"]) == ("shenzhen-style", "data_dir", True)
    assert "shenzhen-style" in [t.spec.id for t in checker.registry.templates]  # swapped on the checker
    listed = {t["id"]: t for t in (await client.get("/v1/templates")).json()}
    assert listed["shenzhen-style"]["layout_learnt"] and listed["hrss-skill-level-2021"]["layout_learnt"]
    detail = (await client.get("/v1/templates/shenzhen-style")).json()
    assert detail["spec"]["title"] == "职业技能等级证书"


async def test_registry_api_imports_issuers_from_csv_or_multipart(service: tuple[httpx.AsyncClient, Checker]) -> None:
    client, checker = service
    answer = await client.post("/v1/issuers", content=CSV.encode(),
                               headers={"X-API-Key": KEY, "Content-Type": "text/csv"})
    assert answer.status_code == 200 and answer.json() == {"added": 1, "updated": 0, "total": 1}
    update = CSV.replace("active", "blacklisted") + "S2,乙公司,employer,active,\n"
    answer = await client.post("/v1/issuers", files={"file": ("r.csv", update.encode(), "text/csv")},
                               headers={"X-API-Key": KEY})
    assert answer.json() == {"added": 1, "updated": 1, "total": 2}
    listed = {row["code"]: row["status"] for row in (await client.get("/v1/issuers")).json()}
    assert listed == {"S1": "blacklisted", "S2": "active"}
    assert checker.registry.issuer_by_code("S1") is not None


async def test_registry_api_lists_bad_issuer_rows_by_line(service: tuple[httpx.AsyncClient, Checker]) -> None:
    client, _ = service
    bad = CSV + "S2,乙,school,active,\n"
    answer = await client.post("/v1/issuers", content=bad.encode(),
                               headers={"X-API-Key": KEY, "Content-Type": "text/csv"})
    assert answer.status_code == 422
    assert "upload.csv:3" in answer.json()["error"]["message_en"]
    assert (await client.get("/v1/issuers")).json() == []


# --- the same writes from the command line ------------------------------------------------------------


def _cli(monkeypatch: pytest.MonkeyPatch, data_dir: Path, *args: str) -> int:
    from app import cli

    settings = Settings(data_dir=data_dir, templates=[], issuers=[])
    monkeypatch.setattr(cli, "get_settings", lambda: settings)
    monkeypatch.setattr(cli, "configure_logging", lambda level: None)
    return cli.main(list(args))


def test_registry_cli_imports_issuers_and_lists_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "issuers.csv"
    source.write_text(CSV, encoding="utf-8")
    assert _cli(monkeypatch, tmp_path / "data", "issuers", "import", str(source)) == 0
    assert "1 added, 0 updated" in capsys.readouterr().out
    assert _cli(monkeypatch, tmp_path / "data", "issuers", "list", "--json") == 0
    assert '"code":"S1"' in capsys.readouterr().out


def test_registry_cli_refuses_bad_data_with_status_2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(CSV + "S2,乙,school,active,\n", encoding="utf-8")
    assert _cli(monkeypatch, tmp_path / "data", "issuers", "import", str(bad)) == 2
    assert f"{bad}:3" in capsys.readouterr().err
    assert _cli(monkeypatch, tmp_path / "data", "templates", "add", str(tmp_path)) == 2
    assert "template.yaml" in capsys.readouterr().err
    assert not (tmp_path / "data" / "templates").exists() or _entries_of(tmp_path / "data") == []


def _entries_of(data_dir: Path) -> list[str]:
    return sorted(p.name for p in (data_dir / "templates").iterdir())

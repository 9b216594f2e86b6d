"""``/v1/issuers``: the issuer registry in force (CONTRACT.md section 5), and importing rows (``X-API-Key``)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from app.api.auth import WriterDep
from app.api.deps import CheckerDep, SettingsDep
from app.schemas import ErrorBody, Issuer, IssuerImportResult
from certcheck.errors import RegistryError
from templates_registry.loader import MAX_DATA_FILE_BYTES, load_registry
from templates_registry.registration import import_issuers

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/issuers", tags=["issuers"])

#: The multipart field that carries the CSV (any single file field is accepted too).
FILE_FIELD = "file"

_IMPORT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {"type": "object", "required": [FILE_FIELD],
                           "properties": {FILE_FIELD: {"type": "string", "format": "binary"}}}
            },
        },
    }
}


@router.get("", response_model=list[Issuer], summary="List the registered issuers")
async def list_issuers(checker: CheckerDep) -> list[Issuer]:
    """Every registered issuer with its kind, status and scope; revoked and blacklisted ones included."""
    return [Issuer.from_record(record) for record in checker.registry.issuers]


@router.post(
    "",
    response_model=IssuerImportResult,
    openapi_extra=_IMPORT_BODY,
    responses={
        401: {"model": ErrorBody, "description": "`missing_api_key`"},
        403: {"model": ErrorBody, "description": "`invalid_api_key`"},
        422: {"model": ErrorBody, "description": "`invalid_registry`: bad header, or bad rows listed by line"},
    },
    summary="Import issuer rows (CSV), upserted by code",
)
async def add_issuers(
    request: Request, _writer: WriterDep, checker: CheckerDep, settings: SettingsDep
) -> IssuerImportResult:
    """Upsert the CSV's rows into the data dir's issuer registry; the service uses them from the next check on."""
    text = await _csv_text(request)
    result = await run_in_threadpool(import_issuers, text, "upload.csv", settings.data_dir)
    registry = await run_in_threadpool(
        load_registry, settings.data_dir, env_templates=settings.templates, env_issuers=settings.issuers
    )
    checker.use_registry(registry)
    return IssuerImportResult(added=result.added, updated=result.updated, total=result.total)


async def _csv_text(request: Request) -> str:
    """The CSV from a ``text/csv`` body or a multipart file field, capped at the registry file size."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        async with request.form(max_files=1, max_fields=4) as form:
            upload = form.get(FILE_FIELD) or next((v for v in form.values() if isinstance(v, UploadFile)), None)
            if not isinstance(upload, UploadFile):
                raise RegistryError("缺少 CSV 文件（file）", f"the multipart field '{FILE_FIELD}' (the CSV) is missing")
            data = await upload.read(MAX_DATA_FILE_BYTES + 1)
    else:
        data = b""
        async for chunk in request.stream():
            data += chunk
            if len(data) > MAX_DATA_FILE_BYTES:
                break
    if len(data) > MAX_DATA_FILE_BYTES:
        raise RegistryError("CSV 文件过大", f"the CSV is larger than {MAX_DATA_FILE_BYTES} bytes")
    if not data.strip():
        raise RegistryError("CSV 内容为空", "the CSV is empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistryError("CSV 不是 UTF-8 文本", f"the CSV is not UTF-8 text: {exc}") from exc

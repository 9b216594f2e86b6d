"""``/v1/templates``: the registered certificate templates, and registering one (``X-API-Key``)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile, status

from app.api.auth import WriterDep
from app.api.deps import CheckerDep, PoolDep, SettingsDep
from app.schemas import ErrorBody, TemplateDetail, TemplateSummary
from certcheck.errors import RegistryError
from certcheck.pipeline import Checker
from certcheck.settings import Settings
from templates_registry.loader import MAX_DATA_FILE_BYTES, Template, load_registry
from templates_registry.registration import MAX_REFERENCE_BYTES, register_template

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1/templates", tags=["templates"])

_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "`missing_api_key`"},
    403: {"model": ErrorBody, "description": "`invalid_api_key`"},
    422: {"model": ErrorBody, "description": "`invalid_registry`: every problem of the spec or image, listed"},
    503: {"model": ErrorBody, "description": "`overloaded`: the work queue is full"},
}


@router.get("", response_model=list[TemplateSummary], summary="List the registered templates")
async def list_templates(checker: CheckerDep) -> list[TemplateSummary]:
    """Every template in force, after the layers were merged (later layers win)."""
    return [TemplateSummary.from_template(template) for template in checker.registry.templates]


@router.get(
    "/{template_id}",
    response_model=TemplateDetail,
    responses={404: {"model": ErrorBody, "description": "`not_found`"}},
    summary="One template with its specification",
)
async def get_template(template_id: str, checker: CheckerDep) -> TemplateDetail:
    """The template's whole ``template.yaml``; its folder on the server is not disclosed."""
    return TemplateDetail.from_template(checker.registry.get_template(template_id))


# Both parts are required (a missing one is 422 ``invalid_registry``); declared here because the
# endpoint takes them as optional to answer that itself rather than with FastAPI's generic error.
_REGISTRATION_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["spec", "reference"],
                    "properties": {
                        "spec": {"type": "string", "format": "binary", "description": "template.yaml (CONTRACT §4)"},
                        "reference": {"type": "string", "format": "binary", "description": "the reference image"},
                    },
                }
            }
        },
    }
}


@router.post(
    "",
    response_model=TemplateDetail,
    status_code=status.HTTP_201_CREATED,
    responses=_WRITE_ERRORS,
    openapi_extra=_REGISTRATION_FORM,
    summary="Register a template: its spec (YAML) and reference image",
)
async def add_template(
    _writer: WriterDep,
    checker: CheckerDep,
    settings: SettingsDep,
    pool: PoolDep,
    spec: Annotated[UploadFile | None, File(description="template.yaml (CONTRACT.md section 4)")] = None,
    reference: Annotated[UploadFile | None, File(description="the reference image the spec names")] = None,
) -> TemplateDetail:
    """Validate the spec and image, learn the layout once (OCR), store the template in the data dir.

    The running service uses the new template from the next check on. With
    several server processes, each picks it up when it restarts.
    """
    if spec is None:
        raise RegistryError("缺少模板描述（spec）", "the multipart field 'spec' (template.yaml) is missing")
    if reference is None:
        raise RegistryError("缺少参考图（reference）", "the multipart field 'reference' (the reference image) is missing")
    spec_bytes = await _read_capped(spec, MAX_DATA_FILE_BYTES, "spec")
    image_bytes = await _read_capped(reference, MAX_REFERENCE_BYTES, "reference")
    template = await pool.run(_register, checker, settings, spec_bytes, image_bytes)
    return TemplateDetail.from_template(template)


async def _read_capped(upload: UploadFile, limit: int, field: str) -> bytes:
    data = await upload.read(limit + 1)
    if len(data) > limit:
        raise RegistryError(f"{field} 文件过大", f"the '{field}' file is larger than {limit} bytes")
    return data


def _register(checker: Checker, settings: Settings, spec: bytes, image: bytes) -> Template:
    """On a pool thread: register (OCR of the reference), then swap the reloaded registry into the checker."""
    registration = register_template(spec, image, settings.data_dir, checker.engine)
    checker.use_registry(
        load_registry(settings.data_dir, env_templates=settings.templates, env_issuers=settings.issuers)
    )
    logger.info("template %s registered in %.0f ms", registration.template.spec.id, registration.elapsed_ms)
    return checker.registry.get_template(registration.template.spec.id)

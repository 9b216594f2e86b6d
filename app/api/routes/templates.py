"""``GET /v1/templates`` and ``GET /v1/templates/{id}``: the registered certificate templates."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import CheckerDep
from app.schemas import ErrorBody, TemplateDetail, TemplateSummary

__all__ = ["router"]

router = APIRouter(prefix="/v1/templates", tags=["templates"])


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

"""``GET /v1/issuers``: the issuer registry in force (CONTRACT.md section 5)."""

from __future__ import annotations

from fastapi import APIRouter

from app.api.deps import CheckerDep
from app.schemas import Issuer

__all__ = ["router"]

router = APIRouter(prefix="/v1/issuers", tags=["issuers"])


@router.get("", response_model=list[Issuer], summary="List the registered issuers")
async def list_issuers(checker: CheckerDep) -> list[Issuer]:
    """Every registered issuer with its kind, status and scope; revoked and blacklisted ones included."""
    return [Issuer.from_record(record) for record in checker.registry.issuers]

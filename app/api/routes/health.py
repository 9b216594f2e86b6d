"""Liveness (``/healthz``) and readiness (``/readyz``) for orchestrators and load balancers."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.api.deps import CheckerDep, WarmUpDep
from app.schemas import Health, Readiness

__all__ = ["router"]

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=Health, summary="The process answers")
async def healthz() -> Health:
    """Always 200 while the process runs, even while the models load."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={503: {"model": Readiness, "description": "`loading` or `failed`"}},
    summary="The OCR models are loaded",
)
async def readyz(response: Response, warm_up: WarmUpDep, checker: CheckerDep) -> Readiness:
    """200 once the models are loaded; 503 while they load or when loading failed."""
    state = warm_up.state
    if state != "ready":
        response.status_code = 503
        return Readiness(status=state)
    engine = checker.engine
    return Readiness(status="ready", ocr={"engine": "rapidocr", "device": engine.device, "providers": engine.providers()})

"""``POST /v1/check-text``: the publicity rules on an advertisement, a web page's text or a chat message."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter

from app.schemas import CheckTextRequest, ErrorBody, TextReport
from certcheck.report import text_check_to_dict
from rules.text_check import MAX_TEXT_CHARS, check_text

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", tags=["check"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {
        "model": ErrorBody,
        "description": f"`invalid_request`: `text` missing, empty, not a string or over {MAX_TEXT_CHARS} characters",
    },
}


@router.post("/check-text", response_model=TextReport, responses=_ERRORS, summary="Check a text for false publicity")
def check_publicity_text(body: CheckTextRequest) -> dict[str, Any]:
    """Find restricted words, false claims and impersonated authorities, with character offsets.

    No model is needed, so this answers while the OCR models are still
    loading. A plain ``def``: FastAPI runs it on its thread pool.
    """
    answer = text_check_to_dict(check_text(body.text))
    codes = ",".join(sorted({item["code"] for item in answer["evidence"]})) or "-"
    logger.info("checked a text of %d characters: risk %s, evidence %s", len(body.text), answer["risk_level"], codes)
    return answer

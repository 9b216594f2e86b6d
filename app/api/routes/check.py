"""``POST /v1/check``: one certificate image in, one Report out."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter

from app.api.deps import CheckerDep, PoolDep, UploadDep, WarmUpDep
from app.schemas import ErrorBody, Report
from app.uploads import FILE_FIELD, CheckUpload
from certcheck.pipeline import Checker
from certcheck.report import report_to_dict

__all__ = ["router"]

logger = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", tags=["check"])

# The endpoint reads the multipart stream itself (app/uploads.py), so FastAPI
# cannot infer the form; it is declared here for /docs and /openapi.json.
_UPLOAD_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": [FILE_FIELD],
                    "properties": {
                        FILE_FIELD: {
                            "type": "string",
                            "format": "binary",
                            "description": "The certificate photo or scan: JPEG, PNG, WebP, BMP, TIFF, HEIC or PDF.",
                        },
                        "template_id": {"type": "string", "description": "Compare with this registered template."},
                        "annotate": {
                            # Form values are text: these spellings are accepted (app/uploads.py).
                            "anyOf": [
                                {"type": "boolean"},
                                {"type": "string", "enum": ["", "0", "1", "true", "false", "yes", "no", "on", "off"]},
                            ],
                            "default": False,
                            "description": "Return the image with the evidence drawn on it (base64 PNG).",
                        },
                    },
                }
            }
        },
    }
}

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "`empty_upload` or `unreadable_image`"},
    404: {"model": ErrorBody, "description": "`not_found`: unknown `template_id`"},
    413: {"model": ErrorBody, "description": "`file_too_large` or `too_many_pixels`"},
    415: {"model": ErrorBody, "description": "`unsupported_media_type`"},
    422: {"model": ErrorBody, "description": "`invalid_request`: a missing or malformed form field"},
    503: {"model": ErrorBody, "description": "`overloaded`: the work queue is full or the models are loading"},
}


@router.post(
    "/check",
    response_model=Report,
    responses=_ERRORS,
    openapi_extra=_UPLOAD_FORM,
    summary="Check one certificate image",
)
async def check_certificate(
    upload: UploadDep, checker: CheckerDep, pool: PoolDep, warm_up: WarmUpDep
) -> dict[str, Any]:
    """Read the certificate, apply the rules and answer the Report (CONTRACT.md section 3)."""
    warm_up.require_ready()
    return await pool.run(_check, checker, upload)


def _check(checker: Checker, upload: CheckUpload) -> dict[str, Any]:
    """Runs on a pool thread: the check and shaping the report (box mapping, base64 PNG) are CPU work."""
    report = checker.check_bytes(upload.data, upload.filename, template_id=upload.template_id, annotate=upload.annotate)
    answer = report_to_dict(report, checker.registry)
    codes = ",".join(sorted({item["code"] for item in answer["evidence"]})) or "-"
    logger.info("checked %s: risk %s, evidence %s", upload.filename, answer["risk_level"], codes)
    return answer

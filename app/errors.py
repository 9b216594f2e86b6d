"""The one exception handler: every error becomes the contract's answer.

Every error answer is ``{"error": {"code", "message", "message_en"}}`` with
the status the exception tree (:mod:`certcheck.errors`) assigns. Framework
errors are mapped onto the same shape: request validation to 422
``invalid_request``, unknown routes to 404 ``not_found``, and any unexpected
exception to 500 ``internal_error`` whose body never carries the exception
text or traceback (those go to the log, with the request id).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from app.middleware import REQUEST_ID_HEADER, request_id_of
from certcheck.errors import CertcheckError, NotFound, RequestError, ServiceError
from certcheck.privacy import mask_id_numbers

__all__ = ["handle_error", "install_error_handlers"]

logger = logging.getLogger(__name__)

_METHOD_NOT_ALLOWED = {
    "code": "method_not_allowed",
    "message": "不支持该请求方法。",
    "message_en": "Method not allowed.",
}


def install_error_handlers(app: FastAPI) -> None:
    """Route our errors, FastAPI's and Starlette's, and any other exception to :func:`handle_error`."""
    for kind in (CertcheckError, RequestValidationError, HTTPException, Exception):
        app.add_exception_handler(kind, handle_error)


async def handle_error(request: Request, exc: Exception) -> JSONResponse:
    """Render ``exc`` as the contract's error answer, with the request id attached."""
    status, error, headers = _describe(exc)
    if status == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    # A 404 for /v1/templates/<an ID number> must not echo it, nor may any message.
    error = {key: mask_id_numbers(value) for key, value in error.items()}
    if status >= 500:
        logger.error("answered %d %s", status, error["code"], exc_info=exc)
    else:
        logger.info("answered %d %s: %s", status, error["code"], error["message_en"])
    request_id = request_id_of(request.scope)
    if request_id:
        headers[REQUEST_ID_HEADER] = request_id
    return JSONResponse({"error": error}, status_code=status, headers=headers)


def _describe(exc: Exception) -> tuple[int, dict[str, str], dict[str, str]]:
    """Status, error object and extra headers for any exception."""
    if isinstance(exc, CertcheckError):
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, ServiceError) else {}
        return exc.http_status, exc.to_dict(), headers
    if isinstance(exc, RequestValidationError):
        fields = ", ".join(_field_problem(error) for error in exc.errors()) or "?"
        invalid = RequestError(f"请求字段无效：{fields}", f"Invalid request: {fields}")
        return invalid.http_status, invalid.to_dict(), {}
    if isinstance(exc, HTTPException):
        if exc.status_code == 400:
            # FastAPI's "malformed multipart" / "JSON not decodable": a malformed body is 422 by the contract.
            invalid = RequestError(message_en=f"The request body is malformed: {exc.detail}")
            return invalid.http_status, invalid.to_dict(), {}
        return exc.status_code, _http_error(exc), dict(exc.headers or {})
    return 500, CertcheckError().to_dict(), {}


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (one path may be split over several routes)."""
    methods: set[str] = set()
    for route in request.app.routes:
        match, _ = route.matches({**request.scope, "method": "GET"}) if hasattr(route, "matches") else (None, None)
        route_methods = getattr(route, "methods", None)
        if route_methods and match is not None and match.name != "NONE":
            methods |= set(route_methods)
    return sorted(methods)


def _http_error(exc: HTTPException) -> dict[str, str]:
    if exc.status_code == 404:
        return NotFound().to_dict()
    if exc.status_code == 405:
        return dict(_METHOD_NOT_ALLOWED)
    return RequestError(message_en=str(exc.detail)).to_dict()


def _field_problem(error: Any) -> str:
    """``{"loc": ("body", "text"), "msg": "Field required"}`` -> ``text (Field required)``; never the input."""
    parts = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header")]
    return f"{'.'.join(parts) or 'body'} ({error.get('msg', 'invalid')})"

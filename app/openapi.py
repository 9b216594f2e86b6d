"""The OpenAPI document, completed with the answers every ``/v1`` operation can give.

Some answers come from layers no route declares: the rate limit (429
``rate_limited``), the body guard (413 ``file_too_large``; 401/403 on write
routes, :mod:`app.bodyguard`), the work pool (503 ``overloaded``) and request
validation (422 ``invalid_request``, also for malformed multipart and JSON that
is not UTF-8). :func:`install_openapi` adds each to every operation under
``/v1`` that does not document it yet, with the contract's error body and, for
429 and 503, the ``Retry-After`` header.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.bodyguard import WRITE_ROUTES

__all__ = ["install_openapi"]

_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_RETRY_AFTER = {
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "integer", "minimum": 1}}
}
_COMMON: dict[str, tuple[str, bool]] = {
    "413": ("`file_too_large`: the request body is over the route's cap (refused unread)", False),
    "422": ("`invalid_request`: a missing or malformed field, multipart body or JSON", False),
    "429": ("`rate_limited`: too many requests from this client", True),
    "503": ("`overloaded`: the work queue is full or the models are loading", True),
}
_WRITE: dict[str, tuple[str, bool]] = {
    "401": ("`missing_api_key`", False),
    "403": ("`invalid_api_key`", False),
}


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` return the completed document (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes
            )
            complete(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete(schema: dict[str, Any]) -> None:
    """Add the layer answers to every ``/v1`` operation of ``schema`` (in place)."""
    for path, operations in schema.get("paths", {}).items():
        if not path.startswith("/v1"):
            continue
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            extra = dict(_COMMON)
            if (method.upper(), path) in WRITE_ROUTES:
                extra.update(_WRITE)
            for status, (description, retry) in extra.items():
                if status in responses:
                    if retry:
                        responses[status].setdefault("headers", {}).update(_RETRY_AFTER)
                    continue
                answer: dict[str, Any] = {
                    "description": description,
                    "content": {"application/json": {"schema": _ERROR_REF}},
                }
                if retry:
                    answer["headers"] = dict(_RETRY_AFTER)
                responses[status] = answer

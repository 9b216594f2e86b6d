"""Request ids and one access log line per request, as a pure ASGI middleware.

Each answer carries ``X-Request-ID``: the client's own id when it is sane
(short, plain characters, no ID number in it), else a fresh one. The id is kept in the ASGI scope
(for the error handlers, which may run outside this middleware) and in
:data:`app.logs.request_id_var` (for log lines, including those written on
work-pool threads). Pure ASGI rather than ``BaseHTTPMiddleware`` so the upload
body streams through untouched. The access line also carries its fields as
``extra={"http": ...}`` for the JSON log format (:mod:`app.logs`).
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import MutableMapping
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.logs import request_id_var
from certcheck.privacy import mask_id_numbers

__all__ = ["REQUEST_ID_HEADER", "RequestIdMiddleware", "request_id_of"]

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_SCOPE_KEY = "request_id"

logger = logging.getLogger(__name__)


def request_id_of(scope: MutableMapping[str, Any]) -> str | None:
    """The id :class:`RequestIdMiddleware` gave this request, if it ran."""
    state = scope.get("state") or {}
    request_id = state.get(_SCOPE_KEY)
    return request_id if isinstance(request_id, str) else None


class RequestIdMiddleware:
    """Gives every HTTP request an id, echoes it in the answer and logs the outcome."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _sane_or_new(Headers(scope=scope).get(REQUEST_ID_HEADER))
        scope.setdefault("state", {})[_SCOPE_KEY] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                if REQUEST_ID_HEADER not in headers:
                    headers.append(REQUEST_ID_HEADER, request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if (scope.get("state") or {}).get("client_disconnected"):
                status = 499  # nginx's code for "the client closed the connection before the answer"
            elapsed_ms = (time.perf_counter() - started) * 1000
            access = {
                "method": scope["method"],
                "path": mask_id_numbers(scope["path"]),
                "status": status,
                "duration_ms": round(elapsed_ms, 1),
            }
            logger.info("%s %s %d %.0f ms", scope["method"], scope["path"], status, elapsed_ms, extra={"http": access})
            request_id_var.reset(token)


def _sane_or_new(candidate: str | None) -> str:
    # An id carrying an ID number would be echoed and logged with every line: such an id is replaced.
    if candidate and _SANE_ID.fullmatch(candidate) and mask_id_numbers(candidate) == candidate:
        return candidate
    return uuid.uuid4().hex

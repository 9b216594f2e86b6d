"""What a request may send, decided before the app reads it: body caps, write keys, lingering close, last resort.

A pure ASGI middleware, innermost of the project's own (inside the request
id, metrics and rate limit), that does four things:

1. **Keys before bodies.** ``POST /v1/templates`` and ``POST /v1/issuers``
   need ``X-API-Key``; the key is checked from the headers, before one body
   byte is read (FastAPI would parse, and spool to disk, the whole multipart
   body before its dependencies run: 300 MB in 1.8 s with no key).
2. **A body cap on every endpoint** (:func:`body_cap`): a declared
   ``Content-Length`` over it is refused unread, a chunked body as soon as it
   passes it (``413 file_too_large``).
3. **Lingering close** for 401, 403 and 413: a client that writes its whole
   body before reading (Python's urllib and requests do) would otherwise get a
   connection reset instead of the answer. As nginx's ``lingering_close``
   does, the rest of the body is read and discarded, up to
   :data:`LINGER_FACTOR` x the cap or :data:`LINGER_SECONDS`, whichever comes
   first, then the answer is sent with ``Connection: close``. A client that
   sent ``Expect: 100-continue`` has sent no body: it is answered at once.
4. **The last resort**: an exception that escaped every handler is answered
   here as the contract's 500 (the connection stays usable: Starlette's own
   server-error handler re-raises, and uvicorn then resets a keep-alive
   connection), and a client that disconnected mid-request is logged as such
   (status 499 in the access line), not as a 500 with a traceback.
"""

from __future__ import annotations

import asyncio
import json
import logging

from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.auth import API_KEY_HEADER
from certcheck.errors import CertcheckError, FileTooLarge, InvalidApiKey, MissingApiKey
from certcheck.settings import Settings
from rules.text_check import MAX_TEXT_CHARS
from templates_registry.loader import MAX_DATA_FILE_BYTES
from templates_registry.registration import MAX_REFERENCE_BYTES

__all__ = ["CLIENT_DISCONNECTED", "LINGER_FACTOR", "LINGER_SECONDS", "WRITE_ROUTES", "BodyGuardMiddleware", "body_cap"]

logger = logging.getLogger(__name__)

#: Routes that change the registry: a valid ``X-API-Key`` before any body byte.
WRITE_ROUTES = frozenset({("POST", "/v1/templates"), ("POST", "/v1/issuers")})
#: Boundaries, part headers and small form fields on top of the files themselves.
_OVERHEAD = 64 * 1024
#: Requests without a body of their own (GET, OPTIONS...) and unknown routes.
_SMALL_BODY = 64 * 1024
LINGER_FACTOR = 4
LINGER_SECONDS = 10.0
#: Status written in the access log for a request whose client went away before the answer.
CLIENT_DISCONNECTED = 499
_REFUSED_UNREAD = frozenset({401, 403, 413})


def body_cap(method: str, path: str, settings: Settings) -> int:
    """The most body bytes a request to ``method path`` may send.

    >>> body_cap("GET", "/healthz", Settings(max_upload_mb=20))
    65536
    >>> body_cap("POST", "/v1/check", Settings(max_upload_mb=1)) - 1024 * 1024
    65536
    """
    if method != "POST":
        return _SMALL_BODY
    caps = {
        "/v1/check": settings.max_upload_bytes,
        "/v1/templates": MAX_DATA_FILE_BYTES + MAX_REFERENCE_BYTES,
        "/v1/issuers": MAX_DATA_FILE_BYTES,
        # JSON may escape every character as \uXXXX (6 bytes, 12 for a surrogate pair).
        "/v1/check-text": 12 * MAX_TEXT_CHARS,
    }
    return caps.get(path.rstrip("/") or "/", 0) + _OVERHEAD


class BodyGuardMiddleware:
    """Keys before bodies, body caps, lingering close, and the last-resort 500 (module docstring)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        cap = body_cap(scope["method"], scope["path"], self.settings)
        refusal = self._refusal(scope, headers, cap)
        body = _BodyState(receive, cap)
        if refusal is not None:
            await body.linger(headers)
            await _answer(send, refusal, close=True)
            return
        started = False

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                if message["status"] in _REFUSED_UNREAD and not body.complete:
                    await body.linger(headers)
                    message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, body.receive, guarded_send)
        except ClientDisconnect:
            body.disconnected = True
        except Exception:
            if body.disconnected:
                pass
            elif started:
                raise  # half an answer is out: only closing the connection can tell the client
            else:
                logger.exception("unhandled error on %s %s", scope["method"], scope["path"])
                await _answer(send, CertcheckError(), close=False)
                return
        if body.disconnected and not started:
            scope.setdefault("state", {})["client_disconnected"] = True
            logger.info("client disconnected before the answer (%s %s)", scope["method"], scope["path"])

    def _refusal(self, scope: Scope, headers: Headers, cap: int) -> CertcheckError | None:
        if (scope["method"], scope["path"].rstrip("/")) in WRITE_ROUTES:
            key = headers.get(API_KEY_HEADER)
            if not key:
                return MissingApiKey("缺少 X-API-Key 请求头", "the X-API-Key header is missing")
            store = getattr(getattr(scope.get("app"), "state", None), "api_keys", None)
            if store is None or store.name_of(key) is None:
                return InvalidApiKey("API 密钥无效", "the API key is not valid")
        declared = headers.get("content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > cap:
            return _too_large(cap)
        return None


class _BodyState:
    """The request body as the app reads it: counted against the cap, and drained on refusal."""

    def __init__(self, receive: Receive, cap: int) -> None:
        self._receive = receive
        self.cap = cap
        self.received = 0
        self.complete = False
        self.disconnected = False

    async def receive(self) -> Message:
        message = await self._receive()
        self._note(message)
        if message["type"] == "http.request" and self.received > self.cap:
            raise _too_large(self.cap)
        return message

    def _note(self, message: Message) -> None:
        if message["type"] == "http.disconnect":
            self.disconnected = True
            self.complete = True
        elif message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)

    async def linger(self, headers: Headers) -> None:
        """Read and discard the rest of the body, up to LINGER_FACTOR x the cap or LINGER_SECONDS."""
        if self.complete or headers.get("expect", "").lower() == "100-continue":
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + LINGER_SECONDS
        limit = self.received + LINGER_FACTOR * self.cap
        while not self.complete and self.received <= limit:
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            try:
                self._note(await asyncio.wait_for(self._receive(), remaining))
            except TimeoutError:
                break


def _too_large(cap: int) -> FileTooLarge:
    shown = cap - _OVERHEAD if cap > _SMALL_BODY else cap  # the file's own limit, as the user set it
    return FileTooLarge(
        f"文件太大（上限 {shown / 1048576:.0f} MB），请压缩后再上传。" if shown >= 1048576
        else f"请求内容太大（上限 {shown // 1024} KB）。",
        f"The request body is over {cap} bytes.",
    )


async def _answer(send: Send, error: CertcheckError, *, close: bool) -> None:
    """The contract's error answer; the request id header is added by the middleware around this one."""
    body = json.dumps({"error": error.to_dict()}, ensure_ascii=False).encode("utf-8")
    headers: list[tuple[bytes, bytes]] = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": error.http_status, "headers": headers})
    await send({"type": "http.response.body", "body": body})

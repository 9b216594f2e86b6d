"""The HTTP layer: contract error answers, streaming upload limits, the work pool, health, docs and page.

Three kinds of tests:

* HTTP-layer behaviour (limits, pool, request ids, handlers) against the ASGI
  app with a stub checker, so no model is loaded;
* the contract's error codes from the real :class:`Checker` (decoder), in
  process, marked ``ocr`` because the app waits for the loaded models;
* the size cap against a real uvicorn server over a raw socket, marked ``e2e``,
  to show the refusal comes before the body was sent.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import socket
import struct
import threading
import time
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import httpx
import numpy as np
import pytest
from fastapi import FastAPI
from PIL import Image

from app.main import create_app
from certcheck.settings import Settings
from certcheck.types import (
    CertificateFields,
    CertificateKind,
    NormalizedImage,
    OcrResult,
    Report,
    RiskLevel,
    Verdict,
)
from templates_registry.loader import Registry, load_issuer_csv

pytestmark = pytest.mark.anyio

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_ISSUERS = REPO_ROOT / "samples" / "registry" / "demo-issuers.csv"
MIB = 1024 * 1024
BOUNDARY = "certcheck-test-boundary"


# --- a stand-in for the Checker, for tests of the HTTP layer alone -------------------------------


class StubChecker:
    """Has the Checker's surface the app uses; checks return an empty low-risk report.

    ``warm_gate`` / ``check_gate`` hold warm-up or checks until set, to observe
    the service while models load or while the pool is busy.
    """

    def __init__(
        self,
        *,
        registry: Registry | None = None,
        warm_gate: threading.Event | None = None,
        check_gate: threading.Event | None = None,
        failure: Exception | None = None,
    ) -> None:
        self.registry = registry or Registry(templates=(), issuers=())
        self.engine = SimpleNamespace(device="cpu", providers=lambda: ["CPUExecutionProvider"])
        self.started = threading.Semaphore(0)
        self._warm_gate = warm_gate
        self._check_gate = check_gate
        self._failure = failure

    def warm_up(self) -> None:
        if self._warm_gate is not None:
            self._warm_gate.wait(10)

    def check_bytes(
        self, data: bytes, source_name: str, *, template_id: str | None = None, annotate: bool = False
    ) -> Report:
        self.started.release()
        if self._check_gate is not None:
            self._check_gate.wait(10)
        if self._failure is not None:
            raise self._failure
        return _empty_report(source_name)


def _empty_report(source_name: str) -> Report:
    return Report(
        file=source_name,
        certificate=CertificateFields(kind=CertificateKind.OTHER),
        template=None,
        verdict=Verdict(RiskLevel.LOW, 0, "未发现问题。", "No problem found.", ()),
        ocr=OcrResult(lines=()),
        normalized=NormalizedImage(np.zeros((8, 8, 3), np.uint8), np.eye(3), (8, 8)),
    )


def _settings(tmp_path: Path, **overrides: Any) -> Settings:
    return Settings(data_dir=tmp_path / "data", templates=[], issuers=[], **overrides)


def _wait_ready(app: FastAPI) -> None:
    assert app.state.services.warm_up.wait(10), "warm-up did not finish"


@asynccontextmanager
async def _asgi_client(
    app: FastAPI, *, wait_ready: bool = True, raise_app_exceptions: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    """An async client on the ASGI app with its lifespan running; request bodies stream lazily."""
    async with app.router.lifespan_context(app):
        if wait_ready:
            _wait_ready(app)
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


def _stub_app(tmp_path: Path, stub: StubChecker | None = None, **settings: Any) -> FastAPI:
    return create_app(_settings(tmp_path, **settings), checker=stub or StubChecker())  # type: ignore[arg-type]


@pytest.fixture
async def stub_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with _asgi_client(_stub_app(tmp_path)) as client:
        yield client


def _image_bytes(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    rng = np.random.default_rng(7)
    pixels = rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, fmt)
    return buffer.getvalue()


def _png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid 1-bit greyscale PNG of ``width x height`` zeros: about 100 KB on disk, 900 Mpx decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = bytes(1 + (width + 7) // 8)  # filter byte 0 + packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _error_code(response: httpx.Response) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) >= {"code", "message", "message_en"}, body
    code: str = body["error"]["code"]
    return code


def _file_part_head(filename: str = "big.jpg") -> bytes:
    return (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()


FILE_PART_TAIL = f"\r\n--{BOUNDARY}--\r\n".encode()
MULTIPART_TYPE = f"multipart/form-data; boundary={BOUNDARY}"


# --- health, docs, page ---------------------------------------------------------------------------


async def test_healthz_answers_ok(stub_client: httpx.AsyncClient) -> None:
    response = await stub_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_503_loading_until_warm_up_ends(tmp_path: Path) -> None:
    gate = threading.Event()
    app = _stub_app(tmp_path, StubChecker(warm_gate=gate))
    async with _asgi_client(app, wait_ready=False) as client:
        assert (await client.get("/healthz")).status_code == 200
        loading = await client.get("/readyz")
        assert (loading.status_code, loading.json()["status"]) == (503, "loading")
        early = await client.post("/v1/check", files={"file": ("a.png", _image_bytes("PNG"), "image/png")})
        assert (early.status_code, _error_code(early)) == (503, "overloaded")
        assert int(early.headers["Retry-After"]) >= 1
        gate.set()
        _wait_ready(app)
        ready = await client.get("/readyz")
        assert ready.status_code == 200
        engine = {"engine": "rapidocr", "device": "cpu", "providers": ["CPUExecutionProvider"]}
        assert ready.json() == {"status": "ready", "ocr": engine}


async def test_openapi_documents_the_check_form_and_report(stub_client: httpx.AsyncClient) -> None:
    spec = (await stub_client.get("/openapi.json")).json()
    check = spec["paths"]["/v1/check"]["post"]
    form = check["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert form["required"] == ["file"]
    assert set(form["properties"]) == {"file", "template_id", "annotate"}
    assert check["responses"]["200"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Report"}
    assert {"/v1/templates", "/v1/templates/{template_id}", "/v1/issuers", "/healthz", "/readyz"} <= set(spec["paths"])
    assert (await stub_client.get("/docs")).status_code == 200


async def test_docs_page_loads_nothing_from_outside(stub_client: httpx.AsyncClient) -> None:
    page = (await stub_client.get("/docs")).text
    assert "cdn" not in page.lower() and "https://" not in page
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css"):
        assert asset in page
        assert (await stub_client.get(asset)).status_code == 200


async def test_page_is_a_self_contained_upload_form(stub_client: httpx.AsyncClient) -> None:
    response = await stub_client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert 'accept="image/*,application/pdf"' in page
    assert 'capture="environment"' in page
    assert '"/v1/check"' in page and '"annotate", "true"' in page
    # No CDN or other outside resource: the page must work on a closed network.
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "@import" not in page


async def test_unknown_route_answers_contract_not_found(stub_client: httpx.AsyncClient) -> None:
    response = await stub_client.get("/v2/nothing")
    assert (response.status_code, _error_code(response)) == (404, "not_found")


# --- request ids and unexpected errors --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "echoed"),
    [("client-req-42", True), ("bad id with spaces", False), ("x" * 300, False), (None, False)],
)
async def test_request_id_is_echoed_when_sane_else_generated(
    stub_client: httpx.AsyncClient, sent: str | None, echoed: bool
) -> None:
    headers = {"X-Request-ID": sent} if sent else {}
    answered = (await stub_client.get("/healthz", headers=headers)).headers["X-Request-ID"]
    if echoed:
        assert answered == sent
    else:
        assert answered != sent and re.fullmatch(r"[0-9a-f]{32}", answered)


async def test_error_answers_carry_the_request_id(stub_client: httpx.AsyncClient) -> None:
    response = await stub_client.post("/v1/check", data={"annotate": "true"}, headers={"X-Request-ID": "trace-1"})
    assert response.status_code == 422
    assert response.headers["X-Request-ID"] == "trace-1"


async def test_unexpected_error_is_500_without_details(tmp_path: Path) -> None:
    app = _stub_app(tmp_path, StubChecker(failure=RuntimeError("secret-internal-detail")))
    async with _asgi_client(app, raise_app_exceptions=False) as client:
        response = await client.post("/v1/check", files={"file": ("a.png", _image_bytes("PNG"), "image/png")})
    assert (response.status_code, _error_code(response)) == (500, "internal_error")
    assert "secret-internal-detail" not in response.text and "Traceback" not in response.text
    assert response.headers["X-Request-ID"]


# --- the upload form --------------------------------------------------------------------------------


async def test_check_answers_a_report(stub_client: httpx.AsyncClient) -> None:
    response = await stub_client.post(
        "/v1/check",
        files={"file": ("C:\\fakepath\\photo.png", _image_bytes("PNG"), "image/png")},
        data={"annotate": "false", "template_id": ""},
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["schema_version"], report["file"], report["risk_level"]) == ("1", "photo.png", "low")


@pytest.mark.parametrize(
    ("kwargs", "why"),
    [
        ({"data": {"template_id": "hrss-skill-level-2021"}}, "no file field"),
        ({"json": {"file": "aGVsbG8="}}, "not multipart"),
        ({"files": {"file": ("a.png", b"x", "image/png")}, "data": {"annotate": "maybe"}}, "annotate not a bool"),
        ({"files": {"file": ("a.png", b"x", "image/png")}, "data": {"template_id": "t" * 2000}}, "field too long"),
        ({"content": _file_part_head() + b"abc", "headers": {"Content-Type": MULTIPART_TYPE}}, "body cut short"),
    ],
)
async def test_malformed_form_is_invalid_request(
    stub_client: httpx.AsyncClient, kwargs: dict[str, Any], why: str
) -> None:
    response = await stub_client.post("/v1/check", **kwargs)
    assert (response.status_code, _error_code(response)) == (422, "invalid_request"), why


async def test_two_file_fields_are_invalid_request(stub_client: httpx.AsyncClient) -> None:
    files = [("file", ("a.png", b"1", "image/png")), ("file", ("b.png", b"2", "image/png"))]
    response = await stub_client.post("/v1/check", files=files)
    assert (response.status_code, _error_code(response)) == (422, "invalid_request")


async def test_upload_of_exactly_the_cap_is_accepted(tmp_path: Path) -> None:
    async with _asgi_client(_stub_app(tmp_path, max_upload_mb=1)) as client:
        response = await client.post("/v1/check", files={"file": ("a.jpg", bytes(MIB), "image/jpeg")})
        over = await client.post("/v1/check", files={"file": ("a.jpg", bytes(MIB + 1), "image/jpeg")})
    assert response.status_code == 200
    assert (over.status_code, _error_code(over)) == (413, "file_too_large")


# --- streaming size limits (the app must stop reading at the cap) -------------------------------------


class CountingBody:
    """A multipart body of ``file_bytes`` zeros, streamed in chunks; counts what the server pulled."""

    def __init__(self, file_bytes: int, chunk: int = 256 * 1024) -> None:
        self.file_bytes = file_bytes
        self.chunk = chunk
        self.pulled = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield _file_part_head()
        block = bytes(self.chunk)
        for _ in range(self.file_bytes // self.chunk):
            self.pulled += self.chunk
            yield block
        yield FILE_PART_TAIL


async def test_declared_length_over_cap_is_refused_unparsed_and_drained(stub_client: httpx.AsyncClient) -> None:
    body = CountingBody(25 * MIB)  # the contract's default cap is 20 MB
    headers = {"Content-Type": MULTIPART_TYPE, "Content-Length": str(25 * MIB + 500)}
    response = await stub_client.post("/v1/check", content=body, headers=headers)
    assert (response.status_code, _error_code(response)) == (413, "file_too_large")
    assert "20 MB" in response.json()["error"]["message"]
    # Refused from the header; the body is read and thrown away (lingering close), so the client gets the answer.
    assert body.pulled == 25 * MIB and response.headers["connection"] == "close"


async def test_streamed_upload_over_cap_is_refused_at_the_cap(stub_client: httpx.AsyncClient) -> None:
    cap = 20 * MIB  # the contract's default; 25 MB are offered without a Content-Length
    body = CountingBody(25 * MIB)
    response = await stub_client.post("/v1/check", content=body, headers={"Content-Type": MULTIPART_TYPE})
    assert (response.status_code, _error_code(response)) == (413, "file_too_large")
    assert "20 MB" in response.json()["error"]["message"]
    # Parsing stopped at the cap; the rest was read and thrown away (lingering close, up to 4 x the cap or 10 s).
    assert body.pulled == 25 * MIB > cap and response.headers["connection"] == "close"


# --- the bounded work pool -------------------------------------------------------------------------


async def test_full_pool_answers_503_overloaded_with_retry_after(tmp_path: Path) -> None:
    gate = threading.Event()
    stub = StubChecker(check_gate=gate)
    app = _stub_app(tmp_path, stub, workers=1, queue_size=1)
    files = {"file": ("a.png", _image_bytes("PNG"), "image/png")}
    async with _asgi_client(app) as client:
        running = asyncio.create_task(client.post("/v1/check", files=files))
        assert await asyncio.to_thread(stub.started.acquire, True, 10)  # one running on the worker
        waiting = asyncio.create_task(client.post("/v1/check", files=files))
        while app.state.services.pool.pending < 2:  # and one waiting in the queue
            await asyncio.sleep(0.01)
        refused = await client.post("/v1/check", files=files)
        gate.set()
        served = await asyncio.gather(running, waiting)
    assert (refused.status_code, _error_code(refused)) == (503, "overloaded")
    assert int(refused.headers["Retry-After"]) >= 1
    assert [response.status_code for response in served] == [200, 200]
    assert app.state.services.pool.pending == 0


# --- registries --------------------------------------------------------------------------------------


async def test_issuers_lists_the_registry(tmp_path: Path) -> None:
    registry = Registry(templates=(), issuers=tuple(load_issuer_csv(DEMO_ISSUERS)))
    async with _asgi_client(_stub_app(tmp_path, StubChecker(registry=registry))) as client:
        issuers = (await client.get("/v1/issuers")).json()
    assert len(issuers) == len(registry.issuers) > 0
    first = issuers[0]
    assert first["code"] == "S000044030001"
    assert first["kind"] == "evaluation_org" and first["status"] == "active"
    assert "电工" in first["occupations"] and first["registered_on"] == "2021-03-18"


# --- the contract's error codes, from the real checker ----------------------------------------------


@pytest.fixture(scope="module")
async def real_client(checker: Any) -> AsyncIterator[httpx.AsyncClient]:
    async with _asgi_client(create_app(checker.settings, checker=checker)) as client:
        yield client


def _truncated_jpeg() -> bytes:
    whole = _image_bytes("JPEG", (640, 480))
    return whole[: len(whole) // 2]


UPLOAD_ERRORS = [
    pytest.param(b"", "photo.jpg", 400, "empty_upload", id="empty"),
    pytest.param(b"this is a text file, not a photo\n" * 20, "photo.jpg", 415, "unsupported_media_type", id="text"),
    pytest.param(_truncated_jpeg(), "photo.jpg", 400, "unreadable_image", id="truncated-jpeg"),
    pytest.param(_image_bytes("GIF"), "photo.gif", 415, "unsupported_media_type", id="gif"),
]


@pytest.mark.ocr
@pytest.mark.parametrize(("data", "filename", "status", "code"), UPLOAD_ERRORS)
async def test_bad_upload_answers_contract_error(
    real_client: httpx.AsyncClient, data: bytes, filename: str, status: int, code: str
) -> None:
    response = await real_client.post("/v1/check", files={"file": (filename, data, "image/jpeg")})
    assert (response.status_code, _error_code(response)) == (status, code)


@pytest.mark.ocr
async def test_png_bomb_is_refused_as_too_many_pixels(real_client: httpx.AsyncClient) -> None:
    bomb = _png_bomb()
    assert len(bomb) < 1 * MIB
    started = time.perf_counter()
    response = await real_client.post("/v1/check", files={"file": ("bomb.png", bomb, "image/png")})
    assert (response.status_code, _error_code(response)) == (413, "too_many_pixels")
    assert time.perf_counter() - started < 5, "the pixel count must be refused before decoding"


@pytest.mark.ocr
async def test_unknown_template_id_is_not_found(real_client: httpx.AsyncClient) -> None:
    files = {"file": ("a.png", _image_bytes("PNG", (320, 240)), "image/png")}
    response = await real_client.post("/v1/check", files=files, data={"template_id": "no-such-template"})
    assert (response.status_code, _error_code(response)) == (404, "not_found")


@pytest.mark.ocr
async def test_readyz_reports_the_loaded_engine(real_client: httpx.AsyncClient) -> None:
    ready = (await real_client.get("/readyz")).json()
    assert ready["status"] == "ready"
    assert "CPUExecutionProvider" in ready["ocr"]["providers"]
    assert ready["ocr"]["device"] in {"cpu", "cuda"}


@pytest.mark.ocr
async def test_templates_list_and_detail(real_client: httpx.AsyncClient) -> None:
    listed = {item["id"]: item for item in (await real_client.get("/v1/templates")).json()}
    builtin = listed["hrss-skill-level-2021"]
    assert (builtin["kind"], builtin["title"], builtin["layer"]) == ("skill_level", "职业技能等级证书", "builtin")
    detail = (await real_client.get("/v1/templates/hrss-skill-level-2021")).json()
    assert detail["spec"]["serial"]["pattern"].startswith("^[SY]")
    assert "folder" not in detail and "/" not in json.dumps(detail["spec"].get("reference_image"))
    missing = await real_client.get("/v1/templates/no-such-template")
    assert (missing.status_code, _error_code(missing)) == (404, "not_found")


# --- the cap on a real server: refused while the body is still being sent ------------------------------


def _connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname, parts.port), timeout=10)


def _request_head(url: str, extra: str) -> bytes:
    host = urlsplit(url).netloc
    return (f"POST /v1/check HTTP/1.1\r\nHost: {host}\r\nContent-Type: {MULTIPART_TYPE}\r\n{extra}\r\n").encode()


def _read_response(sock: socket.socket) -> tuple[int, dict[str, Any]]:
    """Status and JSON body of one HTTP/1.1 answer with a Content-Length."""
    raw = b""
    while b"\r\n\r\n" not in raw:
        raw += sock.recv(65536) or pytest.fail(f"connection closed after {raw!r}")
    head, _, body = raw.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?im)^content-length:\s*(\d+)", head).group(1))  # type: ignore[union-attr]
    while len(body) < length:
        body += sock.recv(65536) or pytest.fail("connection closed inside the body")
    return int(head.split(b" ", 2)[1]), json.loads(body[:length])


@pytest.mark.e2e
def test_live_server_refuses_declared_oversize_before_any_body(live_server: Any) -> None:
    with _connect(live_server.url) as sock:
        sock.sendall(_request_head(live_server.url, f"Content-Length: {live_server.max_upload_bytes + 5 * MIB}\r\n"))
        status, body = _read_response(sock)  # not a single body byte was sent
    assert (status, body["error"]["code"]) == (413, "file_too_large")


@pytest.mark.e2e
def test_live_server_refuses_streamed_oversize_and_lingers_until_the_client_is_done(live_server: Any) -> None:
    # Refused at the cap, but answered only once the client stopped sending (or after 4 x the cap, or 10 s):
    # a client that writes its whole body before reading gets the 413, not a connection reset.
    cap = live_server.max_upload_bytes
    total = 3 * cap  # far more than the kernel's socket buffers could hide
    block = bytes(256 * 1024)
    sent = 0
    with _connect(live_server.url) as sock:
        sock.sendall(_request_head(live_server.url, "Transfer-Encoding: chunked\r\n"))
        head = _file_part_head()
        sock.sendall(b"%x\r\n%s\r\n" % (len(head), head))
        while sent < total:
            sock.sendall(b"%x\r\n%s\r\n" % (len(block), block))  # never reset: the server keeps reading
            sent += len(block)
        sock.sendall(b"0\r\n\r\n")
        status, body = _read_response(sock)
    assert (status, body["error"]["code"]) == (413, "file_too_large")


@pytest.mark.e2e
def test_a_client_that_sends_everything_before_reading_gets_the_413(live_server: Any) -> None:
    import http.client

    parts = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    body = _file_part_head() + bytes(3 * live_server.max_upload_bytes) + f"\r\n--{BOUNDARY}--\r\n".encode()
    try:
        # What urllib and requests do: the whole body goes out, then the answer is read.
        connection.request("POST", "/v1/check", body=body, headers={"Content-Type": MULTIPART_TYPE})
        answer = connection.getresponse()
        payload = json.loads(answer.read())
    finally:
        connection.close()
    assert (answer.status, payload["error"]["code"]) == (413, "file_too_large")
    assert answer.getheader("connection") == "close"


# --- keys before bodies, the last-resort 500 --------------------------------------------------------------


@pytest.mark.parametrize(("path", "key", "status", "code"), [
    ("/v1/templates", None, 401, "missing_api_key"),
    ("/v1/templates", "wrong-key", 403, "invalid_api_key"),
    ("/v1/issuers", None, 401, "missing_api_key"),
    ("/v1/issuers", "wrong-key", 403, "invalid_api_key"),
])
async def test_write_endpoints_check_the_key_before_reading_the_body(
    stub_client: httpx.AsyncClient, path: str, key: str | None, status: int, code: str
) -> None:
    # Not multipart at all: had the body been parsed (and spooled) first, the answer would be 4xx invalid_*.
    body = CountingBody(8 * MIB)
    headers = {"Content-Type": MULTIPART_TYPE.replace(BOUNDARY, "no-such-boundary")}
    if key:
        headers["X-API-Key"] = key
    response = await stub_client.post(path, content=body, headers=headers)
    assert (response.status_code, _error_code(response)) == (status, code)
    # Drained (read and thrown away, up to 4 x the route's cap), never parsed.
    from app.bodyguard import LINGER_FACTOR, body_cap

    cap = body_cap("POST", path, Settings())
    assert response.headers["connection"] == "close"
    assert min(8 * MIB, LINGER_FACTOR * cap) <= body.pulled <= min(8 * MIB, LINGER_FACTOR * cap + 2 * body.chunk)


async def test_an_unexpected_error_is_answered_without_raising_to_the_server(tmp_path: Path) -> None:
    # An exception reaching uvicorn makes it reset the keep-alive connection; the app answers it itself.
    app = _stub_app(tmp_path, StubChecker(failure=RuntimeError("secret-internal-detail")))
    async with _asgi_client(app, raise_app_exceptions=True) as client:
        first = await client.post("/v1/check", files={"file": ("a.png", _image_bytes("PNG"), "image/png")})
        second = await client.get("/healthz")
    assert (first.status_code, _error_code(first)) == (500, "internal_error")
    assert "connection" not in first.headers and second.status_code == 200


async def test_no_id_number_is_echoed_by_a_404_or_kept_as_request_id(stub_client: httpx.AsyncClient) -> None:
    response = await stub_client.get("/v1/templates/110101199003077774", headers={"X-Request-ID": "110101199003077774"})
    assert response.status_code == 404
    assert "110101199003077774" not in response.text and "19900307" not in response.text
    assert response.headers["X-Request-ID"] != "110101199003077774"

"""Hostile and broken uploads against a real uvicorn server: each gets its contract error, the server stays up.

tests/app/test_http.py already covers, in process, the error codes of an
empty upload, a text file named .jpg, a truncated JPEG, a GIF and the PNG
bomb, and over the session's live server the oversize body refused before
and while streaming (60 MB offered against the 20 MB cap; it asserts the
server answered before the client finished sending). Here the whole list goes
over the wire to a private server whose working directory, ``HOME`` and
``TMPDIR`` are empty folders: after every case ``/healthz`` must answer, and
after all of them nothing may have been written outside the data dir.

Hostile YAML goes both ways: as a template upload (``POST /v1/templates``
with a valid writer's key) to the server, and straight into the loader that
every template goes through (``templates_registry.loader.safe_load_yaml`` /
``load_template_folder``).
"""

from __future__ import annotations

import io
import json
import struct
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pypdfium2 as pdfium
import pytest
import yaml
from PIL import Image

from app.api.auth import hash_key
from certcheck.errors import RegistryError
from templates_registry.loader import load_template_folder, safe_load_yaml
from tests.app.live import PrivateServer, private_server

pytestmark = [pytest.mark.e2e, pytest.mark.ocr]

MIB = 1024 * 1024
WRITER_KEY = "bad-input-writer-key"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrivateServer]:
    root = tmp_path_factory.mktemp("bad-input")
    writer = f"bad-input-writer:{hash_key(WRITER_KEY)}"
    with private_server(root, rate_limit_per_minute="0", log_format="json", api_keys=writer) as running:
        yield running


@pytest.fixture(scope="module")
def files_before_uploads(server: PrivateServer) -> frozenset[str]:
    """What the ready server had written outside the data dir before any upload.

    ONNX Runtime's native library keeps a device id and a small database
    under ``$HOME/.cache/Microsoft/DeveloperTools/.onnxruntime`` and a session
    id in ``$TMPDIR/.ses`` when it loads the models (measured: these and
    nothing else); that is the library's start-up, not something an upload
    caused.
    """
    return _scratch_files(server)


def _scratch_files(server: PrivateServer) -> frozenset[str]:
    return frozenset(
        str(path.relative_to(server.root))
        for folder in server.scratch_dirs()
        for path in folder.rglob("*")
        if path.is_file()
    )


# --- the files ---------------------------------------------------------------------------------------


def _jpeg(size: tuple[int, int] = (320, 240), *, noise: bool = False) -> bytes:
    """A real JPEG: a smooth grey ramp (OCR finds nothing on it, fast) or noise (large, for truncating)."""
    if noise:
        pixels = np.random.default_rng(5).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    else:
        ramp = np.linspace(180, 240, size[0], dtype=np.uint8)
        pixels = np.repeat(np.tile(ramp, (size[1], 1))[:, :, None], 3, axis=2)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A valid 1-bit PNG of zeros: about 100 KB on the wire, 900 million pixels decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _animated_gif() -> bytes:
    frames = [Image.new("RGB", (200, 120), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buffer.getvalue()


def _pdf(pages: int) -> bytes:
    document = pdfium.PdfDocument.new()
    try:
        for _ in range(pages):
            document.new_page(595, 842)  # A4 in points
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
    finally:
        document.close()


def _gif_html_polyglot() -> bytes:
    """Starts as a GIF and carries a script: a browser sniffing it as HTML would run it."""
    return b"GIF89a/*\x00\x00\x00\x00*/=1;<script>alert(document.cookie)</script>" + bytes(64)


def _jpeg_zip_html_polyglot() -> bytes:
    """A real JPEG with an HTML page and a ZIP archive after its end marker (still a valid JPEG)."""
    tail = b"<html><script>alert(1)</script></html>" + b"PK\x05\x06" + bytes(18)
    return _jpeg((640, 480)) + tail


def _truncated_jpeg() -> bytes:
    whole = _jpeg((640, 480), noise=True)
    return whole[: len(whole) // 2]


# --- the cases ------------------------------------------------------------------------------------------

BAD_UPLOADS = [
    pytest.param(b"", "photo.jpg", 400, "empty_upload", id="empty"),
    pytest.param(b"Dear applicant, your certificate...\n" * 40, "photo.jpg", 415, "unsupported_media_type", id="text"),
    pytest.param(_truncated_jpeg(), "photo.jpg", 400, "unreadable_image", id="truncated-jpeg"),
    pytest.param(_png_bomb(), "bomb.png", 413, "too_many_pixels", id="png-bomb-30000x30000"),
    pytest.param(_animated_gif(), "moving.gif", 415, "unsupported_media_type", id="animated-gif"),
    pytest.param(_pdf(500), "scan.pdf", 400, "unreadable_image", id="pdf-500-pages"),
    pytest.param(_gif_html_polyglot(), "photo.jpg", 415, "unsupported_media_type", id="gif-html-polyglot"),
]


def _post(server: PrivateServer, data: bytes, filename: str, **fields: str) -> httpx.Response:
    with httpx.Client(base_url=server.url, timeout=120) as client:
        return client.post("/v1/check", files={"file": (filename, data, "image/jpeg")}, data=fields)


def _assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert body["error"]["message"] and body["error"]["message_en"]
    assert response.headers["X-Request-ID"]


def _assert_alive(server: PrivateServer) -> None:
    assert server.process.poll() is None, "the server died"
    with httpx.Client(base_url=server.url, timeout=10) as client:
        assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(("data", "filename", "status", "code"), BAD_UPLOADS)
def test_bad_upload_gets_its_contract_error_and_the_server_stays_up(
    server: PrivateServer, files_before_uploads: frozenset[str], data: bytes, filename: str, status: int, code: str
) -> None:
    started = time.perf_counter()
    _assert_error(_post(server, data, filename), status, code)
    # Refusals come from the headers and first bytes (type, declared size, page count), not from decoding.
    assert time.perf_counter() - started < 10
    _assert_alive(server)


def test_jpeg_polyglot_is_checked_as_the_jpeg_it_is(server: PrivateServer) -> None:
    answer = _post(server, _jpeg_zip_html_polyglot(), "<script>x</script>.jpg")
    assert answer.status_code == 200, answer.text[:500]
    assert answer.headers["content-type"] == "application/json"
    report = answer.json()
    assert report["risk_level"] in {"low", "medium", "high", "unknown"}
    assert "<script>" not in str(report["ocr"])
    _assert_alive(server)


@pytest.mark.parametrize("template_id", ["../../../etc/passwd", "..", "../builtin/hrss-skill-level-2021", "a/../b"])
def test_template_id_with_dot_dot_is_not_found(server: PrivateServer, template_id: str) -> None:
    _assert_error(_post(server, _jpeg(), "photo.jpg", template_id=template_id), 404, "not_found")
    with httpx.Client(base_url=server.url, timeout=30) as client:
        encoded = template_id.replace("/", "%2F")
        _assert_error(client.get(f"/v1/templates/{encoded}"), 404, "not_found")
    _assert_alive(server)


def test_raw_dot_dot_paths_never_leave_the_api(server: PrivateServer) -> None:
    # Sent byte for byte (httpx would normalise "../"): the server must answer from its routes only.
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(server.url)
    for path in ("/v1/templates/../../../../etc/passwd", "/static/../../../etc/passwd", "/..%2f..%2fetc%2fpasswd"):
        with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode())
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.split(b" ")[1] == b"404", (path, head)
        assert b"root:" not in body
    _assert_alive(server)


def test_nothing_was_written_outside_the_data_dir(server: PrivateServer, files_before_uploads: frozenset[str]) -> None:
    # Runs after the cases above (pytest keeps file order): every upload was held in memory only.
    _post(server, _jpeg(), "last.jpg")
    written = sorted(_scratch_files(server) - files_before_uploads)
    assert written == [], f"the server wrote {written} outside its data dir"
    assert all(".onnxruntime/" in name or name == "tmp/.ses" for name in files_before_uploads), files_before_uploads
    _assert_alive(server)


def test_server_log_is_json_with_the_request_id_on_every_request_line(server: PrivateServer) -> None:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        client.post("/v1/check", files={"file": ("x.jpg", b"", "image/jpeg")}, headers={"X-Request-ID": "trace-77"})
    entries = [json.loads(line) for line in server.log_text().splitlines() if line.strip()]
    assert entries and all({"time", "level", "logger", "message", "request_id"} <= set(entry) for entry in entries)
    access = [entry for entry in entries if "http" in entry]
    assert len(access) >= len(BAD_UPLOADS), "one access line per request"
    assert all(entry["request_id"] for entry in access)
    traced = [entry for entry in entries if entry["request_id"] == "trace-77"]
    assert {entry["logger"] for entry in traced} >= {"app.errors", "app.middleware"}
    assert any(entry["http"]["status"] == 400 for entry in traced if "http" in entry)


# --- hostile YAML in a template upload (the loader a template upload goes through) ------------------------

HOSTILE_YAML = [
    pytest.param("id: x\nname: !!python/object/apply:os.system ['touch /tmp/pwned']\n", id="python-object-apply"),
    pytest.param("!!python/object/new:subprocess.Popen [['id']]\n", id="python-object-new"),
    pytest.param("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n", id="billion-laughs-aliases"),
    pytest.param("id: !!python/name:os.system\n", id="python-name"),
]


def _reference_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), "white").save(buffer, "PNG")
    return buffer.getvalue()


ESCAPING_SPECS = [
    pytest.param(
        "id: ../../escaped\nname: x\nkind: training\ntitle: 培训证书\nreference_image: reference.png\n", id="id-dot-dot"
    ),
    pytest.param(
        "id: ok-id\nname: x\nkind: training\ntitle: 培训证书\nreference_image: ../../../etc/passwd\n",
        id="reference-dot-dot",
    ),
]


@pytest.mark.parametrize("text", HOSTILE_YAML + ESCAPING_SPECS)
def test_hostile_template_upload_is_refused_and_writes_nothing(server: PrivateServer, text: str) -> None:
    before = sorted(path for path in server.root.rglob("*") if "home/.cache" not in str(path))
    files = {
        "spec": ("template.yaml", text.encode(), "application/yaml"),
        "reference": ("reference.png", _reference_png(), "image/png"),
    }
    with httpx.Client(base_url=server.url, timeout=60) as client:
        answer = client.post("/v1/templates", files=files, headers={"X-API-Key": WRITER_KEY})
        listed = {item["id"] for item in client.get("/v1/templates").json()}
    _assert_error(answer, 422, "invalid_registry")
    assert "escaped" not in listed and "ok-id" not in listed
    after = sorted(path for path in server.root.rglob("*") if "home/.cache" not in str(path))
    new = [path for path in after if path not in before and path != server.log_path]
    # Inside the data dir the registry may create its lock file and its (empty) templates folder; no template.
    assert [path for path in new if server.data_dir not in path.parents] == []
    assert [path for path in new if path.is_file() and path.name != ".registry.lock"] == []
    assert not Path("/tmp/pwned").exists()
    _assert_alive(server)


@pytest.mark.parametrize("text", HOSTILE_YAML)
def test_hostile_yaml_builds_no_object(text: str, tmp_path: Path) -> None:
    with pytest.raises(yaml.YAMLError):
        safe_load_yaml(text)
    folder = tmp_path / "upload"
    folder.mkdir()
    (folder / "template.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError):
        load_template_folder(folder)
    assert not Path("/tmp/pwned").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", "../../evil"),
        ("id", "a/../../b"),
        ("reference_image", "../../../etc/passwd"),
        ("reference_image", "/etc/passwd"),
    ],
)
def test_template_spec_paths_cannot_escape_the_folder(tmp_path: Path, field: str, value: str) -> None:
    spec: dict[str, Any] = {
        "id": "ok-template",
        "name": "样式",
        "kind": "training",
        "title": "培训证书",
        "reference_image": "reference.png",
    }
    spec[field] = value
    folder = tmp_path / "upload"
    folder.mkdir()
    Image.new("RGB", (40, 30), "white").save(folder / "reference.png")
    (folder / "template.yaml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RegistryError):
        load_template_folder(folder)

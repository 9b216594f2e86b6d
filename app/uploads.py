"""Reads the ``/v1/check`` multipart body from the request stream, refusing oversize files early.

Starlette's ``request.form()`` spools the whole body before the endpoint sees
it, so a 60 MB upload would be read (and written to a temporary file) only to
be refused. Here the body is fed chunk by chunk to python-multipart's
streaming parser and the file part is kept in memory up to
``settings.max_upload_bytes``: a declared ``Content-Length`` over the limit is
refused before any body byte is read, and an undeclared (chunked) body is
refused as soon as the file part, or the body as a whole, passes the limit.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import PureWindowsPath
from typing import TYPE_CHECKING

from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import parse_options_header
from starlette.datastructures import Headers

from certcheck.errors import FileTooLarge, RequestError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

__all__ = ["FILE_FIELD", "CheckUpload", "read_check_upload"]

FILE_FIELD = "file"
_TEXT_FIELDS = frozenset({"template_id", "annotate"})
#: Room for boundaries, part headers and the small text fields on top of the file itself.
_BODY_OVERHEAD = 64 * 1024
#: Longest accepted text field value; template ids and booleans are short.
_MAX_TEXT_FIELD = 1024
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})


@dataclass(frozen=True)
class CheckUpload:
    """The parsed ``/v1/check`` form: the file's bytes and the optional fields."""

    data: bytes
    filename: str
    template_id: str | None
    annotate: bool


async def read_check_upload(headers: Headers, body: AsyncIterator[bytes], max_bytes: int) -> CheckUpload:
    """Parse a ``multipart/form-data`` body with a ``file`` part of at most ``max_bytes``.

    Raises:
        FileTooLarge: the declared length, the body or the file part passes the limit.
        RequestError: not multipart, malformed or incomplete, a missing ``file``
            part, or a bad ``annotate`` / ``template_id`` value.
    """
    boundary = _boundary(headers)
    body_limit = max_bytes + _BODY_OVERHEAD
    _refuse_declared_length(headers, body_limit, max_bytes)
    form = _FormCollector(max_bytes)
    parser = MultipartParser(boundary, form.callbacks())
    received = 0
    try:
        async for chunk in body:
            received += len(chunk)
            if received > body_limit:
                raise _too_large(max_bytes)
            parser.write(chunk)
    except MultipartParseError as exc:
        raise RequestError("上传内容不是有效的 multipart 表单。", "The multipart body is malformed.") from exc
    return form.result()


class _FormCollector:
    """python-multipart callbacks that keep the ``file`` part's bytes and the known text fields."""

    def __init__(self, max_file_bytes: int) -> None:
        self._max_file_bytes = max_file_bytes
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._disposition = b""
        self._name = ""
        self._filename: str | None = None
        self._buffer: bytearray | None = None
        self._files: list[tuple[str, bytes]] = []
        self._fields: dict[str, str] = {}
        self._complete = False

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._on_part_begin,
            "on_header_field": lambda data, start, end: self._header_name.extend(data[start:end]),
            "on_header_value": lambda data, start, end: self._header_value.extend(data[start:end]),
            "on_header_end": self._on_header_end,
            "on_headers_finished": self._on_headers_finished,
            "on_part_data": self._on_part_data,
            "on_part_end": self._on_part_end,
            "on_end": self._on_end,
        }

    def result(self) -> CheckUpload:
        if not self._complete:
            raise RequestError("上传内容不完整（multipart 表单没有结束）。", "The multipart body ended early.")
        if not self._files:
            raise RequestError("缺少表单字段 file（证书图片）。", "Missing form field 'file' (the certificate image).")
        if len(self._files) > 1:
            raise RequestError("表单字段 file 只能有一个。", "Only one 'file' field is allowed.")
        filename, data = self._files[0]
        return CheckUpload(
            data=data,
            filename=filename,
            template_id=self._fields.get("template_id", "").strip() or None,
            annotate=_parse_bool("annotate", self._fields.get("annotate", "")),
        )

    def _on_part_begin(self) -> None:
        self._disposition = b""
        self._name = ""
        self._filename = None
        self._buffer = None

    def _on_header_end(self) -> None:
        if bytes(self._header_name).strip().lower() == b"content-disposition":
            self._disposition = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def _on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        if b"name" not in options:
            raise RequestError("表单的某一部分缺少 name。", "A form part has no name.")
        self._name = options[b"name"].decode("utf-8", "replace")
        raw_filename = options.get(b"filename")
        self._filename = _safe_filename(raw_filename.decode("utf-8", "replace")) if raw_filename else None
        if self._name == FILE_FIELD or self._name in _TEXT_FIELDS:
            self._buffer = bytearray()

    def _on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._buffer is None:
            return
        self._buffer.extend(data[start:end])
        if self._name == FILE_FIELD and len(self._buffer) > self._max_file_bytes:
            raise _too_large(self._max_file_bytes)
        if self._name != FILE_FIELD and len(self._buffer) > _MAX_TEXT_FIELD:
            raise RequestError(f"表单字段 {self._name} 太长。", f"Form field '{self._name}' is too long.")

    def _on_part_end(self) -> None:
        if self._buffer is None:
            return
        if self._name == FILE_FIELD:
            self._files.append((self._filename or "upload", bytes(self._buffer)))
        else:
            self._fields[self._name] = self._buffer.decode("utf-8", "replace")
        self._buffer = None

    def _on_end(self) -> None:
        self._complete = True


def _boundary(headers: Headers) -> bytes:
    media_type, options = parse_options_header(headers.get("content-type"))
    if media_type != b"multipart/form-data" or not options.get(b"boundary"):
        raise RequestError(
            "请以 multipart/form-data 表单上传，字段 file 为证书图片。",
            "Send multipart/form-data with the image in the 'file' field.",
        )
    return options[b"boundary"]


def _refuse_declared_length(headers: Headers, body_limit: int, max_bytes: int) -> None:
    declared = headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > body_limit:
        raise _too_large(max_bytes)


def _safe_filename(raw: str) -> str:
    """The last path component of a client-side name (browsers may send ``C:\\fakepath\\x.jpg``)."""
    name = PureWindowsPath(raw).name.strip()
    return name[:255] or "upload"


def _parse_bool(field: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise RequestError(f"表单字段 {field} 应为 true 或 false。", f"Form field '{field}' must be true or false.")


def _too_large(max_bytes: int) -> FileTooLarge:
    limit_mb = f"{max_bytes / (1024 * 1024):g}"
    return FileTooLarge(f"文件超过 {limit_mb} MB 上限，请压缩后再上传。", f"The file exceeds the {limit_mb} MB limit.")

"""The hostile-input corpus: uploads an attacker or a careless client sends, each with the answer it must get.

Every case is built in memory from a few lines of code (nothing is stored in
the repository) and small: the largest is a few hundred kilobytes on the wire,
however many pixels it declares. ``expect`` is what the contract says the
answer is: an HTTP status and error code, or ``report`` (200 and a Report)
with, where it matters, the evidence code that must be in it.
``bench/hostile.py`` runs the corpus in one process and measures peak RSS;
``tests/hostile/test_hostile.py`` runs it through the pipeline and over HTTP.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pypdfium2 as pdfium
from PIL import Image

__all__ = ["CASES", "HostileCase", "png_solid", "png_text_strip"]


@dataclass(frozen=True)
class HostileCase:
    """One hostile upload and the answer it must get."""

    name: str
    build: Callable[[], bytes]
    filename: str
    #: ``"report"`` (200) or ``"<status> <code>"`` of the contract's error table.
    expect: str
    #: An evidence code the report must carry (``expect == "report"`` only).
    evidence: str | None = None


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_solid(width: int, height: int, *, gray: int = 255, depth: int = 8, colour_type: int = 0) -> bytes:
    """A valid PNG of one value, streamed row by row: a few KB for millions of pixels.

    ``colour_type`` 0 is gray, 6 RGBA (each channel ``gray``; alpha half); ``depth`` 8 or 16.
    """
    compressor = zlib.compressobj(9)
    channels = {0: 1, 6: 4}[colour_type]
    sample = bytes([gray] * (depth // 8))
    pixel = sample * channels if colour_type == 0 else sample * 3 + bytes([128] * (depth // 8))
    row = b"\x00" + pixel * width
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def png_text_strip(width: int, height: int) -> bytes:
    """A white strip with dark bars like a printed line of text along it (something for OCR to find)."""
    pixels = np.full((height, width), 255, np.uint8)
    long_axis, short = max(width, height), min(width, height)
    bar = max(2, short // 2)
    for start in range(short // 4, long_axis - bar, bar * 2):
        if width >= height:
            pixels[short // 4 : short // 4 + bar, start : start + bar] = 20
        else:
            pixels[start : start + bar, short // 4 : short // 4 + bar] = 20
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _pdf_page(width_pt: float, height_pt: float) -> bytes:
    document = pdfium.PdfDocument.new()
    try:
        document.new_page(width_pt, height_pt)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()
    finally:
        document.close()


def _jpeg_noise(width: int, height: int) -> bytes:
    pixels = np.random.default_rng(7).integers(0, 256, (height, width, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def _tiny(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def _tiff_zero_strip() -> bytes:
    """A TIFF header that declares 1 x 60000 pixels and carries none."""
    buffer = io.BytesIO()
    Image.new("L", (1, 600), 255).save(buffer, "TIFF")
    data = bytearray(buffer.getvalue())
    return bytes(data[: len(data) // 2])


_REPORT_QUALITY = ("report", "IMAGE_QUALITY")

CASES: tuple[HostileCase, ...] = (
    HostileCase("tall-png-20x20000", lambda: png_solid(20, 20_000), "tall.png", *_REPORT_QUALITY),
    HostileCase("wide-png-20000x20", lambda: png_solid(20_000, 20), "wide.png", *_REPORT_QUALITY),
    HostileCase("wide-png-50000x1000", lambda: png_solid(50_000, 1000), "wide.png", *_REPORT_QUALITY),
    HostileCase("one-pixel-line-1x40000", lambda: png_solid(1, 40_000, gray=0), "line.png", *_REPORT_QUALITY),
    HostileCase("strip-20-to-1-text", lambda: png_text_strip(4000, 200), "strip.png", "report"),
    HostileCase("strip-1-to-20-text", lambda: png_text_strip(200, 4000), "strip.png", "report"),
    HostileCase("strip-40-to-1-text", lambda: png_text_strip(8000, 200), "strip.png", *_REPORT_QUALITY),
    HostileCase("pdf-extreme-aspect", lambda: _pdf_page(14_400, 10), "long.pdf", *_REPORT_QUALITY),
    HostileCase("pdf-tall-aspect", lambda: _pdf_page(8, 14_400), "tall.pdf", *_REPORT_QUALITY),
    HostileCase("png-1x1", lambda: _tiny(1, 1), "dot.png", *_REPORT_QUALITY),
    HostileCase("png-7x3", lambda: _tiny(7, 3), "dot.png", *_REPORT_QUALITY),
    HostileCase("max-pixels-gray-7071x7071", lambda: png_solid(7071, 7071, gray=200), "big.png", "report"),
    HostileCase("max-pixels-aspect-20", lambda: png_solid(31_600, 1580, gray=230), "long.png", "report"),
    HostileCase("max-pixels-16-bit-gray", lambda: png_solid(7071, 7071, gray=180, depth=16), "deep.png", "report"),
    HostileCase("max-pixels-rgba", lambda: png_solid(7071, 7071, gray=200, colour_type=6), "alpha.png", "report"),
    HostileCase("max-pixels-rgba-16-bit", lambda: png_solid(7071, 7071, gray=90, depth=16, colour_type=6),
                "alpha.png", "report"),
    HostileCase("over-pixel-cap", lambda: png_solid(8000, 7000), "big.png", "413 too_many_pixels"),
    HostileCase("noise-jpeg-2000", lambda: _jpeg_noise(2000, 1500), "noise.jpg", "report"),
    HostileCase("truncated-tiff", _tiff_zero_strip, "cut.tif", "400 unreadable_image"),
)


@cache
def built(name: str) -> bytes:
    """The bytes of one case, built once per process."""
    return next(case for case in CASES if case.name == name).build()

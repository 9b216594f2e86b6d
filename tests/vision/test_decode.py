"""Tests of ``vision/decode.py``: type sniffing, caps, error paths and pixel-mode conversion."""

from __future__ import annotations

import io
import struct
import time
import zlib

import cv2
import numpy as np
import pillow_heif
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageCms

from certcheck.errors import EmptyUpload, FileTooLarge, TooManyPixels, UnreadableImage, UnsupportedMediaType
from vision.decode import PDF_LONG_SIDE, decode_image, sniff_media_type

LIMITS = {"max_pixels": 50_000_000, "max_bytes": 20 * 1024 * 1024, "max_pdf_pages": 5}


def _decode(data: bytes, name: str = "upload", **overrides: int) -> np.ndarray:
    return decode_image(data, name, **{**LIMITS, **overrides}).pixels


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def _quadrants() -> Image.Image:
    """120 x 80 RGB: red, green / blue, white quadrants (RGB order)."""
    image = Image.new("RGB", (120, 80), (255, 255, 255))
    image.paste((255, 0, 0), (0, 0, 60, 40))
    image.paste((0, 255, 0), (60, 0, 120, 40))
    image.paste((0, 0, 255), (0, 40, 60, 80))
    return image


def _heic(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(image).save(buffer, quality=95)
    return buffer.getvalue()


def _tiff_big_endian(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "TIFF", byteorder="big")
    return buffer.getvalue()


ENCODERS = {
    "image/jpeg": lambda im: _encode(im, "JPEG", quality=95),
    "image/png": lambda im: _encode(im, "PNG"),
    "image/webp": lambda im: _encode(im, "WEBP", lossless=True),
    "image/bmp": lambda im: _encode(im, "BMP"),
    "image/tiff": lambda im: _encode(im, "TIFF"),
    "image/tiff;big-endian": _tiff_big_endian,
    "image/heic": _heic,
}


@pytest.mark.parametrize("kind", sorted(ENCODERS))
def test_decode_round_trip_every_format_as_bgr(kind: str) -> None:
    data = ENCODERS[kind](_quadrants())
    decoded = decode_image(data, "photo.bin", **LIMITS)
    assert decoded.media_type == kind.split(";")[0]
    assert decoded.pixels.shape == (80, 120, 3) and decoded.pixels.dtype == np.uint8
    assert decoded.pixels.flags.c_contiguous
    tolerance = 40 if kind in ("image/jpeg", "image/heic") else 0
    for (y, x), bgr in {(20, 30): (0, 0, 255), (20, 90): (0, 255, 0), (60, 30): (255, 0, 0)}.items():
        np.testing.assert_allclose(decoded.pixels[y, x], bgr, atol=tolerance)
    assert decoded.source_name == "photo.bin"
    assert decoded.elapsed_ms >= 0.0


def test_decode_type_comes_from_bytes_not_name() -> None:
    data = _encode(_quadrants(), "PNG")
    assert decode_image(data, "certificate.pdf", **LIMITS).media_type == "image/png"


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"RIFF\x10\x00\x00\x00WEBPVP8L", "image/webp"),
        (b"BM" + bytes(12) + struct.pack("<I", 40), "image/bmp"),
        (b"BM is how this text starts", None),
        (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "image/heic"),
        (b"\x00\x00\x00\x14ftypmif1\x00\x00\x00\x00mif1", "image/heif"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "image/avif"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", None),
        (b"%PDF-1.7\n", "application/pdf"),
        (b"\xef\xbb\xbf\n%PDF-1.4\n", "application/pdf"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        ("证书照片".encode(), None),
        (b"", None),
    ],
)
def test_sniff_media_type(head: bytes, expected: str | None) -> None:
    assert sniff_media_type(head) == expected


def test_decode_empty_upload() -> None:
    with pytest.raises(EmptyUpload) as raised:
        _decode(b"")
    assert raised.value.code == "empty_upload"


def test_decode_file_too_large_before_anything_else() -> None:
    with pytest.raises(FileTooLarge) as raised:
        _decode(b"\x00" * 2048, max_bytes=1024)
    assert raised.value.http_status == 413
    assert "2048" in raised.value.message_en


def test_decode_text_file_named_jpg_is_unsupported() -> None:
    with pytest.raises(UnsupportedMediaType) as raised:
        _decode("这不是图片，只是一段文字。".encode(), "certificate.jpg")
    assert raised.value.http_status == 415


def test_decode_animated_gif_is_unsupported() -> None:
    frames = [Image.new("P", (16, 16), i) for i in range(3)]
    data = _encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    with pytest.raises(UnsupportedMediaType) as raised:
        _decode(data, "animated.jpg")
    assert "GIF" in raised.value.message


def test_decode_avif_is_unsupported() -> None:
    with pytest.raises(UnsupportedMediaType, match="AVIF"):
        _decode(b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + bytes(64))


@pytest.mark.parametrize("kind", ["image/jpeg", "image/png", "image/webp", "image/heic"])
def test_decode_truncated_data_is_unreadable(kind: str) -> None:
    noise = Image.fromarray((np.random.default_rng(0).random((64, 64, 3)) * 255).astype(np.uint8))
    data = ENCODERS[kind](noise)
    with pytest.raises(UnreadableImage) as raised:
        _decode(data[: len(data) * 2 // 3])
    assert raised.value.code == "unreadable_image"


def test_decode_corrupt_header_is_unreadable() -> None:
    with pytest.raises(UnreadableImage):
        _decode(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)


def _png_bomb(width: int, height: int) -> bytes:
    """A valid 1-bit PNG of zeros, compressed while streaming (~110 kB for 30000 x 30000)."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    rows = bytes(1 + (width + 7) // 8) * 1000
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(rows) for _ in range(height // 1000)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_decode_png_bomb_refused_before_decoding() -> None:
    bomb = _png_bomb(30_000, 30_000)
    assert len(bomb) < 200_000
    started = time.perf_counter()
    with pytest.raises(TooManyPixels) as raised:
        _decode(bomb)
    # Decoding 900 million pixels would take seconds and ~1 GB; the header check takes microseconds.
    assert time.perf_counter() - started < 0.5
    assert raised.value.http_status == 413


def test_decode_pixel_cap_from_header_below_pillow_limit() -> None:
    # Only the header matters: the IDAT is cut short, so decoding would fail differently.
    header_only = _png_bomb(8_000, 7_000)[:200]
    with pytest.raises(TooManyPixels) as raised:
        _decode(header_only)
    assert "8000x7000" in raised.value.message_en


def test_decode_pixel_cap_uses_setting() -> None:
    data = _encode(_quadrants(), "PNG")
    with pytest.raises(TooManyPixels):
        _decode(data, max_pixels=120 * 80 - 1)
    assert _decode(data, max_pixels=120 * 80).shape == (80, 120, 3)


def test_decode_16_bit_png_scales_to_8_bit() -> None:
    ramp = np.tile(np.linspace(0, 65535, 256).astype(np.uint16), (4, 1))
    data = _encode(Image.fromarray(ramp), "PNG")
    pixels = _decode(data)
    assert pixels.shape == (4, 256, 3)
    assert pixels[0, 0].tolist() == [0, 0, 0]
    assert pixels[0, 255].tolist() == [255, 255, 255]
    assert abs(int(pixels[0, 128, 0]) - 128) <= 1


def test_decode_16_bit_rgb_png() -> None:
    rgb16 = np.zeros((8, 8, 3), np.uint16)
    rgb16[..., 2] = 65535  # red in OpenCV's BGR order
    ok, png = cv2.imencode(".png", rgb16)
    assert ok
    assert _decode(png.tobytes())[0, 0].tolist() == [0, 0, 255]


def test_decode_cmyk_jpeg() -> None:
    cmyk = Image.new("RGB", (32, 32), (200, 30, 40)).convert("CMYK")
    pixels = _decode(_encode(cmyk, "JPEG", quality=95))
    np.testing.assert_allclose(pixels[16, 16], (40, 30, 200), atol=8)


def test_decode_cmyk_jpeg_with_unusable_icc_profile_falls_back(caplog: pytest.LogCaptureFixture) -> None:
    cmyk = Image.new("RGB", (32, 32), (200, 30, 40)).convert("CMYK")
    # An sRGB profile on CMYK data cannot be used: the profile's colour space must match.
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    pixels = _decode(_encode(cmyk, "JPEG", quality=95, icc_profile=profile))
    np.testing.assert_allclose(pixels[16, 16], (40, 30, 200), atol=8)
    assert "colour profile" in caplog.text


def test_decode_palette_png_with_transparency_on_white() -> None:
    palette = Image.new("P", (20, 10), 0)
    palette.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    palette.paste(1, (0, 0, 10, 10))
    pixels = _decode(_encode(palette, "PNG", transparency=0))
    assert pixels[5, 5].tolist() == [0, 0, 255]  # opaque red
    assert pixels[5, 15].tolist() == [255, 255, 255]  # transparent black -> white paper


def test_decode_rgba_and_la_composite_on_white() -> None:
    rgba = Image.new("RGBA", (10, 10), (0, 0, 255, 0))
    rgba.paste((0, 0, 255, 255), (0, 0, 5, 10))
    pixels = _decode(_encode(rgba, "PNG"))
    assert pixels[5, 2].tolist() == [255, 0, 0] and pixels[5, 7].tolist() == [255, 255, 255]
    half = _decode(_encode(Image.new("LA", (4, 4), (0, 128)), "PNG"))
    assert abs(int(half[0, 0, 0]) - 127) <= 1


def test_decode_one_bit_and_gray() -> None:
    one = Image.new("1", (8, 8), 1)
    one.paste(0, (0, 0, 4, 8))
    pixels = _decode(_encode(one, "PNG"))
    assert pixels[0, 0].tolist() == [0, 0, 0] and pixels[0, 7].tolist() == [255, 255, 255]
    assert _decode(_encode(Image.new("L", (4, 4), 77), "PNG"))[0, 0].tolist() == [77, 77, 77]


def test_decode_applies_exif_orientation() -> None:
    # Stored 40 wide x 20 tall with red on the left; orientation 6 shows it turned clockwise.
    stored = Image.new("RGB", (40, 20), (255, 255, 255))
    stored.paste((255, 0, 0), (0, 0, 10, 20))
    exif = Image.Exif()
    exif[0x0112] = 6
    pixels = _decode(_encode(stored, "JPEG", quality=95, exif=exif.tobytes()))
    assert pixels.shape == (40, 20, 3)
    np.testing.assert_allclose(pixels[3, 10], (0, 0, 255), atol=30)  # red now on top
    np.testing.assert_allclose(pixels[36, 10], (255, 255, 255), atol=30)


def _pdf(pages: int, size: tuple[float, float] = (595.0, 842.0)) -> bytes:
    """A PDF whose first page is red and the others blue (drawn as images)."""
    images = [Image.new("RGB", (60, 85), (255, 0, 0))] + [Image.new("RGB", (60, 85), (0, 0, 255))] * (pages - 1)
    buffer = io.BytesIO()
    dpi = 60 / (size[0] / 72.0)
    images[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def test_decode_pdf_renders_first_page_only() -> None:
    decoded = decode_image(_pdf(3), "certificate.pdf", **LIMITS)
    assert decoded.media_type == "application/pdf"
    assert max(decoded.pixels.shape[:2]) == PDF_LONG_SIDE
    h, w = decoded.pixels.shape[:2]
    np.testing.assert_allclose(decoded.pixels[h // 2, w // 2], (0, 0, 255), atol=10)


def test_decode_pdf_resolution_capped_by_max_pixels() -> None:
    pixels = _decode(_pdf(1), max_pixels=1_000_000)
    assert pixels.shape[0] * pixels.shape[1] <= 1_000_000
    assert max(pixels.shape[:2]) > 1000


def test_decode_pdf_with_too_many_pages_refused_unread() -> None:
    document = pdfium.PdfDocument.new()
    for _ in range(40):
        document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    with pytest.raises(UnreadableImage) as raised:
        _decode(buffer.getvalue(), max_pdf_pages=5)
    assert "40" in raised.value.message and "5" in raised.value.message


def test_decode_pdf_page_rotation_applied() -> None:
    document = pdfium.PdfDocument.new()
    document.new_page(595, 842).set_rotation(90)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    h, w = _decode(buffer.getvalue()).shape[:2]
    assert w > h


@pytest.mark.parametrize("data", [b"%PDF-1.4\nnot really a pdf", _pdf(2)[:300]])
def test_decode_corrupt_pdf_is_unreadable(data: bytes) -> None:
    with pytest.raises(UnreadableImage):
        _decode(data)

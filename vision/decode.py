"""Upload bytes -> :class:`~certcheck.types.DecodedImage` (upload space).

The type is decided by the bytes alone (:func:`sniff_media_type`); the file
name is display text and is never trusted. Every cap is enforced before the
expensive step it protects:

1. zero bytes -> :class:`~certcheck.errors.EmptyUpload`; more than
   ``max_bytes`` -> :class:`~certcheck.errors.FileTooLarge`;
2. unknown bytes, GIF (animated or not) and AVIF ->
   :class:`~certcheck.errors.UnsupportedMediaType`;
3. the pixel count is read from the header (Pillow's lazy ``open`` parses the
   header only) and refused with :class:`~certcheck.errors.TooManyPixels`
   before any pixel is decoded, so a 30000 x 30000 "PNG bomb" costs
   microseconds and no memory. Pillow's own process-wide guard
   (``Image.MAX_IMAGE_PIXELS``) is left untouched, because other modules share
   it; when it fires first (``DecompressionBombError``, or its warning turned
   into an error) it is reported as ``TooManyPixels`` too;
4. the pixels are decoded with ``.load()``; truncated or corrupt data raises
   :class:`~certcheck.errors.UnreadableImage`. This relies on Pillow's default
   ``ImageFile.LOAD_TRUNCATED_IMAGES = False``, which certcheck never changes;
5. the EXIF orientation is applied, so upload space is the image as a person
   sees it, and every mode (palette, alpha, 16-bit, CMYK, 1-bit...) becomes a
   3-channel uint8 BGR array (OpenCV order). Transparent pixels are composited
   onto white paper.

PDF: only page 1 is rendered, with pdfium, at a scale giving a
:data:`PDF_LONG_SIDE` pixel long side (about 290 dpi for A4), lowered when the
page would exceed ``max_pixels`` (a PDF is vector data: rendering it smaller is
always possible, so it never raises ``TooManyPixels``). A PDF with more than
``max_pdf_pages`` pages is refused unread with ``UnreadableImage`` and a message
naming the page count: a certificate is one page, and a long document is
almost surely the wrong file (a 400 "cannot check this file" rather than a 413,
which would tell the user to compress it).
"""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Callable
from functools import cache

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from certcheck.errors import EmptyUpload, FileTooLarge, TooManyPixels, UnreadableImage, UnsupportedMediaType
from certcheck.types import DecodedImage

__all__ = ["PDF_LONG_SIDE", "SUPPORTED_MEDIA_TYPES", "decode_image", "sniff_media_type"]

log = logging.getLogger("certcheck.vision")

#: Long side, in pixels, a PDF page is rendered at (before the ``max_pixels`` cap).
PDF_LONG_SIDE = 2400

#: Media type -> the Pillow format names allowed to open it (``None``: not Pillow).
_PIL_FORMATS: dict[str, tuple[str, ...] | None] = {
    "image/jpeg": ("JPEG",),  # Pillow turns multi-picture JPEGs into MPO itself
    "image/png": ("PNG",),
    "image/webp": ("WEBP",),
    "image/bmp": ("BMP",),
    "image/tiff": ("TIFF",),
    "image/heic": ("HEIF",),
    "image/heif": ("HEIF",),
    "application/pdf": None,
}
SUPPORTED_MEDIA_TYPES: frozenset[str] = frozenset(_PIL_FORMATS)

# ISO-BMFF ``ftyp`` brands. HEVC-coded brands are HEIC; the generic MIAF/HEIF
# brands are HEIF unless an ``avif`` brand says the payload is AV1.
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"miaf"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
# BMP info-header sizes (BITMAPCOREHEADER ... BITMAPV5HEADER); "BM" alone is too weak a magic.
_BMP_DIB_SIZES = frozenset({12, 16, 40, 52, 56, 64, 108, 124})
# Acrobat accepts "%PDF-" anywhere in the first 1024 bytes (PDF 1.7 implementation note 13).
_PDF_HEADER_WINDOW = 1024

# pdfium is not thread-safe; the service decodes in worker threads.
_PDFIUM_LOCK = threading.Lock()


def sniff_media_type(data: bytes) -> str | None:
    """Recognise an image or PDF by its magic bytes, never by its name.

    Returns types that :func:`decode_image` refuses too (``image/gif``,
    ``image/avif``) so the caller can name them in an error.

    Args:
        data: the start of the file (32 bytes suffice, except for PDF
            headers preceded by junk, which need up to 1 KiB).

    Returns:
        The media type, or ``None`` when the bytes are no known image type.

    >>> sniff_media_type(b"\\x89PNG\\r\\n\\x1a\\n" + bytes(8))
    'image/png'
    >>> sniff_media_type(b"RIFF\\x00\\x00\\x00\\x00WEBPVP8 ")
    'image/webp'
    >>> sniff_media_type(b"\\x00\\x00\\x00\\x18ftypheic\\x00\\x00\\x00\\x00mif1heic")
    'image/heic'
    >>> sniff_media_type(b"GIF89a...") , sniff_media_type("证书.jpg".encode())
    ('image/gif', None)
    """
    for sniffer in _SNIFFERS:
        media_type = sniffer(data)
        if media_type is not None:
            return media_type
    return None


def _sniff_simple(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith((b"II*\x00", b"MM\x00*")):
        return "image/tiff"
    return None


def _sniff_bmp(data: bytes) -> str | None:
    if len(data) >= 18 and data.startswith(b"BM"):
        if int.from_bytes(data[14:18], "little") in _BMP_DIB_SIZES:
            return "image/bmp"
    return None


def _sniff_isobmff(data: bytes) -> str | None:
    if len(data) < 16 or data[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(data[0:4], "big")
    end = min(len(data), box_size) if box_size >= 16 else 16
    # Major brand at 8:12, minor version at 12:16, compatible brands after.
    brands = {data[8:12]} | {data[i : i + 4] for i in range(16, end - 3, 4)}
    if brands & _AVIF_BRANDS:
        return "image/avif"
    if brands & _HEIC_BRANDS:
        return "image/heic"
    if brands & _HEIF_BRANDS:
        return "image/heif"
    return None


def _sniff_pdf(data: bytes) -> str | None:
    return "application/pdf" if b"%PDF-" in data[:_PDF_HEADER_WINDOW] else None


_SNIFFERS: tuple[Callable[[bytes], str | None], ...] = (_sniff_simple, _sniff_bmp, _sniff_isobmff, _sniff_pdf)


def decode_image(
    data: bytes,
    source_name: str,
    *,
    max_pixels: int,
    max_bytes: int,
    max_pdf_pages: int,
) -> DecodedImage:
    """Decode an upload into upright 3-channel BGR pixels.

    Args:
        data: the uploaded bytes.
        source_name: the file name as given by the caller (display only).
        max_pixels: largest ``width * height`` accepted, checked from the header.
        max_bytes: largest upload accepted, in bytes.
        max_pdf_pages: PDFs with more pages are refused (only page 1 is read).

    Returns:
        The decoded image in upload space (EXIF orientation applied).

    Raises:
        EmptyUpload: ``data`` is empty.
        FileTooLarge: ``data`` is longer than ``max_bytes``.
        UnsupportedMediaType: the bytes are not JPEG, PNG, WebP, BMP, TIFF,
            HEIC/HEIF or PDF.
        TooManyPixels: the header declares more than ``max_pixels`` pixels.
        UnreadableImage: the data is truncated or corrupt, or a PDF has no
            page, is encrypted, or has more than ``max_pdf_pages`` pages.
    """
    started = time.perf_counter()
    if not data:
        raise EmptyUpload()
    if len(data) > max_bytes:
        raise FileTooLarge(
            f"文件太大（{len(data) / 1048576:.1f} MB，上限 {max_bytes / 1048576:.1f} MB），请压缩后再上传。",
            f"The file is {len(data)} bytes; the limit is {max_bytes} bytes.",
        )
    media_type = sniff_media_type(data)
    if media_type not in SUPPORTED_MEDIA_TYPES:
        raise _unsupported(media_type)
    if media_type == "application/pdf":
        pixels = _decode_pdf(data, max_pixels=max_pixels, max_pages=max_pdf_pages)
    else:
        pixels = _decode_raster(data, media_type, max_pixels=max_pixels)
    elapsed_ms = (time.perf_counter() - started) * 1000.0
    return DecodedImage(pixels=pixels, media_type=media_type, source_name=source_name, elapsed_ms=elapsed_ms)


def _unsupported(media_type: str | None) -> UnsupportedMediaType:
    if media_type is None:
        return UnsupportedMediaType()
    name = media_type.split("/")[1].upper()
    return UnsupportedMediaType(
        f"不支持 {name} 格式，请上传 JPEG、PNG、WebP、BMP、TIFF、HEIC 图片或 PDF。",
        f"{name} is not supported; upload JPEG, PNG, WebP, BMP, TIFF, HEIC or PDF.",
    )


def _too_many_pixels(width: int, height: int, max_pixels: int) -> TooManyPixels:
    return TooManyPixels(
        f"图片像素过多（{width}×{height}，上限 {max_pixels} 像素），请缩小后再上传。",
        f"The image is {width}x{height} pixels; the limit is {max_pixels} pixels.",
    )


def _unreadable(detail: str) -> UnreadableImage:
    return UnreadableImage(message_en=f"The image is corrupt or truncated and cannot be decoded ({detail}).")


# --------------------------------------------------------------------------- raster


@cache
def _register_heif() -> None:
    # Imported lazily: pillow-heif loads libheif, which only HEIC uploads need.
    import pillow_heif

    pillow_heif.register_heif_opener()


def _decode_raster(data: bytes, media_type: str, *, max_pixels: int) -> np.ndarray:
    formats = _PIL_FORMATS[media_type]
    assert formats is not None
    if "HEIF" in formats:
        _register_heif()
    image = _open_checked(data, formats, max_pixels)
    try:
        image.load()
        upright = ImageOps.exif_transpose(image)
        return _to_bgr(upright)
    except (OSError, SyntaxError, ValueError, EOFError, Warning) as exc:
        # Pillow signals truncated and corrupt data with all of these; a Warning
        # only arrives here where warnings are errors (malformed tags, EXIF).
        raise _unreadable(f"{type(exc).__name__}: {exc}") from exc
    finally:
        image.close()


def _open_checked(data: bytes, formats: tuple[str, ...], max_pixels: int) -> Image.Image:
    """Parse the header only and refuse oversized images before any decoding."""
    try:
        image = Image.open(io.BytesIO(data), formats=list(formats))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooManyPixels(message_en=f"The image has too many pixels ({exc}).") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Warning) as exc:
        raise _unreadable(f"{type(exc).__name__}: {exc}") from exc
    width, height = image.size
    if width <= 0 or height <= 0:
        image.close()
        raise _unreadable(f"declared size {width}x{height}")
    if width * height > max_pixels:
        image.close()
        raise _too_many_pixels(width, height, max_pixels)
    return image


def _to_bgr(image: Image.Image) -> np.ndarray:
    """Any Pillow mode -> contiguous ``H x W x 3`` uint8 BGR."""
    if image.mode in ("I", "I;16", "I;16L", "I;16B", "I;16N", "F"):
        gray = _high_depth_to_u8(np.asarray(image))
        return np.ascontiguousarray(cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR))
    if image.mode == "CMYK":
        rgb = _cmyk_to_rgb(image)
    elif _has_alpha(image):
        rgb = _flatten_on_white(image)
    else:
        rgb = image.convert("RGB")
    return np.ascontiguousarray(cv2.cvtColor(np.asarray(rgb), cv2.COLOR_RGB2BGR))


#: Rows converted at a time by :func:`_high_depth_to_u8` (memory stays at a few MB per band).
_DEPTH_BAND_ROWS = 512


def _high_depth_to_u8(values: np.ndarray) -> np.ndarray:
    """Scale 16-bit, 32-bit or float gray to 8 bits.

    Integer data within 0..65535 is treated as 16-bit (``/257`` maps 65535 to
    255 exactly); float data within 0..1 as unit range; anything else is
    stretched between its own minimum and maximum.

    >>> _high_depth_to_u8(np.array([[0, 257, 65535]], dtype=np.uint16)).tolist()
    [[0, 1, 255]]
    """
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    offset, factor = 0.0, 1.0
    if values.dtype.kind == "f" and lo >= 0.0 and hi <= 1.0:
        factor = 255.0
    elif values.dtype.kind in "iu" and lo >= 0 and hi <= 255 and values.dtype.itemsize > 2:
        pass  # 8-bit data held in a 32-bit mode "I" image
    elif values.dtype.kind in "iu" and lo >= 0 and hi <= 65535:
        factor = 1.0 / 257.0
    else:
        offset, factor = lo, 255.0 / max(hi - lo, 1e-12)
    # Band by band: a 50-megapixel 16-bit scan converted at once would need 400 MB per float64 copy.
    out = np.empty(values.shape, np.uint8)
    for start in range(0, values.shape[0], _DEPTH_BAND_ROWS):
        band = (values[start : start + _DEPTH_BAND_ROWS].astype(np.float64) - offset) * factor
        out[start : start + _DEPTH_BAND_ROWS] = np.clip(np.rint(np.nan_to_num(band)), 0, 255)
    return out


def _has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info


def _flatten_on_white(image: Image.Image) -> Image.Image:
    """Composite transparent pixels onto white, as the sheet would look printed."""
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")  # no 200 MB copy of a 50 MP RGBA upload
    paper = Image.new("RGB", rgba.size, (255, 255, 255))
    paper.paste(rgba, mask=rgba.getchannel("A"))
    return paper


def _cmyk_to_rgb(image: Image.Image) -> Image.Image:
    """CMYK -> RGB through the embedded ICC profile when there is one.

    Without a usable profile Pillow's formula (``R = (255 - C) * (255 - K) / 255``)
    is used, as image viewers do; Adobe's inverted CMYK JPEGs are already
    un-inverted by Pillow.
    """
    icc = image.info.get("icc_profile")
    if not icc:
        return image.convert("RGB")
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        converted = ImageCms.profileToProfile(image, source, _srgb_profile(), outputMode="RGB")
    except ImageCms.PyCMSError as exc:
        # A broken or mismatched profile: viewers ignore it and so do we, visibly.
        log.warning("ignoring unusable CMYK colour profile: %s", exc)
        return image.convert("RGB")
    assert converted is not None
    return converted


@cache
def _srgb_profile() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


# --------------------------------------------------------------------------- PDF


def _decode_pdf(data: bytes, *, max_pixels: int, max_pages: int) -> np.ndarray:
    with _PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise _unreadable(f"PDF: {exc}") from exc
        try:
            return _render_first_page(document, max_pixels=max_pixels, max_pages=max_pages)
        except pdfium.PdfiumError as exc:
            raise _unreadable(f"PDF: {exc}") from exc
        finally:
            document.close()


def _render_first_page(document: pdfium.PdfDocument, *, max_pixels: int, max_pages: int) -> np.ndarray:
    pages = len(document)
    if pages == 0:
        raise _unreadable("PDF has no page")
    if pages > max_pages:
        raise UnreadableImage(
            f"PDF 共 {pages} 页，超过上限 {max_pages} 页；请只上传证书所在的那一页。",
            f"The PDF has {pages} pages; at most {max_pages} are accepted. Upload the certificate page only.",
        )
    page = document[0]
    try:
        # Page size in PDF points (1/72 in), /Rotate already applied by pdfium.
        width_pt, height_pt = page.get_size()
        scale = _pdf_scale(width_pt, height_pt, max_pixels)
        bitmap = page.render(scale=scale)
        pixels = np.array(bitmap.to_numpy(), dtype=np.uint8, copy=True)
        bitmap.close()
    finally:
        page.close()
    if pixels.ndim != 3 or pixels.shape[2] != 3:
        raise _unreadable(f"PDF rendered to unexpected shape {pixels.shape}")
    return np.ascontiguousarray(pixels)  # pdfium's default format is BGR already


def _pdf_scale(width_pt: float, height_pt: float, max_pixels: int) -> float:
    """Render scale (pixels per point) for a :data:`PDF_LONG_SIDE` long side, within ``max_pixels``.

    >>> round(_pdf_scale(595.0, 842.0, 50_000_000), 3)  # A4 portrait
    2.85
    >>> round(_pdf_scale(595.0, 842.0, 1_000_000), 3)  # capped by the pixel budget
    1.399
    """
    if not (width_pt > 0 and height_pt > 0):
        raise _unreadable(f"PDF page size {width_pt}x{height_pt} pt")
    scale = PDF_LONG_SIDE / max(width_pt, height_pt)
    budget = (max_pixels / (width_pt * height_pt)) ** 0.5
    # 0.99: rounding up each side by one pixel must not cross the budget.
    return float(min(scale, budget * 0.99))

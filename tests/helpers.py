"""Builders for hand-made OCR lines, so rule tests need no model."""

from __future__ import annotations

from certcheck.types import OcrLine, OcrResult


def line(text: str, x: float, y: float, *, w: float | None = None, h: float = 30.0, conf: float = 0.98) -> OcrLine:
    """An axis-aligned OCR line at (x, y) in work space; width defaults to 30 px per character."""
    width = w if w is not None else 30.0 * len(text)
    return OcrLine(text=text, quad=((x, y), (x + width, y), (x + width, y + h), (x, y + h)), confidence=conf)


def page(*lines: OcrLine) -> OcrResult:
    return OcrResult(lines=tuple(lines))


def generator_available() -> bool:
    """Whether the samples generator and its CJK fonts can render here."""
    try:
        from samples.generator.fonts import fonts_available
    except ImportError:
        return False
    return bool(fonts_available())

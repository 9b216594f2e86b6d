"""Builders for hand-made OCR lines, so rule tests need no model."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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


def rule_data_copy(target: Path, name: str, change: Callable[[dict], None]) -> Path:
    """A copy of the packaged rule data in ``target`` with one file's parsed YAML changed by ``change``."""
    import yaml

    source = Path(__file__).resolve().parents[1] / "rules" / "data"
    for item in source.glob("*.yaml"):
        (target / item.name).write_text(item.read_text(encoding="utf-8"), encoding="utf-8")
    data = yaml.safe_load((target / name).read_text(encoding="utf-8"))
    change(data)
    (target / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return target

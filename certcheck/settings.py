"""One settings object for the whole project, read from ``CERTCHECK_*`` variables.

Every variable is documented in README.md ("Configuration"). Tests build a
``Settings(...)`` directly or override the FastAPI dependency; nothing reads
``os.environ`` elsewhere.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

__all__ = ["Settings", "default_data_dir", "get_settings"]


def default_data_dir() -> Path:
    """Per-user data folder: ``$XDG_DATA_HOME/certcheck`` or ``~/.local/share/certcheck``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "certcheck"


def _split_paths(value: object) -> list[Path]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [Path(p) for p in value.split(":") if p.strip()]
    if isinstance(value, (list, tuple)):
        return [Path(str(p)) for p in value]
    raise TypeError("expected a ':'-separated path list")


class Settings(BaseSettings):
    """Runtime settings; each field is ``CERTCHECK_<NAME>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="CERTCHECK_", extra="ignore", frozen=True)

    data_dir: Path = Field(default_factory=default_data_dir)
    #: Extra template folders / issuer CSVs on top of built-in and data dir (':'-separated).
    templates: Annotated[list[Path], NoDecode] = Field(default_factory=list)
    issuers: Annotated[list[Path], NoDecode] = Field(default_factory=list)

    max_upload_mb: float = 20.0
    max_pixels: int = 50_000_000
    #: PDF pages beyond this many are refused unread (only page 1 is checked).
    max_pdf_pages: int = 200

    #: Threads for each ONNX Runtime session; 0 lets ONNX Runtime decide.
    ocr_threads: int = 0
    #: Long side, in pixels, of the work-space image that OCR reads.
    work_long_side: int = 1600

    #: Concurrent checks in one server process, and how many may wait.
    workers: int = 1
    queue_size: int = 8

    api_key: str | None = None
    log_level: str = "INFO"

    @field_validator("templates", "issuers", mode="before")
    @classmethod
    def _paths(cls, value: object) -> list[Path]:
        return _split_paths(value)

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()

"""One settings object for the whole project, read from ``CERTCHECK_*`` variables.

Every variable is documented in README.md ("Configuration"). Tests build a
``Settings(...)`` directly or override the FastAPI dependency; nothing reads
``os.environ`` elsewhere.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

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
    #: Long side, in pixels, at which text *detection* runs (recognition still
    #: reads crops of the work-space image); 0 detects at ``work_long_side``.
    #: 1216 measured on the 120-photo corpus (seed 2027) against 0: same
    #: evidence codes, field exact match within one photo per field
    #: (holder -0.9 pt, ID +1.0, occupation +1.2, issuer +2.7), detection
    #: about 40 % cheaper (README "Speed").
    ocr_det_long_side: int = 1216
    #: Where the ONNX models run: ``auto`` picks CUDA when onnxruntime-gpu
    #: offers CUDAExecutionProvider, else the CPU; ``cpu`` / ``cuda`` force it.
    ocr_device: Literal["auto", "cpu", "cuda"] = "auto"

    #: Concurrent checks in one server process, and how many may wait.
    workers: int = 1
    queue_size: int = 8

    #: A single plain key for the write endpoints (named ``env``); prefer hashed keys below.
    api_key: str | None = None
    #: Hashed API keys, ``name:sha256hex`` entries separated by ``,`` (``certcheck keys add`` prints one).
    api_keys: Annotated[list[str], NoDecode] = Field(default_factory=list)
    #: File of ``name:sha256hex`` lines written by ``certcheck keys add``; default ``<data_dir>/api_keys.txt``.
    api_keys_file: Path | None = None
    #: Requests per minute to ``/v1/*`` for a client known only by its address (0 turns the limit off),
    #: and how many may come at once; clients with a valid ``X-API-Key`` get the ``key_`` rates.
    rate_limit_per_minute: float = 60.0
    rate_limit_burst: int = 20
    key_rate_limit_per_minute: float = 600.0
    key_rate_limit_burst: int = 100
    #: Addresses (or ``*``) of reverse proxies whose ``X-Forwarded-For`` / ``X-Forwarded-Proto`` are believed
    #: (``,``-separated). Empty: the headers are ignored, so a client cannot pick its own rate-limit bucket.
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    log_level: str = "INFO"
    #: ``text`` (one readable line) or ``json`` (one JSON object per line, for log collectors).
    log_format: Literal["text", "json"] = "text"
    #: Serve Prometheus metrics at ``/metrics``.
    metrics_enabled: bool = True
    #: Case records (``certcheck batch --record``, ``certcheck cases``): ``sqlite:///PATH`` or
    #: ``postgresql://USER:PASSWORD@HOST:PORT/DB``; default ``sqlite:///<data_dir>/cases.sqlite3``.
    store_url: str | None = None

    @field_validator("templates", "issuers", mode="before")
    @classmethod
    def _paths(cls, value: object) -> list[Path]:
        return _split_paths(value)

    @field_validator("api_keys", "trusted_proxies", mode="before")
    @classmethod
    def _comma_list(cls, value: object) -> object:
        if isinstance(value, str):
            return [entry.strip() for entry in value.split(",") if entry.strip()]
        return value

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def case_store_url(self) -> str:
        """``store_url``, or the SQLite file in the data dir."""
        return self.store_url or f"sqlite:///{self.data_dir / 'cases.sqlite3'}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()

"""Validated shapes of the registry data files (CONTRACT.md sections 4 and 5).

These are pydantic models because they sit at an edge: YAML and CSV written by
people. Everything is ``extra="forbid"`` so a misspelt key is an error, not a
silently ignored setting.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from certcheck.safe_regex import UnsafePattern, compile_safe
from certcheck.types import CertificateKind, IssuerKind, IssuerStatus

__all__ = [
    "FieldSpec",
    "IssuerRecord",
    "MarksSpec",
    "QrSpec",
    "SerialSpec",
    "TemplateSpec",
]

#: Template ids double as folder names in the data dir: no dots, no slashes.
TEMPLATE_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{0,63}$"

MarkRule = Literal["forbidden", "allowed", "required"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SerialSpec(_Strict):
    """Where the serial is printed and its registered format."""

    label: str = Field(min_length=1)
    #: A regex in the safe subset of :mod:`certcheck.safe_regex` (Python syntax
    #: without lookarounds or backreferences, run on RE2), matched against the
    #: whole normalised serial; ``None`` when the format is not published (e.g.
    #: 专项职业能力证书, cert-facts §2), so no format check.
    pattern: str | None = None

    @field_validator("pattern")
    @classmethod
    def _safe(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            compile_safe(value)
        except UnsafePattern as exc:
            raise ValueError(f"serial.pattern refused: {exc}") from None
        return value


class FieldSpec(_Strict):
    """One printed label; its position is learnt from the reference image."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()

    @property
    def all_labels(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


class QrSpec(_Strict):
    """Whether a QR code must be printed and which hosts it may point to."""

    required: bool = False
    domains: tuple[str, ...] = ()


class MarksSpec(_Strict):
    """Which marks the registered sample carries."""

    emblem: MarkRule = "forbidden"
    seal: MarkRule = "allowed"
    qr: QrSpec = QrSpec()


class TemplateSpec(_Strict):
    """A registered certificate template (``template.yaml``)."""

    id: str = Field(pattern=TEMPLATE_ID_PATTERN)
    name: str = Field(min_length=1)
    kind: CertificateKind
    title: str = Field(min_length=1)
    reference_image: str = Field(min_length=1, max_length=128)
    issuer_code: str | None = None
    #: Where the layout and rules of this template come from (a document number).
    source: str | None = None
    serial: SerialSpec | None = None
    fields: tuple[FieldSpec, ...] = ()
    allowed_phrases: tuple[str, ...] = ()
    marks: MarksSpec = MarksSpec()

    @field_validator("reference_image")
    @classmethod
    def _plain_file_name(cls, value: str) -> str:
        # The reference image must sit inside the template folder: no path tricks.
        if "/" in value or "\\" in value or value in {".", ".."} or value.startswith("."):
            raise ValueError("reference_image must be a plain file name inside the template folder")
        if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in value):
            raise ValueError("reference_image must not contain control characters (NUL, newline…)")
        return value

    @model_validator(mode="after")
    def _unique_field_keys(self) -> TemplateSpec:
        keys = [f.key for f in self.fields]
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise ValueError(f"duplicate field keys: {', '.join(duplicates)}")
        return self

    def field(self, key: str) -> FieldSpec | None:
        """The field spec for ``key``, or ``None`` when the template has none."""
        return next((f for f in self.fields if f.key == key), None)


class IssuerRecord(_Strict):
    """One row of an issuer registry CSV."""

    code: str = Field(min_length=1, max_length=64)
    name: str = Field(min_length=1)
    kind: IssuerKind
    status: IssuerStatus
    occupations: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    uscc: str | None = None
    registered_on: date | None = None

    @field_validator("occupations", "aliases", mode="before")
    @classmethod
    def _split_semicolons(cls, value: object) -> object:
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(part.strip() for part in value.replace("；", ";").split(";") if part.strip())
        return value

    @field_validator("uscc", "registered_on", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

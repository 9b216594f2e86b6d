"""Check the model files against ``models/manifest.yaml`` before they are used.

The weights that decide every verdict must be the ones that were measured: a
different wheel or a corrupted file would change readings silently. Each file
is hashed once per process, when the OCR engine loads.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from certcheck.errors import ModelError
from templates_registry.loader import safe_load_yaml

__all__ = ["MANIFEST", "ModelFile", "verify_models"]

MANIFEST = Path(str(importlib.resources.files("models") / "manifest.yaml"))


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    package: str | None
    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    models: tuple[_Entry, ...]


@dataclass(frozen=True)
class ModelFile:
    """One verified model file."""

    name: str
    path: Path
    sha256: str


def _locate(entry: _Entry, models_dir: Path) -> Path:
    if entry.package is None:
        return models_dir / entry.path
    spec = importlib.util.find_spec(entry.package)
    if spec is None or spec.origin is None:
        raise ModelError(message_en=f"package {entry.package!r} holding {entry.name} is not installed")
    return Path(spec.origin).parent / entry.path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_models(manifest: Path = MANIFEST) -> list[ModelFile]:
    """Hash every listed model file and compare with the manifest.

    Raises:
        ModelError: the manifest is invalid, a file is missing, or a hash differs.
    """
    try:
        entries = _Manifest.model_validate(safe_load_yaml(manifest.read_text(encoding="utf-8"))).models
    except (OSError, ValidationError, ValueError) as exc:
        raise ModelError(message_en=f"invalid model manifest {manifest}: {exc}") from exc
    verified = []
    for entry in entries:
        path = _locate(entry, manifest.parent)
        if not path.is_file():
            raise ModelError(message_en=f"model file missing: {entry.name} ({path})")
        actual = _sha256(path)
        if actual != entry.sha256:
            raise ModelError(message_en=f"model file {path} has SHA-256 {actual}, manifest says {entry.sha256}")
        verified.append(ModelFile(entry.name, path, actual))
    return verified

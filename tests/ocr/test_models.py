"""The model manifest pins the weights that were measured."""

from __future__ import annotations

from pathlib import Path

import pytest

from certcheck.errors import ModelError
from ocr.models import MANIFEST, verify_models


def test_models_installed_weights_match_manifest() -> None:
    verified = verify_models()
    assert len(verified) == 3 and all(m.path.is_file() for m in verified)


def test_models_changed_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "weights.onnx").write_bytes(b"not the model")
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(
        "models:\n  - {name: x, package: null, path: weights.onnx, sha256: '" + "0" * 64 + "'}\n", encoding="utf-8"
    )
    with pytest.raises(ModelError, match="SHA-256"):
        verify_models(manifest)


def test_models_missing_file_is_refused(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(MANIFEST.read_text(encoding="utf-8").replace("package: rapidocr", "package: null"),
                        encoding="utf-8")
    with pytest.raises(ModelError, match="missing"):
        verify_models(manifest)

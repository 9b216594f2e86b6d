"""The field readers' vocabulary is validated data: a bad file is a clear RegistryError."""

from __future__ import annotations

from pathlib import Path

import pytest

from certcheck.errors import RegistryError
from ocr.vocabulary import default_labels, default_vocabulary, load_vocabulary


def test_builtin_vocabulary_loads_and_knows_unreported_labels() -> None:
    vocabulary = default_vocabulary()
    assert "性别" in vocabulary.other_labels["sex"]
    assert "签章" in vocabulary.signature_words and "证书" in vocabulary.title_words
    assert "姓名" in default_labels().labels["holder_name"]


@pytest.mark.parametrize("text", ["title_words: 证书\nunknown_key: [1]\n", "other_labels: [a, b]\n", "a: [b\n"])
def test_bad_vocabulary_is_a_registry_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "field_vocabulary.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegistryError):
        load_vocabulary(path)


def test_missing_vocabulary_is_a_registry_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError):
        load_vocabulary(tmp_path / "absent.yaml")


@pytest.mark.parametrize("pattern", ["参加专项职业能力考核", "{value}{value}考核", "{value}"])
def test_a_sentence_pattern_holds_one_value_and_words(tmp_path: Path, pattern: str) -> None:
    path = tmp_path / "field_vocabulary.yaml"
    path.write_text(f"sentence_fields: {{occupation: ['{pattern}']}}\n", encoding="utf-8")
    with pytest.raises(RegistryError):
        load_vocabulary(path)

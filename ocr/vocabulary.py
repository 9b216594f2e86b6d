"""The field readers' vocabulary: labels of unreported fields, signature words, title words.

Data, not code: ``rules/data/field_vocabulary.yaml``, validated here once per
process. :mod:`ocr.fields` and :mod:`ocr.signature` use it by default; a caller
may hand its own :class:`FieldVocabulary` (tests, a future rule-data bundle).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from certcheck.errors import RegistryError
from templates_registry.loader import safe_load_yaml

__all__ = ["FieldLabels", "FieldVocabulary", "VOCABULARY_PATH", "default_labels", "default_vocabulary",
           "load_vocabulary"]

_DATA = Path(__file__).resolve().parents[1] / "rules" / "data"
VOCABULARY_PATH = _DATA / "field_vocabulary.yaml"
LABELS_PATH = _DATA / "field_labels.yaml"


class FieldVocabulary(BaseModel):
    """What the readers know beyond the report fields' own labels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Printed fields the report does not carry (``key -> labels``); read so their values are never another field's.
    other_labels: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    #: Words of a signature or seal line; such a line never names the issuer.
    signature_words: tuple[str, ...] = ()
    #: Words a printed title holds; a row with one is preferred as the title.
    title_words: tuple[str, ...] = ()
    #: Fields printed inside a sentence: ``key -> patterns`` where ``{value}`` marks the field's words.
    sentence_fields: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @field_validator("sentence_fields")
    @classmethod
    def _one_value_each(cls, patterns: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for key, found in patterns.items():
            for pattern in found:
                if pattern.count("{value}") != 1 or len(pattern.replace("{value}", "")) < 2:
                    raise ValueError(f"{key}: a sentence pattern holds {{value}} once and words around it: {pattern!r}")
        return patterns


class FieldLabels(BaseModel):
    """``rules/data/field_labels.yaml`` as the readers need it when no caller hands its labels."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    labels: dict[str, tuple[str, ...]]
    salutations: tuple[str, ...] = ()
    organisation_suffixes: tuple[str, ...] = ()


M = TypeVar("M", bound=BaseModel)


def _load(path: Path, model: type[M]) -> M:
    try:
        raw: Any = safe_load_yaml(path.read_text(encoding="utf-8"))
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors())
        raise RegistryError(f"字段词表无效：{path.name}", f"invalid field data {path}: {problems}") from exc
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise RegistryError(f"无法读取字段词表：{path.name}", f"cannot read field data {path}: {exc}") from exc


def load_vocabulary(path: Path = VOCABULARY_PATH) -> FieldVocabulary:
    """Read and validate a vocabulary file; a bad file is a :class:`~certcheck.errors.RegistryError`."""
    return _load(path, FieldVocabulary)


@lru_cache(maxsize=1)
def default_labels() -> FieldLabels:
    """The built-in labels, salutations and organisation suffixes (``rules/data/field_labels.yaml``), loaded once."""
    return _load(LABELS_PATH, FieldLabels)


@lru_cache(maxsize=1)
def default_vocabulary() -> FieldVocabulary:
    """The built-in vocabulary (``rules/data/field_vocabulary.yaml``), loaded once."""
    return load_vocabulary()

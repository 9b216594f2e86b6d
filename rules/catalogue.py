"""Load the rule data files of ``rules/data/`` into validated, typed objects.

The data files carry the policy knowledge (codes, severities, clauses, kinds,
labels, advice); code only interprets them. Each file is validated with
``extra="forbid"`` and every problem is reported at once with its file and
entry index (:class:`~certcheck.errors.RegistryError`).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from certcheck.errors import RegistryError
from certcheck.types import Category, CertificateKind, EvidenceCode, IssuerKind, Severity
from templates_registry.loader import safe_load_yaml

__all__ = [
    "Advice",
    "CodeInfo",
    "KindRule",
    "RuleData",
    "load_rule_data",
]

DATA_DIR = Path(__file__).resolve().parent / "data"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CodeInfo(_Strict):
    """One evidence code's defaults and the clause it enforces."""

    code: EvidenceCode
    category: Category
    severity: Severity
    basis: str = Field(min_length=1)
    title: str
    title_en: str


class _CodesFile(_Strict):
    codes: tuple[CodeInfo, ...]

    @model_validator(mode="after")
    def _every_code_once(self) -> _CodesFile:
        seen = [c.code for c in self.codes]
        missing = sorted(set(EvidenceCode) - set(seen), key=lambda c: c.value)
        duplicates = sorted({c.value for c in seen if seen.count(c) > 1})
        if missing or duplicates:
            raise ValueError(f"missing codes {[c.value for c in missing]}, duplicate codes {duplicates}")
        return self


class KindRule(_Strict):
    """Title phrases that claim one certificate kind."""

    kind: CertificateKind
    phrases: tuple[str, ...] = Field(min_length=1)
    issuer_kinds: tuple[IssuerKind, ...] = ()


class _KindsFile(_Strict):
    kinds: tuple[KindRule, ...]


class _LabelsFile(_Strict):
    labels: dict[str, tuple[str, ...]]
    salutations: tuple[str, ...] = ()
    organisation_suffixes: tuple[str, ...] = ()


class Advice(_Strict):
    """What the summary tells a person to do next, per situation."""

    lookup: dict[str, str]
    lookup_en: dict[str, str]
    report: str
    report_en: str


class RuleData(_Strict):
    """All rule data, loaded once per process."""

    codes: dict[EvidenceCode, CodeInfo]
    kinds: tuple[KindRule, ...]
    field_labels: dict[str, tuple[str, ...]]
    salutations: tuple[str, ...]
    organisation_suffixes: tuple[str, ...]
    advice: Advice

    def code(self, code: EvidenceCode) -> CodeInfo:
        return self.codes[code]


M = TypeVar("M", bound=BaseModel)


def _load(path: Path, model: type[M]) -> M:
    try:
        raw: Any = safe_load_yaml(path.read_text(encoding="utf-8"))
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = "\n".join(
            f"{path}: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise RegistryError(f"规则数据无效：\n{problems}", f"invalid rule data:\n{problems}") from exc
    except Exception as exc:
        raise RegistryError(f"无法读取规则数据 {path}：{exc}", f"cannot read rule data {path}: {exc}") from exc


def load_rule_data(data_dir: Path = DATA_DIR) -> RuleData:
    """Read and validate every rule data file in ``data_dir``."""
    codes = _load(data_dir / "evidence_codes.yaml", _CodesFile)
    labels = _load(data_dir / "field_labels.yaml", _LabelsFile)
    return RuleData(
        codes={c.code: c for c in codes.codes},
        kinds=_load(data_dir / "certificate_kinds.yaml", _KindsFile).kinds,
        field_labels=labels.labels,
        salutations=labels.salutations,
        organisation_suffixes=labels.organisation_suffixes,
        advice=_load(data_dir / "advice.yaml", Advice),
    )


@lru_cache(maxsize=1)
def default_rule_data() -> RuleData:
    """The packaged rule data, loaded once per process."""
    return load_rule_data()

"""Load the rule data files of ``rules/data/`` into validated, typed objects.

The data files carry the policy knowledge (codes, severities, clauses, kinds,
labels, advice); code only interprets them. Each file is validated with
``extra="forbid"`` and every problem is reported at once with its file and
entry index (:class:`~certcheck.errors.RegistryError`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator, model_validator

from certcheck.errors import RegistryError
from certcheck.types import Category, CertificateKind, EvidenceCode, IssuerKind, Severity
from templates_registry.loader import safe_load_yaml

__all__ = [
    "Advice",
    "BurdenPolicy",
    "CodeInfo",
    "DocumentType",
    "DocumentTypes",
    "KindRule",
    "LocalBody",
    "RuleData",
    "StateBodies",
    "StateBody",
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


#: The classes of upload (rules/data/document_types.yaml).
DocumentClass = Literal["certificate", "not_certificate", "advert"]


class DocumentType(_Strict):
    """One kind of upload, known by its title words, its typical labels and phrases."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    document_class: DocumentClass = Field(alias="class")
    #: Words of its printed title (searched in the title and the top rows; weight ``title_weight``).
    titles: tuple[str, ...] = ()
    #: Labels and phrases printed on it (anywhere on the page; one point each, counted once).
    labels: tuple[str, ...] = ()
    #: A seal covering at least this share of the page, with little text outside it (a seal on its own).
    seal_share: float | None = Field(default=None, gt=0, le=1)
    #: A list or table: at least this many rows that start with a running number score as a title does.
    numbered_rows: int | None = Field(default=None, ge=2)


class DocumentTypes(_Strict):
    """What an upload may be, and the scores that decide it (rules/data/document_types.yaml)."""

    title_weight: int = Field(ge=1)
    #: A type wins with at least this score, and more than the certificate cues score.
    min_score: int = Field(ge=1)
    #: Selling cues an advert needs (报名, 咨询, 价格…) besides a word about certificates.
    advert_min_cues: int = Field(ge=1)
    #: What marks a certificate: title words (证书, 奖状…), phrases (特发此证, 荣获…).
    certificate_titles: tuple[str, ...] = Field(min_length=1)
    certificate_phrases: tuple[str, ...] = Field(min_length=1)
    #: Title words that make a certificate 技术技能类 whatever else it says (never an award or a diploma).
    skill_words: tuple[str, ...] = Field(min_length=1)
    types: tuple[DocumentType, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids_unique(self) -> DocumentTypes:
        ids = [t.id for t in self.types]
        if len(ids) != len(set(ids)):
            raise ValueError(f"duplicate document type ids: {sorted({i for i in ids if ids.count(i) > 1})}")
        return self

    def get(self, type_id: str) -> DocumentType | None:
        return next((t for t in self.types if t.id == type_id), None)


class StateBody(_Strict):
    """A state body that issues documents under its own name and seal."""

    name: str = Field(min_length=2)
    aliases: tuple[str, ...] = ()
    former_names: tuple[str, ...] = ()
    level: Literal["national", "provincial", "local"]
    #: Certificate kinds or document type ids it issues under its own name.
    issues: tuple[str, ...] = Field(min_length=1)
    source: str = Field(min_length=1)

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases, *self.former_names)


class LocalBody(_Strict):
    """Bodies of a province, city or county: ``{place}`` followed by the body's name (a regex)."""

    pattern: str = Field(min_length=3)
    issues: tuple[str, ...] = Field(min_length=1)
    source: str = Field(min_length=1)

    @field_validator("pattern")
    @classmethod
    def _has_place(cls, value: str) -> str:
        if "{place}" not in value:
            raise ValueError("a local body pattern must contain {place}")
        return value


class StateBodies(_Strict):
    """The built-in registry of state bodies (rules/data/state_bodies.yaml)."""

    bodies: tuple[StateBody, ...] = Field(min_length=1)
    places: dict[Literal["province", "local"], str]
    local_bodies: tuple[LocalBody, ...] = ()
    _compiled: tuple[tuple[re.Pattern[str], LocalBody], ...] = PrivateAttr(default=())

    def model_post_init(self, _context: Any) -> None:
        place = f"(?:{self.places['province']})?(?:{self.places['local']}){{0,3}}"
        compiled = []
        for body in self.local_bodies:
            try:
                compiled.append((re.compile(body.pattern.replace("{place}", place)), body))
            except re.error as exc:
                raise ValueError(f"local body pattern {body.pattern!r} does not compile: {exc}") from exc
        self._compiled = tuple(compiled)

    @property
    def local_patterns(self) -> tuple[tuple[re.Pattern[str], LocalBody], ...]:
        return self._compiled


class BurdenPolicy(_Strict):
    """Which evidence stands by itself and which needs support (rules/data/burden.yaml)."""

    #: Codes that may stay ``high`` on their own; every other code is capped at ``medium``.
    stand_alone: tuple[EvidenceCode, ...]
    #: Weak signals: capped at ``low`` unless another finding at medium or above overlaps their box.
    weak: tuple[EvidenceCode, ...]
    #: Codes a state body's own document does not get for the state names, marks and seals it prints.
    excused_for_state_issuer: tuple[EvidenceCode, ...]
    #: Wording entries (rules/data/wording.yaml ids) not judged on awards, honours, diplomas (kind ``other``).
    not_judged_on_other: tuple[str, ...]
    #: The document types (rules/data/document_types.yaml) those exemptions apply to.
    other_types: tuple[str, ...]
    #: Words of a school's or a hospital's name: a body named after one (…学院…委员会) is its unit.
    institution_words: tuple[str, ...]
    #: Row words that make an authority's name a pointer to an official lookup, not a claim to be it.
    lookup_words: tuple[str, ...]
    #: What the summary says for a finding that cannot be confirmed either way.
    verify_advice: str
    verify_advice_en: str


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
    documents: DocumentTypes
    state_bodies: StateBodies
    burden: BurdenPolicy

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
        documents=_load(data_dir / "document_types.yaml", DocumentTypes),
        state_bodies=_load(data_dir / "state_bodies.yaml", StateBodies),
        burden=_load(data_dir / "burden.yaml", BurdenPolicy),
    )


@lru_cache(maxsize=1)
def default_rule_data() -> RuleData:
    """The packaged rule data, loaded once per process."""
    return load_rule_data()

"""``NOT_IN_CATALOGUE``: a 职业资格证书 for an occupation outside 国家职业资格目录（2021年版）.

Since 人社部发〔2017〕68号 no 职业资格 outside the national catalogue is
recognised; the 水平评价类 skill qualifications left it by the end of 2020 and
the 2021 edition is the list in force (cert-facts §3.2, §5). The catalogue, the
occupations that left it and their dates are data
(``rules/data/qualification_catalogue_2021.yaml``, with its sources); this
module only compares.

The issue date matters: a certificate issued before its occupation left stays
valid. So, for a certificate titled 职业资格证书 (kind ``qualification``) or
专业技术人员职业资格证书 (``professional_qualification``):

* an occupation on the 2021 list: nothing;
* one the data names as having left: flagged when issued on or after the day it
  left (medium within the grace period after an exit, when late issues for
  exams sat before it happen; high after); medium when the date cannot be read;
* any other skill occupation: flagged when issued after the skill exit
  (2021-01-01), since every skill 职业资格 outside the list exited in 2020; the
  2017 list we do not hold may have had it before;
* any other professional qualification: flagged when issued under the
  catalogue regime (from 2017-09-12).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz

from certcheck.errors import RegistryError
from certcheck.types import (
    CertificateFields,
    CertificateKind,
    Evidence,
    EvidenceCode,
    FieldValue,
    Severity,
    quad_to_bbox,
)
from rules.context import RuleContext
from rules.evidence import make_evidence
from templates_registry.issuers import issuer_key
from templates_registry.loader import safe_load_yaml

__all__ = [
    "CATALOGUE_PATH",
    "Catalogue",
    "CatalogueEntry",
    "CatalogueStatus",
    "LeftEntry",
    "catalogue_rule",
    "check_catalogue",
    "default_catalogue",
    "load_catalogue",
    "printed_occupation",
]

CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "qualification_catalogue_2021.yaml"
#: A printed name this similar (rapidfuzz ratio, folded) to a listed name of at
#: least 5 characters is that name misread: one wrong character in 7 scores 86.
MIN_NAME_SIMILARITY = 85.0
_MIN_FUZZY_CHARS = 5


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CatalogueEntry(_Strict):
    """A qualification or occupation of the catalogue and the names printed for it."""

    name: str = Field(min_length=2)
    aliases: tuple[str, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class LeftEntry(CatalogueEntry):
    """An occupation without a national 职业资格 from ``left_on`` on."""

    left_on: dt.date
    source: str = Field(min_length=1)


class CatalogueSource(_Strict):
    title: str
    issued_on: dt.date
    announced_on: dt.date
    references: tuple[str, ...] = Field(min_length=1)
    basis: str = Field(min_length=1)


class Catalogue(_Strict):
    """``qualification_catalogue_2021.yaml``, validated."""

    source: CatalogueSource
    catalogue_regime_since: dt.date
    skill_exit_on: dt.date
    late_issue_grace_days: int = Field(ge=0)
    professional: tuple[CatalogueEntry, ...] = Field(min_length=1)
    skill: tuple[CatalogueEntry, ...] = Field(min_length=1)
    left: tuple[LeftEntry, ...] = ()


def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """Read and validate the catalogue file.

    Raises:
        RegistryError: the file is unreadable or an entry is malformed (all listed).
    """
    try:
        return Catalogue.model_validate(safe_load_yaml(path.read_text(encoding="utf-8")))
    except ValidationError as exc:
        problems = "\n".join(f"{path}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RegistryError(f"职业资格目录数据无效：\n{problems}", f"invalid catalogue data:\n{problems}") from exc
    except Exception as exc:
        raise RegistryError(f"无法读取职业资格目录 {path}：{exc}", f"cannot read catalogue {path}: {exc}") from exc


@lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The packaged catalogue, loaded once per process."""
    return load_catalogue()


def _names_match(printed: str, listed: str) -> bool:
    """Whether a folded printed name is the folded listed one (contained, or misread by one character)."""
    if printed == listed or (len(listed) >= 2 and listed in printed):
        return True
    # A short printed name inside a long listed one ("医生" in 医生资格), not a generic word ("工程师").
    if len(printed) >= 4 and printed in listed and 2 * len(printed) >= len(listed):
        return True
    return min(len(printed), len(listed)) >= _MIN_FUZZY_CHARS and fuzz.ratio(printed, listed) >= MIN_NAME_SIMILARITY


def _find(printed: str, entries: tuple[CatalogueEntry, ...]) -> CatalogueEntry | None:
    key = issuer_key(printed)
    return next((e for e in entries if any(_names_match(key, issuer_key(n)) for n in e.all_names)), None)


@dataclass(frozen=True)
class CatalogueStatus:
    """Where an occupation stood on the issue date, and why."""

    severity: Severity
    message: str
    message_en: str


def check_catalogue(
    kind: CertificateKind, occupation: str, issued_on: dt.date | None, catalogue: Catalogue
) -> CatalogueStatus | None:
    """Why a 职业资格 certificate for ``occupation`` issued on ``issued_on`` is outside the catalogue, or ``None``.

    >>> cat = default_catalogue()
    >>> check_catalogue(CertificateKind.QUALIFICATION, "心理咨询师", dt.date(2019, 6, 1), cat).severity.value
    'high'
    >>> check_catalogue(CertificateKind.QUALIFICATION, "心理咨询师", dt.date(2015, 6, 1), cat) is None
    True
    >>> check_catalogue(CertificateKind.QUALIFICATION, "保安员", dt.date(2023, 6, 1), cat) is None
    True
    >>> check_catalogue(CertificateKind.PROFESSIONAL_QUALIFICATION, "一级建造师", dt.date(2023, 6, 1), cat) is None
    True
    """
    if kind not in (CertificateKind.QUALIFICATION, CertificateKind.PROFESSIONAL_QUALIFICATION):
        return None
    left = _find(occupation, catalogue.left)
    if isinstance(left, LeftEntry):
        return _after_exit(occupation, issued_on, left.left_on, catalogue, f"（{left.source}）")
    if _find(occupation, catalogue.professional) or _find(occupation, catalogue.skill):
        return None
    since = catalogue.skill_exit_on if kind == CertificateKind.QUALIFICATION else catalogue.catalogue_regime_since
    if issued_on is None or issued_on < since:
        # Skill occupations of the 2017 list (not held here) were valid until their exit.
        return None
    return _after_exit(occupation, issued_on, since, catalogue, "")


def _after_exit(
    occupation: str, issued_on: dt.date | None, left_on: dt.date, catalogue: Catalogue, source: str
) -> CatalogueStatus | None:
    title = catalogue.source.title
    if issued_on is None:
        return CatalogueStatus(
            Severity.MEDIUM,
            f"“{occupation}”自{left_on.isoformat()}起不在国家职业资格目录内，发证日期无法识别，请核实{source}",
            f"'{occupation}' has been outside the national catalogue since {left_on.isoformat()};"
            " the issue date could not be read",
        )
    if issued_on < left_on:
        return None
    late = (issued_on - left_on).days <= catalogue.late_issue_grace_days
    return CatalogueStatus(
        Severity.MEDIUM if late else Severity.HIGH,
        f"“{occupation}”不在《{title}》内（自{left_on.isoformat()}起），"
        f"{issued_on.isoformat()}颁发的职业资格证书不成立{source}",
        f"'{occupation}' is not in the national qualification catalogue (since {left_on.isoformat()});"
        f" a qualification certificate issued on {issued_on.isoformat()} cannot exist",
    )


def catalogue_rule(ctx: RuleContext) -> list[Evidence]:
    """``NOT_IN_CATALOGUE`` for a 职业资格证书 whose occupation was outside the catalogue on its issue date."""
    occupation = printed_occupation(ctx.fields)
    if occupation is None:
        return []
    catalogue = default_catalogue()
    status = check_catalogue(ctx.fields.kind, occupation.value, (ctx.fields.issue_date.as_date if ctx.fields.issue_date else None), catalogue)
    if status is None:
        return []
    return [make_evidence(
        ctx.data, EvidenceCode.NOT_IN_CATALOGUE, status.message, status.message_en,
        text=occupation.value, quad=occupation.quad, confidence=min(0.9, occupation.confidence),
        severity=status.severity, basis=catalogue.source.basis,
    )]


def printed_occupation(fields: CertificateFields) -> FieldValue | None:
    """The occupation read off the certificate, unless it was read inside the title.

    A generic label such as 职业 also occurs in the titles 职业资格证书 and
    专业技术人员职业资格证书; a value read there ("资格证书") is no occupation,
    and judging it would flag every genuine certificate.
    """
    occupation = fields.occupation
    if occupation is None or occupation.quad is None or fields.title is None or fields.title.quad is None:
        return occupation
    return None if _overlap(quad_to_bbox(occupation.quad), quad_to_bbox(fields.title.quad)) else occupation


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])

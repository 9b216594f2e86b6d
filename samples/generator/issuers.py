"""Who issues the sample certificates: the demo issuer registry and private organisations.

Skill-level certificates are issued by the organisations of
``samples/registry/demo-issuers.csv`` (CONTRACT.md section 5 format), so a
check run with ``--issuers samples/registry/demo-issuers.csv`` finds every
genuine sample's issuer registered and its occupation in scope. The 13-character
registry code is the first 13 characters of every serial the organisation
prints (type letter, 4-digit organisation code, 2-digit province, 6-digit site;
cert-facts §1.4). Companies and competition organisers of the private designs
are not in any registry, as in real life.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

from samples import DEMO_ISSUERS

__all__ = [
    "COMPANIES",
    "COMPETITION_ORGANISERS",
    "DEMO_ISSUERS_CSV",
    "Issuer",
    "TRAINING_OUTFITS",
    "active_skill_issuers",
    "china_named_employers",
    "load_demo_issuers",
]

DEMO_ISSUERS_CSV = DEMO_ISSUERS

#: Registry kinds allowed to issue 职业技能等级证书 (CONTRACT.md kinds table).
_SKILL_LEVEL_ISSUER_KINDS = frozenset({"evaluation_org", "employer"})

#: Companies that run internal training; their names avoid the restricted words of
#: 人社部发〔2017〕68号 (中国, 国家, 全国 ...), so a genuine internal certificate is clean.
COMPANIES = (
    "深圳市星河智能科技有限公司",
    "杭州云帆网络科技有限公司",
    "苏州德润精密机械有限公司",
    "成都蜀味餐饮管理有限公司",
    "武汉长江物业服务有限公司",
    "宁波海曙电子电器有限公司",
    "广州粤秀酒店管理有限公司",
)

#: Competition organisers (city-level contests), again free of restricted words.
COMPETITION_ORGANISERS = (
    ("深圳市职工技能竞赛组委会", "深圳市"),
    ("杭州市职工职业技能大赛组委会", "杭州市"),
    ("佛山市技能人才竞赛组织委员会", "佛山市"),
    ("成都市职业技能竞赛组委会", "成都市"),
    ("青岛市职工技术比武组委会", "青岛市"),
)


#: Private training outfits that print their own free-design certificates (the
#: ``training_outfit`` design). None is in the demo registry: a certificate of
#: theirs that claims an official kind has an unregistered issuer. Their names
#: avoid the restricted words, so their plain training certificates are clean.
TRAINING_OUTFITS = (
    "广州启航教育科技有限公司",
    "东莞市卓越技能培训中心",
    "深圳市博学职业培训学校",
    "佛山市匠心教育咨询有限公司",
    "杭州优才人力资源服务有限公司",
    "成都锦程职业技能培训学校",
    "郑州豫才技工教育咨询有限公司",
)


@dataclass(frozen=True)
class Issuer:
    """One row of the issuer registry (CONTRACT.md section 5)."""

    code: str
    name: str
    kind: str
    status: str
    occupations: tuple[str, ...]
    aliases: tuple[str, ...]
    uscc: str
    registered_on: dt.date

    @property
    def serial_prefix(self) -> str:
        """The first 13 characters of the serials this organisation prints (its code)."""
        return self.code


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def _issuer_from_row(row: dict[str, str]) -> Issuer:
    return Issuer(
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        status=row["status"],
        occupations=_split(row["occupations"]),
        aliases=_split(row.get("aliases") or ""),
        uscc=row.get("uscc") or "",
        registered_on=dt.date.fromisoformat(row["registered_on"]),
    )


@functools.cache
def load_demo_issuers(path: Path = DEMO_ISSUERS_CSV) -> tuple[Issuer, ...]:
    """Every row of the demo issuer registry, in file order."""
    with path.open(encoding="utf-8", newline="") as handle:
        return tuple(_issuer_from_row(row) for row in csv.DictReader(handle))


def active_skill_issuers() -> tuple[Issuer, ...]:
    """Registered, active organisations that may issue 职业技能等级证书 (genuine samples use these)."""
    return tuple(
        issuer
        for issuer in load_demo_issuers()
        if issuer.status == "active" and issuer.kind in _SKILL_LEVEL_ISSUER_KINDS and issuer.occupations
    )


def china_named_employers() -> tuple[Issuer, ...]:
    """Active registered employer-evaluators whose own name starts with 中国 (中国…集团有限公司).

    Their certificates print a restricted word lawfully, as part of the
    registered issuer's name; the wording rules must leave them clean.
    """
    return tuple(
        issuer for issuer in active_skill_issuers() if issuer.kind == "employer" and issuer.name.startswith("中国")
    )

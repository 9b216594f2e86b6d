"""Occupations and skill levels as printed on 职业技能等级证书.

Occupation names come from the 职业分类大典 (2022); a work type (工种/职业方向) is
printed where the occupation has one, else "--", because 人社鉴发〔2021〕1号 §三
forbids leaving the field blank. Levels are written "中文数字+级/等级名称" and their
digit is position 16 of the 22-character 证书编号 (cert-facts §1.3-1.4).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = ["LEVELS", "NO_WORK_TYPE", "OCCUPATIONS", "Occupation", "SkillLevel", "pick_level", "pick_work_type"]

#: What §三 prescribes for an occupation without 工种/职业方向.
NO_WORK_TYPE = "--"


@dataclass(frozen=True)
class SkillLevel:
    """One of the five 职业技能等级.

    Attributes:
        digit: the level digit of the 证书编号 (1 = highest).
        text: the level as printed, e.g. ``四级/中级工``.
    """

    digit: int
    text: str


LEVELS: dict[int, SkillLevel] = {
    1: SkillLevel(1, "一级/高级技师"),
    2: SkillLevel(2, "二级/技师"),
    3: SkillLevel(3, "三级/高级工"),
    4: SkillLevel(4, "四级/中级工"),
    5: SkillLevel(5, "五级/初级工"),
}

#: Most certificates are issued at the entry levels; 一级 is rare.
_LEVEL_WEIGHTS = {1: 0.4, 2: 1.0, 3: 2.5, 4: 3.5, 5: 3.0}


@dataclass(frozen=True)
class Occupation:
    """An occupation of the 职业分类大典 and its 工种/职业方向 (empty when it has none)."""

    name: str
    work_types: tuple[str, ...] = ()


OCCUPATIONS: dict[str, Occupation] = {
    o.name: o
    for o in (
        Occupation("电工"),
        Occupation("焊工", ("电焊工", "气焊工", "钎焊工", "焊接设备操作工")),
        Occupation("车工"),
        Occupation("钳工", ("装配钳工", "机修钳工", "工具钳工")),
        Occupation("汽车维修工", ("汽车机械维修工", "汽车电器维修工", "汽车车身整形修复工")),
        Occupation("保育师"),
        Occupation("育婴员"),
        Occupation("家政服务员", ("家庭照护员", "家务服务员")),
        Occupation("养老护理员"),
        Occupation("健康照护师"),
        Occupation("中式烹调师"),
        Occupation("中式面点师"),
        Occupation("西式面点师"),
        Occupation("美容师"),
        Occupation("美发师"),
        Occupation("企业人力资源管理师"),
        Occupation("电子商务师"),
        Occupation("互联网营销师", ("直播销售员", "视频创推员", "选品员")),
        Occupation("物流服务师"),
        Occupation("茶艺师"),
    )
}


def pick_level(rng: random.Random) -> SkillLevel:
    """A level drawn with the weights of real issuance (entry levels most often)."""
    digits = list(_LEVEL_WEIGHTS)
    return LEVELS[rng.choices(digits, weights=[_LEVEL_WEIGHTS[d] for d in digits])[0]]


def pick_work_type(rng: random.Random, occupation: Occupation) -> str:
    """One of the occupation's work types, or ``--`` when it has none."""
    return rng.choice(occupation.work_types) if occupation.work_types else NO_WORK_TYPE

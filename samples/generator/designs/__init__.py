"""The certificate designs, by name.

A design drafts what a certificate says (:class:`CertificateContent`) and lays
that content out on a sheet. Adding a design (the old 国家职业资格证书 booklet,
a 专项职业能力证书, a free-form knock-off) is one module with a ``draft`` and a
``layout`` function plus one entry in :data:`DESIGNS` below.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from certcheck.types import CertificateKind, EvidenceCode
from samples.generator.content import CertificateContent
from samples.generator.designs import private, professional, qualification, skill_level, special_ability, unjudgeable
from samples.generator.registry import Registry
from samples.generator.render import SheetLayout

__all__ = ["DESIGNS", "Design"]


@dataclass(frozen=True)
class Design:
    """One way certificates look.

    Attributes:
        name: the registry name (``--designs`` on the command line).
        kind: the kind its title claims.
        description: one line for ``--help`` and the README.
        draft: draws the content of a genuine certificate of this design.
        layout: lays content out on a sheet (any content a variant produced).
        judgeable: whether the sheet is a certificate at all; a sheet that is
            not expects ``IMAGE_QUALITY`` and risk ``unknown``.
        mix_weight: share of this design in the default corpus mix.
    """

    name: str
    kind: CertificateKind
    description: str
    draft: Callable[[random.Random], CertificateContent]
    layout: Callable[[CertificateContent, random.Random], SheetLayout]
    judgeable: bool = True
    mix_weight: float = 1.0

    @property
    def expected_codes(self) -> frozenset[EvidenceCode]:
        return frozenset() if self.judgeable else frozenset({EvidenceCode.IMAGE_QUALITY})


DESIGNS = Registry[Design]("design")
for _design in (
    Design(
        "skill_level_2021",
        CertificateKind.SKILL_LEVEL,
        "职业技能等级证书 after the 2021 reference style (人社鉴发〔2021〕1号), layout varied by seed",
        skill_level.draft,
        skill_level.layout,
        mix_weight=8.0,
    ),
    Design(
        "company_internal",
        CertificateKind.TRAINING,
        "a company's internal training certificate (培训证书/结业证书), sealed by the company",
        private.draft_training,
        private.layout_training,
    ),
    Design(
        "competition_award",
        CertificateKind.OTHER,
        "a city skills-contest award (荣誉证书/获奖证书), sealed by the organising committee",
        private.draft_award,
        private.layout_award,
    ),
    Design(
        "skill_level_2021_china_employer",
        CertificateKind.SKILL_LEVEL,
        "职业技能等级证书 of a registered employer-evaluator named 中国…集团有限公司 (restricted word, lawfully)",
        skill_level.draft_china_employer,
        skill_level.layout,
        mix_weight=2.5,
    ),
    Design(
        "training_outfit",
        CertificateKind.TRAINING,
        "a training outfit's own free-design training certificate (labelled rows, photo), issuer in no registry",
        private.draft_outfit,
        private.layout_outfit,
        mix_weight=3.0,
    ),
    Design(
        "qualification_booklet",
        CertificateKind.QUALIFICATION,
        "the holder's page of the old 国家职业资格证书 (16-digit number, 鉴定中心 seal), issued by a province 2009-2019",
        qualification.draft,
        qualification.layout,
    ),
    Design(
        "special_ability",
        CertificateKind.SPECIAL_ABILITY,
        "专项职业能力证书 of a registered 职业技能鉴定指导中心 (number format unpublished)",
        special_ability.draft,
        special_ability.layout,
    ),
    Design(
        "professional_qualification",
        CertificateKind.PROFESSIONAL_QUALIFICATION,
        "专业技术人员职业资格证书 under the 人社部 专用章 (cert-facts §4), issued 2022-2025",
        professional.draft,
        professional.layout,
    ),
    Design(
        "blank_sheet",
        CertificateKind.UNKNOWN,
        "not a certificate: a blank sheet of paper",
        unjudgeable.draft_nothing,
        unjudgeable.layout_blank,
        judgeable=False,
        mix_weight=0.25,
    ),
    Design(
        "not_a_certificate",
        CertificateKind.UNKNOWN,
        "not a certificate: a print of random shapes",
        unjudgeable.draft_nothing,
        unjudgeable.layout_scene,
        judgeable=False,
        mix_weight=0.25,
    ),
):
    DESIGNS.add(_design.name, _design)

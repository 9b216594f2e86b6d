"""The wording knock-offs of the sample generator: what they print agrees with the codes they declare.

Most checks read the laid-out sheet (its text items and seals) without
rasterising it, so they run over many seeds in little time; a few samples are
rendered small to check the truth JSON and determinism.
"""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from certcheck.types import CertificateKind, EvidenceCode, RiskLevel
from rules.catalogue import default_rule_data
from rules.kinds import classify_title
from samples.generator.designs import DESIGNS
from samples.generator.designs.skill_level import QUERY_URL_LINES
from samples.generator.fonts import fonts_available
from samples.generator.issuers import china_named_employers, load_demo_issuers
from samples.generator.render import Seal, Text
from samples.generator.sample import SampleSpec, draft_content, generate_sample, plan_corpus
from samples.generator.truth import truth_to_json
from samples.generator.variants import VARIANTS, Variant

pytestmark = pytest.mark.skipif(
    not fonts_available(),
    reason="CJK fonts missing: apt-get install fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming",
)

WORDING_CODES = frozenset(
    {
        EvidenceCode.FORBIDDEN_WORDING,
        EvidenceCode.ADDED_TEXT,
        EvidenceCode.FALSE_CLAIM,
        EvidenceCode.IMPERSONATED_AUTHORITY,
    }
)
WORDING_VARIANTS = [v for v in VARIANTS.values() if v.expected_codes & WORDING_CODES]
#: CONTRACT.md section 3, FORBIDDEN_WORDING (岗位合格（凭证） as its stem).
RESTRICTED_WORDS = ("中华人民共和国", "中国", "中华", "国家", "全国", "职业资格", "岗位合格", "专业技术职务",
                    "职业技能等级", "专项职业能力")  # fmt: skip
#: CONTRACT.md section 3, FALSE_CLAIM (the phrases the generator prints).
CLAIM_WORDS = ("包过", "不限年龄", "不限专业", "无门槛", "全国通用", "国家认可", "国家承认", "官方认证", "权威证书",
               "积分入户", "积分入学", "评职称", "高补贴", "入库可查")  # fmt: skip
#: ADDED_TEXT: ×××联盟, 就业凭证, 录用依据, 入库… (东人社函〔2022〕37号 二（四）).
ADDED_PATTERN = re.compile(r"联盟|就业凭证|录用依据|入库")
#: Ministries, former ministries, ×××厅（局） and invented national bodies the generator prints.
AUTHORITY_PATTERN = re.compile(
    r"人力资源(?:和)?社会保障(?:部|厅|局)|原(?:劳动和社会保障|劳动|人事)部|(?:国家|全国|中国|中华)\w{0,8}?(?:中心|委员会)"
)
SEEDS = range(12)
NON_OFFICIAL = (CertificateKind.TRAINING, CertificateKind.OTHER)


def _changed(note: str) -> tuple[str, str]:
    """A variant note split into where (``header``, ``added (margin)``, ``title``...) and the printed line."""
    where, line = note.split(": ", 1)
    return where, line.split(" -> ", 1)[-1]


def _cases() -> list[tuple[str, str]]:
    return [
        (d.name, v.name)
        for v in WORDING_VARIANTS
        for d in DESIGNS.values()
        if d.judgeable and v.applies_to(d.kind, d.judgeable)
    ]


def _adds_a_line(design: str, variant: str, seed: int) -> bool:
    """Whether the sheet prints a line where the registered skill-level template prints nothing."""
    if DESIGNS.get(design).kind != CertificateKind.SKILL_LEVEL:
        return False
    content = draft_content(SampleSpec(design, variant, "scan", seed))
    return bool(content.header or content.additions or set(content.footer) - set(QUERY_URL_LINES))


def _printed(design: str, variant: str, seed: int) -> tuple[list[str], list[str]]:
    """The text lines and the seal names the sample's sheet prints (laid out, not rendered)."""
    spec = SampleSpec(design, variant, "scan", seed)
    layout = DESIGNS.get(design).layout(draft_content(spec), random.Random(seed))
    texts = [item.text for item in layout.items if isinstance(item, Text) and item.text]
    seals = [item.spec.arc_text for item in layout.items if isinstance(item, Seal)]
    return texts, seals


def _lawful_text(design: str, lines: list[str]) -> str:
    """The printed text without what an entitled party may print: a registered issuer's own name, and on the
    registered skill-level style the template's ``allowed_phrases`` (职业技能等级证书, 职业技能等级)."""
    text = "\n".join(lines)
    for issuer in load_demo_issuers():
        text = text.replace(issuer.name, "")
    if DESIGNS.get(design).kind == CertificateKind.SKILL_LEVEL:
        text = text.replace("职业技能等级", "")
    return text


def test_wording_variants_cover_every_code_of_the_issue() -> None:
    declared = {code for v in WORDING_VARIANTS for code in v.expected_codes}
    assert WORDING_CODES <= declared
    for variant in WORDING_VARIANTS:
        assert variant.expected_risk == RiskLevel.HIGH, variant.name
        assert variant.kinds is not None and CertificateKind.UNKNOWN not in variant.kinds, variant.name
    in_mix = {v.name for v in WORDING_VARIANTS if v.in_default_mix}
    assert in_mix >= {"added_wording", "false_claim", "forbidden_wording", "impersonated_authority"}


@pytest.mark.parametrize(("design", "variant"), _cases())
def test_declared_codes_match_what_is_printed(design: str, variant: str) -> None:
    """Each wording code is declared exactly when its kind of wording is printed, over many seeds.

    ADDED_TEXT: a named kind of added wording anywhere, or on the registered
    skill-level style any line its template does not print.
    """
    codes = VARIANTS.get(variant).expected_codes
    for seed in SEEDS:
        lines, seals = _printed(design, variant, seed)
        lawful = _lawful_text(design, lines + seals)
        text = "\n".join(lines)
        where = f"{design}/{variant}/{seed}"
        assert any(w in lawful for w in RESTRICTED_WORDS) == (EvidenceCode.FORBIDDEN_WORDING in codes), where
        assert any(w in text for w in CLAIM_WORDS) == (EvidenceCode.FALSE_CLAIM in codes), where
        added = bool(ADDED_PATTERN.search(text)) or _adds_a_line(design, variant, seed)
        assert added == (EvidenceCode.ADDED_TEXT in codes), where
        authority = bool(AUTHORITY_PATTERN.search("\n".join(lines + seals)))
        assert authority == (EvidenceCode.IMPERSONATED_AUTHORITY in codes), where


@pytest.mark.parametrize(
    "design",
    [d.name for d in DESIGNS.values() if d.judgeable and d.kind in (CertificateKind.SKILL_LEVEL, *NON_OFFICIAL)],
)
def test_genuine_certificates_print_no_wording_finding(design: str) -> None:
    """The genuine half stays clean: restricted words only inside a registered issuer's name or the template.

    The wording variants' designs only: the old official designs print 中华人民共和国 … lawfully, as their own
    templates' ``allowed_phrases`` say, which this test does not model.
    """
    for seed in range(30):
        lines, seals = _printed(design, "genuine", seed)
        lawful, text = _lawful_text(design, lines + seals), "\n".join(lines)
        assert not any(w in lawful for w in RESTRICTED_WORDS), (design, seed, lawful)
        assert not any(w in text for w in CLAIM_WORDS) and not ADDED_PATTERN.search(text), (design, seed)
        assert not AUTHORITY_PATTERN.search("\n".join(lines + seals)), (design, seed)


@pytest.mark.parametrize("variant", [v.name for v in WORDING_VARIANTS])
def test_the_changed_line_is_printed_and_noted(variant: str) -> None:
    """The note names what changed, and that line is on the sheet (the truth's printed_text comes from it)."""
    design = next(d.name for d in DESIGNS.values() if d.judgeable and VARIANTS.get(variant).applies_to(d.kind, True))
    for seed in SEEDS:
        content = draft_content(SampleSpec(design, variant, "scan", seed))
        assert content.notes, (variant, seed)
        _, changed = _changed(content.notes[-1])
        lines, seals = _printed(design, variant, seed)
        assert changed in lines or changed in seals, (variant, seed, changed)


@pytest.mark.parametrize("variant", [v.name for v in WORDING_VARIANTS])
def test_truth_kind_follows_the_printed_title(variant: str) -> None:
    """The truth's kind is what the checker's kind table makes of the printed title (rules/data)."""
    kinds = default_rule_data().kinds
    for design in {d for d, v in _cases() if v == variant}:
        for seed in SEEDS:
            content = draft_content(SampleSpec(design, variant, "scan", seed))
            assert classify_title(content.title, kinds) == content.kind, (design, variant, seed, content.title)


def test_official_title_knockoff_claims_an_official_kind_without_registered_issuer() -> None:
    registered = {issuer.name for issuer in load_demo_issuers()}
    seen = set()
    for seed in range(20):
        content = draft_content(SampleSpec("training_outfit", "official_title_knockoff", "scan", seed))
        seen.add(content.kind)
        issuer = content.field("issuer")
        assert issuer is not None and issuer.value not in registered
    assert seen == {CertificateKind.SKILL_LEVEL, CertificateKind.SPECIAL_ABILITY}


def _variety(variant: Variant, design: str) -> tuple[Counter[str], Counter[str]]:
    lines: Counter[str] = Counter()
    places: Counter[str] = Counter()
    for seed in range(40):
        place, line = _changed(draft_content(SampleSpec(design, variant.name, "scan", seed)).notes[-1])
        lines[line] += 1
        places[place] += 1
    return lines, places


@pytest.mark.parametrize("variant", [v.name for v in WORDING_VARIANTS if v.in_default_mix])
def test_wording_varies_by_seed(variant: str) -> None:
    """Several phrasings and several places per class, so no rule can be tuned to one string."""
    design = next(d.name for d in DESIGNS.values() if d.judgeable and VARIANTS.get(variant).applies_to(d.kind, True))
    lines, places = _variety(VARIANTS.get(variant), design)
    # A title or a 证书正文 has one place by nature; the phrasing still varies.
    assert len(lines) >= 2 and (len(places) >= 2 or set(places) in ({"title"}, {"body"})), (lines, places)
    assert max(lines.values()) <= 30


def test_china_employer_design_drafts_registered_china_named_issuers() -> None:
    names = {issuer.name for issuer in china_named_employers()}
    assert len(names) >= 2
    drawn = {
        draft_content(SampleSpec("skill_level_2021_china_employer", "genuine", "scan", seed)).truth_fields()["issuer"]
        for seed in range(20)
    }
    assert drawn == names


def test_default_corpus_is_half_genuine_with_every_wording_knockoff() -> None:
    """``make eval`` (120 photos, seed 2027): about half genuine, 中国-named issuers among them, all knock-offs."""
    plan = [spec for _, spec in plan_corpus(120, 2027)]
    genuine = [spec for spec in plan if spec.variant == "genuine"]
    assert 0.4 <= len(genuine) / len(plan) <= 0.6
    assert sum(spec.design == "skill_level_2021_china_employer" for spec in genuine) >= 6
    assert {v.name for v in WORDING_VARIANTS if v.in_default_mix} <= {spec.variant for spec in plan}


@pytest.mark.parametrize(
    "spec",
    [
        SampleSpec("training_outfit", "official_title_knockoff", "phone", 5, 600),
        SampleSpec("skill_level_2021_china_employer", "false_claim_national_skill_level", "phone", 6, 600),
        SampleSpec("competition_award", "impersonated_authority", "scan", 2, 600),
    ],
)
def test_wording_samples_render_with_their_truth(spec: SampleSpec) -> None:
    sample, again = generate_sample(spec), generate_sample(spec)
    assert truth_to_json(sample.truth) == truth_to_json(again.truth)
    assert sample.photo.jpeg == again.photo.jpeg
    variant = VARIANTS.get(spec.variant)
    assert set(sample.truth.expected_codes) == {code.value for code in variant.expected_codes}
    assert sample.truth.expected_risk == variant.expected_risk.value
    assert sample.truth.kind == sample.content.kind.value and sample.truth.title == sample.content.title
    printed = {line.text for line in sample.truth.printed_text}
    _, changed = _changed(sample.truth.variant_notes[-1])
    assert changed in printed or any(seal.arc_text == changed for seal in sample.content.seals)

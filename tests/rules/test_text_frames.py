"""Claims versus mentions (rules/text_frames.py, rules/data/text_frames.yaml) and the claims of real adverts.

Every short text here was written for these tests. The real published texts and the campaign notices are
read in place from ``../shared/`` (never copied); those tests skip when the folder is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.evaluate_text import (
    DEFAULT_CORPORA,
    evaluate,
    false_alarms,
    load_corpus,
    load_policy_texts,
    load_real_texts,
)
from certcheck.errors import RegistryError
from certcheck.types import EvidenceCode, RiskLevel, Severity
from rules.text_check import check_text, is_mention
from rules.text_frames import FRAMES_FILE, default_frames, load_frames, plain, read_discourse
from rules.wording import Scope, default_wording, find_wording

SHARED = Path(__file__).resolve().parents[3] / "shared"
REAL_TEXTS = SHARED / "real-texts.jsonl"
POLICY = SHARED / "policy"


def _claims(text: str) -> list[tuple[str, str]]:
    return [(f.evidence.code.value, text[f.start : f.end]) for f in check_text(text).findings]


def _mentions(text: str) -> list[tuple[str, str | None]]:
    return [(text[f.start : f.end], f.frame) for f in check_text(text).mentions]


# --- the data file ---------------------------------------------------------------------------------


def test_text_frames_packaged_file_validates() -> None:
    frames = load_frames()
    assert {f.id for f in frames.span_frames} >= {"negation", "reporting", "speech", "quoted-as-wording",
                                                  "regulator-list", "prohibition", "denied-after", "authority-acts"}
    assert {g.id for g in frames.genres} == {"report", "explainer"}
    assert frames.variants.chars["认"] and frames.selling.phrases


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("  min_markers: 2", "  min_markers: 2\n    colour: red"), "colour"),
        (("'^(?:近日", "'^(?:(近日"), "not a valid regular expression"),
        (("id: speech", "id: negation"), "frame ids repeat"),
        (("认: [忍,", "认: [认,"), "the key itself"),
        (("认: [忍,", "认: [正,"), "a variant of both"),
        (("skip_sentences_with: [reporting, warning]", "skip_sentences_with: [gossip]"), "unknown frames"),
    ],
)
def test_text_frames_bad_file_is_a_registry_error_naming_the_file(tmp_path: Path, change: tuple[str, str],
                                                                  problem: str) -> None:
    original = FRAMES_FILE.read_text(encoding="utf-8")
    assert change[0] in original
    bad = tmp_path / "text_frames.yaml"
    bad.write_text(original.replace(change[0], change[1], 1), encoding="utf-8")
    with pytest.raises(RegistryError) as error:
        load_frames(bad)
    assert str(bad) in error.value.message_en and problem in error.value.message_en


def test_text_frames_plain_keeps_offsets() -> None:
    text = "證書“國家認可”！ＰＭＰ\u3000½"
    folded = plain(text)
    assert len(folded) == len(text) and folded.startswith("证书“国家认可”!pmp")


# --- mentions --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word", "frame"),
    [
        ("那种证书根本不被国家认可。", "国家认可", "negation"),
        ("有机构宣称学员报名即可拿证。", "报名即可拿证", "reporting"),
        ("工作人员在电话里说，交了钱之后不用考试直接拿证。", "不用考试直接拿证", "speech"),
        ("广告里使用“终身有效”字样误导学员。", "终身有效", "quoted-as-wording"),
        ("凡是宣传全国通用、保证通过等说法的机构，一律查处。", "保证通过", "regulator-list"),
        ("不得在宣传中称证书永久有效或者可以用于积分落户。", "积分落户", "prohibition"),
        ("网上流传“人社部备案”的证书根本不存在。", "人社部备案", "denied-after"),
        ("人社部近日发布提示，提醒劳动者选择正规机构。", "人社部", None),
        ("本市积分入户政策以市人社局公布的为准。", "积分入户", "policy-noun"),
        ("“包过”两个字戳中了想走捷径的人。", "包过", "quoted-as-wording"),
    ],
)
def test_text_frames_span_frames_set_a_mention_aside(text: str, word: str, frame: str | None) -> None:
    result = check_text(text)
    assert result.findings == () and result.risk_level == RiskLevel.LOW
    if frame is not None:  # a ministry's own act is not even a candidate (no 颁发/认可 after it)
        assert (word, frame) in _mentions(text)


def test_text_frames_report_genre_covers_a_narrative_sentence() -> None:
    # The second sentence carries no frame of its own; the text is a report (记者, 经查, 涉嫌…) that sells nothing.
    text = ("本报记者调查发现，一些山寨证书以假乱真。某学员拿到的是一张注册职业资格证书，"
            "盖着全国职业技能考评委员会的章。经查，该机构涉嫌虚假宣传。")
    assert _claims(text) == []
    assert {frame for _, frame in _mentions(text)} == {"report"}


def test_text_frames_explainer_names_are_not_claims_but_its_false_claims_are() -> None:
    explainer = ("什么是国家职业资格证书？它是指列入国家职业资格目录的证书，由人力资源和社会保障部或有关部门"
                 "组织实施，可在技能人才评价工作网查询。")
    assert _claims(explainer) == []
    fake = "什么是高级理疗师证书？高级理疗师证书由人社部颁发，全国通用，可在官网查询。"
    assert ("FALSE_CLAIM", "全国通用") in _claims(fake)
    assert check_text(fake).risk_level == RiskLevel.HIGH


# --- claims that stay claims -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a warning used as bait: the text sells (我们的证书, 报名热线), so only span frames count
        ("谨防假证！认准正规机构。我们的证书人社部备案，终身有效，报名热线 137****0921。",
         {("FALSE_CLAIM", "人社部备案"), ("FALSE_CLAIM", "终身有效")}),
        # its own hook in quotes, with no marker naming it as wording
        ("本期“考试不过全额退款”班火热招生！", {("FALSE_CLAIM", "考试不过全额退款")}),
        # news words in an advert: selling wins over the report genre
        ("近日多地严查山寨证书！本中心颁发的证书全国范围内通用，报名即可拿证，欢迎咨询。",
         {("FALSE_CLAIM", "全国范围内通用"), ("FALSE_CLAIM", "报名即可拿证")}),
        # a negation outside the claim's clause does not reach it
        ("不是所有机构都靠谱，本校包过，不用考试直接拿证。",
         {("FALSE_CLAIM", "包过"), ("FALSE_CLAIM", "不用考试直接拿证")}),
    ],
)
def test_text_frames_adverts_stay_high(text: str, expected: set[tuple[str, str]]) -> None:
    result = check_text(text)
    assert expected <= set(_claims(text)), _mentions(text)
    assert result.risk_level == RiskLevel.HIGH


def test_text_frames_selling_markers_in_quotes_or_reported_speech_do_not_count() -> None:
    assert read_discourse("记者拨打对方的咨询电话，对方称报名从速。").selling == ()
    assert read_discourse("所谓“欢迎咨询”“名额有限”不过是话术。").selling == ()
    assert read_discourse("名额有限，欢迎咨询。").selling == ("名额有限", "欢迎咨询")


def test_text_frames_a_wrapped_line_is_not_a_sentence_end() -> None:
    wrapped = read_discourse("一些机构对外宣称证书国家承认、\n永久有效。")
    assert wrapped.sentence(0) == wrapped.sentence(17)
    ended = read_discourse("第一句。\n第二句")
    assert ended.sentence(0) != ended.sentence(6)
    assert _claims("一些机构对外宣称证书国家承认、\n永久有效。") == []


# --- homophones and look-alikes --------------------------------------------------------------------


def test_text_frames_variant_characters_find_the_claim_with_offsets_into_the_original() -> None:
    text = "这个证官方忍可，全国同用，不限年令，私信报名。"
    result = check_text(text)
    assert set(_claims(text)) == {("FALSE_CLAIM", "官方忍可"), ("FALSE_CLAIM", "全国同用"), ("FALSE_CLAIM", "不限年令")}
    score = default_frames().variants.score
    for finding in result.findings:
        assert finding.evidence.text == text[finding.start : finding.end]
        assert finding.evidence.confidence == pytest.approx(score / 100)


def test_text_frames_a_question_asks_rather_than_claims() -> None:
    assert ("全国通用", "question") in _mentions("问：职业技能等级证书全国通用吗？答：以各地政策为准。")
    # in an advert the rhetorical question still sells
    assert ("FALSE_CLAIM", "全国通用") in _claims("想要全国通用的证书吗？欢迎咨询。")


def test_text_frames_patterns_see_through_variants_too() -> None:
    text = "考不过全额退宽，戳我报名"
    assert _claims(text) == [("FALSE_CLAIM", "考不过全额退宽")]
    # the opposite statement is no claim: the gap of 不用考试……拿证 may not hold a 不
    assert _claims("本校不考试不发证，不代办任何证书。") == []


def test_text_frames_variants_are_limited_in_number_and_length() -> None:
    assert _claims("官芳忍证，私信报名") == []  # two variants in one four-character phrase
    assert _claims("包锅，私信报名") == []  # two-character phrases are matched exactly only


# --- the new claims on certificates ---------------------------------------------------------------


@pytest.mark.parametrize("word", ["终身有效", "人社部备案", "积分落户"])
def test_text_frames_new_claims_apply_on_certificates_too(word: str) -> None:
    hits = find_wording(f"本证书{word}", default_wording(), Scope.CERTIFICATE)
    # (on a certificate 全国 and 人社部 are judged as well, by their own entries)
    assert [h.text for h in hits if h.entry.code == EvidenceCode.FALSE_CLAIM] == [word]


@pytest.mark.parametrize("word", ["报名即可拿证", "考试不过全额退款", "全国范围内有效"])
def test_text_frames_enrolment_claims_are_for_texts_only(word: str) -> None:
    on_certificate = find_wording(word, default_wording(), Scope.CERTIFICATE)
    assert not [h for h in on_certificate if h.entry.code == EvidenceCode.FALSE_CLAIM]
    assert [h.text for h in find_wording(word, default_wording(), Scope.TEXT)] == [word]


def test_text_frames_lawful_filing_and_retake_stay_clean() -> None:
    assert _claims("本单位是经省人力资源和社会保障厅备案的评价机构，考核未通过者可参加一次补考。") == []


def test_text_frames_is_mention_keeps_its_meaning() -> None:
    assert is_mention("不得使用“包过”“国家认可”等字样进行宣传", 5, 7)
    assert not is_mention("本班“包过”，报名从速", 3, 5)


# --- corpora and real texts --------------------------------------------------------------------------


#: Floors per batch (README "Text check"): the first six after the fixes their first measurement led to; the
#: seventh was measured once and left untuned (precision 0.889, recall 0.727, 1 of 9 clean texts flagged).
_FLOORS = {"discourse": (0.95, 0.9, 0), "discourse_second": (0.95, 0.9, 0), "discourse_third": (0.95, 0.9, 0),
           "discourse_fourth": (0.95, 0.9, 0), "discourse_fifth": (0.95, 0.9, 0), "discourse_sixth": (0.95, 0.9, 0),
           "discourse_seventh": (0.85, 0.7, 1)}


@pytest.mark.parametrize("corpus", DEFAULT_CORPORA[1:], ids=lambda p: p.stem)
def test_text_frames_discourse_corpora(corpus: Path) -> None:
    precision, recall, flagged = _FLOORS[corpus.stem]
    result = evaluate(load_corpus(corpus))
    assert result["overall"]["precision"] >= precision and result["overall"]["recall"] >= recall
    assert result["clean_texts_flagged"] <= flagged
    assert result["clean_texts_with_mentions_set_aside"] >= result["clean_texts"] // 2


@pytest.mark.skipif(not REAL_TEXTS.is_file(), reason=f"{REAL_TEXTS} is absent")
def test_text_frames_real_published_texts_are_low() -> None:
    texts = load_real_texts(REAL_TEXTS)
    result = false_alarms(texts)
    assert result["texts"] >= 6 and result["false_alarms"] == 0, result["by_kind"]
    # The words are there and found: they are set aside as mentions, not missed.
    assert sum(result["mentions_set_aside_by_frame"].values()) >= 5
    for item in texts:
        strong = [f for f in check_text(item.text).findings if f.evidence.severity.rank >= Severity.MEDIUM.rank]
        assert not strong, item.kind


@pytest.mark.skipif(not POLICY.is_dir(), reason=f"{POLICY} is absent")
def test_text_frames_campaign_notices_are_low() -> None:
    result = false_alarms(load_policy_texts(POLICY))
    assert result["texts"] >= 5 and result["false_alarms"] == 0, result["by_kind"]

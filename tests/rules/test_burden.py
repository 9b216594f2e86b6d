"""The burden of proof (rules/burden.py): findings weighed against who issued the document and what it is."""

from __future__ import annotations

from collections.abc import Sequence

from certcheck.types import (
    CertificateFields,
    CertificateKind,
    Detection,
    Evidence,
    EvidenceCode,
    FieldValue,
    OcrLine,
    OcrResult,
    Severity,
)
from rules.authorities import find_state_issuer, issuing_names
from rules.burden import weigh_evidence
from rules.catalogue import default_rule_data
from rules.context import RuleContext
from rules.documents import identify_document
from rules.evidence import make_evidence
from rules.wording import wording_rule
from templates_registry.loader import load_registry

DATA = default_rule_data()
REGISTRY = load_registry(None)
PAGE = (1400, 1000)


def _lines(rows: Sequence[tuple[str, float]]) -> tuple[OcrLine, ...]:
    out = []
    for text, y in rows:
        x1 = 100.0 + 24 * len(text)
        out.append(OcrLine(text, ((100.0, y), (x1, y), (x1, y + 30), (100.0, y + 30)), 0.98))
    return tuple(out)


def _context(rows: Sequence[tuple[str, float]], kind: CertificateKind, *, issuer: str | None = None,
             seals: Sequence[str] = ()) -> RuleContext:
    lines = _lines(rows)
    ocr = OcrResult(lines)
    issuer_field = None
    if issuer is not None:
        line = next(ln for ln in lines if issuer in ln.text)
        issuer_field = FieldValue("issuer", issuer, line.quad, 0.98)
    fields = CertificateFields(kind=kind, issuer=issuer_field)
    detections = tuple(
        Detection("seal.v1", "seal", ((900.0, 700.0), (1100.0, 700.0), (1100.0, 900.0), (900.0, 900.0)), 0.9,
                  {"text": text, "text_confidence": 0.99}) for text in seals
    )
    names = issuing_names(fields, detections, ocr, PAGE[1], DATA.state_bodies)
    title = FieldValue("title", lines[0].text, lines[0].quad, 0.98)
    document = identify_document(ocr, title, kind, detections, PAGE, DATA)
    return RuleContext(
        ocr=ocr, page_size=PAGE, fields=fields, candidates=(), matched=None, issuer=None, registry=REGISTRY,
        detections=detections, data=DATA, document=document, issuing_names=names,
        state_issuer=find_state_issuer(names, DATA.state_bodies),
    )


def _weighed(ctx: RuleContext) -> list[tuple[str, str]]:
    return sorted((e.code.value, e.severity.value) for e in weigh_evidence(ctx, wording_rule(ctx)))


def test_a_national_competitions_award_is_not_judged_for_its_name() -> None:
    rows = [("获奖证书", 80), ("在全国大学生数学建模竞赛中荣获一等奖", 300), ("某某大学", 800)]
    ctx = _context(rows, CertificateKind.OTHER)
    assert [e.code for e in wording_rule(ctx)] == [EvidenceCode.FORBIDDEN_WORDING]  # the rule sees the word
    assert _weighed(ctx) == []


def test_a_skill_title_with_a_state_name_is_judged_though_its_kind_is_other() -> None:
    ctx = _context([("国家岗位能力证书", 80), ("张三同志经考核合格，特发此证", 300), ("某某教育科技有限公司", 800)],
                   CertificateKind.OTHER, issuer="某某教育科技有限公司")
    assert ("FORBIDDEN_WORDING", "high") in _weighed(ctx)


def test_an_award_of_a_county_education_bureau_is_its_own() -> None:
    ctx = _context([("荣誉证书", 80), ("张三同学荣获三等奖，特发此证", 300), ("莆田市涵江区教育局", 800)],
                   CertificateKind.OTHER, seals=["莆田市涵江区教育局"])
    assert _weighed(ctx) == []


def test_a_ministry_supervising_a_private_certificate_is_still_impersonation() -> None:
    ctx = _context([("培训证书", 80), ("人力资源和社会保障部监制", 300), ("某某职业培训学校", 800)],
                   CertificateKind.TRAINING, issuer="某某职业培训学校", seals=["某某职业培训学校培训专用章"])
    assert ("IMPERSONATED_AUTHORITY", "high") in _weighed(ctx)


def test_a_state_centres_special_ability_certificate_prints_its_own_kind() -> None:
    rows = [("专项职业能力考核记录", 80), ("参加图形图像处理专项职业能力考核，成绩合格", 300),
            ("发证机关：莆田市职业技能鉴定指导中心", 800)]
    ctx = _context(rows, CertificateKind.SPECIAL_ABILITY, seals=["莆田市职业技能鉴定指导中心"])
    assert ctx.state_issuer is not None
    assert _weighed(ctx) == []
    # The same words from an outfit that is no state body stay.
    outfit = _context([*rows[:2], ("某某职业培训学校", 800)], CertificateKind.SPECIAL_ABILITY,
                      issuer="某某职业培训学校", seals=["某某职业培训学校"])
    assert ("FORBIDDEN_WORDING", "high") in _weighed(outfit)


def test_an_invented_national_body_is_not_excused_on_a_state_document() -> None:
    rows = [("专项职业能力证书", 80), ("国家职业技能鉴定管理中心监制", 300), ("莆田市职业技能鉴定指导中心", 800)]
    ctx = _context(rows, CertificateKind.SPECIAL_ABILITY, seals=["莆田市职业技能鉴定指导中心"])
    assert ("IMPERSONATED_AUTHORITY", "high") in _weighed(ctx)


def test_an_authority_beside_a_lookup_address_is_low() -> None:
    ctx = _context([("毕业证书", 80), ("教育部学历证书查询网址：http://www.chsi.com.cn", 700), ("某某大学", 800)],
                   CertificateKind.TRAINING, issuer="某某大学")
    assert _weighed(ctx) == [("IMPERSONATED_AUTHORITY", "low")]


def _finding(code: EvidenceCode, quad: tuple, severity: Severity | None = None) -> Evidence:
    return make_evidence(DATA, code, "m", "m", quad=quad, severity=severity)


def test_a_weak_signal_alone_is_low_and_with_an_independent_finding_on_it_stays() -> None:
    ctx = _context([("培训证书", 80)], CertificateKind.TRAINING)
    box = ((100.0, 300.0), (400.0, 300.0), (400.0, 340.0), (100.0, 340.0))
    elsewhere = ((100.0, 600.0), (400.0, 600.0), (400.0, 640.0), (100.0, 640.0))
    tampering = _finding(EvidenceCode.TAMPERING, box)
    assert [e.severity for e in weigh_evidence(ctx, [tampering])] == [Severity.LOW]
    agreeing = _finding(EvidenceCode.FIELD_INVALID, box)
    weighed = weigh_evidence(ctx, [tampering, agreeing])
    assert [e.severity for e in weighed] == [Severity.MEDIUM, Severity.MEDIUM]
    apart = weigh_evidence(ctx, [tampering, _finding(EvidenceCode.FIELD_INVALID, elsewhere)])
    assert apart[0].severity == Severity.LOW


def test_only_stand_alone_codes_stay_high() -> None:
    ctx = _context([("培训证书", 80)], CertificateKind.TRAINING)
    box = ((100.0, 300.0), (400.0, 300.0), (400.0, 340.0), (100.0, 340.0))
    weighed = weigh_evidence(ctx, [_finding(EvidenceCode.FOREIGN_MARK, box, Severity.HIGH),
                                   _finding(EvidenceCode.FALSE_CLAIM, box)])
    assert [(e.code, e.severity) for e in weighed] == [
        (EvidenceCode.FOREIGN_MARK, Severity.MEDIUM), (EvidenceCode.FALSE_CLAIM, Severity.HIGH)]


def test_an_invented_national_body_issuing_a_skill_certificate_is_impersonation() -> None:
    from rules.registry import invented_body_on_skill_certificates

    invented = _context([("培训证书", 80), ("国家职业技能评价管理委员会", 800)], CertificateKind.TRAINING,
                        issuer="国家职业技能评价管理委员会")
    assert [e.code for e in invented_body_on_skill_certificates(invented)] == [EvidenceCode.IMPERSONATED_AUTHORITY]
    society = _context([("获奖证书", 80), ("荣获全国大学生数学建模竞赛二等奖", 300), ("中国工业与应用数学学会", 800)],
                       CertificateKind.OTHER, issuer="中国工业与应用数学学会")
    assert invented_body_on_skill_certificates(society) == []  # an award's co-issuing society is not judged
    college = _context([("结业证书", 80), ("国家卓越工程师学院总支部委员会", 800)], CertificateKind.TRAINING,
                       issuer="国家卓越工程师学院总支部委员会")
    assert invented_body_on_skill_certificates(college) == []  # a school's own unit


def test_filled_in_values_that_all_look_sharper_are_overprinting_not_edits() -> None:
    ctx = _context([("培训证书", 80)], CertificateKind.TRAINING)
    boxes = [((100.0, y), (400.0, y), (400.0, y + 40), (100.0, y + 40)) for y in (300.0, 400.0)]
    alike = [make_evidence(DATA, EvidenceCode.TAMPERING, "m", "m", text=t, quad=b, severity=Severity.LOW)
             for t, b in zip(("张三", "焊工"), boxes, strict=True)]
    assert [e.severity for e in weigh_evidence(ctx, alike)] == [Severity.INFO, Severity.INFO]
    alone = weigh_evidence(ctx, alike[:1])
    assert [e.severity for e in alone] == [Severity.LOW]

"""Tests of the sample generator (``samples/generator``), its CLIs and the committed demo files."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from certcheck.types import CertificateKind
from rules.catalogue import default_rule_data
from rules.kinds import classify_title
from samples import DEMO_ISSUERS, PHOTOS_DIR
from samples.generate import main as generate_main
from samples.generator import fonts
from samples.generator.catalogue import LEVELS
from samples.generator.demo import DEMO_SAMPLES
from samples.generator.designs import DESIGNS, ncre, one_plus_x, qualification, skill_level, special_ability
from samples.generator.designs.official_references import BUILTIN_DIR, OFFICIAL_REFERENCES
from samples.generator.fonts import FontRole, MissingFontError, fonts_available
from samples.generator.issuers import load_demo_issuers
from samples.generator.people import is_valid_id_number
from samples.generator.photo import CONDITIONS
from samples.generator.registry import UnknownNameError
from samples.generator.render import render_layout
from samples.generator.sample import SampleSpec, draft_content, generate_sample, plan_corpus, write_sample
from samples.generator.truth import load_truth, truth_to_json
from samples.generator.variants import VARIANTS, skill_level_serial_pattern
from samples.render_reference import REFERENCE_PATH
from templates_registry.loader import load_template_folder

pytestmark = pytest.mark.skipif(
    not fonts_available(),
    reason="CJK fonts missing: apt-get install fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming",
)

#: Small photos keep the tests fast; geometry does not depend on the size.
SMALL = 800


def _skill_spec(
    variant: str = "genuine", conditions: str = "phone", seed: int = 3, long_side: int = SMALL
) -> SampleSpec:
    return SampleSpec("skill_level_2021", variant, conditions, seed, long_side)


def _inside(point: tuple[float, float], size: tuple[int, int]) -> bool:
    return 0 <= point[0] <= size[0] and 0 <= point[1] <= size[1]


def test_generate_sample_same_seed_same_bytes() -> None:
    first, second = generate_sample(_skill_spec(seed=5)), generate_sample(_skill_spec(seed=5))
    assert truth_to_json(first.truth) == truth_to_json(second.truth)
    assert first.photo.jpeg == second.photo.jpeg


def test_generate_sample_other_seed_other_certificate() -> None:
    assert draft_content(_skill_spec(seed=5)).truth_fields() != draft_content(_skill_spec(seed=6)).truth_fields()


def test_generate_sample_conditions_do_not_change_the_certificate() -> None:
    scan = generate_sample(_skill_spec(conditions="scan", seed=9))
    phone = generate_sample(_skill_spec(conditions="phone", seed=9))
    assert scan.truth.fields == phone.truth.fields
    assert np.array_equal(scan.sheet.pixels, phone.sheet.pixels)


@pytest.mark.parametrize("seed", range(40))
def test_skill_level_draft_is_consistent(seed: int) -> None:
    content = skill_level.draft(random.Random(seed))
    fields = content.truth_fields()
    serial, level, issue_date = fields["serial_number"], fields["level"], fields["issue_date"]
    assert serial is not None and level is not None and issue_date is not None
    assert skill_level_serial_pattern().fullmatch(serial)
    assert LEVELS[int(serial[15])].text == level
    assert serial[13:15] == issue_date[2:4]
    issuer = next(i for i in load_demo_issuers() if i.name == fields["issuer"])
    assert serial.startswith(issuer.code) and issuer.status == "active"
    assert fields["occupation"] in issuer.occupations
    assert dt.date.fromisoformat(issue_date) > issuer.registered_on
    assert fields["id_number"] is not None and is_valid_id_number(fields["id_number"])
    assert content.qr_payload is not None and content.qr_payload.startswith("http://jndj.osta.org.cn/")
    assert serial in content.qr_payload
    assert content.title == "职业技能等级证书" and content.kind is CertificateKind.SKILL_LEVEL


@pytest.mark.parametrize("seed", range(60))
def test_serial_bad_format_never_matches_template(seed: int) -> None:
    content = draft_content(_skill_spec("serial_bad_format", seed=seed))
    serial = content.truth_fields()["serial_number"]
    assert serial is not None and not skill_level_serial_pattern().fullmatch(serial)
    assert content.qr_payload is not None and serial in content.qr_payload
    assert content.notes


def test_serial_missing_prints_no_serial() -> None:
    sample = generate_sample(_skill_spec("serial_missing", seed=4))
    assert sample.truth.fields.serial_number is None
    assert "serial_number" not in sample.truth.field_boxes
    assert all(not text.text.startswith("证书编号") for text in sample.truth.printed_text)
    assert sample.truth.expected_codes == ("SERIAL_FORMAT",)
    assert sample.content.qr_payload is not None and "?" not in sample.content.qr_payload


def _render_cases() -> list[tuple[str, str]]:
    """Every design once (genuine), and every variant once on a design it applies to, designs taken in turn.

    Rendering every pair would take half a minute on two cores; each variant
    and each design still renders once, and the designs share the variants.
    """
    cases = [(d.name, "genuine") for d in DESIGNS.values()]
    for i, variant in enumerate(v for v in VARIANTS.values() if v.name != "genuine"):
        designs = [d for d in DESIGNS.values() if d.judgeable and variant.applies_to(d.kind, d.judgeable)]
        if designs:
            cases.append((designs[i % len(designs)].name, variant.name))
    return cases


@pytest.mark.parametrize(("design", "variant"), _render_cases())
def test_every_design_and_variant_renders(design: str, variant: str) -> None:
    sample = generate_sample(SampleSpec(design, variant, "phone", 7, SMALL))
    truth = sample.truth
    assert max(truth.photo_size) == SMALL
    assert all(_inside(p, truth.photo_size) for p in truth.sheet_corners)
    printed = {key for key, value in vars(truth.fields).items() if value is not None}
    assert printed <= set(truth.field_boxes)
    assert (truth.title is not None) == ("title" in truth.field_boxes)
    for box in truth.field_boxes.values():
        x0, y0, x1, y1 = box.bbox
        assert 0 <= x0 < x1 <= truth.photo_size[0] and 0 <= y0 < y1 <= truth.photo_size[1]


@pytest.mark.parametrize("conditions", CONDITIONS.names())
def test_every_condition_photographs(conditions: str) -> None:
    sample = generate_sample(_skill_spec(conditions=conditions, seed=2))
    truth = sample.truth
    image = sample.photo.decode()
    assert (image.shape[1], image.shape[0]) == truth.photo_size
    assert all(_inside(p, truth.photo_size) for p in truth.sheet_corners)
    expected_rotation = {"sideways": {90, 270}, "upside_down": {180}, "hard": {0, 90, 270}}
    assert truth.rotation in expected_rotation.get(conditions, {0})
    judgeable = CONDITIONS.get(conditions).judgeable
    assert (truth.expected_risk == "unknown") == (not judgeable)
    assert ("IMAGE_QUALITY" in truth.expected_codes) == (not judgeable)


def test_sheet_corners_follow_the_certificate_orientation() -> None:
    truth = generate_sample(_skill_spec(conditions="upside_down", seed=2)).truth
    (tlx, tly), _, (brx, bry), _ = truth.sheet_corners
    assert tlx > brx and tly > bry


def test_scan_corners_are_the_image_corners() -> None:
    truth = generate_sample(_skill_spec(conditions="scan", seed=2)).truth
    w, h = truth.photo_size
    assert truth.sheet_corners == ((0.0, 0.0), (float(w), 0.0), (float(w), float(h)), (0.0, float(h)))


def test_scan_boxes_are_render_boxes_scaled() -> None:
    sample = generate_sample(_skill_spec(conditions="scan", seed=2, long_side=1000))
    scale = 1000 / max(sample.sheet.size)
    for key, (x0, y0, x1, y1) in sample.sheet.field_boxes().items():
        expected = (x0 * scale, y0 * scale, x1 * scale, y1 * scale)
        assert np.allclose(sample.truth.field_boxes[key].bbox, expected, atol=1.0), key


def test_field_boxes_land_on_ink() -> None:
    """Each field box, mapped into the photo, covers printed text: darker than the paper around it."""
    sample = generate_sample(_skill_spec(conditions="phone", seed=8, long_side=1600))
    grey = cv2.cvtColor(sample.photo.decode(), cv2.COLOR_BGR2GRAY)
    corners = np.asarray(sample.truth.sheet_corners, dtype=np.int32)
    sheet_mask = np.zeros_like(grey)
    cv2.fillConvexPoly(sheet_mask, corners, 255)
    paper = float(np.median(grey[sheet_mask > 0]))
    for key, box in sample.truth.field_boxes.items():
        x0, y0, x1, y1 = box.bbox
        assert cv2.pointPolygonTest(corners, ((x0 + x1) / 2, (y0 + y1) / 2), False) > 0, key
        assert int(grey[y0:y1, x0:x1].min()) < paper - 50, key


def test_truth_round_trips_through_json(tmp_path: Path) -> None:
    sample = generate_sample(_skill_spec(seed=12))
    image, truth_path = write_sample(sample, tmp_path)
    assert image.read_bytes() == sample.photo.jpeg
    assert load_truth(truth_path) == sample.truth
    data = json.loads(truth_path.read_text(encoding="utf-8"))
    assert data["fields"]["serial_number"] == sample.truth.fields.serial_number
    assert len(data["sheet_corners"]) == 4


def test_plan_corpus_is_balanced_and_deterministic() -> None:
    plan = plan_corpus(60, 7)
    assert plan == plan_corpus(60, 7) and plan != plan_corpus(60, 8)
    assert len(plan) == 60 and len({name for name, _ in plan}) == 60
    designs = [spec.design for _, spec in plan]
    skill_level = [d for d in designs if DESIGNS.get(d).kind == CertificateKind.SKILL_LEVEL]
    assert len(skill_level) >= len(plan) / 3 and set(designs) == set(DESIGNS.names())
    variants = {spec.variant for _, spec in plan}
    assert {"genuine", "serial_bad_format", "serial_missing"} <= variants
    # Ruined photos are genuine certificates' share of the unreadable conditions: the 120-photo corpus has some.
    assert any(not CONDITIONS.get(spec.conditions).judgeable for _, spec in plan_corpus(120, 2027))


def test_plan_corpus_honours_filters() -> None:
    plan = plan_corpus(12, 1, variants=["serial_missing"], conditions=["scan", "phone"])
    assert {DESIGNS.get(spec.design).kind for _, spec in plan} == {CertificateKind.SKILL_LEVEL}
    assert {spec.conditions for _, spec in plan} == {"scan", "phone"}
    with pytest.raises(UnknownNameError, match="valid: genuine"):
        plan_corpus(3, 1, variants=["nonsense"])
    with pytest.raises(ValueError, match="no design"):
        plan_corpus(3, 1, designs=["blank_sheet"], variants=["serial_missing"])


def test_generate_cli_writes_photos_truth_and_manifest(tmp_path: Path) -> None:
    out = tmp_path / "corpus"
    assert generate_main(["--out", str(out), "--count", "3", "--seed", "1", "--long-side", "600"]) == 0
    rows = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 3
    for row in rows:
        truth = load_truth(out / row["truth"])
        assert (out / row["image"]).is_file() and truth.expected_risk == row["expected_risk"]


def test_demo_photos_load_and_match_their_specs() -> None:
    total = 0
    for name, spec in DEMO_SAMPLES:
        truth = load_truth(PHOTOS_DIR / f"{name}.json")
        image = cv2.imread(str(PHOTOS_DIR / truth.image))
        assert image is not None and (image.shape[1], image.shape[0]) == truth.photo_size
        assert (truth.design, truth.variant, truth.conditions, truth.seed) == (
            spec.design,
            spec.variant,
            spec.conditions,
            spec.seed,
        )
        assert vars(truth.fields) == draft_content(spec).truth_fields()
        total += (PHOTOS_DIR / truth.image).stat().st_size
    assert total < 3_000_000


def test_demo_issuer_registry_follows_the_contract() -> None:
    with DEMO_ISSUERS.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == [
            "code",
            "name",
            "kind",
            "status",
            "occupations",
            "aliases",
            "uscc",
            "registered_on",
        ]
        rows = list(reader)
    statuses = {row["status"] for row in rows}
    assert {"active", "revoked", "blacklisted"} == statuses
    assert sum(row["name"].startswith("中国") for row in rows) >= 2
    kind_by_letter = {"S": "evaluation_org", "Y": "employer", "A": "authority"}
    for row in rows:
        assert re.fullmatch(r"[SYA]\d{12}", row["code"])
        assert row["kind"] == kind_by_letter[row["code"][0]]
        assert row["uscc"][2:4] == row["code"][5:7], "province of the code and of the credit code agree"
        assert dt.date.fromisoformat(row["registered_on"])
        # Evaluation organisations and employers are filed for a list of occupations; an authority is not.
        assert bool(row["occupations"]) == (row["kind"] != "authority")


def test_reference_image_is_in_place() -> None:
    assert REFERENCE_PATH.is_file() and REFERENCE_PATH.stat().st_size < 1_500_000
    image = cv2.imread(str(REFERENCE_PATH))
    assert image is not None and (image.shape[1], image.shape[0]) == skill_level.SHEET_SIZE


def test_missing_font_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(fonts._DEBIAN_PATHS, FontRole.KAI, ("/nonexistent/ukai.ttc",))
    monkeypatch.setattr(fonts, "_fc_list_paths", lambda role: ())
    fonts.resolve_face.cache_clear()
    try:
        with pytest.raises(
            MissingFontError, match="apt-get install fonts-noto-cjk fonts-arphic-ukai fonts-arphic-uming"
        ):
            fonts.resolve_face(FontRole.KAI)
        assert not fonts_available()
    finally:
        fonts.resolve_face.cache_clear()


# --- the official designs drawn to the real structures (templates_registry/builtin, issue 11 item 3) -------------

#: Template id -> the rows its design prints at the measured places.
_SPREAD_ROWS = {
    "hrss-qualification-booklet": (*qualification.LEFT_ROWS, *qualification.RIGHT_ROWS),
    "hrss-special-ability": special_ability.LEFT_ROWS,
}


@pytest.mark.parametrize("template_id", sorted(OFFICIAL_REFERENCES))
def test_official_reference_prints_every_template_label(template_id: str) -> None:
    spec = load_template_folder(BUILTIN_DIR / template_id, "builtin").spec
    sheet = render_layout(OFFICIAL_REFERENCES[template_id]())
    printed = "".join(t.text for t in sheet.texts)
    assert all(field.label in printed for field in spec.fields), template_id
    assert spec.title in printed


@pytest.mark.parametrize("template_id", sorted(_SPREAD_ROWS))
def test_official_layout_labels_sit_where_the_design_measured_them(template_id: str) -> None:
    """The committed layout (learnt from the reference) puts each label where the design's row table says."""
    layout = load_template_folder(BUILTIN_DIR / template_id, "builtin").layout
    assert layout is not None
    for row in _SPREAD_ROWS[template_id]:
        block = layout.label(row.key)
        assert block is not None, row.key
        x0, y0, _, _ = block.box
        assert abs(x0 - row.label_xy[0]) < 0.02 and abs(y0 - row.label_xy[1]) < 0.035, (row.key, block.box)


@pytest.mark.parametrize("template_id", sorted(OFFICIAL_REFERENCES))
def test_official_layout_stores_the_printed_values(template_id: str) -> None:
    """Every value the reference prints is a value block of the layout (the booklets print them between lines)."""
    layout = load_template_folder(BUILTIN_DIR / template_id, "builtin").layout
    assert layout is not None
    printed = {t.key for t in render_layout(OFFICIAL_REFERENCES[template_id]()).texts if t.key and t.key != "title"}
    assert printed <= {b.key for b in layout.texts if b.role == "value"}
    assert layout.seals and layout.photos


@pytest.mark.parametrize("seed", range(4))
def test_skill_level_follows_the_measured_structure(seed: int) -> None:
    """Title and 正文 in the left column, photo and QR top right, labels down the right column."""
    content = skill_level.draft(random.Random(seed))
    sheet = render_layout(skill_level.layout(content, random.Random(seed)))
    width, height = sheet.size
    boxes = sheet.field_boxes()
    title = boxes["title"]
    assert (title[0] + title[2]) / 2 < 0.35 * width and title[3] < 0.2 * height
    labels = {t.text.rstrip("：") for t in sheet.texts if abs(t.box[0] - 0.548 * width) < 8}
    assert {"姓名", "证件号码", "职业名称", "证书编号"} <= labels
    assert boxes["holder_name"][0] > 0.55 * width and boxes["issuer"][2] < 0.5 * width


def test_one_plus_x_is_bilingual_and_queried_on_ncb() -> None:
    content = one_plus_x.draft(random.Random(4))
    spec = load_template_folder(BUILTIN_DIR / "moe-1x-skill-level", "builtin").spec
    assert content.kind is CertificateKind.SKILL_LEVEL == spec.kind and content.title == spec.title
    assert content.qr_payload is not None and content.qr_payload.startswith("https://vslc.ncb.edu.cn/")
    assert all(f.label_en for f in content.fields) and "vslc.ncb.edu.cn" in spec.marks.qr.domains


def test_ncre_is_an_education_exam_certificate_of_kind_other() -> None:
    content = ncre.draft(random.Random(5))
    spec = load_template_folder(BUILTIN_DIR / "neea-ncre", "builtin").spec
    assert classify_title(content.title, default_rule_data().kinds) is CertificateKind.OTHER == spec.kind
    assert content.field("issuer") is not None and content.field("issuer").value == ncre.ISSUER_NAME
    assert {"全国", ncre.ISSUER_NAME} <= set(spec.allowed_phrases)

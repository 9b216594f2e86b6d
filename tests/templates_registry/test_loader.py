"""Template folders and issuer CSVs: validation errors and layer precedence."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from certcheck.errors import NotFound, RegistryError
from templates_registry.loader import BUILTIN_DIR, load_issuer_csv, load_registry, load_template_folder

BUILTIN = BUILTIN_DIR / "hrss-skill-level-2021"
needs_reference = pytest.mark.skipif(
    not (BUILTIN / "reference.png").is_file(), reason="reference.png not rendered yet (python -m samples.render_reference)"
)


def _template(tmp_path: Path, name: str, body: str, image: bool = True) -> Path:
    folder = tmp_path / name
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(body, encoding="utf-8")
    if image:
        (folder / "reference.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return folder


GOOD = """id: {id}
name: 测试样式
kind: skill_level
title: 职业技能等级证书
reference_image: reference.png
serial: {{label: 证书编号, pattern: '^[SY]\\d{{21}}$'}}
fields:
  - {{key: holder_name, label: 姓名}}
"""


@needs_reference
def test_loader_builtin_template_is_valid() -> None:
    template = load_template_folder(BUILTIN, "builtin")
    assert template.spec.id == "hrss-skill-level-2021"
    assert template.spec.serial and template.spec.serial.pattern


@pytest.mark.parametrize(("body", "needle"), [
    (GOOD.format(id="x") + "colour: red\n", "colour"),
    (GOOD.format(id="x").replace("^[SY]\\d{21}$", "^[SY(\\d$"), "serial.pattern"),
    (GOOD.format(id="../evil"), "id"),
    (GOOD.format(id="x").replace("skill_level", "diploma"), "kind"),
    ("- just\n- a list\n", "mapping"),
    ("a: &x [1]\nb: *x\n", "aliases"),
    ("!!python/object/apply:os.system ['true']\n", "YAML"),
])
def test_loader_rejects_bad_templates_clearly(tmp_path: Path, body: str, needle: str) -> None:
    folder = _template(tmp_path, "bad", body)
    with pytest.raises(RegistryError) as info:
        load_template_folder(folder)
    assert needle in info.value.message_en


def test_loader_missing_reference_image(tmp_path: Path) -> None:
    folder = _template(tmp_path, "noimg", GOOD.format(id="noimg"), image=False)
    with pytest.raises(RegistryError, match="reference image"):
        load_template_folder(folder)


def test_loader_later_layer_wins_with_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    data_dir = tmp_path / "data"
    _template(data_dir / "templates", "a", GOOD.format(id="dup"))
    run = _template(tmp_path / "run", "b", GOOD.format(id="dup").replace("测试样式", "后来的样式"))
    with caplog.at_level(logging.WARNING, logger="certcheck.registry"):
        registry = load_registry(data_dir, templates=[run])
    assert registry.get_template("dup").spec.name == "后来的样式"
    assert any("replaces" in r.getMessage() for r in caplog.records)
    with pytest.raises(NotFound):
        registry.get_template("nope")


CSV = "code,name,kind,status,occupations,aliases,registered_on\n"


def test_issuer_csv_reads_rows_and_splits_lists(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text(CSV + "S000044030001,深圳市某某职业培训学校,evaluation_org,active,电工;焊工,某某学校,2021-03-01\n",
                    encoding="utf-8")
    (record,) = load_issuer_csv(path)
    assert record.occupations == ("电工", "焊工") and record.aliases == ("某某学校",)
    assert record.registered_on is not None and record.registered_on.year == 2021


def test_issuer_csv_reports_every_bad_row_by_line(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text(CSV + "A1,甲,evaluation_org,active,,,\nA2,乙,school,active,,,\nA3,丙,employer,gone,,,\n",
                    encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_issuer_csv(path)
    assert ":3: kind" in info.value.message_en and ":4: status" in info.value.message_en


def test_issuer_csv_bad_header(tmp_path: Path) -> None:
    path = tmp_path / "i.csv"
    path.write_text("code,name,colour\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="bad header"):
        load_issuer_csv(path)


def test_issuer_layers_upsert_by_code(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_text(CSV + "C1,甲,evaluation_org,active,,,\n", encoding="utf-8")
    second.write_text(CSV + "C1,甲,evaluation_org,revoked,,,\n", encoding="utf-8")
    registry = load_registry(None, env_issuers=[first], issuers=[second])
    assert [i.status.value for i in registry.issuers] == ["revoked"]


def test_demo_issuer_registry_is_valid() -> None:
    demo = Path(__file__).resolve().parents[2] / "samples" / "registry" / "demo-issuers.csv"
    if not demo.is_file():
        pytest.skip("demo registry not present")
    assert len(load_issuer_csv(demo)) >= 3


def _linked_folder(tmp_path: Path, link_name: str, outside: Path) -> Path:
    from templates_registry.loader import BUILTIN_DIR

    builtin = BUILTIN_DIR / "hrss-skill-level-2021"
    folder = tmp_path / "linked"
    folder.mkdir()
    for name in ("template.yaml", "reference.png"):
        (folder / name).write_bytes((builtin / name).read_bytes())
    (folder / link_name).unlink(missing_ok=True)
    (folder / link_name).symlink_to(outside)
    return folder


@pytest.mark.parametrize("link_name", ["template.yaml", "reference.png", "layout.json"])
def test_a_file_linked_out_of_its_template_folder_is_refused_unread(tmp_path: Path, link_name: str) -> None:
    from certcheck.errors import RegistryError
    from templates_registry.loader import load_template_folder

    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:secret line\n", encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_template_folder(_linked_folder(tmp_path, link_name, secret))
    assert "outside the template folder" in info.value.message_en
    assert "secret line" not in info.value.message_en + info.value.message


def test_a_link_inside_the_folder_is_fine(tmp_path: Path) -> None:
    from templates_registry.loader import load_template_folder

    folder = _linked_folder(tmp_path, "reference.png", Path("original.png"))
    (folder / "original.png").write_bytes((BUILTIN / "reference.png").read_bytes())
    assert load_template_folder(folder).spec.id == "hrss-skill-level-2021"

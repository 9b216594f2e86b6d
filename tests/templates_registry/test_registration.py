"""Registering templates and importing issuers into the data dir: validation and atomic writes."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from certcheck.errors import RegistryError
from ocr.engine import OcrEngine
from templates_registry.layout import LAYOUT_FILE, LearntLayout
from templates_registry.loader import BUILTIN_DIR, load_registry
from templates_registry.registration import ISSUER_FILE, import_issuers, register_template, register_template_folder

if TYPE_CHECKING:
    from certcheck.pipeline import Checker

BUILTIN = BUILTIN_DIR / "hrss-skill-level-2021"
SPEC = (BUILTIN / "template.yaml").read_bytes()
REFERENCE = (BUILTIN / "reference.png").read_bytes()
#: Never loaded: every case using it fails before the OCR step.
UNLOADED = OcrEngine()


def _spec(new_id: str = "my-style") -> bytes:
    return SPEC.replace(b"id: hrss-skill-level-2021", f"id: {new_id}".encode())


def _entries(data_dir: Path) -> list[str]:
    folder = data_dir / "templates"
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


class LayoutStepFailed(RuntimeError):
    """Stands for a crash (OCR failure, power loss) in the middle of a registration."""


def _failing_learner(*args: Any, **kwargs: Any) -> LearntLayout:
    raise LayoutStepFailed("layout step failed")


@pytest.mark.ocr
def test_registration_stores_spec_image_and_learnt_layout_atomically(tmp_path: Path, checker: Checker) -> None:
    first = register_template_folder(BUILTIN, tmp_path, checker.engine)
    folder = tmp_path / "templates" / "hrss-skill-level-2021"
    assert first.template.layout is not None and not first.replaced
    assert sorted(p.name for p in folder.iterdir()) == [LAYOUT_FILE, "reference.png", "template.yaml"]
    stored = load_registry(tmp_path).get_template("hrss-skill-level-2021")
    assert (stored.layer, stored.layout is not None) == ("data_dir", True)
    before = _snapshot(folder)

    # A crash in the layout step of a re-registration leaves the registered template untouched.
    edited = SPEC.replace("职业技能等级证书（2021年参考样式）".encode(), "改过的名称".encode())
    with pytest.raises(LayoutStepFailed):
        register_template(edited, REFERENCE, tmp_path, checker.engine, learner=_failing_learner)
    assert _snapshot(folder) == before
    assert _entries(tmp_path) == ["hrss-skill-level-2021"]  # no staging folder left behind


def test_registration_crash_of_a_new_template_leaves_no_trace(tmp_path: Path) -> None:
    with pytest.raises(LayoutStepFailed):
        register_template(_spec(), REFERENCE, tmp_path, UNLOADED, learner=_failing_learner)
    assert _entries(tmp_path) == []
    assert "my-style" not in [t.spec.id for t in load_registry(tmp_path).templates]


def test_registration_repairs_an_interrupted_replacement(tmp_path: Path) -> None:
    # A crash between "old folder aside" and "new folder in": the old one comes back on the next write.
    aside = tmp_path / "templates" / ".replaced-my-style-0a1b2c3d"
    aside.mkdir(parents=True)
    (aside / "template.yaml").write_bytes(_spec())
    (aside / "reference.png").write_bytes(REFERENCE)
    assert "my-style" not in [t.spec.id for t in load_registry(tmp_path).templates]  # dot-folders are not read
    with pytest.raises(LayoutStepFailed):
        register_template(_spec("other"), REFERENCE, tmp_path, UNLOADED, learner=_failing_learner)
    assert _entries(tmp_path) == ["my-style"]
    assert load_registry(tmp_path).get_template("my-style").layer == "data_dir"


@pytest.mark.parametrize(("spec", "reference", "needle"), [
    (_spec().replace(b"\\d{6}$'", b"\\d{6}($'"), REFERENCE, "serial.pattern"),
    (_spec() + b"colour: red\n", REFERENCE, "colour"),
    (_spec("../x"), REFERENCE, "id"),
    (_spec("My_Style"), REFERENCE, "id"),
    (_spec().replace(b"reference_image: reference.png", b"reference_image: ../../etc/passwd"), REFERENCE,
     "reference_image"),
    (b"!!python/object/apply:os.system ['touch /tmp/certcheck-pwned']\n", REFERENCE, "YAML"),
    (b"a: &x [1, 2]\nb: [*x, *x]\n", REFERENCE, "aliases"),
    (b"\xff\xfe\x00binary", REFERENCE, "UTF-8"),
    (_spec(), b"", "reference image"),
    (_spec(), b"this is not an image at all" * 10, "cannot be read"),
    # Hostile data that once answered 500: each is the uploader's error, named by its key.
    (_spec().replace(b"pattern: '", b"pattern: 'a{4294967296}' #"), REFERENCE, "serial.pattern"),
    (_spec().replace(b"pattern: '", b"pattern: '" + b"(" * 5000 + b"a" + b")" * 5000 + b"' #"), REFERENCE,
     "serial.pattern"),
    (_spec().replace(b"pattern: '", b"pattern: '^(?=S)\\d+$' #"), REFERENCE, "lookaround"),
    (_spec().replace(b"pattern: '", b"pattern: '^(\\d)\\1$' #"), REFERENCE, "backreference"),
    (_spec().replace(b"reference_image: reference.png", b'reference_image: "ref\\0.png"'), REFERENCE,
     "reference_image"),
    (_spec().replace(b"reference_image: reference.png", b"reference_image: " + b"r" * 300 + b".png"), REFERENCE,
     "reference_image"),
    (b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", REFERENCE, "nested"),
    (b"a:\n" + b"".join(b" " * i + b"b:\n" for i in range(1, 200)), REFERENCE, "nested"),
])
def test_registration_rejects_bad_input_clearly(tmp_path: Path, spec: bytes, reference: bytes, needle: str) -> None:
    with pytest.raises(RegistryError) as info:
        register_template(spec, reference, tmp_path, UNLOADED)
    assert needle in info.value.message_en
    assert ".staging-" not in info.value.message_en  # messages name the files, not the server's folders
    assert _entries(tmp_path) == []
    assert not Path("/tmp/certcheck-pwned").exists()


def test_registration_of_a_folder_without_spec_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="template.yaml"):
        register_template_folder(tmp_path, tmp_path / "data", UNLOADED)


HEADER = "code,name,kind,status,occupations\n"


def test_issuer_import_upserts_by_code(tmp_path: Path) -> None:
    first = import_issuers(HEADER + "S1,甲职业培训学校,evaluation_org,active,电工;焊工\nS2,乙公司,employer,active,\n",
                           "a.csv", tmp_path)
    assert (first.added, first.updated, first.total) == (2, 0, 2)
    second = import_issuers(HEADER + "S2,乙公司,employer,revoked,\nS3,丙中心,authority,active,\n", "b.csv", tmp_path)
    assert (second.added, second.updated, second.total) == (1, 1, 3)
    issuers = {r.code: r for r in load_registry(tmp_path).issuers}
    assert issuers["S1"].occupations == ("电工", "焊工")
    assert issuers["S2"].status.value == "revoked"


def test_issuer_import_reports_bad_rows_by_line_and_writes_nothing(tmp_path: Path) -> None:
    import_issuers(HEADER + "S1,甲,evaluation_org,active,\n", "a.csv", tmp_path)
    path = tmp_path / "issuers" / ISSUER_FILE
    before = path.read_bytes()
    bad = HEADER + "S2,乙,employer,active,\nS3,丙,school,active,\nS4,丁,employer,closed,\n"
    with pytest.raises(RegistryError) as info:
        import_issuers(bad, "upload.csv", tmp_path)
    assert "upload.csv:3" in info.value.message_en and "upload.csv:4" in info.value.message_en
    assert path.read_bytes() == before
    assert sorted(os.listdir(path.parent)) == [ISSUER_FILE]  # no temporary file left

"""The rule data files: every code present once, each with a policy basis."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from certcheck.errors import RegistryError
from certcheck.types import EvidenceCode
from rules.catalogue import DATA_DIR, default_rule_data, load_rule_data


def test_catalogue_has_every_contract_code_with_basis() -> None:
    data = default_rule_data()
    assert set(data.codes) == set(EvidenceCode)
    assert all(info.basis for info in data.codes.values())


def test_catalogue_bad_entry_is_reported_with_file_and_index(tmp_path: Path) -> None:
    shutil.copytree(DATA_DIR, tmp_path / "data")
    path = tmp_path / "data" / "certificate_kinds.yaml"
    path.write_text("kinds:\n  - {kind: skill_level, phrases: []}\n  - {kind: nonsense, phrases: [x]}\n",
                    encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_rule_data(tmp_path / "data")
    assert "kinds.0.phrases" in info.value.message_en and "kinds.1.kind" in info.value.message_en

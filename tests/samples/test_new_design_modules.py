"""The new designs: each draws a genuine certificate, and its registration files are valid as a new user writes them."""

from __future__ import annotations

import csv
import io
import random
import re

import pytest
import yaml

from samples.generator.designs.new import NEW_DESIGNS, new_design
from samples.generator.designs.new._kit import draft_content, issuers_csv, print_sheet, template_yaml
from samples.generator.designs.new.knockoffs import KNOCKOFFS, blank_spot
from samples.generator.render import render_layout
from templates_registry.models import IssuerRecord, TemplateSpec

NAMES = sorted(NEW_DESIGNS)


def test_new_designs_are_at_least_six_of_several_kinds_and_orientations() -> None:
    assert len(NEW_DESIGNS) >= 6
    kinds = {d.kind for d in NEW_DESIGNS.values()}
    assert len(kinds) >= 3
    sheets = {name: print_sheet(d, draft_content(d, random.Random(0)), random.Random(0)).size
              for name, d in NEW_DESIGNS.items()}
    assert any(w > h for w, h in sheets.values()) and any(h > w for w, h in sheets.values())


@pytest.mark.parametrize("name", NAMES)
def test_new_design_genuine_content_follows_its_registration(name: str) -> None:
    design = new_design(name)
    spec = TemplateSpec.model_validate(yaml.safe_load(template_yaml(design)))
    assert spec.id == design.template_id and {f.key for f in spec.fields} == {label.key for label in design.labels}
    for seed in range(5):
        content = draft_content(design, random.Random(seed))
        serial = content.field("serial_number")
        assert serial is not None and spec.serial is not None and spec.serial.pattern is not None
        assert re.fullmatch(spec.serial.pattern, serial.value), serial.value
        issuer = content.field("issuer")
        assert issuer is not None and issuer.value in {i.name for i in design.genuine_issuers}


@pytest.mark.parametrize("name", NAMES)
def test_new_design_prints_every_field_and_the_title(name: str) -> None:
    design = new_design(name)
    content = draft_content(design, random.Random(3))
    sheet = render_layout(print_sheet(design, content, random.Random(3)))
    printed = {t.text for t in sheet.texts}
    assert content.title in printed and {f.value for f in content.fields} <= printed
    assert set(sheet.field_boxes()) >= {f.key for f in content.fields}


def test_issuer_csv_is_a_valid_registry_with_one_bad_issuer_per_design() -> None:
    rows = list(csv.DictReader(io.StringIO(issuers_csv(tuple(NEW_DESIGNS.values())))))
    records = [IssuerRecord.model_validate(row) for row in rows]
    assert len({r.code for r in records}) == len(records)
    for design in NEW_DESIGNS.values():
        assert any(i.status != "active" for i in design.issuers) and design.genuine_issuers


def test_every_knockoff_applies_to_some_design_and_changes_the_certificate() -> None:
    for knockoff in KNOCKOFFS:
        designs = [d for d in NEW_DESIGNS.values() if knockoff.applies(d)]
        assert designs, knockoff.name
        content = draft_content(designs[0], random.Random(1))
        changed = knockoff.change(designs[0], content, random.Random(2))
        assert changed != content or knockoff.relayout or knockoff.conditions != "phone", knockoff.name


def test_blank_spot_finds_the_empty_corner() -> None:
    import numpy as np

    page = np.full((400, 600, 3), 255, np.uint8)
    page[:, :300] = 0  # the left half inked
    x, y = blank_spot(page, 0.2)
    assert x > 0.5

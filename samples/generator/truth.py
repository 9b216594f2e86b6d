"""Ground truth of one generated photo: what was printed, where it landed, what a checker should say.

One JSON file per image (``<name>.json`` beside ``<name>.jpg``). Every box and
point is in **photo pixels** (upload space of CONTRACT.md section 3: the JPEG
as written, which carries no EXIF rotation), so a test can compare a Report's
``bbox`` with the truth directly. ``expected_codes`` and ``expected_risk``
assume the checker runs with ``--issuers samples/registry/demo-issuers.csv``.

Schema (``schema_version`` "1"): ``name``, ``image``, ``design``, ``variant``,
``conditions``, ``seed``, ``long_side``, ``kind``, ``title``, ``fields``
(holder_name, id_number, serial_number, occupation, level, issuer, issue_date:
printed value or null; issue_date in ISO form), ``field_boxes`` (key ->
``{"bbox": [x0, y0, x1, y1], "quad": [[x, y] x4]}``, ``title`` included),
``sheet_corners`` (4 points: the certificate's upright top-left, top-right,
bottom-right, bottom-left), ``photo_size`` ([width, height]), ``rotation``
(clockwise degrees that turn the photo upright), ``expected_codes``,
``expected_risk``, ``variant_notes``, ``capture`` (values drawn for the photo)
and ``printed_text`` (every printed line with its bbox, for OCR evaluation).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from certcheck.types import BBox, Point, Quad, quad_to_bbox

__all__ = [
    "SCHEMA_VERSION",
    "FieldBox",
    "PrintedLine",
    "SampleTruth",
    "TruthFields",
    "field_box",
    "load_truth",
    "truth_to_json",
]

SCHEMA_VERSION = "1"
#: Decimals kept for photo-pixel coordinates: sub-pixel is plenty, and rounding
#: keeps the JSON byte-identical for the same seed.
_DECIMALS = 2


@dataclass(frozen=True)
class TruthFields:
    """The Report's ``certificate`` fields as printed; ``None`` where the certificate prints nothing."""

    holder_name: str | None = None
    id_number: str | None = None
    serial_number: str | None = None
    occupation: str | None = None
    level: str | None = None
    issuer: str | None = None
    issue_date: str | None = None


@dataclass(frozen=True)
class FieldBox:
    """Where a printed value landed in the photo: its exact quad and the integer box around it."""

    bbox: BBox
    quad: Quad


@dataclass(frozen=True)
class PrintedLine:
    """One printed line of text and its box in the photo; ``key`` names the field it prints, if any."""

    text: str
    bbox: BBox
    key: str | None = None


@dataclass(frozen=True, kw_only=True)
class SampleTruth:
    """Everything known about one generated photo (see the module docstring for the JSON form)."""

    schema_version: str = SCHEMA_VERSION
    name: str
    image: str
    design: str
    variant: str
    conditions: str
    seed: int
    long_side: int
    kind: str
    title: str | None
    fields: TruthFields
    field_boxes: Mapping[str, FieldBox]
    sheet_corners: Quad
    photo_size: tuple[int, int]
    rotation: int
    expected_codes: tuple[str, ...]
    expected_risk: str
    variant_notes: tuple[str, ...] = ()
    capture: Mapping[str, Any] = field(default_factory=dict)
    printed_text: tuple[PrintedLine, ...] = ()


def _round_point(point: Sequence[float]) -> Point:
    return (round(float(point[0]), _DECIMALS), round(float(point[1]), _DECIMALS))


def _round_quad(points: Sequence[Sequence[float]]) -> Quad:
    a, b, c, d = (_round_point(p) for p in points)
    return (a, b, c, d)


def _clip_bbox(box: BBox, size: tuple[int, int]) -> BBox:
    w, h = size
    x0, y0, x1, y1 = box
    return (max(0, min(x0, w)), max(0, min(y0, h)), max(0, min(x1, w)), max(0, min(y1, h)))


def field_box(quad: Sequence[Sequence[float]], photo_size: tuple[int, int]) -> FieldBox:
    """A photo-space quad as a :class:`FieldBox`, its bbox clipped to the photo.

    >>> field_box([(1.234, 2.0), (5.5, 2.0), (5.5, 4.0), (1.234, 4.0)], (5, 10))
    FieldBox(bbox=(1, 2, 5, 4), quad=((1.23, 2.0), (5.5, 2.0), (5.5, 4.0), (1.23, 4.0)))
    """
    rounded = _round_quad(quad)
    return FieldBox(bbox=_clip_bbox(quad_to_bbox(rounded), photo_size), quad=rounded)


#: An array of numbers, and an array of such arrays, as ``json.dumps(indent=2)`` spreads them over lines.
_NUMBER_ARRAY = re.compile(r"\[\s*(-?\d[\d.eE+-]*(?:,\s*-?\d[\d.eE+-]*)*)\s*\]")
_POINT_ARRAY = re.compile(r"\[\s*(\[[^\[\]]*\](?:,\s*\[[^\[\]]*\])*)\s*\]")


def _one_line(match: re.Match[str]) -> str:
    return "[" + re.sub(r",\s*", ", ", match.group(1)) + "]"


def truth_to_json(truth: SampleTruth) -> str:
    """The truth as indented UTF-8 JSON (Chinese unescaped, boxes and points on one line), ending in a newline.

    >>> spread = json.dumps({"q": [[1, 2.5], [3, 4]]}, indent=2)
    >>> _POINT_ARRAY.sub(_one_line, _NUMBER_ARRAY.sub(_one_line, spread)).splitlines()
    ['{', '  "q": [[1, 2.5], [3, 4]]', '}']
    """
    text = json.dumps(asdict(truth), ensure_ascii=False, indent=2)
    return _POINT_ARRAY.sub(_one_line, _NUMBER_ARRAY.sub(_one_line, text)) + "\n"


def _quad(value: Sequence[Sequence[float]]) -> Quad:
    return _round_quad(value)


def _bbox(value: Sequence[int]) -> BBox:
    x0, y0, x1, y1 = (int(v) for v in value)
    return (x0, y0, x1, y1)


def load_truth(path: str | Path) -> SampleTruth:
    """Read a truth JSON file written by the generator.

    Raises:
        ValueError: the file is not a truth file of a schema version this code reads.
    """
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"{path}: unsupported truth schema_version {data.get('schema_version')!r}")
    width, height = data["photo_size"]
    return SampleTruth(
        name=data["name"],
        image=data["image"],
        design=data["design"],
        variant=data["variant"],
        conditions=data["conditions"],
        seed=int(data["seed"]),
        long_side=int(data["long_side"]),
        kind=data["kind"],
        title=data["title"],
        fields=TruthFields(**data["fields"]),
        field_boxes={k: FieldBox(_bbox(v["bbox"]), _quad(v["quad"])) for k, v in data["field_boxes"].items()},
        sheet_corners=_quad(data["sheet_corners"]),
        photo_size=(int(width), int(height)),
        rotation=int(data["rotation"]),
        expected_codes=tuple(data["expected_codes"]),
        expected_risk=data["expected_risk"],
        variant_notes=tuple(data.get("variant_notes", ())),
        capture=dict(data.get("capture", {})),
        printed_text=tuple(
            PrintedLine(p["text"], _bbox(p["bbox"]), p.get("key")) for p in data.get("printed_text", ())
        ),
    )

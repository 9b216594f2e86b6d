"""The learnt layout of a registered template: where its sample prints what.

A template folder holds a filled-in sample (``reference_image``). At
registration it is read once (seals lifted, then OCR) and what was found is
stored beside ``template.yaml`` as ``layout.json``, so a check never reads the
reference image again: the title box, each label's box, every other printed
text block (static wording and the sample's values), and the seal, QR-code and
photo regions.

Coordinates in a layout are **normalised sheet coordinates**: ``x / width`` and
``y / height`` of the reference image, each in 0-1, so a layout compares with
a photo's work-space sheet of any resolution (work space is the rectified
sheet, see :mod:`certcheck.types`).

A template without a layout file still loads (it is then compared by its
labels only, as before registration learnt positions); the check path never
learns one. ``certcheck templates add`` and ``POST /v1/templates`` learn it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import cv2
import numpy as np
import zxingcpp
from pydantic import BaseModel, ConfigDict, ValidationError

from certcheck.errors import RegistryError
from certcheck.types import OcrLine, OcrResult, Quad
from ocr.layout import Row, rows_of
from ocr.text import compact
from templates_registry.models import FieldSpec, TemplateSpec
from vision.seal_suppress import find_red_seals, suppress_red_seals

if TYPE_CHECKING:  # ocr.engine reads its manifest through the loader, which imports this module
    from ocr.engine import OcrEngine

__all__ = [
    "LAYOUT_FILE",
    "FieldPrint",
    "LabelHit",
    "LearntLayout",
    "LearntText",
    "NormBox",
    "learn_layout",
    "load_layout",
    "locate_labels",
    "write_layout",
]

#: The learnt layout's file name inside a template folder.
LAYOUT_FILE = "layout.json"
LAYOUT_VERSION = 1

#: ``(x0, y0, x1, y1)`` in normalised sheet coordinates (0-1 of width / height).
NormBox = tuple[float, float, float, float]

#: Label separators OCR reads after a label: a label followed by one counts
#: anywhere in a row, otherwise only at the start of an OCR box (so 职业技能等级
#: inside the body sentence "达到相应职业技能等级要求" is not the level label).
_COLONS = ":：;；"

#: Portrait photo regions: share of the sheet area, height/width ratio and the
#: share of the bounding box that is inked. A 1-inch to 2-inch ID photo on an
#: A4 sheet covers about 1-3 % of it; measured on the built-in reference render
#: (portrait 201x281 px on 2000x1414: 2.0 %, 58 % inked: a light backdrop
#: behind the head); the title's glyphs, the largest other patches, are 0.3 %.
_PHOTO_MIN_AREA = 0.008
_PHOTO_MAX_AREA = 0.08
_PHOTO_ASPECT = (1.0, 1.8)
_PHOTO_MIN_FILL = 0.45

TextRole = Literal["title", "label", "value", "static"]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LearntText(_Frozen):
    """One text block of the sample: its role, wording and normalised box."""

    role: TextRole
    text: str
    box: NormBox
    #: The field key for a ``label`` or ``value`` block.
    key: str | None = None


class FieldPrint(_Frozen):
    """How sharply the sample prints one field's value: its text lines' edge sharpness over the page's median.

    Measured as :mod:`vision.detectors.tampering` measures a photo (the sample brought to the work
    size first), so the rule compares like with like: a value printed in another face or by another
    printer than the form is sharper on every certificate of the design, not only on an edited one.
    """

    key: str
    sharpness: float


class LearntLayout(_Frozen):
    """What the reference image prints where (normalised sheet coordinates, 0-1)."""

    version: Literal[1] = LAYOUT_VERSION
    #: ``(width, height)`` in pixels of the reference image it was learnt from.
    source_size: tuple[int, int]
    title: LearntText | None
    #: One block per template field whose label was found, the label's own span only.
    labels: tuple[LearntText, ...]
    #: Every other text block: the sample's values and the static wording.
    texts: tuple[LearntText, ...] = ()
    seals: tuple[NormBox, ...] = ()
    qr_codes: tuple[NormBox, ...] = ()
    photos: tuple[NormBox, ...] = ()
    #: ``coordinates`` names the convention in the file itself for whoever reads it.
    coordinates: Literal["normalised-sheet"] = "normalised-sheet"
    #: ``fixed``: the sample is one organisation's own design, printed the same on every certificate
    #: (what ``certcheck templates add`` learns); ``reference_style``: a published reference style that
    #: filed designs follow with rows moved inside the field block (the built-ins; a layout file
    #: written before this key existed reads so, as it was compared before).
    arrangement: Literal["fixed", "reference_style"] = "reference_style"
    #: Per field, how sharply the sample prints its value (absent in files learnt before: not compared).
    prints: tuple[FieldPrint, ...] = ()
    #: Round badges and logos the sample itself prints where the emblem detector fires on it (a school's
    #: or company's own badge): the same mark at the same place on a certificate is not the national emblem.
    badges: tuple[NormBox, ...] = ()

    def label(self, key: str) -> LearntText | None:
        return next((block for block in self.labels if block.key == key), None)

    def regions(self) -> tuple[NormBox, ...]:
        """Every place the sample prints something: text blocks, seals, QR codes and photos."""
        blocks = [*([self.title] if self.title else []), *self.labels, *self.texts]
        return (*(b.box for b in blocks), *self.seals, *self.qr_codes, *self.photos)


@dataclass(frozen=True)
class LabelHit:
    """Where one template label is printed on a page (work-space pixels, the label's span only)."""

    key: str
    text: str
    box: tuple[float, float, float, float]
    confidence: float

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


def _span_box(row: Row, start: int, end: int) -> tuple[float, float, float, float]:
    """The box of characters ``start:end`` of a row, interpolated inside each OCR box by character count."""
    xs: list[float] = []
    ys: list[float] = []
    for index in sorted(set(row.owner[start:end])):
        line = row.lines[index]
        first = row.box_start(index)
        count = sum(1 for owner in row.owner if owner == index) or 1
        lo, hi = max(start, first) - first, min(end, first + count) - first
        x0, y0, x1, y1 = line.bbox
        xs += [x0 + (x1 - x0) * lo / count, x0 + (x1 - x0) * hi / count]
        ys += [y0, y1]
    return (min(xs), min(ys), max(xs), max(ys))


def _box_starts(row: Row) -> frozenset[int]:
    """Offsets in the row's text where each OCR box begins."""
    return frozenset(pos for pos, owner in enumerate(row.owner) if pos == 0 or row.owner[pos - 1] != owner)


def _occurrence(row: Row, label: str, box_starts: frozenset[int]) -> int | None:
    """Where ``label`` starts in the row as a label (box start or followed by a colon)."""
    start = row.text.find(label)
    while start >= 0:
        end = start + len(label)
        if start in box_starts or row.text[end:end + 1] in tuple(_COLONS):
            return start
        start = row.text.find(label, start + 1)
    return None


@lru_cache(maxsize=1024)
def _label_forms(labels: tuple[str, ...]) -> tuple[str, ...]:
    """A field's labels as compared with row text (compacted), longest first."""
    return tuple(sorted({c for label in labels if (c := compact(label))}, key=len, reverse=True))


def _line_key(line: OcrLine) -> tuple[str, tuple[int, int, int, int]]:
    """What identifies an OCR line across readings of the same page: its text and its box."""
    x0, y0, x1, y1 = line.bbox
    return (line.text, (round(x0), round(y0), round(x1), round(y1)))


def locate_labels(
    ocr: OcrResult, fields: Sequence[FieldSpec], *, skip: Sequence[OcrLine] = ()
) -> dict[str, LabelHit]:
    """Each field's label as printed on the page, top-most occurrence, longest label first.

    Args:
        skip: lines never read as labels (the title row: 职业技能等级证书 holds the label 职业技能等级).
    """
    # Keyed on what a line is (text and box), never on id(): the skipped lines may come from another
    # reading of the page, and ids of objects freed earlier are reused (tracker issue 15 item 4).
    skipped = {_line_key(line) for line in skip}
    rows = [
        (row, _box_starts(row)) for row in rows_of(ocr.lines)
        if not any(_line_key(line) in skipped for line in row.lines)
    ]
    hits: dict[str, LabelHit] = {}
    for spec in fields:
        labels = _label_forms(spec.all_labels)
        for row, starts in rows:
            found = next(((label, at) for label in labels if (at := _occurrence(row, label, starts)) is not None), None)
            if found is None:
                continue
            label, at = found
            lines = row.lines_for_span(at, at + len(label))
            hits[spec.key] = LabelHit(
                key=spec.key, text=label, box=_span_box(row, at, at + len(label)),
                confidence=min(line.confidence for line in lines),
            )
            break
    return hits


def _norm(box: tuple[float, float, float, float], size: tuple[int, int]) -> NormBox:
    w, h = size
    x0, y0, x1, y1 = box
    return (round(x0 / w, 4), round(y0 / h, 4), round(x1 / w, 4), round(y1 / h, 4))


def _quad_box(quad: Quad) -> tuple[float, float, float, float]:
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    return (min(xs), min(ys), max(xs), max(ys))


def _qr_boxes(gray: np.ndarray) -> list[tuple[float, float, float, float]]:
    boxes = []
    for barcode in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode):
        pos = barcode.position
        points = [(p.x, p.y) for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)]
        boxes.append((min(x for x, _ in points), min(y for _, y in points),
                      max(x for x, _ in points), max(y for _, y in points)))
    return boxes


def _photo_boxes(
    image: np.ndarray, masked: Sequence[tuple[float, float, float, float]]
) -> list[tuple[float, float, float, float]]:
    """Portrait-shaped patches of non-paper pixels (the holder's photo), text, seals and QR codes masked out."""
    h, w = image.shape[:2]
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    ink = ((hsv[:, :, 1] > 40) | (hsv[:, :, 2] < 170)).astype(np.uint8)
    for x0, y0, x1, y1 in masked:
        ink[max(0, int(y0)):int(y1) + 1, max(0, int(x0)):int(x1) + 1] = 0
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, w // 200),) * 2)
    closed = cv2.morphologyEx(ink, cv2.MORPH_CLOSE, kernel)
    n, _, stats, _ = cv2.connectedComponentsWithStats(closed, connectivity=8)
    boxes = []
    for x, y, bw, bh, area in stats[1:n]:
        share = bw * bh / float(w * h)
        if not (_PHOTO_MIN_AREA <= share <= _PHOTO_MAX_AREA):
            continue
        if not (_PHOTO_ASPECT[0] <= bh / bw <= _PHOTO_ASPECT[1]) or area / float(bw * bh) < _PHOTO_MIN_FILL:
            continue
        boxes.append((float(x), float(y), float(x + bw), float(y + bh)))
    return boxes


def learn_layout(
    spec: TemplateSpec,
    image: np.ndarray,
    engine: OcrEngine,
    *,
    arrangement: Literal["fixed", "reference_style"] = "fixed",
) -> LearntLayout:
    """Read the reference image once and learn where it prints its title, labels, text and marks.

    Args:
        image: the reference image, ``H x W x 3`` uint8 BGR (a flat render or scan: it is its own sheet).
        engine: the process's OCR engine.
        arrangement: ``fixed`` for a registered organisation's own design (the default: one sample is
            that design), ``reference_style`` for the built-in published styles.

    Raises:
        RegistryError: the sample does not print the template's title or one of its labels
            (the spec and the image disagree; both are named in the message).
    """
    # ocr.fields reads its vocabulary through the loader, which imports this module: import it when learning.
    from ocr.fields import extract_fields, find_title

    size = (int(image.shape[1]), int(image.shape[0]))
    seals = find_red_seals(image)
    pixels = suppress_red_seals(image, seals) if seals else image
    ocr = engine.read(pixels).result
    title = find_title(ocr, size[1])
    if title is None or compact(spec.title) not in compact(title.value):
        read = title.value if title else "无"
        raise RegistryError(
            f"参考图上没有读到标题“{spec.title}”（读到：{read}）",
            f"the reference image does not print the title {spec.title!r} (read: {read!r})",
        )
    title_lines = [line for line in ocr.lines if _inside(line.quad, title.quad)]
    hits = locate_labels(ocr, spec.fields, skip=title_lines)
    missing = [f.label for f in spec.fields if f.key not in hits]
    if missing:
        raise RegistryError(
            f"参考图上找不到这些标签：{'、'.join(missing)}",
            f"labels not found on the reference image: {', '.join(missing)}",
        )
    values = extract_fields(ocr, {f.key: f.all_labels for f in spec.fields})
    texts = [
        LearntText(role="value", text=v.value, box=_norm(_quad_box(v.quad), size), key=v.key)
        for v in values.values() if v.quad is not None
    ]
    used = {_line_key(line) for line in title_lines}
    for line in ocr.lines:
        if _line_key(line) in used or _mostly_label(line, hits) or any(_on_value(line, v.quad) for v in values.values()):
            continue
        texts.append(LearntText(role="static", text=line.text, box=_norm(_quad_box(line.quad), size)))
    seal_boxes = [_quad_box(s.quad) for s in seals if s.quad is not None]
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    qr_boxes = _qr_boxes(gray)
    text_boxes = [tuple(map(float, line.bbox)) for line in ocr.lines]
    photo_boxes = _photo_boxes(image, [*text_boxes, *seal_boxes, *qr_boxes])  # type: ignore[list-item]
    return LearntLayout(
        source_size=size,
        title=LearntText(role="title", text=title.value, box=_norm(_quad_box(title.quad), size)),
        labels=tuple(
            LearntText(role="label", text=hit.text, box=_norm(hit.box, size), key=key) for key, hit in hits.items()
        ),
        texts=tuple(texts),
        seals=tuple(_norm(b, size) for b in seal_boxes),
        qr_codes=tuple(_norm(b, size) for b in qr_boxes),
        photos=tuple(_norm(b, size) for b in photo_boxes),
        arrangement=arrangement,
        prints=_field_prints(gray, {v.key: _quad_box(v.quad) for v in values.values() if v.quad is not None}),
        badges=_badges(image),
    )


def _badges(image: np.ndarray) -> tuple[NormBox, ...]:
    """Where the emblem detector fires on the sample, measured at the work size (normalised boxes)."""
    from certcheck.types import NormalizedImage
    from vision.detectors.emblem import EmblemDetector

    h, w = image.shape[:2]
    scale = min(1.0, _PRINT_LONG_SIDE / max(h, w))
    pixels = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else image
    size = (int(pixels.shape[1]), int(pixels.shape[0]))
    found = EmblemDetector()(NormalizedImage(pixels, np.eye(3), size))
    return tuple(_norm(_quad_box(d.quad), size) for d in found if d.quad is not None)


#: The sample is measured at the work image's long side (certcheck.settings work_long_side default).
_PRINT_LONG_SIDE = 1600
#: A measured text line belongs to a value when this share of the line's box lies inside the value's.
_MIN_LINE_IN_VALUE = 0.5


def _field_prints(gray: np.ndarray, values: Mapping[str, tuple[float, float, float, float]]) -> tuple[FieldPrint, ...]:
    """Each value's sharpest measured line over the page median (see :class:`FieldPrint`)."""
    from vision.detectors.tampering import MIN_LINES, line_sharpness

    scale = _PRINT_LONG_SIDE / max(gray.shape[:2])
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    scale = min(scale, 1.0)
    lines = line_sharpness(small)
    if len(lines) < MIN_LINES:
        return ()
    median = float(np.median([line.sharpness for line in lines]))
    prints = []
    for key, (x0, y0, x1, y1) in values.items():
        box = (x0 * scale, y0 * scale, x1 * scale, y1 * scale)
        inside = [line.sharpness for line in lines if _share_inside(line.box, box) >= _MIN_LINE_IN_VALUE]
        if inside:
            prints.append(FieldPrint(key=key, sharpness=round(max(inside) / max(median, 1e-6), 3)))
    return tuple(prints)


def _share_inside(line: tuple[float, ...], box: tuple[float, float, float, float]) -> float:
    lx0, ly0, lx1, ly1 = line[:4]
    overlap = max(0.0, min(lx1, box[2]) - max(lx0, box[0])) * max(0.0, min(ly1, box[3]) - max(ly0, box[1]))
    return overlap / max(1.0, (lx1 - lx0) * (ly1 - ly0))


def _inside(quad: Quad, outer: Quad) -> bool:
    x0, y0, x1, y1 = _quad_box(quad)
    ox0, oy0, ox1, oy1 = _quad_box(outer)
    return x0 >= ox0 - 1 and y0 >= oy0 - 1 and x1 <= ox1 + 1 and y1 <= oy1 + 1


def _on_value(line: OcrLine, value_quad: Quad | None) -> bool:
    """Whether an OCR box is (part of) a value block already stored as a ``value``."""
    return value_quad is not None and _inside(line.quad, value_quad)


def _mostly_label(line: OcrLine, hits: Mapping[str, LabelHit]) -> bool:
    """An OCR box that is only a label (and maybe its colon): not a static text block of its own."""
    text = compact(line.text).rstrip(_COLONS)
    return any(text == hit.text for hit in hits.values())


def write_layout(layout: LearntLayout, path: Path) -> None:
    """Write ``layout`` as JSON (UTF-8, stable key order) to ``path`` and flush it to disk."""
    payload = layout.model_dump(mode="json")
    with path.open("w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
        handle.flush()
        os.fsync(handle.fileno())


def load_layout(folder: Path) -> LearntLayout | None:
    """The learnt layout stored in a template folder, ``None`` when it was never learnt.

    Raises:
        RegistryError: the file exists but is not a valid layout.
    """
    path = folder / LAYOUT_FILE
    if not path.is_file():
        return None
    try:
        return LearntLayout.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        raise RegistryError(f"{path}: 版式文件无效", f"{path}: invalid learnt layout: {exc}") from exc



def main(argv: Sequence[str] | None = None) -> int:
    """``python -m templates_registry.layout FOLDER...``: (re)learn and write the layout of template folders.

    For the built-in templates, whose ``layout.json`` is committed beside their
    ``reference.png``; data-dir templates are learnt by ``certcheck templates add``.
    """
    import argparse
    import sys

    from certcheck.settings import get_settings
    from ocr.engine import OcrEngine
    from templates_registry.loader import load_template_folder

    parser = argparse.ArgumentParser(prog="python -m templates_registry.layout", description=main.__doc__)
    parser.add_argument("folders", nargs="+", type=Path, metavar="FOLDER")
    args = parser.parse_args(argv)
    settings = get_settings()  # learn with the OCR the checks use (its detection size included)
    engine = OcrEngine(
        threads=settings.ocr_threads, device=settings.ocr_device, det_long_side=settings.ocr_det_long_side
    )
    for folder in args.folders:
        template = load_template_folder(folder, "builtin")
        image = cv2.imread(str(template.reference_path), cv2.IMREAD_COLOR)
        if image is None:
            raise RegistryError(f"参考图无法读取：{template.reference_path}", f"unreadable: {template.reference_path}")
        layout = learn_layout(template.spec, image, engine, arrangement="reference_style")
        write_layout(layout, folder / LAYOUT_FILE)
        sys.stdout.write(f"{folder / LAYOUT_FILE}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Write paths of the registry in the data dir: template registration and issuer import.

Both are atomic: a reader (a check, ``templates list``, another process)
sees the registry before or after a write, never half of one, and a crash
mid-write leaves the registry as it was.

* A template is staged in ``<data_dir>/templates/.staging-<random>/`` (the
  same parent, so the final rename stays on one file system): the spec and the
  reference image are written, validated exactly as the loader will read them,
  the reference image is read by OCR once and the learnt layout is written
  (``layout.json``, :mod:`templates_registry.layout`); every file and the
  folder are fsynced, then the folder is renamed to ``<id>``. Re-registering
  an id first renames the old folder to ``.replaced-<id>-<random>``; a crash
  between the two renames is repaired by the next registration (the old
  folder is renamed back when no new one took its place). The loader skips
  dot-folders, so staged and replaced folders are never read as templates.
* Issuers are upserted by ``code`` into ``<data_dir>/issuers/registry.csv``:
  the merged file is written to a temporary file in the same folder (its name
  does not end in ``.csv``, so the loader never reads it), fsynced and
  ``os.replace``-d over the old one.

Writers in one process are serialised by a lock, writers in several processes
(``serve --workers N``) by ``fcntl.flock`` on ``<data_dir>/.registry.lock``.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from certcheck.errors import CertcheckError, RegistryError
from templates_registry.layout import LAYOUT_FILE, LearntLayout, learn_layout, write_layout
from templates_registry.loader import (
    ISSUER_OPTIONAL_COLUMNS,
    ISSUER_REQUIRED_COLUMNS,
    MAX_DATA_FILE_BYTES,
    TEMPLATE_FILE,
    Template,
    load_issuer_csv,
    load_template_folder,
    parse_issuer_csv,
    safe_load_yaml,
)
from templates_registry.models import IssuerRecord, TemplateSpec
from vision.decode import decode_image

if TYPE_CHECKING:
    from ocr.engine import OcrEngine

__all__ = [
    "ISSUER_FILE",
    "IssuerImport",
    "Registration",
    "import_issuers",
    "register_template",
    "register_template_folder",
]

log = logging.getLogger("certcheck.registry")

#: The data dir's issuer registry file, written by :func:`import_issuers`.
ISSUER_FILE = "registry.csv"
#: Reference images are certificate scans: at most this many bytes and pixels.
MAX_REFERENCE_BYTES = 20 * 1024 * 1024
MAX_REFERENCE_PIXELS = 50_000_000

_STAGING_PREFIX = ".staging-"
_REPLACED_PREFIX = ".replaced-"
_thread_lock = threading.Lock()

#: The step that learns a layout; tests replace it to make a registration fail midway.
LayoutLearner = Callable[..., LearntLayout]


@dataclass(frozen=True)
class Registration:
    """A registered template and what registering it cost."""

    template: Template
    replaced: bool  # an earlier data-dir template with the same id was replaced
    elapsed_ms: float


@dataclass(frozen=True)
class IssuerImport:
    """What an issuer import changed."""

    added: int
    updated: int
    total: int  # rows in the data dir's registry afterwards


@contextlib.contextmanager
def _writer_lock(data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with _thread_lock, (data_dir / ".registry.lock").open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    with path.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _recover(templates_dir: Path) -> None:
    """Repair what a crashed registration left: stale staging folders, a replaced folder not yet replaced."""
    for entry in templates_dir.iterdir():
        if entry.name.startswith(_STAGING_PREFIX):
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.name.startswith(_REPLACED_PREFIX):
            template_id = entry.name[len(_REPLACED_PREFIX):].rsplit("-", 1)[0]
            target = templates_dir / template_id
            if target.exists():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                os.rename(entry, target)
                log.warning("restored template %s left by an interrupted registration", template_id)


def register_template(
    spec_yaml: bytes,
    reference: bytes,
    data_dir: Path,
    engine: OcrEngine,
    *,
    learner: LayoutLearner = learn_layout,
) -> Registration:
    """Validate a template (spec YAML and reference image), learn its layout and store it atomically.

    Args:
        spec_yaml: ``template.yaml`` as uploaded (CONTRACT.md section 4).
        reference: the reference image's bytes; stored under the spec's ``reference_image`` name.
        data_dir: ``CERTCHECK_DATA_DIR``; the template goes to ``templates/<id>/``.
        engine: the process's OCR engine, which reads the reference image once.
        learner: the layout step (tests pass one that fails, to check atomicity).

    Raises:
        RegistryError: the spec is invalid (every problem listed), the image
            cannot be decoded, or the image does not print the spec's title and labels.
    """
    start = time.perf_counter()
    if len(spec_yaml) > MAX_DATA_FILE_BYTES:
        raise RegistryError("模板描述文件过大", f"template.yaml too large ({len(spec_yaml)} bytes)")
    try:
        spec_yaml.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistryError("模板描述文件不是 UTF-8 文本", f"template.yaml is not UTF-8 text: {exc}") from exc
    if not reference:
        raise RegistryError("缺少参考图", "the reference image is missing or empty")
    templates_dir = data_dir / "templates"
    with _writer_lock(data_dir):
        templates_dir.mkdir(parents=True, exist_ok=True)
        _recover(templates_dir)
        staging = templates_dir / f"{_STAGING_PREFIX}{secrets.token_hex(6)}"
        staging.mkdir()
        try:
            try:
                template = _stage(staging, spec_yaml, reference, engine, learner)
            except (ValueError, OSError, RecursionError) as exc:
                # Whatever the upload holds, a bad registration is the uploader's data error (422), never a 500.
                raise RegistryError(
                    f"模板数据无效：{type(exc).__name__}", f"invalid template data: {type(exc).__name__}: {exc}"[:500]
                ) from None
            target = templates_dir / template.spec.id
            replaced = target.exists()
            aside = templates_dir / f"{_REPLACED_PREFIX}{template.spec.id}-{secrets.token_hex(4)}"
            if replaced:
                os.rename(target, aside)
            os.rename(staging, target)
            _fsync_dir(templates_dir)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        if replaced:
            shutil.rmtree(aside, ignore_errors=True)
    stored = load_template_folder(target, "data_dir")
    log.info("template %s registered (%s)", stored.spec.id, "replaced" if replaced else "new")
    return Registration(stored, replaced, (time.perf_counter() - start) * 1000.0)


def _stage(staging: Path, spec_yaml: bytes, reference: bytes, engine: OcrEngine, learner: LayoutLearner) -> Template:
    """Write and validate the template in ``staging``; learn and write its layout there."""
    _write_file(staging / TEMPLATE_FILE, spec_yaml)
    try:
        template = _validated(staging, reference)
        try:
            decoded = decode_image(
                reference, template.spec.reference_image,
                max_pixels=MAX_REFERENCE_PIXELS, max_bytes=MAX_REFERENCE_BYTES, max_pdf_pages=1,
            )
        except CertcheckError as exc:
            raise RegistryError(
                f"参考图无法读取：{exc.message}", f"the reference image cannot be read: {exc.message_en}"
            ) from exc
        write_layout(learner(template.spec, decoded.pixels, engine), staging / LAYOUT_FILE)
    except RegistryError as exc:
        # Messages name the staging folder; the caller knows the files as template.yaml / the image.
        where = f"{staging}{os.sep}"
        raise RegistryError(exc.message.replace(where, ""), exc.message_en.replace(where, "")) from exc
    _fsync_dir(staging)
    return load_template_folder(staging, "data_dir")


def _validated(staging: Path, reference: bytes) -> Template:
    """Put the image where the spec names it, then validate both exactly as the loader reads them."""
    try:
        raw = safe_load_yaml((staging / TEMPLATE_FILE).read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError, RecursionError):
        raw = None  # not dropped: load_template_folder below raises it with the file and position
    name = raw.get("reference_image") if isinstance(raw, dict) else None
    if isinstance(name, str) and _plain_name(name):
        _write_file(staging / name, reference)
    return load_template_folder(staging, "data_dir")


def _plain_name(name: str) -> bool:
    """A name the spec validator will accept for ``reference_image``; anything else is never written."""
    try:
        TemplateSpec._plain_file_name(name)  # the model's own rule for the name
    except ValueError:
        return False
    return 0 < len(name) <= 128 and len(name.encode("utf-8")) <= 255


def register_template_folder(
    folder: Path, data_dir: Path, engine: OcrEngine, *, learner: LayoutLearner = learn_layout
) -> Registration:
    """Register a template folder (``certcheck templates add DIR``): its spec and reference image only.

    Raises:
        RegistryError: no ``template.yaml`` in ``folder``, or as :func:`register_template`.
    """
    spec_path = folder / TEMPLATE_FILE
    if not spec_path.is_file():
        raise RegistryError(f"{folder} 中没有 {TEMPLATE_FILE}", f"no {TEMPLATE_FILE} in {folder}")
    template = load_template_folder(folder, "run")  # names the folder's own files in its errors
    reference = template.reference_path
    if reference.stat().st_size > MAX_REFERENCE_BYTES:
        raise RegistryError("参考图过大", f"reference image too large: {reference}")
    return register_template(spec_path.read_bytes(), reference.read_bytes(), data_dir, engine, learner=learner)


def import_issuers(text: str, source: str, data_dir: Path) -> IssuerImport:
    """Upsert issuer rows (CSV text, CONTRACT.md section 5) by ``code`` into the data dir's registry.

    Args:
        source: names the rows in error messages (``upload.csv:3: ...``).

    Raises:
        RegistryError: bad header or rows, every bad row listed by line; nothing is written then.
    """
    if len(text.encode("utf-8")) > MAX_DATA_FILE_BYTES:
        raise RegistryError("机构登记文件过大", f"issuer registry too large (max {MAX_DATA_FILE_BYTES} bytes)")
    incoming = parse_issuer_csv(text.lstrip("\ufeff"), source)
    issuers_dir = data_dir / "issuers"
    with _writer_lock(data_dir):
        issuers_dir.mkdir(parents=True, exist_ok=True)
        path = issuers_dir / ISSUER_FILE
        existing = {r.code: r for r in load_issuer_csv(path)} if path.is_file() else {}
        added = sum(1 for r in incoming if r.code not in existing)
        merged = {**existing, **{r.code: r for r in incoming}}
        payload = _issuer_csv(list(merged.values())).encode("utf-8")
        if len(payload) > MAX_DATA_FILE_BYTES:
            raise RegistryError("机构登记文件将超过大小上限", f"the merged registry would exceed {MAX_DATA_FILE_BYTES} bytes")
        temporary = issuers_dir / f".{ISSUER_FILE}.{secrets.token_hex(4)}.tmp"
        try:
            _write_file(temporary, payload)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)
        _fsync_dir(issuers_dir)
    log.info("issuers imported from %s: %d added, %d updated", source, added, len(incoming) - added)
    return IssuerImport(added=added, updated=len({r.code for r in incoming}) - added, total=len(merged))


def _issuer_csv(records: list[IssuerRecord]) -> str:
    columns = (*ISSUER_REQUIRED_COLUMNS, *ISSUER_OPTIONAL_COLUMNS)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for record in records:
        row = record.model_dump(mode="json")
        writer.writerow({
            column: ";".join(value) if isinstance(value := row.get(column), list) else ("" if value is None else value)
            for column in columns
        })
    return out.getvalue()

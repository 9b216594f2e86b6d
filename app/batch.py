"""``certcheck batch DIR --out OUTDIR``: an inspector's folder of photos, checked and reported.

Three parts that know little of each other:

1. **What to check** (:func:`discover`): every file under DIR, recursively.
   A file is checked when its name *or* its bytes say it is a supported type
   (a phone export may have no extension; a ``.jpg`` may hold text, and then
   its row carries ``unsupported_media_type``); everything else is listed as
   skipped. Each file is keyed by its (masked) relative path and the SHA-256
   of its bytes.
2. **How rows are produced** (:func:`check_file`, an :class:`Engine`):
   ``check_file(item, options)`` is a plain function over picklable values
   that returns a :class:`CheckedFile` (a masked :class:`~app.reports.FileRow`
   plus the annotated PNG and a thumbnail as bytes). It builds its
   :class:`~certcheck.pipeline.Checker` once per process, so another engine
   (processes, a cluster) can call it remotely. :class:`ThreadEngine` runs it
   on ``--jobs`` threads sharing one Checker (ONNX Runtime and OpenCV release
   the GIL).
3. **What is written** (:class:`OutputFolder`): images as each row arrives,
   then ``journal.jsonl``, and at the end ``report.csv``, ``report.json``,
   ``report.html``, ``statistics.csv`` and ``statistics.xlsx`` from the rows
   alone.

Resumable: the journal gets one line per finished file (after its images are
on disk), so a second run over the same folder skips every file whose path
and SHA-256 are already there, and re-checks a changed file. One bad file
never stops the batch: its row has the contract's error code. Input errors are
journalled (the same bytes fail the same way); other failures are not, so a
re-run tries them again.

Personal data: rows hold the masked Report JSON; file paths are masked too
(a file may be named after its holder's ID number), the journal keys files by
masked path and content hash, images are named by content hash, and thumbnails have the printed ID
number blacked out as the annotated image does.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import fcntl
import hashlib
import json
import logging
import multiprocessing
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TextIO

import cv2
import numpy as np

from app.logs import configure_logging
from app.reports import (
    FileRow,
    FileStatus,
    StatisticsForm,
    tally,
    write_report_csv,
    write_report_html,
    write_report_json,
    write_statistics_csv,
    write_statistics_xlsx,
)
from app.store import CaseEvidence, CaseRecord, CaseStore
from certcheck.errors import CertcheckError, InputError, RequestError, UnsupportedMediaType
from certcheck.pipeline import Checker
from certcheck.privacy import mask_id_numbers
from certcheck.report import report_to_dict
from certcheck.settings import Settings
from certcheck.types import Report, quad_to_bbox
from vision.decode import SUPPORTED_MEDIA_TYPES, sniff_media_type

#: Held in the output folder while a batch writes into it (:func:`_one_batch_per_folder`).
BATCH_LOCK = ".batch.lock"

__all__ = [
    "BatchItem",
    "BatchResult",
    "CaseRecorder",
    "CheckOptions",
    "CheckedFile",
    "Discovery",
    "Engine",
    "Journal",
    "OutputFolder",
    "ProcessEngine",
    "ProgressBar",
    "ThreadEngine",
    "case_from_row",
    "check_file",
    "checker_for",
    "discover",
    "run_batch",
]

logger = logging.getLogger(__name__)

#: Extensions of the supported types (CONTRACT.md section 1), lower case.
IMAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".bmp", ".dib", ".tif", ".tiff", ".heic", ".heif", ".pdf"}
)
#: Enough leading bytes for every sniffer in vision/decode.py (the PDF header may sit up to 1 KiB in).
_SNIFF_BYTES = 1024
#: Thumbnail long side in pixels: the HTML table shows them at up to 160 px.
THUMBNAIL_LONG_SIDE = 240
JOURNAL_NAME = "journal.jsonl"


@dataclass(frozen=True)
class CheckOptions:
    """Everything a worker needs to check a file, picklable for other processes.

    Attributes:
        settings: the run's settings (registries, caps, OCR threads).
        templates: extra template folders for this run (``--templates``).
        issuers: extra issuer registry files for this run (``--issuers``).
        annotate: draw the evidence boxes (``--annotate``).
    """

    settings: Settings
    templates: tuple[Path, ...] = ()
    issuers: tuple[Path, ...] = ()
    annotate: bool = False

    def checker_key(self) -> str:
        """Options that decide which Checker is built (not ``annotate``, a per-call argument)."""
        return json.dumps([self.settings.model_dump_json(), [str(p) for p in self.templates],
                           [str(p) for p in self.issuers]])


@dataclass(frozen=True)
class BatchItem:
    """One file to check.

    Attributes:
        path: where the file is, for the worker to read.
        relative: its path under the batch folder, with ``/`` (unmasked; never written out).
        sha256: hex SHA-256 of the file's bytes when it was found.
        size_bytes: its size then.
    """

    path: Path
    relative: str
    sha256: str
    size_bytes: int

    @property
    def shown_path(self) -> str:
        """The relative path as written in reports: ID numbers masked."""
        return mask_id_numbers(self.relative)


@dataclass(frozen=True)
class CheckedFile:
    """What :func:`check_file` returns: the row, the images as bytes, and whether to journal it."""

    item: BatchItem
    row: FileRow
    annotated_png: bytes | None = None
    thumbnail_jpeg: bytes | None = None
    #: False for failures that are not the file's fault (a re-run tries them again).
    final: bool = True


@dataclass(frozen=True)
class Discovery:
    """The batch folder's files: those to check, and rows for the skipped ones."""

    items: tuple[BatchItem, ...]
    skipped: tuple[FileRow, ...]


def discover(root: Path, *, exclude: Sequence[Path] = ()) -> Discovery:
    """Every file under ``root`` (recursively, sorted, symlinks not followed), as items or skipped rows.

    ``exclude`` folders (the output folder when it sits inside ``root``) are not entered.
    """
    excluded = {p.resolve() for p in exclude}
    items: list[BatchItem] = []
    skipped: list[FileRow] = []
    for path in _walk(root.resolve(), excluded):
        relative = path.relative_to(root.resolve()).as_posix()
        head, digest, size = _sniff_and_hash(path)
        by_bytes = sniff_media_type(head) in SUPPORTED_MEDIA_TYPES
        if by_bytes or path.suffix.lower() in IMAGE_EXTENSIONS:
            items.append(BatchItem(path, relative, digest, size))
        else:
            error = UnsupportedMediaType()
            skipped.append(FileRow(path=mask_id_numbers(relative), status=FileStatus.SKIPPED, sha256=digest,
                                   size_bytes=size, error_code=error.code, error_message=error.message))
    return Discovery(tuple(items), tuple(skipped))


def _walk(folder: Path, excluded: set[Path]) -> Iterator[Path]:
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.is_symlink():
            continue
        if entry.is_dir():
            if entry.resolve() not in excluded:
                yield from _walk(entry, excluded)
        elif entry.is_file():
            yield entry


def _sniff_and_hash(path: Path) -> tuple[bytes, str, int]:
    digest = hashlib.sha256()
    head = b""
    size = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            if not head:
                head = chunk[:_SNIFF_BYTES]
            digest.update(chunk)
            size += len(chunk)
    return head, digest.hexdigest(), size


# --- checking one file: a plain function, safe to run in another process ----------------------------------------

_CHECKERS: dict[str, Checker] = {}
_CHECKERS_LOCK = threading.Lock()


def checker_for(options: CheckOptions) -> Checker:
    """This process's Checker for ``options``, built on first use.

    Building it loads the registries (bad data raises
    :class:`~certcheck.errors.RegistryError` here); the OCR models load on the
    first image that reaches OCR, so a run with nothing to read loads none.
    """
    key = options.checker_key()
    with _CHECKERS_LOCK:
        if key not in _CHECKERS:
            _CHECKERS[key] = Checker.from_settings(options.settings, templates=options.templates,
                                                   issuers=options.issuers)
        return _CHECKERS[key]


def check_file(
    item: BatchItem, options: CheckOptions, *, data: bytes | None = None, checker: Checker | None = None
) -> CheckedFile:
    """Check one file and return its row; never raises for a bad file (its row carries the error code).

    Args:
        item: the file.
        options: the run's options.
        data: the file's bytes, when the caller read them (a worker on another
            machine cannot see ``item.path``); else the file is read here.
        checker: a Checker to use instead of this process's cached one (tests share one).
    """
    checker = checker or checker_for(options)
    checked_at = _now()
    try:
        if data is None:
            report = checker.check_path(item.path, annotate=options.annotate)
        else:  # the upload caps (size, pixels) are enforced by decoding, as for an HTTP upload
            report = checker.check_bytes(data, item.path.name, annotate=options.annotate)
    except InputError as exc:
        return CheckedFile(item, _error_row(item, exc, checked_at))
    except CertcheckError as exc:
        logger.error("%s: %s (%s)", item.shown_path, exc.message_en, exc.code)
        return CheckedFile(item, _error_row(item, exc, checked_at), final=False)
    except Exception as exc:  # one bad file never stops the batch; the row and the log say what happened
        logger.exception("%s: unexpected failure", item.shown_path)
        return CheckedFile(item, _error_row(item, CertcheckError(), checked_at, detail=repr(exc)), final=False)
    answer = report_to_dict(report, checker.registry)
    answer["file"] = item.shown_path
    answer["annotated_image"] = None  # written beside the reports, not inlined
    row = FileRow(path=item.shown_path, status=FileStatus.CHECKED, sha256=item.sha256, size_bytes=item.size_bytes,
                  report=answer, checked_at=checked_at)
    return CheckedFile(item, row, annotated_png=report.annotated_png, thumbnail_jpeg=_thumbnail(report))


def _error_row(item: BatchItem, error: CertcheckError, checked_at: str, detail: str = "") -> FileRow:
    message = mask_id_numbers(error.message + (f" ({detail})" if detail else ""))
    return FileRow(path=item.shown_path, status=FileStatus.ERROR, sha256=item.sha256, size_bytes=item.size_bytes,
                   error_code=error.code, error_message=message, checked_at=checked_at)


def _thumbnail(report: Report) -> bytes:
    """The straightened sheet (work space), small, with every line that holds an ID number blacked out."""
    pixels = report.normalized.pixels.copy()
    for line in report.ocr.lines:
        if mask_id_numbers(line.text) != line.text:
            x0, y0, x1, y1 = quad_to_bbox(line.quad)  # work space, the space of ``pixels``
            cv2.rectangle(pixels, (x0, y0), (x1, y1), (0, 0, 0), thickness=-1)
    scale = THUMBNAIL_LONG_SIDE / max(pixels.shape[:2])
    if scale < 1.0:
        pixels = cv2.resize(pixels, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    ok, encoded = cv2.imencode(".jpg", np.ascontiguousarray(pixels), [cv2.IMWRITE_JPEG_QUALITY, 80])
    if not ok:
        raise CertcheckError("缩略图生成失败。", "could not encode the thumbnail")
    return encoded.tobytes()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Engine(Protocol):
    """Runs :func:`check_file` over items and yields the results as they finish (any order)."""

    def run(self, items: Sequence[BatchItem], options: CheckOptions) -> Iterator[CheckedFile]: ...


@dataclass
class ThreadEngine:
    """``jobs`` threads in this process sharing one Checker.

    The OCR engine reads one image at a time (it holds a lock), so threads
    overlap only decoding, the detectors and the rules; :class:`ProcessEngine`
    runs whole checks in parallel.
    """

    jobs: int = 1
    checker: Checker | None = None

    def run(self, items: Sequence[BatchItem], options: CheckOptions) -> Iterator[CheckedFile]:
        if not items:
            return
        checker = self.checker or checker_for(options)
        if self.jobs <= 1:
            for item in items:
                yield check_file(item, options, checker=checker)
            return
        with concurrent.futures.ThreadPoolExecutor(self.jobs, thread_name_prefix="certcheck-batch") as pool:
            futures = [pool.submit(check_file, item, options, checker=checker) for item in items]
            for future in concurrent.futures.as_completed(futures):
                yield future.result()


@dataclass
class ProcessEngine:
    """``jobs`` worker processes, each with its own Checker (and its own copy of the OCR models).

    Processes are started with ``spawn``: forking a parent that already holds
    ONNX Runtime sessions and their threads is not safe.
    """

    jobs: int = 2

    def run(self, items: Sequence[BatchItem], options: CheckOptions) -> Iterator[CheckedFile]:
        if not items:
            return
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(
            min(self.jobs, len(items)), mp_context=context,
            initializer=configure_logging, initargs=(options.settings.log_level,),
        ) as pool:
            futures = [pool.submit(check_file, item, options) for item in items]
            for future in concurrent.futures.as_completed(futures):
                yield future.result()


# --- writing: the journal, the images, the reports -------------------------------------------------------------


class Journal:
    """``journal.jsonl``: one line per finished file, ``{"path", "sha256", "row"}``, keyed by path and SHA-256.

    The path is the masked one: two files whose names differ only inside an ID
    number still differ by their bytes, and a name alone is never a key.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._done: dict[tuple[str, str], FileRow] = {}
        if path.is_file():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                    self._done[(entry["path"], entry["sha256"])] = FileRow.from_json(entry["row"])
                except (ValueError, KeyError, TypeError):
                    # A run killed mid-write leaves a partial last line: that file is simply checked again.
                    logger.warning("%s line %d is unreadable; that file will be checked again", path, number)

    def done(self, item: BatchItem) -> FileRow | None:
        """The journalled row of this path with these bytes, if any."""
        return self._done.get((item.shown_path, item.sha256))

    def append(self, item: BatchItem, row: FileRow) -> None:
        entry = {"path": item.shown_path, "sha256": item.sha256, "row": row.to_json()}
        with self.path.open("a", encoding="utf-8") as stream:
            stream.write(json.dumps(entry, ensure_ascii=False) + "\n")
            stream.flush()
            os.fsync(stream.fileno())
        self._done[(item.shown_path, item.sha256)] = row


@dataclass(frozen=True)
class OutputFolder:
    """OUTDIR and the files in it."""

    root: Path

    ANNOTATED = "annotated"
    THUMBNAILS = "thumbnails"

    def prepare(self) -> None:
        for sub in (self.ANNOTATED, self.THUMBNAILS):
            (self.root / sub).mkdir(parents=True, exist_ok=True)

    @property
    def journal(self) -> Path:
        return self.root / JOURNAL_NAME

    def save_images(self, checked: CheckedFile) -> FileRow:
        """Write the file's images, named by content hash, and return its row pointing at them."""
        annotated = thumbnail = None
        if checked.annotated_png is not None:
            annotated = f"{self.ANNOTATED}/{checked.item.sha256[:20]}.png"
            (self.root / annotated).write_bytes(checked.annotated_png)
        if checked.thumbnail_jpeg is not None:
            thumbnail = f"{self.THUMBNAILS}/{checked.item.sha256[:20]}.jpg"
            (self.root / thumbnail).write_bytes(checked.thumbnail_jpeg)
        return checked.row.with_images(annotated, thumbnail)

    def has_images_for(self, row: FileRow, *, annotate: bool) -> bool:
        """Whether a journalled row's images are still there (and annotated, when that is asked now)."""
        if row.status is not FileStatus.CHECKED:
            return True
        wanted = [row.thumbnail] + ([row.annotated_image] if annotate else [])
        return all(name is not None and (self.root / name).is_file() for name in wanted)

    def write_reports(self, rows: Sequence[FileRow], scope: str) -> StatisticsForm:
        """report.csv/json/html and statistics.csv/xlsx, all from ``rows``; returns the totals."""
        form = tally(scope, ((row.status is FileStatus.CHECKED, row.form_columns)
                             for row in rows if row.status is not FileStatus.SKIPPED))
        write_report_csv(rows, self.root / "report.csv")
        write_report_json(rows, form, self.root / "report.json")
        write_report_html(rows, form, self.root / "report.html")
        write_statistics_csv(form, self.root / "statistics.csv")
        detail = [(row.path, row.form_columns) for row in rows if row.status is FileStatus.CHECKED]
        write_statistics_xlsx(form, self.root / "statistics.xlsx", detail=detail)
        return form


class ProgressBar:
    """A one-line text progress bar on a terminal; silent when the stream is not one, or when asked."""

    WIDTH = 30

    def __init__(self, total: int, *, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.total = total
        self.done = 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._start = time.monotonic()

    def advance(self, label: str) -> None:
        self.done += 1
        if self.enabled:
            self.stream.write("\r" + self.line(label))
            self.stream.flush()

    def line(self, label: str) -> str:
        """``[######....]  3/10  30%  00:12 left 00:28  label``."""
        share = self.done / self.total if self.total else 1.0
        filled = int(round(share * self.WIDTH))
        elapsed = time.monotonic() - self._start
        left = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        return (f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {self.done}/{self.total} {share:4.0%} "
                f"{_clock(elapsed)} left {_clock(left)}  {label[-40:]}\x1b[K")

    def close(self) -> None:
        if self.enabled and self.done:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02d}:{secs:02d}"


@dataclass(frozen=True)
class BatchResult:
    """A finished batch: every row (sorted by path), how many were checked now, and the totals."""

    rows: tuple[FileRow, ...]
    checked_now: int
    resumed: int
    form: StatisticsForm
    out_dir: Path

    @property
    def failed(self) -> list[FileRow]:
        return [row for row in self.rows if row.status is FileStatus.ERROR]


#: Called with each newly checked file after its row is journalled (case recording).
OnChecked = Callable[[CheckedFile, FileRow], None]


@dataclass
class _Collected:
    rows: dict[str, FileRow] = field(default_factory=dict)
    checked_now: int = 0


def run_batch(
    root: Path,
    out_dir: Path,
    options: CheckOptions,
    *,
    engine: Engine,
    show_progress: bool | None = False,
    on_checked: OnChecked | None = None,
) -> BatchResult:
    """Check what is not done yet under ``root`` and (re)write every output in ``out_dir``.

    ``show_progress``: ``None`` draws the bar when stderr is a terminal.
    """
    if not root.is_dir():
        raise RequestError(f"找不到文件夹：{root.name}", f"not a folder: {root}")
    if out_dir.resolve() == root.resolve():
        raise RequestError("--out 不能是要核验的文件夹本身。", "--out must not be DIR itself (a subfolder is fine)")
    output = OutputFolder(out_dir)
    output.prepare()
    with _one_batch_per_folder(out_dir):
        return _run_locked(root, out_dir, output, options, engine, show_progress, on_checked)


@contextlib.contextmanager
def _one_batch_per_folder(out_dir: Path) -> Iterator[None]:
    """Hold ``OUTDIR/.batch.lock`` for the run: a second batch into the same folder is refused, not run twice.

    Two batches writing one journal would each check every file and record every case twice.

    Raises:
        RequestError: another batch (this machine, any process) holds the folder.
    """
    handle = (out_dir / BATCH_LOCK).open("a")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RequestError(
                "另一个批量核验正在写入该输出文件夹，请等待其结束或换一个 --out。",
                f"another batch is writing into {mask_id_numbers(str(out_dir))}; wait for it or choose another --out",
            ) from None
        yield
    finally:
        handle.close()  # closing releases the lock


def _run_locked(
    root: Path, out_dir: Path, output: OutputFolder, options: CheckOptions, engine: Engine,
    show_progress: bool | None, on_checked: OnChecked | None,
) -> BatchResult:
    found = discover(root, exclude=[out_dir])
    journal = Journal(output.journal)
    collected = _Collected()
    todo = []
    for item in found.items:
        row = journal.done(item)
        if row is not None and output.has_images_for(row, annotate=options.annotate):
            collected.rows[item.relative] = row
        else:
            todo.append(item)
    resumed = len(collected.rows)
    progress = ProgressBar(len(todo), enabled=show_progress)
    for checked in engine.run(todo, options):
        row = output.save_images(checked)
        if checked.final:
            journal.append(checked.item, row)
        collected.rows[checked.item.relative] = row
        collected.checked_now += 1
        progress.advance(row.path)
        if on_checked is not None:
            on_checked(checked, row)
    progress.close()
    rows = sorted([*collected.rows.values(), *found.skipped], key=lambda r: r.path)
    form = output.write_reports(rows, scope=mask_id_numbers(str(root)))
    logger.info("batch %s: %d checked now, %d from the journal, %d skipped", mask_id_numbers(str(root)),
                collected.checked_now, resumed, len(found.skipped))
    return BatchResult(tuple(rows), collected.checked_now, resumed, form, out_dir)



@dataclass(frozen=True)
class CaseRecorder:
    """Records each newly checked file as a case (``--record``); keeps its bytes with ``--keep-images``."""

    store: CaseStore
    inspector: str
    place: str
    keep_images: bool = False

    def __call__(self, checked: CheckedFile, row: FileRow) -> None:
        image = checked.item.path.read_bytes() if self.keep_images else None
        media_type = sniff_media_type(image[:_SNIFF_BYTES]) if image is not None else None
        self.store.record(case_from_row(row, self.inspector, self.place), image=image, media_type=media_type)


def case_from_row(row: FileRow, inspector: str, place: str) -> CaseRecord:
    """A batch row as a case record (masked data only; no holder name, no ID number)."""
    template = row.value("template") or {}
    return CaseRecord(
        checked_at=row.checked_at or _now(), inspector=inspector, place=place, file_name=row.path,
        sha256=row.sha256 or "", size_bytes=row.size_bytes,
        status="checked" if row.status is FileStatus.CHECKED else "error", error_code=row.error_code,
        risk_level=row.value("risk_level"), risk_score=row.value("risk_score"), certificate_kind=row.value("kind"),
        certificate_title=row.value("title"), serial_number=row.value("serial_number"), issuer=row.value("issuer"),
        template_id=template.get("id"), summary=row.value("summary"),
        evidence=tuple(CaseEvidence.from_report(item) for item in row.evidence),
    )

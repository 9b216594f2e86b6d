"""The ``certcheck`` command line (CONTRACT.md section 1).

``check`` builds one :class:`~certcheck.pipeline.Checker` and loads the OCR
models once for all its images. With ``--json`` stdout carries exactly one
JSON line per image and nothing else; logs always go to stderr. Exit status
comes only from :attr:`CertcheckError.exit_code`: 0 when every image was
checked, 1 when one could not be read or found (the others are still
checked), 2 for unusable arguments (argparse's own errors, bad registry data,
an unknown ``--template-id``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from app.logs import configure_logging
from app.schemas import Issuer, TemplateSummary
from certcheck.errors import CertcheckError, FileTooLarge, ImageNotFound, InputError, RequestError
from certcheck.pipeline import Checker
from certcheck.privacy import mask_id_numbers
from certcheck.report import error_to_dict, format_report_text, format_text_check, report_to_dict, text_check_to_dict
from certcheck.settings import Settings, get_settings
from rules.text_check import check_text

__all__ = ["build_parser", "main"]

# Named explicitly: under ``python -m app.cli`` this module is ``__main__``.
logger = logging.getLogger("app.cli")

Handler = Callable[[argparse.Namespace, Settings], int]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one ``certcheck`` command and return its exit status."""
    args = build_parser().parse_args(argv)
    try:
        settings = _load_settings()
        handler: Handler = args.handler
        return handler(args, settings)
    except CertcheckError as exc:
        sys.stderr.write(mask_id_numbers(f"certcheck: {exc.message} ({exc.code}: {exc.message_en})") + "\n")
        return exc.exit_code


def build_parser() -> argparse.ArgumentParser:
    """The argument parser: every subcommand of CONTRACT.md section 1 and the project's own."""
    parser = argparse.ArgumentParser(prog="certcheck", description="技术技能类证书核验（识别“山寨证书”）")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    registry = _registry_options()

    check = commands.add_parser("check", parents=[registry], help="check certificate images")
    check.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    check.add_argument("--json", action="store_true", help="one JSON report per line on stdout")
    check.add_argument("--annotate", type=Path, metavar="OUT", help="PNG path (one image) or folder (several)")
    check.add_argument("--template-id", metavar="ID", help="compare with this registered template")
    check.set_defaults(handler=_run_check)

    check_text = commands.add_parser("check-text", help="check an advert, web page text or chat message")
    check_text.add_argument("text", nargs="?", default="-", metavar="TEXT", help="the text, or - (default) for stdin")
    check_text.add_argument("--json", action="store_true", help="the text report as one JSON line")
    check_text.set_defaults(handler=_run_check_text)

    serve = commands.add_parser("serve", help="run the HTTP service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=_positive_int, default=1, metavar="N", help="server processes")
    serve.set_defaults(handler=_run_serve)

    for noun, lister in (("templates", _list_templates), ("issuers", _list_issuers)):
        group = commands.add_parser(noun, help=f"{noun} in the registry")
        actions = group.add_subparsers(dest="action", required=True, metavar="ACTION")
        listing = actions.add_parser("list", parents=[registry], help=f"list the registered {noun}")
        listing.add_argument("--json", action="store_true", help="one JSON object per line")
        listing.set_defaults(handler=lister)
        _add_write_command(noun, actions)

    keys = commands.add_parser("keys", help="API keys for the write endpoints and high-rate clients")
    key_actions = keys.add_subparsers(dest="action", required=True, metavar="ACTION")
    add_key_parser = key_actions.add_parser("add", help="make a key for NAME; prints it once, stores only its hash")
    add_key_parser.add_argument("name", metavar="NAME")
    add_key_parser.set_defaults(handler=_add_key)
    _add_batch_commands(commands, registry)
    return parser


def _registry_options() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument(
        "--templates",
        action="append",
        type=Path,
        default=[],
        metavar="DIR",
        help="extra template folder(s) for this run (repeatable)",
    )
    options.add_argument(
        "--issuers",
        action="append",
        type=Path,
        default=[],
        metavar="FILE",
        help="extra issuer registry CSV(s) for this run (repeatable)",
    )
    return options


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _load_settings() -> Settings:
    """The environment's settings, with logging set up; bad ``CERTCHECK_*`` values are argument errors."""
    try:
        settings = get_settings()
        configure_logging(settings.log_level)
    except ValueError as exc:  # pydantic.ValidationError is a ValueError
        raise RequestError("CERTCHECK_* 环境变量无效。", f"invalid CERTCHECK_* setting: {exc}") from exc
    return settings


def _build_checker(args: argparse.Namespace, settings: Settings) -> Checker:
    return Checker.from_settings(settings, templates=args.templates, issuers=args.issuers)


def _run_check(args: argparse.Namespace, settings: Settings) -> int:
    checker = _build_checker(args, settings)
    if args.template_id:
        checker.registry.get_template(args.template_id)  # an unknown id is an argument error, before any work
    targets = _annotation_targets(args.images, args.annotate)
    # In the order given: a missing or oversized file is reported as soon as it is reached, without reading
    # it; the models load (seconds) only when the first readable image comes, never when none is readable.
    statuses: list[int] = []
    for image, target in targets:
        problem = _file_problem(image, settings)
        if problem is not None:
            statuses.append(_print_error(image, problem, args.json))
            continue
        checker.warm_up()  # idempotent
        statuses.append(_check_one(checker, image, target, args.template_id, args.json))
    return max(statuses)


def _file_problem(image: Path, settings: Settings) -> InputError | None:
    """Why ``image`` cannot be checked at all, found without reading it (CONTRACT section 1: exit 1)."""
    try:
        if not image.is_file():
            return ImageNotFound(f"找不到文件：{image.name}", f"file not found: {image}")
        if image.stat().st_size > settings.max_upload_bytes:
            return FileTooLarge(message_en=f"{image}: more than {settings.max_upload_bytes} bytes")
    except (OSError, ValueError) as exc:  # a path the OS refuses (too long, NUL byte)
        return ImageNotFound(f"无法打开文件：{image.name}", f"cannot open {image}: {type(exc).__name__}")
    return None


def _check_one(checker: Checker, image: Path, annotate_to: Path | None, template_id: str | None, as_json: bool) -> int:
    """Check one image and print its report (or its error line); returns that image's exit status.

    Any failure, expected or not, ends in that image's error line: the next
    image is always checked (CONTRACT.md section 1).
    """
    try:
        report = checker.check_path(image, template_id=template_id, annotate=annotate_to is not None)
    except CertcheckError as exc:
        return _print_error(image, exc, as_json)
    except Exception as exc:  # a bug must cost this image, never the rest of the run
        logger.exception("%s: internal error", image)
        return _print_error(image, CertcheckError(message_en=f"internal error: {type(exc).__name__}"), as_json)
    answer = report_to_dict(report, checker.registry)
    if annotate_to is not None and report.annotated_png is not None:
        annotate_to.write_bytes(report.annotated_png)
        logger.info("annotated image written to %s", annotate_to)
    if as_json:
        _print_json(answer)
    else:
        _print(format_report_text(answer) + "\n")
    return 0


def _print_error(image: Path, error: CertcheckError, as_json: bool) -> int:
    """The failed image's JSON line (or a stderr line), ID numbers masked; returns its exit status, 1."""
    logger.warning("%s: %s", image, error.message_en)
    if as_json:
        _print_json(error_to_dict(str(image), error))
    else:
        sys.stderr.write(mask_id_numbers(f"{image}: {error.message}（{error.code}）") + "\n")
    return 1


def _annotation_targets(images: Sequence[Path], out: Path | None) -> list[tuple[Path, Path | None]]:
    """Pairs each image with its annotated PNG: ``out`` itself for one image, ``out/<stem>.png`` for several."""
    if out is None:
        return [(image, None) for image in images]
    if len(images) == 1:
        out.parent.mkdir(parents=True, exist_ok=True)
        return [(images[0], out)]
    if out.exists() and not out.is_dir():
        raise RequestError(
            f"--annotate {out} 应为文件夹（多张图片）。", f"--annotate {out} must be a folder for several images"
        )
    out.mkdir(parents=True, exist_ok=True)
    return list(zip(images, (out / name for name in _unique_png_names(images)), strict=True))


def _unique_png_names(images: Sequence[Path]) -> list[str]:
    """``<stem>.png`` for each image; repeated stems (``a/x.jpg``, ``b/x.jpg``) get ``-2``, ``-3``..."""
    seen: dict[str, int] = {}
    names = []
    for image in images:
        stem = mask_id_numbers(image.stem)  # an ID number in a photo's name is not written into a new file name
        count = seen[stem] = seen.get(stem, 0) + 1
        names.append(f"{stem}.png" if count == 1 else f"{stem}-{count}.png")
    return names


def _run_check_text(args: argparse.Namespace, settings: Settings) -> int:
    """The publicity rules on TEXT (or stdin); an empty or over-long text is an argument error (2)."""
    text = sys.stdin.read() if args.text == "-" else args.text
    if not text.strip():
        raise RequestError("没有要检查的文字。", "no text to check")
    answer = text_check_to_dict(check_text(text))
    if args.json:
        _print_json(answer)
    else:
        _print(format_text_check(answer))
    return 0


def _run_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    # Fail here, with exit status 2, on bad registry data rather than in every server process.
    Checker.from_settings(settings)
    # Each process imports app.main:app and builds its own Checker and work pool;
    # the app logs one line per request (with its id), so uvicorn's access log is off.
    # Proxy headers only from the proxies named in CERTCHECK_TRUSTED_PROXIES (uvicorn's default trusts loopback).
    proxies = ",".join(settings.trusted_proxies)
    uvicorn.run("app.main:app", host=args.host, port=args.port, workers=args.workers, access_log=False,
                proxy_headers=bool(proxies), forwarded_allow_ips=proxies or None)
    return 0


def _add_key(args: argparse.Namespace, settings: Settings) -> int:
    from app.api.auth import add_key, keys_file_of

    key = add_key(settings, args.name)
    _print(key)
    where = keys_file_of(settings)
    sys.stderr.write(f"certcheck: key for {args.name} stored as a SHA-256 hash in {where}; it is shown only now.\n")
    return 0


def _add_write_command(noun: str, actions: Any) -> None:
    """``templates add DIR`` and ``issuers import FILE``: write into the data dir's registry."""
    if noun == "templates":
        add = actions.add_parser("add", help="register a template folder into the data dir (learns its layout)")
        add.add_argument("folder", type=Path, metavar="DIR")
        add.set_defaults(handler=_add_template)
    else:
        load = actions.add_parser("import", help="import an issuer registry CSV into the data dir (upsert by code)")
        load.add_argument("file", type=Path, metavar="FILE")
        load.set_defaults(handler=_import_issuers)


def _add_template(args: argparse.Namespace, settings: Settings) -> int:
    from templates_registry.registration import register_template_folder

    engine = Checker.from_settings(settings).engine  # the OCR engine as configured, read once
    registration = register_template_folder(args.folder, settings.data_dir, engine)
    template = registration.template
    verb = "replaced" if registration.replaced else "registered"
    _print(f"{template.spec.id}: {verb} in {template.folder} ({registration.elapsed_ms:.0f} ms, layout learnt)")
    return 0


def _import_issuers(args: argparse.Namespace, settings: Settings) -> int:
    from certcheck.errors import RegistryError
    from templates_registry.registration import import_issuers

    path: Path = args.file
    if not path.is_file():
        raise RegistryError(f"找不到机构登记文件 {path}", f"issuer registry not found: {path}")
    result = import_issuers(path.read_text(encoding="utf-8-sig"), str(path), settings.data_dir)
    _print(f"{path}: {result.added} added, {result.updated} updated, {result.total} in {settings.data_dir / 'issuers'}")
    return 0


def _list_templates(args: argparse.Namespace, settings: Settings) -> int:
    rows = [TemplateSummary.from_template(t) for t in _build_checker(args, settings).registry.templates]
    columns = ("id", "kind", "layer", "name")  # --json adds layout_learnt
    _print_rows([row.model_dump(mode="json") for row in rows], columns, as_json=args.json)
    return 0


def _list_issuers(args: argparse.Namespace, settings: Settings) -> int:
    rows = [Issuer.from_record(r) for r in _build_checker(args, settings).registry.issuers]
    columns = ("code", "name", "kind", "status", "occupations")
    _print_rows([row.model_dump(mode="json") for row in rows], columns, as_json=args.json)
    return 0


def _print_rows(rows: list[dict[str, Any]], columns: Sequence[str], *, as_json: bool) -> None:
    if as_json:
        for row in rows:
            _print_json(row)
        return
    cells = [[_cell(row[column]) for column in columns] for row in rows]
    _print(_table(list(columns), cells))


def _cell(value: object) -> str:
    if isinstance(value, list):
        return ";".join(str(item) for item in value) or "-"
    return "-" if value is None else str(value)


def _table(header: list[str], rows: list[list[str]]) -> str:
    """Left-aligned columns; Chinese characters count as two columns wide."""
    widths = [max(_width(cell) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = [
        "  ".join(cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (header, *rows)
    ]
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _print_json(payload: dict[str, Any]) -> None:
    _print(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))


def _print(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# --- batch and case records (app/batch.py, app/store/) ---------------------------------------------------------


def _add_batch_commands(commands: Any, registry: argparse.ArgumentParser) -> None:
    batch = commands.add_parser("batch", parents=[registry], help="check a folder of images and write reports")
    batch.add_argument("dir", type=Path, metavar="DIR")
    batch.add_argument("--out", type=Path, required=True, metavar="OUTDIR", help="where the reports go")
    batch.add_argument("--annotate", action="store_true", help="write annotated images with the evidence boxes")
    batch.add_argument("--jobs", type=_positive_int, default=1, metavar="N", help="worker processes (default 1)")
    batch.add_argument("--engine", choices=("local", "ray"), default="local",
                       help="local (this machine, --jobs processes) or ray (a Ray cluster; pip install -e '.[ray]')")
    batch.add_argument("--address", default="local", metavar="ADDR",
                       help="with --engine ray: local (a private Ray instance), auto (the cluster this node is in) "
                            "or ray://head:10001 (default local)")
    batch.add_argument("--ray-workers", type=_positive_int, metavar="N",
                       help="with --engine ray: actors, each loading the models once (default: one per 2 cores)")
    batch.add_argument("--cpus-per-worker", type=_positive_int, default=2, metavar="N",
                       help="with --engine ray: CPUs each actor reserves and its OCR threads (default 2)")
    batch.add_argument("--quiet", action="store_true", help="no progress bar")
    batch.add_argument("--record", action="store_true", help="record each check in the case store")
    batch.add_argument("--inspector", metavar="NAME", help="who checks (with --record)")
    batch.add_argument("--place", metavar="PLACE", help="the place or school inspected (with --record)")
    batch.add_argument("--keep-images", action="store_true", help="keep the image bytes in the case store")
    batch.add_argument("--store-url", metavar="URL", help="case store URL (default CERTCHECK_STORE_URL)")
    batch.set_defaults(handler=_run_batch)

    cases = commands.add_parser("cases", help="case records of inspections")
    actions = cases.add_subparsers(dest="action", required=True, metavar="ACTION")
    migrate = actions.add_parser("migrate", help="create or upgrade the case store's tables")
    export = actions.add_parser("export", help="a date range as the inspection statistics form (.xlsx or .csv)")
    export.add_argument("--from", dest="first", type=_iso_date, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="last", type=_iso_date, required=True, metavar="YYYY-MM-DD")
    export.add_argument("--out", type=Path, required=True, metavar="FILE")
    export.add_argument("--place", metavar="PLACE", help="only this place")
    for action, handler in ((migrate, _migrate_cases), (export, _export_cases)):
        action.add_argument("--store-url", metavar="URL", help="case store URL (default CERTCHECK_STORE_URL)")
        action.set_defaults(handler=handler)


def _iso_date(text: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError("expected YYYY-MM-DD") from exc


def _run_batch(args: argparse.Namespace, settings: Settings) -> int:
    from app.batch import CaseRecorder, CheckOptions, Engine, ProcessEngine, ThreadEngine, checker_for, run_batch
    from app.store import CaseStore

    if args.record and not (args.inspector and args.place):
        raise RequestError("--record 需要 --inspector 和 --place。", "--record needs --inspector and --place")
    options = CheckOptions(settings, tuple(args.templates), tuple(args.issuers), annotate=args.annotate)
    engine: Engine
    if args.engine == "ray":
        from app.batch_ray import RayEngine, default_workers
        from templates_registry.loader import load_registry

        # Bad registry data: exit 2 before a cluster is contacted.
        load_registry(settings.data_dir, env_templates=settings.templates, env_issuers=settings.issuers,
                      templates=options.templates, issuers=options.issuers)
        engine = RayEngine(args.address, args.ray_workers or default_workers(), args.cpus_per_worker)
    else:
        checker = checker_for(options)  # bad registry data: exit 2 before any work
        engine = ThreadEngine(1, checker) if args.jobs == 1 else ProcessEngine(args.jobs)
    store = CaseStore.open(args.store_url or settings.case_store_url) if args.record else None
    try:
        recorder = None if store is None else CaseRecorder(store, args.inspector, args.place, args.keep_images)
        result = run_batch(args.dir, args.out, options, engine=engine, show_progress=False if args.quiet else None,
                           on_checked=recorder)
    finally:
        if store is not None:
            store.close()
    totals = "  ".join(f"{name} {count}" for name, count in result.form.totals.items())
    skipped = sum(row.status == "skipped" for row in result.rows)
    _print(f"{len(result.rows)} files: {result.checked_now} checked now, {result.resumed} from the journal, "
           f"{len(result.failed)} could not be checked, {skipped} skipped -> {args.out}/report.html\n{totals}")
    return 1 if result.failed else 0


def _migrate_cases(args: argparse.Namespace, settings: Settings) -> int:
    from app.store import current_version, migrate, open_database, redact_url

    url = args.store_url or settings.case_store_url
    db = open_database(url)
    try:
        applied = migrate(db)
        version = current_version(db)
    finally:
        db.close()
    names = ", ".join(f"{m.version:04d}_{m.name}" for m in applied) or "none"
    _print(f"{redact_url(url)}: schema version {version} (applied now: {names})")
    return 0


def _export_cases(args: argparse.Namespace, settings: Settings) -> int:
    from app.store import CaseStore, export_statistics

    if args.last < args.first:
        raise RequestError("--to 早于 --from。", "--to is before --from")
    with CaseStore.open(args.store_url or settings.case_store_url) as store:
        cases = store.cases_between(args.first, args.last, place=args.place)
    form = export_statistics(cases, args.first, args.last, args.out, place=args.place)
    _print(f"{len(cases)} cases, {form.files_checked + form.files_failed} files -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

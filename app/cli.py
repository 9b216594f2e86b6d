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
from certcheck.errors import CertcheckError, InputError, RequestError
from certcheck.pipeline import Checker
from certcheck.report import error_to_dict, format_report_text, report_to_dict
from certcheck.settings import Settings, get_settings

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
        sys.stderr.write(f"certcheck: {exc.message} ({exc.code}: {exc.message_en})\n")
        return exc.exit_code


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; ``templates add``, ``issuers import``, ``check-text`` and ``batch`` come later."""
    parser = argparse.ArgumentParser(prog="certcheck", description="技术技能类证书核验（识别“山寨证书”）")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    registry = _registry_options()

    check = commands.add_parser("check", parents=[registry], help="check certificate images")
    check.add_argument("images", nargs="+", type=Path, metavar="IMAGE")
    check.add_argument("--json", action="store_true", help="one JSON report per line on stdout")
    check.add_argument("--annotate", type=Path, metavar="OUT", help="PNG path (one image) or folder (several)")
    check.add_argument("--template-id", metavar="ID", help="compare with this registered template")
    check.set_defaults(handler=_run_check)

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
    checker.warm_up()
    statuses = [_check_one(checker, image, target, args.template_id, args.json) for image, target in targets]
    return max(statuses)


def _check_one(checker: Checker, image: Path, annotate_to: Path | None, template_id: str | None, as_json: bool) -> int:
    """Check one image and print its report (or its error); returns that image's exit status."""
    try:
        report = checker.check_path(image, template_id=template_id, annotate=annotate_to is not None)
    except InputError as exc:
        logger.warning("%s: %s", image, exc.message_en)
        if as_json:
            _print_json(error_to_dict(str(image), exc))
        else:
            sys.stderr.write(f"{image}: {exc.message}（{exc.code}）\n")
        return exc.exit_code
    answer = report_to_dict(report)
    if annotate_to is not None and report.annotated_png is not None:
        annotate_to.write_bytes(report.annotated_png)
        logger.info("annotated image written to %s", annotate_to)
    if as_json:
        _print_json(answer)
    else:
        _print(format_report_text(answer) + "\n")
    return 0


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
        count = seen[image.stem] = seen.get(image.stem, 0) + 1
        names.append(f"{image.stem}.png" if count == 1 else f"{image.stem}-{count}.png")
    return names


def _run_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    # Fail here, with exit status 2, on bad registry data rather than in every server process.
    Checker.from_settings(settings)
    # Each process imports app.main:app and builds its own Checker and work pool;
    # the app logs one line per request (with its id), so uvicorn's access log is off.
    uvicorn.run("app.main:app", host=args.host, port=args.port, workers=args.workers, access_log=False)
    return 0


def _list_templates(args: argparse.Namespace, settings: Settings) -> int:
    rows = [TemplateSummary.from_template(t) for t in _build_checker(args, settings).registry.templates]
    columns = ("id", "kind", "layer", "name")
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


if __name__ == "__main__":
    sys.exit(main())

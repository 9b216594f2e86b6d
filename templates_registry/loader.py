"""Load template folders and issuer CSVs in the contract's layers.

Layers, later winning (CONTRACT.md section 1): built-in < data dir <
``CERTCHECK_TEMPLATES``/``CERTCHECK_ISSUERS`` < ``--templates``/``--issuers``.
A template id seen again in a later layer replaces the earlier one (logged as a
warning); issuer rows are upserted by ``code``.

Every bad entry is collected and reported together in one
:class:`~certcheck.errors.RegistryError` naming the file and the entry, so a
person fixing a registry sees all problems at once.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from certcheck.errors import NotFound, RegistryError
from templates_registry.layout import LAYOUT_FILE, LearntLayout, load_layout
from templates_registry.models import IssuerRecord, TemplateSpec

__all__ = [
    "BUILTIN_DIR",
    "Registry",
    "Template",
    "load_issuer_csv",
    "load_registry",
    "load_template_folder",
    "parse_issuer_csv",
    "safe_load_yaml",
]

log = logging.getLogger("certcheck.registry")

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
TEMPLATE_FILE = "template.yaml"
#: Registry files are small; a cap keeps a hostile upload from exhausting memory.
MAX_DATA_FILE_BYTES = 512 * 1024

#: A template is a few levels deep (marks.qr.domains); deeper nesting is refused before Python's recursion limit.
MAX_YAML_DEPTH = 32

ISSUER_REQUIRED_COLUMNS = ("code", "name", "kind", "status", "occupations")
ISSUER_OPTIONAL_COLUMNS = ("aliases", "uscc", "registered_on")


@dataclass(frozen=True)
class Template:
    """A validated template spec with the folder it came from."""

    spec: TemplateSpec
    folder: Path
    layer: str
    #: Learnt at registration (``layout.json``); ``None`` when never learnt (see templates_registry.layout).
    layout: LearntLayout | None = None

    @property
    def reference_path(self) -> Path:
        return self.folder / self.spec.reference_image


class _NoAliasLoader(yaml.SafeLoader):
    """Safe loader that also refuses anchors/aliases (no billion-laughs expansion) and deep nesting."""

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 - PyYAML hook
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases are not allowed in certcheck data files", event.start_mark
            )
        depth = getattr(self, "_certcheck_depth", 0)
        if depth >= MAX_YAML_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"YAML nested more than {MAX_YAML_DEPTH} levels deep", self.peek_event().start_mark
            )
        self._certcheck_depth = depth + 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._certcheck_depth = depth


def safe_load_yaml(text: str) -> Any:
    """Parse YAML with plain data types only: no tags, no objects, no aliases, at most :data:`MAX_YAML_DEPTH` deep.

    >>> safe_load_yaml("a: [1, 2]")
    {'a': [1, 2]}

    Raises:
        yaml.YAMLError: invalid YAML, a tag, an alias, or nesting deeper than :data:`MAX_YAML_DEPTH`.
    """
    return yaml.load(text, Loader=_NoAliasLoader)  # noqa: S506 - the loader is a SafeLoader subclass


def _read_text(path: Path) -> str:
    size = path.stat().st_size
    if size > MAX_DATA_FILE_BYTES:
        raise RegistryError(
            f"{path}: 文件过大（{size} 字节）", f"{path}: file too large ({size} bytes, max {MAX_DATA_FILE_BYTES})"
        )
    return path.read_text(encoding="utf-8-sig")


def _format_validation(where: str, exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(part) for part in err["loc"]) or "(root)"
        lines.append(f"{where}: {loc}: {err['msg']}")
    return lines


def load_template_folder(folder: Path, layer: str = "custom") -> Template:
    """Read and validate one template folder (``template.yaml`` + reference image).

    Raises:
        RegistryError: unreadable YAML, unknown keys, a bad regex, a missing
            reference image; the message names the file and the key.
    """
    spec_path = folder / TEMPLATE_FILE
    if not spec_path.is_file():
        raise RegistryError(f"{folder}: 缺少 {TEMPLATE_FILE}", f"{folder}: no {TEMPLATE_FILE}")
    _inside(folder, spec_path)
    try:
        raw = safe_load_yaml(_read_text(spec_path))
    except yaml.YAMLError as exc:
        raise RegistryError(f"{spec_path}: YAML 格式错误：{exc}", f"{spec_path}: invalid YAML: {exc}") from exc
    except RecursionError:
        raise RegistryError(
            f"{spec_path}: YAML 嵌套过深", f"{spec_path}: YAML nested too deeply (at most {MAX_YAML_DEPTH} levels)"
        ) from None
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{spec_path}: 不是 UTF-8 文本", f"{spec_path}: not UTF-8 text ({exc.reason})") from None
    if not isinstance(raw, dict):
        raise RegistryError(f"{spec_path}: 应为键值映射", f"{spec_path}: expected a mapping")
    try:
        spec = TemplateSpec.model_validate(raw)
    except ValidationError as exc:
        problems = "\n".join(_format_validation(str(spec_path), exc))
        raise RegistryError(f"模板无效：\n{problems}", f"invalid template:\n{problems}") from exc
    reference = folder / spec.reference_image
    if not reference.is_file():
        raise RegistryError(
            f"{spec_path}: 找不到参考图 {spec.reference_image}", f"{spec_path}: missing reference image {reference}"
        )
    _inside(folder, reference)
    _inside(folder, folder / LAYOUT_FILE)
    try:
        layout = load_layout(folder)
    except (RecursionError, ValueError, OSError) as exc:
        raise RegistryError(
            f"{folder / LAYOUT_FILE}: 无法读取", f"{folder / LAYOUT_FILE}: unreadable ({type(exc).__name__})"
        ) from None
    return Template(spec=spec, folder=folder, layer=layer, layout=layout)


def _inside(folder: Path, path: Path) -> None:
    """Refuse a file of a template folder that is a link to somewhere outside the folder.

    A ``template.yaml`` linked to ``/etc/shadow`` would otherwise have its
    lines quoted in the YAML error message.

    Raises:
        RegistryError: ``path`` resolves outside ``folder``.
    """
    if not path.is_symlink() and not path.exists():
        return
    root, target = folder.resolve(), path.resolve()
    if root != target.parent and root not in target.parents:
        raise RegistryError(
            f"{path}: 模板目录中的文件不能链接到目录之外", f"{path}: links outside the template folder; refused"
        )


def _template_folders(path: Path) -> list[Path]:
    """``path`` is one template folder, or a folder whose subfolders are template folders."""
    if (path / TEMPLATE_FILE).is_file():
        return [path]
    if not path.is_dir():
        raise RegistryError(f"找不到模板目录 {path}", f"template folder not found: {path}")
    # Dot-folders are registrations in progress or being replaced (templates_registry.registration).
    return sorted(
        p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / TEMPLATE_FILE).is_file()
    )


def load_issuer_csv(path: Path) -> list[IssuerRecord]:
    """Read and validate an issuer registry CSV (CONTRACT.md section 5).

    Raises:
        RegistryError: missing or unknown columns, bad rows (all listed by line).
    """
    if not path.is_file():
        raise RegistryError(f"找不到机构登记文件 {path}", f"issuer registry not found: {path}")
    return parse_issuer_csv(_read_text(path), str(path))


def parse_issuer_csv(text: str, path: str) -> list[IssuerRecord]:
    """Validate issuer registry CSV text; ``path`` names it in the messages (a file, or an upload).

    Raises:
        RegistryError: missing or unknown columns, bad rows (all listed by line).
    """
    reader = csv.DictReader(io.StringIO(text))
    columns = tuple(reader.fieldnames or ())
    missing = [c for c in ISSUER_REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in ISSUER_REQUIRED_COLUMNS + ISSUER_OPTIONAL_COLUMNS]
    if missing or unknown:
        detail = f"missing columns {missing}, unknown columns {unknown}"
        raise RegistryError(f"{path}: 表头不正确（{detail}）", f"{path}: bad header ({detail})")
    records: list[IssuerRecord] = []
    problems: list[str] = []
    for line_no, row in enumerate(reader, start=2):
        if None in row:
            problems.append(f"{path}:{line_no}: too many values")
            continue
        cleaned = {k: (v or "").strip() for k, v in row.items()}
        try:
            records.append(IssuerRecord.model_validate(cleaned))
        except ValidationError as exc:
            problems.extend(_format_validation(f"{path}:{line_no}", exc))
    if problems:
        joined = "\n".join(problems)
        raise RegistryError(f"机构登记数据无效：\n{joined}", f"invalid issuer registry:\n{joined}")
    return records


@dataclass(frozen=True)
class Registry:
    """All templates and issuers in force for a run, layers already merged."""

    templates: tuple[Template, ...]
    issuers: tuple[IssuerRecord, ...]

    def get_template(self, template_id: str) -> Template:
        """The template with ``template_id``.

        Raises:
            NotFound: no such template; the message lists the known ids.
        """
        for template in self.templates:
            if template.spec.id == template_id:
                return template
        known = ", ".join(t.spec.id for t in self.templates)
        raise NotFound(f"没有编号为 {template_id} 的模板", f"no template {template_id!r} (known: {known})")

    def issuer_by_code(self, code: str) -> IssuerRecord | None:
        return next((i for i in self.issuers if i.code == code), None)


def _merge_templates(layers: Iterable[tuple[str, Sequence[Path]]]) -> tuple[Template, ...]:
    merged: dict[str, Template] = {}
    for layer, paths in layers:
        for path in paths:
            for folder in _template_folders(path):
                template = load_template_folder(folder, layer)
                earlier = merged.get(template.spec.id)
                if earlier is not None:
                    log.warning(
                        "template %s from %s (%s) replaces the one from %s (%s)",
                        template.spec.id, folder, layer, earlier.folder, earlier.layer,
                    )
                merged[template.spec.id] = template
    return tuple(merged.values())


def _issuer_files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(path.glob("*.csv"))
    return [path]


def _merge_issuers(paths: Iterable[Path]) -> tuple[IssuerRecord, ...]:
    merged: dict[str, IssuerRecord] = {}
    for path in paths:
        for csv_path in _issuer_files(path):
            for record in load_issuer_csv(csv_path):
                merged[record.code] = record
    return tuple(merged.values())


def load_registry(
    data_dir: Path | None,
    *,
    env_templates: Sequence[Path] = (),
    env_issuers: Sequence[Path] = (),
    templates: Sequence[Path] = (),
    issuers: Sequence[Path] = (),
) -> Registry:
    """Merge the layers into one :class:`Registry`.

    Args:
        data_dir: ``CERTCHECK_DATA_DIR``; its ``templates/`` subfolders and its
            ``issuers/*.csv`` files form the second layer (absent is fine).
        env_templates, env_issuers: paths from ``CERTCHECK_TEMPLATES`` / ``CERTCHECK_ISSUERS``.
        templates, issuers: paths from ``--templates`` / ``--issuers``.
    """
    data_templates = [data_dir / "templates"] if data_dir and (data_dir / "templates").is_dir() else []
    data_issuers = [data_dir / "issuers"] if data_dir and (data_dir / "issuers").is_dir() else []
    template_layers = [
        ("builtin", [BUILTIN_DIR]),
        ("data_dir", data_templates),
        ("env", list(env_templates)),
        ("run", list(templates)),
    ]
    # The built-in issuer registry is empty: real registries come from the HR departments.
    issuer_paths = [*data_issuers, *env_issuers, *issuers]
    return Registry(templates=_merge_templates(template_layers), issuers=_merge_issuers(issuer_paths))

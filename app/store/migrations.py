"""Numbered SQL migrations for the case store, applied once each, in order.

``app/store/migrations/NNNN_name.sql`` files are the schema's history; a
migration is never edited once released, a change is a new file. Table
``schema_version`` records each applied number. :func:`migrate` applies the
pending ones in one transaction under a lock (SQLite's write lock, a
PostgreSQL advisory lock), so two processes starting at once apply each
migration exactly once, and a failed migration leaves the schema as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources

from app.store.database import Database
from app.store.errors import StoreError

__all__ = ["Migration", "current_version", "latest_version", "load_migrations", "migrate"]

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
#: The only dialect-specific words in the migrations.
_DIALECT_WORDS = {
    "sqlite": {"{{AUTO_ID}}": "INTEGER PRIMARY KEY AUTOINCREMENT", "{{BLOB}}": "BLOB"},
    "postgresql": {"{{AUTO_ID}}": "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "{{BLOB}}": "BYTEA"},
}
_CREATE_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version "
    "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
)


@dataclass(frozen=True)
class Migration:
    """One numbered migration file."""

    version: int
    name: str
    sql: str

    def statements(self, dialect: str) -> list[str]:
        """The file's statements for ``dialect``; comments dropped, split at ``;`` (none sit inside strings)."""
        text = "\n".join(line.split("--", 1)[0] for line in self.sql.splitlines())
        for word, replacement in _DIALECT_WORDS[dialect].items():
            text = text.replace(word, replacement)
        return [statement.strip() for statement in text.split(";") if statement.strip()]


def load_migrations() -> list[Migration]:
    """Every packaged migration, by number; a gap or a badly named file is an error."""
    folder = resources.files("app.store") / "migrations"
    found = []
    for entry in folder.iterdir():
        if not entry.name.endswith(".sql"):
            continue
        match = _NAME.match(entry.name)
        if match is None:
            raise StoreError("迁移文件命名错误。", f"migration file {entry.name!r} is not named NNNN_name.sql")
        found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        numbers = [m.version for m in found]
        raise StoreError("迁移文件编号不连续。", f"migrations must be numbered 1..n, found {numbers}")
    return found


def latest_version() -> int:
    return len(load_migrations())


def current_version(db: Database) -> int:
    """The highest applied migration, 0 for an empty database."""
    db.execute(_CREATE_VERSION_TABLE)
    rows = db.query("SELECT MAX(version) FROM schema_version")
    return int(rows[0][0] or 0)


def migrate(db: Database) -> list[Migration]:
    """Apply the pending migrations and return them (empty when the schema is current).

    Raises:
        StoreError: a migration failed (nothing of this run is applied), or the
            database is newer than this certcheck knows.
    """
    migrations = load_migrations()
    with db.transaction():
        db.lock_for_migration()
        version = current_version(db)
        if version > len(migrations):
            raise StoreError(
                "案卷库的版本比本程序新，请升级 certcheck。",
                f"the case store is at schema version {version}, this certcheck knows up to {len(migrations)}",
            )
        pending = migrations[version:]
        for migration in pending:
            for statement in migration.statements(db.dialect):
                db.execute(statement)
            db.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                (migration.version, migration.name, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
            )
    return pending

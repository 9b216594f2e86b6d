"""The two databases a case store lives in, behind one small interface.

SQLite (a file, the default: one inspector's laptop) and PostgreSQL (a shared
deployment, psycopg 3) run the same numbered migrations and the same
statements. Statements are written with ``?`` placeholders; the PostgreSQL
connection turns them into psycopg's ``%s``. The URL decides:

* ``sqlite:///relative/path.sqlite3`` or ``sqlite:////absolute/path.sqlite3``
  (the SQLAlchemy spelling: three slashes, then the path);
* ``postgresql://user:password@host:5432/dbname`` (or ``postgres://``), any
  libpq connection URL.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from app.store.errors import StoreError

__all__ = ["Database", "PostgresDatabase", "SqliteDatabase", "open_database", "redact_url"]

Row = tuple[Any, ...]


class Database(Protocol):
    """A connection that runs ``?``-placeholder statements, with explicit transactions."""

    dialect: str

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def transaction(self) -> Any: ...

    def lock_for_migration(self) -> None: ...

    def close(self) -> None: ...


def open_database(url: str) -> Database:
    """Connect to the database a store URL names.

    Raises:
        StoreError: the URL is neither ``sqlite:///…`` nor ``postgresql://…``, or the connection fails.
    """
    if url.startswith("sqlite:///"):
        return SqliteDatabase(Path(url.removeprefix("sqlite:///")))
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(url)
    raise StoreError(
        f"无法识别的案卷库地址：{redact_url(url)}",
        f"unsupported store URL {redact_url(url)!r}: use sqlite:///PATH or postgresql://USER@HOST/DB",
    )


def redact_url(url: str) -> str:
    """The URL with any password replaced, for messages and logs.

    >>> redact_url("postgresql://inspector:s3cret@db.example:5432/cases")
    'postgresql://inspector:***@db.example:5432/cases'
    >>> redact_url("sqlite:////var/lib/certcheck/cases.sqlite3")
    'sqlite:////var/lib/certcheck/cases.sqlite3'
    """
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


class SqliteDatabase:
    """A SQLite file, in autocommit mode with explicit ``BEGIN IMMEDIATE`` transactions."""

    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: no implicit transactions, so DDL in a migration stays inside ours.
            self._connection = sqlite3.connect(path, isolation_level=None, timeout=30.0)
            self._connection.execute("PRAGMA foreign_keys = ON")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"无法打开案卷库：{path}", f"cannot open the case store {path}: {exc}") from exc
        self.path = path

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with _errors_as_store_errors():
            self._connection.execute(sql, tuple(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with _errors_as_store_errors():
            return list(self._connection.execute(sql, tuple(params)).fetchall())

    @contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE takes the write lock at once: two processes migrating or recording wait, not deadlock.
        self.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._connection.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def lock_for_migration(self) -> None:
        """Nothing to do: ``BEGIN IMMEDIATE`` already holds the only write lock."""

    def close(self) -> None:
        self._connection.close()


#: Key of the advisory lock that serialises migrations across processes and hosts.
_MIGRATION_LOCK_KEY = 0x6365_7274  # "cert"


class PostgresDatabase:
    """A PostgreSQL database through psycopg 3, autocommit outside explicit transactions."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        import psycopg

        try:
            self._connection = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(
                f"无法连接案卷库：{redact_url(url)}", f"cannot connect to the case store {redact_url(url)}: {exc}"
            ) from exc

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        with _errors_as_store_errors():
            self._connection.execute(_pg(sql), tuple(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with _errors_as_store_errors():
            return list(self._connection.execute(_pg(sql), tuple(params)).fetchall())

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with _errors_as_store_errors(), self._connection.transaction():
            yield

    def lock_for_migration(self) -> None:
        """Held until the transaction ends, so only one process migrates at a time."""
        self.execute("SELECT pg_advisory_xact_lock(?)", (_MIGRATION_LOCK_KEY,))

    def close(self) -> None:
        self._connection.close()


def _pg(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s`` (our statements hold no literal ``?`` or ``%``)."""
    return sql.replace("%", "%%").replace("?", "%s")


@contextmanager
def _errors_as_store_errors() -> Iterator[None]:
    import psycopg

    try:
        yield
    except (sqlite3.Error, psycopg.Error) as exc:
        raise StoreError("案卷库操作失败。", f"case store error: {exc}") from exc

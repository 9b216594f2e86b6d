"""Numbered migrations on SQLite and PostgreSQL: from empty, re-run, refused when too new, atomic."""

from __future__ import annotations

import pytest

from app.store import StoreError, current_version, latest_version, load_migrations, migrate, open_database
from app.store import migrations as migrations_module
from app.store.migrations import Migration


def test_migrate_from_empty_applies_every_migration_in_order(store_url: str) -> None:
    db = open_database(store_url)
    try:
        assert current_version(db) == 0
        applied = migrate(db)
        assert [m.version for m in applied] == list(range(1, latest_version() + 1))
        assert current_version(db) == latest_version()
        for table in ("cases", "case_evidence", "case_images"):
            assert db.query(f"SELECT COUNT(*) FROM {table}") == [(0,)]
    finally:
        db.close()


def test_migrate_again_applies_nothing_and_keeps_the_data(store_url: str) -> None:
    db = open_database(store_url)
    try:
        migrate(db)
        db.execute("INSERT INTO case_images (sha256, media_type, data, stored_at) VALUES (?, ?, ?, ?)",
                   ("0" * 64, "image/png", b"\x89PNG", "2026-05-01T00:00:00Z"))
        assert migrate(db) == []
        assert migrate(db) == []
        assert current_version(db) == latest_version()
        assert db.query("SELECT COUNT(*) FROM schema_version") == [(latest_version(),)]
        assert db.query("SELECT COUNT(*) FROM case_images") == [(1,)]
    finally:
        db.close()


def test_a_store_newer_than_this_code_is_refused(store_url: str) -> None:
    db = open_database(store_url)
    try:
        migrate(db)
        db.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)",
                   (latest_version() + 1, "from_the_future", "2030-01-01T00:00:00Z"))
        with pytest.raises(StoreError, match="schema version"):
            migrate(db)
    finally:
        db.close()


def test_a_failing_migration_leaves_the_schema_as_it_was(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    first = load_migrations()[0]
    broken = Migration(2, "broken", "CREATE TABLE half_done (id INTEGER);\nCREATE TABLE oops (;")
    monkeypatch.setattr(migrations_module, "load_migrations", lambda: [first, broken])
    db = open_database(store_url)
    try:
        with pytest.raises(StoreError):
            migrate(db)
        # One transaction: migration 1, which succeeded, is rolled back with the broken one.
        assert current_version(db) == 0
        with pytest.raises(StoreError):
            db.query("SELECT COUNT(*) FROM cases")
    finally:
        db.close()


@pytest.mark.parametrize(("dialect", "blob"), [("sqlite", "BLOB"), ("postgresql", "BYTEA")])
def test_each_dialect_gets_its_own_words_and_no_placeholder_is_left(dialect: str, blob: str) -> None:
    statements = [s for m in load_migrations() for s in m.statements(dialect)]
    text = "\n".join(statements)
    assert "{{" not in text and "--" not in text
    assert f"data {blob} NOT NULL" in text
    assert all(s.split()[0] == "CREATE" for s in statements)


def test_unknown_store_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="unsupported store URL"):
        open_database("mysql://root:hunter2@db/cases")
    try:
        open_database("mysql://root:hunter2@db/cases")
    except StoreError as exc:
        assert "hunter2" not in exc.message + exc.message_en


def test_doctests_of_the_database_module_hold() -> None:
    """``app/`` is outside pytest's doctest paths, so its examples are run here."""
    import doctest

    from app.store import database

    result = doctest.testmod(database)
    assert result.attempted >= 2 and result.failed == 0

"""Case-store fixtures: every store test runs on SQLite, and on a real PostgreSQL server when one is given.

``CERTCHECK_TEST_POSTGRES_URL`` names the server (``scripts/ci-postgres.sh``
starts one and prints its URL; ``.ci/run`` exports it). Each test gets a
fresh schema of its own on it, dropped afterwards, so runs never see each
other's tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

POSTGRES_URL_VARIABLE = "CERTCHECK_TEST_POSTGRES_URL"


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A URL of an empty case store: a new SQLite file, or a new schema on the test PostgreSQL server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('store') / 'cases.sqlite3'}"
        return
    server = os.environ.get(POSTGRES_URL_VARIABLE)
    if not server:
        pytest.skip(f"{POSTGRES_URL_VARIABLE} is not set; run `bash scripts/ci-postgres.sh` for a local server")
    import psycopg

    schema = f"certcheck_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        separator = "&" if "?" in server else "?"
        yield f"{server}{separator}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")

"""Case records for inspectors: an optional store of checks (SQLite by default, PostgreSQL by URL).

``CERTCHECK_STORE_URL`` names the database (default: ``cases.sqlite3`` in the
data dir). See :mod:`app.store.database` for the URLs, :mod:`app.store.migrations`
for the schema's history and :mod:`app.store.cases` for what a record holds.
"""

from __future__ import annotations

from app.store.cases import CaseEvidence, CaseRecord, CaseStore
from app.store.database import open_database, redact_url
from app.store.errors import StoreError
from app.store.migrations import current_version, latest_version, load_migrations, migrate
from app.store.statistics import export_statistics, form_for_cases, latest_per_file

__all__ = [
    "CaseEvidence",
    "CaseRecord",
    "CaseStore",
    "StoreError",
    "current_version",
    "export_statistics",
    "form_for_cases",
    "latest_per_file",
    "latest_version",
    "load_migrations",
    "migrate",
    "open_database",
    "redact_url",
]

"""The case store's error, a branch of the one tree in :mod:`certcheck.errors`."""

from __future__ import annotations

from certcheck.errors import CertcheckError

__all__ = ["StoreError"]


class StoreError(CertcheckError):
    """The case store cannot be opened, migrated, read or written (exit status 1)."""

    code = "store_error"
    http_status = 500
    exit_code = 1
    default_message = "案卷库不可用。"
    default_message_en = "The case store is unavailable."

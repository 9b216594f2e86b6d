"""Who may write, and who is a known high-rate client: API keys, kept only as SHA-256 hashes.

A write endpoint declares ``WriterDep``. Without a key the answer is 401
``missing_api_key``, with a key that is not accepted 403 ``invalid_api_key``
(CONTRACT.md section 2). When no key is configured at all, writes are refused
with 403 as well: a service must never accept registry changes from anyone
just because its operator forgot to set a key.

Keys are stored hashed, never in plain text: ``certcheck keys add NAME`` makes
a random key, prints it once and appends ``NAME:sha256hex`` to the keys file
(``CERTCHECK_API_KEYS_FILE``, default ``<data_dir>/api_keys.txt``); the same
entries may come from ``CERTCHECK_API_KEYS`` (comma-separated). A plain SHA-256
is enough here, unlike for passwords: the keys are 256-bit random strings, so
there is nothing to guess from a leaked hash. The legacy single plain key
``CERTCHECK_API_KEY`` is still accepted, under the name ``env``.

The keys file is re-read when its modification time changes, so a key added
with the command works on a running server without a restart.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Header, Request

from certcheck.errors import InvalidApiKey, MissingApiKey, RegistryError
from certcheck.settings import Settings

__all__ = [
    "API_KEY_HEADER",
    "ApiKeyStore",
    "KeyEntry",
    "WriterDep",
    "add_key",
    "get_key_store",
    "hash_key",
    "keys_file_of",
    "parse_entry",
    "require_writer",
]

API_KEY_HEADER = "X-API-Key"
#: Names appear in logs, metrics labels and rate-limit buckets: short and plain.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")
_KEYS_FILE_NAME = "api_keys.txt"
#: Prefix of generated keys, so a leaked one is recognisable in a secret scanner.
_KEY_PREFIX = "cck_"


@dataclass(frozen=True)
class KeyEntry:
    """One accepted key: who holds it and the SHA-256 of the key (hex)."""

    name: str
    digest: str


def hash_key(key: str) -> str:
    """The hex SHA-256 of a key, the only form in which keys are stored.

    >>> hash_key("abc")[:16]
    'ba7816bf8f01cfea'
    """
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def parse_entry(line: str, where: str) -> KeyEntry:
    """``name:sha256hex`` -> :class:`KeyEntry`.

    Raises:
        RegistryError: the line is not of that shape (``where`` says which file or variable).
    """
    name, _, digest = line.strip().partition(":")
    digest = digest.strip().lower()
    if not _NAME.fullmatch(name) or not _HEX_SHA256.fullmatch(digest):
        raise RegistryError(
            f"{where} 中的 API 密钥条目格式应为 名称:sha256 十六进制。",
            f"{where}: an API key entry must be name:sha256hex, got {line.strip()[:40]!r}",
        )
    return KeyEntry(name, digest)


def keys_file_of(settings: Settings) -> Path:
    """Where ``certcheck keys add`` writes and the server reads hashed keys."""
    return settings.api_keys_file or settings.data_dir / _KEYS_FILE_NAME


class ApiKeyStore:
    """The accepted keys of one process: from the settings and the keys file (reloaded on change)."""

    def __init__(self, settings: Settings) -> None:
        fixed = [parse_entry(entry, "CERTCHECK_API_KEYS") for entry in settings.api_keys]
        if settings.api_key:
            fixed.append(KeyEntry("env", hash_key(settings.api_key)))
        self._fixed = tuple(fixed)
        self._path = keys_file_of(settings)
        self._lock = threading.Lock()
        self._file_stamp: tuple[int, int] | None = None
        self._from_file: tuple[KeyEntry, ...] = ()
        self._reload_if_changed()  # a malformed file stops the server at start, not at the first write

    def name_of(self, key: str | None) -> str | None:
        """The name of the holder of ``key``, or ``None`` when it is not an accepted key."""
        if not key:
            return None
        digest = hash_key(key)
        found = None
        # Compare with every entry, in constant time each, so timing tells nothing about which matched.
        for entry in self._entries():
            if hmac.compare_digest(digest, entry.digest):
                found = entry.name
        return found

    def _entries(self) -> tuple[KeyEntry, ...]:
        self._reload_if_changed()
        return self._fixed + self._from_file

    def _reload_if_changed(self) -> None:
        try:
            stat = self._path.stat()
        except FileNotFoundError:
            stamp = None
        else:
            stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if stamp == self._file_stamp:
                return
            self._from_file = _read_keys_file(self._path) if stamp is not None else ()
            self._file_stamp = stamp


def _read_keys_file(path: Path) -> tuple[KeyEntry, ...]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(parse_entry(line, str(path)) for line in lines if line.strip() and not line.startswith("#"))


def add_key(settings: Settings, name: str) -> str:
    """Make a new random key for ``name``, store its hash and return the key (shown once).

    Raises:
        RegistryError: ``name`` is not a plain short name, or it already has a key.
    """
    if not _NAME.fullmatch(name):
        raise RegistryError(
            "密钥名称只能包含字母、数字、点、下划线和连字符（最多 64 个字符）。",
            f"key name {name[:70]!r} must be letters, digits, '.', '_' or '-' (at most 64)",
        )
    path = keys_file_of(settings)
    existing = _read_keys_file(path) if path.exists() else ()
    if any(entry.name == name for entry in existing):
        raise RegistryError(f"名称 {name} 已有密钥。", f"the name {name!r} already has a key")
    key = _KEY_PREFIX + secrets.token_urlsafe(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Owner-only: the hashes are not secrets, but nobody else should be able to add a key.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(descriptor, "a", encoding="utf-8") as keys_file:
        keys_file.write(f"{name}:{hash_key(key)}\n")
    return key


def get_key_store(request: Request) -> ApiKeyStore:
    """The process's key store, built by the app factory."""
    store: ApiKeyStore = request.app.state.api_keys
    return store


def require_writer(
    request: Request,
    x_api_key: Annotated[str | None, Header(alias=API_KEY_HEADER)] = None,
) -> str:
    """The name of the caller's key when it may write; raises the contract's 401/403 errors otherwise."""
    if not x_api_key:
        raise MissingApiKey("缺少 X-API-Key 请求头", "the X-API-Key header is missing")
    name = get_key_store(request).name_of(x_api_key)
    if name is None:
        raise InvalidApiKey("API 密钥无效", "the API key is not valid")
    return name


WriterDep = Annotated[str, Depends(require_writer)]

"""Who may write: the ``X-API-Key`` check for the registry endpoints.

A write endpoint declares ``WriterDep``. Without a key the answer is 401
``missing_api_key``, with a key that is not accepted 403 ``invalid_api_key``
(CONTRACT.md section 2). When no key is configured at all, writes are refused
with 403 as well: a service must never accept registry changes from anyone
just because its operator forgot to set a key.
"""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Header

from app.api.deps import SettingsDep
from certcheck.errors import InvalidApiKey, MissingApiKey

__all__ = ["WriterDep", "require_writer"]


def require_writer(
    settings: SettingsDep,
    x_api_key: Annotated[str | None, Header(alias="X-API-Key")] = None,
) -> str:
    """The caller's key when it may write; raises the contract's 401/403 errors otherwise."""
    if not x_api_key:
        raise MissingApiKey("缺少 X-API-Key 请求头", "the X-API-Key header is missing")
    configured = settings.api_key
    if not configured or not hmac.compare_digest(x_api_key.encode(), configured.encode()):
        raise InvalidApiKey("API 密钥无效", "the API key is not valid")
    return x_api_key


WriterDep = Annotated[str, Depends(require_writer)]

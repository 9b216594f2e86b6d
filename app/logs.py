"""Logging for certcheck's own loggers, with the HTTP request id on every line.

Only the project's loggers get a handler (stderr), so ``certcheck check --json``
keeps stdout for JSON and third-party libraries keep their own settings. The
handler masks ID numbers in every line (:class:`certcheck.privacy.MaskingFilter`),
whatever text a log call was given: file names and paths are the user's. The
request id travels in a context variable: the HTTP middleware sets it and the
work pool copies the context into its threads, so pipeline log lines carry it
as well.

With ``CERTCHECK_LOG_FORMAT=json`` each line is one JSON object (``time``,
``level``, ``logger``, ``message``, ``request_id`` and, for the access line,
``http``: method, path, status, duration) for a log collector; uvicorn's own
loggers then write the same shape, so a server's stderr is JSON throughout.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Literal

from certcheck.privacy import MaskingFilter, mask_id_numbers

__all__ = ["PROJECT_LOGGERS", "JsonFormatter", "RequestIdFilter", "configure_logging", "request_id_var"]

#: Top-level packages of the project; each logs under ``logging.getLogger(__name__)``.
PROJECT_LOGGERS = ("app", "certcheck", "ocr", "rules", "templates_registry", "vision")
#: The server's own loggers, also formatted as JSON in ``json`` mode.
_SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
#: ``extra=`` keys copied into the JSON object when a log call gives them.
_EXTRA_FIELDS = ("http",)

request_id_var: ContextVar[str | None] = ContextVar("certcheck_request_id", default=None)

_FORMAT = "%(asctime)s %(levelname)s %(name)s%(request_tag)s: %(message)s"
_HANDLER_NAME = "certcheck-stderr"


class RequestIdFilter(logging.Filter):
    """Adds ``request_tag`` (`` [<id>]`` inside a request, empty outside) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_var.get()
        record.request_tag = f" [{request_id}]" if request_id else ""
        record.request_id = request_id
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record; runs after the filters, so the message is already masked."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for field in _EXTRA_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            # The masking filter already rendered and masked the traceback into exc_text.
            entry["exception"] = record.exc_text or mask_id_numbers(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str, log_format: Literal["text", "json"] = "text") -> None:
    """Send the project's loggers to stderr at ``level``; safe to call more than once.

    Raises:
        ValueError: ``level`` is not a logging level name (``CERTCHECK_LOG_LEVEL``).
    """
    for name in PROJECT_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level.upper())
        logger.propagate = False
        _replace_handler(logger, log_format)
    if log_format == "json":
        for name in _SERVER_LOGGERS:
            logger = logging.getLogger(name)
            logger.handlers.clear()  # uvicorn's own plain-text handlers
            logger.propagate = False
            _replace_handler(logger, log_format)


def _replace_handler(logger: logging.Logger, log_format: Literal["text", "json"]) -> None:
    for handler in [h for h in logger.handlers if h.name == _HANDLER_NAME]:
        logger.removeHandler(handler)
    logger.addHandler(_stderr_handler(log_format))


def _stderr_handler(log_format: Literal["text", "json"]) -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.name = _HANDLER_NAME
    handler.addFilter(RequestIdFilter())
    handler.addFilter(MaskingFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(_FORMAT))
    return handler

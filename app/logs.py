"""Logging for certcheck's own loggers, with the HTTP request id on every line.

Only the project's loggers get a handler (stderr), so ``certcheck check --json``
keeps stdout for JSON and third-party libraries keep their own settings. The
handler masks ID numbers in every line (:class:`certcheck.privacy.MaskingFilter`),
whatever text a log call was given: file names and paths are the user's. The
request id travels in a context variable: the HTTP middleware sets it and the
work pool copies the context into its threads, so pipeline log lines carry it
as well.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar

from certcheck.privacy import MaskingFilter

__all__ = ["PROJECT_LOGGERS", "RequestIdFilter", "configure_logging", "request_id_var"]

#: Top-level packages of the project; each logs under ``logging.getLogger(__name__)``.
PROJECT_LOGGERS = ("app", "certcheck", "ocr", "rules", "templates_registry", "vision")

request_id_var: ContextVar[str | None] = ContextVar("certcheck_request_id", default=None)

_FORMAT = "%(asctime)s %(levelname)s %(name)s%(request_tag)s: %(message)s"
_HANDLER_NAME = "certcheck-stderr"


class RequestIdFilter(logging.Filter):
    """Adds ``request_tag`` (`` [<id>]`` inside a request, empty outside) to each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_var.get()
        record.request_tag = f" [{request_id}]" if request_id else ""
        return True


def configure_logging(level: str) -> None:
    """Send the project's loggers to stderr at ``level``; safe to call more than once.

    Raises:
        ValueError: ``level`` is not a logging level name (``CERTCHECK_LOG_LEVEL``).
    """
    for name in PROJECT_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level.upper())
        logger.propagate = False
        if not any(handler.name == _HANDLER_NAME for handler in logger.handlers):
            logger.addHandler(_stderr_handler())


def _stderr_handler() -> logging.Handler:
    handler = logging.StreamHandler(sys.stderr)
    handler.name = _HANDLER_NAME
    handler.addFilter(RequestIdFilter())
    handler.addFilter(MaskingFilter())
    handler.setFormatter(logging.Formatter(_FORMAT))
    return handler

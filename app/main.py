"""The FastAPI application: :func:`create_app`, and ``app`` for ``uvicorn app.main:app``.

The lifespan builds the process's long-lived objects once: the
:class:`~certcheck.pipeline.Checker` (registries loaded, so bad template data
stops the server at start), the bounded work pool, and a background warm-up of
the OCR models so ``/healthz`` answers at once and ``/readyz`` turns 200 when
the models are in memory.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.auth import ApiKeyStore
from app.api.deps import Services
from app.api.routes import check, check_text, health, issuers, page, templates
from app.api.routes.docs import install_docs
from app.bodyguard import BodyGuardMiddleware
from app.openapi import install_openapi
from app.errors import install_error_handlers
from app.logs import configure_logging
from app.metrics import install_metrics
from app.middleware import RequestIdMiddleware
from app.ratelimit import RateLimitMiddleware
from app.worker import ModelWarmUp, WorkPool
from certcheck.pipeline import Checker
from certcheck.settings import Settings, get_settings

__all__ = ["create_app"]

logger = logging.getLogger(__name__)

_DESCRIPTION = (
    "Checks photos and scans of Chinese vocational certificates for the marks of knock-off "
    "certificates (技术技能类“山寨证书”): forbidden wording, unregistered issuers, non-standard "
    'formats, false publicity. Every error answer is `{"error": {"code", "message", "message_en"}}`.'
)


def create_app(settings: Settings | None = None, checker: Checker | None = None) -> FastAPI:
    """Build the application.

    Args:
        settings: defaults to :func:`certcheck.settings.get_settings` (the environment).
        checker: an already built (and possibly warmed-up) checker to share,
            e.g. in tests; by default the lifespan builds one from ``settings``.
    """
    settings = get_settings() if settings is None else settings
    app = FastAPI(
        title="certcheck",
        version="1",
        description=_DESCRIPTION,
        lifespan=functools.partial(_lifespan, settings=settings, checker=checker),
        docs_url=None,
        redoc_url=None,
    )
    for module in (check, check_text, templates, issuers, health, page):
        app.include_router(module.router)
    install_docs(app)
    install_openapi(app)
    install_error_handlers(app)
    # Outermost last: request id, then metrics (which count 429s too), then the rate limit, then the
    # body guard (keys before bodies, body caps, lingering close, the last-resort 500).
    app.state.api_keys = ApiKeyStore(settings)
    app.add_middleware(BodyGuardMiddleware, settings=settings)
    app.add_middleware(RateLimitMiddleware, settings=settings, keys=app.state.api_keys)
    if settings.metrics_enabled:
        install_metrics(app)
    app.add_middleware(RequestIdMiddleware)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI, *, settings: Settings, checker: Checker | None) -> AsyncIterator[None]:
    checker = Checker.from_settings(settings) if checker is None else checker
    warm_up = ModelWarmUp(checker.warm_up)
    pool = WorkPool(settings.workers, settings.queue_size)
    app.state.services = Services(settings=settings, checker=checker, pool=pool, warm_up=warm_up)
    warm_up.start()
    logger.info("serving with %d worker thread(s), queue of %d", settings.workers, settings.queue_size)
    try:
        yield
    finally:
        pool.shutdown()


@functools.cache
def _default_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)


def __getattr__(name: str) -> FastAPI:
    # ``app`` is built on first access, not at import: importing create_app
    # (tests, the CLI) must not read the environment or configure logging.
    if name == "app":
        return _default_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

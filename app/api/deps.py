"""FastAPI dependencies, as ``Annotated`` aliases the routes declare.

The long-lived objects (settings, the :class:`~certcheck.pipeline.Checker`,
the work pool, the model warm-up) are built once by the app's lifespan and
kept in :class:`Services` on ``app.state``; tests swap them through
``create_app(settings=..., checker=...)`` or ``app.dependency_overrides``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from app.uploads import CheckUpload, read_check_upload
from app.worker import ModelWarmUp, WorkPool
from certcheck.pipeline import Checker
from certcheck.settings import Settings

__all__ = [
    "CheckerDep",
    "PoolDep",
    "Services",
    "SettingsDep",
    "UploadDep",
    "WarmUpDep",
    "get_check_upload",
    "get_checker",
    "get_pool",
    "get_app_settings",
    "get_services",
    "get_warm_up",
]


@dataclass(frozen=True)
class Services:
    """What the lifespan builds once per process and every request shares."""

    settings: Settings
    checker: Checker
    pool: WorkPool
    warm_up: ModelWarmUp


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


def get_app_settings(request: Request) -> Settings:
    return get_services(request).settings


def get_checker(request: Request) -> Checker:
    return get_services(request).checker


def get_pool(request: Request) -> WorkPool:
    return get_services(request).pool


def get_warm_up(request: Request) -> ModelWarmUp:
    return get_services(request).warm_up


SettingsDep = Annotated[Settings, Depends(get_app_settings)]
CheckerDep = Annotated[Checker, Depends(get_checker)]
PoolDep = Annotated[WorkPool, Depends(get_pool)]
WarmUpDep = Annotated[ModelWarmUp, Depends(get_warm_up)]


async def get_check_upload(request: Request, settings: SettingsDep) -> CheckUpload:
    """The ``/v1/check`` form, read from the body stream under ``settings.max_upload_bytes``."""
    return await read_check_upload(request.headers, request.stream(), settings.max_upload_bytes)


UploadDep = Annotated[CheckUpload, Depends(get_check_upload)]

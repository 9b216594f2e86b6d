"""``/docs``: the OpenAPI explorer, served from local files.

FastAPI's default ``/docs`` page loads Swagger UI from a public CDN, which an
air-gapped government network cannot reach. The Swagger UI files ship in the
``swagger-ui-bundle`` wheel and are served from ``/docs-assets``.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

__all__ = ["ASSETS_PREFIX", "install_docs"]

ASSETS_PREFIX = "/docs-assets"

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    """The API explorer page; every script and style comes from this server."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="certcheck API",
        swagger_js_url=f"{ASSETS_PREFIX}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_PREFIX}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_PREFIX}/favicon-32x32.png",
    )


def install_docs(app: FastAPI) -> None:
    """Mount the local Swagger UI files and the ``/docs`` page (the app is built with ``docs_url=None``)."""
    app.mount(ASSETS_PREFIX, StaticFiles(directory=swagger_ui_path), name="docs-assets")
    app.include_router(router)

"""``GET /``: the upload page for citizens and inspectors (``app/static/index.html``)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

__all__ = ["router"]

router = APIRouter(tags=["page"])


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def upload_page() -> HTMLResponse:
    """The single self-contained page (no external resources, so it works on closed networks)."""
    return HTMLResponse(_page_html())


@cache
def _page_html() -> str:
    return (files("app") / "static" / "index.html").read_text(encoding="utf-8")

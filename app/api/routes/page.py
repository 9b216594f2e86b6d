"""``GET /``: the upload page for citizens and inspectors (``app/static/index.html``).

One self-contained file: no external resource, so it works on closed
networks, and a ``Content-Security-Policy`` that lets the browser load nothing
else (the inline script and style are allowed by their SHA-256 only), so a
string in a report can never become markup or script. The page gets the
"what to do next" advice (``rules/data/advice.yaml``: the official query
channels and where to report) as a JSON data block, and the text box for
``POST /v1/check-text`` is shown only when this app serves that endpoint.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from rules.catalogue import default_rule_data

__all__ = ["router"]

router = APIRouter(tags=["page"])

TEXT_CHECK_PATH = "/v1/check-text"
_ADVICE_BLOCK = '<script id="advice" type="application/json">{}</script>'
_INLINE = re.compile(r"<(script|style)>(.*?)</\1>", re.DOTALL)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
async def upload_page(request: Request) -> HTMLResponse:
    """The page, with the text check switched on when ``/v1/check-text`` exists."""
    has_text_check = TEXT_CHECK_PATH in request.app.openapi().get("paths", {})  # the schema is built once per app
    html, policy = _page(has_text_check)
    headers = {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
    return HTMLResponse(html, headers=headers)


@cache
def _page(has_text_check: bool) -> tuple[str, str]:
    html = (files("app") / "static" / "index.html").read_text(encoding="utf-8")
    html = html.replace(_ADVICE_BLOCK, _ADVICE_BLOCK.replace("{}", _advice_json()), 1)
    if has_text_check:
        html = html.replace("<body>", '<body data-text-check="1">', 1)
    return html, _content_security_policy(html)


def _advice_json() -> str:
    advice = default_rule_data().advice.model_dump(mode="json")
    # "</" would end the <script> data block early; "<\/" is the same JSON string.
    return json.dumps(advice, ensure_ascii=False).replace("</", "<\\/")


def _content_security_policy(html: str) -> str:
    """Nothing from elsewhere; the page's own inline script and style by hash; answers only to this origin."""
    allowed: dict[str, list[str]] = {"script": [], "style": []}
    for kind, body in _INLINE.findall(html):
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode()
        allowed[kind].append(f"'sha256-{digest}'")
    return (
        "default-src 'none'; "
        f"script-src {' '.join(allowed['script'])}; style-src {' '.join(allowed['style'])}; "
        "img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    )

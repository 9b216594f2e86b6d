"""The upload page in a real browser: Debian's chromium driven by Playwright, against a real uvicorn server.

A person's path through the page: choose a generated phone photo, watch the
progress, read the verdict, the evidence with its policy clause, the annotated
image and what to do next, switch to English; the same on a phone-sized
screen. Screenshots are saved as test artifacts (``$CERTCHECK_TEST_ARTIFACTS``,
default ``test-artifacts/`` at the repository root, git-ignored).

Chromium is the system's (``/usr/bin/chromium``, installed by
``scripts/setup.sh``); Playwright's own browser download is never used. The
tests skip, saying so, only when that chromium is absent.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.ocr]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
#: A check of one demo photo takes 2-6 s on 2 busy cores; the page must show a result well within this.
RESULT_TIMEOUT_MS = 90_000
#: An ID number shown in full: 17 digits and a check character, not inside a longer run (a serial number).
UNMASKED_ID = re.compile(r"(?<![0-9A-Za-z*])\d{17}[\dXx](?![0-9A-Za-z])")
PHONE = {"viewport": {"width": 360, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _artifacts_dir() -> Path:
    folder = Path(os.environ.get("CERTCHECK_TEST_ARTIFACTS") or REPO_ROOT / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (scripts/setup.sh runs apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package (test extra) is missing")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


class PageWatch:
    """Records what a page fetched and what it complained about, to assert nothing left the server."""

    def __init__(self, page: Any, origin: str) -> None:
        self.origin = origin
        self.foreign: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", self._on_request)
        page.on("console", lambda message: message.type == "error" and self.console_errors.append(message.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def _on_request(self, request: Any) -> None:
        if not request.url.startswith((self.origin, "data:")):
            self.foreign.append(request.url)


def _open(browser: Any, live_server: Any, **context_options: Any) -> tuple[Any, PageWatch]:
    context = browser.new_context(locale="zh-CN", **context_options)
    page = context.new_page()
    watch = PageWatch(page, live_server.url)
    page.goto(live_server.url + "/")
    return page, watch


def _upload_and_wait(page: Any, photo: Path) -> None:
    page.set_input_files("#file", str(photo))
    page.click("#submit")
    # The progress indicator shows while the check runs, then the result replaces it.
    page.wait_for_selector("#progress-box:not([hidden])", timeout=5_000)
    page.wait_for_selector("#result:not([hidden])", timeout=RESULT_TIMEOUT_MS)
    assert page.is_hidden("#progress-box")
    assert page.text_content("#status") == ""


def _annotated_image_size(page: Any) -> tuple[int, int]:
    size: list[int] = page.eval_on_selector("#annotated", "img => [img.naturalWidth, img.naturalHeight]")
    return size[0], size[1]


def test_page_checks_a_knockoff_photo_and_explains_it(browser: Any, live_server: Any, knockoff_photo: Path) -> None:
    page, watch = _open(browser, live_server, viewport={"width": 1280, "height": 900})
    assert page.text_content("h1") == "技术技能类证书核验"
    file_input = page.locator("#file")
    assert file_input.get_attribute("accept") == "image/*,application/pdf"
    assert file_input.get_attribute("capture") == "environment"

    _upload_and_wait(page, knockoff_photo)

    level = page.locator("#level")
    assert level.text_content() in {"中等风险", "高风险"}
    verdict_class = level.get_attribute("class")
    assert verdict_class in {"badge medium", "badge high"}
    # The colour is the verdict's, not a default grey.
    colour = page.eval_on_selector("#level", "node => getComputedStyle(node).backgroundColor")
    assert colour in {"rgb(163, 84, 0)", "rgb(179, 38, 30)"}, colour
    evidence = page.locator("#evidence li")
    assert evidence.count() >= 1
    texts = evidence.all_text_contents()
    assert any("编号" in text for text in texts), texts  # the serial number's problem, in plain words
    assert all("依据：" in text for text in texts), "every piece of evidence names its policy clause"
    width, height = _annotated_image_size(page)
    assert width > 500 and height > 500
    next_steps = page.text_content("#next") or ""
    assert "12333" in next_steps and "osta.org.cn" in next_steps
    assert page.get_attribute("#next a", "href") == "tel:12333"
    shown = page.text_content("#result") or ""
    assert not UNMASKED_ID.search(shown)
    if page.locator("#id-number").count():
        assert "*" in (page.text_content("#id-number") or "")
    page.screenshot(path=str(_artifacts_dir() / "page-knockoff-desktop.png"), full_page=True)

    page.click("#lang")
    assert page.text_content("h1") == "Vocational certificate check"
    assert page.text_content("#level") in {"Medium risk", "High risk"}
    assert "Basis: " in (page.text_content("#evidence") or "")
    assert "12333" in (page.text_content("#next") or "")
    assert page.evaluate("document.documentElement.lang") == "en"

    assert watch.foreign == [], "the page loaded something from outside the server"
    assert watch.console_errors == [], watch.console_errors


def test_page_on_a_phone_screen(browser: Any, live_server: Any, genuine_photo: Path) -> None:
    page, watch = _open(browser, live_server, **PHONE)
    _upload_and_wait(page, genuine_photo)

    assert page.text_content("#level") in {"低风险", "中等风险", "高风险", "无法判断"}
    assert (page.text_content("#summary") or "").strip()
    assert (page.text_content("#fields") or "").strip(), "the certificate's fields are listed"
    assert _annotated_image_size(page)[0] > 0
    # Nothing wider than the screen: no sideways scrolling on a 360 px phone.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page is {overflow} px wider than the phone screen"
    image_width = page.eval_on_selector("#annotated", "img => img.getBoundingClientRect().width")
    assert 0 < image_width <= 360
    assert not UNMASKED_ID.search(page.text_content("#result") or "")
    page.screenshot(path=str(_artifacts_dir() / "page-genuine-phone.png"), full_page=True)
    assert watch.foreign == [] and watch.console_errors == []


def test_page_shows_a_contract_error_for_a_file_that_is_no_image(
    browser: Any, live_server: Any, tmp_path: Path
) -> None:
    page, watch = _open(browser, live_server, viewport={"width": 800, "height": 600})
    fake = tmp_path / "photo.jpg"
    fake.write_text("not a photo at all\n" * 10, encoding="utf-8")
    page.set_input_files("#file", str(fake))
    page.click("#submit")
    # A selector wait, not wait_for_function: the page's CSP forbids evaluating strings.
    page.locator("#status", has_text="不支持").wait_for(timeout=30_000)
    status = page.text_content("#status") or ""
    assert "不支持该文件类型" in status, status
    assert page.is_hidden("#result") and page.is_enabled("#submit")
    assert watch.foreign == []


def test_page_checks_publicity_text_when_the_endpoint_exists(browser: Any, live_server: Any) -> None:
    page, watch = _open(browser, live_server, viewport={"width": 800, "height": 900})
    if page.is_hidden("#text-check"):
        pytest.skip("this server has no POST /v1/check-text")
    page.fill("#text", "本机构颁发国家认可的职业资格证书，包过，全国通用，可积分入户。")
    page.click("#text-submit")
    page.wait_for_selector("#text-result:not([hidden])", timeout=30_000)
    assert page.text_content("#text-level") == "高风险"
    texts = page.locator("#text-evidence li").all_text_contents()
    assert any("包过" in text for text in texts), texts
    assert all("依据：" in text for text in texts)
    page.screenshot(path=str(_artifacts_dir() / "page-text-check.png"), full_page=True)
    assert watch.foreign == [] and watch.console_errors == []

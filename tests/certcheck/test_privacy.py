"""ID numbers are masked in text and in log records."""

from __future__ import annotations

import logging

import pytest

from certcheck.privacy import MaskingFilter, mask_id_numbers


@pytest.mark.parametrize(("text", "expected"), [
    ("11010519491231002X", "1101**********002X"),
    ("身份证 360426199101010071。", "身份证 3604**********0071。"),
    ("old 110105491231002", "old 1101*******1002"),
    ("S000044030001244000123", "S000044030001244000123"),   # a serial, not an ID
    ("1234567890", "1234567890"),
])
def test_privacy_masks_only_id_like_runs(text: str, expected: str) -> None:
    assert mask_id_numbers(text) == expected


def test_privacy_filter_masks_log_arguments(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("certcheck.test-privacy")
    logger.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO, logger="certcheck.test-privacy"):
        logger.info("holder id %s", "440524188001010014")
    assert "440524188001010014" not in caplog.text and "4405**********0014" in caplog.text


# --- the forms an ID number takes on photos, in file names and in OCR output ---------------------------------

from datetime import date, timedelta  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from certcheck.privacy import _PROVINCES  # noqa: E402
from certcheck.safe_regex import compile_safe  # noqa: E402

_CONFUSIONS = {"0": "O", "1": "I", "5": "S", "8": "B", "2": "Z", "6": "G"}


@st.composite
def id_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """An 18-character ID number (check character right or wrong) and its birth date digits."""
    province = draw(st.sampled_from(sorted(_PROVINCES)))
    region = province + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    born = date(1900, 1, 1) + timedelta(days=draw(st.integers(0, (date(2099, 12, 31) - date(1900, 1, 1)).days)))
    birth = born.strftime("%Y%m%d")
    tail = draw(st.from_regex(r"[0-9]{3}[0-9X]", fullmatch=True))
    return region + birth + tail, birth


@st.composite
def printed_forms(draw: st.DrawFn) -> tuple[str, str, str]:
    """An ID number as it appears in text: spaced, hyphenated, confused, glued, misread; with its birth digits."""
    number, birth = draw(id_numbers())
    chars = list(number)
    # OCR confusions in up to 3 places (never more: then it is no longer read as a number).
    for index in draw(st.lists(st.integers(0, 16), max_size=3, unique=True)):
        chars[index] = _CONFUSIONS.get(chars[index], chars[index])
    groups = [chars[0:6], chars[6:14], chars[14:18]]
    separator = draw(st.sampled_from(["", " ", "-", " - ", "\u3000", ".", "_"]))
    body = separator.join("".join(g) for g in groups)
    if draw(st.booleans()):
        body += draw(st.sampled_from("0123456789"))  # a 19-character misread
    prefix = draw(st.sampled_from(["", "身份证号码：", "scan", "张三", "photo_", "ID:", "a/b/"]))
    suffix = draw(st.sampled_from(["", ".jpg", "号", "abc", " 男", "，"]))
    return prefix + body + suffix, number, birth


@settings(max_examples=300, deadline=None)
@given(printed_forms())
def test_every_printed_form_of_an_id_number_is_masked(form: tuple[str, str, str]) -> None:
    text, number, birth = form
    masked = mask_id_numbers(text)
    digits_left = "".join(ch for ch in masked if ch.isdigit())
    assert birth not in digits_left, (text, masked)
    assert masked.count("*") >= 10, (text, masked)
    assert mask_id_numbers(masked) == masked  # masking is idempotent


@settings(max_examples=200, deadline=None)
@given(st.from_regex(r"[SY][0-9]{21}", fullmatch=True) | st.from_regex(r"AB[0-9]{4}-[0-9]{6}", fullmatch=True)
       | st.from_regex(r"[0-9]{2}(1[0-9]|2[0-4])[0-9]{14}", fullmatch=True))
def test_a_serial_its_template_accepts_is_left_readable(serial: str) -> None:
    patterns = [r"^[SY]\d{21}$", r"^AB\d{4}-\d{6}$", r"^\d{2}(1[0-9]|2[0-4])\d{14}$"]
    assert any(compile_safe(p).fullmatch(serial) for p in patterns)
    text = f"证书编号：{serial}"
    assert mask_id_numbers(text, not_ids=[serial]) == text


def test_a_serial_is_no_shield_for_an_id_number_beside_it() -> None:
    text = "编号 S000044030001244000123 身份证 110101199003077774"
    assert mask_id_numbers(text, not_ids=["S000044030001244000123"]) == (
        "编号 S000044030001244000123 身份证 1101**********7774")


@pytest.mark.parametrize("text", [
    "2024-05-10 发证", "电话 13800138000", "S000044030001244000123", "邮编 100010 2024年05月10日",
    "职业技能等级证书 四级/中级工", "第 1 页 共 3 页", "IMG_20240510_123456.jpg",
])
def test_ordinary_numbers_stay_readable(text: str) -> None:
    assert mask_id_numbers(text) == text


def test_filter_masks_access_fields_and_tracebacks() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, None)
    record.http = {"path": "/v1/templates/110101199003077774", "status": 404}
    try:
        raise ValueError("bad file 110101199003077774.jpg")
    except ValueError:
        import sys

        record.exc_info = sys.exc_info()
    MaskingFilter().filter(record)
    assert record.http["path"] == "/v1/templates/1101**********7774"
    assert "110101199003077774" not in (record.exc_text or "") and "1101**********7774" in (record.exc_text or "")

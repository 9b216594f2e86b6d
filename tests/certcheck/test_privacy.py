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

"""Registered patterns: the safe subset is enforced, and within it RE2 answers as Python's ``re`` would."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certcheck.safe_regex import MAX_SUBJECT_LENGTH, UnsafePattern, compile_safe

SERIAL_PATTERNS = [
    r"^[SY]\d{4}\d{2}\d{6}\d{2}[1-5]\d{6}$",
    r"^\d{2}\d{2}\d{2}[0-4]\d{3}[1-5]\d{5}$",
    r"^AB\d{4}-\d{6}$",
    r"^[A-Z]{2}\d{4}[-/]\d{6}$",
    r"^(?:PX|QX)\d{4}-\d{6}$",
    r"^[\u4e00-\u9fa5]{1,3}\d{8}$",
    r"^No\.\s?\d{6,10}$",
]


@pytest.mark.parametrize(("pattern", "needle"), [
    ("a{4294967296}", "counts at most"),
    ("(" * 5000 + "a" + ")" * 5000, "characters long"),
    ("(" * 20 + "a" + ")" * 20, "nests groups 20 deep"),
    (r"^(?=S)\d+$", "lookaround"),
    (r"^(?<!x)\d+$", "lookaround"),
    (r"^(\d)\1$", "backreference"),
    (r"^(?P<d>\d)(?P=d)$", "backreference"),
    (r"^\d++$", "possessive"),
    (r"^(?>\d+)$", "atomic"),
    (r"^(a)?(?(1)b|c)$", "conditional"),
    (r"^\d+\Z", "\\Z"),
    ("^a\x00b$", "control character"),
    (r"^(((a{100}){100}){100})$", "RE2"),
    (r".{100}.{100}x", "instructions"),
    (r"^[a-", "RE2"),
])
def test_patterns_outside_the_subset_are_refused_with_the_rule_named(pattern: str, needle: str) -> None:
    with pytest.raises(UnsafePattern, match=re.escape(needle)):
        compile_safe(pattern)


@pytest.mark.parametrize("pattern", [r"^(a+)+$", r"^((a|aa)+)+b$", "(a*)*" * 20, r"^(.*)*(.*)*(.*)*x$"])
def test_catastrophic_backtracking_patterns_run_in_linear_time(pattern: str) -> None:
    compiled = compile_safe(pattern)
    started = time.perf_counter()
    for subject in ("a" * 60 + "3456", "a" * MAX_SUBJECT_LENGTH, "a" * (MAX_SUBJECT_LENGTH - 1) + "!"):
        compiled.fullmatch(subject)
    assert time.perf_counter() - started < 0.1


def test_subjects_longer_than_any_serial_never_match() -> None:
    assert not compile_safe(r"^a+$").fullmatch("a" * (MAX_SUBJECT_LENGTH + 1))


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(SERIAL_PATTERNS).flatmap(lambda p: st.tuples(st.just(p), st.from_regex(p, fullmatch=True))))
def test_serials_a_pattern_describes_match_it_under_re2(case: tuple[str, str]) -> None:
    pattern, serial = case
    ascii_only = serial.isascii() or "\\u4e00" in pattern
    if ascii_only and re.fullmatch(pattern, serial, flags=re.ASCII):
        assert compile_safe(pattern).fullmatch(serial)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(SERIAL_PATTERNS), st.text(alphabet="ABPQSXYNo.-/ 0123456789广东", max_size=30))
def test_re2_and_python_agree_on_ascii_serials(pattern: str, subject: str) -> None:
    assert compile_safe(pattern).fullmatch(subject) == bool(re.fullmatch(pattern, subject, flags=re.ASCII))

"""Registered patterns, compiled so that no pattern and no input can freeze a check.

A template's ``serial.pattern`` is written by whoever registers the template
(CONTRACT.md section 4). Python's ``re`` backtracks: ``^(a+)+$`` against
``aaaa…a3456`` took 40 s in the rules stage and held the server's worker. So
registered patterns run on RE2 (``google-re2``), whose matching time is linear
in pattern size times input size, and every pattern is checked against a safe
subset when it is registered:

* at most :data:`MAX_PATTERN_LENGTH` characters, no control characters (NUL…);
* groups nested at most :data:`MAX_NESTING` deep;
* counted repetition ``{n}`` / ``{n,m}`` with ``n, m <= MAX_REPEAT``;
* RE2 syntax, which is Python's minus lookarounds (``(?=``, ``(?!``,
  ``(?<=``, ``(?<!``), backreferences (``\\1``, ``(?P=name)``), possessive
  quantifiers and atomic groups, conditionals ``(?(1)…)`` and ``\\Z`` (use
  ``$`` or ``\\z``). ``\\d`` is ``[0-9]`` and ``\\w`` ``[0-9A-Za-z_]`` (the
  serial is normalised to ASCII first, so Python's Unicode ``\\d`` would have
  matched the same serials); Python's ``\\uXXXX`` / ``\\UXXXXXXXX`` escapes are
  rewritten to RE2's ``\\x{XXXX}``;
* compiled with RE2's memory cap :data:`MAX_PROGRAM_MEMORY`, into a program
  of at most :data:`MAX_PROGRAM_SIZE` instructions (``^[SY]\\d{21}$`` is 25,
  ``^.{10,30}$`` 262; ``.{100}.{100}x`` is 1605 and refused). The bound is on the compiled size,
  not on a measured time, so a pattern is accepted or refused the same way on
  every machine, however busy.

Every match is bounded too: inputs longer than :data:`MAX_SUBJECT_LENGTH`
characters never match (no serial is that long), and RE2 runs in time
proportional to program size x input length, so one match is at most
``MAX_PROGRAM_SIZE x MAX_SUBJECT_LENGTH`` steps (measured: under 2 ms for the
slowest accepted pattern on one busy core, README "Hardening"). Each compiled
pattern records its slowest probe (:attr:`SafePattern.probe_ms`) for that
measurement.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import re2

__all__ = [
    "MAX_NESTING",
    "MAX_PATTERN_LENGTH",
    "MAX_PROGRAM_SIZE",
    "MAX_REPEAT",
    "MAX_SUBJECT_LENGTH",
    "SafePattern",
    "UnsafePattern",
    "compile_safe",
]

MAX_PATTERN_LENGTH = 256
MAX_NESTING = 16
MAX_REPEAT = 100
MAX_SUBJECT_LENGTH = 128
#: RE2's budget for one compiled program and its DFA cache (bytes); beyond it RE2 falls back to its NFA, still linear.
MAX_PROGRAM_MEMORY = 1 << 20
#: Largest compiled RE2 program (instructions) a registered pattern may have.
MAX_PROGRAM_SIZE = 1000

# Constructs RE2 refuses, named for the person who wrote them (RE2's own messages are terse).
_UNSUPPORTED = (
    (re.compile(r"\(\?<?[=!]"), "lookaround (?=…) (?!…) (?<=…) (?<!…)"),
    (re.compile(r"\\[1-9]|\(\?P=\w+\)"), "backreference (\\1, (?P=name))"),
    (re.compile(r"\(\?>|[*+?}][+]"), "atomic group (?>…) or possessive quantifier (*+, ++, ?+)"),
    (re.compile(r"\(\?\("), "conditional (?(1)…)"),
    (re.compile(r"\\Z"), "\\Z (write $ or \\z)"),
)
_REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}")


class UnsafePattern(ValueError):
    """A registered pattern outside the safe subset; the message says which rule it breaks."""


@dataclass(frozen=True)
class SafePattern:
    """A pattern checked against the safe subset and compiled with RE2."""

    source: str
    #: The slowest probe at registration, in milliseconds (README "Hardening").
    probe_ms: float
    _regex: Any = field(repr=False, compare=False)

    def fullmatch(self, text: str) -> bool:
        """Whether the whole of ``text`` matches; ``False`` for texts over :data:`MAX_SUBJECT_LENGTH`."""
        if len(text) > MAX_SUBJECT_LENGTH:
            return False
        return self._regex.fullmatch(text) is not None


def compile_safe(pattern: str) -> SafePattern:
    """Check ``pattern`` against the safe subset and compile it with RE2 (cached per pattern).

    >>> compile_safe(r"^AB\\d{4}-\\d{6}$").fullmatch("AB2021-000123")
    True
    >>> compile_safe(r"^(a+)+$").fullmatch("a" * 60 + "3456")
    False
    >>> try:
    ...     compile_safe(r"^(?=S)\\d+$")
    ... except UnsafePattern as exc:
    ...     print(exc)
    pattern uses a lookaround (?=…) (?!…) (?<=…) (?<!…), which registered patterns may not (RE2 subset)

    Raises:
        UnsafePattern: the pattern breaks a rule of the subset (module docstring), or RE2 refuses it.
    """
    if not isinstance(pattern, str):
        raise UnsafePattern(f"pattern must be a string, got {type(pattern).__name__}")
    return _compile(pattern)


@lru_cache(maxsize=256)
def _compile(pattern: str) -> SafePattern:
    _check_subset(pattern)
    options = re2.Options()
    options.encoding = re2.Options.Encoding.UTF8
    options.log_errors = False
    options.max_mem = MAX_PROGRAM_MEMORY
    try:
        regex = re2.compile(_re2_escapes(pattern), options)
    except re2.error as exc:
        detail = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise UnsafePattern(f"pattern is not valid RE2 syntax: {detail}") from None
    if regex.programsize > MAX_PROGRAM_SIZE:
        raise UnsafePattern(f"pattern compiles to {regex.programsize} RE2 instructions (at most {MAX_PROGRAM_SIZE}); "
                            "write fewer or smaller counted repetitions")
    compiled = SafePattern(pattern, 0.0, regex)
    slowest = max(_timed(compiled, probe) for probe in _probes(pattern))
    return SafePattern(pattern, round(slowest, 4), regex)


_PYTHON_UNICODE_ESCAPE = re.compile(r"(\\\\)|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _re2_escapes(pattern: str) -> str:
    r"""Python's ``\uXXXX`` and ``\UXXXXXXXX`` as RE2's ``\x{...}``; an escaped backslash stays as it is.

    >>> _re2_escapes(r"^[\u4e00-\u9fa5]{2}\\u1$")
    '^[\\x{4e00}-\\x{9fa5}]{2}\\\\u1$'
    """
    def swap(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1)
        return "\\x{" + (match.group(2) or match.group(3)) + "}"

    return _PYTHON_UNICODE_ESCAPE.sub(swap, pattern)


def _check_subset(pattern: str) -> None:
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafePattern(f"pattern is {len(pattern)} characters long (at most {MAX_PATTERN_LENGTH})")
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in pattern):
        raise UnsafePattern("pattern contains a control character (NUL, newline, tab…); write \\t or \\x00 instead")
    for construct, name in _UNSUPPORTED:
        if construct.search(_without_escaped_backslashes(pattern)):
            raise UnsafePattern(f"pattern uses a {name}, which registered patterns may not (RE2 subset)")
    depth = _max_nesting(pattern)
    if depth > MAX_NESTING:
        raise UnsafePattern(f"pattern nests groups {depth} deep (at most {MAX_NESTING})")
    for match in _REPEAT.finditer(pattern):
        counts = [int(g) for g in match.groups() if g]
        if max(counts) > MAX_REPEAT:
            raise UnsafePattern(f"pattern repeats {match.group(0)} (counts at most {MAX_REPEAT})")


def _without_escaped_backslashes(pattern: str) -> str:
    r"""``\\`` pairs blanked, so ``\\1`` (a backslash then 1) is not read as a backreference."""
    return pattern.replace("\\\\", "__")


def _max_nesting(pattern: str) -> int:
    """Deepest group nesting, skipping escapes and character classes.

    >>> _max_nesting(r"((a)(b[(])\\()")
    2
    """
    depth = deepest = 0
    escaped = in_class = False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif ch == ")":
            depth = max(0, depth - 1)
    return deepest


def _probes(pattern: str) -> list[str]:
    """Inputs of the longest matched length: runs of each literal the pattern names, and mixes."""
    literals = sorted({ch for ch in pattern if ch.isalnum()} | {"a", "0", "A", "-"})
    probes = [ch * MAX_SUBJECT_LENGTH for ch in literals]
    mixed = "".join(literals)
    probes.append((mixed * (MAX_SUBJECT_LENGTH // len(mixed) + 1))[:MAX_SUBJECT_LENGTH])
    probes += [p[:-1] + "!" for p in probes[: len(literals)]]
    return probes


def _timed(compiled: SafePattern, probe: str) -> float:
    started = time.perf_counter()
    compiled.fullmatch(probe)
    return (time.perf_counter() - started) * 1000.0

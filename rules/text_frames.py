"""Claims versus mentions: the discourse frames around a word the publicity rules find in a free text.

The campaign judges *publicity* (人社部函〔2022〕25号 一（二）: "进行培训评价发证活动宣传"). The
same words are printed, without selling anything, by the campaign's notices, by the news reporting them
(一些机构宣称“包过”……谨防上当), by a market regulator listing the phrases advertisers may not use, and by
explainers naming 国家职业资格证书, 人力资源和社会保障部 and the official query channels (what
人社部函〔2022〕25号 四（二） asks for). What tells them apart is data, ``rules/data/text_frames.yaml``:

1. **span frames**, the words right around one finding (a negation before it, a reporting verb, a quote
   named as wording, a regulator's enumeration, an authority doing its own act), in any text;
2. **sentence frames** (a warning, an official channel in the finding's sentence) and
3. **genres** (the whole text reads as a report or an explainer), only in a text that does not sell:
   one selling frame (a contact line, enrolment, a price, an outfit issuing in its own voice) outside
   quotes and reported sentences makes it an advert, where only span frames set a finding aside.

Everything works on :func:`plain`, a per-character fold of the text, so offsets are the original's.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from certcheck.errors import RegistryError
from certcheck.types import EvidenceCode
from ocr.text import to_simplified
from rules.qr_rules import load_official_domains
from templates_registry.loader import safe_load_yaml

__all__ = [
    "FRAMES_FILE",
    "Boundaries",
    "Discourse",
    "Genre",
    "Selling",
    "SentenceFrame",
    "SpanFrame",
    "TextFrames",
    "Variants",
    "count_variants",
    "default_frames",
    "iter_variant_spans",
    "load_frames",
    "mention_frame",
    "plain",
    "read_discourse",
    "span_frame",
    "variant_regex",
]

FRAMES_FILE = Path(__file__).resolve().parent / "data" / "text_frames.yaml"


def plain(text: str) -> str:
    """Fold ``text`` one character for one: half width, simplified, lower case (offsets unchanged).

    >>> plain("ＰＭＰ國家認可")
    'pmp国家认可'
    """
    out = []
    for char in text:
        folded = unicodedata.normalize("NFKC", char)
        folded = to_simplified(folded) if len(folded) == 1 else char
        lower = folded.lower()
        out.append(lower if len(lower) == 1 else folded)
    return "".join(out)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _compiles(patterns: tuple[str, ...]) -> tuple[str, ...]:
    for pattern in patterns:
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ValueError(f"pattern {pattern!r} is not a valid regular expression: {exc}") from exc
    return patterns


def _folded(words: tuple[str, ...]) -> tuple[str, ...]:
    if any(not w.strip() for w in words):
        raise ValueError("empty phrase")
    return tuple(plain(w) for w in words)


class _Words(_Strict):
    """Literal phrases and regexes, both over :func:`plain` text; ``codes`` empty means every code."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    codes: tuple[EvidenceCode, ...] = ()

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _compiles(value)

    @field_validator("phrases")
    @classmethod
    def _phrases_folded(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _folded(value)

    def applies_to(self, code: EvidenceCode) -> bool:
        """Whether this frame may set a finding of ``code`` aside."""
        return not self.codes or code in self.codes

    def found_in(self, text: str) -> bool:
        """Whether a phrase or a pattern occurs anywhere in ``text``."""
        return any(p in text for p in self.phrases) or any(re.search(p, text) for p in self.patterns)

    def markers_in(self, text: str) -> set[str]:
        """The distinct phrases and pattern matches found in ``text``."""
        found = {p for p in self.phrases if p in text}
        for pattern in self.patterns:
            found |= {m.group(0) for m in re.finditer(pattern, text)}
        return found


class SpanFrame(_Words):
    """Words around one finding that make it a mention.

    ``where``: ``before_in_clause`` / ``before_in_sentence`` (within ``reach`` characters before it, same
    clause / sentence), ``reported``
    (a reporting word before it in its clause, or before the quote it stands in), ``after_quote`` (it
    stands in a quote followed within ``reach`` by a marker, same sentence), ``denied_after`` (a denial
    within ``reach`` after it or after the quote it stands in, same sentence), ``enclosed`` (an opener
    before and a closer after it in its sentence), ``after`` (a pattern matching right after it).
    """

    where: Literal["before_in_clause", "before_in_sentence", "reported", "after_quote", "denied_after", "enclosed",
                   "after"]
    reach: int | None = Field(default=None, ge=1, le=200)
    openers: tuple[str, ...] = ()
    closers: tuple[str, ...] = ()

    @field_validator("openers", "closers")
    @classmethod
    def _ends_folded(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _folded(value)

    @model_validator(mode="after")
    def _shape(self) -> SpanFrame:
        if self.where == "enclosed":
            if not self.openers or not self.closers:
                raise ValueError("an enclosed frame needs openers and closers")
        elif not self.phrases and not self.patterns:
            raise ValueError("a frame needs phrases or patterns")
        elif self.reach is None:
            raise ValueError(f"a {self.where} frame needs a reach")
        return self


class SentenceFrame(_Words):
    """Words in the finding's sentence; ``official_domains`` adds the official lookup hosts."""

    official_domains: bool = False


class Genre(_Words):
    """A document genre: at least ``min_markers`` distinct markers anywhere in the text."""

    min_markers: int = Field(ge=1)


class Selling(_Strict):
    """Words only a seller writes; ignored inside quotes and in sentences with the listed frames."""

    skip_sentences_with: tuple[str, ...] = ()
    phrases: tuple[str, ...] = Field(min_length=1)
    patterns: tuple[str, ...] = ()

    @field_validator("patterns")
    @classmethod
    def _patterns_compile(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _compiles(value)

    @field_validator("phrases")
    @classmethod
    def _phrases_folded(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _folded(value)


class Variants(_Strict):
    """Homophones and look-alikes of claim characters (key: the claim's character)."""

    score: float = Field(gt=0, le=100)
    min_length: int = Field(ge=2)
    max_per_span: int = Field(ge=1)
    chars: dict[str, tuple[str, ...]] = Field(min_length=1)

    @field_validator("chars")
    @classmethod
    def _single_characters(cls, value: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        for key, variants in value.items():
            if len(key) != 1 or any(len(v) != 1 for v in variants):
                raise ValueError(f"{key}: keys and variants are single characters")
            if key in variants or len(set(variants)) != len(variants):
                raise ValueError(f"{key}: a variant repeats or is the key itself")
        owners: dict[str, str] = {}
        for key, variants in value.items():
            for variant in variants:
                if owners.setdefault(variant, key) != key:
                    raise ValueError(f"{variant} is a variant of both {owners[variant]} and {key}")
        return value

    def canonical(self, text: str) -> str:
        """``text`` with every variant character replaced by its key (offsets unchanged).

        >>> default_frames().variants.canonical("官方忍证")
        '官方认证'
        """
        table = {ord(v): k for k, variants in self.chars.items() for v in variants}
        return text.translate(table)


class Boundaries(_Strict):
    """Characters that end a sentence or a clause, and the quotation marks."""

    sentence: str = Field(min_length=1)
    clause: str = Field(min_length=1)
    quotes_open: str = Field(min_length=1)
    quotes_close: str = Field(min_length=1)
    soft_line_breaks: bool = False


class TextFrames(_Strict):
    """The validated contents of ``text_frames.yaml``."""

    boundaries: Boundaries
    span_frames: tuple[SpanFrame, ...] = Field(min_length=1)
    sentence_frames: tuple[SentenceFrame, ...] = ()
    genres: tuple[Genre, ...] = ()
    selling: Selling
    variants: Variants

    @model_validator(mode="after")
    def _ids(self) -> TextFrames:
        ids = [f.id for f in (*self.span_frames, *self.sentence_frames, *self.genres)]
        if len(set(ids)) != len(ids):
            raise ValueError(f"frame ids repeat: {sorted(i for i in ids if ids.count(i) > 1)}")
        unknown = set(self.selling.skip_sentences_with) - set(ids)
        if unknown:
            raise ValueError(f"selling.skip_sentences_with names unknown frames: {sorted(unknown)}")
        return self

    def frame(self, frame_id: str) -> _Words:
        """The span or sentence frame of that id."""
        return next(f for f in (*self.span_frames, *self.sentence_frames) if f.id == frame_id)


def load_frames(path: Path = FRAMES_FILE) -> TextFrames:
    """Read and validate ``text_frames.yaml``; every bad entry is reported by file and place.

    Raises:
        RegistryError: the file cannot be read or does not validate.
    """
    try:
        raw: Any = safe_load_yaml(path.read_text(encoding="utf-8"))
        return TextFrames.model_validate(raw)
    except ValidationError as exc:
        problems = "\n".join(f"{path}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise RegistryError(f"话语框架数据无效：\n{problems}", f"invalid text frames:\n{problems}") from exc
    except Exception as exc:
        raise RegistryError(f"无法读取话语框架数据 {path}：{exc}", f"cannot read text frames {path}: {exc}") from exc


@lru_cache(maxsize=1)
def default_frames() -> TextFrames:
    """The packaged frames, loaded once per process."""
    return load_frames()


@lru_cache(maxsize=1)
def _official_hosts() -> tuple[str, ...]:
    """The official lookup hosts of the QR rule's data (rules/data/official_domains.yaml, cert-facts §1.5)."""
    return tuple(d.lower() for d in load_official_domains().domains)


# --- the text's structure -------------------------------------------------------------------------


@dataclass(frozen=True)
class Discourse:
    """What a text is as a whole, and where its sentences and quotes are (offsets into the text).

    ``selling`` lists the selling markers that count (none: the text does not sell); ``genres`` the
    genre ids the text reaches.
    """

    text: str
    sentence_starts: tuple[int, ...]
    quotes: tuple[tuple[int, int], ...]
    selling: tuple[str, ...]
    genres: tuple[str, ...]
    #: Offsets of every sentence and clause mark, ascending (a finding's clause starts after the last one before it).
    stops: tuple[int, ...] = ()

    @property
    def sells(self) -> bool:
        """Whether the text is an advert (a selling frame counts)."""
        return bool(self.selling)

    def sentence(self, at: int) -> tuple[int, int]:
        """``[start, end)`` of the sentence holding offset ``at`` (its end mark included)."""
        index = bisect.bisect_right(self.sentence_starts, at) - 1
        start = self.sentence_starts[index]
        end = self.sentence_starts[index + 1] if index + 1 < len(self.sentence_starts) else len(self.text)
        return start, end

    def quote_around(self, start: int, end: int) -> tuple[int, int] | None:
        """The quotation marks ``(open, close)`` that enclose ``[start, end)``, if any."""
        # Quotes do not nest (see _quotes): only the last one opened before ``start`` can enclose it.
        index = bisect.bisect_left(self.quotes, (start, -1)) - 1
        if index >= 0 and end <= self.quotes[index][1]:
            return self.quotes[index]
        return None

    def clause_start(self, at: int) -> int:
        """Where the clause holding offset ``at`` starts."""
        index = bisect.bisect_left(self.stops, at) - 1
        return self.stops[index] + 1 if index >= 0 else 0


def _unwrapped(text: str, bounds: Boundaries) -> str:
    """``text`` with wrapped-line breaks turned into spaces (offsets unchanged)."""
    if not bounds.soft_line_breaks:
        return text
    marks = bounds.sentence  # a line ending in a comma or a closing quote goes on in the next line
    chars = list(text)
    for index, char in enumerate(chars):
        if char == "\n":
            back = index - 1
            while back >= 0 and text[back] in " \t\u3000":
                back -= 1
            if back >= 0 and text[back] not in marks:
                chars[index] = " "
    return "".join(chars)


def _sentence_starts(text: str, ends: str) -> tuple[int, ...]:
    return (0, *(i + 1 for i, c in enumerate(text) if c in ends and i + 1 < len(text)))


def _quotes(text: str, bounds: Boundaries) -> tuple[tuple[int, int], ...]:
    pairs: list[tuple[int, int]] = []
    opened: int | None = None
    for index, char in enumerate(text):
        if opened is None and char in bounds.quotes_open:
            opened = index
        elif opened is not None and char in bounds.quotes_close:
            pairs.append((opened, index))
            opened = None
        elif char == "\n":
            opened = None  # a quote does not run over a line break
    return tuple(pairs)


def _selling_markers(text: str, frames: TextFrames, starts: tuple[int, ...],
                     quotes: Sequence[tuple[int, int]]) -> tuple[str, ...]:
    skip = [frames.frame(i) for i in frames.selling.skip_sentences_with]
    probe = Discourse(text, starts, tuple(quotes), (), ())
    found: list[str] = []
    spans = [(m.start(), m.end()) for p in frames.selling.phrases for m in re.finditer(re.escape(p), text)]
    spans += [(m.start(), m.end()) for p in frames.selling.patterns for m in re.finditer(p, text)]
    for start, end in sorted(spans):
        if probe.quote_around(start, end) is not None:
            continue
        first, last = probe.sentence(start)
        if any(frame.found_in(text[first:last]) for frame in skip):
            continue
        found.append(text[start:end])
    return tuple(dict.fromkeys(found))


def read_discourse(text: str, frames: TextFrames | None = None) -> Discourse:
    """Sentences, quotes, selling markers and genres of ``text``.

    >>> read_discourse("电工证包过，报名热线138****6621").selling
    ('报名热线', '138****6621')
    >>> read_discourse("记者近日调查发现，一些机构宣称“包过”。市场监管局提醒谨防上当。").genres
    ('report',)
    """
    frames = frames or default_frames()
    folded = _unwrapped(plain(text), frames.boundaries)
    starts = _sentence_starts(folded, frames.boundaries.sentence)
    quotes = _quotes(folded, frames.boundaries)
    selling = _selling_markers(folded, frames, starts, quotes)
    genres = tuple(g.id for g in frames.genres if len(g.markers_in(folded)) >= g.min_markers)
    marks = frames.boundaries.sentence + frames.boundaries.clause
    stops = tuple(i for i, c in enumerate(folded) if c in marks)
    return Discourse(folded, starts, quotes, selling, genres, stops)


# --- one finding ----------------------------------------------------------------------------------


def _span_frame_holds(frame: SpanFrame, d: Discourse, start: int, end: int) -> bool:
    text = d.text
    first, last = d.sentence(start)
    clause = d.clause_start(start)
    reach = frame.reach or 0
    if frame.where == "before_in_clause":
        return frame.found_in(text[max(clause, start - reach) : start])
    if frame.where == "before_in_sentence":
        return frame.found_in(text[max(first, start - reach) : start])
    if frame.where == "after":
        after = text[end : min(last, end + reach)]
        return any(after.startswith(p) for p in frame.phrases) or any(re.match(p, after) for p in frame.patterns)
    if frame.where == "enclosed":
        return any(o in text[first:start] for o in frame.openers) and any(c in text[end:last] for c in frame.closers)
    quote = d.quote_around(start, end)
    if frame.where == "denied_after":
        tail = quote[1] + 1 if quote is not None else end
        return frame.found_in(text[tail : min(last, tail + reach)])
    if frame.where == "reported":
        if frame.found_in(text[max(clause, start - reach) : start]):
            return True
        return quote is not None and frame.found_in(text[max(first, quote[0] - reach) : quote[0]])
    # after_quote: the quote, and any quotes right after it, followed by a marker in the sentence
    return quote is not None and frame.found_in(text[quote[1] + 1 : min(last, quote[1] + 1 + reach)])


def span_frame(d: Discourse, start: int, end: int, code: EvidenceCode | None = None,
               frames: TextFrames | None = None) -> str | None:
    """The id of the first span frame that makes ``[start, end)`` a mention, or ``None``.

    ``code`` None: frames limited to some codes are not tried.

    >>> span_frame(read_discourse("使用“包过”“国家认可”等字样进行宣传"), 3, 5)
    'quoted-as-wording'
    >>> span_frame(read_discourse("本班“包过”，报名从速"), 3, 5) is None
    True
    """
    frames = frames or default_frames()
    for frame in frames.span_frames:
        if (frame.applies_to(code) if code is not None else not frame.codes) and _span_frame_holds(
            frame, d, start, end
        ):
            return frame.id
    return None


def _sentence_frame_holds(frame: SentenceFrame, sentence: str) -> bool:
    if frame.found_in(sentence):
        return True
    return frame.official_domains and any(host in sentence for host in _official_hosts())


def mention_frame(d: Discourse, start: int, end: int, code: EvidenceCode,
                  frames: TextFrames | None = None) -> str | None:
    """Why the finding of ``code`` at ``[start, end)`` is a mention (a frame or genre id), or ``None``: a claim.

    >>> text = "近日，人社部提醒：一些机构宣称证书国家认可，谨防上当。"
    >>> mention_frame(read_discourse(text), 20, 24, EvidenceCode.FALSE_CLAIM)
    'reporting'
    """
    frames = frames or default_frames()
    found = span_frame(d, start, end, code, frames)
    if found is not None or d.sells:
        return found
    first, last = d.sentence(start)
    for frame in frames.sentence_frames:
        if frame.applies_to(code) and _sentence_frame_holds(frame, d.text[first:last]):
            return frame.id
    return next((g.id for g in frames.genres if g.id in d.genres and g.applies_to(code)), None)


def variant_regex(phrase: str, variants: Variants) -> re.Pattern[str] | None:
    """A regex matching ``phrase`` with any of its characters written as a listed variant (``None``: none apply).

    >>> bool(variant_regex("官方认证", default_frames().variants).fullmatch("官方忍证"))
    True
    """
    folded = plain(phrase)
    if len(folded) < variants.min_length or not any(c in variants.chars for c in folded):
        return None
    parts = [f"(?:[{re.escape(c)}{''.join(re.escape(v) for v in variants.chars.get(c, ()))}])" for c in folded]
    return re.compile("".join(parts))


def count_variants(window: str, phrase: str) -> int:
    """How many characters of ``window`` differ from ``phrase`` (same length).

    >>> count_variants("官方忍证", "官方认证")
    1
    """
    return sum(1 for a, b in zip(window, plain(phrase), strict=True) if a != b)


def iter_variant_spans(text: str, phrase: str, variants: Variants) -> Iterable[tuple[int, int]]:
    """``[start, end)`` in :func:`plain` ``text`` where ``phrase`` is written with 1..``max_per_span`` variants."""
    regex = variant_regex(phrase, variants)
    if regex is None:
        return
    for match in regex.finditer(text):
        if 1 <= count_variants(match.group(0), phrase) <= variants.max_per_span:
            yield match.start(), match.end()

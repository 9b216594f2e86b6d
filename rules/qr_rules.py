"""QR codes against the official lookup channels and the printed fields (``QR_UNOFFICIAL``).

A 职业技能等级证书 must carry a QR code and the national query addresses
(人社鉴发〔2021〕1号 二（一）); a knock-off prints a code leading to a look-alike
site that "confirms" it (人社部 closed 14 such sites in 2022-10, cert-facts
§1.5). What the code may point to is data: ``rules/data/official_domains.yaml``
(from cert-facts ``official_domains``) plus the matched template's
``marks.qr.domains``. A host is official when it is one of those domains or a
subdomain of one.

Findings, per decoded code (:mod:`vision.detectors.qr`):

* a **look-alike** host (an official name inside another domain such as
  ``osta-org.cn`` or ``cpta.com.cn.xx``, one or two letters off an official
  domain, or an ``xn--`` punycode label): high, on any certificate;
* any other unofficial host, or a payload that is no address, on a
  certificate whose title claims an official kind or whose template lists QR
  domains: high (such a certificate's code must lead to the official lookup);
  on a private certificate a code to its own web site is not evidence;
* a serial or a name in the payload that differs from the printed one:
  medium (the code belongs to another certificate); an OCR confusion
  (O/0, I/1) is not a difference;
* a template requiring a QR code (``marks.qr.required``) and none found at
  all: ``TEMPLATE_MISMATCH``, medium (issue 12: what a registered template
  promises is checked; a sheet without the code does not follow the sample),
  when the photo is sharp enough for a printed code to be found (text edges
  at least :data:`MIN_PAGE_SHARPNESS`, ``text_sharpness`` of the tampering
  detector: generated phone and sideways photos 0.74-1.02, "hard" photos
  0.45-0.60, on 18 photos of the new designs); on a softer photo, low;
  a code the detector located but could not decode (``qr_unreadable``: a
  blurred photo, glare) is not missing: ``TEMPLATE_MISMATCH`` low, "请人工核对",
  asking for a scan by hand (the QR detector reads 58 of 60 generated photos
  at 1200-4000 px, see :mod:`vision.detectors.qr`).

ID numbers in a payload are masked in every message and text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz.distance import Levenshtein

from certcheck.errors import RegistryError
from certcheck.privacy import mask_id_numbers
from certcheck.types import Detection, Evidence, EvidenceCode, Severity
from ocr.text import compact, fix_digit_confusions, normalize_serial
from rules.context import RuleContext
from rules.evidence import make_evidence
from templates_registry.loader import safe_load_yaml

__all__ = [
    "HostVerdict",
    "OfficialDomains",
    "classify_host",
    "load_official_domains",
    "qr_rule",
]

_DATA = Path(__file__).resolve().parent / "data" / "official_domains.yaml"
#: Labels of official domains too generic to mark a look-alike (``www``, ``gov``, ``org``...).
_GENERIC_LABELS = frozenset({"www", "gov", "org", "com", "cn", "net", "old", "cx", "mem"})
#: A look-alike's registrable part may be this many edits from an official one (0sta.org.cn, osta.org.cm).
_MAX_LOOKALIKE_EDITS = 2
#: Serial-like runs in a payload: an optional letter block and at least 10 digits (22-character skill serials).
_SERIAL_IN_PAYLOAD = re.compile(r"[A-Za-z]{0,2}\d{10,}")
#: Query keys that carry the holder's name.
_NAME_KEYS = frozenset({"name", "xm", "username", "holder", "姓名"})
#: Query keys that carry the certificate number.
_SERIAL_KEYS = frozenset({"certificateno", "certno", "zsbh", "serial", "no", "证书编号", "bh"})


class _DomainGroup(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    what: str
    domains: tuple[str, ...] = Field(min_length=1)


class OfficialDomains(BaseModel):
    """``official_domains.yaml``: official lookup hosts, with their source and clause."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    basis: str
    source: str
    groups: tuple[_DomainGroup, ...]

    @property
    def domains(self) -> tuple[str, ...]:
        return tuple(d.lower() for g in self.groups for d in g.domains)


@functools.cache
def load_official_domains(path: Path = _DATA) -> OfficialDomains:
    """The packaged official domains (validated, loaded once).

    Raises:
        RegistryError: the file is missing or invalid.
    """
    try:
        return OfficialDomains.model_validate(safe_load_yaml(path.read_text(encoding="utf-8")))
    except Exception as exc:
        raise RegistryError(f"官方域名数据无效 {path}：{exc}", f"invalid official domain data {path}: {exc}") from exc


@dataclass(frozen=True)
class HostVerdict:
    """How a host compares with the official domains: ``official``, ``lookalike`` or ``other``."""

    status: str
    resembles: str | None = None


def classify_host(host: str, official: tuple[str, ...]) -> HostVerdict:
    """Whether ``host`` is official, a look-alike of an official domain, or simply another site.

    >>> domains = ("jndj.osta.org.cn", "osta.org.cn", "cpta.com.cn")
    >>> classify_host("jndj.osta.org.cn", domains).status, classify_host("a.b.osta.org.cn", domains).status
    ('official', 'official')
    >>> classify_host("osta-org.cn", domains)
    HostVerdict(status='lookalike', resembles='osta.org.cn')
    >>> classify_host("cpta.com.cn.xx", domains)
    HostVerdict(status='lookalike', resembles='cpta.com.cn')
    >>> classify_host("0sta.org.cn", domains).status, classify_host("xn--sta-red.org.cn", domains).status
    ('lookalike', 'lookalike')
    >>> classify_host("fakeosta.org.cn", domains).status, classify_host("example.com", domains).status
    ('lookalike', 'other')
    >>> classify_host("hostage.com", domains).status
    'other'

    A word of the host that starts or ends with an official name counts
    (``costa.com`` would too: certificate QR codes hardly ever point there).
    """
    host = host.lower().rstrip(".")
    for domain in official:
        if host == domain or host.endswith("." + domain):
            return HostVerdict("official")
    if any(label.startswith("xn--") for label in host.split(".")):
        return HostVerdict("lookalike", None)
    for domain in official:
        if domain in host:
            return HostVerdict("lookalike", domain)  # cpta.com.cn.xx, jndj.osta.org.cn.example.com
    # Words of the host: split at dots, hyphens and digits (osta-org.cn -> osta, org, cn).
    words = [w for w in re.split(r"[^a-z]+", host) if w]
    for domain in sorted(official, key=len):  # name the shortest (registrable) domain it imitates
        names = [label for label in domain.split(".") if label not in _GENERIC_LABELS and len(label) >= 4]
        if any(w.startswith(n) or w.endswith(n) for w in words for n in names):
            return HostVerdict("lookalike", domain)  # osta-org.cn, fakeosta.org.cn, jndjcx.com
        if Levenshtein.distance(host, domain) <= _MAX_LOOKALIKE_EDITS:
            return HostVerdict("lookalike", domain)  # 0sta.org.cn, osta.org.cm
    return HostVerdict("other")


def qr_rule(ctx: RuleContext) -> list[Evidence]:
    """``QR_UNOFFICIAL`` for each decoded code, ``TEMPLATE_MISMATCH`` for a required code that is missing."""
    codes = [d for d in ctx.detections_of("qr") if d.extras.get("payload") is not None]
    template = ctx.template
    qr_spec = template.spec.marks.qr if template is not None else None
    if not codes:
        if qr_spec is not None and qr_spec.required:
            return [_unreadable(ctx, q) for q in ctx.detections_of("qr_unreadable")[:1]] or [_missing(ctx)]
        return []
    official = load_official_domains().domains + tuple(d.lower() for d in (qr_spec.domains if qr_spec else ()))
    must_be_official = ctx.fields.kind.is_official or bool(qr_spec and qr_spec.domains)
    evidence: list[Evidence] = []
    for code in codes:
        evidence += _check_host(ctx, code, official, must_be_official)
        evidence += _check_payload_fields(ctx, code)
    return evidence


def _check_host(ctx: RuleContext, code: Detection, official: tuple[str, ...], must_be_official: bool) -> list[Evidence]:
    payload = mask_id_numbers(str(code.extras["payload"]))
    host = code.extras.get("host")
    if host is None:
        if not must_be_official:
            return []
        return [make_evidence(
            ctx.data, EvidenceCode.QR_UNOFFICIAL,
            f"二维码内容“{_short(payload)}”不是官方查询网址，正规证书的二维码应指向全国联网查询平台",
            f"The QR code holds '{_short(payload)}', not an official lookup address",
            text=payload, quad=code.quad, confidence=0.9,
        )]
    verdict = classify_host(str(host), official)
    if verdict.status == "official":
        return []
    if verdict.status == "lookalike":
        like = f"（仿冒 {verdict.resembles}）" if verdict.resembles else "（含国际化域名编码）"
        like_en = f" imitating {verdict.resembles}" if verdict.resembles else " (an internationalised, punycode name)"
        return [make_evidence(
            ctx.data, EvidenceCode.QR_UNOFFICIAL,
            f"二维码指向仿冒的查询网站 {host}{like}",
            f"The QR code points to a look-alike lookup site {host}{like_en}",
            text=payload, quad=code.quad, confidence=0.95,
        )]
    if not must_be_official:
        return []
    return [make_evidence(
        ctx.data, EvidenceCode.QR_UNOFFICIAL,
        f"二维码指向非官方网站 {host}，正规证书应可在全国联网查询平台查询",
        f"The QR code points to {host}, not an official lookup site",
        text=payload, quad=code.quad, confidence=0.9,
    )]


def _check_payload_fields(ctx: RuleContext, code: Detection) -> list[Evidence]:
    """Serial and name in the payload against the printed ones (medium: the code belongs elsewhere)."""
    payload = str(code.extras["payload"])
    serial_in_code, name_in_code = _payload_serial(payload), _payload_name(payload)
    found: list[Evidence] = []
    printed = ctx.fields.serial_number
    if serial_in_code and printed is not None and not _same_serial(serial_in_code, printed.value):
        found.append(make_evidence(
            ctx.data, EvidenceCode.QR_UNOFFICIAL,
            f"二维码中的证书编号“{serial_in_code}”与证书上印的“{printed.value}”不一致",
            f"The QR code carries serial '{serial_in_code}', the certificate prints '{printed.value}'",
            text=mask_id_numbers(payload), quad=code.quad, confidence=min(0.9, printed.confidence),
            severity=Severity.MEDIUM,
        ))
    holder = ctx.fields.holder_name
    if name_in_code and holder is not None and compact(name_in_code) != compact(holder.value):
        found.append(make_evidence(
            ctx.data, EvidenceCode.QR_UNOFFICIAL,
            f"二维码中的姓名“{name_in_code}”与证书上印的“{holder.value}”不一致",
            f"The QR code carries the name '{name_in_code}', the certificate prints '{holder.value}'",
            text=mask_id_numbers(payload), quad=code.quad, confidence=min(0.9, holder.confidence),
            severity=Severity.MEDIUM,
        ))
    return found


def _query(payload: str) -> dict[str, str]:
    """Query parameters (keys lower-case) of an address payload, or ``key:value`` pairs of a text payload.

    >>> _query("http://a.cn/q?certificateNo=S1&name=%E5%BC%A0%E4%B8%89")
    {'certificateno': 'S1', 'name': '张三'}
    >>> _query("姓名：张三；证书编号：S1")
    {'姓名': '张三', '证书编号': 'S1'}
    """
    if "?" in payload:
        return {k.lower(): v.strip() for k, v in parse_qsl(urlsplit(payload).query, keep_blank_values=False)}
    pairs = re.findall(r"([^\s:：;；,，&]+)\s*[:：=]\s*([^\s;；,，&]+)", unquote(payload))
    return {k.lower(): v.strip() for k, v in pairs}


def _payload_serial(payload: str) -> str | None:
    """The certificate number a payload carries: a serial key's value, else the one serial-like run.

    >>> _payload_serial("http://jndj.osta.org.cn/cert/query?certificateNo=S000044030001244000123")
    'S000044030001244000123'
    >>> _payload_serial("http://jndj.osta.org.cn/cert/query") is None
    True
    """
    query = _query(payload)
    for key, value in query.items():
        if key in _SERIAL_KEYS and value:
            return normalize_serial(value)
    runs = _SERIAL_IN_PAYLOAD.findall(payload)
    # An 18-character ID number is not a serial; a lone other long run is.
    runs = [r for r in runs if not re.fullmatch(r"\d{17}[\dXx]|\d{15}", r)]
    return runs[0] if len(runs) == 1 else None


def _payload_name(payload: str) -> str | None:
    for key, value in _query(payload).items():
        if key in _NAME_KEYS and value:
            return value
    return None


def _same_serial(in_code: str, printed: str) -> bool:
    """Equal after normalisation and undoing OCR's letter/digit confusions in the printed one.

    >>> _same_serial("S000044030001244000123", "S0000440300O1244000123")
    True
    >>> _same_serial("S000044030001244000123", "S000044030001244000124")
    False
    """
    a, b = normalize_serial(in_code), normalize_serial(printed)
    if a == b:
        return True
    head = re.match(r"^[A-Za-z]*", b).group(0)  # type: ignore[union-attr]
    return a in {head + fix_digit_confusions(b[len(head):]), fix_digit_confusions(b)}


#: Page text sharpness (tampering.v1's ``text_sharpness``) from which a printed QR code would have been found.
MIN_PAGE_SHARPNESS = 0.65


def _sharp_photo(ctx: RuleContext) -> bool:
    summary = next(iter(ctx.detections_of("text_sharpness")), None)
    return summary is not None and float(summary.extras.get("page_sharpness") or 0.0) >= MIN_PAGE_SHARPNESS


def _missing(ctx: RuleContext) -> Evidence:
    template = ctx.template
    assert template is not None
    if _sharp_photo(ctx):
        return make_evidence(
            ctx.data, EvidenceCode.TEMPLATE_MISMATCH,
            f"未在证书上识别到二维码，已备案的{template.spec.name}样式应印有查询二维码",
            f"No QR code was found; the registered {template.spec.id} style carries a lookup QR code",
            confidence=0.6, severity=Severity.MEDIUM,
        )
    return make_evidence(
        ctx.data, EvidenceCode.TEMPLATE_MISMATCH,
        f"未在证书上识别到二维码（照片不够清晰），已备案的{template.spec.name}样式应印有查询二维码，请人工核对",
        f"No QR code was found on a soft photo; the registered {template.spec.id} style carries one; please check by eye",
        confidence=0.4, severity=Severity.LOW,
    )


def _unreadable(ctx: RuleContext, code: Detection) -> Evidence:
    """A required code is printed but could not be decoded: low, a person scans it by hand."""
    return make_evidence(
        ctx.data, EvidenceCode.TEMPLATE_MISMATCH,
        "证书上的二维码无法识别（照片模糊），请人工核对：用手机扫码确认是否指向官方查询网站",
        "The certificate's QR code could not be decoded (blurred photo); please check by hand that it leads to "
        "the official lookup",
        quad=code.quad, confidence=0.3, severity=Severity.LOW,
    )


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"

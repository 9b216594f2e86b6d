"""Knock-offs in the seal and the QR code, and photos that were recaptured from a screen or edited.

Variants (content only; the designs print whatever ``seals`` and
``qr_payload`` hold):

* ``foreign_seal``: the issuer's seal names another organisation (a company
  or another evaluation organisation) than the printed issuer: ``FOREIGN_MARK``
  (人社部函〔2022〕25号 一（一）).
* ``missing_seal``: a skill-level certificate without its seal; the template
  registers one (``marks.seal: required``): ``TEMPLATE_MISMATCH``.
* ``qr_unofficial``: the QR code leads to a look-alike of the national
  lookup (``osta-org.cn``, ``jndj.osta.org.cn.cx``, a punycode host...) or to
  an unrelated site: ``QR_UNOFFICIAL`` (人社鉴发〔2021〕1号 二（一）).
* ``qr_contradicts``: the QR code carries another serial (or another holder's
  name) than the certificate prints: ``QR_UNOFFICIAL`` at medium.

Photo conditions (they change the uploaded JPEG, see
:data:`samples.generator.photo.UploadEffect`; not in the default mix):

* ``screen_recapture``: the certificate shown on an LCD and photographed:
  the screen's RGB stripe and black-matrix pattern, point-sampled by the
  camera at each photo pixel (so it aliases into moiré exactly as a sensor
  does), a light lens blur and a second JPEG: ``RECAPTURE``.
* ``tampered_field``: one printed value (name, ID number, serial or date)
  painted over with a flat paper colour and typed again in another face on a
  computer, then saved as JPEG once more: ``TAMPERING``. The typed value is
  the printed one (the truth's fields stay right); the forensic trace, a box
  without the photo's noise and blur, is the same as for a changed value.
"""

from __future__ import annotations

import dataclasses
import random
import re
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw

from certcheck.types import CertificateKind, EvidenceCode, RiskLevel
from samples.generator.content import CertificateContent
from samples.generator.fonts import FontRole, fit_font_size, load_font
from samples.generator.issuers import COMPANIES, TRAINING_OUTFITS, load_demo_issuers
from samples.generator.photo import CONDITIONS, PhotoConditions
from samples.generator.render import RenderedSheet
from samples.generator.variants import register_variant

__all__ = ["LOOKALIKE_HOSTS", "UNRELATED_HOSTS", "recapture_from_screen", "retype_field"]

_JUDGEABLE = (CertificateKind.SKILL_LEVEL, CertificateKind.TRAINING, CertificateKind.OTHER)

#: Look-alikes of the national lookup hosts (jndj/zscx/pjjg.osta.org.cn), in the ways fakes imitate them:
#: a hyphen for a dot, an official name as a subdomain of another domain, a digit for a letter,
#: an extra word, another top-level domain, a Cyrillic letter (punycode).
LOOKALIKE_HOSTS = (
    "jndj.osta-org.cn",
    "osta-org.cn",
    "jndj.osta.org.cn.cx",
    "zscx.0sta.org.cn",
    "jndj-osta.com",
    "oстa.org.cn",
    "zscx.osta.org.com",
    "pjjg.osta.net.cn",
)
#: Unrelated hosts a knock-off's code may lead to (a shop's lookup page, a short link).
UNRELATED_HOSTS = ("www.zhengshu-chaxun.com", "cert.skillhub.top", "t.cn", "www.jnpj.net")


def _with_note(content: CertificateContent, note: str) -> CertificateContent:
    return dataclasses.replace(content, notes=(*content.notes, note))


@register_variant(
    "foreign_seal", codes=[EvidenceCode.FOREIGN_MARK], risk=RiskLevel.MEDIUM, kinds=_JUDGEABLE, in_default_mix=False
)
def foreign_seal(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """The issuer's seal names another organisation than the printed issuer."""
    if not content.seals:
        raise ValueError("foreign_seal needs a design that stamps a seal")
    own = content.seals[0].arc_text
    others = [n for n in (*COMPANIES, *TRAINING_OUTFITS, *(i.name for i in load_demo_issuers())) if n != own]
    other = rng.choice(others)
    seal = dataclasses.replace(content.seals[0], arc_text=other)
    return _with_note(dataclasses.replace(content, seals=(seal, *content.seals[1:])), f"seal names {other}")


@register_variant(
    "missing_seal",
    codes=[EvidenceCode.TEMPLATE_MISMATCH],
    risk=RiskLevel.MEDIUM,
    kinds=[CertificateKind.SKILL_LEVEL],
    in_default_mix=False,
)
def missing_seal(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """No seal at all, where the registered skill-level template carries the issuer's seal."""
    return _with_note(dataclasses.replace(content, seals=()), "seal removed")


def _replace_host(payload: str, host: str) -> str:
    """``payload`` with its host replaced (scheme, path and query kept).

    >>> _replace_host("http://jndj.osta.org.cn/cert/query?certificateNo=S1", "osta-org.cn")
    'http://osta-org.cn/cert/query?certificateNo=S1'
    """
    return re.sub(r"^(\w+://)[^/?#]+", lambda m: m.group(1) + host, payload, count=1)


@register_variant(
    "qr_unofficial",
    codes=[EvidenceCode.QR_UNOFFICIAL],
    risk=RiskLevel.HIGH,
    kinds=[CertificateKind.SKILL_LEVEL],
    in_default_mix=False,
)
def qr_unofficial(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """The QR code leads to a look-alike of the national lookup, or to an unrelated site."""
    if not content.qr_payload:
        raise ValueError("qr_unofficial needs a design that prints a QR code")
    host = rng.choice(LOOKALIKE_HOSTS) if rng.random() < 0.75 else rng.choice(UNRELATED_HOSTS)
    payload = _replace_host(content.qr_payload, host)
    return _with_note(dataclasses.replace(content, qr_payload=payload), f"QR host {host}")


@register_variant(
    "qr_contradicts",
    codes=[EvidenceCode.QR_UNOFFICIAL],
    risk=RiskLevel.MEDIUM,
    kinds=[CertificateKind.SKILL_LEVEL],
    in_default_mix=False,
)
def qr_contradicts(content: CertificateContent, rng: random.Random) -> CertificateContent:
    """The QR code carries another certificate's serial, or another holder's name, than the one printed."""
    printed = content.field("serial_number")
    if not content.qr_payload or printed is None or printed.value not in content.qr_payload:
        raise ValueError("qr_contradicts needs a QR code that carries the printed serial")
    if rng.random() < 0.7:
        # Another certificate of the same organisation: the last six digits (the sequence) differ.
        other = printed.value[:-6] + f"{(int(printed.value[-6:]) + rng.randrange(1, 90000)) % 1000000:06d}"
        payload = content.qr_payload.replace(printed.value, other)
        note = f"QR serial {other} (printed {printed.value})"
    else:
        other = rng.choice(("王建国", "李秀英", "张伟", "刘洋", "陈静"))
        holder = content.field("holder_name")
        if holder is not None and holder.value == other:
            other = "赵磊"
        payload = f"{content.qr_payload}&name={other}"
        note = f"QR name {other}"
    return _with_note(dataclasses.replace(content, qr_payload=payload), note)


def _decode(jpeg: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)


def _encode(pixels: np.ndarray, quality: int) -> bytes:
    ok, encoded = cv2.imencode(".jpg", pixels, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return encoded.tobytes()


def recapture_from_screen(
    jpeg: bytes, sheet: RenderedSheet, homography: np.ndarray, rng: np.random.Generator
) -> tuple[bytes, dict[str, Any]]:
    """The photo as if its sheet had been shown on an LCD and photographed: pixel grid, moiré, colour fringes.

    The screen shows the sheet's long side on ``screen_px`` pixels; each has
    red, green and blue stripes side by side and a dark matrix around them.
    That pattern is a function of the sheet's coordinates, evaluated at every
    photo pixel's centre mapped back through ``homography``: point sampling,
    as a sensor does, so pitches near the photo's pixel size alias into moiré.
    """
    photo = _decode(jpeg).astype(np.float32)
    h, w = photo.shape[:2]
    screen_px = int(rng.integers(900, 2300))
    pitch = max(sheet.size) / screen_px  # sheet pixels per screen pixel
    depth = float(rng.uniform(0.25, 0.5))
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    inverse = np.linalg.inv(homography)
    den = inverse[2, 0] * xs + inverse[2, 1] * ys + inverse[2, 2]
    u = (inverse[0, 0] * xs + inverse[0, 1] * ys + inverse[0, 2]) / den
    v = (inverse[1, 0] * xs + inverse[1, 1] * ys + inverse[1, 2]) / den
    rows = 0.75 + 0.25 * np.cos(2 * np.pi * v / pitch)  # the black matrix between pixel rows
    for channel, phase in ((2, 0.0), (1, 1.0 / 3.0), (0, 2.0 / 3.0)):  # BGR: red stripe first
        stripes = 0.5 + 0.5 * np.cos(2 * np.pi * (u / pitch - phase))
        photo[..., channel] *= ((1.0 - depth) + depth * stripes * rows) / (1.0 - depth / 2.0 * 0.75)
    photo = cv2.GaussianBlur(photo, (0, 0), float(rng.uniform(0.3, 0.6)))
    quality = int(rng.integers(80, 95))
    drawn = {"screen_px": screen_px, "screen_depth": round(depth, 3), "recapture_jpeg_quality": quality}
    return _encode(np.clip(photo + 0.5, 0, 255).astype(np.uint8), quality), drawn


#: Fields a forger retypes, in order of preference.
_RETYPED_FIELDS = ("holder_name", "id_number", "serial_number", "issue_date", "occupation", "level")


def retype_field(
    jpeg: bytes, sheet: RenderedSheet, homography: np.ndarray, rng: np.random.Generator
) -> tuple[bytes, dict[str, Any]]:
    """One printed value painted over with paper colour and typed again on a computer, then re-saved."""
    photo = _decode(jpeg)
    texts = [t for t in sheet.texts if t.key in _RETYPED_FIELDS]
    if not texts:
        raise ValueError("tampered_field needs a sheet that prints one of " + ", ".join(_RETYPED_FIELDS))
    text = texts[int(rng.integers(len(texts)))]
    x0, y0, x1, y1 = text.box
    corners = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], np.float64) @ homography.T
    corners = corners[:, :2] / corners[:, 2:3]
    pad = 0.25 * (y1 - y0) * float(np.sqrt(abs(np.linalg.det(homography[:2, :2]))))
    bx0, by0 = np.floor(corners.min(axis=0) - pad).astype(int)
    bx1, by1 = np.ceil(corners.max(axis=0) + pad).astype(int)
    bx0, by0, bx1, by1 = max(bx0, 0), max(by0, 0), min(bx1, photo.shape[1]), min(by1, photo.shape[0])
    pixels = photo[by0:by1, bx0:bx1].reshape(-1, 3)
    brightness = pixels.astype(np.int32).sum(axis=1)
    paper = np.median(pixels[brightness >= np.percentile(brightness, 60)], axis=0)  # the paper, not the ink
    canvas = Image.new("RGB", (bx1 - bx0, by1 - by0), tuple(int(c) for c in paper[::-1]))
    role = (FontRole.SANS, FontRole.SERIF, FontRole.KAI)[int(rng.integers(3))]
    height = by1 - by0
    size = fit_font_size(text.text, role, max(8, round(0.62 * height)), 0.95 * (bx1 - bx0))
    ink = int(rng.integers(10, 45))
    font = load_font(role, size)
    ImageDraw.Draw(canvas).text((2, height / 2), text.text, fill=(ink, ink, ink), font=font, anchor="lm")
    photo[by0:by1, bx0:bx1] = np.asarray(canvas)[:, :, ::-1]
    quality = int(rng.integers(85, 96))
    drawn = {
        "tampered_field": text.key,
        "tampered_box": [int(bx0), int(by0), int(bx1), int(by1)],
        "tamper_jpeg_quality": quality,
    }
    return _encode(photo, quality), drawn


for _preset in (
    PhotoConditions(
        "screen_recapture",
        "the certificate shown on a screen and photographed: pixel grid, moire, colour fringes",
        upload_effect=recapture_from_screen,
        codes=frozenset({EvidenceCode.RECAPTURE}),
        mix_weight=1e-6,  # by name only: default corpora of 1-200 photos (seeds 1, 7, 13) are unchanged
    ),
    PhotoConditions(
        "tampered_field",
        "a phone photo with one printed value painted over and retyped on a computer, saved again",
        quarter_turns=(0,),
        upload_effect=retype_field,
        codes=frozenset({EvidenceCode.TAMPERING}),
        mix_weight=1e-6,  # by name only: default corpora of 1-200 photos (seeds 1, 7, 13) are unchanged
    ),
):
    CONDITIONS.add(_preset.name, _preset)

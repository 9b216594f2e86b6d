"""QR codes on the certificate: where they are and what they say (``qr.v1``).

A 职业技能等级证书 must carry a QR code for the national lookup
(人社鉴发〔2021〕1号 二（一）); knock-offs print one that leads to a look-alike
site. This detector only decodes; :mod:`rules.qr_rules` judges the host and
compares the payload with the printed fields.

Decoding uses zxing-cpp (``zxingcpp.read_barcodes``, QR only), in passes that
stop at the first one that decodes anything:

1. the work image (1600 px long side) as it is;
2. the same, unsharp-masked (amount 1, sigma 2 px): blurred phone photos;
3. the sharpened image enlarged 1.5 times (cubic): a small or soft code can
   fall below zxing's ~2-3 px per module;
4. the sharpened upload, when it is at least ``min_upload_gain`` times the
   work image's size (a large phone photo keeps detail the work image lost).

When every pass fails, a code that zxing-cpp *located* but whose data failed
its error correction (a blurred print) is returned as ``kind="qr_unreadable"``
with no payload: the certificate does carry a code, which the rule must not
call missing.

Measured with ``bench/evaluate_detectors.py`` (section ``qr``): 20 generated
skill-level photos (seed 41; scan, phone, hard, sideways) at each upload size
decode 20 of 20 at 1200 px (one in pass 3), 19 of 20 at 2000 px and 19 of 20
at 4000 px (all in pass 1); the one miss is the same "hard" photo (focus blur
sigma 1.4 px at 2000 px, plus motion blur). On 30 photos of seed 13 (scan,
phone, hard; 2000 px) pass 1 decoded 26 codes (1 of the 5 "hard" photos) and
passes 2-3 three more: 29 of 30.
Every quad is returned in work space (upload corners mapped through the
inverse of ``image.to_upload``).

OpenCV's ``QRCodeDetector`` (``detectAndDecodeMulti``) was tried as a fallback
on every photo zxing-cpp missed, on the work image and on the upload: it
decoded none of them, and its detection alone takes ~300 ms on a work image
on this machine, so it is not used.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

import cv2
import numpy as np
import zxingcpp

from certcheck.types import DecodedImage, Detection, NormalizedImage, Quad

__all__ = ["QrCodeDetector", "payload_host"]

#: Enlargement of the third pass, and the matching map back to work space.
_ENLARGE = 1.5
_SHRINK = np.diag([1.0 / _ENLARGE, 1.0 / _ENLARGE, 1.0])


class QrCodeDetector:
    """Decodes every QR code on the sheet.

    Args:
        upload_fallback: run the fourth pass, on the upload.
        min_upload_gain: how much larger (long side) than the work image the
            upload must be for the fourth pass.
    """

    name = "qr.v1"

    def __init__(self, *, upload_fallback: bool = True, min_upload_gain: float = 1.8) -> None:
        self.upload_fallback = upload_fallback
        self.min_upload_gain = min_upload_gain

    def __call__(self, image: NormalizedImage, decoded: DecodedImage | None = None) -> list[Detection]:
        """One ``kind="qr"`` detection per decoded code, quad in work space.

        ``extras``: ``payload`` (the text), ``host`` (lower-case host name when
        the payload is a web address, else ``None``) and ``source`` (``work`` or
        ``work_sharpened``, ``work_enlarged`` or ``upload``: the pass that decoded it).
        """
        gray = cv2.cvtColor(image.pixels, cv2.COLOR_BGR2GRAY)
        found = _decode(gray)
        if found:
            return [self._detection(q, text, "work") for q, text in found]
        sharp = _unsharp(gray)
        found = _decode(sharp)
        if found:
            return [self._detection(q, text, "work_sharpened") for q, text in found]
        enlarged = cv2.resize(sharp, None, fx=_ENLARGE, fy=_ENLARGE, interpolation=cv2.INTER_CUBIC)
        found = [(_map(q, _SHRINK), text) for q, text in _decode(enlarged)]
        if found:
            return [self._detection(q, text, "work_enlarged") for q, text in found]
        if self.upload_fallback and decoded is not None and (
            max(decoded.width, decoded.height) >= self.min_upload_gain * max(image.width, image.height)
        ):
            upload = _unsharp(cv2.cvtColor(decoded.pixels, cv2.COLOR_BGR2GRAY))
            to_work = np.linalg.inv(image.to_upload)
            found = [(_map(q, to_work), text) for q, text in _decode(upload)]
            if found:
                return [self._detection(q, text, "upload") for q, text in found]
        return [self._unreadable(q) for q in _located_only(sharp)]

    def _unreadable(self, quad: Quad) -> Detection:
        """A code zxing-cpp located (finder patterns, format) whose data failed its error correction."""
        return Detection(detector=self.name, kind="qr_unreadable", quad=quad, score=0.5,
                         extras={"payload": None, "host": None, "source": "work_sharpened"})

    def _detection(self, quad: Quad, payload: str, source: str) -> Detection:
        return Detection(
            detector=self.name,
            kind="qr",
            quad=quad,
            score=1.0,  # a QR decode passed its Reed-Solomon check: the text is what was printed
            extras={"payload": payload, "host": payload_host(payload), "source": source},
        )


def _unsharp(gray: np.ndarray) -> np.ndarray:
    """Unsharp mask (amount 1, sigma 2 px): restores module edges softened by focus or motion blur."""
    return cv2.addWeighted(gray, 2.0, cv2.GaussianBlur(gray, (0, 0), 2.0), -1.0, 0)


def _decode(gray: np.ndarray) -> list[tuple[Quad, str]]:
    """Every QR code zxing-cpp decodes on a gray image: its corners (pixel space of ``gray``) and text."""
    results = []
    for barcode in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode):
        if not barcode.valid:
            continue
        p = barcode.position
        corners = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
        quad: Quad = tuple((float(c.x), float(c.y)) for c in corners)  # type: ignore[assignment]
        results.append((quad, barcode.text))
    return results


def _located_only(gray: np.ndarray) -> list[Quad]:
    """Corners of QR codes zxing-cpp located but could not decode (a checksum error on a blurred code)."""
    located = []
    for barcode in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode, return_errors=True):
        if barcode.valid:
            continue
        p = barcode.position
        located.append(tuple((float(c.x), float(c.y)) for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)))
    return located  # type: ignore[return-value]


def _map(quad: Quad, homography: np.ndarray) -> Quad:
    pts = np.asarray(quad, dtype=np.float64)
    homog = np.hstack([pts, np.ones((4, 1))]) @ homography.T
    mapped = homog[:, :2] / homog[:, 2:3]
    return tuple((float(x), float(y)) for x, y in mapped)  # type: ignore[return-value]


def payload_host(payload: str) -> str | None:
    """The host a QR payload points to, lower-case, IDNA (punycode) encoded; ``None`` if it is no address.

    A payload without a scheme counts as an address when its first part looks
    like a host name (``jndj.osta.org.cn/...``). Full-width characters are
    folded first (``ｊｎｄｊ`` is ``jndj``); a host with other non-ASCII
    characters comes back in its ``xn--`` form, so a look-alike cannot hide.

    >>> payload_host("http://JNDJ.osta.org.cn/cert?certificateNo=S1")
    'jndj.osta.org.cn'
    >>> payload_host("zscx.osta.org.cn/query")
    'zscx.osta.org.cn'
    >>> payload_host("https://user@osta-org.cn:8080/x")
    'osta-org.cn'
    >>> payload_host("http://оsta.org.cn")  # Cyrillic о
    'xn--sta-red.org.cn'
    >>> payload_host("姓名:张三 编号:S0001") is None
    True
    """
    text = unicodedata.normalize("NFKC", payload.strip())
    if "://" not in text:
        first = text.split("/", 1)[0]
        if "." not in first or any(ch.isspace() for ch in first):
            return None
        text = "http://" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    try:
        return host.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return host.lower()

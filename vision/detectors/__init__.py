"""Detectors on the work-space sheet, registered by stable versioned names.

Every detector is a class with a ``name`` (``<what>.v<N>``: a change of
method gets a new version, so stored results stay interpretable), tunables as
keyword constructor arguments with documented defaults, and
``__call__(image, decoded=None) -> list[Detection]``. They are listed here
explicitly, never registered by import side effects. A detector that reads
text sets the class attribute ``uses_ocr = True`` and takes the shared OCR
engine as its ``engine`` keyword argument (models are loaded once per process).

>>> sorted(DETECTORS)
['emblem.v1', 'image_quality.v1', 'qr.v1', 'recapture.v1', 'tampering.v1', 'watermark.v1']
>>> build_detector("image_quality.v1", min_long_side=800).min_long_side
800
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from certcheck.types import DecodedImage, Detection, NormalizedImage
from vision.detectors.emblem import EmblemDetector
from vision.detectors.qr import QrCodeDetector
from vision.detectors.quality import ImageQualityDetector
from vision.detectors.recapture import RecaptureDetector
from vision.detectors.tampering import TamperingDetector
from vision.detectors.watermark import WatermarkDetector

if TYPE_CHECKING:
    from ocr.engine import OcrEngine

__all__ = [
    "DETECTORS",
    "Detector",
    "EmblemDetector",
    "ImageQualityDetector",
    "QrCodeDetector",
    "RecaptureDetector",
    "TamperingDetector",
    "WatermarkDetector",
    "build_all_detectors",
    "build_detector",
]


class Detector(Protocol):
    """What the pipeline calls: a named callable from a work-space sheet to detections."""

    name: str

    def __call__(self, image: NormalizedImage, decoded: DecodedImage | None = None) -> list[Detection]:
        """Detect on ``image`` (work space); ``decoded`` is the upload, when the detector needs it."""
        ...


#: Registered detector classes by versioned name (read-only).
DETECTORS: Mapping[str, type[Detector]] = MappingProxyType(
    {
        EmblemDetector.name: EmblemDetector,
        ImageQualityDetector.name: ImageQualityDetector,
        QrCodeDetector.name: QrCodeDetector,
        RecaptureDetector.name: RecaptureDetector,
        TamperingDetector.name: TamperingDetector,
        WatermarkDetector.name: WatermarkDetector,
    }
)


def build_detector(name: str, **config: Any) -> Detector:
    """Instantiate a registered detector with its tunables.

    Args:
        name: a versioned name from :data:`DETECTORS`, e.g. ``"image_quality.v1"``.
        **config: keyword arguments for the detector's constructor.

    Returns:
        The detector.

    Raises:
        ValueError: ``name`` is not registered (the message lists the valid names).
        TypeError: ``config`` holds an argument the detector does not take.
    """
    try:
        cls = DETECTORS[name]
    except KeyError:
        valid = ", ".join(sorted(DETECTORS))
        raise ValueError(f"unknown detector {name!r}; registered detectors: {valid}") from None
    return cls(**config)


def build_all_detectors(engine: OcrEngine | None = None) -> list[Detector]:
    """One instance of every registered detector, in name order, as the pipeline runs them.

    Args:
        engine: the process's OCR engine, handed to detectors that read text.
    """
    detectors = []
    for name in sorted(DETECTORS):
        cls = DETECTORS[name]
        needs_engine = getattr(cls, "uses_ocr", False)
        if needs_engine and engine is None:
            raise ValueError(f"detector {name} reads text and needs the OCR engine")
        detectors.append(build_detector(name, engine=engine) if needs_engine else build_detector(name))
    return detectors

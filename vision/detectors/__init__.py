"""Detectors on the work-space sheet, registered by stable versioned names.

Every detector is a class with a ``name`` (``<what>.v<N>``: a change of
method gets a new version, so stored results stay interpretable), tunables as
keyword constructor arguments with documented defaults, and
``__call__(image, decoded=None) -> list[Detection]``. They are listed here
explicitly, never registered by import side effects.

>>> sorted(DETECTORS)
['image_quality.v1']
>>> build_detector("image_quality.v1", min_long_side=800).min_long_side
800
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Protocol

from certcheck.types import DecodedImage, Detection, NormalizedImage
from vision.detectors.quality import ImageQualityDetector

__all__ = ["DETECTORS", "Detector", "ImageQualityDetector", "build_detector"]


class Detector(Protocol):
    """What the pipeline calls: a named callable from a work-space sheet to detections."""

    name: str

    def __call__(self, image: NormalizedImage, decoded: DecodedImage | None = None) -> list[Detection]:
        """Detect on ``image`` (work space); ``decoded`` is the upload, when the detector needs it."""
        ...


#: Registered detector classes by versioned name (read-only).
DETECTORS: Mapping[str, type[Detector]] = MappingProxyType(
    {
        ImageQualityDetector.name: ImageQualityDetector,
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

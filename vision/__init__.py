"""Pixels in, pixels out: decoding uploads, normalising the sheet, detectors, annotation.

* :mod:`vision.decode`: bytes -> upload-space pixels (``decode_image``).
* :mod:`vision.normalize`: upload space -> rectified, upright work space (``normalize``).
* :mod:`vision.detectors`: work-space detectors and their registry (``build_detector``).
* :mod:`vision.annotate`: evidence boxes drawn on the upload (``annotate``).

Import from the submodules. Nothing is re-exported here: ``normalize`` and
``annotate`` are both a submodule and its main function, and binding the
function on the package would make ``import vision.normalize`` return the
function instead of the module.
"""

from __future__ import annotations

__all__: list[str] = []

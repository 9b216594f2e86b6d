"""Sample certificates for tests, evaluation and the demo: a seeded generator plus committed demo photos.

``python -m samples.generate`` writes a corpus of photos with ground-truth JSON;
``samples/photos/`` holds the committed demo photos; ``samples/registry/``
the demo issuer registry they were issued by. See ``samples/README.md``.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEMO_ISSUERS", "PHOTOS_DIR"]

#: The committed demo photos and their truth files.
PHOTOS_DIR = Path(__file__).resolve().parent / "photos"
#: The demo issuer registry (CONTRACT.md section 5) every genuine sample's issuer is in.
DEMO_ISSUERS = Path(__file__).resolve().parent / "registry" / "demo-issuers.csv"

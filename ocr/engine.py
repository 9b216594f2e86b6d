"""The OCR adapter: the only module in certcheck that knows RapidOCR.

RapidOCR (PP-OCR detection, angle classification and recognition models run on
ONNX Runtime) ships its weights inside its wheel, so nothing is downloaded at
run time and the checker works in air-gapped networks. The engine is built
once per process and shared; ONNX Runtime sessions are thread-safe but the
RapidOCR Python wrapper is not documented to be, so calls are serialised with
a lock (each call already uses every intra-op thread it is given).

Besides the lines, :meth:`OcrEngine.read` reports which share of the text was
classified as upside down by the angle classifier. The pipeline uses that to
turn a page that is upside down by 180° without running OCR a second time.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from certcheck.errors import ModelError
from certcheck.types import OcrLine, OcrResult, Quad
from ocr.models import verify_models

__all__ = ["OcrEngine", "OcrRead"]

log = logging.getLogger("certcheck.ocr")

#: Lines below this recognition score are dropped (RapidOCR's own default is 0.5).
MIN_TEXT_SCORE = 0.5
#: The angle classifier must be this sure before a line counts as upside down.
UPSIDE_DOWN_MIN_SCORE = 0.9


@dataclass(frozen=True)
class OcrRead:
    """An OCR pass: the lines plus the angle classifier's page-level vote."""

    result: OcrResult
    #: Share of detected text (weighted by line width) classified as rotated 180°.
    upside_down_share: float


def _quad_from_box(box: Any) -> Quad:
    pts = np.asarray(box, dtype=np.float64).reshape(4, 2)
    return tuple((float(x), float(y)) for x, y in pts)  # type: ignore[return-value]


class OcrEngine:
    """PP-OCR through RapidOCR on ONNX Runtime, loaded once and shared.

    Args:
        threads: ONNX Runtime intra-op threads per session; 0 lets ONNX Runtime
            use every core.
        use_cuda: run the models on ONNX Runtime's CUDA provider (needs
            ``onnxruntime-gpu`` installed instead of ``onnxruntime``).
    """

    def __init__(self, threads: int = 0, use_cuda: bool = False) -> None:
        self._threads = threads
        self._use_cuda = use_cuda
        self._engine: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Check the model files against models/manifest.yaml, then build the
        RapidOCR engine and load all three models (idempotent).

        Raises:
            ModelError: a model file differs from the manifest, or RapidOCR
                could not load it.
        """
        with self._lock:
            if self._engine is not None:
                return
            verify_models()
            try:
                from rapidocr import RapidOCR

                params: dict[str, Any] = {
                    "Global.log_level": "warning",
                    "Global.text_score": MIN_TEXT_SCORE,
                    "EngineConfig.onnxruntime.intra_op_num_threads": self._threads or -1,
                    "EngineConfig.onnxruntime.use_cuda": self._use_cuda,
                }
                engine = RapidOCR(params=params)
                # RapidOCR loads models lazily; force them now so the first
                # request does not pay for it and /readyz means ready.
                engine._load_det_model()
                engine._load_cls_model()
                engine._load_rec_model()
            except Exception as exc:  # any failure here means the models are unusable
                raise ModelError(message_en=f"could not load the OCR models: {exc}") from exc
            self._engine = engine
            log.info("OCR models loaded (threads=%s, cuda=%s)", self._threads or "auto", self._use_cuda)

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def providers(self) -> list[str]:
        """ONNX Runtime execution providers available in this process."""
        import onnxruntime

        return list(onnxruntime.get_available_providers())

    def read(self, image: np.ndarray) -> OcrRead:
        """Detect, orient and recognise every text line of a BGR image.

        Boxes come back in the pixel space of ``image`` (work space in the
        pipeline). An image with no text gives an empty result, not an error.

        Raises:
            ModelError: the engine failed while running.
        """
        self.load()
        start = time.perf_counter()
        with self._lock:
            try:
                lines, upside_down = self._run(image)
            except ModelError:
                raise
            except Exception as exc:
                raise ModelError(message_en=f"OCR failed: {exc}") from exc
        elapsed = (time.perf_counter() - start) * 1000.0
        return OcrRead(OcrResult(lines=tuple(lines), elapsed_ms=elapsed), upside_down)

    def _run(self, image: np.ndarray) -> tuple[list[OcrLine], float]:
        from rapidocr.main import RapidOCRError

        engine = self._engine
        prepared, op_record = engine.preprocess_img(image)
        try:
            crops, det_res = engine.detect_and_crop(prepared, op_record)
        except RapidOCRError:
            # RapidOCR's only signal for "no text detected": an empty page, not a failure.
            return [], 0.0
        cls_imgs, cls_res = engine.cls_and_rotate(crops)
        upside_down = _upside_down_share(crops, cls_res.cls_res or [])
        rec_res = engine.recognize_txt(cls_imgs)
        out = engine.build_final_output(image, det_res, cls_res, rec_res, crops, op_record)
        if out.boxes is None or out.txts is None or len(out.txts) == 0:
            return [], upside_down
        lines = [
            OcrLine(text=str(text), quad=_quad_from_box(box), confidence=float(score))
            for box, text, score in zip(out.boxes, out.txts, out.scores, strict=True)
        ]
        return lines, upside_down


def _upside_down_share(crops: list[np.ndarray], cls_res: list[tuple[str, float]]) -> float:
    """Width-weighted share of crops the angle classifier called 180° with confidence."""
    total = 0.0
    flipped = 0.0
    for crop, (label, score) in zip(crops, cls_res, strict=False):
        width = float(crop.shape[1])
        total += width
        if "180" in label and score >= UPSIDE_DOWN_MIN_SCORE:
            flipped += width
    return flipped / total if total else 0.0

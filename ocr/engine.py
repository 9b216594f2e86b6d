"""The OCR adapter: the only module in certcheck that knows RapidOCR.

RapidOCR (PP-OCR detection, angle classification and recognition models run on
ONNX Runtime) ships its weights inside its wheel, so nothing is downloaded at
run time and the checker works in air-gapped networks. The engine is built
once per process and shared; ONNX Runtime sessions are thread-safe but the
RapidOCR Python wrapper is not documented to be, so calls are serialised with
a lock (each call already uses every intra-op thread it is given).

Detection can run on a smaller copy of the page than recognition
(``det_long_side``): DBNet finds certificate text lines at ~1200 px as well as at
1600 px, for about half the cost, while the crops handed to the recogniser are
still cut from the full-resolution image, so small characters keep their
detail. See :meth:`OcrEngine._detect`.

Besides the lines, :meth:`OcrEngine.read` reports which share of the text was
classified as upside down by the angle classifier. The pipeline uses that to
turn a page that is upside down by 180° without running OCR a second time.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from certcheck.errors import ModelError
from certcheck.types import OcrLine, OcrResult, Quad
from ocr.models import verify_models

__all__ = ["CUDA_PROVIDER", "OcrEngine", "OcrRead", "resolve_device"]

log = logging.getLogger("certcheck.ocr")

#: The ONNX Runtime execution provider that onnxruntime-gpu adds.
CUDA_PROVIDER = "CUDAExecutionProvider"

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


def resolve_device(requested: str, available: list[str] | None = None) -> str:
    """The device the models will run on: ``"cuda"`` or ``"cpu"``.

    ``onnxruntime`` and ``onnxruntime-gpu`` install the same module, so the
    choice is made at start-up from the providers the installed one offers.

    >>> resolve_device("auto", ["CPUExecutionProvider"])
    'cpu'
    >>> resolve_device("auto", ["CUDAExecutionProvider", "CPUExecutionProvider"])
    'cuda'
    >>> resolve_device("cpu", ["CUDAExecutionProvider", "CPUExecutionProvider"])
    'cpu'

    Raises:
        ModelError: ``cuda`` was asked for but this onnxruntime has no CUDA provider.
    """
    if available is None:
        import onnxruntime

        available = list(onnxruntime.get_available_providers())
    if requested == "cpu":
        return "cpu"
    if CUDA_PROVIDER in available:
        return "cuda"
    if requested == "cuda":
        raise ModelError(
            message_en=f"CERTCHECK_OCR_DEVICE=cuda, but onnxruntime offers only {', '.join(available)}; "
            "install onnxruntime-gpu instead of onnxruntime"
        )
    return "cpu"


def _quad_from_box(box: Any) -> Quad:
    pts = np.asarray(box, dtype=np.float64).reshape(4, 2)
    return tuple((float(x), float(y)) for x, y in pts)  # type: ignore[return-value]


class OcrEngine:
    """PP-OCR through RapidOCR on ONNX Runtime, loaded once and shared.

    Args:
        threads: ONNX Runtime intra-op threads per session; 0 lets ONNX Runtime
            use every core.
        device: ``cpu``, ``cuda`` (ONNX Runtime's CUDA provider, which needs
            ``onnxruntime-gpu`` installed instead of ``onnxruntime``) or
            ``auto`` (CUDA when available); see :func:`resolve_device`.
        det_long_side: run text detection on a copy shrunk to this long side
            (pixels) when the image is larger; 0 detects at full size.
    """

    def __init__(self, threads: int = 0, device: str = "cpu", det_long_side: int = 0) -> None:
        self._threads = threads
        self.device = resolve_device(device)
        self._use_cuda = self.device == "cuda"
        self._det_long_side = det_long_side
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
        """ONNX Runtime execution providers the loaded models run on, first preferred."""
        self.load()
        sessions = [getattr(getattr(m, "session", None), "session", None)
                    for m in (self._engine.text_det, self._engine.text_rec)]
        used: list[str] = []
        for session in sessions:
            for provider in session.get_providers() if session is not None else ():
                if provider not in used:
                    used.append(provider)
        if not used:
            import onnxruntime

            used = list(onnxruntime.get_available_providers())
        return used

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

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """Recognise pre-cut single-line BGR crops: recognition only, no detection or angle classifier.

        For text this module cannot find on the page itself, such as a seal's
        arc unwrapped into a strip (``vision/seal_text.py``). Returns one
        ``(text, score)`` per crop, in order; an empty crop list gives ``[]``.

        Raises:
            ModelError: the engine failed while running.
        """
        from rapidocr.main import RapidOCRError

        if not crops:
            return []
        self.load()
        with self._lock:
            try:
                out = self._engine.recognize_txt(list(crops))
            except RapidOCRError:
                # RapidOCR's signal for "nothing recognised": blank crops, not a failure.
                return [("", 0.0)] * len(crops)
            except Exception as exc:
                raise ModelError(message_en=f"OCR recognition failed: {exc}") from exc
        if out.txts is None or len(out.txts) != len(crops):
            raise ModelError(message_en=f"OCR recognition returned {len(out)} texts for {len(crops)} crops")
        return [(str(t), float(s)) for t, s in zip(out.txts, out.scores, strict=True)]

    def _run(self, image: np.ndarray) -> tuple[list[OcrLine], float]:
        from rapidocr.main import RapidOCRError

        engine = self._engine
        prepared, op_record = engine.preprocess_img(_page_shaped(image))
        try:
            crops, det_res = self._detect(prepared, op_record)
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

    def _detect(self, prepared: np.ndarray, op_record: dict[str, Any]) -> tuple[list[np.ndarray], Any]:
        """Text boxes in ``prepared``'s pixel space and the line crops cut from it.

        With ``det_long_side`` set and a larger image, DBNet runs on a copy
        shrunk to that long side; its boxes are scaled back (RapidOCR's own
        ``map_boxes_to_original`` undoes its padding and the scale) and the
        crops are cut from the full-size ``prepared`` image.
        """
        from rapidocr.main import RapidOCRError
        from rapidocr.utils.process_img import apply_vertical_padding, map_boxes_to_original

        engine = self._engine
        h, w = prepared.shape[:2]
        if not self._det_long_side or max(h, w) <= self._det_long_side:
            return engine.detect_and_crop(prepared, op_record)
        scale = self._det_long_side / max(h, w)
        small = cv2.resize(prepared, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)
        # Ratios map the small copy's pixels back to ``prepared``'s.
        record: dict[str, Any] = {"preprocess": {"ratio_h": h / small.shape[0], "ratio_w": w / small.shape[1]}}
        padded, record = apply_vertical_padding(small, record, engine.width_height_ratio, engine.min_height)
        det_res = engine.text_det(padded)
        if det_res.boxes is None:
            raise RapidOCRError("The text detection result is empty")
        det_res.boxes = map_boxes_to_original(det_res.boxes.astype(np.float32), record, h, w)
        op_record["padding_1"] = {"top": 0, "left": 0}
        return engine.crop_text_regions(prepared, det_res.boxes), det_res


#: Longest long/short ratio handed to RapidOCR. Its pre-processing scales the
#: *short* side up (to 30 px, then to 736 px for detection) without bounding the
#: long side: a 20 x 20000 px strip became a 3.7 GB array. Padded to this ratio
#: the detector's input stays within 736 x 2944 px whatever the image's shape.
MAX_READ_ASPECT = 4.0


def _page_shaped(image: np.ndarray) -> np.ndarray:
    """``image`` with white added at its bottom or right up to :data:`MAX_READ_ASPECT`; coordinates unchanged.

    >>> _page_shaped(np.zeros((5, 400, 3), np.uint8)).shape
    (100, 400, 3)
    """
    height, width = image.shape[:2]
    if height == 0 or width == 0:
        raise ModelError(message_en=f"OCR was handed an empty image ({width}x{height})")
    if max(width, height) <= MAX_READ_ASPECT * min(width, height):
        return image
    short = -(-max(width, height) // int(MAX_READ_ASPECT))
    bottom, right = (short - height, 0) if width >= height else (0, short - width)
    return cv2.copyMakeBorder(image, 0, bottom, 0, right, cv2.BORDER_CONSTANT, value=(255, 255, 255))


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

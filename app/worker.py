"""Where checks run in the HTTP service: a bounded thread pool, and the model warm-up.

Threads, not processes: ONNX Runtime and OpenCV release the GIL while they
work, so ``settings.workers`` threads run that many checks in parallel while
sharing one set of loaded models. Bounded: a check takes seconds, and an
unbounded queue turns a burst of uploads into minutes-long waits and growing
memory, so once ``workers + queue_size`` jobs are in the pool the next one is
refused at once with :class:`~certcheck.errors.Overloaded` (503 and a
``Retry-After`` estimated from recent check durations).

The event loop never runs a check: :meth:`WorkPool.run` submits the job and
awaits its future.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import functools
import logging
import math
import threading
import time
from collections.abc import Callable
from typing import Literal, ParamSpec, TypeVar

from certcheck.errors import ModelError, Overloaded

__all__ = ["ModelWarmUp", "WorkPool"]

P = ParamSpec("P")
T = TypeVar("T")

logger = logging.getLogger(__name__)

#: Guess of one check's duration before any was measured, and the weight of each new measurement.
_FIRST_GUESS_S = 3.0
_SMOOTHING = 0.2
_MAX_RETRY_AFTER_S = 120


class WorkPool:
    """At most ``workers`` jobs running and ``queue_size`` waiting; refuses the rest."""

    def __init__(self, workers: int, queue_size: int) -> None:
        if workers < 1 or queue_size < 0:
            raise ValueError(f"need workers >= 1 and queue_size >= 0, got {workers} and {queue_size}")
        self._executor = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="certcheck-check")
        self._workers = workers
        self._capacity = workers + queue_size
        self._pending = 0
        self._mean_s = _FIRST_GUESS_S
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        """Jobs running or waiting now."""
        return self._pending

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run ``fn(*args, **kwargs)`` on a pool thread and return its result.

        The caller's context variables (the request id) go with the job. A job
        is counted until its thread finishes, not until its caller stops
        waiting: a client that disconnects frees its slot only when the job is
        dropped from the queue or done, so the bound holds.

        Raises:
            Overloaded: ``workers + queue_size`` jobs are already in the pool.
        """
        self._reserve()
        call = functools.partial(fn, *args, **kwargs)
        try:
            future = self._executor.submit(contextvars.copy_context().run, self._timed, call)
        except BaseException:
            self._release(None)
            raise
        future.add_done_callback(self._release)
        return await asyncio.wrap_future(future)

    def shutdown(self) -> None:
        """Drop waiting jobs and let running ones finish on their own threads."""
        self._executor.shutdown(wait=False, cancel_futures=True)

    def _reserve(self) -> None:
        with self._lock:
            if self._pending >= self._capacity:
                retry_after = self._retry_after()
                logger.warning("work pool full (%d jobs); refusing, Retry-After %d s", self._pending, retry_after)
                raise Overloaded(retry_after=retry_after)
            self._pending += 1

    def _release(self, _future: object) -> None:
        with self._lock:
            self._pending -= 1

    def _retry_after(self) -> int:
        """Seconds until a slot is likely free: the jobs ahead, spread over the workers."""
        estimate = math.ceil(self._pending / self._workers * self._mean_s)
        return max(1, min(estimate, _MAX_RETRY_AFTER_S))

    def _timed(self, call: Callable[[], T]) -> T:
        started = time.perf_counter()
        try:
            return call()
        finally:
            elapsed = time.perf_counter() - started
            with self._lock:
                self._mean_s += _SMOOTHING * (elapsed - self._mean_s)


class ModelWarmUp:
    """Loads the OCR models on a daemon thread, so the server answers ``/healthz`` at once.

    ``/readyz`` reports :attr:`state`. Checks that arrive before the models are
    loaded are refused with 503 rather than queued outside the pool's bound
    (a load balancer following ``/readyz`` sends none). A failed warm-up stays
    failed and its error is raised to every check; the process needs a restart.
    """

    def __init__(self, warm_up: Callable[[], None]) -> None:
        self._warm_up = warm_up
        self._error: BaseException | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="certcheck-warm-up", daemon=True)

    def start(self) -> None:
        """Start loading in the background; returns immediately."""
        self._thread.start()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until loading ended (ready or failed); for callers that may block, like tests."""
        return self._done.wait(timeout)

    @property
    def state(self) -> Literal["loading", "ready", "failed"]:
        """``loading`` until the models are loaded, then ``ready`` (or ``failed``)."""
        if not self._done.is_set():
            return "loading"
        return "failed" if self._error is not None else "ready"

    def require_ready(self) -> None:
        """Return when the models are loaded.

        Raises:
            Overloaded: still loading (with a short ``Retry-After``).
            ModelError: the warm-up failed (its error is the cause).
        """
        if not self._done.is_set():
            raise Overloaded(
                "服务正在加载识别模型，请稍后再试。", "The service is still loading its models.", retry_after=5
            )
        if self._error is not None:
            raise ModelError(message_en="the OCR models failed to load") from self._error

    def _run(self) -> None:
        started = time.perf_counter()
        try:
            self._warm_up()
        except BaseException as exc:
            logger.exception("loading the OCR models failed")
            self._error = exc
        else:
            logger.info("OCR models loaded in %.1f s", time.perf_counter() - started)
        finally:
            self._done.set()

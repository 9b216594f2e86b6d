"""``certcheck batch --engine ray``: the same batch, its checks spread over a Ray cluster.

A province-wide campaign means hundreds of thousands of photos; one machine
is not enough. :class:`RayEngine` is an :class:`app.batch.Engine` like the
local :class:`~app.batch.ThreadEngine`: it only decides *where*
:func:`app.batch.check_file` runs, so discovery, the journal (resuming), the
images and every report are written by the driver exactly as in a local run,
and the outputs are the same.

Each worker is a Ray actor that builds its :class:`~certcheck.pipeline.Checker`
(OCR models included) once, on its first file, and keeps it for the whole
batch. The driver reads each file and ships its bytes through Ray's object
store, so the workers need the certcheck package installed but no access to
the inspector's folder. At most ``2 × workers`` files are in flight, so a huge
folder never sits in the object store at once.

Addresses (``--address``): ``local`` starts a private Ray instance on this
machine with ``workers`` CPUs and stops it afterwards; ``auto`` joins the
cluster this machine is a node of; ``ray://head:10001`` connects through Ray
Client. Ray is an optional dependency (``pip install -e ".[ray]"``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from app.batch import BatchItem, CheckedFile, CheckOptions, check_file
from certcheck.errors import RequestError

__all__ = ["RayEngine"]

log = logging.getLogger(__name__)


def _ray() -> Any:
    try:
        import ray
        import ray.util  # ActorPool
    except ImportError as exc:
        raise RequestError(
            "未安装 Ray，无法使用 --engine ray",
            'Ray is not installed: pip install -e ".[ray]" (or use --engine local)',
        ) from exc
    return ray


class _CheckWorker:
    """One Ray actor: a Checker built once, then one file after another."""

    def __init__(self, options: CheckOptions) -> None:
        self._options = options

    def check(self, item: BatchItem, data: bytes) -> CheckedFile:
        return check_file(item, self._options, data=data)


@dataclass
class RayEngine:
    """Runs :func:`app.batch.check_file` on ``workers`` Ray actors.

    Attributes:
        address: ``local``, ``auto`` or a ``ray://`` URL (see the module docstring).
        workers: number of actors (each loads the OCR models once).
        cpus_per_worker: CPUs each actor reserves; its OCR uses that many threads.
    """

    address: str = "local"
    workers: int = 1
    cpus_per_worker: int = 1

    def run(self, items: Sequence[BatchItem], options: CheckOptions) -> Iterator[CheckedFile]:
        if not items:
            return
        ray = _ray()
        started_here = not ray.is_initialized()
        if started_here:
            self._init(ray)
        try:
            yield from self._run(ray, items, options)
        finally:
            if started_here:
                ray.shutdown()

    def _init(self, ray: Any) -> None:
        common: dict[str, Any] = {"logging_level": logging.WARNING, "log_to_driver": False}
        if self.address == "local":
            ray.init(num_cpus=self.workers * self.cpus_per_worker, include_dashboard=False, **common)
        else:
            ray.init(address=self.address, **common)
        log.info("ray: %s, %d workers", self.address, self.workers)

    def _run(self, ray: Any, items: Sequence[BatchItem], options: CheckOptions) -> Iterator[CheckedFile]:
        # Each actor's OCR uses the CPUs it reserved, not every core of its node.
        settings = options.settings.model_copy(update={"ocr_threads": self.cpus_per_worker})
        worker_options = CheckOptions(settings, options.templates, options.issuers, options.annotate)
        actor_class = ray.remote(num_cpus=self.cpus_per_worker)(_CheckWorker)
        actors = [actor_class.remote(worker_options) for _ in range(self.workers)]
        # ActorPool hands a file to an actor only when it is idle, so a slow
        # photo never holds up the others and files are read as they are sent.
        pool = ray.util.ActorPool(actors)
        for item in items:
            pool.submit(lambda actor, it: actor.check.remote(it, it.path.read_bytes()), item)
        try:
            while pool.has_next():
                yield pool.get_next_unordered()
        finally:
            for actor in actors:
                ray.kill(actor)


def default_workers() -> int:
    """One actor per two cores of this machine (OCR uses two threads well)."""
    return max(1, (os.cpu_count() or 2) // 2)

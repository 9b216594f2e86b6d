"""One row per file of a batch: what the batch runner produces and every report reads.

A :class:`FileRow` holds only masked data: its ``report`` is the contract's
Report JSON (:func:`certcheck.report.report_to_dict`, ID numbers masked there)
without the base64 image, which the batch writes beside the reports instead.
Rows round-trip through JSON so the batch journal can hold them between runs.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from app.reports.statistics_form import columns_hit

__all__ = ["FileRow", "FileStatus"]


class FileStatus(enum.StrEnum):
    """What happened to one file of the batch folder."""

    CHECKED = "checked"
    #: A supported file that could not be checked; ``error_code`` says why.
    ERROR = "error"
    #: Not an image by its name nor by its bytes; listed, never checked.
    SKIPPED = "skipped"


@dataclass(frozen=True)
class FileRow:
    """One file's outcome.

    Attributes:
        path: the file's path relative to the batch folder, with ``/``.
        status: checked, error or skipped.
        sha256: hex SHA-256 of the file's bytes (``None`` for skipped files).
        size_bytes: the file's size.
        error_code: the contract's error code (CONTRACT.md section 2) for errors and skips.
        error_message: the Chinese message that goes with it.
        report: the masked Report JSON of a checked file, ``annotated_image`` set to ``None``.
        annotated_image: path of the annotated PNG relative to the output folder.
        thumbnail: path of the thumbnail JPEG relative to the output folder.
        checked_at: ISO 8601 UTC time of the check.
    """

    path: str
    status: FileStatus
    sha256: str | None = None
    size_bytes: int = 0
    error_code: str | None = None
    error_message: str | None = None
    report: Mapping[str, Any] | None = field(default=None, compare=False)
    annotated_image: str | None = None
    thumbnail: str | None = None
    checked_at: str | None = None

    @property
    def evidence(self) -> list[Mapping[str, Any]]:
        return list(self.report["evidence"]) if self.report else []

    @property
    def form_columns(self) -> tuple[str, ...]:
        """The statistics form columns this file counts in (none unless checked)."""
        return columns_hit(self.evidence) if self.status is FileStatus.CHECKED else ()

    def value(self, key: str) -> Any:
        """A top-level Report value (``risk_level``...) or a ``certificate`` field; ``None`` when absent."""
        if not self.report:
            return None
        if key in self.report:
            return self.report[key]
        return (self.report.get("certificate") or {}).get(key)

    def with_images(self, annotated_image: str | None, thumbnail: str | None) -> FileRow:
        return replace(self, annotated_image=annotated_image, thumbnail=thumbnail)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "status": self.status.value,
            "sha256": self.sha256,
            "size_bytes": self.size_bytes,
            "error": None if self.error_code is None else {"code": self.error_code, "message": self.error_message},
            "annotated_image": self.annotated_image,
            "thumbnail": self.thumbnail,
            "checked_at": self.checked_at,
            "form_columns": list(self.form_columns),
            "report": None if self.report is None else dict(self.report),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> FileRow:
        error = data.get("error") or {}
        return cls(
            path=data["path"],
            status=FileStatus(data["status"]),
            sha256=data.get("sha256"),
            size_bytes=int(data.get("size_bytes") or 0),
            error_code=error.get("code"),
            error_message=error.get("message"),
            report=data.get("report"),
            annotated_image=data.get("annotated_image"),
            thumbnail=data.get("thumbnail"),
            checked_at=data.get("checked_at"),
        )

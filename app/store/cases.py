"""Case records: who checked which certificate file, where and when, and what was found.

A case is one check an inspector chose to record (``certcheck batch --record``):
the inspector's name, the place inspected, the UTC time, the file by its
SHA-256, the verdict, and each piece of evidence with its code, category,
severity and policy clause. Personal data stays out: no holder name, no ID
number; every text is passed through :func:`certcheck.privacy.mask_id_numbers`
again on the way in, whatever the caller gave. Image bytes are kept only on
request, once per SHA-256 (table ``case_images``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import TracebackType
from typing import Any

from app.store.database import Database, open_database
from app.store.migrations import migrate
from certcheck.privacy import mask_id_numbers

__all__ = ["CaseEvidence", "CaseRecord", "CaseStore"]


@dataclass(frozen=True)
class CaseEvidence:
    """One piece of evidence of a recorded check (as in the Report, without its box)."""

    code: str
    category: str
    severity: str
    basis: str
    message: str
    text: str | None = None

    @classmethod
    def from_report(cls, item: Mapping[str, Any]) -> CaseEvidence:
        return cls(item["code"], item["category"], item["severity"], item["basis"] or "", item["message"],
                   item.get("text"))

    def as_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "category": self.category, "severity": self.severity, "basis": self.basis}


@dataclass(frozen=True)
class CaseRecord:
    """One recorded check.

    Attributes:
        checked_at: ISO 8601 UTC, ``YYYY-MM-DDTHH:MM:SSZ``.
        inspector: who checked.
        place: the place or school inspected.
        file_name: the file's name or path as the inspector had it.
        sha256: hex SHA-256 of the file's bytes.
        status: ``checked`` or ``error`` (then ``error_code`` says why).
        risk_level, risk_score: the verdict (CONTRACT.md section 3).
        evidence: the evidence, in report order.
        case_id: the database's id once stored.
    """

    checked_at: str
    inspector: str
    place: str
    file_name: str
    sha256: str
    size_bytes: int
    status: str
    error_code: str | None = None
    risk_level: str | None = None
    risk_score: int | None = None
    certificate_kind: str | None = None
    certificate_title: str | None = None
    serial_number: str | None = None
    issuer: str | None = None
    template_id: str | None = None
    summary: str | None = None
    evidence: tuple[CaseEvidence, ...] = ()
    image_kept: bool = False
    case_id: int | None = None


_CASE_COLUMNS = ("checked_at", "inspector", "place", "file_name", "sha256", "size_bytes", "status", "error_code",
                 "risk_level", "risk_score", "certificate_kind", "certificate_title", "serial_number", "issuer",
                 "template_id", "summary", "image_kept")
_EVIDENCE_COLUMNS = ("code", "category", "severity", "basis", "message", "text")


def _masked(value: Any) -> Any:
    return mask_id_numbers(value) if isinstance(value, str) else value


class CaseStore:
    """Reads and writes case records in a SQLite or PostgreSQL database.

    Opening a store applies pending migrations (each exactly once, under a
    lock), so a fresh SQLite file works at once; ``certcheck cases migrate``
    does the same explicitly for a shared PostgreSQL deployment.
    """

    def __init__(self, db: Database) -> None:
        self._db = db

    @classmethod
    def open(cls, url: str) -> CaseStore:
        db = open_database(url)
        try:
            migrate(db)
        except BaseException:
            db.close()
            raise
        return cls(db)

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def record(self, case: CaseRecord, *, image: bytes | None = None, media_type: str | None = None) -> int:
        """Store one case (and its image when given); returns its id."""
        values = [_masked(getattr(case, name)) for name in _CASE_COLUMNS]
        values[_CASE_COLUMNS.index("image_kept")] = int(image is not None)
        placeholders = ", ".join("?" for _ in _CASE_COLUMNS)
        with self._db.transaction():
            rows = self._db.query(
                f"INSERT INTO cases ({', '.join(_CASE_COLUMNS)}) VALUES ({placeholders}) RETURNING id", values
            )
            case_id = int(rows[0][0])
            for position, item in enumerate(case.evidence):
                self._db.execute(
                    f"INSERT INTO case_evidence (case_id, position, {', '.join(_EVIDENCE_COLUMNS)}) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (case_id, position, *(_masked(getattr(item, name)) for name in _EVIDENCE_COLUMNS)),
                )
            if image is not None:
                self._db.execute(
                    "INSERT INTO case_images (sha256, media_type, data, stored_at) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (sha256) DO NOTHING",
                    (case.sha256, media_type, image, case.checked_at),
                )
        return case_id

    def cases_between(self, first: date, last: date, *, place: str | None = None) -> list[CaseRecord]:
        """Cases checked from ``first`` to ``last`` inclusive (UTC dates), oldest first, with their evidence."""
        sql = f"SELECT id, {', '.join(_CASE_COLUMNS)} FROM cases WHERE checked_at >= ? AND checked_at < ?"
        params: list[Any] = [first.isoformat(), (last + timedelta(days=1)).isoformat()]
        if place is not None:
            sql += " AND place = ?"
            params.append(place)
        rows = self._db.query(sql + " ORDER BY checked_at, id", params)
        evidence = self._evidence_for([int(row[0]) for row in rows])
        return [self._case(row, evidence.get(int(row[0]), ())) for row in rows]

    def image(self, sha256: str) -> bytes | None:
        """The kept bytes of a file, or ``None`` when they were not kept."""
        rows = self._db.query("SELECT data FROM case_images WHERE sha256 = ?", (sha256,))
        return bytes(rows[0][0]) if rows else None

    def _evidence_for(self, case_ids: Sequence[int]) -> dict[int, tuple[CaseEvidence, ...]]:
        found: dict[int, list[CaseEvidence]] = {}
        # In slices: SQLite allows a limited number of bound parameters per statement.
        for start in range(0, len(case_ids), 500):
            chunk = case_ids[start : start + 500]
            rows = self._db.query(
                f"SELECT case_id, {', '.join(_EVIDENCE_COLUMNS)} FROM case_evidence "
                f"WHERE case_id IN ({', '.join('?' for _ in chunk)}) ORDER BY case_id, position",
                chunk,
            )
            for case_id, *values in rows:
                found.setdefault(int(case_id), []).append(CaseEvidence(*values))
        return {key: tuple(items) for key, items in found.items()}

    @staticmethod
    def _case(row: Sequence[Any], evidence: tuple[CaseEvidence, ...]) -> CaseRecord:
        values = dict(zip(_CASE_COLUMNS, row[1:], strict=True))
        values["image_kept"] = bool(values["image_kept"])
        values["checked_at"] = str(values["checked_at"])
        return CaseRecord(**values, evidence=evidence, case_id=int(row[0]))

-- Case records: one row per check an inspector recorded, its evidence, and images kept on request.
-- Written once for SQLite and PostgreSQL; {{AUTO_ID}} and {{BLOB}} are the only dialect words
-- (app/store/database.py fills them in). Times are ISO 8601 UTC text ('2026-05-10T08:30:00Z'),
-- which sorts and compares as time in both databases.
-- Personal data: no holder name and no ID number are stored (CONTRACT.md section 3; certcheck/privacy.py);
-- evidence text is stored as the report gives it, with ID numbers masked.

CREATE TABLE cases (
    id {{AUTO_ID}},
    checked_at TEXT NOT NULL,
    inspector TEXT NOT NULL,
    place TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 CHAR(64) NOT NULL,
    size_bytes BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('checked', 'error')),
    error_code TEXT,
    risk_level TEXT CHECK (risk_level IN ('low', 'medium', 'high', 'unknown')),
    risk_score INTEGER,
    certificate_kind TEXT,
    certificate_title TEXT,
    serial_number TEXT,
    issuer TEXT,
    template_id TEXT,
    summary TEXT,
    image_kept INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX cases_checked_at ON cases (checked_at);
CREATE INDEX cases_sha256 ON cases (sha256);

CREATE TABLE case_evidence (
    case_id BIGINT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    category TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('info', 'low', 'medium', 'high')),
    basis TEXT NOT NULL,
    message TEXT NOT NULL,
    text TEXT,
    PRIMARY KEY (case_id, position)
);

-- Kept only with --keep-images; one copy per content, shared by every case with that SHA-256.
CREATE TABLE case_images (
    sha256 CHAR(64) PRIMARY KEY,
    media_type TEXT,
    data {{BLOB}} NOT NULL,
    stored_at TEXT NOT NULL
);

"""Read cache: ReadResults keyed by file sha256 + the reading code's version (READ_VERSION), in SQLite.

Reading (and above all OCR) is the expensive step; classification and field
extraction are cheap and always re-run, so a cache hit still picks up extractor
improvements that don't change reading.
"""

from __future__ import annotations

import sqlite3
import threading
import zlib
from pathlib import Path

from extractor.version import READ_VERSION
from models.page import ReadResult

_SCHEMA = """
CREATE TABLE IF NOT EXISTS read_cache (
    sha256 TEXT NOT NULL,
    extractor_version TEXT NOT NULL,
    result BLOB NOT NULL,
    created_at TEXT NOT NULL DEFAULT (datetime('now')),
    PRIMARY KEY (sha256, extractor_version)
);
"""


def connect(path: str | Path, synchronous: str = "FULL") -> sqlite3.Connection:
    """Open a store database with the durability settings the project relies on.

    ``synchronous="NORMAL"`` (the read cache: every row can be read again) skips the
    fsync per commit; a power cut may lose the last rows, never corrupt the file.
    """
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(p), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={'NORMAL' if synchronous == 'NORMAL' else 'FULL'}")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


class ReadCache:
    def __init__(self, path: str | Path, version: str = READ_VERSION) -> None:
        self.path = Path(path)
        self.version = version
        self._conn = connect(self.path, synchronous="NORMAL")
        self._conn.executescript(_SCHEMA)
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, sha256: str) -> ReadResult | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT result FROM read_cache WHERE sha256=? AND extractor_version=?",
                (sha256, self.version),
            ).fetchone()
        if row is None:
            self.misses += 1
            return None
        self.hits += 1
        return ReadResult.model_validate_json(zlib.decompress(row[0]))

    def put(self, result: ReadResult) -> None:
        if (
            result.meta.get("isolation_failure")
            or result.meta.get("incomplete")
            or result.meta.get("engine_failure")
            or result.meta.get("memory_failure")
        ):
            return  # a timeout, a failed page or engine may be transient (load, memory); don't pin it
        blob = zlib.compress(result.model_dump_json().encode("utf-8"), 1)  # speed over size
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO read_cache (sha256, extractor_version, result) VALUES (?, ?, ?)",
                (result.sha256, self.version, blob),
            )

    def close(self) -> None:
        self._conn.close()

"""Content-addressed cache of per-file analysis results, in one SQLite file.

A file's result depends only on its content, its path (relative imports) and the analyser
(code + detector set), so the key is a hash of exactly those: an unchanged file is never
parsed twice, across repositories and runs. What depends on the project — repo name,
commit, authorship share — is not stored; it is re-attached when a result is loaded.

Safe under concurrent runs (WAL journal, busy timeout, INSERT OR REPLACE of whole rows).
A corrupt cache file is detected where SQLite meets the damage, discarded with a warning
and rebuilt. Values are JSON, never pickle: a cache file is data, not code.

Bounded: every row remembers the day it was last used, and a run that leaves the file over
its size limit drops the least recently used rows (``prune``): a recruiter analysing
candidate after candidate, or results of older proofolio versions (their keys never match
again), cannot fill the disk.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
import warnings
from collections.abc import Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from proofolio import __version__
from proofolio.models import Evidence, shared_evidence

if TYPE_CHECKING:
    from proofolio.documents.base import DocumentProblem

CACHE_FORMAT = 2  # 2: evidence stored as positional arrays, not keyed objects
# `used`: the day (days since the epoch) a row was last written or read by a run.
_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS hashes (
    path TEXT PRIMARY KEY, stat TEXT NOT NULL, content_id TEXT NOT NULL, used INTEGER NOT NULL DEFAULT 0
);
"""
LOOKUP_BATCH = 500  # keys per SELECT ... IN (...): well under SQLite's parameter limit
DEFAULT_MAX_BYTES = 1 << 30  # 1 GiB: about twenty 300 MB portfolios' results
PRUNE_TO = 0.8  # a prune leaves the cache at this share of its limit: not one prune per run


def today() -> int:
    """Days since the epoch: how finely `used` is kept (one write a day per row, at most)."""
    return int(time.time() // 86400)


@cache
def analyzer_fingerprint() -> str:
    """Hash of everything that decides a file's result: version, readers and detectors' code and data."""
    digest = hashlib.sha256(f"{__version__}\0{CACHE_FORMAT}".encode())
    root = resources.files("proofolio")
    for package in ("documents", "detectors"):
        for path in sorted(_walk(Path(str(root.joinpath(package))))):
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    # filework computes the stored fingerprint and merges problems; sources/base serves repo detectors
    for name in ("limits.py", "digest.py", "models.py", "filework.py", "sources/base.py"):
        digest.update(Path(str(root.joinpath(name))).read_bytes())
    return digest.hexdigest()


@cache
def tool_fingerprint() -> str:
    """Hash of the whole package's code and data: what a memoised final result depends on (scoring too)."""
    digest = hashlib.sha256(analyzer_fingerprint().encode())
    root = Path(str(resources.files("proofolio")))
    for path in sorted(_walk(root)):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _walk(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.suffix in (".py", ".toml") and "__pycache__" not in p.parts]


def cache_key(content_id: str, path: str, selection: str = "") -> str:
    """The key of one file's result: content (git blob id or sha256), path, analyser, detector selection."""
    text = f"{content_id}\0{path}\0{analyzer_fingerprint()}\0{selection}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


# --- (de)serialisation: everything but the project-dependent parts ---------------------------


# Evidence is stored as a positional array, not an object: about half the encoding and
# decoding time of keyed objects (a cold run encodes every item it finds).
def _evidence_to(e: Evidence) -> list[Any]:
    loc = e.location
    return [
        e.detector, e.skill, loc.path, loc.line, loc.end_line, loc.cell, e.snippet, e.confidence.value,
        e.values, e.severity.value if e.severity else None, e.remediation, e.cited_sha256,
    ]


def _evidence_from(row: list[Any], repo: str, commit: str | None, share: float | None) -> Evidence:
    """One stored item, its repeated strings shared as it is built (models.compact then keeps it as it is)."""
    detector, skill, path, line, end_line, cell, snippet, confidence, values, severity, remediation, cited = row
    return shared_evidence(
        detector, skill, repo, commit, path, line, end_line, cell, snippet, confidence, tuple(map(tuple, values)),
        share, severity, remediation, cited,
    )


# One encoder for every value: json.dumps with options builds a new encoder per call. The
# values hold no cycles (check_circular off) and stay ASCII (escaped), like json.dumps's.
_ENCODE = json.JSONEncoder(separators=(",", ":"), check_circular=False).encode


def encode_result(evidence: tuple[Evidence, ...], problems: tuple[DocumentProblem, ...], extra: dict[str, Any]) -> str:
    return _ENCODE({
        "evidence": [_evidence_to(e) for e in evidence],
        "problems": [[p.kind, p.reason, p.cell, p.line] for p in problems],
        "extra": extra,
    })


def decode_result(
    text: str, repo: str, commit: str | None, share: float | None
) -> tuple[tuple[Evidence, ...], tuple[DocumentProblem, ...], dict[str, Any]]:
    # here: the readers load only when a file is read
    from proofolio.documents.base import DocumentProblem
    from proofolio.documents.course import capped_share

    data = json.loads(text)
    extra = data.get("extra", {})
    share = capped_share(share, extra.get("share_cap"))  # a course exercise, as the cold run credited it
    evidence = tuple([_evidence_from(row, repo, commit, share) for row in data["evidence"]])
    problems = tuple([DocumentProblem(k, r, c, ln) for k, r, c, ln in data["problems"]])
    return evidence, problems, extra


def encode_project(evidence: Sequence[Evidence]) -> str:
    """A project's repository-detector evidence; repo, commit and share are kept (they are part of its key)."""
    return _ENCODE([[e.location.repo, e.location.commit, e.authored_share, _evidence_to(e)] for e in evidence])


def decode_project(text: str) -> list[Evidence]:
    return [_evidence_from(row, repo, commit, share) for repo, commit, share, row in json.loads(text)]


def _encodable(*texts: str) -> bool:
    """Whether SQLite can store these texts: a file name that is not UTF-8 leaves lone surrogates in them."""
    try:
        for text in texts:
            text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _add_used_columns(db: sqlite3.Connection) -> None:
    """Caches written before rows kept their day of use get the column (as never used: pruned first)."""
    for table in ("results", "hashes"):
        try:
            db.execute(f"SELECT used FROM {table} LIMIT 0")
        except sqlite3.OperationalError:
            db.execute(f"ALTER TABLE {table} ADD COLUMN used INTEGER NOT NULL DEFAULT 0")


# SQLite's result codes for a damaged file (extended codes share the low byte).
_CORRUPT_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB


def is_corruption(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite says the file itself is damaged (not busy, full or read-only)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _CORRUPT_CODES
    return "malformed" in str(exc) or "not a database" in str(exc)


class ResultCache:
    """get/put of encoded per-file results; a no-op when ``path`` is None (``--no-cache``).

    A damaged file is found where SQLite meets the damage: opening reads the header and the
    schema (a file that is not a database fails there), and any later read or write that hits
    a damaged page discards the file with a warning and starts a new one. A full
    ``PRAGMA quick_check`` on every open read the whole file: 30 ms for 45 MB, a second for a
    recruiter's cache of a gigabyte, on every run.
    """

    def __init__(self, path: Path | None, *, verify: bool = True) -> None:
        self.path = path
        self.verify = verify  # worker processes leave damage to the parent: they only read, and miss
        self._db: sqlite3.Connection | None = None
        if path is not None:
            self._db = self._open(path)

    def _open(self, path: Path) -> sqlite3.Connection | None:
        """Open (or rebuild) the cache; when that is impossible (full disk, read-only), run without it."""
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                return self._connect(path)
            except sqlite3.DatabaseError as exc:
                if not is_corruption(exc):
                    raise
                self._discard(path, exc)
                return self._connect(path)
        except (sqlite3.DatabaseError, OSError) as exc:
            warnings.warn(f"proofolio cache {path} is unavailable ({exc}): running without it", stacklevel=3)
            return None

    @staticmethod
    def _discard(path: Path, exc: Exception) -> None:
        warnings.warn(f"proofolio cache {path} is corrupt ({exc}): discarded and rebuilt", stacklevel=4)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    def _damaged(self, exc: sqlite3.DatabaseError) -> bool:
        """After an error: when it is damage (and this process may repair), a new empty cache replaces the file."""
        if not (self.verify and self.path is not None and is_corruption(exc)):
            return False
        if self._db is not None:
            self._db.close()
        self._discard(self.path, exc)
        self._db = self._open(self.path)
        return True

    def _connect(self, path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA busy_timeout = 30000")
            db.execute("PRAGMA schema_version").fetchone()  # reads the header: not a database fails here
            # before WAL, which writes the header: in a new file, prune can then return pages to the disk
            db.execute("PRAGMA auto_vacuum = INCREMENTAL")
            db.execute("PRAGMA journal_mode = WAL")
            # No fsync: an application crash cannot damage a WAL database, only a power loss or an
            # OS crash can, and the damage is then discarded and rebuilt (it is a cache); waiting
            # for the disk at every checkpoint cost ~0.15 s per thousand files analysed.
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(_SCHEMA)
            _add_used_columns(db)
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    @property
    def usable(self) -> bool:
        """False with --no-cache, or when the file could not be opened (it warned why)."""
        return self._db is not None

    def get(self, key: str) -> str | None:
        rows = self._rows_in("SELECT value FROM results WHERE key IN ({})", [key])
        return str(rows[0][0]) if rows else None

    def recall(self, key: str) -> str | None:
        """``get`` for the run itself (not a worker): a value found is marked used today."""
        value = self.get(key)
        if value is not None:
            self.touch([key])
        return value

    def get_many(self, keys: list[str]) -> dict[str, str]:
        """The stored values of those ``keys`` that are cached, in a few queries instead of one per file."""
        return dict(self._rows_in("SELECT key, value FROM results WHERE key IN ({})", keys))

    def present(self, keys: list[str]) -> set[str]:
        """Which of ``keys`` are cached, without loading their values."""
        return {key for (key,) in self._rows_in("SELECT key FROM results WHERE key IN ({})", keys)}

    def is_empty(self) -> bool:
        """Whether no result is stored (a new, rebuilt or unusable cache)."""
        if self._db is None:
            return True
        try:
            return self._db.execute("SELECT 1 FROM results LIMIT 1").fetchone() is None
        except sqlite3.DatabaseError as exc:
            self._damaged(exc)
            return True

    def known_hashes(self, stats: dict[str, str]) -> dict[str, str]:
        """Content ids of files (absolute path → stat signature) whose signature is unchanged since hashed.

        Like git's index: a file whose size, mtime, ctime and inode are those recorded when it
        was hashed is not read again on a warm run.
        """
        rows = self._rows_in("SELECT path, stat, content_id FROM hashes WHERE path IN ({})", list(stats))
        return {path: content_id for path, stat, content_id in rows if stats.get(path) == stat}

    def _rows_in(self, query: str, values: list[str]) -> list[tuple[Any, ...]]:
        """Rows of ``query`` (one ``IN ({})``) for all ``values``, LOOKUP_BATCH at a time; none when unusable."""
        if self._db is None or not values:
            return []
        rows: list[tuple[Any, ...]] = []
        try:
            for start in range(0, len(values), LOOKUP_BATCH):
                batch = values[start : start + LOOKUP_BATCH]
                rows += self._db.execute(query.format(",".join("?" * len(batch))), batch).fetchall()
        except sqlite3.DatabaseError as exc:
            self._damaged(exc)  # what it held is gone either way: a miss
            return []
        return rows

    def put_many(self, rows: Sequence[tuple[str, str]], hashes: Sequence[tuple[str, str, str]] = ()) -> None:
        """Store results (and file hashes) in one transaction: a crash leaves the previous state, never half a row."""
        if self._db is None or not (rows or hashes):
            return
        try:
            self._write(rows, hashes)
        except UnicodeEncodeError:  # a name that is not UTF-8 (lone surrogates): SQLite cannot store it
            self._db.execute("ROLLBACK")
            self._write([r for r in rows if _encodable(*r)], [h for h in hashes if _encodable(*h)])
        except sqlite3.DatabaseError as exc:
            self._rollback()
            if self._damaged(exc) and self._db is not None:
                try:
                    self._write(rows, hashes)  # into the new file
                    return
                except sqlite3.DatabaseError as again:
                    exc = again
            warnings.warn(f"proofolio cache {self.path} cannot be written ({exc}): running without it", stacklevel=2)
            self.close()

    def _write(self, rows: Sequence[tuple[str, str]], hashes: Sequence[tuple[str, str, str]]) -> None:
        assert self._db is not None
        day = today()
        self._db.execute("BEGIN IMMEDIATE")
        self._db.executemany("INSERT OR REPLACE INTO results (key, value, used) VALUES (?, ?, ?)",
                             [(key, value, day) for key, value in rows])
        self._db.executemany("INSERT OR REPLACE INTO hashes (path, stat, content_id, used) VALUES (?, ?, ?, ?)",
                             [(*row, day) for row in hashes])
        self._db.execute("COMMIT")

    def touch(self, keys: Sequence[str]) -> None:
        """Mark results a run used (read from the cache) as used today; rows already marked are not written."""
        if self._db is None or not keys:
            return
        day = today()
        try:
            self._db.execute("BEGIN IMMEDIATE")
            for start in range(0, len(keys), LOOKUP_BATCH):
                batch = list(keys[start : start + LOOKUP_BATCH])
                self._db.execute(
                    f"UPDATE results SET used = ? WHERE used < ? AND key IN ({','.join('?' * len(batch))})",
                    [day, day, *batch],
                )
            self._db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:  # only recency is lost: the rows may be pruned a little early
            self._rollback()
            self._damaged(exc)

    def size(self) -> int:
        """Bytes the database holds in use (its file, less free pages; the WAL is checkpointed into it)."""
        if self._db is None:
            return 0
        try:
            pages, free, page_size = (self._db.execute(f"PRAGMA {name}").fetchone()[0]
                                      for name in ("page_count", "freelist_count", "page_size"))
        except sqlite3.DatabaseError as exc:
            self._damaged(exc)
            return 0
        return int((pages - free) * page_size)

    def prune(self, max_bytes: int = DEFAULT_MAX_BYTES) -> int:
        """Over ``max_bytes``: drop the least recently used results down to PRUNE_TO of it; returns rows dropped.

        File hashes last written before the oldest day kept go too (a file so long unseen is
        simply hashed again). Free pages are returned to the file system when the file allows
        it (auto_vacuum, set for every cache created since), else reused by later runs.
        """
        used = self.size()
        if self._db is None or used <= max_bytes:
            return 0
        goal = used - int(max_bytes * PRUNE_TO)
        try:
            doomed: list[str] = []
            freed = 0
            # sizes as stored: values are ASCII JSON (escaped), so characters are bytes; +32 per row's overhead
            rows = self._db.execute("SELECT key, length(value) + length(key) + 32 FROM results ORDER BY used, rowid")
            try:
                while freed < goal and (batch := rows.fetchmany(LOOKUP_BATCH)):
                    for key, cost in batch:
                        if freed >= goal:
                            break
                        doomed.append(key)
                        freed += cost
            finally:
                rows.close()
            self._db.execute("BEGIN IMMEDIATE")
            for start in range(0, len(doomed), LOOKUP_BATCH):
                batch = doomed[start : start + LOOKUP_BATCH]
                self._db.execute(f"DELETE FROM results WHERE key IN ({','.join('?' * len(batch))})", batch)
            # hashes older than the oldest result kept (all of them when none is kept)
            self._db.execute("DELETE FROM hashes WHERE used < coalesce((SELECT min(used) FROM results), ?)",
                             (today() + 1,))
            self._db.execute("COMMIT")
            self._db.executescript("PRAGMA incremental_vacuum;")  # execute() would free one page (one step)
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.DatabaseError as exc:
            self._rollback()
            if not self._damaged(exc):
                warnings.warn(f"proofolio cache {self.path} cannot be pruned ({exc})", stacklevel=2)
            return 0
        return len(doomed)

    def stats(self) -> dict[str, int]:
        """Rows, bytes in use and the days of the oldest and newest use: what `proofolio cache info` shows."""
        empty = {"results": 0, "hashes": 0, "bytes": 0, "oldest_day": 0, "newest_day": 0}
        if self._db is None:
            return empty
        try:
            results, oldest, newest = self._db.execute("SELECT count(*), min(used), max(used) FROM results").fetchone()
            (hashes,) = self._db.execute("SELECT count(*) FROM hashes").fetchone()
        except sqlite3.DatabaseError as exc:  # damage met while counting: discarded, as on any read
            self._damaged(exc)
            return empty
        return {"results": results, "hashes": hashes, "bytes": self.size(), "oldest_day": oldest or 0,
                "newest_day": newest or 0}

    def _rollback(self) -> None:
        """End the transaction a failed statement left open (a damaged file may refuse even that)."""
        if self._db is not None:
            try:
                self._db.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                pass

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

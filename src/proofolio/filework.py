"""Per-file work — read, detect, cache — run in this process or in a pool of worker processes.

Results come back in task order whatever the number of jobs, so a report does not depend on
``--jobs``. Workers only read; the parent process alone writes the cache (one writer).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import warnings
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proofolio.cache import ResultCache, cache_key, content_sha256, decode_result, encode_result
from proofolio.detectors.engine import detect_file
from proofolio.detectors.registry import Registry, default_registry
from proofolio.documents import read_document
from proofolio.documents.base import Document, DocumentProblem
from proofolio.limits import DEFAULT_READ_LIMITS, ReadLimits
from proofolio.models import Evidence

@dataclass(frozen=True, slots=True)
class FileAnalysis:
    """What one file yields; a pure function of (document, registry, source identity), so cacheable."""

    evidence: tuple[Evidence, ...]
    problems: tuple[DocumentProblem, ...]
    fingerprint: str | None  # normalised code hash, for counting duplicated code once


MIN_FINGERPRINT_LINES = 3  # tiny files (an __init__.py, two imports) are not "the same work"


def code_fingerprint(document: Document) -> str | None:
    """SHA-256 of the code lines with blanks, comments, `# In[3]:` markers and IPython lines removed.

    A notebook and its verbatim `jupyter nbconvert --to script` export, or the same notebook
    in two repositories, get the same fingerprint.
    """
    if document.tree is None:
        return None
    kept = []
    for line in document.lines:
        text = line.strip()
        if not text or text.startswith("#") or text == "pass" or "get_ipython()" in text:
            continue
        kept.append(text)
    if len(kept) < MIN_FINGERPRINT_LINES:
        return None
    return hashlib.sha256("\n".join(kept).encode("utf-8")).hexdigest()


def analyze_file(
    document: Document, registry: Registry, repo: str, commit: str | None, authored_share: float | None
) -> FileAnalysis:
    """Every file detector over one document."""
    evidence, problems = detect_file(document, registry.file_detectors(), repo, commit, authored_share)
    return FileAnalysis(tuple(evidence), (*document.problems, *problems), code_fingerprint(document))


CHUNK_SIZE = 4  # tasks sent to a worker at a time: few enough to balance, enough to amortise IPC


@dataclass(frozen=True, slots=True)
class FileTask:
    abspath: str
    path: str
    repo: str
    commit: str | None
    share: float | None
    content_id: str | None = None  # git blob id when the file is committed; else hashed on read


@dataclass(frozen=True, slots=True)
class FileOutcome:
    path: str
    evidence: tuple[Evidence, ...] = ()
    problems: tuple[DocumentProblem, ...] = ()
    kind: str = "python"  # or "notebook"
    parsed: bool = False
    fingerprint: str | None = None
    cached: bool = False
    cache_row: tuple[str, str] | None = None  # (key, value) for the parent to store
    failure: tuple[str, str] | None = None  # (problem kind, reason) when the file could not be handled


@dataclass(slots=True)
class WorkerConfig:
    """What every worker needs, sent once per worker (not per file)."""

    select: tuple[str, ...] = ()
    limits: ReadLimits = DEFAULT_READ_LIMITS
    cache_path: str | None = None
    _registry: Registry | None = None
    _cache: ResultCache | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            base = default_registry()
            self._registry = base.select(self.select) if self.select else base
        return self._registry

    @property
    def cache(self) -> ResultCache:
        if self._cache is None:
            self._cache = ResultCache(Path(self.cache_path) if self.cache_path else None)
        return self._cache


_CONFIG: WorkerConfig | None = None


def _init_worker(config: WorkerConfig) -> None:
    global _CONFIG
    _CONFIG = config
    warnings.simplefilter("ignore")  # the parent reports cache trouble once; workers stay quiet


def run_task(task: FileTask, config: WorkerConfig | None = None) -> FileOutcome:
    """Read, analyse (or load from the cache) one file; never raises."""
    config = config or _CONFIG or WorkerConfig()
    selection = ",".join(config.select) + f"|{config.limits}"
    data: bytes | None = None
    content_id = task.content_id
    try:
        if content_id is None:
            data = Path(task.abspath).read_bytes()
            content_id = content_sha256(data)
        key = cache_key(content_id, task.path, selection)
        hit = config.cache.get(key)
        if hit is not None:
            evidence, problems, extra = decode_result(hit, task.repo, task.commit, task.share)
            return FileOutcome(task.path, evidence, problems, extra["kind"], extra["parsed"], extra.get("fingerprint"), cached=True)
        if data is None:
            data = Path(task.abspath).read_bytes()
    except OSError as exc:
        return FileOutcome(task.path, failure=("unreadable", f"cannot read: {exc.strerror or exc}"))
    try:
        document = read_document(task.path, data, config.limits)
        del data
        analysis = analyze_file(document, config.registry, task.repo, task.commit, task.share)
    except RecursionError:
        return FileOutcome(task.path, failure=("too-complex", "code nested too deeply to analyse"))
    except Exception as exc:  # the safety net: one hostile file never ends the run
        return FileOutcome(task.path, failure=("internal-error", f"analysis failed: {type(exc).__name__}: {exc}"[:300]))
    extra = {"kind": document.kind, "parsed": document.tree is not None, "fingerprint": analysis.fingerprint}
    row = (key, encode_result(analysis.evidence, analysis.problems, extra))
    return FileOutcome(task.path, analysis.evidence, analysis.problems, document.kind, document.tree is not None,
                       analysis.fingerprint, cache_row=row)


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class FileRunner:
    """Runs FileTasks in order; with jobs > 1 in a process pool kept for the whole run."""

    def __init__(self, jobs: int, config: WorkerConfig) -> None:
        self.jobs = max(1, jobs)
        self.config = config
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> FileRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, tasks: Sequence[FileTask]) -> Iterator[FileOutcome]:
        """Outcomes in task order; cache rows are written by this (parent) process as they arrive."""
        outcomes: Iterable[FileOutcome]
        if self.jobs == 1 or len(tasks) < 2:
            outcomes = (run_task(t, self.config) for t in tasks)
        else:
            if self._pool is None:
                worker_config = WorkerConfig(self.config.select, self.config.limits, self.config.cache_path)
                # forkserver, not fork: GitHub clones run in threads while analysis starts, and a
                # process forked while another thread holds a lock can deadlock (seen: a hung run).
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(["proofolio.filework"])
                self._pool = ProcessPoolExecutor(
                    self.jobs, mp_context=context, initializer=_init_worker, initargs=(worker_config,)
                )
            outcomes = self._pool.map(run_task, tasks, chunksize=CHUNK_SIZE)
        pending: list[tuple[str, str]] = []
        for outcome in outcomes:
            if outcome.cache_row is not None:
                pending.append(outcome.cache_row)
                if len(pending) >= 200:
                    self.config.cache.put_many(pending)
                    pending = []
            yield outcome
        self.config.cache.put_many(pending)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        self.config.cache.close()

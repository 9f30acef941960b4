"""Per-file work — read, detect, cache — run in this process or in a pool of worker processes.

Results come back in task order whatever the number of jobs, so a report does not depend on
``--jobs``. Workers only read; the parent process alone writes the cache (one writer).
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import time
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from proofolio.cache import LOOKUP_BATCH, ResultCache, cache_key, content_sha256, decode_result, encode_result, tool_fingerprint
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


GC_THRESHOLD = 100_000  # allocations between young-generation collections (default 700)
CHUNK_SIZE = 4  # tasks sent to a worker at a time: few enough to balance, enough to amortise IPC
SETTLED_NS = 2_000_000_000  # a file changed less than this long ago may change again within one timestamp tick


@dataclass(frozen=True, slots=True)
class FileTask:
    abspath: str
    path: str
    repo: str
    commit: str | None
    share: float | None
    content_id: str | None = None  # git blob id when the file is committed; else hashed on read
    stat: str | None = None  # signature to remember the hash under (set by the runner for settled files)
    looked_up: bool = False  # no need to ask the cache: the runner asked (and missed), or it held no result


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
    hash_row: tuple[str, str, str] | None = None  # (abspath, stat signature, content id) for the parent to store


@dataclass(slots=True)
class WorkerConfig:
    """What every worker needs, sent once per worker (not per file)."""

    select: tuple[str, ...] = ()
    limits: ReadLimits = DEFAULT_READ_LIMITS
    cache_path: str | None = None
    _registry: Registry | None = None
    _cache: ResultCache | None = None
    in_worker: bool = False

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            base = default_registry()
            self._registry = base.select(self.select) if self.select else base
        return self._registry

    @property
    def cache(self) -> ResultCache:
        if self._cache is None:
            path = Path(self.cache_path) if self.cache_path else None
            self._cache = ResultCache(path, verify=not self.in_worker)
        return self._cache

    @property
    def selection(self) -> str:
        """The part of a cache key that says which detectors and limits produced a result."""
        return ",".join(self.select) + f"|{self.limits}"


_CONFIG: WorkerConfig | None = None


def tune_garbage_collector() -> None:
    """Collect cycles less often: parsing allocates millions of short-lived, acyclic AST nodes.

    With the default thresholds the collector runs every 700 allocations and its full passes
    re-scan every evidence item kept so far: ~10% of a cold run. Freezing what the imports
    created keeps it out of every pass (mypy and black tune the collector the same way).
    """
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 50, 100)


def _init_worker(config: WorkerConfig) -> None:
    global _CONFIG
    tune_garbage_collector()
    config.in_worker = True
    _CONFIG = config
    warnings.simplefilter("ignore")  # the parent reports cache trouble once; workers stay quiet


def stat_signature(abspath: str, now_ns: int) -> str | None:
    """size:mtime:ctime:inode of a file that has not changed for a while; None if it just did (or is gone).

    git's "racy clean" rule: a file modified within the last timestamp tick could change again
    without its signature changing, so its hash is not remembered.
    """
    try:
        st = os.stat(abspath)
    except OSError:
        return None
    if now_ns - st.st_mtime_ns < SETTLED_NS:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


def run_task(task: FileTask, config: WorkerConfig | None = None) -> FileOutcome:
    """Read, analyse (or load from the cache) one file; never raises.

    Without a cache (``--no-cache``) the file is not hashed, looked up or encoded: all three
    only serve the cache.
    """
    config = config or _CONFIG or WorkerConfig()
    data: bytes | None = None
    key: str | None = None
    hash_row: tuple[str, str, str] | None = None
    try:
        if config.cache_path is not None:
            content_id = task.content_id
            if content_id is None:  # outside git: the content id is a hash of the bytes, read once
                data = Path(task.abspath).read_bytes()
                content_id = content_sha256(data)
                hash_row = (task.abspath, task.stat, content_id) if task.stat else None
            key = cache_key(content_id, task.path, config.selection)
            hit = None if task.looked_up else config.cache.get(key)
            if hit is not None:
                return _cached_outcome(task, hit, hash_row)
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
    parsed = document.tree is not None
    row = None
    if key is not None:
        extra = {"kind": document.kind, "parsed": parsed, "fingerprint": analysis.fingerprint}
        row = (key, encode_result(analysis.evidence, analysis.problems, extra))
    return FileOutcome(task.path, analysis.evidence, analysis.problems, document.kind, parsed,
                       analysis.fingerprint, cache_row=row, hash_row=hash_row)


def _cached_outcome(task: FileTask, value: str, hash_row: tuple[str, str, str] | None = None) -> FileOutcome:
    evidence, problems, extra = decode_result(value, task.repo, task.commit, task.share)
    return FileOutcome(task.path, evidence, problems, extra["kind"], extra["parsed"], extra.get("fingerprint"),
                       cached=True, hash_row=hash_row)


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
        """Outcomes in task order; cache rows are written by this (parent) process as they arrive.

        The parent answers what it can from the cache first (a warm run never starts a worker
        and never reads a file whose git blob id or stat signature is known); only the rest is
        analysed, in this process or in the pool.
        """
        if not self.stores:  # nothing to look up or store
            yield from self._analyse(list(tasks))
            return
        cache = self.config.cache
        prepared = self._prepare(tasks)
        keys = {i: cache_key(t.content_id, t.path, self.config.selection) for i, t in enumerate(prepared) if t.content_id}
        present = cache.present(sorted(set(keys.values())))
        misses = [t for i, t in enumerate(prepared) if keys.get(i) not in present]
        analysed = self._analyse(misses)
        # cached values are loaded a batch at a time, as the stream reaches them: a big
        # portfolio's cached results never sit in memory all at once
        hit_keys = [keys[i] for i in range(len(prepared)) if keys.get(i) in present]
        loaded: dict[str, str] = {}
        hits_seen = 0
        pending: list[tuple[str, str]] = []
        hashes: list[tuple[str, str, str]] = []
        for i, task in enumerate(prepared):
            key = keys.get(i)
            if key is not None and key in present:
                if hits_seen % LOOKUP_BATCH == 0:  # the next LOOKUP_BATCH hits, in stream order
                    loaded = cache.get_many(hit_keys[hits_seen : hits_seen + LOOKUP_BATCH])
                hits_seen += 1
                value = loaded.get(key)
                if value is not None:
                    yield _cached_outcome(task, value)
                    continue
                # gone since it was seen (another run rebuilt the cache): analysed here instead
                outcome = run_task(replace(task, looked_up=True), self.config)
            else:
                outcome = next(analysed)
            if outcome.cache_row is not None:
                pending.append(outcome.cache_row)
            if outcome.hash_row is not None:
                hashes.append(outcome.hash_row)
            if len(pending) + len(hashes) >= 200:
                cache.put_many(pending, hashes)
                pending, hashes = [], []
            yield outcome
        cache.put_many(pending, hashes)

    @property
    def stores(self) -> bool:
        """Whether results are cached at all; with ``--no-cache`` nothing needs a key (nor an identity)."""
        return self.config.cache_path is not None

    def project_key(self, identity: str | None) -> str | None:
        """Cache key of a project's repository-level results, from its identity (None: not cacheable)."""
        if identity is None or not self.stores:
            return None
        return cache_key(identity, "<project>", self.config.selection)

    def result_key(self, identity: str | None) -> str | None:
        """Cache key of a whole run's scored result (None: not cacheable)."""
        if identity is None or not self.stores:
            return None
        return cache_key(identity, "<result>", f"{self.config.selection}|{tool_fingerprint()}")

    def _prepare(self, tasks: Sequence[FileTask]) -> list[FileTask]:
        """Tasks with the content ids the cache remembers for unchanged files outside git.

        A file whose content id is still unknown is hashed when it is read, then looked up:
        unless the cache held no result when the run began (a first run), where a lookup
        could only find what this run stored itself. Each such lookup, between two analyses,
        costs a hundred microseconds; analysing a rare repeat again gives the same result.
        """
        now = time.time_ns()
        stats = {t.abspath: sig for t in tasks if t.content_id is None and (sig := stat_signature(t.abspath, now))}
        known = self.config.cache.known_hashes(stats)
        empty = self.config.cache.is_empty()
        prepared = []
        for task in tasks:
            content_id = task.content_id or known.get(task.abspath)
            stat = stats.get(task.abspath) if content_id is None else None
            prepared.append(replace(task, content_id=content_id, stat=stat, looked_up=empty or content_id is not None))
        return prepared

    def _analyse(self, tasks: list[FileTask]) -> Iterator[FileOutcome]:
        if self.jobs == 1 or len(tasks) < 2:
            return (run_task(t, self.config) for t in tasks)
        if self._pool is None:
            worker_config = WorkerConfig(self.config.select, self.config.limits, self.config.cache_path)
            # forkserver, not fork: GitHub clones run in threads while analysis starts, and a
            # process forked while another thread holds a lock can deadlock (seen: a hung run).
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["proofolio.filework"])
            self._pool = ProcessPoolExecutor(
                self.jobs, mp_context=context, initializer=_init_worker, initargs=(worker_config,)
            )
        return self._pool.map(run_task, tasks, chunksize=CHUNK_SIZE)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        self.config.cache.close()

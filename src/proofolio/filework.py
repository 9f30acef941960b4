"""Per-file work — read, detect, cache — run in this process or in a pool of worker processes.

Results come back in task order whatever the number of jobs, so a report does not depend on
``--jobs``. Workers only read; the parent process alone writes the cache (one writer).
"""

from __future__ import annotations

import gc
import hashlib
import os
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from proofolio.cache import (
    DEFAULT_MAX_BYTES,
    LOOKUP_BATCH,
    ResultCache,
    cache_key,
    content_sha256,
    decode_result,
    encode_result,
    tool_fingerprint,
)
from proofolio.limits import DEFAULT_READ_LIMITS, ReadLimits
from proofolio.models import Evidence

# The readers and detectors are imported where files are analysed: a run answered from the
# cache (an unchanged portfolio re-run) never loads them.
if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from proofolio.detectors.base import TextProbe
    from proofolio.detectors.registry import Registry
    from proofolio.documents.base import Document, DocumentProblem

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
    from proofolio.detectors.engine import detect_file

    evidence, problems = detect_file(document, registry.file_detectors(), repo, commit, authored_share)
    return FileAnalysis(tuple(evidence), (*document.problems, *problems), code_fingerprint(document))


GC_THRESHOLD = 100_000  # allocations between young-generation collections (default 700)
# Tasks sent to a worker at a time: enough to amortise the pool's per-item bookkeeping (a
# future, a lock, a wake-up of this process per chunk), few enough to balance the last ones.
CHUNK_SIZE, MAX_CHUNK_SIZE, CHUNKS_PER_WORKER = 4, 16, 64
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
    # strings shared (models.compact) whichever way it came: emitted so (FileContext.emit), rebuilt so
    # from a worker (Evidence.__reduce__) or from the cache (cache.decode_result)
    evidence: tuple[Evidence, ...] = ()
    problems: tuple[DocumentProblem, ...] = ()
    kind: str = "python"  # or "notebook"
    parsed: bool = False
    fingerprint: str | None = None
    cached: bool = False
    cache_row: tuple[str, str] | None = None  # (key, value) for the parent to store
    failure: tuple[str, str] | None = None  # (problem kind, reason) when the file could not be handled
    hash_row: tuple[str, str, str] | None = None  # (abspath, stat signature, content id) for the parent to store
    probes: frozenset[str] | None = None  # keys of the repository detectors' TextProbes true here (None: not asked)
    hit_key: str | None = None  # the cache key a worker found this result under (the parent marks it used)


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
            from proofolio.detectors.registry import default_registry

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
                return _cached_outcome(task, hit, hash_row, key)
        if data is None:
            data = Path(task.abspath).read_bytes()
    except OSError as exc:
        return FileOutcome(task.path, failure=("unreadable", f"cannot read: {exc.strerror or exc}"))
    from proofolio.documents.course import capped_share, course_share_cap
    from proofolio.documents.reader import read_document

    try:
        probes = answer_probes(task.path, data, config.registry.text_probes)
        document = read_document(task.path, data, config.limits)
        del data
        share_cap = course_share_cap(document)  # a course exercise: credited as mostly the course's work
        analysis = analyze_file(document, config.registry, task.repo, task.commit, capped_share(task.share, share_cap))
    except RecursionError:
        return FileOutcome(task.path, failure=("too-complex", "code nested too deeply to analyse"))
    except Exception as exc:  # the safety net: one hostile file never ends the run
        return FileOutcome(task.path, failure=("internal-error", f"analysis failed: {type(exc).__name__}: {exc}"[:300]))
    parsed = document.tree is not None
    row = None
    if key is not None:
        extra = {"kind": document.kind, "parsed": parsed, "fingerprint": analysis.fingerprint,
                 "probes": sorted(probes) if probes is not None else None}
        if share_cap is not None:
            extra["share_cap"] = share_cap  # decode_result caps the task's share as this run did
        row = (key, encode_result(analysis.evidence, analysis.problems, extra))
    return FileOutcome(task.path, analysis.evidence, analysis.problems, document.kind, parsed,
                       analysis.fingerprint, cache_row=row, hash_row=hash_row, probes=probes)


def answer_probes(path: str, data: bytes, probes: Sequence[TextProbe]) -> frozenset[str] | None:
    """Keys of the probes true for this file's text (as RepoContext.read_text would return it).

    None when one raised: the repository detector then reads the file and meets the error itself.
    """
    asked = [probe for probe in probes if probe.asks(path)]
    if not asked:
        return frozenset()
    from proofolio.detectors.base import READ_TEXT_LIMIT

    text = data[:READ_TEXT_LIMIT].decode("utf-8", errors="replace")
    try:
        return frozenset(probe.key for probe in asked if probe.check(text))
    except Exception:  # noqa: BLE001 - the detector meets the error itself when it reads the file
        return None


def _cached_outcome(
    task: FileTask, value: str, hash_row: tuple[str, str, str] | None = None, hit_key: str | None = None
) -> FileOutcome:
    evidence, problems, extra = decode_result(value, task.repo, task.commit, task.share)
    probes = extra.get("probes")
    return FileOutcome(task.path, evidence, problems, extra["kind"], extra["parsed"], extra.get("fingerprint"),
                       cached=True, hash_row=hash_row, probes=frozenset(probes) if probes is not None else None,
                       hit_key=hit_key)


def _warm_up() -> None:
    """A worker's first task: build its registry before the first file arrives."""
    (_CONFIG or WorkerConfig()).registry  # noqa: B018 - the property builds and keeps it


def chunk_size(tasks: int, jobs: int) -> int:
    """CHUNK_SIZE, up to MAX_CHUNK_SIZE when each worker still gets CHUNKS_PER_WORKER chunks."""
    return max(CHUNK_SIZE, min(MAX_CHUNK_SIZE, tasks // (jobs * CHUNKS_PER_WORKER)))


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class FileRunner:
    """Runs FileTasks in order; with jobs > 1 in a process pool kept for the whole run."""

    def __init__(self, jobs: int, config: WorkerConfig, cache_max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.jobs = max(1, jobs)
        self.config = config
        self.cache_max_bytes = cache_max_bytes  # pruned down to when the run ends (ResultCache.prune)
        self._pool: ProcessPoolExecutor | None = None
        self._started: threading.Event | None = None  # set once _start_pool is done, well or not
        self._start_error: BaseException | None = None

    def __enter__(self) -> FileRunner:
        """Start the workers in the background when this run will surely need them (see start_workers)."""
        if self.jobs > 1 and (not self.stores or self.config.cache.is_empty()):
            self.start_workers()
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
        found_by_workers: list[str] = []
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
            if outcome.hit_key is not None:
                found_by_workers.append(outcome.hit_key)
            if len(pending) + len(hashes) >= 200:
                cache.put_many(pending, hashes)
                pending, hashes = [], []
            yield outcome
        cache.put_many(pending, hashes)
        cache.touch([*hit_keys, *found_by_workers])

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

    def start_workers(self) -> None:
        """Start the worker processes in a background thread, e.g. while this process collects the files.

        A pool takes a few hundred milliseconds to be ready (the fork server imports the analyser,
        each worker loads the detectors); a cold run starts it first and overlaps that with
        collection. Not done when the cache holds results: a re-run may never need a worker.
        Workers are always spawned from that thread: Ctrl-C, which only the main thread sees,
        then never lands halfway through a spawn (the half-started worker outlived the run and
        printed a traceback). Waiting on an Event, not Thread.join: an interrupted join marks
        the thread finished while it still runs (CPython 3.11, bpo-45274).
        """
        if self._started is None:
            self._started = threading.Event()
            threading.Thread(target=self._start_pool, args=(self._started,), name="proofolio-workers", daemon=True).start()

    def _start_pool(self, started: threading.Event) -> None:
        try:
            pool = self._new_pool()
            for _ in range(self.jobs):  # each submission while none is idle spawns a worker
                pool.submit(_warm_up)
            self._pool = pool
        except BaseException as exc:  # noqa: BLE001 - raised again where the pool is used
            self._start_error = exc
        finally:
            started.set()

    def _ready_pool(self) -> ProcessPoolExecutor:
        self.start_workers()
        assert self._started is not None
        self._started.wait()
        if self._start_error is not None:
            error, self._start_error, self._started = self._start_error, None, None
            raise error
        assert self._pool is not None
        return self._pool

    def _new_pool(self) -> ProcessPoolExecutor:
        import multiprocessing  # here: a run answered from the cache never starts a pool
        from concurrent.futures import ProcessPoolExecutor

        worker_config = WorkerConfig(self.config.select, self.config.limits, self.config.cache_path)
        # forkserver, not fork: GitHub clones run in threads while analysis starts, and a
        # process forked while another thread holds a lock can deadlock (seen: a hung run).
        context = multiprocessing.get_context("forkserver")
        from proofolio.detectors.registry import detector_modules

        # the readers and detectors too: every worker forked from the server has them loaded
        context.set_forkserver_preload(["proofolio.filework", "proofolio.documents.reader", *detector_modules()])
        return ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_init_worker, initargs=(worker_config,))

    def _analyse(self, tasks: list[FileTask]) -> Iterator[FileOutcome]:
        if self.jobs == 1 or len(tasks) < 2:
            return (run_task(t, self.config) for t in tasks)
        return self._ready_pool().map(run_task, tasks, chunksize=chunk_size(len(tasks), self.jobs))

    def close(self) -> None:
        if self._started is not None:
            self._started.wait()  # a pool being started is shut down once it exists
            self._started = None
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
        if self.stores:
            self.config.cache.prune(self.cache_max_bytes)
        self.config.cache.close()

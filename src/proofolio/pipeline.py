"""collect → read → detect → score: the run behind `proofolio analyze`.

Files are read, analysed and released one at a time, so memory does not grow with the
portfolio. Whatever fails on one file or one detector becomes a Problem and the run goes on.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from proofolio import __version__
from proofolio.cache import decode_project, encode_project
from proofolio.detectors.engineering.tests import LOOKS_LIKE_TESTS, is_test_path
from proofolio.documents.kinds import READABLE_SUFFIXES
from proofolio.filework import (
    FileOutcome,
    FileRunner,
    FileTask,
    WorkerConfig,
    stat_signature,
)
from proofolio.models import Evidence, Problem, Result, SourceInfo
from proofolio.scoring import assess
from proofolio.sources.base import Source, SourceFile
from proofolio.taxonomy import Taxonomy, load_default_taxonomy
from proofolio.workflow import workflows

if TYPE_CHECKING:
    from proofolio.detectors.registry import Registry

SCHEMA_VERSION = "1.0"

ProgressCallback = Callable[[str, int, int], None]  # (what, done, total)


@dataclass(slots=True)
class AnalyzeOptions:
    taxonomy: Taxonomy | None = None
    registry: Registry | None = None
    progress: ProgressCallback | None = None
    runner: FileRunner | None = None  # per-file work: jobs, cache, limits (default: in process, no cache)


@dataclass(slots=True)
class SourceAnalysis:
    """What one project yielded: its identity (updated with counts), evidence and problems."""

    info: SourceInfo
    evidence: list[Evidence] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    has_history: bool = False
    fingerprints: dict[str, str] = field(default_factory=dict)  # path → normalised code hash


def generated_at() -> str:
    """Now in UTC, or SOURCE_DATE_EPOCH when set, so example reports can be reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _is_readable(file: SourceFile) -> bool:
    return file.path.endswith(READABLE_SUFFIXES)


def file_tasks(source: Source) -> list[FileTask]:
    """One task per code file of a project, in path order.

    Its repo, path and commit strings are interned: evidence rebuilt for it from the cache then
    shares them (models.compact).
    """
    name = sys.intern(source.info.name)
    commit = sys.intern(source.info.commit) if source.info.commit else source.info.commit
    return [
        FileTask(
            abspath=str(f.abspath),
            path=sys.intern(f.path),
            repo=name,
            commit=commit if f.committed else None,
            share=f.authorship.share if f.authorship is not None else None,
            content_id=f.blob if f.committed else None,
        )
        for f in source.files
        if _is_readable(f)
    ]


def analyze_source(
    source: Source,
    registry: Registry,
    progress: ProgressCallback | None = None,
    runner: FileRunner | None = None,
) -> SourceAnalysis:
    """Read and detect every code file of one project, then run the repository detectors."""
    return analyze_batch([source], registry, progress, runner)[0]


def analyze_batch(
    sources: Sequence[Source],
    registry: Registry,
    progress: ProgressCallback | None = None,
    runner: FileRunner | None = None,
) -> list[SourceAnalysis]:
    """Every file of every project in one stream, then each project's repository detectors.

    The per-file work goes through ``runner`` (cache, worker processes); outcomes come back
    in task order whatever the number of jobs, so the result does not depend on them. One
    stream for all projects keeps the workers busy while this process runs a finished
    project's repository detectors (a stream per project left them idle at every project's end).
    """
    own_runner = runner is None
    runner = runner or FileRunner(1, WorkerConfig(_registry=registry))
    analyses: list[SourceAnalysis] = []
    try:
        tasks = [file_tasks(source) for source in sources]
        stream = runner.run([task for project in tasks for task in project])
        for source, project_tasks in zip(sources, tasks):
            name = source.info.name
            result = SourceAnalysis(info=source.info, problems=list(source.problems), has_history=source.has_history)
            counts = {"python_files": 0, "notebooks": 0, "unparsed_files": 0}
            probed: dict[str, frozenset[str]] = {}  # what the file pass answered of the repo detectors' probes
            for done in range(1, len(project_tasks) + 1):
                outcome = next(stream)
                _fold(result, counts, outcome, name)
                if outcome.probes is not None:
                    probed[outcome.path] = outcome.probes
                if progress is not None:
                    progress(name, done, len(project_tasks))
            result.evidence.extend(_repo_evidence(source, registry, result, runner, probed))
            counts["files"] = len(source.files)
            result.stats = counts
            result.info = replace(source.info, files_analyzed=counts["python_files"] + counts["notebooks"])
            analyses.append(result)
        for _ in stream:  # drain: the runner stores the last cache rows when its stream ends
            pass
    finally:
        if own_runner:
            runner.close()
    return analyses


def _repo_evidence(
    source: Source, registry: Registry, result: SourceAnalysis, runner: FileRunner,
    probed: dict[str, frozenset[str]],
) -> list[Evidence]:
    """What the repository detectors find; from the cache when nothing the project holds has changed.

    Repository detectors read READMEs, CI and dependency files and whole modules; without the
    cache a warm run would read them all again.
    """
    key = runner.project_key(project_identity(source)) if runner.stores else None
    cache = runner.config.cache
    stored = cache.recall(key) if key is not None else None
    if stored is not None:
        return decode_project(stored)
    # here: the detectors load only when a project is analysed
    from proofolio.project_files import ProjectFiles

    repo = ProjectFiles(source, tuple(result.evidence), probed=probed)
    failed = False
    for detector in registry.repo_detectors():
        try:
            detector.check(repo)
        except Exception as exc:  # a detector bug must not lose the project
            failed = True
            result.problems.append(
                Problem(source.info.name, "", f"{detector.meta.id} failed: {type(exc).__name__}: {exc}", "detector-error")
            )
    if key is not None and not failed:
        cache.put_many([(key, encode_project(repo.evidence))])
    return repo.evidence


def project_identity(source: Source) -> str | None:
    """A hash of everything repository detectors see: the project's identity, history and every file.

    Committed files count by git blob id, others by their stat signature; None when a file
    changed just now (its signature cannot be trusted yet), so the project is analysed afresh.
    """
    info = replace(source.info, fetched_bytes=None)  # what a clone downloaded this time is not the project
    # every other field too, so what a kind of source adds (an account's pull requests) counts
    rest = [getattr(source, f.name) for f in dataclass_fields(source) if f.name not in ("info", "files", "_by_path")]
    digest = hashlib.sha256(repr((info, rest)).encode("utf-8", "surrogateescape"))
    now = time.time_ns()
    for file in sorted(source.files, key=lambda f: f.path):
        identity = file.blob if file.committed else stat_signature(str(file.abspath), now)
        if identity is None:
            return None
        share = file.authorship.share if file.authorship is not None else None
        digest.update(f"\0{file.path}\0{identity}\0{share}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def run_identity(target: str, sources: Sequence[Source], taxonomy: Taxonomy) -> str | None:
    """A hash of everything a run's scored result depends on besides the tool: target, taxonomy, every project.

    None when a project cannot be identified (a file changed just now), so the run is scored afresh.
    """
    parts = [target, repr(taxonomy.ref)]
    for source in sources:
        identity = project_identity(source)
        if identity is None:
            return None
        parts += [identity, repr(source.problems)]
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


# What a test module shows: testing itself, and the Python (and docstrings) it is written in. A
# fixture's random tensors, a stub model or a toy fit scored on its own data are no evidence of
# preprocessing, modelling or evaluation (nor of an evaluation mistake).
TEST_FILE_SKILLS = frozenset({"python", "software_engineering", "communication"})


def in_tests(path: str, probes: frozenset[str] | None) -> bool:
    """pytest's conftest.py (fixtures and hooks), or a module at a test path that holds tests (a
    `def test...`, pytest or unittest: LOOKS_LIKE_TESTS, answered by the file pass; by path alone
    when the run did not ask, e.g. with --select). A script named test_model.py that only
    evaluates a model is no test module."""
    if path.rsplit("/", 1)[-1] == "conftest.py":
        return True
    return is_test_path(path) and (probes is None or LOOKS_LIKE_TESTS.key in probes)


def _fold(result: SourceAnalysis, counts: dict[str, int], outcome: FileOutcome, name: str) -> None:
    """Add one file's outcome to its project's analysis."""
    if outcome.failure is not None:
        kind, reason = outcome.failure
        result.problems.append(Problem(name, outcome.path, reason, kind))
        return
    counts["notebooks" if outcome.kind == "notebook" else "python_files"] += 1
    counts["unparsed_files"] += 0 if outcome.parsed else 1
    if in_tests(outcome.path, outcome.probes):
        result.evidence.extend(e for e in outcome.evidence if e.skill in TEST_FILE_SKILLS)
    else:
        result.evidence.extend(outcome.evidence)  # shared already (see FileOutcome.evidence)
    if outcome.fingerprint is not None:
        result.fingerprints[outcome.path] = outcome.fingerprint
    for p in outcome.problems:
        result.problems.append(Problem(name, outcome.path, p.reason, p.kind, p.cell, p.line))


def analyze_sources(
    target: str,
    sources: Iterable[Source],
    options: AnalyzeOptions | None = None,
) -> Result:
    """Analyse every project and score the evidence against the taxonomy."""
    options = options or AnalyzeOptions()
    if options.registry is None:
        from proofolio.detectors.registry import default_registry

        registry = default_registry()
    else:
        registry = options.registry
    taxonomy = options.taxonomy or load_default_taxonomy()
    analyses, duplicates = gather(sources, registry, options.progress, options.runner)
    evidence = [e for a in analyses for e in a.evidence]
    titles = {m.id: m.title for m in registry.metas()}
    has_history = any(a.has_history for a in analyses)
    stats = {"projects": len(analyses), "evidence": len(evidence)}
    for analysis in analyses:
        for key, value in analysis.stats.items():
            stats[key] = stats.get(key, 0) + value
    problems = sorted(
        (p for a in analyses for p in a.problems),
        key=lambda p: (p.repo, p.path, p.cell if p.cell is not None else -1, p.line or 0, p.kind),
    )
    stats["duplicate_files"] = duplicates
    stats["problems"] = len(problems)
    return Result(
        schema_version=SCHEMA_VERSION,
        tool_version=__version__,
        generated_at=generated_at(),
        target=target,
        taxonomy=taxonomy.ref,
        sources=tuple(a.info for a in analyses),
        assessments=assess(evidence, taxonomy, titles, has_history),
        problems=tuple(problems),
        stats=stats,
        workflows=workflows(evidence),
    )


def gather(
    sources: Iterable[Source],
    registry: Registry,
    progress: ProgressCallback | None = None,
    runner: FileRunner | None = None,
) -> tuple[list[SourceAnalysis], int]:
    """Every project's evidence after the project-level passes: duplicates dropped, orchestration without a
    model dropped, tutorial data tagged.

    Returns the analyses and the number of duplicate files dropped.
    """
    if isinstance(sources, (list, tuple)):
        analyses = analyze_batch(sources, registry, progress, runner)
    else:  # GitHub projects arrive one by one as their clones finish
        analyses = [analyze_source(source, registry, progress, runner) for source in sources]
    duplicates = drop_duplicates(analyses)
    for analysis in analyses:
        analysis.evidence = mark_tutorial_data(drop_orchestration_without_models(analysis.evidence))
    return analyses, duplicates


def drop_duplicates(analyses: list[SourceAnalysis]) -> int:
    """Count the same code once: a later file whose fingerprint was seen loses its file evidence.

    Projects are taken in the order given and files in path order, so `analysis.ipynb` is kept
    and its export `analysis.py` dropped; each dropped file is noted as a `duplicate` problem.
    """
    first: dict[str, tuple[str, str]] = {}
    dropped = 0
    for analysis in analyses:
        name = analysis.info.name
        gone: set[str] = set()
        for path in sorted(analysis.fingerprints):
            digest = analysis.fingerprints[path]
            if digest not in first:
                first[digest] = (name, path)
                continue
            repo, kept = first[digest]
            where = kept if repo == name else f"{repo}/{kept}"
            gone.add(path)
            analysis.problems.append(
                Problem(name, path, f"same code as {where}: its evidence is counted once, there", "duplicate")
            )
        if gone:
            dropped += len(gone)
            analysis.evidence = [e for e in analysis.evidence if e.location.path not in gone]
    return dropped


# What shows a project has a model to orchestrate: one built, saved, served or tracked, or an LLM used.
MODEL_DETECTORS = ("MOD-", "OPS-model-", "OPS-experiment-tracking", "DOM-generative")


# General-purpose orchestrators (an ETL's as much as a model's); Kubeflow, ZenML, Metaflow, SageMaker and
# Azure ML pipelines, and SageMaker operators inside Airflow, are ML by construction
ETL_ORCHESTRATORS = ("airflow.", "prefect.", "dagster.", "luigi.")
ML_ORCHESTRATION_WORDS = ("sagemaker", "vertex", "mlflow", "kfp", "azure.ai.ml")


def _etl_orchestration(item: Evidence) -> bool:
    name = item.value("api") or item.value("base") or ""
    return name.startswith(ETL_ORCHESTRATORS) and not any(word in name.lower() for word in ML_ORCHESTRATION_WORDS)


def drop_orchestration_without_models(evidence: list[Evidence]) -> list[Evidence]:
    """An Airflow or Prefect pipeline that only moves data (an ETL) is data engineering, not MLOps: such
    OPS-pipeline-orchestration evidence counts only in a project that has a model (MODEL_DETECTORS)."""
    if not any(e.detector == "OPS-pipeline-orchestration" for e in evidence):
        return evidence
    if any(e.detector.startswith(MODEL_DETECTORS) for e in evidence):
        return evidence
    return [e for e in evidence if not (e.detector == "OPS-pipeline-orchestration" and _etl_orchestration(e))]


# Evidence whose worth depends on the data (tests, packaging or a README do not).
DATA_DETECTORS = ("PRE-", "EDA-", "STAT-", "MOD-", "EVAL-", "DOM-")


def mark_tutorial_data(evidence: list[Evidence]) -> list[Evidence]:
    """When every dataset a project loads is a famous tutorial one, tag its data-science evidence with it.

    PRE-data-loading names the dataset it recognises; a single loader of unknown data (a
    `read_csv(path)` of the candidate's own file) means the project has original data.
    """
    loads = [e for e in evidence if e.detector == "PRE-data-loading"]
    names = [e.value("dataset") for e in loads]
    if not loads or any(n is None or n == "synthetic" for n in names):
        return evidence
    tag = ", ".join(sorted({n for n in names if n}))
    return [
        replace(e, values=(*e.values, ("tutorial_dataset", tag))) if e.detector.startswith(DATA_DETECTORS) else e
        for e in evidence
    ]

"""collect → read → detect → score: the run behind `proofolio analyze`.

Files are read, analysed and released one at a time, so memory does not grow with the
portfolio. Whatever fails on one file or one detector becomes a Problem and the run goes on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from proofolio import __version__
from proofolio.detectors.base import RepoContext
from proofolio.detectors.registry import Registry, default_registry
from proofolio.documents.reader import READABLE_SUFFIXES
from proofolio.filework import FileOutcome, FileRunner, FileTask, WorkerConfig
from proofolio.models import Evidence, Problem, Result, SourceInfo
from proofolio.scoring import assess
from proofolio.sources.base import Source, SourceFile
from proofolio.taxonomy import Taxonomy, load_default_taxonomy
from proofolio.workflow import workflows

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


def analyze_source(
    source: Source,
    registry: Registry,
    progress: ProgressCallback | None = None,
    runner: FileRunner | None = None,
) -> SourceAnalysis:
    """Read and detect every code file of one project, then run the repository detectors.

    The per-file work goes through ``runner`` (cache, worker processes); outcomes come back
    in path order whatever the number of jobs, so the result does not depend on them.
    """
    name = source.info.name
    result = SourceAnalysis(info=source.info, problems=list(source.problems), has_history=source.has_history)
    counts = {"python_files": 0, "notebooks": 0, "unparsed_files": 0}
    code_files = [f for f in source.files if _is_readable(f)]
    tasks = [
        FileTask(
            abspath=str(f.abspath),
            path=f.path,
            repo=name,
            commit=source.info.commit if f.committed else None,
            share=f.authorship.share if f.authorship is not None else None,
            content_id=f.blob if f.committed else None,
        )
        for f in code_files
    ]
    own_runner = runner is None
    runner = runner or FileRunner(1, WorkerConfig(_registry=registry))
    try:
        for done, outcome in enumerate(runner.run(tasks), 1):
            _fold(result, counts, outcome, name)
            if progress is not None:
                progress(name, done, len(tasks))
    finally:
        if own_runner:
            runner.close()
    repo = RepoContext(source, tuple(result.evidence))
    for detector in registry.repo_detectors():
        try:
            detector.check(repo)
        except Exception as exc:  # a detector bug must not lose the project
            result.problems.append(
                Problem(name, "", f"{detector.meta.id} failed: {type(exc).__name__}: {exc}", "detector-error")
            )
    result.evidence.extend(repo.evidence)
    counts["files"] = len(source.files)
    result.stats = counts
    result.info = replace(source.info, files_analyzed=counts["python_files"] + counts["notebooks"])
    return result


def _fold(result: SourceAnalysis, counts: dict[str, int], outcome: FileOutcome, name: str) -> None:
    """Add one file's outcome to its project's analysis."""
    if outcome.failure is not None:
        kind, reason = outcome.failure
        result.problems.append(Problem(name, outcome.path, reason, kind))
        return
    counts["notebooks" if outcome.kind == "notebook" else "python_files"] += 1
    counts["unparsed_files"] += 0 if outcome.parsed else 1
    result.evidence.extend(outcome.evidence)
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
    registry = options.registry or default_registry()
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
    """Every project's evidence after the project-level passes: duplicates dropped, tutorial data tagged.

    Returns the analyses and the number of duplicate files dropped.
    """
    analyses = [analyze_source(source, registry, progress, runner) for source in sources]
    duplicates = drop_duplicates(analyses)
    for analysis in analyses:
        analysis.evidence = mark_tutorial_data(analysis.evidence)
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

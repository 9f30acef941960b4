"""collect → read → detect → score: the run behind `proofolio analyze`.

Files are read, analysed and released one at a time, so memory does not grow with the
portfolio. Whatever fails on one file or one detector becomes a Problem and the run goes on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from proofolio import __version__
from proofolio.detectors.base import RepoContext
from proofolio.detectors.engine import detect_file
from proofolio.detectors.registry import Registry, default_registry
from proofolio.documents import read_document
from proofolio.documents.reader import READABLE_SUFFIXES
from proofolio.models import Evidence, Problem, Result, SourceInfo
from proofolio.scoring import assess
from proofolio.sources.base import Source, SourceFile
from proofolio.taxonomy import Taxonomy, load_default_taxonomy

SCHEMA_VERSION = "1.0"

ProgressCallback = Callable[[str, int, int], None]  # (what, done, total)


@dataclass(slots=True)
class AnalyzeOptions:
    taxonomy: Taxonomy | None = None
    registry: Registry | None = None
    progress: ProgressCallback | None = None


@dataclass(slots=True)
class SourceAnalysis:
    """What one project yielded: its identity (updated with counts), evidence and problems."""

    info: SourceInfo
    evidence: list[Evidence] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    stats: dict[str, int] = field(default_factory=dict)
    has_history: bool = False


def generated_at() -> str:
    """Now in UTC, or SOURCE_DATE_EPOCH when set, so example reports can be reproducible."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit() else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _is_readable(file: SourceFile) -> bool:
    return file.path.endswith(READABLE_SUFFIXES)


def analyze_source(source: Source, registry: Registry, progress: ProgressCallback | None = None) -> SourceAnalysis:
    """Read and detect every code file of one project, then run the repository detectors."""
    name = source.info.name
    result = SourceAnalysis(info=source.info, problems=list(source.problems), has_history=source.has_history)
    counts = {"python_files": 0, "notebooks": 0, "unparsed_files": 0}
    code_files = [f for f in source.files if _is_readable(f)]
    for done, file in enumerate(code_files, 1):
        try:
            data = file.abspath.read_bytes()
        except OSError as exc:
            result.problems.append(Problem(name, file.path, f"cannot read: {exc.strerror or exc}", "unreadable"))
            continue
        document = read_document(file.path, data)
        del data
        counts["notebooks" if document.kind == "notebook" else "python_files"] += 1
        if document.tree is None:
            counts["unparsed_files"] += 1
        share = file.authorship.share if file.authorship is not None else None
        commit = source.info.commit if file.committed else None
        evidence, detector_problems = detect_file(document, registry.file_detectors(), name, commit, share)
        result.evidence.extend(evidence)
        for p in [*document.problems, *detector_problems]:
            result.problems.append(Problem(name, file.path, p.reason, p.kind, p.cell, p.line))
        if progress is not None:
            progress(name, done, len(code_files))
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


def analyze_sources(
    target: str,
    sources: Iterable[Source],
    options: AnalyzeOptions | None = None,
) -> Result:
    """Analyse every project and score the evidence against the taxonomy."""
    options = options or AnalyzeOptions()
    registry = options.registry or default_registry()
    taxonomy = options.taxonomy or load_default_taxonomy()
    analyses = list(_each(sources, registry, options.progress))
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
    )


def _each(sources: Iterable[Source], registry: Registry, progress: ProgressCallback | None) -> Iterator[SourceAnalysis]:
    for source in sources:
        yield analyze_source(source, registry, progress)

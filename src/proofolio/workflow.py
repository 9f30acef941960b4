"""The ML workflow of each notebook or script: which stages it covers, where, in which order.

A reviewer reads a notebook as a story: load → clean → split → fit → evaluate → tune →
persist → serve. The stages are read off the evidence detectors already found (no new
analysis): each stage is placed where its first evidence stands in the file.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from collections.abc import Iterable

from proofolio.models import Evidence, Workflow, WorkflowStage

STAGES: tuple[str, ...] = ("load", "clean", "split", "fit", "evaluate", "tune", "persist", "serve")

# Detector id (exact) or prefix (ending in "-") → stage; exact ids are tried first.
STAGE_OF_DETECTOR: dict[str, str] = {
    "PRE-data-loading": "load",
    "EVAL-train-test-split": "split",
    "EVAL-holdout-slices": "split",
    "EVAL-provided-test-split": "split",
    "EVAL-metrics": "evaluate",
    "EVAL-computed-metrics": "evaluate",
    "EVAL-cross-validation": "evaluate",
    "EVAL-reported-metrics": "evaluate",
    "EVAL-hyperparameter-search": "tune",
    "EVAL-tuning-loop": "tune",
    "OPS-model-persistence": "persist",
    "OPS-model-serving": "serve",
}
STAGE_OF_PREFIX: dict[str, str] = {"PRE-": "clean", "MOD-": "fit"}


@cache
def stage_of(detector: str) -> str | None:
    if detector in STAGE_OF_DETECTOR:
        return STAGE_OF_DETECTOR[detector]
    for prefix, stage in STAGE_OF_PREFIX.items():
        if detector.startswith(prefix):
            return stage
    return None


def _is_splitter(item: Evidence) -> bool:
    api = item.value("api") or ""
    return item.detector == "EVAL-cross-validation" and api.rsplit(".", 1)[-1][:1].isupper()


def _position(stage: str, item: Evidence) -> tuple[object, ...]:
    location = item.location
    if location.cell is not None:
        return (location.cell, STAGES.index(stage), location.line or 0)
    return (-1, location.line or 0, STAGES.index(stage))


def workflow_of(repo: str, path: str, evidence: Iterable[Evidence]) -> Workflow | None:
    """One file's workflow, or None when it shows fewer than two stages."""
    first: dict[str, Evidence] = {}  # stage → its earliest evidence (in location order)
    for item in evidence:
        stage = stage_of(item.detector)
        if stage is None or item.severity is not None:  # negative signals are not stages
            continue
        if stage == "evaluate" and _is_splitter(item):
            continue  # `cv = KFold(...)` sets evaluation up; the stage is where scores are computed
        if stage != "fit" and item.value("base") is not None:
            continue  # a class definition (a Dataset subclass) is set-up, not a step that runs
        if stage not in first or item.sort_key() < first[stage].sort_key():
            first[stage] = item
    if len(first) < 2:
        return None
    # a notebook cell runs as one step: stages inside the same cell are taken in canonical order
    # (a cell that builds, cross-validates and prints a model is fit → evaluate, whatever line
    # the cell-level evidence cites)
    ordered = sorted(first.items(), key=lambda kv: _position(kv[0], kv[1]))
    stages = tuple(WorkflowStage(stage, item.detector, item.location) for stage, item in ordered)
    ranks = [STAGES.index(s.stage) for s in stages]
    return Workflow(repo, path, stages, in_order=ranks == sorted(ranks))


def workflows(evidence: Iterable[Evidence]) -> tuple[Workflow, ...]:
    """Every file's workflow with two stages or more, sorted by project and path."""
    by_file: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for item in evidence:
        if item.location.path:
            by_file[(item.location.repo, item.location.path)].append(item)
    found = (workflow_of(repo, path, items) for (repo, path), items in sorted(by_file.items()))
    return tuple(w for w in found if w is not None)

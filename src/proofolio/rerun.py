"""Re-running an unchanged portfolio: the scored result comes straight from the cache.

Per-file results already make a warm run skip reading and detecting, but scoring, workflows
and decoding still cost a pass over every evidence item (a hundred thousand on a big
portfolio). When nothing a run depends on has changed (target, taxonomy, selection, the
tool's own code, and every project's identity: git blob ids or stat signatures of all its
files, its history and problems), the previous scored result is the answer. Any change falls
back to the per-file cache, so only what changed is analysed again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from proofolio.filework import FileRunner
from proofolio.models import Result
from proofolio.pipeline import AnalyzeOptions, analyze_sources, generated_at, run_identity
from proofolio.reporters.json_report import ReportFormatError, result_from_dict, result_to_dict
from proofolio.sources.base import Source
from proofolio.taxonomy import load_default_taxonomy

# Problems that may not happen next time (a file being written, memory, a detector crash
# under load): a result that has them is not remembered.
TRANSIENT_PROBLEMS = frozenset({"unreadable", "internal-error", "detector-error", "clone-failed"})


def analyze_or_recall(target: str, sources: Sequence[Source], options: AnalyzeOptions, runner: FileRunner) -> Result:
    """analyze_sources, or its remembered result when the run's inputs are unchanged."""
    taxonomy = options.taxonomy or load_default_taxonomy()
    key = runner.result_key(run_identity(target, sources, taxonomy)) if runner.stores else None
    cache = runner.config.cache
    stored = cache.get(key) if key is not None else None
    if stored is not None:
        try:
            return replace(result_from_dict(json.loads(stored)), generated_at=generated_at())
        except (ReportFormatError, ValueError):  # an unreadable entry is just a miss
            pass
    result = analyze_sources(target, sources, options)
    if key is not None and not any(p.kind in TRANSIENT_PROBLEMS for p in result.problems):
        cache.put_many([(key, json.dumps(result_to_dict(result), separators=(",", ":")))])
    return result

"""Re-running an unchanged portfolio: the report comes straight from the cache.

Per-file results already make a warm run skip reading and detecting, but scoring, workflows
and encoding the report still cost a pass over every evidence item and workflow (a hundred
thousand on a big portfolio). When nothing a run depends on has changed (target, taxonomy,
selection, the tool's own code, and every project's identity: git blob ids or stat
signatures of all its files, its history and problems), the previous report is the answer.
Any change falls back to the per-file cache, so only what changed is analysed again.

What is remembered is the JSON report's encoded sections (``JsonSections``): a recalled run
replaces ``generated_at``, and ``sources`` when emails are hidden, and reuses the rest as
text, so the JSON it writes is the one a fresh run writes. Other views decode a Result from
the sections when they need one. The key covers everything the sections are made from (the
reporters' code included, through the tool's fingerprint), so an entry is never stale.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from proofolio.filework import FileRunner
from proofolio.models import Result
from proofolio.pipeline import AnalyzeOptions, analyze_sources, generated_at, run_identity
from proofolio.reporters import Report
from proofolio.reporters.json_report import JsonSections
from proofolio.sources.base import Source
from proofolio.taxonomy import load_default_taxonomy

# Problems that may not happen next time (a file being written, memory, a detector crash
# under load): a result that has them is not remembered.
TRANSIENT_PROBLEMS = frozenset({"unreadable", "internal-error", "detector-error", "clone-failed"})
ENTRY_FORMAT = "report-sections/1"  # first item of a stored entry's header line


def analyze_or_recall(target: str, sources: Sequence[Source], options: AnalyzeOptions, runner: FileRunner) -> Result:
    """analyze_sources, or its remembered result when the run's inputs are unchanged."""
    return report_or_recall(target, sources, options, runner).result


def report_or_recall(target: str, sources: Sequence[Source], options: AnalyzeOptions, runner: FileRunner) -> Report:
    """The report of analyze_sources, or the remembered one (dated now) when the run's inputs are unchanged."""
    taxonomy = options.taxonomy or load_default_taxonomy()
    key = runner.result_key(run_identity(target, sources, taxonomy)) if runner.stores else None
    cache = runner.config.cache
    stored = cache.recall(key) if key is not None else None
    recalled = entry_sections(stored) if stored is not None else None
    if recalled is not None:
        return Report(sections=recalled.replaced("generated_at", generated_at()))
    report = Report(analyze_sources(target, sources, options))
    if key is not None and not any(p.kind in TRANSIENT_PROBLEMS for p in report.result.problems):
        cache.put_many([(key, sections_entry(report.sections))])
    return report


def sections_entry(sections: JsonSections) -> str:
    """A cache entry: one header line (format, keys, text lengths), then every text back to back.

    Plain concatenation, not a JSON document of strings: megabytes of report text would be
    escaped when stored and unescaped again by every recall.
    """
    keys = list(sections.pretty)
    texts = [*sections.pretty.values(), *(sections.canonical[k] for k in keys)]
    header = json.dumps([ENTRY_FORMAT, keys, [len(t) for t in texts]])
    return header + "\n" + "".join(texts)


def entry_sections(entry: str) -> JsonSections | None:
    """The sections ``sections_entry`` stored; None for an entry of another format (just a miss)."""
    start = entry.find("\n") + 1
    try:
        fmt, keys, lengths = json.loads(entry[:start])
        if fmt != ENTRY_FORMAT or len(lengths) != 2 * len(keys) or start + sum(lengths) != len(entry):
            return None
    except (ValueError, TypeError):
        return None
    texts = []
    for length in lengths:  # sliced from the entry itself: no copy of the whole body first
        texts.append(entry[start:start + length])
        start += length
    return JsonSections(dict(zip(keys, texts[:len(keys)])), dict(zip(keys, texts[len(keys):])))

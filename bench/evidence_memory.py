"""Bytes held per evidence item after a run's file pass (docs/performance.md, "Memory").

Usage: python bench/evidence_memory.py CORPUS [CACHE_FILE]. With a cache file filled by an
earlier `proofolio analyze --cache-dir`, it measures evidence decoded from the cache (a warm
run with one edit); without, evidence made by the detectors.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc

from proofolio.detectors.registry import default_registry
from proofolio.filework import FileRunner, WorkerConfig
from proofolio.pipeline import gather
from proofolio.sources.local import CollectLimits, LocalCollector


def main() -> None:
    sources = list(LocalCollector(sys.argv[1], (), CollectLimits()).collect())
    with FileRunner(1, WorkerConfig(cache_path=sys.argv[2] if len(sys.argv) > 2 else None)) as runner:
        gc.collect()
        tracemalloc.start()
        analyses, _ = gather(sources, default_registry(), None, runner)
        gc.collect()
        held, peak = tracemalloc.get_traced_memory()
    items = sum(len(a.evidence) for a in analyses)
    print(f"evidence {items}, held {held / 1e6:.1f} MB, {held / items:.0f} B/item, peak {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()

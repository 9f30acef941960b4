"""Where a cold run's time goes, in floors: reading, the bare walk, each detector (in-process CPU).

Usage: python bench/parts.py CORPUS [--detectors]

Prints, as minimum CPU seconds of REPEAT interleaved repetitions over the corpus's .py and
.ipynb files: the bench floor (json.loads + ast.parse), proofolio's reading of the same files,
the engine's walk with no detector subscribed, all file detectors together and, with
--detectors, each detector alone over the bare walk (detectors that use the evaluation flow
each pay for it alone; together it is paid once). A diagnosis aid for docs/performance.md,
not a target: `make bench` measures the runs end to end.
"""

from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import floor

from proofolio.detectors.engine import detect_file
from proofolio.detectors.registry import default_registry
from proofolio.documents.reader import read_document
from proofolio.filework import tune_garbage_collector

REPEAT = int(os.environ.get("REPEAT", "3"))


def cpu(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return time.process_time() - start


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    corpus = Path(sys.argv[1])
    files = sorted(p for p in corpus.rglob("*") if p.suffix in (".py", ".ipynb"))
    blobs = [(str(p.relative_to(corpus)), p.read_bytes()) for p in files]
    tune_garbage_collector()
    documents = [read_document(path, data) for path, data in blobs]
    gc.freeze()  # the documents kept for the detector rows stay out of every collection
    registry = default_registry()
    count = len(registry.file_detectors())

    def detect(chosen: list[int] | None) -> None:
        for document in documents:
            fresh = registry.file_detectors()  # per file, as a run does: detectors keep per-file state
            detect_file(document, fresh if chosen is None else [fresh[i] for i in chosen], "r", None)

    def read() -> None:
        for path, data in blobs:  # each document dropped before the next, as the floor does
            read_document(path, data)

    rows: dict[str, Callable[[], object]] = {
        "floor (json.loads + ast.parse)": lambda: floor(corpus),
        "reading (read_document)": read,
        "bare walk (no detector)": lambda: detect([]),
        "walk + all file detectors": lambda: detect(None),
    }
    best = {name: min(cpu(work) for _ in range(REPEAT)) for name, work in rows.items()}
    unit = best["floor (json.loads + ast.parse)"]
    print(f"{len(files)} files; CPU seconds, min of {REPEAT}; floors = / floor")
    for name, seconds in best.items():
        print(f"{name:<34}{seconds:>8.3f}{seconds / unit:>8.2f}")
    if "--detectors" in sys.argv:
        names = [getattr(getattr(d, "meta", None), "id", type(d).__name__) for d in registry.file_detectors()]
        alone = {names[i]: min(cpu(lambda i=i: detect([i])) for _ in range(REPEAT)) - best["bare walk (no detector)"]
                 for i in range(count)}
        print("\neach detector alone, over the bare walk:")
        for name, seconds in sorted(alone.items(), key=lambda kv: -kv[1]):
            print(f"{name:<42}{seconds:>8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

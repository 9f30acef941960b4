"""`make bench`: proofolio against the unavoidable cost of reading the code, in one run.

Measures, on the same corpus: the floor (json.loads of every notebook + ast.parse of every
code unit, nothing else), proofolio cold with --jobs 1 and --jobs N, and warm (same cache);
prints files/s, MB/s, peak RSS and the ratios, checks the targets, writes bench/results.json.
Shared, noisy machines: each figure is the median of REPEAT runs (default 3; 1 for scale > 1);
cold/floor and jobs1/jobsN are medians of ratios taken within one round (floor, cold 1, cold N).
"""

from __future__ import annotations

import ast
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

from corpus import generate

HERE = Path(__file__).resolve().parent
TARGETS = {"cold_vs_floor": 2.5, "jobs_speedup": 1.6, "warm_vs_cold": 0.05, "peak_rss_mb": 300.0, "peak_rss_mb_4x": 350.0}


def floor(corpus: Path) -> float:
    """The unavoidable work: parse JSON of every notebook and every code unit with ast."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in sorted(corpus.rglob("*")):
            if path.suffix == ".ipynb":
                nb = json.loads(path.read_bytes())
                for cell in nb.get("cells", []):
                    if cell.get("cell_type") == "code":
                        src = cell.get("source")
                        try:
                            ast.parse("".join(src) if isinstance(src, list) else src)
                        except SyntaxError:
                            pass
            elif path.suffix == ".py":
                try:
                    ast.parse(path.read_bytes())
                except SyntaxError:
                    pass
    return time.perf_counter() - start


def proofolio(corpus: Path, cache: Path | None, jobs: int) -> tuple[float, float]:
    """(seconds, peak RSS MB) of one `proofolio analyze` in a fresh process."""
    args = [sys.executable, str(HERE / "measure.py"), "analyze", str(corpus), "--format", "json", "--quiet", "--jobs", str(jobs)]
    args += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    start = time.perf_counter()
    proc = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    seconds = time.perf_counter() - start
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "{}"
    info = json.loads(last) if last.startswith("{") else {}
    if proc.returncode != 0 or info.get("exit", 1) != 0:
        raise SystemExit(f"proofolio failed:\n{proc.stderr[-2000:]}")
    return seconds, float(info["peak_rss_mb"])


def compile_package() -> None:
    """Byte-compile proofolio as an installation does (pip compiles what it installs).

    An editable install compiles a module when it is first imported, unless
    PYTHONDONTWRITEBYTECODE is set (some CI shells set it): then every timed run compiled
    every module it imports again, ~0.1-0.3 s that no installed copy pays. Python still
    reads the compiled files with that variable set.
    """
    import compileall

    import proofolio

    compileall.compile_dir(str(Path(proofolio.__file__).parent), quiet=1)


def touch_one_file(corpus: Path) -> tuple[Path, bytes]:
    """Append a line to one module (its stat signature changes; everything else stays cached)."""
    path = sorted(corpus.rglob("*.py"))[0]
    original = path.read_bytes()
    path.write_bytes(original + b"\nEDITED_BY_BENCH = 1\n")
    return path, original


def restore(changed: tuple[Path, bytes]) -> None:
    path, original = changed
    path.write_bytes(original)


def median_of(repeat: int, run) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    results = [run() for _ in range(repeat)]
    return statistics.median(r[0] for r in results), max(r[1] for r in results)


def main() -> int:
    scale = float(os.environ.get("SCALE", "1"))
    repeat = int(os.environ.get("REPEAT", "3" if scale <= 1 else "1"))
    jobs = len(os.sched_getaffinity(0))
    work = Path(tempfile.mkdtemp(prefix="proofolio-bench-"))
    try:
        corpus = Path(os.environ["CORPUS"]) if os.environ.get("CORPUS") else work / "corpus"
        if not os.environ.get("CORPUS"):
            print(f"generating corpus (scale {scale:g}) in {corpus} ...", flush=True)
            generate(corpus, scale)
        compile_package()
        files = [p for p in corpus.rglob("*") if p.suffix in (".py", ".ipynb")]
        size_mb = sum(p.stat().st_size for p in files) / 1e6
        for path in files:  # into the page cache: the first timed run must not be the only one reading the disk
            path.read_bytes()

        def cold(j: int) -> tuple[float, float]:
            return proofolio(corpus, work / f"cache-cold-{j}-{time.monotonic_ns()}", j)

        # Rounds of (floor, cold --jobs 1, cold --jobs N): this machine's speed drifts by a third
        # within minutes, so each ratio is taken within a round and the median of the rounds'
        # ratios is reported (the seconds are the medians of each column).
        rounds = [(floor(corpus), cold(1), cold(jobs)) for _ in range(repeat)]
        floor_s = statistics.median(f for f, _, _ in rounds)
        cold1 = statistics.median(c[0] for _, c, _ in rounds), max(c[1] for _, c, _ in rounds)
        coldn = statistics.median(c[0] for _, _, c in rounds), max(c[1] for _, _, c in rounds)
        warm_cache = work / "cache-warm"
        proofolio(corpus, warm_cache, jobs)  # fill it
        warm = median_of(repeat, lambda: proofolio(corpus, warm_cache, jobs))
        # an unchanged re-run recalls the scored result; one edited file shows the per-file cache at work
        changed = touch_one_file(corpus)
        edited = proofolio(corpus, warm_cache, jobs)
        restore(changed)
        rows = {"floor": (floor_s, None), "cold --jobs 1": cold1, f"cold --jobs {jobs}": coldn, f"warm --jobs {jobs}": warm,
                "warm, 1 file edited": edited}
        ratios = {
            "edited_vs_cold": edited[0] / coldn[0],
            "cold_vs_floor": statistics.median(c[0] / f for f, c, _ in rounds),
            "jobs_speedup": statistics.median(c1[0] / cn[0] for _, c1, cn in rounds),
            "warm_vs_cold": warm[0] / coldn[0],
            "peak_rss_mb": max(cold1[1], coldn[1], warm[1]),
        }
        print(f"\ncorpus: {len(files)} files, {size_mb:.0f} MB (scale {scale:g}); machine: {platform.machine()}, {jobs} cores, "
              f"Python {platform.python_version()}; median of {repeat}")
        print(f"{'run':<18}{'seconds':>9}{'files/s':>10}{'MB/s':>8}{'peak RSS MB':>13}")
        for name, (secs, rss) in rows.items():
            print(f"{name:<18}{secs:>9.2f}{len(files) / secs:>10.0f}{size_mb / secs:>8.1f}{(f'{rss:.0f}' if rss else '-'):>13}")
        checks = {
            "cold --jobs 1 / floor": (ratios["cold_vs_floor"], f"<= {TARGETS['cold_vs_floor']}", ratios["cold_vs_floor"] <= TARGETS["cold_vs_floor"]),
            f"jobs 1 / jobs {jobs}": (ratios["jobs_speedup"], f">= {TARGETS['jobs_speedup']}", jobs < 2 or ratios["jobs_speedup"] >= TARGETS["jobs_speedup"]),
            "warm / cold": (ratios["warm_vs_cold"], f"<= {TARGETS['warm_vs_cold']}", ratios["warm_vs_cold"] <= TARGETS["warm_vs_cold"]),
            "peak RSS MB": (ratios["peak_rss_mb"], f"< {TARGETS['peak_rss_mb_4x' if scale >= 4 else 'peak_rss_mb']:.0f}",
                            ratios["peak_rss_mb"] < TARGETS["peak_rss_mb_4x" if scale >= 4 else "peak_rss_mb"]),
        }
        print(f"\n{'ratio':<24}{'measured':>10}  target")
        for name, (value, target, ok) in checks.items():
            print(f"{name:<24}{value:>10.3f}  {target:<8} {'ok' if ok else 'MISSED'}")
        out = {"scale": scale, "files": len(files), "size_mb": round(size_mb, 1), "jobs": jobs, "repeat": repeat,
               "seconds": {k: round(v[0], 3) for k, v in rows.items()}, "peak_rss_mb": {k: v[1] for k, v in rows.items() if v[1]},
               "ratios": {k: round(v, 4) for k, v in ratios.items()}, "targets_met": all(ok for *_, ok in checks.values()),
               "machine": {"arch": platform.machine(), "cores": jobs, "python": platform.python_version()}}
        (HERE / ("results.json" if scale == 1 else f"results-scale{scale:g}.json")).write_text(json.dumps(out, indent=2) + "\n")
        return 0 if out["targets_met"] else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

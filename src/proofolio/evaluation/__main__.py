"""`python -m proofolio.evaluation CORPUS [--markdown]`: print the accuracy table; exit 1 on a missed target."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from proofolio.evaluation.corpus import CorpusError, load_corpus
from proofolio.evaluation.render import render_markdown, render_text
from proofolio.evaluation.runner import Targets, evaluate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m proofolio.evaluation", description=__doc__)
    parser.add_argument("corpus", type=Path, help="folder of labelled projects (fixtures/eval)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (docs/eval.md)")
    args = parser.parse_args(argv)
    try:
        corpus = load_corpus(args.corpus)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    targets = Targets()
    report = evaluate(corpus)
    print(render_markdown(report, targets) if args.markdown else render_text(report, targets))
    return 1 if report.failures(targets) else 0


if __name__ == "__main__":
    sys.exit(main())

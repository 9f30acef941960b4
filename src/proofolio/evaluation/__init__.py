"""Measured accuracy: run proofolio on a labelled corpus and compare with a reviewer's labels.

`python -m proofolio.evaluation fixtures/eval` (`make eval`) prints per-skill precision and
recall of skill presence, the location hit rate and every miss, and exits 1 when a target
is missed (docs/eval.md).
"""

from proofolio.evaluation.corpus import Expected, load_corpus
from proofolio.evaluation.runner import Targets, evaluate

__all__ = ["Expected", "Targets", "evaluate", "load_corpus"]

"""Famous tutorial datasets, recognised from a loader's name or the path/name it is given.

Work on Titanic or MNIST is real practice but shows less than work on original data; the
report keeps such evidence and says so (docs/scoring.md).
"""

from __future__ import annotations

import re
from functools import lru_cache

# normalised key (lowercase, no separators) → display name; longer keys are tried first
TUTORIAL_DATASETS: dict[str, str] = {
    "fashionmnist": "Fashion-MNIST",
    "mnist": "MNIST",
    "titanic": "Titanic",
    "iris": "Iris",
    "cifar10": "CIFAR-10",
    "cifar100": "CIFAR-100",
    "cifar": "CIFAR",
    "bostonhousing": "Boston housing",
    "boston": "Boston housing",
    "californiahousing": "California housing",
    "winequality": "Wine",
    "wine": "Wine",
    "breastcancer": "Breast cancer",
    "imdb": "IMDB",
    "digits": "Digits",
    "diabetes": "Diabetes",
    "penguins": "Penguins",
    "tips": "Tips",
    "20newsgroups": "20 Newsgroups",
    "newsgroups": "20 Newsgroups",
    # Hugging Face `load_dataset` tutorial sets
    "rottentomatoes": "Rotten Tomatoes",
    "sst2": "SST-2",
    "agnews": "AG News",
}
_KEYS = sorted(TUTORIAL_DATASETS, key=len, reverse=True)
_TOKEN = re.compile(r"[^a-z0-9]+")


CACHED_TEXT_CHARS = 256  # longer texts (a string literal of any size) are not kept in the cache


def tutorial_dataset(text: str) -> str | None:
    """`sklearn.datasets.load_iris` → Iris, `data/titanic/train.csv` → Titanic, `sales.csv` → None.

    Words are matched from their start (`winequality-red.csv` is Wine, `swine.csv` is not),
    alone or joined with the next words (`fetch_california_housing`). Cached for short texts:
    every loader call asks, and a project loads the same few names and paths again and again.
    """
    if len(text) > CACHED_TEXT_CHARS:
        return _tutorial_dataset.__wrapped__(text)
    return _tutorial_dataset(text)


@lru_cache(maxsize=4096)
def _tutorial_dataset(text: str) -> str | None:
    tokens = [t for t in _TOKEN.split(text.lower()) if t]
    candidates = [
        "".join(tokens[i : i + n]) for n in (3, 2, 1) for i in range(len(tokens) - n + 1)
    ]
    for key in _KEYS:
        if any(c.startswith(key) for c in candidates):
            return TUTORIAL_DATASETS[key]
    return None

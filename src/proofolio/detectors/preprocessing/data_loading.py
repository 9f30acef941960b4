"""PRE-data-loading: where a notebook or script reads its data (the workflow's first stage)."""

from __future__ import annotations

import ast
from fnmatch import fnmatchcase
from functools import lru_cache

from proofolio.detectors.base import CallTarget, DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support.tutorial_datasets import tutorial_dataset
from proofolio.models import Confidence

LOADERS: tuple[str, ...] = (
    "pandas.read_*", "numpy.load", "numpy.loadtxt", "numpy.genfromtxt", "numpy.fromfile",
    "datasets.load_dataset", "datasets.load_from_disk", "sklearn.datasets.load_*", "sklearn.datasets.fetch_*",
    "sklearn.datasets.make_*", "keras.datasets.*.load_data", "tensorflow.keras.datasets.*.load_data",
    "torchvision.datasets.[A-Z]*", "tensorflow_datasets.load", "seaborn.load_dataset",
    "keras.utils.image_dataset_from_directory", "tensorflow.keras.utils.image_dataset_from_directory",
    "keras.utils.text_dataset_from_directory", "tensorflow.keras.utils.text_dataset_from_directory",
    "polars.read_*", "pyarrow.parquet.read_table", "torchaudio.load", "librosa.load",
)


@lru_cache(maxsize=4096)
def _is_loader(name: str) -> bool:
    return any(fnmatchcase(name, p) for p in LOADERS)


class DataLoading(FileDetector):
    meta = DetectorMeta(
        id="PRE-data-loading",
        skill="data_preprocessing",
        title="Loads a dataset (read_csv, load_dataset, torchvision/keras datasets)",
        what=(
            "Resolved calls that read a dataset: pandas/polars read_*, numpy load/loadtxt, Hugging Face "
            "load_dataset, scikit-learn load_*/fetch_*/make_*, keras.datasets.*.load_data, torchvision datasets, "
            "tensorflow_datasets.load, seaborn.load_dataset. Value `dataset` names a famous tutorial dataset "
            "(Titanic, Iris, MNIST ...) recognised from the loader or the path it reads."
        ),
        why=(
            "Loading is the first stage of the ML workflow; it places the workflow in each notebook and tells "
            "original data from tutorial data. It scores nothing by itself (weight 0 in the default taxonomy)."
        ),
        example='''
import pandas as pd
from sklearn.datasets import load_iris
df = pd.read_csv("data/sales.csv")   # detected
X, y = load_iris(return_X_y=True)    # detected
''',
        not_detected="open()/json.load of files, reading through the candidate's own helper functions, torch.load of weights.",
    )
    node_types = (ast.Call,)

    def wants_call(self, target: CallTarget) -> bool:
        """Only resolved loaders."""
        name = target.qualified
        return name is not None and target.confidence is Confidence.HIGH and _is_loader(name)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        assert isinstance(node, ast.Call)
        target = ctx.call_target(node)
        name = target.qualified
        if name is None or target.confidence is not Confidence.HIGH or not _is_loader(name):
            return
        values = [("api", name)]
        dataset = tutorial_dataset(name.rsplit(".", 1)[-1] if not name.startswith(("keras.", "tensorflow.")) else name)
        if dataset is None and not name.startswith("sklearn.datasets.make_"):
            first = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg in ("path", "filepath_or_buffer", "name")), None)
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                dataset = tutorial_dataset(first.value)
        if name.startswith("sklearn.datasets.make_"):
            values.append(("dataset", "synthetic"))
        elif dataset is not None:
            values.append(("dataset", dataset))
        ctx.emit(self.meta, node, Confidence.HIGH, values)

"""EVAL-provided-test-split: the test part a dataset library provides, loaded to evaluate on."""

from __future__ import annotations

import ast

from proofolio.detectors.base import CallTarget, DetectorMeta, FileContext, FileDetector
from proofolio.models import Confidence

# Loaders that take the part to load as an argument: torchvision's `train=False`, the `split=` of
# Hugging Face datasets, TensorFlow Datasets, torchtext and torchvision's newer datasets
_LOADER_PREFIXES = ("torchvision.datasets.", "datasets.load_dataset", "tensorflow_datasets.load", "tfds.load",
                    "torchtext.datasets.", "torchaudio.datasets.")
_TEST_WORDS = ("test", "validation", "valid", "val")


def _names_test_part(node: ast.AST) -> bool:
    """`"test"`, `"test[:10%]"`, `"validation"`: a string naming a held-out part (not "train+test")."""
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
        return False
    text = node.value.lower().split("[", 1)[0].strip()
    return text in _TEST_WORDS


def held_out_part(call: ast.Call, qualified: str) -> str | None:
    """Which held-out part a loader call asks for (`train=False`, `split="test"`), or None."""
    for keyword in call.keywords:
        if keyword.arg == "train" and isinstance(keyword.value, ast.Constant) and keyword.value.value is False:
            return "train=False"
        if keyword.arg in ("split", "subset") and _names_test_part(keyword.value):
            return f"{keyword.arg}={keyword.value.value}"  # type: ignore[attr-defined]
    if qualified == "datasets.load_dataset" and len(call.args) >= 3 and _names_test_part(call.args[2]):
        return f"split={call.args[2].value}"  # type: ignore[attr-defined]
    return None


class ProvidedTestSplit(FileDetector):
    meta = DetectorMeta(
        id="EVAL-provided-test-split",
        skill="model_evaluation",
        title="Loads a dataset's own test split to evaluate on (train=False, split='test')",
        what=(
            "A dataset loaded as its held-out part: torchvision, torchtext and torchaudio datasets with "
            "`train=False` or `split=\"test\"`, Hugging Face `load_dataset(..., split=\"test\")` and TensorFlow "
            "Datasets `tfds.load(..., split=\"test\")` (also validation parts). High confidence; value `part`."
        ),
        why=(
            "Benchmarks ship a test split so that results are comparable and honest; loading it apart from the "
            "training data is how deep-learning projects hold out test data."
        ),
        example='''
from torchvision import datasets, transforms
test_set = datasets.MNIST(".", train=False, transform=transforms.ToTensor())   # detected
''',
        not_detected=(
            "The training part (`train=True`, `split=\"train\"`), a whole dataset split later (EVAL-train-test-split), "
            "`split=\"train+test\"`, and Keras' load_data(), which returns both parts at once."
        ),
    )
    node_types = (ast.Call,)

    def wants_call(self, target: CallTarget) -> bool:
        return target.qualified is not None and target.qualified.startswith(_LOADER_PREFIXES)

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        assert isinstance(node, ast.Call)
        qualified = ctx.call_target(node).qualified
        if qualified is None or not qualified.startswith(_LOADER_PREFIXES):
            return
        part = held_out_part(node, qualified)
        if part is not None:
            ctx.emit(self.meta, node, Confidence.HIGH, (("part", part), ("api", qualified)))

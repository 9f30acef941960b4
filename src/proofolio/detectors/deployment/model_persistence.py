"""OPS-model-persistence: a trained model saved to disk (not just any object pickled)."""

from __future__ import annotations

import ast

from proofolio.detectors.base import LOCAL_TYPE_PREFIX, CallTarget, DetectorMeta, FileContext, FileDetector, dotted
from proofolio.detectors.support import is_model_type, looks_like_model_name
from proofolio.models import Confidence

# Generic serialisers: what they save decides whether it is a model.
GENERIC_DUMPS: dict[str, Confidence | None] = {
    # API → confidence when the object is neither typed nor named like a model (None: no evidence)
    "joblib.dump": Confidence.LOW,
    "torch.save": Confidence.LOW,
    "pickle.dump": None,
    "dill.dump": None,
    "cloudpickle.dump": None,
    "skops.io.dump": Confidence.LOW,
}
# Model-specific savers: whatever they save is a model.
MODEL_SAVES = frozenset(
    {
        "keras.models.save_model", "tensorflow.keras.models.save_model", "keras.saving.save_model",
        "tensorflow.saved_model.save", "torch.jit.save", "torch.onnx.export", "onnx.save", "onnx.save_model",
        "skl2onnx.convert_sklearn", "safetensors.torch.save_file", "safetensors.torch.save_model",
        # checkpoint callbacks: they save the model as it trains
        "pytorch_lightning.callbacks.ModelCheckpoint", "lightning.pytorch.callbacks.ModelCheckpoint",
        "lightning.pytorch.callbacks.model_checkpoint.ModelCheckpoint", "skorch.callbacks.Checkpoint",
        "keras.callbacks.ModelCheckpoint", "tensorflow.keras.callbacks.ModelCheckpoint",
    }
)
# Methods that save the model they are called on: typed receiver → high, untyped → medium (with the package imported).
SAVE_METHODS: dict[str, tuple[str, ...]] = {
    "save": ("keras", "tensorflow"),
    "save_model": ("xgboost", "lightgbm", "catboost", "keras", "tensorflow", "transformers", "trl", "setfit"),
    "save_pretrained": ("transformers", "peft", "diffusers", "sentence_transformers"),
    "save_weights": ("keras", "tensorflow"),
    "save_checkpoint": ("pytorch_lightning", "lightning"),
    "save_params": ("skorch",),
}
# Trainers whose save_model writes the model they trained (Hugging Face Trainer and its subclasses).
TRAINERS_THAT_SAVE = frozenset({
    "transformers.Trainer", "transformers.Seq2SeqTrainer", "trl.SFTTrainer", "trl.DPOTrainer", "trl.RewardTrainer",
    "trl.PPOTrainer", "setfit.Trainer", "setfit.SetFitTrainer",
})
# Companions a model package saves with the same methods: `tokenizer.save_pretrained` saves no model.
COMPANIONS = ("Tokenizer", "TokenizerFast", "Processor", "FeatureExtractor", "Config", "ImageProcessor")
_LITERALS = (ast.Dict, ast.List, ast.Tuple, ast.Set, ast.Constant)
# Types fitted as often as models but saved as preparation, not as a model: scalers, encoders, vectorizers, frames.
_NOT_MODELS = ("sklearn.preprocessing.", "sklearn.feature_extraction.", "sklearn.compose.", "sklearn.impute.",
               "sklearn.feature_selection.", "category_encoders.", "pandas.", "numpy.", "tensorflow.keras.preprocessing.",
               "keras.preprocessing.", "transformers.AutoTokenizer", "tokenizers.")
COMPANION_NAMES = ("tokenizer", "processor", "feature_extractor", "config")
FIT_METHODS = frozenset({"fit", "fit_transform", "fit_resample", "partial_fit", "train"})


class ModelPersistence(FileDetector):
    meta = DetectorMeta(
        id="OPS-model-persistence",
        skill="deployment_mlops",
        title="Saves trained models (joblib, torch.save, save_model, MLflow)",
        what=(
            "Saving a model: joblib/pickle/dill/torch.save/skops of an object that is a model (typed as an "
            "estimator or network, fitted earlier in the file, a state_dict(), or named like `model`/`clf`), "
            "Keras/XGBoost/LightGBM/CatBoost save/save_model, a Hugging Face Trainer's save_model, save_pretrained, torch.jit/ONNX export, "
            "mlflow.<flavour>.save_model/log_model, Keras/Lightning/skorch checkpoints (ModelCheckpoint, "
            "trainer.save_checkpoint, skorch Checkpoint/save_params). joblib.dump/torch.save of an unknown object is low "
            "confidence; a checkpoint dict holding a `state_dict()` (PyTorch's recipe) counts; pickling an object "
            "that is not a model (a DataFrame, another dict literal) is no evidence."
        ),
        why="A model that is saved can be reused and deployed; persisting the trained artefact is the first step of MLOps.",
        example='''
import joblib
import torch
from sklearn.ensemble import RandomForestClassifier

model = RandomForestClassifier().fit(X_train, y_train)
joblib.dump(model, "model.joblib")                 # detected
torch.save(net.state_dict(), "weights.pt")          # detected
''',
        not_detected=(
            "Pickling data (DataFrames, arrays, vocabularies, dict/list literals), PIL image.save / figure savefig, "
            "a tokenizer's or processor's save_pretrained, a Trainer's save_state/save_metrics, "
            "and .save() on objects of unknown type outside Keras/TensorFlow files."
        ),
    )
    node_types = (ast.Call,)

    def __init__(self) -> None:
        self.fitted: set[str] = set()  # receivers of .fit()/.train() seen so far

    def wants_call(self, target: CallTarget) -> bool:
        """Fits (remembered receivers), serialisers, model savers and save methods."""
        method, qualified = target.method, target.qualified
        if method in FIT_METHODS or method in SAVE_METHODS:
            return True
        return qualified is not None and (qualified in GENERIC_DUMPS or qualified in MODEL_SAVES or _mlflow_save(qualified))

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        assert isinstance(node, ast.Call)
        target = ctx.call_target(node)
        qualified = target.qualified
        method = target.method
        if method in FIT_METHODS and isinstance(node.func, ast.Attribute):
            receiver = dotted(node.func.value)
            if receiver is not None:
                self.fitted.add(receiver)
        if qualified is not None and qualified in GENERIC_DUMPS and node.args:
            self._generic(node, ctx, qualified, target.confidence)
        elif qualified is not None and (qualified in MODEL_SAVES or _mlflow_save(qualified)):
            ctx.emit(self.meta, node, target.confidence, (("api", qualified),))
        elif method in SAVE_METHODS:
            self._method(node, ctx, qualified, method)

    def _generic(self, node: ast.Call, ctx: FileContext, api: str, resolved: Confidence) -> None:
        obj = node.args[0]
        obj_type = ctx.expression_type(obj)
        name = dotted(obj)
        confidence: Confidence | None
        if _state_dict(obj):
            confidence, what = Confidence.HIGH, "state_dict"
        elif isinstance(obj, ast.Dict) and any(v is not None and _state_dict(v) for v in obj.values):
            # PyTorch's checkpoint recipe: {"epoch": e, "model_state_dict": model.state_dict(), ...}
            confidence, what = Confidence.HIGH, "checkpoint with state_dict"
        elif is_model_type(obj_type):
            confidence, what = Confidence.HIGH, obj_type or ""
        elif (name is not None and name in self.fitted and not isinstance(obj, _LITERALS)
              and (obj_type is None or not obj_type.startswith(_NOT_MODELS))):
            confidence, what = Confidence.HIGH, f"{name} (fitted above)"  # a lifelines CoxPHFitter, a statsmodels model
        elif (obj_type is not None and not obj_type.startswith(LOCAL_TYPE_PREFIX)) or isinstance(obj, _LITERALS):
            return  # a DataFrame, an array, a literal: data, not a model
        elif name is not None and looks_like_model_name(name):
            confidence, what = Confidence.MEDIUM, name
        else:
            confidence, what = GENERIC_DUMPS[api], name or "object"
        if confidence is None:
            return
        if resolved is not Confidence.HIGH and confidence is Confidence.HIGH:
            confidence = Confidence.MEDIUM
        ctx.emit(self.meta, node, confidence, (("api", api), ("object", what)))

    def _method(self, node: ast.Call, ctx: FileContext, qualified: str | None, method: str) -> None:
        packages = SAVE_METHODS[method]
        if qualified is not None:
            receiver_type = qualified.rsplit(".", 1)[0]
            if receiver_type.endswith(COMPANIONS):
                return
            # a Lightning Trainer is no model, but what it checkpoints is; a Hugging Face Trainer saves its model
            if receiver_type.startswith(packages) and (is_model_type(receiver_type) or method == "save_checkpoint"
                                                       or receiver_type in TRAINERS_THAT_SAVE):
                ctx.emit(self.meta, node, Confidence.HIGH, (("api", qualified),))
            return
        receiver = dotted(node.func.value) if isinstance(node.func, ast.Attribute) else None
        if receiver is not None and any(word in receiver.lower() for word in COMPANION_NAMES):
            return  # tokenizer.save_pretrained(...)
        if any(ctx.document.imports.imports(p) for p in packages):
            ctx.emit(self.meta, node, Confidence.MEDIUM, (("method", method),))


def _mlflow_save(qualified: str) -> bool:
    return qualified.startswith("mlflow.") and qualified.rsplit(".", 1)[-1] in ("save_model", "log_model")


def _state_dict(node: ast.AST) -> bool:
    """`model.state_dict()`: a network's (or optimiser's) weights."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "state_dict"

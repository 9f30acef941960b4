"""OPS-model-serving: a web app or API that serves a model (not any web app)."""

from __future__ import annotations

import ast
from functools import lru_cache

from proofolio.detectors.base import LOCAL_TYPE_PREFIX, CallTarget, DetectorMeta, FileContext, FileDetector
from proofolio.detectors.support import is_model_type
from proofolio.models import Confidence

# resolved call prefix → framework name
FRAMEWORKS: tuple[tuple[str, str], ...] = (
    ("fastapi.FastAPI", "fastapi"),
    ("fastapi.APIRouter", "fastapi"),
    ("flask.Flask", "flask"),
    ("flask.Blueprint", "flask"),
    ("streamlit.", "streamlit"),
    ("gradio.", "gradio"),
    ("bentoml.", "bentoml"),
    ("litserve.", "litserve"),
    ("ray.serve.", "ray_serve"),
)
# resolved calls that load a trained model for inference
# generic deserialisers: they load data as often as models, so they count only with a predict call
GENERIC_LOADS = frozenset({"pickle.load", "pickle.loads", "dill.load", "cloudpickle.load"})
MODEL_LOADS = frozenset(
    {
        "joblib.load", "torch.load", "torch.jit.load",
        "keras.models.load_model", "tensorflow.keras.models.load_model", "keras.saving.load_model",
        "tensorflow.saved_model.load", "onnxruntime.InferenceSession", "skops.io.load", "transformers.pipeline",
        "sentence_transformers.SentenceTransformer", "ultralytics.YOLO", "tensorflow.lite.Interpreter",
        "xgboost.Booster", "lightgbm.Booster",
    }
)
PREDICT_METHODS = frozenset({"predict", "predict_proba", "generate", "forecast", "decision_function"})


def _predicts(method: str | None) -> bool:
    """predict/predict_proba/generate/forecast, and every predict_* of other libraries (lifelines'
    predict_percentile, predict_survival_function; predict_log_proba ...)."""
    return method is not None and (method in PREDICT_METHODS or method.startswith("predict_"))
_LOAD_MODEL_PACKAGES = ("mlflow.", "xgboost.", "lightgbm.", "catboost.", "keras.", "tensorflow.")


@lru_cache(maxsize=4096)
def _framework(qualified: str) -> str | None:
    """The serving framework a resolved call belongs to (cached: asked for every call of every file)."""
    for prefix, framework in FRAMEWORKS:
        if qualified == prefix or (prefix.endswith(".") and qualified.startswith(prefix)):
            return framework
    return None


@lru_cache(maxsize=4096)
def _load_api(qualified: str) -> bool:
    if qualified in MODEL_LOADS:
        return True
    if qualified.startswith(_LOAD_MODEL_PACKAGES) and qualified.endswith(".load_model"):
        return True
    return qualified.startswith("transformers.") and qualified.endswith(".from_pretrained") and "Tokenizer" not in qualified


class ModelServing(FileDetector):
    meta = DetectorMeta(
        id="OPS-model-serving",
        skill="deployment_mlops",
        title="Serves a model through a web app or API (FastAPI, Flask, Streamlit, Gradio)",
        what=(
            "A file that creates a web app or API (FastAPI/APIRouter, Flask/Blueprint, any Streamlit or Gradio "
            "call, BentoML, LitServe, Ray Serve) and, in the same file, loads a trained model (joblib/torch.load, "
            "Keras load_model, MLflow load_model, ONNX Runtime, transformers from_pretrained/pipeline ...) or calls "
            "predict/predict_proba/predict_*/forecast/generate. High confidence with a resolved model load (pickle/dill loads count "
            "only next to a predict call: they load data as often), medium with only a predict call. Cited at the "
            "app's creation and, when the file calls predict, at the route handler that does (decorator to call)."
        ),
        why="Putting a model behind an interface other people can call is what turns a notebook into a product.",
        example='''
import joblib
from fastapi import FastAPI

app = FastAPI()                                  # detected
model = joblib.load("model.joblib")

@app.post("/predict")                            # detected (the route that uses the model, to the call)
def predict(features: Features):
    return {"churn": model.predict_proba([features.values()])[0, 1]}
''',
        not_detected=(
            "A web app with no model (a to-do app, a dashboard of pickled data), and an app whose model is loaded "
            "in another module of the project (OPS-model-serving-project links those)."
        ),
    )
    node_types = (ast.Call,)

    def __init__(self) -> None:
        self.app: tuple[ast.Call, str] | None = None
        self.load: str | None = None
        self.generic_load: str | None = None
        self.predict: str | None = None
        self.predict_node: ast.Call | None = None

    def wants_call(self, target: CallTarget) -> bool:
        """Resolved app creations and model loads, and predict-like methods."""
        if _predicts(target.method):
            return True
        qualified = target.qualified
        return (
            qualified is not None
            and target.confidence is Confidence.HIGH
            and (_framework(qualified) is not None or _load_api(qualified) or qualified in GENERIC_LOADS)
        )

    def visit(self, node: ast.AST, ctx: FileContext) -> None:
        assert isinstance(node, ast.Call)
        target = ctx.call_target(node)
        qualified = target.qualified
        if qualified is not None and target.confidence is Confidence.HIGH:
            if self.app is None:
                framework = _framework(qualified)
                if framework is not None:
                    self.app = (node, framework)
            if self.load is None and _load_api(qualified):
                self.load = qualified
            elif self.generic_load is None and qualified in GENERIC_LOADS:
                self.generic_load = qualified
        if self.predict is None and _predicts(target.method):
            # model.predict(...) on an untyped variable (joblib.load gives no type) or on a typed model
            # (or on the candidate's own wrapper class)
            if qualified is None or qualified.startswith(LOCAL_TYPE_PREFIX) or is_model_type(qualified.rsplit(".", 1)[0]):
                self.predict = target.method
                self.predict_node = node

    def finish(self, ctx: FileContext) -> None:
        if self.app is None or (self.load is None and self.predict is None):
            return
        node, framework = self.app
        load = self.load or (self.generic_load if self.predict is not None else None)
        confidence = Confidence.HIGH if load is not None else Confidence.MEDIUM
        values = [("framework", framework), ("model", load or self.predict or "")]
        line = node.lineno
        ctx.emit(self.meta, None, confidence, values, line=line, snippet=ctx.document.snippet(line, line))
        if self.predict_node is not None:
            # where the app uses the model: the enclosing route handler (decorator to the call), else the call
            call = self.predict_node
            start = _handler_start(ctx.document.tree, call.lineno) or call.lineno
            end = call.end_lineno or call.lineno
            ctx.emit(self.meta, None, confidence, [*values, ("uses_model", "yes")], line=start, end_line=end,
                     snippet=ctx.document.snippet(start, end))


def _handler_start(tree: ast.AST | None, line: int) -> int | None:
    """First line (decorators included) of the innermost function containing ``line``."""
    best: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= line <= (node.end_lineno or 0):
            if best is None or node.lineno > best.lineno:
                best = node
    if best is None:
        return None
    return min([best.lineno, *(d.lineno for d in best.decorator_list)])

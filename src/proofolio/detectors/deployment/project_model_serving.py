"""OPS-model-serving-project: a web app whose model is loaded in another module of the project.

OPS-model-serving sees one file at a time; real services split the route (`app/api/predict.py`)
from the loading code (`app/models/lstm.py`). This repository-level pass links them: a file
that builds a web app and calls a function imported from a project module that loads a
trained model. Only projects with a web framework import and a model-load call are parsed,
so most projects cost one text search.
"""

from __future__ import annotations

import ast
import re

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector, TextProbe, qualified_name
from proofolio.detectors.deployment.model_serving import FRAMEWORKS, _load_api
from proofolio.documents import read_document
from proofolio.documents.base import Document
from proofolio.models import Confidence

_WEB_FRAMEWORKS = ("fastapi", "flask", "streamlit", "gradio", "bentoml", "litserve")
_WEB_IMPORT = re.compile(rf"^\s*(?:from|import)\s+({'|'.join(_WEB_FRAMEWORKS)})\b", re.M)
_LOAD_HINTS = ("load_model", "joblib", "torch.load", "from_pretrained", "pipeline(", "InferenceSession", "pickle")


def _imports_web_framework(text: str) -> bool:
    """Whether _WEB_IMPORT matches. Nearly every module names no framework at all: substring
    tests rule those out for a fraction of what the multi-line regex costs on each of them."""
    return any(name in text for name in _WEB_FRAMEWORKS) and _WEB_IMPORT.search(text) is not None


def _may_load_model(text: str) -> bool:
    """Whether the module names a model-loading API (load_model, joblib, torch.load ...): plain substring tests."""
    return any(hint in text for hint in _LOAD_HINTS)


WEB_APP = TextProbe(_imports_web_framework, (".py",))
LOADS_MODEL = TextProbe(_may_load_model, (".py",))


def _calls(document: Document) -> list[tuple[ast.Call, str]]:
    """Every call whose target the imports resolve; none for a file that did not parse."""
    if document.tree is None:
        return []
    return [
        (node, qualified)
        for node in ast.walk(document.tree) if isinstance(node, ast.Call)
        if (qualified := qualified_name(document.imports, node.func)) is not None
    ]


def _module_path(qualified: str, paths: frozenset[str]) -> str | None:
    """`app.models.lstm.load` → `app/models/lstm.py` (or under src/), when the project has it."""
    parts = qualified.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        stem = "/".join(parts[:cut])
        for candidate in (f"{stem}.py", f"src/{stem}.py", f"{stem}/__init__.py"):
            if candidate in paths:
                return candidate
    return None


class ProjectModelServing(RepoDetector):
    meta = DetectorMeta(
        id="OPS-model-serving-project",
        skill="deployment_mlops",
        title="Serves a model loaded in another module of the project (FastAPI, Flask, Streamlit, Gradio)",
        what=(
            "A file that builds a web app or API (FastAPI/APIRouter, Flask/Blueprint, Streamlit, Gradio, BentoML, "
            "LitServe) and calls a function imported from another module of the same project, where that module "
            "loads a trained model (joblib/torch.load, Keras/MLflow load_model, transformers from_pretrained/pipeline, "
            "ONNX Runtime ...). Cited at the call in the app file, medium confidence (the link is by name)."
        ),
        why="Services keep routes and model loading apart; a reviewer follows the import, and so does proofolio.",
        example='''
# app/api/predict.py
from fastapi import APIRouter
from app.models.lstm_model import load_lstm_model      # app/models/lstm_model.py calls keras load_model

router = APIRouter()

@router.post("/predict")
def predict(request: Request):
    model = load_lstm_model(request.stock)               # detected
''',
        not_detected=(
            "Projects where OPS-model-serving already found the app and the model in one file; apps whose helper "
            "module loads data rather than a model; models loaded through several layers of project functions."
        ),
        scope="repo",
    )

    text_probes = (WEB_APP, LOADS_MODEL)

    def check(self, repo: RepoContext) -> None:
        if repo.has_evidence("OPS-model-serving"):
            return
        modules = [path for path in repo.paths if path.endswith(".py")]
        web_files = [path for path in modules if repo.probe(path, WEB_APP)]
        if not web_files:
            return
        # only the files that build an app or may load a model are read
        texts = {path: repo.read_text(path) for path in modules if path in web_files or repo.probe(path, LOADS_MODEL)}
        loaders: dict[str, str] = {}
        for path in sorted(texts):
            if path in web_files or not _may_load_model(texts[path]):
                continue
            document = read_document(path, texts[path].encode("utf-8"))
            api = next((q for _, q in _calls(document) if _load_api(q)), None)
            if api is not None:
                loaders[path] = api
        if not loaders:
            return
        paths = frozenset(repo.paths)
        for path in web_files:
            document = read_document(path, texts[path].encode("utf-8"))
            calls = _calls(document)
            framework = next(
                (name for _, q in calls for prefix, name in FRAMEWORKS if q == prefix or (prefix.endswith(".") and q.startswith(prefix))),
                None,
            )
            if framework is None:
                continue
            for node, qualified in calls:
                module = _module_path(qualified, paths)
                if module is None or module not in loaders:
                    continue
                line = node.lineno
                repo.emit(
                    self.meta, path, line, document.snippet(line, node.end_lineno), Confidence.MEDIUM,
                    (("framework", framework), ("model_module", module), ("model", loaders[module])),
                    end_line=node.end_lineno if node.end_lineno != line else None,
                )
                return

"""OPS-dockerfile: a container definition for a project that persists or serves a model."""

from __future__ import annotations

import re

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector
from proofolio.detectors.support import basename
from proofolio.models import Confidence

_DOCKERFILE = re.compile(r"^(dockerfile([._-][\w.-]+)?|[\w.-]+\.dockerfile)$", re.IGNORECASE)
_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)", re.IGNORECASE)
_START = re.compile(r"^\s*(CMD|ENTRYPOINT)\b(.*)$", re.IGNORECASE)
# What a container that serves starts: an ASGI/WSGI server, an app framework's runner, a model server.
_SERVER = re.compile(
    r"uvicorn|gunicorn|hypercorn|waitress|daphne|streamlit|gradio|flask|fastapi|bentoml|torchserve|"
    r"tensorflow_model_server|mlflow\s+models\s+serve|panel\s+serve|voila|dash",
    re.IGNORECASE,
)


class Dockerfile(RepoDetector):
    meta = DetectorMeta(
        id="OPS-dockerfile",
        skill="deployment_mlops",
        title="Containerises a model service (Dockerfile)",
        what=(
            "A Dockerfile (Dockerfile, Dockerfile.*, *.dockerfile) with a FROM line, in a project that also serves "
            "a model (OPS-model-serving) or saves a trained one (OPS-model-persistence: medium). High confidence "
            "and serves_model=yes when the container starts what serves: a server (uvicorn, gunicorn, streamlit, "
            "gradio ...) or a file with serving evidence in its CMD/ENTRYPOINT (or it has none). "
            "Points at the first FROM line; values: the base image."
        ),
        why="A container for a model service shows the candidate can ship a model to an environment other than their laptop.",
        example='''
FROM python:3.11-slim          # detected (project also has OPS-model-serving evidence)
COPY . /app
CMD ["uvicorn", "app:app", "--host", "0.0.0.0"]
''',
        not_detected=(
            "Dockerfiles in projects without model persistence or serving evidence (a container alone says nothing "
            "about ML deployment), docker-compose files alone, and devcontainer definitions."
        ),
        scope="repo",
    )

    def check(self, repo: RepoContext) -> None:
        served = {e.location.path for e in repo.file_evidence if e.detector == "OPS-model-serving"}
        if not served and not repo.has_evidence("OPS-model-persistence"):
            return
        for path in repo.paths:
            if not _DOCKERFILE.match(basename(path)) or path.startswith(".devcontainer/"):
                continue
            lines = repo.read_text(path).splitlines()
            serving = bool(served) and _starts_a_server(lines, served)
            for number, line in enumerate(lines, start=1):
                match = _FROM.match(line)
                if match:
                    values = (("base_image", match.group(1)), ("serves_model", "yes" if serving else "no"))
                    confidence = Confidence.HIGH if serving else Confidence.MEDIUM
                    repo.emit(self.meta, path, number, line.strip(), confidence, values)
                    break


def _starts_a_server(lines: list[str], served: set[str]) -> bool:
    """Whether the container starts what serves the model: a server (uvicorn, streamlit ...) or a file
    with serving evidence (`CMD ["python", "app.py"]`); without CMD/ENTRYPOINT (a base image for
    others) the project's serving counts."""
    starts = " ".join(m.group(2) for line in lines if (m := _START.match(line)))
    if not starts:
        return True
    if _SERVER.search(starts):
        return True
    served_names = {basename(p) for p in served} | {basename(p).removesuffix(".py") + ":" for p in served}
    return any(name in starts for name in served_names)

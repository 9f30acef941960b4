"""OPS-dockerfile: a container definition for a project that persists or serves a model."""

from __future__ import annotations

import re

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector
from proofolio.detectors.support import basename
from proofolio.models import Confidence

_DOCKERFILE = re.compile(r"^(dockerfile([._-][\w.-]+)?|[\w.-]+\.dockerfile)$", re.IGNORECASE)
_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)", re.IGNORECASE)


class Dockerfile(RepoDetector):
    meta = DetectorMeta(
        id="OPS-dockerfile",
        skill="deployment_mlops",
        title="Containerises a model service (Dockerfile)",
        what=(
            "A Dockerfile (Dockerfile, Dockerfile.*, *.dockerfile) with a FROM line, in a project that also serves "
            "a model (OPS-model-serving: high confidence) or saves a trained one (OPS-model-persistence: medium). "
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
        serving = repo.has_evidence("OPS-model-serving")
        if not serving and not repo.has_evidence("OPS-model-persistence"):
            return
        for path in repo.paths:
            if not _DOCKERFILE.match(basename(path)) or path.startswith(".devcontainer/"):
                continue
            for number, line in enumerate(repo.read_text(path).splitlines(), start=1):
                match = _FROM.match(line)
                if match:
                    values = (("base_image", match.group(1)), ("serves_model", "yes" if serving else "no"))
                    confidence = Confidence.HIGH if serving else Confidence.MEDIUM
                    repo.emit(self.meta, path, number, line.strip(), confidence, values)
                    break

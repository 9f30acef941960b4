"""OPS-data-versioning: data and pipelines versioned with DVC."""

from __future__ import annotations

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector
from proofolio.detectors.support import basename, first_content_line
from proofolio.models import Confidence


class DataVersioning(RepoDetector):
    meta = DetectorMeta(
        id="OPS-data-versioning",
        skill="deployment_mlops",
        title="Versions data and pipelines with DVC (dvc.yaml, .dvc files)",
        what=(
            "A DVC pipeline (dvc.yaml, high confidence: stages that reproduce the model) or DVC-tracked data "
            "(*.dvc pointer files, medium). One evidence per project at the pipeline, else at the first pointer "
            "file; values count the stages' files and tracked files."
        ),
        why="Versioning data and the steps that turn it into a model is what makes an ML result reproducible by others.",
        example='''
dvc.yaml
stages:                          # detected
  train:
    cmd: python src/train.py
''',
        not_detected="A bare .dvc/ folder (dvc init with nothing tracked), dvc commands mentioned only in a README, empty files.",
        scope="repo",
    )

    def check(self, repo: RepoContext) -> None:
        pipelines = [p for p in repo.paths if basename(p) == "dvc.yaml"]
        pointers = [p for p in repo.paths if p.endswith(".dvc") and not p.startswith(".dvc/")]
        values = (("pipelines", str(len(pipelines))), ("tracked", str(len(pointers))))
        for path, confidence in [*((p, Confidence.HIGH) for p in pipelines), *((p, Confidence.MEDIUM) for p in pointers)]:
            first = first_content_line(repo.read_text(path))
            if first is not None:
                repo.emit(self.meta, path, first[0], first[1], confidence, values)
                return

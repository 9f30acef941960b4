"""SE-ci: continuous-integration configuration."""

from __future__ import annotations

import re

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector
from proofolio.detectors.support import first_content_line
from proofolio.models import Confidence

_WORKFLOW = re.compile(r"^\.github/workflows/[^/]+\.ya?ml$")
CI_FILES: dict[str, str] = {
    ".gitlab-ci.yml": "gitlab",
    ".circleci/config.yml": "circleci",
    "azure-pipelines.yml": "azure",
    "Jenkinsfile": "jenkins",
    ".travis.yml": "travis",
    "bitbucket-pipelines.yml": "bitbucket",
}
_RUNS_TESTS = re.compile(r"\b(pytest|unittest|tox|nox|make\s+test|python\s+-m\s+pytest)\b")
_TRAINS = re.compile(r"\b(train\w*\.py|dvc\s+repro|mlflow\s+run)\b")


class ContinuousIntegration(RepoDetector):
    meta = DetectorMeta(
        id="SE-ci",
        skill="software_engineering",
        title="Configures continuous integration (GitHub Actions, GitLab CI ...)",
        what=(
            "CI configuration files: .github/workflows/*.yml, .gitlab-ci.yml, .circleci/config.yml, "
            "azure-pipelines.yml, Jenkinsfile, .travis.yml, bitbucket-pipelines.yml. One evidence per non-empty "
            "file at its first line of content; values: the provider, whether it runs tests and whether it trains."
        ),
        why="CI runs the checks on every change; it shows the candidate works the way engineering teams do.",
        example='''
# .github/workflows/tests.yml
name: tests                     # detected
on: [push]
jobs: ...
''',
        not_detected="Other .github files (issue templates, dependabot.yml), pre-commit configuration, and whether the pipeline passes.",
        scope="repo",
    )

    def check(self, repo: RepoContext) -> None:
        for path in repo.paths:
            provider = "github" if _WORKFLOW.match(path) else CI_FILES.get(path)
            if provider is None:
                continue
            text = repo.read_text(path)
            comment = "//" if provider == "jenkins" else "#"
            first = first_content_line(text, comment)
            if first is None:
                continue
            values = (
                ("provider", provider),
                ("runs_tests", "yes" if _RUNS_TESTS.search(text) else "no"),
                ("trains", "yes" if _TRAINS.search(text) else "no"),
            )
            repo.emit(self.meta, path, first[0], first[1], Confidence.HIGH, values)

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
_TRIVIAL_COMMANDS = frozenset({"echo", "ls", "pwd", "cat", "date", "whoami", "true", "env", "printenv", "sleep", "exit"})
_RUN = re.compile(r"^(\s*)(?:-\s*)?run\s*:\s*(.*)$")
_USES = re.compile(r"^\s*(?:-\s*)?uses\s*:\s*['\"]?([^\s'\"#]+)")
_RUNS_TESTS = re.compile(r"\b(pytest|unittest|tox|nox|make\s+test|python\s+-m\s+pytest)\b")
_TRAINS = re.compile(r"((?:\b|_)train\w*\.py|\bdvc\s+repro|\bmlflow\s+run)\b")  # train.py, model_training.py; not constrain.py


class ContinuousIntegration(RepoDetector):
    meta = DetectorMeta(
        id="SE-ci",
        skill="software_engineering",
        title="Configures continuous integration (GitHub Actions, GitLab CI ...)",
        what=(
            "CI configuration files: .github/workflows/*.yml, .gitlab-ci.yml, .circleci/config.yml, "
            "azure-pipelines.yml, Jenkinsfile, .travis.yml, bitbucket-pipelines.yml. One evidence per non-empty "
            "file at its first line of content; values: the provider, whether it runs tests and whether it trains. "
            "Low confidence for a GitHub workflow whose steps only check out, echo or list files."
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
            # a workflow whose steps only echo or list (a tutorial's first try) shows little CI practice
            confidence = Confidence.LOW if provider == "github" and not does_work(text) else Confidence.HIGH
            repo.emit(self.meta, path, first[0], first[1], confidence, values)


def does_work(workflow: str) -> bool:
    """Whether a GitHub workflow has a step that does something: an action other than checkout, or a
    command other than echo/ls/cat... (installing, testing, building, deploying)."""
    lines = workflow.splitlines()
    i = 0
    while i < len(lines):
        uses = _USES.match(lines[i])
        if uses and not uses.group(1).startswith("actions/checkout"):
            return True
        run = _RUN.match(lines[i])
        i += 1
        if run is None:
            continue
        commands = [run.group(2)]
        if run.group(2).strip() in ("|", ">", "|-", ">-", "|+", ">+"):  # a block: the lines indented below
            indent = len(run.group(1))
            commands = []
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                commands.append(lines[i])
                i += 1
        for command in commands:
            words = command.strip().strip("'\"").split()
            if words and not words[0].startswith("#") and words[0] not in _TRIVIAL_COMMANDS:
                return True
    return False

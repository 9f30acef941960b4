"""SE-code-quality: linters, formatters and type checkers configured for the project (pre-commit, ruff, black ...)."""

from __future__ import annotations

import re

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector
from proofolio.models import Confidence

TOOLS = ("ruff", "black", "flake8", "isort", "mypy", "pylint", "pyright", "pycodestyle", "pydocstyle", "bandit",
         "autopep8", "yapf", "pyupgrade", "nbqa", "codespell")
# Files that configure tools by their existence, and the tool each names.
_OWN_FILES = {
    ".flake8": "flake8", "ruff.toml": "ruff", ".ruff.toml": "ruff", "mypy.ini": "mypy", ".mypy.ini": "mypy",
    ".pylintrc": "pylint", "pylintrc": "pylint", ".isort.cfg": "isort", "pyrightconfig.json": "pyright",
    ".style.yapf": "yapf", ".bandit": "bandit",
}
# Shared configuration files: a section per tool.
_SECTIONS = {
    "pyproject.toml": re.compile(r"^\s*\[tool\.(" + "|".join(TOOLS) + r")\b", re.MULTILINE),
    "setup.cfg": re.compile(r"^\s*\[(" + "|".join(TOOLS) + r")\b", re.MULTILINE),
    "tox.ini": re.compile(r"^\s*\[(" + "|".join(TOOLS) + r")\b", re.MULTILINE),
}
_PRE_COMMIT = ".pre-commit-config.yaml"
_HOOK_ID = re.compile(r"^\s*-?\s*id:\s*['\"]?([\w.-]+)", re.MULTILINE)


def tools_in(path: str, text: str) -> list[str]:
    """The quality tools a root file configures, in order of first mention."""
    if path in _OWN_FILES:
        return [_OWN_FILES[path]]
    if path == _PRE_COMMIT:
        found = [hook for hook in _HOOK_ID.findall(text)]
        return [t for t in dict.fromkeys(_tool_of(h) for h in found) if t]
    pattern = _SECTIONS.get(path)
    return list(dict.fromkeys(m.group(1) for m in pattern.finditer(text))) if pattern else []


def _tool_of(hook: str) -> str | None:
    """`ruff-format` → ruff, `black-jupyter` → black, `mypy` → mypy; other hooks (trailing-whitespace) → None."""
    head = hook.split("-", 1)[0].split(".", 1)[0]
    return head if head in TOOLS else None


class CodeQuality(RepoDetector):
    meta = DetectorMeta(
        id="SE-code-quality",
        skill="software_engineering",
        title="Configures linters, formatters or type checkers (pre-commit, ruff, black, mypy)",
        what=(
            "A file at the project root that sets up code-quality tools: .pre-commit-config.yaml with linter or "
            "formatter hooks, a [tool.ruff]/[tool.black]/[tool.mypy]/... section of pyproject.toml, [flake8]/[mypy]/"
            "[isort] sections of setup.cfg or tox.ini, or a tool's own file (.flake8, ruff.toml, mypy.ini, "
            ".pylintrc). One evidence per file, at its first tool line; value `tools` lists them. High confidence."
        ),
        why="Automated linting, formatting and type checking keep a codebase consistent and catch bugs before review.",
        example='''
.pre-commit-config.yaml
repos:
  - repo: https://github.com/astral-sh/ruff-pre-commit
    hooks:
      - id: ruff            # detected (the file, tools: ruff, black)
  - repo: https://github.com/psf/black
    hooks:
      - id: black
''',
        not_detected=(
            "Pre-commit files with only generic hooks (trailing-whitespace, check-yaml), tool configuration in "
            "subfolders, and linters run only by hand."
        ),
        scope="repo",
    )

    def check(self, repo: RepoContext) -> None:
        for path in repo.paths:
            if "/" in path or not (path in _OWN_FILES or path == _PRE_COMMIT or path in _SECTIONS):
                continue
            text = repo.read_text(path)
            tools = tools_in(path, text)
            if not tools:
                continue
            line, snippet = _first_mention(text, tools[0], path)
            repo.emit(self.meta, path, line, snippet, Confidence.HIGH, (("tools", ", ".join(tools)),))


def _first_mention(text: str, tool: str, path: str) -> tuple[int, str]:
    """The first line naming ``tool`` (a tool's own file: its first line)."""
    lines = text.splitlines()
    if path not in _OWN_FILES:
        for number, line in enumerate(lines, start=1):
            if tool in line:
                return number, line.strip()
    first = next(((n, ln.strip()) for n, ln in enumerate(lines, start=1) if ln.strip()), (1, path))
    return first

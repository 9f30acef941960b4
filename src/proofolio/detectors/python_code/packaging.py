"""PY-packaging: the project is an installable Python package."""

from __future__ import annotations

import re
import tomllib

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector
from proofolio.detectors.support import basename
from proofolio.models import Confidence

_SETUP_CALL = re.compile(r"^[ \t]*(?:setuptools\.)?setup\s*\(", re.MULTILINE)
_SETUP_IMPORT = re.compile(r"^[ \t]*(?:from\s+(?:setuptools|distutils\.core)\s+import\b.*\bsetup\b|import\s+setuptools\b)", re.MULTILINE)
_BACKENDS = ("setuptools", "poetry", "hatchling", "flit", "pdm", "maturin", "scikit_build", "mesonpy")


def _line(text: str, pattern: str) -> int:
    match = re.search(pattern, text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


class Packaging(RepoDetector):
    meta = DetectorMeta(
        id="PY-packaging",
        skill="python",
        title="Packages code as an installable Python project",
        what=(
            "A pyproject.toml with a [project] (or [tool.poetry]) table that names the package, a setup.py that "
            "calls setuptools/distutils setup(), or a setup.cfg with [metadata] name. One evidence per such file; "
            "values: the build backend and whether it declares console scripts."
        ),
        why="Packaging turns notebooks and scripts into code others can install and import: Python beyond scripting.",
        example='''
# pyproject.toml
[project]                      # detected
name = "churn-model"
version = "0.1.0"
''',
        not_detected="pyproject.toml files that only configure tools (black, ruff, pytest), and setup.py scripts that do not call setup().",
        scope="repo",
    )

    def check(self, repo: RepoContext) -> None:
        for path in repo.paths:
            name = basename(path)
            if name == "pyproject.toml":
                self._pyproject(repo, path)
            elif name == "setup.py":
                text = repo.read_text(path)
                if _SETUP_CALL.search(text) and _SETUP_IMPORT.search(text):
                    line = _line(text, _SETUP_CALL.pattern)
                    scripts = "yes" if "entry_points" in text or "scripts=" in text else "no"
                    repo.emit(self.meta, path, line, text.splitlines()[line - 1].strip(), Confidence.HIGH,
                              (("backend", "setuptools"), ("scripts", scripts)))
            elif name == "setup.cfg":
                text = repo.read_text(path)
                metadata = re.search(r"^\[metadata\][^\[]*?^\s*name\s*=", text, re.MULTILINE | re.DOTALL)
                if metadata:
                    line = _line(text, r"^\[metadata\]")
                    scripts = "yes" if "console_scripts" in text else "no"
                    repo.emit(self.meta, path, line, "[metadata]", Confidence.HIGH,
                              (("backend", "setuptools"), ("scripts", scripts)))

    def _pyproject(self, repo: RepoContext, path: str) -> None:
        text = repo.read_text(path)
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError):
            return
        project = data.get("project")
        tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
        poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else None
        if isinstance(project, dict) and project.get("name"):
            header, scripts = r"^\[project\]", bool(project.get("scripts") or project.get("gui-scripts"))
        elif poetry is not None and poetry.get("name"):
            header, scripts = r"^\[tool\.poetry\]", bool(poetry.get("scripts"))
        else:
            return
        build = data.get("build-system") if isinstance(data.get("build-system"), dict) else {}
        backend_name = str(build.get("build-backend", ""))
        backend = next((b for b in _BACKENDS if b in backend_name), backend_name or "unspecified")
        line = _line(text, header)
        repo.emit(self.meta, path, line, text.splitlines()[line - 1].strip(), Confidence.HIGH,
                  (("backend", backend), ("scripts", "yes" if scripts else "no")))

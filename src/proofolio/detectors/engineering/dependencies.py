"""SE-dependencies: declared (and ideally pinned) dependencies."""

from __future__ import annotations

import json
import re
import tomllib

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector
from proofolio.detectors.support import basename
from proofolio.models import Confidence

_REQUIREMENTS = re.compile(r"^[\w.-]*requirements[\w.-]*\.(txt|in)$", re.IGNORECASE)
LOCK_FILES = frozenset({"Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock", "conda-lock.yml"})
_SETUP_REQUIRES = re.compile(r"install_requires\s*=\s*\[(.*?)\]", re.DOTALL)
_QUOTED = re.compile(r"""["']([^"']+)["']""")
_CFG_SECTION = re.compile(r"^\s*\[")


def pinned_label(pinned: int, total: int) -> str:
    if total and pinned == total:
        return "yes"
    return "no" if pinned == 0 else "partial"


def _is_pinned(spec: str) -> bool:
    return "==" in spec or "===" in spec


def _line_of(text: str, needle: str) -> int:
    """1-based line of the first line starting with ``needle`` (after indentation), else 1."""
    match = re.search(r"^[ \t]*" + re.escape(needle), text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def parse_requirements(text: str) -> tuple[list[tuple[int, str]], int]:
    """(line, requirement) pairs of a requirements file and how many are pinned with ==."""
    found: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith(("#", "-r", "-c", "--")) or line.startswith("-") and not line.startswith("-e"):
            continue
        if line.startswith("-e") and _local_target(line[2:]):
            continue  # `-e .`: the project installing itself, no dependency
        found.append((number, line))
    return found, sum(_is_pinned(spec) for _, spec in found)


def _local_target(spec: str) -> bool:
    spec = spec.strip()
    return spec.startswith((".", "/", "file:")) or spec == ""


def parse_environment(text: str) -> tuple[list[tuple[int, str]], int]:
    """Items of a conda environment.yml `dependencies:` list (pip sub-list included); conda pins use `=`."""
    found: list[tuple[int, str]] = []
    inside = False
    for number, raw in enumerate(text.splitlines(), start=1):
        if re.match(r"^dependencies\s*:", raw):
            inside = True
            continue
        if inside and raw.strip() and not raw.startswith((" ", "\t", "-")):
            inside = False
        item = re.match(r"^\s*-\s+([^\s#:][^#]*?)\s*$", raw)
        spec = item.group(1) if item else ""
        if inside and item and not spec.endswith(":") and spec != "pip" and not spec.startswith("-"):
            found.append((number, spec))  # `- pip`, the `- pip:` header and `- -r requirements.txt` are no dependencies
    pinned = sum("=" in spec for _, spec in found)
    return found, pinned


def lock_count(name: str, text: str) -> int:
    """How many packages a lock file pins (0 when its format is not understood)."""
    if name == "Pipfile.lock":
        try:
            data = json.loads(text)
        except ValueError:
            return 0
        sections = [data.get(k) for k in ("default", "develop")] if isinstance(data, dict) else []
        return sum(len(section) for section in sections if isinstance(section, dict))
    if name == "conda-lock.yml":
        return len(re.findall(r"^\s*-\s*name:", text, re.MULTILINE))
    return len(re.findall(r"^\[\[package\]\]", text, re.MULTILINE))


class Dependencies(RepoDetector):
    meta = DetectorMeta(
        id="SE-dependencies",
        skill="software_engineering",
        title="Declares dependencies (requirements, pyproject, environment.yml, lock files)",
        what=(
            "Files that declare a project's dependencies: requirements*.txt/.in (and any .txt/.in in a requirements/ "
            "folder; `-r`/`-c` includes and `-e .` are not counted), pyproject.toml ([project] or "
            "Poetry dependencies), setup.py/setup.cfg install_requires, environment.yml, Pipfile and lock files "
            "(Pipfile.lock, poetry.lock, uv.lock, pdm.lock, conda-lock.yml). One evidence per file at the first "
            "dependency; values: the kind, how many, and pinned = yes/no/partial (== pins; = in conda; lock files "
            "are pinned). High confidence when fully pinned, medium otherwise."
        ),
        why="Someone else can only run the project if its dependencies are written down, and reproduce it if they are pinned.",
        example='''
# requirements.txt
pandas==2.2.2        # detected (pinned = yes)
scikit-learn==1.5.0
''',
        not_detected="Empty or comment-only files, pyproject.toml files that only configure tools, and `pip install` lines in READMEs or notebooks.",
        scope="repo",
    )

    def check(self, repo: RepoContext) -> None:
        for path in repo.paths:
            name = basename(path)
            found = self._inspect(repo, path, name)
            if found is None:
                continue
            kind, line, snippet, count, pinned = found
            confidence = Confidence.HIGH if pinned == "yes" else Confidence.MEDIUM
            values = (("file", kind), ("dependencies", str(count)), ("pinned", pinned))
            repo.emit(self.meta, path, line, snippet, confidence, values)

    def _inspect(self, repo: RepoContext, path: str, name: str) -> tuple[str, int, str, int, str] | None:
        if name in LOCK_FILES:
            text = repo.read_text(path)
            if not text.strip():
                return None
            first = next((i for i, ln in enumerate(text.splitlines(), start=1) if ln.strip()), 1)
            return "lock", first, text.splitlines()[first - 1].strip(), lock_count(name, text), "yes"
        if _REQUIREMENTS.match(name) or ("/requirements/" in f"/{path}" and name.endswith((".txt", ".in"))):
            return self._listed("requirements", *parse_requirements(repo.read_text(path)))
        if name in ("environment.yml", "environment.yaml"):
            return self._listed("conda", *parse_environment(repo.read_text(path)))
        if name == "pyproject.toml":
            return self._pyproject(repo.read_text(path))
        if name == "Pipfile":
            return self._pipfile(repo.read_text(path))
        if name == "setup.py":
            text = repo.read_text(path)
            match = _SETUP_REQUIRES.search(text)
            if match is None:
                return None
            specs = _QUOTED.findall(match.group(1))
            if not specs:
                return None
            line = _line_of(text, "install_requires")
            pinned = sum(_is_pinned(s) for s in specs)
            return "setup.py", line, text.splitlines()[line - 1].strip(), len(specs), pinned_label(pinned, len(specs))
        if name == "setup.cfg":
            return self._setup_cfg(repo.read_text(path))
        return None

    @staticmethod
    def _listed(kind: str, found: list[tuple[int, str]], pinned: int) -> tuple[str, int, str, int, str] | None:
        if not found:
            return None
        return kind, found[0][0], found[0][1], len(found), pinned_label(pinned, len(found))

    @staticmethod
    def _pyproject(text: str) -> tuple[str, int, str, int, str] | None:
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError):
            return None
        project = data.get("project") if isinstance(data.get("project"), dict) else {}
        deps = project.get("dependencies") if isinstance(project.get("dependencies"), list) else []
        specs = [str(d) for d in deps]
        if specs:
            line = _line_of(text, "dependencies")
            pinned = sum(_is_pinned(s) for s in specs)
            return "pyproject", line, text.splitlines()[line - 1].strip(), len(specs), pinned_label(pinned, len(specs))
        poetry = data.get("tool", {}).get("poetry", {}) if isinstance(data.get("tool"), dict) else {}
        table = poetry.get("dependencies") if isinstance(poetry, dict) else None
        if isinstance(table, dict):
            items = {k: v for k, v in table.items() if k.lower() != "python"}
            if items:
                line = _line_of(text, "[tool.poetry.dependencies]")
                pinned = sum(_poetry_pinned(v) for v in items.values())
                return "poetry", line, "[tool.poetry.dependencies]", len(items), pinned_label(pinned, len(items))
        return None

    @staticmethod
    def _pipfile(text: str) -> tuple[str, int, str, int, str] | None:
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, ValueError):
            return None
        packages = data.get("packages") if isinstance(data.get("packages"), dict) else {}
        if not packages:
            return None
        pinned = sum(isinstance(v, str) and v.startswith("==") for v in packages.values())
        line = _line_of(text, "[packages]")
        return "pipfile", line, "[packages]", len(packages), pinned_label(pinned, len(packages))

    @staticmethod
    def _setup_cfg(text: str) -> tuple[str, int, str, int, str] | None:
        lines = text.splitlines()
        for i, raw in enumerate(lines):
            if re.match(r"^\s*install_requires\s*=", raw):
                specs = [raw.split("=", 1)[1].strip()] if raw.split("=", 1)[1].strip() else []
                for nxt in lines[i + 1 :]:
                    if not nxt.strip() or not nxt[:1].isspace() or _CFG_SECTION.match(nxt):
                        break
                    specs.append(nxt.strip())
                specs = [s for s in specs if s and not s.startswith("#")]
                if not specs:
                    return None
                pinned = sum(_is_pinned(s) for s in specs)
                return "setup.cfg", i + 1, raw.strip(), len(specs), pinned_label(pinned, len(specs))
        return None


def _poetry_pinned(value: object) -> bool:
    version = value.get("version", "") if isinstance(value, dict) else value
    return isinstance(version, str) and bool(re.match(r"^(==)?\d", version.strip()))

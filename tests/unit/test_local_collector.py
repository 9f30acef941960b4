"""Local folders: which projects are found, which files are collected, what becomes a problem."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support import write

from proofolio.models import Problem
from proofolio.sources.base import Source
from proofolio.sources.local import CollectLimits, LocalCollector, TargetError

pytestmark = pytest.mark.usefixtures("isolated_git")
Repo = Any  # tests/unit/conftest.py's Repo, reached through the make_repo fixture


def collect(target: str | Path, **kwargs: object) -> list[Source]:
    return list(LocalCollector(target, **kwargs).collect())  # type: ignore[arg-type]


def paths(source: Source) -> list[str]:
    return [f.path for f in source.files]


# -- target errors ------------------------------------------------------------------------------


def test_missing_path_is_a_target_error_with_the_path_as_given(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope")
    with pytest.raises(TargetError) as err:
        LocalCollector(missing)
    assert str(err.value) == f"path not found: {missing}"


def test_file_target_is_a_target_error(tmp_path: Path) -> None:
    write(tmp_path, {"model.py": "x = 1\n"})
    target = str(tmp_path / "model.py")
    with pytest.raises(TargetError) as err:
        LocalCollector(target)
    assert str(err.value) == f"not a folder: {target}"


def test_empty_folder_yields_no_project(tmp_path: Path) -> None:
    write(tmp_path, {"notes/todo.txt": "nothing here\n"})
    assert collect(tmp_path) == []


# -- discovery ----------------------------------------------------------------------------------


def test_single_project_collects_every_file_sorted_with_sizes(tmp_path: Path) -> None:
    proj = tmp_path / "churn"
    write(
        proj,
        {
            "train.py": "import pandas\n",
            "README.md": "# Churn\n",
            "requirements.txt": "pandas\n",
            ".github/workflows/ci.yml": "on: push\n",
            "notebooks/eda.ipynb": "{}",
            "data/raw.csv": "a,b\n1,2\n",
        },
    )
    (source,) = collect(proj)
    assert source.info.kind == "folder"
    assert source.info.name == "churn"
    assert source.info.root == str(proj).replace(os.sep, "/")
    assert source.has_history is False and source.info.commit is None
    assert paths(source) == [
        ".github/workflows/ci.yml",
        "README.md",
        "data/raw.csv",
        "notebooks/eda.ipynb",
        "requirements.txt",
        "train.py",
    ]
    train = source.file("train.py")
    assert train is not None
    assert train.size == len("import pandas\n")
    assert train.abspath == proj / "train.py"
    assert (train.committed, train.blob, train.authorship) == (False, None, None)
    assert source.problems == []


def test_marker_file_alone_makes_the_folder_one_project(tmp_path: Path) -> None:
    # pyproject.toml at the top: the code in src/ belongs to this one project, not to "src".
    write(tmp_path, {"pyproject.toml": "[project]\n", "src/pkg/core.py": "x = 1\n", "tests/test_core.py": ""})
    sources = collect(tmp_path)
    assert [s.info.name for s in sources] == [tmp_path.name]
    assert paths(sources[0]) == ["pyproject.toml", "src/pkg/core.py", "tests/test_core.py"]


def test_a_repository_downloaded_without_git_is_one_project(tmp_path: Path) -> None:
    # a GitHub zip: README and LICENSE at the top, code in src/ and tests/, no .git or marker
    write(tmp_path, {"README.md": "# repo\n", "LICENSE": "MIT\n", "src/pkg/core.py": "x = 1\n",
                     "tests/test_core.py": "def test_x():\n    pass\n", "docs/README.md": "docs\n"})
    sources = collect(tmp_path)
    assert [s.info.name for s in sources] == [tmp_path.name]
    assert paths(sources[0]) == ["LICENSE", "README.md", "docs/README.md", "src/pkg/core.py", "tests/test_core.py"]


def test_a_compose_file_at_the_top_makes_one_project_of_its_services(tmp_path: Path) -> None:
    write(tmp_path, {"README.md": "# wine quality\n", "docker-compose.yml": "services: {}\n",
                     "api/Dockerfile": "FROM python:3.11\n", "api/main.py": "x = 1\n",
                     "ui/Dockerfile": "FROM python:3.11\n", "ui/app.py": "y = 2\n"})
    assert [s.info.name for s in collect(tmp_path)] == [tmp_path.name]


def test_a_folder_of_projects_with_its_own_readme_stays_a_folder_of_projects(tmp_path: Path) -> None:
    write(tmp_path, {"README.md": "# my portfolio\n", "churn/README.md": "# churn\n", "churn/model.py": "x = 1\n",
                     "digits/.gitignore": "data/\n", "digits/train.py": "y = 2\n", "scratch/try.py": "z = 3\n"})
    assert [s.info.name for s in collect(tmp_path)] == ["churn", "digits", "scratch"]


def test_folder_of_projects_yields_one_per_child_with_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    portfolio = tmp_path / "portfolio"
    write(
        portfolio,
        {
            "zeta/deep/nested/model.py": "x = 1\n",
            "alpha/analysis.ipynb": "{}",
            "alpha/README.md": "hi\n",
            "docs-only/README.md": "no code here\n",
            "venv-like/.venv/lib/x.py": "",  # only code inside a skipped dir: not a project
            "top-notes.txt": "loose non-code files are ignored\n",
        },
    )
    monkeypatch.chdir(tmp_path)
    sources = collect("./portfolio/")
    assert [(s.info.name, s.info.root, s.info.kind) for s in sources] == [
        ("alpha", "portfolio/alpha", "folder"),
        ("zeta", "portfolio/zeta", "folder"),
    ]
    assert paths(sources[0]) == ["README.md", "analysis.ipynb"]
    assert sources[0].root == portfolio / "alpha"


def test_folder_of_git_repos_plus_plain_folder_plus_loose_code(
    tmp_path: Path, make_repo: Callable[..., Repo]
) -> None:
    top = tmp_path / "work"
    repo = make_repo("kaggle-titanic", parent=top)
    repo.commit({"titanic.py": "import sklearn\n", "README.md": "# Titanic\n"})
    write(
        top,
        {
            "plain-project/fit.py": "x = 1\n",
            "plain-project/README.md": "plain\n",
            "just-docs/README.md": "no code\n",
            "scratch.py": "print(1)\n",
            "notes.md": "loose, ignored\n",
        },
    )
    sources = collect(top)
    assert [(s.info.name, s.info.kind, s.info.root) for s in sources] == [
        ("work", "folder", str(top)),
        ("kaggle-titanic", "git", f"{top}/kaggle-titanic"),
        ("plain-project", "folder", f"{top}/plain-project"),
    ]
    loose, git_repo, plain = sources
    assert paths(loose) == ["scratch.py"]  # only the loose code, not notes.md or other folders
    assert paths(git_repo) == ["README.md", "titanic.py"]
    assert paths(plain) == ["README.md", "fit.py"]


def test_target_inside_nothing_git_but_child_repos_without_loose_code(
    tmp_path: Path, make_repo: Callable[..., Repo]
) -> None:
    top = tmp_path / "repos"
    make_repo("b-repo", parent=top).commit({"b.py": ""})
    make_repo("a-repo", parent=top).commit({"README.md": "no python at all\n"})
    sources = collect(top)
    # Every child git repo is a project even without Python files.
    assert [s.info.name for s in sources] == ["a-repo", "b-repo"]


# -- skip rules -----------------------------------------------------------------------------------


def test_tool_dirs_and_environments_are_skipped_whatever_their_name(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.py": "x = 1\n",
            "myenv-3.11/pyvenv.cfg": "home = /usr/bin\n",
            "myenv-3.11/lib/python3.11/site.py": "",
            "condaenv/conda-meta/history": "",
            "condaenv/lib/numpy/core.py": "",
            "node_modules/left-pad/index.js": "",
            "notebooks/.ipynb_checkpoints/eda-checkpoint.ipynb": "{}",
            "notebooks/eda.ipynb": "{}",
            "pkg/__pycache__/mod.cpython-311.pyc": b"\x00",
            "pkg/mod.py": "",
            "build/lib/pkg/mod.py": "",
            "dist/pkg-1.0.tar.gz": b"\x00",
            "pkg.egg-info/PKG-INFO": "",
            ".venv/lib/x.py": "",
            "venv/lib/x.py": "",
            "virtualenv/lib/x.py": "",
            ".tox/py311/x.py": "",
            ".mypy_cache/3.11/x.json": "",
            ".pytest_cache/v/cache": "",
            ".ruff_cache/x": "",
            "lib/site-packages/torch/nn.py": "",
            ".eggs/x.egg": "",
            ".hg/store": "",
            ".svn/entries": "",
            ".nox/x.py": "",
        },
    )
    (source,) = collect(tmp_path)
    assert paths(source) == ["main.py", "notebooks/eda.ipynb", "pkg/mod.py"]
    assert source.problems == []


def test_nested_gitignore_with_negation_and_anchoring(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "setup.py": "",
            ".gitignore": "*.csv\n!keep.csv\nlogs/\n/secret.txt\n",
            "data/a.csv": "",
            "data/keep.csv": "",
            "logs/run.log": "",
            "secret.txt": "",
            "sub/secret.txt": "",  # anchored pattern: only the top-level one is ignored
            "sub/.gitignore": "!important.csv\n*.tmp\n/local.py\n",
            "sub/important.csv": "",
            "sub/other.csv": "",
            "sub/scratch.tmp": "",
            "sub/local.py": "",
            "sub/deeper/local.py": "",  # /local.py is anchored to sub/
            "other/scratch.tmp": "",  # sub/.gitignore does not reach a sibling folder
        },
    )
    (source,) = collect(tmp_path)
    assert paths(source) == [
        ".gitignore",
        "data/keep.csv",
        "other/scratch.tmp",
        "setup.py",
        "sub/.gitignore",
        "sub/deeper/local.py",
        "sub/important.csv",
        "sub/secret.txt",
    ]


def test_gitignored_directory_cannot_be_reincluded_by_a_deeper_negation(tmp_path: Path) -> None:
    # git does not descend into an ignored directory, so its own !patterns never apply.
    write(tmp_path, {"app.py": "", ".gitignore": "cache/\n", "cache/.gitignore": "!*\n", "cache/x.py": ""})
    (source,) = collect(tmp_path)
    assert paths(source) == [".gitignore", "app.py"]


# -- symlinks -------------------------------------------------------------------------------------


def test_symlinks_out_of_root_loops_and_dangling_are_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write(outside, {"secret.py": "TOKEN = 1\n", "lib/mod.py": ""})
    proj = tmp_path / "proj"
    write(proj, {"main.py": "x = 1\n", "pkg/real.py": "y = 22\n"})
    (proj / "leak.py").symlink_to(outside / "secret.py")
    (proj / "leakdir").symlink_to(outside / "lib", target_is_directory=True)
    (proj / "alias.py").symlink_to(proj / "pkg" / "real.py")  # inside the root: collected
    (proj / "pkglink").symlink_to(proj / "pkg", target_is_directory=True)  # a dir link: never followed
    (proj / "loop_a").symlink_to(proj / "loop_b")
    (proj / "loop_b").symlink_to(proj / "loop_a")
    (proj / "self").symlink_to(proj, target_is_directory=True)
    (proj / "dangling.py").symlink_to(proj / "gone.py")
    (source,) = collect(proj)
    assert paths(source) == ["alias.py", "main.py", "pkg/real.py"]
    alias = source.file("alias.py")
    assert alias is not None and alias.size == len("y = 22\n")
    assert source.problems == []


def test_project_root_given_through_a_symlink_still_collects(tmp_path: Path) -> None:
    write(tmp_path / "real", {"main.py": "", "inner.py": ""})
    (tmp_path / "real" / "inner_link.py").symlink_to(tmp_path / "real" / "inner.py")
    (tmp_path / "link").symlink_to(tmp_path / "real", target_is_directory=True)
    (source,) = collect(tmp_path / "link")
    assert paths(source) == ["inner.py", "inner_link.py", "main.py"]


# -- unreadable, limits --------------------------------------------------------------------------


def test_unreadable_dir_and_file_become_problems(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """We run as root, where chmod cannot deny reading; simulate the OS refusing instead."""
    write(tmp_path, {"main.py": "", "secret/hidden.py": "", "locked.py": ""})
    real_scandir = os.scandir
    real_access = os.access
    denied_dir = str(tmp_path / "secret")
    denied_file = str(tmp_path / "locked.py")

    def scandir(path: str | os.PathLike[str] = ".") -> object:
        if os.fspath(path) == denied_dir:
            raise PermissionError(13, "Permission denied", denied_dir)
        return real_scandir(path)

    def access(path: str | os.PathLike[str], mode: int, **kw: object) -> bool:
        return False if os.fspath(path) == denied_file else real_access(path, mode, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(os, "access", access)
    (source,) = collect(tmp_path)
    assert paths(source) == ["main.py"]
    name = tmp_path.name
    assert source.problems == [
        Problem(repo=name, path="locked.py", reason="permission denied: file not read", kind="unreadable"),
        Problem(repo=name, path="secret", reason="permission denied: folder not read", kind="unreadable"),
    ]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads through chmod 000")
def test_unreadable_dir_with_real_permissions(tmp_path: Path) -> None:
    write(tmp_path, {"main.py": "", "secret/hidden.py": ""})
    (tmp_path / "secret").chmod(0)
    try:
        if os.access(tmp_path / "secret", os.R_OK):
            pytest.skip("this filesystem ignores chmod")
        (source,) = collect(tmp_path)
    finally:
        (tmp_path / "secret").chmod(0o755)
    assert paths(source) == ["main.py"]
    assert [(p.kind, p.path) for p in source.problems] == [("unreadable", "secret")]


def test_too_large_file_is_skipped_with_a_problem_naming_the_limit(tmp_path: Path) -> None:
    write(tmp_path, {"main.py": "x = 1\n", "data/big.bin": b"\x00" * 2500, "data/ok.bin": b"\x00" * 1000})
    (source,) = collect(tmp_path, limits=CollectLimits(max_file_bytes=1000))
    assert paths(source) == ["data/ok.bin", "main.py"]
    assert source.problems == [
        Problem(
            repo=tmp_path.name,
            path="data/big.bin",
            reason="skipped: 2.5 kB exceeds max_file_bytes=1000",
            kind="too-large",
        )
    ]


def test_too_large_reason_in_megabytes_by_default() -> None:
    from proofolio.sources.local import _format_size

    assert f"skipped: {_format_size(31_000_000)} exceeds max_file_bytes={CollectLimits().max_file_bytes}" == (
        "skipped: 31.0 MB exceeds max_file_bytes=25000000"
    )


def test_too_many_files_keeps_the_first_in_walk_order_and_says_so(tmp_path: Path) -> None:
    write(tmp_path, {f"m{i}.py": "" for i in range(5)})
    (source,) = collect(tmp_path, limits=CollectLimits(max_files=3))
    assert paths(source) == ["m0.py", "m1.py", "m2.py"]
    assert source.problems == [
        Problem(
            repo=tmp_path.name,
            path="",
            reason="stopped after 3 files: more files than max_files=3",
            kind="too-many-files",
        )
    ]


def test_exactly_max_files_is_not_a_problem(tmp_path: Path) -> None:
    write(tmp_path, {f"m{i}.py": "" for i in range(3)})
    (source,) = collect(tmp_path, limits=CollectLimits(max_files=3))
    assert len(source.files) == 3 and source.problems == []


# -- a larger tree (speed is measured by the benchmark, not asserted here) -----------------------


def test_two_thousand_file_tree_collects_every_file(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"pyproject.toml": "", ".gitignore": "*.log\n"}
    for d in range(40):
        for f in range(50):
            files[f"pkg{d}/sub{f % 5}/mod{f}.py"] = "x = 1\n"
    files.update({f"logs/run{i}.log": "" for i in range(20)})
    write(tmp_path, files)
    (source,) = collect(tmp_path)
    assert len(source.files) == 2002
    assert not any(f.path.endswith(".log") for f in source.files)

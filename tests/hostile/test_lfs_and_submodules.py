"""Git LFS pointer files and submodules: named for what they are, never fetched, never run.

A repository cloned without git-lfs holds pointer files where its notebooks, code or data
were; each must be an `lfs-pointer` problem, not a confusing "not valid JSON" or syntax
error. A user who did `git lfs install` has git-lfs configured as a filter: proofolio must
still never start it. A submodule is another repository's code: never analysed as this one's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from support import CANDIDATE, TRAIN_PY, VENDORED_PY, git, write

from proofolio.documents import read_document
from proofolio.sources.local import LocalCollector

SCRIPT = Path(sys.executable).parent / "proofolio"
OID = "sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393"


def pointer(size: int) -> str:
    return f"version https://git-lfs.github.com/spec/v1\noid {OID}\nsize {size}\n"


def commit_all(repo: Path, message: str = "work") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message, author=CANDIDATE)


def analyze(target: Path, env: dict[str, str] | None = None) -> tuple[int, dict, str]:
    full = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1", **(env or {})}
    proc = subprocess.run([str(SCRIPT), "analyze", str(target), "--format", "json", "-q", "--no-cache"],
                          capture_output=True, text=True, timeout=120, env=full, check=False)
    return proc.returncode, (json.loads(proc.stdout) if proc.stdout else {}), proc.stderr


def by_path(report: dict) -> dict[str, tuple[str, str]]:
    return {p["path"]: (p["kind"], p["reason"]) for p in report["problems"]}


def evidence_paths(report: dict) -> set[str]:
    return {e["location"]["path"] for a in report["assessments"] for e in a["evidence"]}


# -- Git LFS ------------------------------------------------------------------------------------


@pytest.fixture()
def git_lfs_trap(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """An environment where git-lfs is installed and configured as `git lfs install` does,
    except that this git-lfs only leaves a mark that it ran (and fails)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    marker = tmp_path / "git-lfs-ran"
    fake = bin_dir / "git-lfs"
    fake.write_text(f"#!/bin/sh\necho \"$@\" >> '{marker}'\nexit 1\n")
    fake.chmod(0o755)
    config = tmp_path / "gitconfig"
    config.write_text('[filter "lfs"]\n\tclean = git-lfs clean -- %f\n\tsmudge = git-lfs smudge -- %f\n'
                      "\tprocess = git-lfs filter-process\n\trequired = true\n")
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "GIT_CONFIG_GLOBAL": str(config)}
    return env, marker


@pytest.fixture()
def lfs_repo(tmp_path: Path) -> Path:
    """Notebook, module and data committed as LFS pointers (as a clone without git-lfs has them)."""
    repo = tmp_path / "lfs-project"
    repo.mkdir()
    git(repo, "init", "-q")
    write(repo, {
        ".gitattributes": "*.ipynb filter=lfs diff=lfs merge=lfs -text\n*.csv filter=lfs diff=lfs merge=lfs -text\n"
                          "model.py filter=lfs diff=lfs merge=lfs -text\n",
        "notebooks/analysis.ipynb": pointer(48_213_004),
        "model.py": pointer(1_234),
        "data/train.csv": pointer(7_500_000),
        "data/small.csv": "id,label\n1,0\n",  # a real (small) data file: not a pointer
        "train.py": TRAIN_PY,
    })
    commit_all(repo)
    for name in ("notebooks/analysis.ipynb", "model.py", "data/train.csv"):
        os.utime(repo / name, (1_000_000_000, 1_000_000_000))  # stat-dirty: `git status` must re-hash (clean filter)
    return repo


def test_a_pointer_is_named_not_reported_as_broken_json_or_syntax() -> None:
    for path in ("nb.ipynb", "model.py"):
        doc = read_document(path, pointer(48_213_004).encode())
        assert doc.tree is None
        assert [(p.kind, p.reason) for p in doc.problems] == [(
            "lfs-pointer",
            ("a Git LFS pointer (sha256:4d7a214614ab, 48.2 MB), not the file: its content is on an LFS server "
             "and proofolio never runs git-lfs; not analysed"),
        )]
    # only the exact header counts: code that mentions the spec, or a big file starting like one, is code
    assert read_document("a.py", b'version = "https://git-lfs.github.com/spec/v1"\n').problems == []
    big = (pointer(1) + "#" * 2000 + "\n").encode()
    assert [p.kind for p in read_document("a.py", big).problems] == ["syntax-error"]


def test_lfs_pointers_are_problems_and_git_lfs_never_runs(lfs_repo: Path, git_lfs_trap) -> None:
    env, marker = git_lfs_trap
    code, report, stderr = analyze(lfs_repo, env)
    assert code == 0, stderr
    found = by_path(report)
    for path, size in (("notebooks/analysis.ipynb", "48.2 MB"), ("model.py", "1.2 kB"), ("data/train.csv", "7.5 MB")):
        kind, reason = found.pop(path)
        assert kind == "lfs-pointer" and reason.startswith(f"a Git LFS pointer (sha256:4d7a214614ab, {size})"), reason
    assert found == {}  # no "not valid JSON", no syntax error, nothing about the real small.csv
    assert not marker.exists(), marker.read_text()
    source = report["sources"][0]
    assert source["kind"] == "git" and source["commit"] and source["dirty"] is False  # the pointers are the committed files
    assert "train.py" in evidence_paths(report)


def test_without_lfs_attributes_data_files_are_not_opened(tmp_path: Path) -> None:
    """The collector reads small data files only where a .gitattributes routes files through LFS."""
    project = tmp_path / "proj"
    write(project, {"train.py": TRAIN_PY, "data/train.csv": pointer(10)})
    (source,) = LocalCollector(project).collect()
    assert source.problems == []
    write(project, {".gitattributes": "*.csv filter=lfs diff=lfs merge=lfs -text\n"})
    (source,) = LocalCollector(project).collect()
    assert [(p.kind, p.path) for p in source.problems] == [("lfs-pointer", "data/train.csv")]


# -- submodules ---------------------------------------------------------------------------------


@pytest.fixture()
def with_submodule(tmp_path: Path) -> Path:
    """A project whose vendor/lib is a submodule holding someone else's evaluation code."""
    lib = tmp_path / "lib"
    lib.mkdir()
    git(lib, "init", "-q")
    write(lib, {"metrics.py": VENDORED_PY})
    commit_all(lib, "lib")
    top = tmp_path / "project"
    top.mkdir()
    git(top, "init", "-q")
    write(top, {"train.py": TRAIN_PY})
    git(top, "-c", "protocol.file.allow=always", "submodule", "add", "-q", str(lib), "vendor/lib")
    commit_all(top, "with a submodule")
    return top


def _files_and_problems(path: Path) -> tuple[list[str], list[tuple[str, str, str]]]:
    (source,) = LocalCollector(path).collect()
    return [f.path for f in source.files], [(p.kind, p.path, p.reason) for p in source.problems]


def test_a_checked_out_submodule_is_not_this_projects_code(with_submodule: Path) -> None:
    assert (with_submodule / "vendor" / "lib" / "metrics.py").exists()
    files, problems = _files_and_problems(with_submodule)
    assert files == [".gitmodules", "train.py"]
    assert problems == [("nested-repo", "vendor/lib", "nested git repository (submodule or vendored clone) skipped")]
    code, report, stderr = analyze(with_submodule)
    assert code == 0, stderr
    assert not any(p.startswith("vendor/") for p in evidence_paths(report))
    assert "train.py" in evidence_paths(report)
    assert [s["kind"] for s in report["sources"]] == ["git"]


def test_a_submodule_not_checked_out_is_noted_and_the_run_completes(with_submodule: Path, tmp_path: Path) -> None:
    clone = tmp_path / "fresh-clone"
    git(tmp_path, "clone", "-q", str(with_submodule), str(clone))  # no --recurse-submodules: an empty folder
    assert list((clone / "vendor" / "lib").iterdir()) == []
    files, problems = _files_and_problems(clone)
    assert files == [".gitmodules", "train.py"]
    assert problems == [("nested-repo", "vendor/lib",
                         "submodule not checked out: not analysed, it is another repository's code")]
    code, report, stderr = analyze(clone)
    assert code == 0, stderr
    assert by_path(report)["vendor/lib"][0] == "nested-repo"
    assert report["sources"][0]["commit"] == git(clone, "rev-parse", "HEAD")

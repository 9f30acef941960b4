"""Collect projects from a local folder: one project, a folder of projects, or a folder of git repos.

The collector only lists files (one ``os.scandir`` per directory, one ``lstat`` per file) and
asks git a fixed handful of questions per repository; it never reads file contents except
ignore files, what git itself reads and, in a project whose .gitattributes routes files
through Git LFS, the first bytes of its small data files (to name LFS pointers). The pipeline
reads the files it analyses.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from proofolio.documents.kinds import LFS_POINTER_MAX_BYTES, READABLE_SUFFIXES, lfs_pointer
from proofolio.models import Problem, SourceInfo
from proofolio.sources.base import Source, SourceFile
from proofolio.sources.git import GitFailure, GitRepo, History, RepoState, TreeState, enclosing_work_tree
from proofolio.sources.ignore import IgnoreStack, is_env_dir, is_env_listing, read_ignore_file, skip_dir_name

PROJECT_MARKER_FILES: frozenset[str] = frozenset(
    {"pyproject.toml", "setup.py", "setup.cfg", "environment.yml", "environment.yaml", "Pipfile", "Dockerfile",
     "docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml"}
)
PROJECT_MARKER_DIRS: frozenset[str] = frozenset({".github"})
_REQUIREMENTS_RE = re.compile(r"^requirements.*\.txt$")
# What the top of a downloaded repository (a zip, no .git) holds, but a folder of projects may too:
# it makes one project unless two or more child folders look like projects of their own.
_REPO_FILE_RE = re.compile(r"^(readme|license|licence|copying)(\..*)?$|^\.gitignore$", re.IGNORECASE)
_GITATTRIBUTES_READ = 65_536  # bytes of a .gitattributes searched for `filter=lfs`


def _looks_like_project(folder: str) -> bool:
    """A child folder with its own README, licence or project marker: one project of a folder of projects."""
    try:
        with os.scandir(folder) as it:
            names = [e.name for e in it]
    except OSError:
        return False
    return any(
        n in PROJECT_MARKER_FILES or n in PROJECT_MARKER_DIRS or n == ".git" or _REQUIREMENTS_RE.match(n)
        or _REPO_FILE_RE.match(n)
        for n in names
    )


class TargetError(Exception):
    """Whole run cannot proceed: message is one clear line for the user (e.g. 'path not found: /x')."""


@dataclass(frozen=True)
class CollectLimits:
    """Per-project limits; whatever they skip is recorded as a problem, never silently dropped."""

    max_file_bytes: int = 25_000_000
    max_files: int = 20_000


@dataclass(frozen=True, slots=True)
class Project:
    """A project found by discovery, before its files are listed."""

    name: str  # folder name (a GitHub remote renames git projects to OWNER/REPO later)
    path: str  # absolute filesystem path of the project root
    display: str  # root as shown to the user, derived from the target string they gave
    git: bool
    loose_only: bool = False  # only the .py/.ipynb files directly in the folder (a folder of repos)


@dataclass(frozen=True, slots=True)
class WalkedFile:
    rel: str  # posix, relative to the project root
    abspath: str
    size: int
    symlink: bool


def _is_git_root(path: str) -> bool:
    """A work tree root has a ``.git`` directory, or a ``.git`` file (worktrees, submodules)."""
    return os.path.lexists(os.path.join(path, ".git"))


def _is_analysable(name: str) -> bool:
    return name.endswith(READABLE_SUFFIXES)


def _format_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.1f} kB"
    return f"{size} bytes"


class Walker:
    """Lists a project's files under the skip rules, .gitignore and the symlink policy.

    ``tracked`` (git projects) lists the paths in HEAD: git keeps tracking a file that a
    .gitignore pattern matches, so such files are still collected (skip-dir rules still win).
    ``report`` receives (kind, path, reason) for unreadable folders/files and nested repos;
    discovery passes None to stay silent.
    """

    def __init__(
        self,
        root: str,
        *,
        ignore: IgnoreStack = IgnoreStack(),
        tracked: Mapping[str, str] | None = None,
        nested_repos: bool = False,
        report: list[tuple[str, str, str]] | None = None,
        max_depth: int | None = None,
    ) -> None:
        self.root = root
        self.ignore = ignore
        self.tracked: Mapping[str, str] = tracked or {}
        self.tracked_dirs: frozenset[str] = frozenset(_parent_dirs(self.tracked))
        self.nested_repos = nested_repos
        self.report = report
        self.max_depth = max_depth
        real = os.path.realpath(root)
        self._real_prefix = real if real.endswith(os.sep) else real + os.sep

    def _note(self, kind: str, path: str, reason: str) -> None:
        if self.report is not None:
            self.report.append((kind, path, reason))

    def files(self) -> Iterator[WalkedFile]:
        """Every collectable file, depth first, entries in name order (deterministic truncation)."""
        stack: list[tuple[str, str, IgnoreStack, bool, int]] = [(self.root, "", self.ignore, False, 0)]
        while stack:
            abs_dir, rel_dir, ignore, in_ignored, depth = stack.pop()
            try:
                with os.scandir(abs_dir) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except PermissionError:
                self._note("unreadable", rel_dir, "permission denied: folder not read")
                continue
            except OSError as exc:
                self._note("unreadable", rel_dir, f"folder not read: {exc.strerror or exc}")
                continue
            if rel_dir:
                names = [e.name for e in entries]
                if is_env_listing(names):
                    continue  # a virtualenv / conda env, whatever it is called
                if self.nested_repos and ".git" in names:
                    self._note("nested-repo", rel_dir, "nested git repository (submodule or vendored clone) skipped")
                    continue
            if not in_ignored:
                for entry in entries:
                    if entry.name == ".gitignore":
                        ignore = ignore.push(rel_dir, read_ignore_file(entry.path))
                        break
            prefix = rel_dir + "/" if rel_dir else ""
            subdirs: list[tuple[str, str, IgnoreStack, bool, int]] = []
            for entry in entries:
                name = entry.name
                if name == ".git":
                    continue  # the repository itself, or a gitlink file
                rel = prefix + name
                try:
                    if entry.is_symlink():
                        size = self._symlinked_file_size(entry.path)
                        if size is None:
                            continue  # a directory link, a link out of the root, dangling or looping
                        if (in_ignored or ignore.ignored(rel, False)) and rel not in self.tracked:
                            continue
                        yield WalkedFile(rel, entry.path, size, True)
                    elif entry.is_dir(follow_symlinks=False):
                        if skip_dir_name(name) or (self.max_depth is not None and depth >= self.max_depth):
                            continue
                        ignored = in_ignored or ignore.ignored(rel, True)
                        if ignored and rel not in self.tracked_dirs:
                            continue
                        subdirs.append((entry.path, rel, ignore, ignored, depth + 1))
                    elif entry.is_file(follow_symlinks=False):
                        if (in_ignored or ignore.ignored(rel, False)) and rel not in self.tracked:
                            continue
                        size = entry.stat(follow_symlinks=False).st_size
                        if not os.access(entry.path, os.R_OK):
                            self._note("unreadable", rel, "permission denied: file not read")
                            continue
                        yield WalkedFile(rel, entry.path, size, False)
                except PermissionError:
                    self._note("unreadable", rel, "permission denied")
                except OSError:
                    continue  # vanished while listing, or a special file: nothing to analyse
            stack.extend(reversed(subdirs))

    def _symlinked_file_size(self, path: str) -> int | None:
        """Size of the link's target when it is a regular file inside the root, else None."""
        try:
            target = os.path.realpath(path)
        except (OSError, RuntimeError):
            return None
        if not target.startswith(self._real_prefix):
            return None
        try:
            st = os.stat(target)
        except OSError:
            return None
        return st.st_size if stat.S_ISREG(st.st_mode) else None


def _parent_dirs(paths: Iterable[str]) -> set[str]:
    dirs: set[str] = set()
    for path in paths:
        cut = path.rfind("/")
        while cut > 0:
            parent = path[:cut]
            if parent in dirs:
                break
            dirs.add(parent)
            cut = parent.rfind("/")
    return dirs


class LocalCollector:
    """Turns a local folder into Sources: discovery first, then one project at a time."""

    def __init__(
        self,
        target: str | Path,
        candidate_emails: Iterable[str] = (),
        limits: CollectLimits = CollectLimits(),
    ) -> None:
        shown = str(target)
        path = os.path.abspath(os.path.expanduser(shown))
        if not os.path.exists(path):
            raise TargetError(f"path not found: {shown}")
        if not os.path.isdir(path):
            raise TargetError(f"not a folder: {shown}")
        try:
            with os.scandir(path):
                pass
        except OSError as exc:
            raise TargetError(f"cannot read folder: {shown} ({exc.strerror or exc})") from exc
        self.target = shown
        self.path = path
        self.display = posixpath.normpath(shown.replace(os.sep, "/")) if shown else "."
        self.candidate_emails = tuple(candidate_emails)
        self.limits = limits

    # -- discovery ------------------------------------------------------------------------------

    def discover(self) -> list[Project]:
        """The projects in the target, in the order they will be collected.

        1. The target is a git work tree root (``.git`` dir or file): one git project.
        2. Else, if an immediate child folder is a git repo: the loose .py/.ipynb files at the top
           (if any) form a project named after the target, listed first; then, by name, every
           child git repo and every other child folder holding .py/.ipynb somewhere.
        3. Else, if the target holds .py/.ipynb files or a project marker (pyproject.toml,
           setup.py, requirements*.txt, Dockerfile, .github/ ...): one folder project. So does
           a README, LICENSE or .gitignore (a repository downloaded without .git), unless two or
           more child folders have such files of their own (a folder of projects with a README).
        4. Else every child folder holding .py/.ipynb somewhere, by name. Possibly none.
        Skipped folders (venvs, node_modules, build ...) and the target's .gitignore apply throughout.
        """
        root = self.path
        name = _folder_name(root)
        if _is_git_root(root):
            return [Project(name, root, self.display, git=True)]
        try:
            with os.scandir(root) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return []
        top_ignore = IgnoreStack().push("", read_ignore_file(os.path.join(root, ".gitignore")))
        children: list[os.DirEntry[str]] = []
        loose_code = False
        marker = False
        repo_files = False
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name in PROJECT_MARKER_DIRS:
                        marker = True
                    if skip_dir_name(entry.name) or top_ignore.ignored(entry.name, True) or is_env_dir(entry.path):
                        continue
                    children.append(entry)
                elif entry.is_file():
                    if _is_analysable(entry.name) and not top_ignore.ignored(entry.name, False):
                        loose_code = True
                    elif entry.name in PROJECT_MARKER_FILES or _REQUIREMENTS_RE.match(entry.name):
                        marker = True
                    elif _REPO_FILE_RE.match(entry.name):
                        repo_files = True
            except OSError:
                continue
        if any(_is_git_root(c.path) for c in children):
            projects: list[Project] = []
            if loose_code:
                projects.append(Project(name, root, self.display, git=False, loose_only=True))
            for child in children:
                child_display = posixpath.normpath(posixpath.join(self.display, child.name))
                if _is_git_root(child.path):
                    projects.append(Project(child.name, child.path, child_display, git=True))
                elif _has_code(child.path):
                    projects.append(Project(child.name, child.path, child_display, git=False))
            return projects
        if loose_code or marker or (repo_files and sum(_looks_like_project(c.path) for c in children) < 2):
            return [Project(name, root, self.display, git=False)]
        return [
            Project(c.name, c.path, posixpath.normpath(posixpath.join(self.display, c.name)), git=False)
            for c in children
            if _has_code(c.path)
        ]

    # -- collection -----------------------------------------------------------------------------

    def collect(self) -> Iterator[Source]:
        """One Source per discovered project, built lazily so a huge portfolio streams."""
        projects = self.discover()
        inside = self._inside_repo(projects)
        for project in projects:
            if project.git:
                yield self._collect_git(project)
            else:
                yield self._collect_folder(project, [inside] if inside is not None else None)

    def _inside_repo(self, projects: list[Project]) -> Problem | None:
        """A note when the target is one project folder inside a git repository that tracks it.

        Such a folder is analysed as a plain folder: pinning the repository's commit would also
        need evidence paths relative to the repository root (for permalinks) and `verify` to
        re-collect only the subfolder, which the report format cannot express yet. So the
        report says why there is no commit, and how to get one. A folder of several projects
        that happens to live in a repository (e.g. example portfolios) stays as it was.
        """
        if len(projects) != 1 or projects[0].git or projects[0].path != self.path:
            return None
        found = enclosing_work_tree(self.path)
        if found is None:
            return None
        top, rel = found
        if not GitRepo(Path(top)).tracks("HEAD", rel):
            return None  # e.g. a home folder under version control with this folder untracked; no commit yet
        # Named the way the user named the target (`repo/sub` → `repo`), so reports do not depend
        # on the machine; a path that does not lead there (symlinks, ~) is given in full.
        top_shown = posixpath.normpath(posixpath.join(self.display, *[".."] * len(rel.split("/"))))
        if os.path.realpath(top_shown) != top:
            top_shown = top
        reason = (f"analysed as a plain folder: it is {rel}/ of the git repository at {top_shown}, so no commit is "
                  f"pinned and no authorship computed; analyse {top_shown} for both")
        return Problem(projects[0].name, "", reason, kind="inside-git-repo")

    def _collect_folder(self, project: Project, problems: list[Problem] | None = None) -> Source:
        problems = problems if problems is not None else []
        walked = self._walk(project, project.name, IgnoreStack(), None, False, problems)
        if project.loose_only:
            walked = [w for w in walked if _is_analysable(w.rel)]
        problems.extend(_lfs_pointers(project.name, walked))
        files = [SourceFile(w.rel, Path(w.abspath), w.size) for w in walked]
        info = SourceInfo(name=project.name, kind="folder", root=project.display, files_analyzed=0)
        return Source(info=info, root=Path(project.path), files=files, problems=problems, has_history=False)

    def _collect_git(self, project: Project) -> Source:
        repo = GitRepo(Path(project.path))
        try:
            state = repo.read_state()
        except GitFailure as exc:
            problem = Problem(repo=project.name, path="", reason=str(exc), kind="git-error")
            return self._collect_folder(project, [problem])
        name = f"{state.slug[0]}/{state.slug[1]}" if state.slug else project.name
        problems: list[Problem] = []
        tree = TreeState()
        repo.read_tree(state, tree)
        ignore = IgnoreStack().push("", read_ignore_file(state.exclude_file) if state.exclude_file else None)
        walked = self._walk(project, name, ignore, tree.blobs, True, problems)
        problems.extend(_lfs_pointers(name, walked))
        problems.extend(_unopened_submodules(name, project.path, tree.gitlinks))
        repo.read_status(state, tree)
        history = repo.read_history(state, self.candidate_emails)
        head: list[Problem] = []
        if state.empty:
            head.append(Problem(name, "", "the repository has no commits yet: no commit to link to", "empty-repo"))
        head.extend(Problem(name, "", reason, "git-error") for reason in state.problems)
        problems[:0] = head
        files: list[SourceFile] = []
        for w in walked:
            blob = tree.blobs.get(w.rel)
            committed = (
                state.commit is not None
                and tree.status_known
                and blob is not None
                and not w.symlink
                and w.rel not in tree.changed
            )
            files.append(
                SourceFile(
                    w.rel,
                    Path(w.abspath),
                    w.size,
                    committed=committed,
                    blob=blob if committed else None,
                    authorship=history.authorship.get(w.rel),
                )
            )
        files.extend(self._outside_work_tree(project, state, tree, walked, history, len(files)))
        info = SourceInfo(
            name=name,
            kind="git",
            root=project.display,
            commit=state.commit,
            branch=state.branch,
            remote_url=state.remote_url,
            web_url=state.web_url,
            dirty=tree.dirty,
            files_analyzed=0,
            candidate=history.candidate,
            commits=len(history.commits),
        )
        return Source(
            info=info,
            root=Path(project.path),
            files=files,
            commits=history.commits,
            problems=problems,
            has_history=state.commit is not None,
        )

    def _outside_work_tree(
        self, project: Project, state: RepoState, tree: TreeState, walked: list[WalkedFile], history: History, count: int
    ) -> list[SourceFile]:
        """Committed files git keeps out of the work tree (a sparse checkout: datasets, weights).

        Nothing reads them, but they are part of the project: a README naming data/train.csv
        finds it. A tracked file missing from disk without being a change is one git was told
        not to check out; code and notebooks are always checked out, so none is a task.
        """
        if state.commit is None or not tree.status_known:
            return []
        seen = {w.rel for w in walked}
        budget = self.limits.max_files - count
        kept: list[SourceFile] = []
        for rel, blob in sorted(tree.blobs.items()):
            if budget <= 0:
                break
            if rel in seen or rel in tree.changed or _is_analysable(rel):
                continue
            abspath = Path(project.path) / rel
            if os.path.lexists(abspath):
                continue  # on disk but not walked: ignored or over a limit, as the walk decided
            kept.append(SourceFile(rel, abspath, 0, committed=True, blob=blob, authorship=history.authorship.get(rel)))
            budget -= 1
        return kept

    def _walk(
        self,
        project: Project,
        repo_name: str,
        ignore: IgnoreStack,
        tracked: Mapping[str, str] | None,
        nested_repos: bool,
        problems: list[Problem],
    ) -> list[WalkedFile]:
        """List the project's files under the limits, sorted by path; skips become problems."""
        notes: list[tuple[str, str, str]] = []
        walker = Walker(
            project.path,
            ignore=ignore,
            tracked=tracked,
            nested_repos=nested_repos,
            report=notes,
            max_depth=0 if project.loose_only else None,
        )
        limits = self.limits
        kept: list[WalkedFile] = []
        for walked in walker.files():
            if project.loose_only and not _is_analysable(walked.rel):
                continue
            if walked.size > limits.max_file_bytes:
                reason = f"skipped: {_format_size(walked.size)} exceeds max_file_bytes={limits.max_file_bytes}"
                notes.append(("too-large", walked.rel, reason))
                continue
            if len(kept) >= limits.max_files:
                reason = f"stopped after {limits.max_files} files: more files than max_files={limits.max_files}"
                notes.append(("too-many-files", "", reason))
                break
            kept.append(walked)
        kept.sort(key=lambda w: w.rel)
        problems.extend(Problem(repo=repo_name, path=p, reason=r, kind=k) for k, p, r in notes)
        return kept


def _lfs_pointers(repo_name: str, walked: list[WalkedFile]) -> list[Problem]:
    """Data files that are Git LFS pointers, where a .gitattributes routes files through LFS.

    A clone without git-lfs (proofolio never runs it) leaves a pointer where the data was;
    saying so beats silence about a `data.csv` of three lines. Code files are not read here:
    the reader names their pointers itself.
    """
    if not any(_routes_to_lfs(w) for w in walked if posixpath.basename(w.rel) == ".gitattributes"):
        return []
    found: list[Problem] = []
    for w in walked:
        if w.symlink or w.size >= LFS_POINTER_MAX_BYTES or _is_analysable(w.rel):
            continue
        try:
            with open(w.abspath, "rb") as fh:
                reason = lfs_pointer(fh.read(LFS_POINTER_MAX_BYTES))
        except OSError:
            continue
        if reason is not None:
            found.append(Problem(repo_name, w.rel, reason, kind="lfs-pointer"))
    return found


def _routes_to_lfs(attributes: WalkedFile) -> bool:
    try:
        with open(attributes.abspath, "rb") as fh:
            return b"filter=lfs" in fh.read(_GITATTRIBUTES_READ)
    except OSError:
        return False


def _unopened_submodules(repo_name: str, root: str, gitlinks: Iterable[str]) -> list[Problem]:
    """Submodules that are not checked out: nothing of theirs is collected, and the report says so.

    A checked-out one is a nested repository the walker skips (and notes) already.
    """
    return [
        Problem(repo_name, path, "submodule not checked out: not analysed, it is another repository's code",
                kind="nested-repo")
        for path in sorted(gitlinks)
        if not os.path.lexists(os.path.join(root, path, ".git"))
    ]


def _folder_name(path: str) -> str:
    return os.path.basename(os.path.normpath(path)) or path


def _has_code(path: str) -> bool:
    """Does the folder hold any .py/.ipynb under the same skip rules as collection? Stops at the first."""
    return any(_is_analysable(w.rel) for w in Walker(path).files())

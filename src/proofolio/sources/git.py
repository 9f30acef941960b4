"""Read what a git work tree can tell about a project: commit, remote, changes, history, authorship.

Candidate repositories are untrusted input, so git is only asked read-only questions
(rev-parse, config --get-regexp, symbolic-ref, ls-tree, status, log) with every setting that
could make git run a program overridden on the command line (fsmonitor, filter drivers,
external diff, textconv, signature checks), no terminal prompts and no optional index writes.
Each question is one git process for the whole repository, never one per file.
A failing question becomes a problem reason; the answers that could be read are still used.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from proofolio.models import FileAuthorship
from proofolio.sources.base import Commit



@cache
def _gitpython() -> tuple[Any, type[Exception], str | None]:
    """(Git class or None, its not-found error, why git is unavailable): loaded on first use.

    GitPython takes ~0.1 s to import, which a plain folder never needs; and it refuses to
    import when no git executable is found, in which case collection still works.
    """
    try:
        from git.cmd import Git
        from git.exc import GitCommandNotFound
    except ImportError as exc:  # pragma: no cover - depends on the machine
        return None, OSError, f"git is not available: {exc}".splitlines()[0]
    return Git, GitCommandNotFound, None

GIT_TIMEOUT_SECONDS = 600.0

# Settings a repository's own .git/config could use to make read commands run programs or
# change the output format we parse. Command-line -c beats every config file.
_SAFE_CONFIG: tuple[str, ...] = (
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.quotePath=false",
    "color.ui=never",
    "log.showSignature=false",
    "safe.directory=*",  # read-only use: a folder owned by another user (docker mount) still reads
)

_ENV: dict[str, str] = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",  # `git status` must not rewrite the candidate's index
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_PAGER": "cat",
    "GIT_ASKPASS": "",
    "SSH_ASKPASS": "",
}

_SHA_RE = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")
_EMAIL_IN_TRAILER_RE = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
_SCP_RE = re.compile(r"^(?:(?P<user>[^@/:]+)@)?(?P<host>[^/:]+):(?P<path>(?!/).+)$")


# -- remotes ---------------------------------------------------------------------------------


def strip_credentials(url: str) -> str:
    """Drop user:password (and tokens) from a URL so reports never leak them.

    ``https://user:token@host/x`` → ``https://host/x``. For ssh-style remotes the user name is
    a login, not a secret (``git@github.com:o/r``), so only a password, if any, is removed.
    """
    url = url.strip()
    if "://" not in url:
        return url  # scp-like "user@host:path" or a local path: no password syntax exists
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.username is None and parts.password is None and not parts.query:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host + (f":{port}" if port else "")
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "ftp", "ftps") and parts.username:
        netloc = f"{parts.username}@{netloc}"
    query = "" if scheme in ("http", "https") else parts.query
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment if query else ""))


def github_slug(url: str) -> tuple[str, str] | None:
    """(owner, repo) when ``url`` points at github.com in any form git accepts, else None.

    Handles https (with or without .git, trailing slash, credentials), ``git@github.com:o/r.git``,
    ``ssh://git@github.com[:22]/o/r`` and ``git://github.com/o/r``.
    """
    url = url.strip()
    host: str | None
    path: str
    if "://" in url:
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:
            return None
        path = parts.path
    else:
        match = _SCP_RE.match(url)
        if not match:
            return None
        host, path = match.group("host"), match.group("path")
    if host is None or host.lower() not in ("github.com", "www.github.com"):
        return None
    segments = [s for s in path.strip("/").split("/") if s]
    if len(segments) != 2:
        return None
    owner, repo = segments
    if repo.endswith(".git"):
        repo = repo[: -len(".git")]
    if not owner or not repo or owner.startswith(".") or repo in (".", ".."):
        return None
    return owner, repo


# -- the repository --------------------------------------------------------------------------


class GitFailure(Exception):
    """One git question could not be answered; the message is a one-line reason."""


@dataclass(slots=True)
class RepoState:
    """Identity of the work tree: what rev-parse, symbolic-ref and config say."""

    commit: str | None = None
    branch: str | None = None
    remote_url: str | None = None  # credentials stripped
    web_url: str | None = None
    slug: tuple[str, str] | None = None
    shallow: bool = False
    empty: bool = False
    exclude_file: str | None = None  # .git/info/exclude, absolute
    shallow_file: str | None = None
    problems: list[str] = field(default_factory=list)  # reasons for kind "git-error"


@dataclass(slots=True)
class TreeState:
    """What HEAD holds and how the work tree differs from it."""

    blobs: dict[str, str] = field(default_factory=dict)  # tracked path → blob id (regular files, symlinks)
    gitlinks: set[str] = field(default_factory=set)  # submodule paths (another repository's commit)
    changed: set[str] = field(default_factory=set)  # modified, staged, deleted or untracked paths
    dirty: bool = False
    status_known: bool = False


@dataclass(slots=True)
class History:
    """HEAD's history in one pass: commits (merges included) and per-file lines added."""

    commits: tuple[Commit, ...] = ()
    authorship: dict[str, FileAuthorship] = field(default_factory=dict)
    candidate: str | None = None  # e.g. "alex@example.org (most commits)"
    candidate_emails: frozenset[str] = frozenset()


def _git_dir_for(root: Path) -> Path | None:
    """The repository directory of a work tree root: ``.git`` itself or the ``gitdir:`` it names."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        text = dot_git.read_text(encoding="utf-8", errors="surrogateescape")
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("gitdir:"):
            target = Path(line[len("gitdir:") :].strip())
            return target if target.is_absolute() else (root / target)
    return None


def enclosing_work_tree(path: str) -> tuple[str, str] | None:
    """(work tree root, ``path`` relative to it) when the folder lies inside a git work tree, else None.

    Found as git finds it: the nearest parent with a ``.git``, from the physical path. The
    repository is then only asked questions through GitRepo (hardened), never from ``path``.
    """
    real = os.path.realpath(path)
    parent = os.path.dirname(real)
    while True:
        if os.path.lexists(os.path.join(parent, ".git")):
            rel = os.path.relpath(real, parent).replace(os.sep, "/")
            return None if ".git" in rel.split("/") else (parent, rel)
        up = os.path.dirname(parent)
        if up == parent:
            return None
        parent = up


def _one_line(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line[:300]
    return "no message"


class GitRepo:
    """Read-only questions to one git work tree, each answered by a single git process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._filter_overrides: list[str] = []
        env = dict(_ENV)
        git_dir = _git_dir_for(root)
        if git_dir is not None:
            # Pin the repository explicitly: an inherited GIT_DIR/GIT_WORK_TREE/GIT_INDEX_FILE
            # (e.g. when run from a hook) or a core.worktree setting cannot redirect us.
            env["GIT_DIR"] = str(git_dir)
            env["GIT_WORK_TREE"] = str(root)
            env["GIT_INDEX_FILE"] = str(git_dir / "index")
        self._env = env
        git_class = _gitpython()[0]
        self._git = git_class(str(root)) if git_class is not None else None

    # The one place a git process is started.
    def _run(self, args: Sequence[str], ok: Iterable[int] = (0,)) -> tuple[int, bytes, str]:
        if self._git is None:
            raise GitFailure(_gitpython()[2] or "git is not available")
        command = [str(self._git.GIT_PYTHON_GIT_EXECUTABLE or "git")]
        for setting in (*_SAFE_CONFIG, *self._filter_overrides):
            command += ["-c", setting]
        command += list(args)
        try:
            status, out, err = self._git.execute(
                command,
                with_extended_output=True,
                with_exceptions=False,
                stdout_as_string=False,
                strip_newline_in_stdout=False,
                kill_after_timeout=GIT_TIMEOUT_SECONDS,
                env=self._env,
            )
        except _gitpython()[1] as exc:
            raise GitFailure(f"git executable not found: {exc}".splitlines()[0]) from exc
        except OSError as exc:
            raise GitFailure(f"git could not start: {exc}") from exc
        if status not in tuple(ok):
            raise GitFailure(f"git {args[0]} failed: {_one_line(err)}")
        return status, out or b"", err or ""

    # -- identity ---------------------------------------------------------------------------

    def read_state(self) -> RepoState:
        """Commit, branch, remote and shallowness; partial failures become reasons in ``problems``.

        Raises GitFailure only when git cannot read the repository at all.
        """
        state = RepoState()
        try:
            _, out, _ = self._run(
                ["rev-parse", "--is-shallow-repository", "--git-path", "info/exclude", "--git-path", "shallow"]
            )
        except GitFailure as exc:
            raise GitFailure(f"not a readable git repository: {exc}") from exc
        lines = os.fsdecode(out).splitlines()
        if len(lines) >= 3:
            state.shallow = lines[0].strip() == "true"
            state.exclude_file = str(self.root / lines[1].strip())
            state.shallow_file = str(self.root / lines[2].strip())
        self._read_config(state)
        try:
            status, out, _ = self._run(["rev-parse", "-q", "--verify", "HEAD^{commit}"], ok=(0, 1))
            sha = os.fsdecode(out).strip()
            if status == 0 and _SHA_RE.match(sha):
                state.commit = sha
            else:
                _, refs, _ = self._run(["for-each-ref", "--count=1", "--format=%(refname)"])
                if refs.strip():
                    state.problems.append("HEAD does not point to a readable commit")
                else:
                    state.empty = True
        except GitFailure as exc:
            state.problems.append(str(exc))
        try:
            status, out, _ = self._run(["symbolic-ref", "-q", "HEAD"], ok=(0, 1))
            ref = os.fsdecode(out).strip()
            if status == 0 and ref.startswith("refs/heads/"):
                state.branch = ref[len("refs/heads/") :]
        except GitFailure as exc:
            state.problems.append(str(exc))
        if state.shallow:
            state.problems.append(
                "shallow clone: history is cut, so commits and authorship cover only the fetched part"
            )
        return state

    def _read_config(self, state: RepoState) -> None:
        """Remote URLs and filter driver names from one ``config --get-regexp`` call."""
        try:
            _, out, _ = self._run(
                ["config", "-z", "--get-regexp", r"^(remote\..*\.url|filter\..*\.(clean|smudge|process))$"],
                ok=(0, 1),
            )
        except GitFailure as exc:
            state.problems.append(str(exc))
            return
        remotes: list[tuple[str, str]] = []
        filters: set[str] = set()
        for record in os.fsdecode(out).split("\0"):
            if not record:
                continue
            key, _, value = record.partition("\n")
            if key.startswith("remote.") and key.endswith(".url"):
                remotes.append((key[len("remote.") : -len(".url")], value))
            elif key.startswith("filter."):
                filters.add(key[len("filter.") : key.rindex(".")])
        # A repository's filter drivers are programs; blank them so status can never run one.
        overrides: list[str] = []
        for name in sorted(filters):
            overrides += [f"filter.{name}.clean=", f"filter.{name}.smudge=", f"filter.{name}.process="]
            overrides.append(f"filter.{name}.required=false")
        self._filter_overrides = overrides
        chosen = next((url for name, url in remotes if name == "origin"), None)
        if chosen is None and remotes:
            chosen = remotes[0][1]
        if chosen:
            state.remote_url = strip_credentials(chosen)
            state.slug = github_slug(chosen)
            if state.slug:
                state.web_url = f"https://github.com/{state.slug[0]}/{state.slug[1]}"

    def tracks(self, commit: str, rel: str) -> bool:
        """Does ``commit`` hold ``rel`` (posix, relative to the work tree root)? False when unreadable."""
        try:
            status, _, _ = self._run(["rev-parse", "-q", "--verify", f"{commit}:{rel}"], ok=(0, 1))
        except GitFailure:
            return False
        return status == 0

    # -- tree and work-tree changes ------------------------------------------------------------

    def read_tree(self, state: RepoState, tree: TreeState) -> None:
        """Blob id of every file in HEAD (``ls-tree -r -z HEAD``); gitlinks (submodules) listed apart."""
        if state.commit is None:
            return
        try:
            _, out, _ = self._run(["ls-tree", "-r", "-z", "--full-tree", state.commit])
        except GitFailure as exc:
            state.problems.append(str(exc))
            return
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            fields = meta.split()
            if len(fields) == 3 and fields[1] == b"commit":
                tree.gitlinks.add(os.fsdecode(raw_path))
            if len(fields) != 3 or fields[1] != b"blob":
                continue
            tree.blobs[os.fsdecode(raw_path)] = fields[2].decode("ascii")

    def read_status(self, state: RepoState, tree: TreeState) -> None:
        """Paths that differ from HEAD, from one ``status --porcelain -z`` over the whole tree."""
        try:
            _, out, _ = self._run(
                ["status", "--porcelain", "-z", "--untracked-files=all", "--no-renames", "--ignore-submodules=all"]
            )
        except GitFailure as exc:
            state.problems.append(str(exc))
            return
        tree.status_known = True
        for record in out.split(b"\0"):
            if len(record) < 4:
                continue
            # "XY PATH": any status letter means the work tree file is not the HEAD file.
            tree.changed.add(os.fsdecode(record[3:]))
        tree.dirty = bool(tree.changed)

    # -- history ------------------------------------------------------------------------------

    def read_history(self, state: RepoState, candidate_emails: Sequence[str]) -> History:
        """Every commit of HEAD and, per path, lines added by the candidate vs by everyone.

        One ``git log --numstat`` pass. Merge commits are listed (``Commit``) but show no diff,
        so they add no lines; ``--no-renames`` makes a renamed file count as fully added by the
        renamer. Names and emails go through .mailmap (``%aN``/``%aE``). In a shallow clone the
        boundary commits' diffs would show the whole tree as "added" by their authors, so those
        diffs are left out of authorship.
        """
        history = History()
        if state.commit is None:
            return history
        fmt = "%x01%H%x00%P%x00%aN%x00%aE%x00%ae%x00%at%x00%(trailers:key=Co-authored-by,valueonly,separator=%x1f)%x00"
        args = [
            "log",
            "--no-renames",
            "--numstat",
            "-z",
            "--no-show-signature",
            "--no-textconv",
            "--no-ext-diff",
            "--encoding=UTF-8",
            f"--format={fmt}",
            state.commit,
            "--",
        ]
        try:
            # A corrupt object makes git stop with an error after printing what it could read.
            status, out, err = self._run(args, ok=range(0, 256))
        except GitFailure as exc:
            state.problems.append(str(exc))
            return history
        complete = status == 0
        if not complete:
            # Shares from a partial history would be skewed: keep the commits, drop authorship.
            state.problems.append(
                f"git log failed: {_one_line(err)} (commits listed up to there; authorship not computed)"
            )
        boundary = self._shallow_boundary(state)
        records = _parse_log(out)
        given = _normalise_emails(candidate_emails)
        if given:
            chosen = given
            history.candidate = f"{', '.join(given)} (--author-email)"
        else:
            counts = Counter(r.email.lower() for r in records if r.email)
            if counts:
                top = max(counts.values())
                email = min(e for e, n in counts.items() if n == top)
                chosen = (email,)
                history.candidate = f"{email} (most commits)"
            else:
                chosen = ()
        wanted = frozenset(chosen)
        history.candidate_emails = wanted
        added_all: Counter[str] = Counter()
        added_candidate: Counter[str] = Counter()
        commits: list[Commit] = []
        for record in records:
            authored = record.email.lower() in wanted or record.raw_email.lower() in wanted
            credited = authored or any(e.lower() in wanted for e in record.coauthors)
            commits.append(Commit(record.sha, record.name, record.email, record.timestamp, credited))
            if record.sha in boundary:
                continue
            for path, lines in record.numstat:
                added_all[path] += lines
                if authored:
                    added_candidate[path] += lines
        history.commits = tuple(commits)
        if complete:
            history.authorship = {p: FileAuthorship(added_candidate[p], n) for p, n in added_all.items()}
        # Paths that only appeared in a shallow boundary commit have unknown authorship: absent.
        return history

    def _shallow_boundary(self, state: RepoState) -> frozenset[str]:
        if not state.shallow or not state.shallow_file:
            return frozenset()
        try:
            with open(state.shallow_file, encoding="ascii", errors="replace") as fh:
                return frozenset(line.strip() for line in fh if line.strip())
        except OSError:
            return frozenset()


@dataclass(slots=True)
class _LogRecord:
    sha: str
    parents: tuple[str, ...]
    name: str
    email: str  # mailmapped
    raw_email: str
    timestamp: int
    coauthors: tuple[str, ...]
    numstat: list[tuple[str, int]]


def _normalise_emails(emails: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for email in emails:
        email = email.strip().lower()
        if email:
            seen.setdefault(email, None)
    return tuple(seen)


def _parse_log(out: bytes) -> list[_LogRecord]:
    """Parse ``git log -z --numstat`` output of the format used in ``read_history``.

    Each commit header is ``\\x01SHA`` followed by six NUL-separated fields; the numstat lines
    that follow are ``added\\tdeleted\\tpath`` (``-`` for binary files, counted as 0 lines).
    """
    tokens = os.fsdecode(out).split("\0")
    records: list[_LogRecord] = []
    current: _LogRecord | None = None
    i = 0
    n = len(tokens)
    while i < n:
        token = tokens[i]
        if token.startswith("\x01") and _SHA_RE.match(token[1:]) and i + 6 < n:
            parents, name, email, raw_email, ts, trailers = tokens[i + 1 : i + 7]
            try:
                timestamp = int(ts)
            except ValueError:
                timestamp = 0
            coauthors = tuple(m.group(1) for m in _EMAIL_IN_TRAILER_RE.finditer(trailers))
            current = _LogRecord(token[1:], tuple(parents.split()), name, email, raw_email, timestamp, coauthors, [])
            records.append(current)
            i += 7
            continue
        i += 1
        token = token.lstrip("\n")
        if not token or current is None:
            continue
        added, sep1, rest = token.partition("\t")
        _deleted, sep2, path = rest.partition("\t")
        if not (sep1 and sep2 and path):
            continue
        current.numstat.append((path, int(added) if added.isdigit() else 0))
    return records

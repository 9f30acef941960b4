"""Check a JSON report against the code it claims to describe.

A digest alone proves nothing (whoever edits a report can recompute it), so it is only the
fast first check. The real one re-obtains every analysed repository at its pinned commit — a
fresh clone, hooks disabled, never the candidate's work tree — re-runs the same analysis with
the same taxonomy, and compares every assessment (level, score, evidence count) and every
evidence item (detector, location, snippet, cited-lines hash) with the report. Whatever cannot
be compared says why (no commit, another tool version, another taxonomy, clone failed).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit


from proofolio import __version__
from proofolio.detectors.registry import default_registry
from proofolio.limits import DEFAULT_HTTP_TIMEOUT, http_timeout
from proofolio.links import display_location
from proofolio.models import Evidence, Result, SkillAssessment, SourceInfo
from proofolio.pipeline import AnalyzeOptions, analyze_sources
from proofolio.privacy import EMAIL, HIDDEN, reveal
from proofolio.reporters.json_report import ReportFormatError, digest_status, load_schema, result_from_dict
from proofolio.sources.base import Source
from proofolio.sources.local import LocalCollector, TargetError
from proofolio.taxonomy import Taxonomy

__all__ = ["Check", "ReportUnusable", "Verification", "load_report", "verify"]

Outcome = Literal["ok", "mismatch", "unchecked"]
GIT_TIMEOUT = 600
_GIT_SAFE = ("-c", "core.hooksPath=/dev/null", "-c", "core.fsmonitor=false", "-c", "protocol.file.allow=always",
             "-c", "advice.detachedHead=false")
_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "SSH_ASKPASS": "", "GIT_LFS_SKIP_SMUDGE": "1"}


class ReportUnusable(ValueError):
    """The file is not a report this proofolio can check (exit 2)."""


@dataclass(frozen=True, slots=True)
class Check:
    outcome: Outcome
    subject: str  # "digest", "source NAME", "skill ID", "evidence DET at LOCATION"
    detail: str


@dataclass(slots=True)
class Verification:
    checks: list[Check] = field(default_factory=list)

    def add(self, outcome: Outcome, subject: str, detail: str) -> None:
        self.checks.append(Check(outcome, subject, detail))

    def count(self, outcome: Outcome) -> int:
        return sum(1 for c in self.checks if c.outcome == outcome)

    @property
    def exit_code(self) -> int:
        """0 only when every check matched; 1 when anything did not match or could not be checked."""
        return 0 if self.checks and all(c.outcome == "ok" for c in self.checks) else 1


def load_report(path: str) -> tuple[dict[str, Any], Result]:
    """The raw JSON and its Result; ``ReportUnusable`` when it is not a valid report."""
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise ReportUnusable(f"report not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ReportUnusable(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportUnusable(f"{path} is not JSON: {exc}") from None
    import jsonschema  # only `verify` needs it: not loaded by every command

    errors = sorted(jsonschema.Draft202012Validator(load_schema()).iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(top level)"
        raise ReportUnusable(f"{path} does not follow the report schema at {where}: {first.message[:200]}")
    try:
        return data, result_from_dict(data)
    except ReportFormatError as exc:
        raise ReportUnusable(f"{path}: {exc}") from None


# --- re-obtaining sources ------------------------------------------------------------------


def _git(args: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    try:
        stall = http_timeout()
    except ValueError:
        stall = DEFAULT_HTTP_TIMEOUT
    # a server that stops sending for $PROOFOLIO_HTTP_TIMEOUT seconds fails the clone, as in analyze
    bounded = ("-c", "http.lowSpeedLimit=1", "-c", f"http.lowSpeedTime={stall}")
    return subprocess.run(["git", *_GIT_SAFE, *bounded, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=GIT_TIMEOUT, env={**os.environ, **_GIT_ENV}, check=False)


def _clone_url(source: SourceInfo, base: Path) -> str | None:
    """A local repository at the recorded root (as file://), else a cloneable remote URL."""
    root = Path(source.root)
    if not root.is_absolute():
        root = (base / root) if (base / root).exists() else Path.cwd() / root
    if (root / ".git").exists():
        return root.resolve().as_uri()
    url = source.remote_url or source.web_url
    if url:
        scheme = urlsplit(url).scheme
        if scheme in ("https", "http", "file", "git", "ssh"):
            return url
    return None


def _checkout(source: SourceInfo, base: Path, tmp: Path) -> tuple[Path | None, str]:
    """Clone the source and check out its commit; (work tree, "") or (None, why not)."""
    url = _clone_url(source, base)
    if url is None:
        return None, "could not be checked: no local repository at the recorded root and no remote URL to clone"
    folder = Path(source.root.rstrip("/")).name or "repo"
    dest = tmp / folder
    cloned = _git(["clone", "--quiet", "--no-checkout", url, str(dest)])
    if cloned.returncode != 0:
        reason = " ".join(cloned.stderr.split())[:200]
        return None, f"could not be checked: cloning {_shown(url)} failed ({reason})"
    assert source.commit is not None
    checked = _git(["checkout", "--quiet", "--detach", source.commit], cwd=dest)
    if checked.returncode != 0:
        return None, f"commit {source.commit} does not exist in {_shown(url)}"
    # The collector names a project after its remote: keep the one the report recorded.
    _git(["remote", "remove", "origin"], cwd=dest)
    if source.remote_url:
        _git(["remote", "add", "origin", source.remote_url], cwd=dest)
    return dest, ""


def _shown(url: str) -> str:
    return url.removeprefix("file://")


def _candidate_emails(source: SourceInfo, tree: Path | None = None) -> tuple[str, ...]:
    """The emails authorship was computed for, as the report records them.

    ``a@x, b@y (--author-email)`` (given on the command line) and ``login (a@x, b@y)`` (a GitHub
    account) name them; ``a@x (most commits)`` means none was given, so the same default applies.
    Reports hide addresses as ``<email:HASH>`` unless made with --show-emails: those are found
    again among the author emails of the re-obtained repository (``tree``).
    """
    text = (source.candidate or "").strip()
    suffix = " (--author-email)"
    if text.endswith(suffix):
        return _unhide(text[: -len(suffix)], tree)
    head, sep, inner = text.partition(" (")
    if sep and inner.endswith(")") and ("@" in inner or HIDDEN.search(inner)) and " " not in head:
        return _unhide(inner[:-1], tree)
    return ()


def _unhide(text: str, tree: Path | None) -> tuple[str, ...]:
    if not HIDDEN.search(text):
        return tuple(e.strip() for e in text.split(",") if "@" in e)
    known: list[str] = []
    if tree is not None:
        log = subprocess.run(
            ["git", "-c", "core.hooksPath=/dev/null", "log", "--format=%aE%n%cE%n%(trailers:key=Co-authored-by,valueonly)"],
            cwd=tree, capture_output=True, text=True, check=False,
        )
        known = [m.group(0) for m in EMAIL.finditer(log.stdout)]
    return reveal(text, known)


@contextmanager
def _obtain(result: Result, base: Path, v: Verification) -> Iterator[tuple[list[Source], set[str]]]:
    """Sources re-collected at their commits, and the names of those that could not be."""
    sources: list[Source] = []
    missing: set[str] = set()
    with ExitStack() as stack:
        for info in result.sources:
            subject = f"source {info.name}"
            if info.kind != "git" or not info.commit:
                path = _existing_folder(info, base)
                if info.kind == "folder" and path is not None:
                    collected = _collect(path, ())
                    if collected is not None:
                        sources.append(collected)
                        v.add("ok", subject, "re-analysed the folder as it is now (a folder has no commit to pin it)")
                        continue
                missing.add(info.name)
                v.add("unchecked", subject, "could not be checked (no commit)")
                continue
            if info.dirty:
                missing.add(info.name)
                v.add("unchecked", subject, "could not be checked: it had uncommitted changes when analysed")
                continue
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="proofolio-verify-")))
            tree, why = _checkout(info, base, tmp)
            if tree is None:
                missing.add(info.name)
                v.add("mismatch" if why.startswith("commit ") else "unchecked", subject, why)
                continue
            collected = _collect(tree, _candidate_emails(info, tree))
            if collected is None or collected.info.name != info.name:
                missing.add(info.name)
                v.add("unchecked", subject, "could not be checked: the clone does not collect as the same project")
                continue
            sources.append(collected)
            v.add("ok", subject, f"re-obtained at commit {info.commit[:12]}")
        yield sources, missing


def _existing_folder(info: SourceInfo, base: Path) -> Path | None:
    for candidate in (base / info.root, Path.cwd() / info.root):
        if candidate.is_dir():
            return candidate
    return None


def _collect(path: Path, emails: tuple[str, ...]) -> Source | None:
    try:
        found = list(LocalCollector(str(path), emails).collect())
    except TargetError:
        return None
    return found[0] if len(found) == 1 else None


# --- comparing -----------------------------------------------------------------------------


def _key(ev: Evidence) -> tuple[str, str, str, int | None, int | None, int | None]:
    loc = ev.location
    return (ev.detector, loc.repo, loc.path, loc.line, loc.end_line, loc.cell)


def _ev_subject(ev: Evidence) -> str:
    return f"evidence {ev.detector} at {display_location(ev.location, with_repo=True)}"


def _compare_evidence(skill: str, old: Evidence, new_items: dict[tuple[Any, ...], Evidence], v: Verification) -> None:
    subject = f"skill {skill}: {_ev_subject(old)}"
    found = new_items.get(_key(old))
    if found is None:
        v.add("mismatch", subject, "not found by the re-analysis (detector, file, line or cell differ)")
        return
    diffs = []
    if old.location.commit != found.location.commit:
        diffs.append(f"commit {old.location.commit} in the report, {found.location.commit} re-analysed")
    if old.snippet != found.snippet:
        diffs.append("snippet differs from the code at the commit")
    if old.cited_sha256 != found.cited_sha256:
        diffs.append("cited lines hash differs")
    if old.confidence != found.confidence or old.severity != found.severity:
        diffs.append("confidence or severity differs")
    if diffs:
        v.add("mismatch", subject, "; ".join(diffs))
    else:
        v.add("ok", subject, "matches")


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _compare_skill(
    old: SkillAssessment, new: SkillAssessment | None, missing: set[str], obtained: set[str], v: Verification
) -> None:
    """Level, score and each evidence item; evidence is compared only where its project was re-analysed.

    Evidence can stand in a project that is no source of its own (a pull request to someone
    else's repository, cited by the account source): it is unchecked, never a mismatch.
    """
    subject = f"skill {old.skill}"
    if missing:
        v.add("unchecked", subject, f"level/score could not be checked: {', '.join(sorted(missing))} could not be re-analysed")
    elif new is None:
        v.add("mismatch", subject, "the re-analysis has no such skill")
    else:
        diffs = []
        if old.level != new.level:
            diffs.append(f"level {old.level.value} in the report, {new.level.value} re-analysed")
        if old.score != new.score:
            diffs.append(f"score {old.score} in the report, {new.score} re-analysed")
        if old.evidence_count != new.evidence_count:
            diffs.append(f"{old.evidence_count} evidence items in the report, {new.evidence_count} re-analysed")
        if old.reason != new.reason:
            diffs.append(f"reason {_short(old.reason)!r} in the report, {_short(new.reason)!r} re-analysed")
        if old.caveats != new.caveats:
            diffs.append(f"caveats {[_short(c) for c in old.caveats]} in the report, {[_short(c) for c in new.caveats]} re-analysed")
        v.add("mismatch" if diffs else "ok", subject,
              "; ".join(diffs) if diffs else f"level {old.level.value}, score {old.score}")
    new_items = {_key(e): e for e in (new.evidence if new else ())}
    for ev in old.evidence:
        if ev.location.repo in missing or ev.location.repo not in obtained:
            v.add("unchecked", f"skill {old.skill}: {_ev_subject(ev)}", f"could not be checked: {ev.location.repo} could not be re-analysed")
        else:
            _compare_evidence(old.skill, ev, new_items, v)


def verify(data: dict[str, Any], result: Result, taxonomy: Taxonomy | None, *, base: Path | None = None,
           taxonomy_note: str = "") -> Verification:
    """Every check, in order: digest, tool version, taxonomy, sources, skills and evidence.

    ``taxonomy`` is the one whose sha256 equals the report's, or None (``taxonomy_note`` says why).
    """
    v = Verification()
    status = digest_status(data)
    if status is True:
        v.add("ok", "digest", "matches the report's content")
    else:
        v.add("mismatch", "digest", "does not match the report's content: it was edited after it was written")
    if result.tool_version != __version__:
        why = f"could not be checked: report made by proofolio {result.tool_version}, this is {__version__}"
        v.add("unchecked", "analysis", why)
        return v
    if taxonomy is None:
        v.add("unchecked", "analysis", f"could not be checked: {taxonomy_note}")
        return v
    v.add("ok", "taxonomy", f"{taxonomy.ref.name} {taxonomy.ref.version}, sha256 {taxonomy.ref.sha256[:12]} as in the report")
    base = base or Path.cwd()
    with _obtain(result, base, v) as (sources, missing):
        again = analyze_sources(result.target, sources, AnalyzeOptions(taxonomy, default_registry())) if sources else None
    new_by_skill = {a.skill: a for a in again.assessments} if again else {}
    obtained = {s.info.name for s in sources}
    for old in result.assessments:
        _compare_skill(old, new_by_skill.get(old.skill), missing, obtained, v)
    return v

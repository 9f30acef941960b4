"""Core value types shared by every stage: collect → read → detect → score → report.

They are frozen so a stage can never change what an earlier stage observed, and they
hold only plain data so results can be cached, compared and serialised to JSON.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from enum import StrEnum


class Confidence(StrEnum):
    """How sure a detector is that the evidence shows the skill."""

    HIGH = "high"  # a resolved call/construction/subclass in code the candidate wrote
    MEDIUM = "medium"  # resolved through a heuristic (method on an untyped receiver, star import)
    LOW = "low"  # an import alone, a file name, a heuristic guess


CONFIDENCE_FACTOR: dict[Confidence, float] = {
    Confidence.HIGH: 1.0,
    Confidence.MEDIUM: 0.6,
    Confidence.LOW: 0.2,
}


class Severity(StrEnum):
    """How much a negative signal should weigh (calibrated: test-set selection ≫ scaler before split)."""

    INFO = "info"
    LOW = "low"
    HIGH = "high"


class Level(StrEnum):
    """Employer-facing level of one skill."""

    NOT_ASSESSED = "not_assessed"
    NONE = "none"
    EMERGING = "emerging"
    DEMONSTRATED = "demonstrated"
    STRONG = "strong"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a piece of evidence stands, precise enough to click."""

    repo: str  # "owner/name" for GitHub remotes, else the project folder's name
    commit: str | None  # full SHA when the file is unchanged at that commit
    path: str  # relative to the project root, forward slashes
    line: int | None  # 1-based; inside the cell for notebooks; None = the whole file/project
    end_line: int | None = None
    cell: int | None = None  # 0-based index in the notebook's cell list (all cell types)

    def sort_key(self) -> tuple[str, str, int, int, int]:
        return (self.repo, self.path, self.cell if self.cell is not None else -1, self.line or 0, self.end_line or 0)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One observation a detector made; detectors observe, they never score."""

    detector: str
    skill: str
    location: Location
    snippet: str
    confidence: Confidence
    values: tuple[tuple[str, str], ...] = ()
    authored_share: float | None = None  # the candidate's share of the file's lines, when known
    # Negative signals (leakage, scoring on training data ...) carry a severity and a fix;
    # positive evidence has neither. Scoring lowers or caveats a skill on them.
    severity: Severity | None = None
    remediation: str | None = None
    # SHA-256 of the analysed lines the location cites (digest.lines_sha256); `verify`
    # recomputes it at the pinned commit, so an edited snippet, line or commit is caught.
    cited_sha256: str | None = None

    def value(self, key: str) -> str | None:
        for k, v in self.values:
            if k == key:
                return v
        return None

    def sort_key(self) -> tuple[tuple[str, str, int, int, int], str, str]:
        return (self.location.sort_key(), self.detector, self.snippet)

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickled as one flat tuple, rebuilt with its repeated strings shared (shared_evidence).

        Workers send every item they find to the parent: the dataclass default (a state dict
        per object, set field by field) cost ~5x more, and the parent then interned each
        item again (compact) on top.
        """
        loc = self.location
        return shared_evidence, (
            self.detector, self.skill, loc.repo, loc.commit, loc.path, loc.line, loc.end_line, loc.cell, self.snippet,
            self.confidence.value, self.values, self.authored_share, self.severity.value if self.severity else None,
            self.remediation, self.cited_sha256,
        )


# Identical `values` tuples (("api", "pandas.read_csv"),) are shared, up to this many distinct ones.
MAX_SHARED_VALUES = 50_000
_SHARED_VALUES: dict[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]] = {}


def shared_values(values: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """The one shared copy of an evidence item's ``values``, made of interned strings (see compact)."""
    shared = _SHARED_VALUES.get(values)
    if shared is None:
        shared = tuple((sys.intern(k), sys.intern(v)) for k, v in values)
        if len(_SHARED_VALUES) < MAX_SHARED_VALUES:
            _SHARED_VALUES[shared] = shared
    return shared


def compact(item: Evidence) -> Evidence:
    """The same evidence with its repeated strings shared (sys.intern): ids, paths, API names, values.

    A run keeps every evidence item until scoring, and items built from separate strings each
    carry private copies: interning roughly halves what a hundred thousand items hold. What is
    shared already is kept, not rebuilt. Every item of a run comes shared already (emitted by
    FileContext.emit, decoded by cache.decode_result, sent by a worker: shared_evidence), so
    this serves items built elsewhere (tests, tools) and says what "shared" means.
    """
    share = sys.intern
    loc = item.location
    location = _compact_location(loc)
    values = shared_values(item.values)
    detector, skill = share(item.detector), share(item.skill)
    remediation = share(item.remediation) if item.remediation else None
    if (location is loc and values is item.values and detector is item.detector and skill is item.skill
            and remediation is item.remediation):
        return item
    return Evidence(
        detector, skill, location, item.snippet, item.confidence, values, item.authored_share,
        item.severity, remediation, item.cited_sha256,
    )


def _compact_location(loc: Location) -> Location:
    """``loc`` with its repo, commit and path interned; ``loc`` itself when they are already."""
    share = sys.intern
    repo, path = share(loc.repo), share(loc.path)
    commit = share(loc.commit) if loc.commit else None
    if repo is loc.repo and path is loc.path and commit is loc.commit:
        return loc
    return Location(repo, commit, path, loc.line, loc.end_line, loc.cell)


_CONFIDENCES = {c.value: c for c in Confidence}  # dict lookups: Enum(value) is slow at 100k items
_SEVERITIES = {s.value: s for s in Severity}


def shared_evidence(
    detector: str, skill: str, repo: str, commit: str | None, path: str, line: int | None, end_line: int | None,
    cell: int | None, snippet: str, confidence: str, values: tuple[tuple[str, str], ...], share: float | None,
    severity: str | None, remediation: str | None, cited: str | None,
) -> Evidence:
    """An item from flat fields (sent by a worker, stored in the cache), its strings shared as compact shares them."""
    intern = sys.intern
    location = Location(intern(repo), intern(commit) if commit else commit, intern(path), line, end_line, cell)
    return Evidence(
        intern(detector), intern(skill), location, snippet, _CONFIDENCES[confidence], shared_values(values), share,
        _SEVERITIES[severity] if severity else None, intern(remediation) if remediation else remediation, cited,
    )


@dataclass(frozen=True, slots=True)
class Problem:
    """A file, cell or detector that could not be handled; recorded, never fatal."""

    repo: str
    path: str
    reason: str
    kind: str  # short machine-readable type, see docs/problems.md
    cell: int | None = None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class FileAuthorship:
    """Who wrote a file's lines, from git history."""

    candidate_lines: int
    total_lines: int

    @property
    def share(self) -> float:
        return self.candidate_lines / self.total_lines if self.total_lines else 0.0


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """Identity of one analysed project: a folder or a git repository at a commit."""

    name: str  # "owner/name" for GitHub remotes, else the folder name
    kind: str  # "folder" or "git"
    root: str  # the path given/derived, as shown to the user
    commit: str | None = None
    branch: str | None = None
    remote_url: str | None = None  # credentials stripped
    web_url: str | None = None  # https://github.com/owner/name when known
    dirty: bool = False  # uncommitted changes: their files carry no commit
    files_analyzed: int = 0
    candidate: str | None = None  # who the authorship shares are computed for
    commits: int | None = None
    fetched_bytes: int | None = None  # downloaded by this run's clone/fetch (GitHub sources only)


@dataclass(frozen=True, slots=True)
class SkillAssessment:
    """The verdict on one skill, with the evidence that backs it."""

    skill: str
    name: str
    level: Level
    score: int
    reason: str
    caveats: tuple[str, ...]
    evidence: tuple[Evidence, ...]  # strongest first, capped
    evidence_count: int
    detectors: tuple[str, ...]  # distinct detectors that fired, sorted
    tags: tuple[tuple[str, int], ...] = ()  # e.g. domain tags with their evidence counts


@dataclass(frozen=True, slots=True)
class WorkflowStage:
    """One ML workflow stage seen in a notebook or script, where it first appears."""

    stage: str  # load, clean, split, fit, evaluate, tune, persist, serve
    detector: str
    location: Location


@dataclass(frozen=True, slots=True)
class Workflow:
    """The stages one notebook or script covers, in order of first appearance."""

    repo: str
    path: str
    stages: tuple[WorkflowStage, ...]
    in_order: bool  # stages appear in the canonical load → ... → serve order


@dataclass(frozen=True, slots=True)
class TaxonomyRef:
    name: str
    version: str
    sha256: str
    source: str  # "default" or the file given with --skills


@dataclass(frozen=True, slots=True)
class Result:
    """Everything a report shows; reporters render this and nothing else."""

    schema_version: str
    tool_version: str
    generated_at: str
    target: str
    taxonomy: TaxonomyRef
    sources: tuple[SourceInfo, ...]
    assessments: tuple[SkillAssessment, ...]
    problems: tuple[Problem, ...]
    stats: dict[str, int] = field(default_factory=dict)
    workflows: tuple[Workflow, ...] = ()

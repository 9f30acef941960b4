"""The JSON report: the source of truth every other view and later command derives from.

``match`` and ``verify`` read this file back, so the shape is versioned
(``schema/report.schema.json``), written in a fixed key order, and ``result_from_dict``
restores the exact ``Result`` that was written. Permalinks are included for convenience
(a reader should not have to rebuild them) but are derived data: they are not read back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from proofolio.links import permalink, redact_url
from proofolio.models import (
    Confidence,
    Evidence,
    Level,
    Location,
    Problem,
    Result,
    Severity,
    SkillAssessment,
    SourceInfo,
    TaxonomyRef,
    Workflow,
    WorkflowStage,
)

__all__ = [
    "SCHEMA_VERSION",
    "JsonSections",
    "ReportFormatError",
    "digest_status",
    "load_result",
    "load_schema",
    "parse_json",
    "render_json",
    "report_data",
    "report_digest",
    "result_from_dict",
    "result_to_dict",
    "source_data",
    "sources_from_data",
]

SCHEMA_VERSION = "1.0"
TOOL_NAME = "proofolio"


class ReportFormatError(ValueError):
    """A JSON report that this version of proofolio cannot read."""


def load_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the report, shipped as package data."""
    text = resources.files("proofolio.schema").joinpath("report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


# --- Result → dict -------------------------------------------------------------------------

PRETTY_DEPTH = 4  # objects and lists nested deeper than this are written on one line
# One encoder for the whole report: json.dumps with options builds a new one per call, and a
# report encodes tens of thousands of small values.
_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
# The digest's encoding: what json.dumps(sort_keys=True, separators=(",", ":"), ...) writes.
_CANONICAL = json.JSONEncoder(ensure_ascii=False, allow_nan=False, sort_keys=True, separators=(",", ":")).encode


def _source(s: SourceInfo) -> dict[str, Any]:
    return {
        "name": s.name,
        "kind": s.kind,
        "root": s.root,
        "commit": s.commit,
        "branch": s.branch,
        "remote_url": redact_url(s.remote_url) if s.remote_url else s.remote_url,
        "web_url": redact_url(s.web_url) if s.web_url else s.web_url,
        "dirty": s.dirty,
        "files_analyzed": s.files_analyzed,
        "candidate": s.candidate,
        "commits": s.commits,
        "fetched_bytes": s.fetched_bytes,
    }


def _location(loc: Location) -> dict[str, Any]:
    return {
        "repo": loc.repo,
        "commit": loc.commit,
        "path": loc.path,
        "line": loc.line,
        "end_line": loc.end_line,
        "cell": loc.cell,
    }


def _evidence(ev: Evidence, sources: dict[str, SourceInfo]) -> dict[str, Any]:
    return {
        "detector": ev.detector,
        "skill": ev.skill,
        "location": _location(ev.location),
        "url": permalink(ev.location, sources.get(ev.location.repo)),
        "snippet": ev.snippet,
        "confidence": ev.confidence.value,
        "values": dict(ev.values),
        "authored_share": ev.authored_share,
        "severity": ev.severity.value if ev.severity else None,
        "remediation": ev.remediation,
        "cited_sha256": ev.cited_sha256,
    }


def _assessment(a: SkillAssessment, sources: dict[str, SourceInfo]) -> dict[str, Any]:
    return {
        "skill": a.skill,
        "name": a.name,
        "level": a.level.value,
        "score": a.score,
        "reason": a.reason,
        "caveats": list(a.caveats),
        "evidence_count": a.evidence_count,
        "detectors": list(a.detectors),
        "tags": dict(a.tags),
        "evidence": [_evidence(ev, sources) for ev in a.evidence],
    }


def _workflow(w: Workflow) -> dict[str, Any]:
    return {
        "repo": w.repo,
        "path": w.path,
        "in_order": w.in_order,
        "stages": [{"stage": s.stage, "detector": s.detector, "location": _location(s.location)} for s in w.stages],
    }


def _workflow_from(d: dict[str, Any]) -> Workflow:
    stages = tuple(WorkflowStage(s["stage"], s["detector"], _location_from(s["location"])) for s in d["stages"])
    return Workflow(d["repo"], d["path"], stages, bool(d["in_order"]))


def _problem(p: Problem) -> dict[str, Any]:
    return {"repo": p.repo, "path": p.path, "kind": p.kind, "reason": p.reason, "cell": p.cell, "line": p.line}


def sources_by_name(result: Result) -> dict[str, SourceInfo]:
    """Look up a Location's source by ``Location.repo``; the first source of a name wins."""
    found: dict[str, SourceInfo] = {}
    for s in result.sources:
        found.setdefault(s.name, s)
    return found


def report_data(result: Result) -> dict[str, Any]:
    """The report as plain JSON data, keys in a fixed order, without its ``digest``.

    URLs are passed through ``redact_url`` once more: collectors already strip credentials,
    and a report is the one place a leaked token would travel furthest.

    ``values`` and ``tags`` become objects; a repeated key would keep its last value, so
    detectors and scoring must emit each key once (they do: keys are names, not lists).
    """
    sources = sources_by_name(result)
    t = result.taxonomy
    return {
        "schema_version": result.schema_version,
        "tool": {"name": TOOL_NAME, "version": result.tool_version},
        "generated_at": result.generated_at,
        "target": result.target,
        "taxonomy": {"name": t.name, "version": t.version, "sha256": t.sha256, "source": t.source},
        "sources": source_data(result.sources),
        "assessments": [_assessment(a, sources) for a in result.assessments],
        "workflows": [_workflow(w) for w in result.workflows],
        "problems": [_problem(p) for p in result.problems],
        "stats": dict(result.stats),
    }


def source_data(sources: Sequence[SourceInfo]) -> list[dict[str, Any]]:
    """The report's ``sources`` section: what changes when email addresses are hidden."""
    return [_source(s) for s in sources]


def result_to_dict(result: Result) -> dict[str, Any]:
    """The report as plain JSON data (``report_data``), ``digest`` (``report_digest``) last."""
    data = report_data(result)
    data["digest"] = report_digest(data)
    return data


def report_digest(data: dict[str, Any]) -> str:
    """SHA-256 of the report's canonical JSON (sorted keys, no spaces, UTF-8), ``digest`` left out.

    Anyone can recompute it after editing a report, so it only catches accidental or careless
    edits quickly; ``proofolio verify`` re-runs the analysis for the real check.
    """
    body = {k: v for k, v in data.items() if k != "digest"}
    return hashlib.sha256(_CANONICAL(body).encode("utf-8")).hexdigest()


def render_json(result: Result) -> str:
    """The JSON report text: indented, UTF-8 characters kept, one trailing newline.

    Indented down to PRETTY_DEPTH, one line per evidence item or workflow below it: as readable
    as ``indent=2`` where it matters, and encoded by the json module's C encoder (``indent``
    forces the pure-Python one, seconds on a report with a hundred thousand items).
    """
    return JsonSections.of(report_data(result)).text()


# Sections written one item per line: a report holds a workflow for every script and notebook.
FLAT_SECTIONS = {"workflows": 2}


def _pretty(value: Any, depth: int, flat_at: int = PRETTY_DEPTH) -> str:
    if depth >= flat_at or not isinstance(value, (dict, list)) or not value:
        return _ENCODE(value)
    pad = "  " * (depth + 1)
    if isinstance(value, dict):
        body = ",\n".join(f"{pad}{_ENCODE(k)}: {_pretty(v, depth + 1, flat_at)}" for k, v in value.items())
        return "{\n" + body + "\n" + "  " * depth + "}"
    body = ",\n".join(pad + _pretty(v, depth + 1, flat_at) for v in value)
    return "[\n" + body + "\n" + "  " * depth + "]"


@dataclass(frozen=True, slots=True)
class JsonSections:
    """A report's top-level values (``report_data``), each encoded as written and as hashed for the digest.

    Encoding is most of what writing a report costs (a workflow per script and notebook makes
    megabytes of JSON), and the report of an unchanged re-run differs from the last one only in
    ``generated_at`` (and ``sources``, which hiding emails rewrites): kept encoded, the other
    sections are reused as text. The digest covers every section, so it is computed when the
    text is made, from the canonical encodings (sorted keys), exactly as ``report_digest``.
    """

    pretty: dict[str, str]  # in report order, as ``render_json`` writes them
    canonical: dict[str, str]  # the same keys, each value as ``report_digest`` encodes it

    @classmethod
    def of(cls, data: dict[str, Any]) -> JsonSections:
        """The sections of ``report_data(result)``."""
        encoded = {key: _encoded(key, value) for key, value in data.items()}
        return cls({k: p for k, (p, _) in encoded.items()}, {k: c for k, (_, c) in encoded.items()})

    def replaced(self, key: str, value: Any) -> JsonSections:
        """These sections with ``key``'s value replaced (it keeps its place in the report)."""
        pretty, canonical = _encoded(key, value)
        return JsonSections({**self.pretty, key: pretty}, {**self.canonical, key: canonical})

    def digest(self) -> str:
        """``report_digest`` of the report these sections make, hashed section by section."""
        sha = hashlib.sha256()
        for i, key in enumerate(sorted(self.canonical)):
            sha.update(f"{',' if i else '{'}{_ENCODE(key)}:".encode())
            sha.update(self.canonical[key].encode("utf-8"))
        sha.update(b"}")
        return sha.hexdigest()

    def text(self) -> str:
        """The JSON report text, ``digest`` last (what ``render_json`` returns)."""
        items = [*self.pretty.items(), ("digest", _ENCODE(self.digest()))]
        return "{\n" + ",\n".join(f"  {_ENCODE(k)}: {v}" for k, v in items) + "\n}\n"

    def data(self) -> dict[str, Any]:
        """The report data again (``report_data``'s, without the digest), for ``result_from_dict``."""
        data: dict[str, Any] = json.loads("{" + ",".join(f"{_ENCODE(k)}:{v}" for k, v in self.pretty.items()) + "}")
        return data


def _encoded(key: str, value: Any) -> tuple[str, str]:
    """One top-level value of the report: as written (indented to its section's depth) and canonical."""
    return _pretty(value, 1, FLAT_SECTIONS.get(key, PRETTY_DEPTH)), _CANONICAL(value)


# --- dict → Result -------------------------------------------------------------------------


def _check_version(version: object) -> str:
    if not isinstance(version, str) or version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
        raise ReportFormatError(
            f"unsupported report schema_version {version!r}; this proofolio reads {SCHEMA_VERSION}"
        )
    return version


def _location_from(d: dict[str, Any]) -> Location:
    return Location(d["repo"], d["commit"], d["path"], d["line"], d.get("end_line"), d.get("cell"))


def _evidence_from(d: dict[str, Any]) -> Evidence:
    return Evidence(
        detector=d["detector"],
        skill=d["skill"],
        location=_location_from(d["location"]),
        snippet=d["snippet"],
        confidence=Confidence(d["confidence"]),
        values=tuple((str(k), str(v)) for k, v in d.get("values", {}).items()),
        authored_share=d.get("authored_share"),
        severity=Severity(d["severity"]) if d.get("severity") else None,
        remediation=d.get("remediation"),
        cited_sha256=d.get("cited_sha256"),
    )


def _assessment_from(d: dict[str, Any]) -> SkillAssessment:
    return SkillAssessment(
        skill=d["skill"],
        name=d["name"],
        level=Level(d["level"]),
        score=d["score"],
        reason=d["reason"],
        caveats=tuple(d.get("caveats", ())),
        evidence=tuple(_evidence_from(e) for e in d.get("evidence", ())),
        evidence_count=d["evidence_count"],
        detectors=tuple(d.get("detectors", ())),
        tags=tuple((str(k), int(v)) for k, v in d.get("tags", {}).items()),
    )


def _source_from(d: dict[str, Any]) -> SourceInfo:
    return SourceInfo(
        name=d["name"],
        kind=d["kind"],
        root=d["root"],
        commit=d.get("commit"),
        branch=d.get("branch"),
        remote_url=d.get("remote_url"),
        web_url=d.get("web_url"),
        dirty=d.get("dirty", False),
        files_analyzed=d.get("files_analyzed", 0),
        candidate=d.get("candidate"),
        commits=d.get("commits"),
        fetched_bytes=d.get("fetched_bytes"),
    )


def sources_from_data(data: list[dict[str, Any]]) -> tuple[SourceInfo, ...]:
    """The sources a report's ``sources`` section describes (``source_data`` read back)."""
    return tuple(_source_from(s) for s in data)


def _problem_from(d: dict[str, Any]) -> Problem:
    return Problem(d["repo"], d["path"], d["reason"], d["kind"], d.get("cell"), d.get("line"))


def digest_status(d: dict[str, Any]) -> bool | None:
    """True when the report's ``digest`` matches its content, False when not, None when absent."""
    digest = d.get("digest")
    if not isinstance(digest, str):
        return None
    return digest == report_digest(d)


def result_from_dict(d: dict[str, Any]) -> Result:
    """Rebuild the Result a report was written from; ``ReportFormatError`` when it is not one.

    This checks structure, not every type: validate against ``load_schema()`` first when the
    file comes from somewhere untrusted (``verify`` does). The ``digest`` is derived data and
    is not checked here (``digest_status`` does it); the rebuilt Result recomputes it when written.
    """
    if not isinstance(d, dict):
        raise ReportFormatError("a proofolio report is a JSON object")
    version = _check_version(d.get("schema_version"))
    try:
        t = d["taxonomy"]
        return Result(
            schema_version=version,
            tool_version=d["tool"]["version"],
            generated_at=d["generated_at"],
            target=d["target"],
            taxonomy=TaxonomyRef(t["name"], t["version"], t["sha256"], t["source"]),
            sources=sources_from_data(d["sources"]),
            assessments=tuple(_assessment_from(a) for a in d["assessments"]),
            problems=tuple(_problem_from(p) for p in d["problems"]),
            stats={str(k): int(v) for k, v in d.get("stats", {}).items()},
            workflows=tuple(_workflow_from(w) for w in d.get("workflows", ())),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReportFormatError(f"not a proofolio report: {type(exc).__name__}: {exc}") from None


def parse_json(text: str) -> Result:
    """A Result from the text of a JSON report."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportFormatError(f"not JSON: {exc}") from None
    return result_from_dict(data)


def load_result(path: str | Path) -> Result:
    """A Result from a JSON report file (what ``match`` and ``verify`` start from)."""
    return parse_json(Path(path).read_text("utf-8"))

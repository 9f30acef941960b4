"""A JSON Resume (jsonresume.org, schema v1) ``skills`` section a candidate can merge.

Only the ``skills`` array is produced — name, level, keywords — because the rest of a
resume (work, education) is not something code analysis can know. Keywords are what the
evidence shows: the APIs called and the detectors' titles, deduplicated in order of strength.
Skills with no evidence are left out: a resume lists what one can do.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from proofolio.models import Level, Result, SkillAssessment

__all__ = ["render_jsonresume", "resume_skills"]

SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
MAX_KEYWORDS = 12
_LEVEL = {Level.EMERGING: "Beginner", Level.DEMONSTRATED: "Intermediate", Level.STRONG: "Advanced"}


@cache
def _titles() -> dict[str, str]:
    from proofolio.detectors.registry import default_registry

    return {m.id: m.title for m in default_registry().metas()}


def _keywords(a: SkillAssessment) -> list[str]:
    seen: dict[str, None] = {}
    for ev in a.evidence:
        api = ev.value("api")
        if api:
            seen.setdefault(api, None)
    titles = _titles()
    for detector in a.detectors:
        seen.setdefault(titles.get(detector, detector), None)
    for tag, _count in a.tags:
        seen.setdefault(tag, None)
    return list(seen)[:MAX_KEYWORDS]


def resume_skills(result: Result) -> list[dict[str, Any]]:
    """JSON Resume ``skills`` entries for every skill with evidence, strongest level kept."""
    return [
        {"name": a.name, "level": _LEVEL[a.level], "keywords": _keywords(a)}
        for a in result.assessments
        if a.level in _LEVEL
    ]


def render_jsonresume(result: Result) -> str:
    """``{"$schema": ..., "skills": [...], "meta": {...}}`` as indented JSON text."""
    data = {
        "$schema": SCHEMA_URL,
        "skills": resume_skills(result),
        "meta": {
            "version": "v1.0.0",
            "lastModified": result.generated_at,
            "generator": f"proofolio {result.tool_version}",
        },
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

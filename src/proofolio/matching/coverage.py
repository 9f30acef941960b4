"""Set a posting's requirements against a report: evidence level and best link, and the gaps.

A requirement naming a specific technology (a vocabulary term with ``modules``/``detectors``)
is covered only by evidence of that technology: a strong "Model building" made of scikit-learn
does not cover "PyTorch" — it is shown as partial, with no link (a scikit-learn line shows nothing
of PyTorch) and the gap saying what would show it.
A skill made of separate areas (its assessment counts tags, as application domains do) has no
"partial": tabular work says nothing of NLP. What proofolio cannot see at all (C++, Kubernetes:
``specific`` terms with neither modules nor detectors) and skills the report could not assess
(no git history) are "not assessed", never a gap the candidate is blamed for. Alternatives
("Python or R") take the best status of their members.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from proofolio.detectors.registry import default_registry
from proofolio.links import display_location, permalink
from proofolio.matching.requirements import Requirement
from proofolio.models import Evidence, Level, Result, SkillAssessment, SourceInfo
from proofolio.reporters.json_report import sources_by_name
from proofolio.taxonomy import Taxonomy

__all__ = ["Coverage", "CoverageRow", "Gap", "Status", "cover"]

Status = Literal["covered", "partial", "gap", "not assessed"]
_SHOWN = (Level.DEMONSTRATED, Level.STRONG)
_RANK: dict[str, int] = {"covered": 0, "partial": 1, "not assessed": 2, "gap": 3}
MAX_HINT_DETECTORS = 3


@dataclass(frozen=True, slots=True)
class CoverageRow:
    requirement: Requirement
    skill_name: str
    level: Level | None  # None: the report has no such skill (another taxonomy)
    score: int | None
    status: Status
    specific: bool  # the evidence shows this very technology, not just the skill
    where: str | None  # display location of the best evidence
    link: str | None  # its permalink at the pinned commit, when it can be pinned
    detector: str | None


@dataclass(frozen=True, slots=True)
class Gap:
    requirement: str
    skill: str
    skill_name: str
    status: Status
    demonstrate: str  # what would demonstrate it
    required: bool = True  # False: the posting only calls it nice to have


@dataclass(frozen=True, slots=True)
class Coverage:
    posting: str
    target: str
    rows: tuple[CoverageRow, ...]
    gaps: tuple[Gap, ...]
    unrecognised_lines: tuple[int, ...] = ()  # posting list items naming nothing proofolio knows

    def counts(self) -> dict[str, int]:
        """Statuses of the required rows; nice-to-have rows are counted apart (and how many are covered)."""
        out = {"covered": 0, "partial": 0, "gap": 0, "not_assessed": 0, "nice_to_have": 0, "nice_to_have_covered": 0}
        for row in self.rows:
            if row.requirement.required:
                out[row.status.replace(" ", "_")] += 1
            else:
                out["nice_to_have"] += 1
                out["nice_to_have_covered"] += row.status == "covered"
        return out


def _matches_term(ev: Evidence, req: Requirement) -> bool:
    term = req.term
    if term is None:
        return False
    if ev.detector in term.detectors:
        return True
    api = ev.value("api") or ""
    return any(api == m or api.startswith(m + ".") for m in term.modules)


def _unseeable(req: Requirement) -> bool:
    """A technology proofolio cannot see in code at all (C++, Kubernetes, BI tools)."""
    term = req.term
    return term is not None and term.specific and not term.modules and not term.detectors


def _best(a: SkillAssessment, req: Requirement, everywhere: list[Evidence], fired_anywhere: set[str]) -> tuple[Evidence | None, bool]:
    """The evidence to link (specific to the term when possible) and whether it is specific.

    A technology may show in another skill's evidence (numpy calls in preprocessing, SQL
    aggregations in exploratory analysis): any skill's evidence, or detectors, show it.
    """
    positive = [e for e in a.evidence if e.severity is None]
    term = req.term
    if term is not None and term.needs_own_evidence:
        specific = next((e for e in positive if _matches_term(e, req)), None)
        if specific is None:
            specific = next((e for e in everywhere if e.severity is None and _matches_term(e, req)), None)
        if specific is not None:
            return specific, True
        if not any(d in fired_anywhere for d in term.detectors):
            return None, False  # the skill's other evidence shows nothing of this technology: no link to it
        # shown, but not among the report's top evidence: its own skill's link only if found there
        return (positive[0] if positive and any(d in a.detectors for d in term.detectors) else None), True
    return (positive[0] if positive else None), True


def _demonstrate(req: Requirement, taxonomy: Taxonomy, a: SkillAssessment | None, titles: dict[str, str]) -> str:
    parts: list[str] = []
    term = req.term
    if term is not None and term.hint:
        parts.append(term.hint)
    elif term is not None and term.modules:
        parts.append(f"code that calls {', '.join(term.modules[:3])}")
    elif term is not None and term.detectors:
        parts.append("; ".join(titles[d] for d in term.detectors[:MAX_HINT_DETECTORS] if d in titles))
    skill = taxonomy.skill(req.skill)
    if skill is not None and (term is None or not parts):
        fired = set(a.detectors) if a else set()
        missing = [t for d, t in titles.items() if d not in fired and (skill.weight_for(d) or 0) > 0]
        parts.append(skill.description)
        if missing:
            parts.append("e.g. " + "; ".join(missing[:MAX_HINT_DETECTORS]))
    return " — ".join(p for p in parts if p)


def _row(req: Requirement, a: SkillAssessment | None, name: str, everywhere: list[Evidence], fired_anywhere: set[str],
         sources: dict[str, SourceInfo], taxonomy: Taxonomy, titles: dict[str, str]) -> tuple[CoverageRow, Gap | None]:
    if a is not None and (a.level is Level.NOT_ASSESSED or _unseeable(req)):
        status: Status = "not assessed"
        ev, specific = None, False
    elif a is None or a.level is Level.NONE:
        status = "not assessed" if _unseeable(req) else "gap"
        ev, specific = None, False
    else:
        ev, specific = _best(a, req, everywhere, fired_anywhere)
        if a.tags and not specific:
            status = "gap"
        else:
            status = "covered" if a.level in _SHOWN and specific else "partial"
    row = CoverageRow(
        requirement=req, skill_name=name, level=a.level if a else None, score=a.score if a else None,
        status=status, specific=specific and ev is not None,
        where=display_location(ev.location, with_repo=True) if ev else None,
        link=permalink(ev.location, sources.get(ev.location.repo)) if ev else None,
        detector=ev.detector if ev else None,
    )
    gap = None
    if status != "covered":
        gap = Gap(req.label, req.skill, name, status, _demonstrate(req, taxonomy, a, titles), req.required)
    return row, gap


def cover(result: Result, requirements: list[Requirement], taxonomy: Taxonomy, posting: str = "",
          unrecognised_lines: tuple[int, ...] = ()) -> Coverage:
    """One row per requirement, in the posting's order, and the gaps with what would fill them."""
    by_skill = {a.skill: a for a in result.assessments}
    everywhere = [e for a in result.assessments for e in a.evidence]
    fired_anywhere = {d for a in result.assessments for d in a.detectors}
    sources = sources_by_name(result)
    titles = {m.id: m.title for m in default_registry().metas()}
    rows: list[CoverageRow] = []
    gaps: list[Gap] = []

    def judged(req: Requirement) -> tuple[CoverageRow, Gap | None]:
        a = by_skill.get(req.skill)
        skill = taxonomy.skill(req.skill)
        name = a.name if a else (skill.name if skill else req.skill)
        return _row(req, a, name, everywhere, fired_anywhere, sources, taxonomy, titles)

    for req in requirements:
        if req.alternatives:  # "Python or R": the best of its members, shown under the group's words
            judged_members = [judged(m) for m in req.alternatives]
            best_row, best_gap = min(judged_members, key=lambda rg: _RANK[rg[0].status])
            row = replace(best_row, requirement=req)
            ways = dict.fromkeys(g.demonstrate for _, g in judged_members if g is not None and g.demonstrate)
            gap = (replace(best_gap, requirement=req.label, required=req.required, demonstrate="; or ".join(ways))
                   if best_gap else None)
        else:
            row, gap = judged(req)
        rows.append(row)
        if gap is not None:
            gaps.append(gap)
    gaps.sort(key=lambda g: not g.required)  # what the posting requires first, in its order
    return Coverage(posting, result.target, tuple(rows), tuple(gaps), unrecognised_lines)

"""Judgement: a pure function from evidence and the taxonomy to one assessment per skill.

Detectors only observe; this module alone decides what the observations are worth, so the
policy (docs/scoring.md) can change without touching a detector.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from proofolio.models import CONFIDENCE_FACTOR, Confidence, Evidence, Level, SkillAssessment
from proofolio.taxonomy import Skill, Taxonomy

TOP_EVIDENCE = 8  # evidence items kept per skill in the report
TOP_NEGATIVE = 4  # negative-signal items shown after them
NOT_AUTHORED_FACTOR = 0.25  # a file the candidate wrote none of counts this much
MAX_SPREAD_BONUS = 0.5  # the same detector in several files adds up to +50%
SPREAD_STEP = 0.1  # ... +10% per further file


def authorship_factor(share: float | None) -> float:
    """Unknown authorship (a plain folder) counts fully; otherwise credit the candidate's share."""
    if share is None:
        return 1.0
    return NOT_AUTHORED_FACTOR + (1.0 - NOT_AUTHORED_FACTOR) * max(0.0, min(share, 1.0))


def evidence_strength(item: Evidence) -> float:
    return CONFIDENCE_FACTOR[item.confidence] * authorship_factor(item.authored_share)


def detector_contribution(weight: float, items: list[Evidence]) -> float:
    """The weight, scaled by the best evidence, plus a bonus for showing it in several files."""
    best = max(evidence_strength(e) for e in items)
    files = {(e.location.repo, e.location.path) for e in items}
    spread = min(MAX_SPREAD_BONUS, SPREAD_STEP * (len(files) - 1))
    return weight * best * (1.0 + spread)


Rank = tuple[float, int, int, tuple[tuple[str, str, int, int, int], str, str]]
# Values that count how much an item shows (functions defined, tests written, plots drawn ...).
AMOUNT_KEYS = frozenset({"functions", "methods", "classes", "annotated", "documented", "tests", "dependencies",
                         "images", "layers", "headings"})


def evidence_amount(item: Evidence) -> int:
    """How much one item shows, from its counting values; 0 for items that count nothing."""
    return sum(int(v) for k, v in item.values if k in AMOUNT_KEYS and v.isdigit())


def _top_evidence(
    items: list[Evidence], weights: Mapping[str, float], substance: Mapping[tuple[str, str], int]
) -> tuple[Evidence, ...]:
    """Strongest first, one per detector before any detector repeats, stable for equal ones.

    Among equally strong items, those that show more (more functions, tests, plots ...) and
    then those from the files with the most evidence come first: a reviewer learns more from
    the training module than from a five-line helper's `def main()`.
    Only the best item of each detector and the overall top few are ranked (not every item):
    a portfolio can hold a hundred thousand evidence items.
    """
    def rank(e: Evidence) -> Rank:
        where = e.location
        return (-weights[e.detector] * evidence_strength(e), -evidence_amount(e),
                -substance.get((where.repo, where.path), 0), e.sort_key())

    best: dict[str, Evidence] = {}
    best_rank: dict[str, Rank] = {}
    for item in items:
        r = rank(item)
        if item.detector not in best or r < best_rank[item.detector]:
            best[item.detector], best_rank[item.detector] = item, r
    chosen = sorted(best.values(), key=rank)
    taken = {id(e) for e in chosen}
    for item in heapq.nsmallest(TOP_EVIDENCE + len(chosen), items, key=rank):
        if len(chosen) >= TOP_EVIDENCE:
            break
        if id(item) not in taken:
            chosen.append(item)
            taken.add(id(item))
    return tuple(chosen[:TOP_EVIDENCE])


def _negative_caveats(negatives: Mapping[str, list[Evidence]], titles: Mapping[str, str], taxonomy: Taxonomy) -> list[str]:
    """`Negative signal (high, -20): <title> at path:line (+2 more). Fix: <remediation>`."""
    caveats: list[str] = []
    for detector in sorted(negatives, key=lambda d: (-taxonomy.penalty(negatives[d][0].severity), d)):  # type: ignore[arg-type]
        items = negatives[detector]
        first = items[0]
        severity = first.severity
        assert severity is not None
        where = first.location.path + (f":{first.location.line}" if first.location.line else "")
        if first.location.cell is not None:
            # cells are shown 1-based, as every report shows them
            where = f"{first.location.path} cell {first.location.cell + 1}" + (f" line {first.location.line}" if first.location.line else "")
        more = f" (+{len(items) - 1} more)" if len(items) > 1 else ""
        title = titles.get(detector, detector).split(": ", 1)[-1]
        points = taxonomy.penalty(severity)
        cost = f", -{points}" if points else ""
        fix = f" Fix: {first.remediation}" if first.remediation else ""
        caveats.append(f"Negative signal ({severity.value}{cost}): {title} at {where}{more}.{fix}")
    return caveats


def _tutorial_caveat(items: list[Evidence]) -> list[str]:
    """Projects whose only data is a famous tutorial dataset: real practice, but it shows less."""
    tagged = [e for e in items if e.value("tutorial_dataset")]
    if not tagged:
        return []
    names = ", ".join(sorted({v for e in tagged for v in (e.value("tutorial_dataset") or "").split(", ")}))
    if len(tagged) == len(items):
        return [f"Only evidence from famous tutorial datasets ({names}): real practice, but shows less than original data would."]
    projects = sorted({e.location.repo for e in tagged})
    return [f"Evidence from {', '.join(projects)} uses only famous tutorial datasets ({names}); the rest is on other data."]


CODE_SUFFIXES = (".py", ".ipynb")


def _caveats(items: list[Evidence]) -> tuple[str, ...]:
    caveats: list[str] = []
    if items and all(e.confidence is not Confidence.HIGH for e in items):
        if not any(e.location.path.endswith(CODE_SUFFIXES) for e in items):  # a README, requirements.txt ...
            caveats.append("Only evidence from project files (README, requirements, configuration), none from code.")
        else:
            caveats.append("Only indirect evidence (heuristic matches or imports), no resolved call.")
    not_authored = [e for e in items if e.authored_share is not None and e.authored_share < 0.5]
    if not_authored:
        files = len({(e.location.repo, e.location.path) for e in not_authored})
        caveats.append(
            f"{len(not_authored)} evidence item(s) in {files} file(s) mostly written by someone else: discounted."
        )
    return tuple(caveats)


def _reason(detectors: list[str], titles: Mapping[str, str], projects: int) -> str:
    """`3 kinds of evidence in 2 projects: cross-validates models; computes metrics; ...`."""
    def label(detector_id: str) -> str:
        title = titles.get(detector_id, detector_id).split(" (")[0]
        return title[:1].lower() + title[1:]

    named = "; ".join(label(d) for d in detectors[:3])
    more = f"; and {len(detectors) - 3} more" if len(detectors) > 3 else ""
    where = f"{projects} project{'s' if projects != 1 else ''}"
    kinds = f"{len(detectors)} kind{'s' if len(detectors) != 1 else ''} of evidence"
    return f"{kinds.capitalize()} in {where}: {named}{more}."


def group_by_detector(evidence: Iterable[Evidence]) -> dict[str, list[Evidence]]:
    """Evidence per detector, each list in location order: scoring looks up weights per detector, not per item."""
    grouped: dict[str, list[Evidence]] = defaultdict(list)
    for item in evidence:
        grouped[item.detector].append(item)
    for items in grouped.values():
        items.sort(key=Evidence.sort_key)
    return dict(grouped)


def assess_skill(
    skill: Skill,
    evidence: Iterable[Evidence] | Mapping[str, list[Evidence]],
    taxonomy: Taxonomy,
    titles: Mapping[str, str],
    has_history: bool,
    substance: Mapping[tuple[str, str], int] | None = None,
) -> SkillAssessment:
    """One skill's level, score, reason, caveats and top evidence.

    ``substance``: evidence items per (repo, path) across all skills (file_substance), the
    tiebreak that puts substantial files first; computed from ``evidence`` when not given.
    """
    if skill.requires_history and not has_history:
        return SkillAssessment(
            skill.id, skill.name, Level.NOT_ASSESSED, 0,
            "Not assessed: needs git history, and no analysed project is a git repository.",
            (), (), 0, (),
        )
    grouped = evidence if isinstance(evidence, Mapping) else group_by_detector(evidence)
    weights: dict[str, float] = {}
    by_detector: dict[str, list[Evidence]] = {}
    negatives: dict[str, list[Evidence]] = defaultdict(list)
    for detector, group in grouped.items():
        weight = skill.weight_for(detector)
        if weight is None:
            continue
        for item in group:
            if item.severity is not None:  # a negative signal never adds to the score
                negatives[detector].append(item)
            elif weight != 0:  # weight 0: listed, never scored
                weights[detector] = weight
                by_detector.setdefault(detector, []).append(item)
    negative_items = [e for d in sorted(negatives) for e in negatives[d]]
    negative_caveats = _negative_caveats(negatives, titles, taxonomy)
    if not by_detector:
        if not negatives:
            return SkillAssessment(skill.id, skill.name, Level.NONE, 0, "No evidence found.", (), (), 0, ())
        return SkillAssessment(
            skill.id, skill.name, Level.NONE, 0, "No positive evidence; negative signals only.",
            tuple(negative_caveats), tuple(negative_items[:TOP_NEGATIVE]), len(negative_items), tuple(sorted(negatives)),
        )
    contributions = {d: detector_contribution(weights[d], items) for d, items in by_detector.items()}
    penalty = sum(taxonomy.penalty(items[0].severity) for items in negatives.values() if items[0].severity is not None)
    score = max(0, min(100, round(sum(contributions.values()))) - penalty)
    level = taxonomy.level_for(score, has_evidence=True)
    ranked = sorted(contributions, key=lambda d: (-contributions[d], d))
    items = [e for d in sorted(by_detector) for e in by_detector[d]]
    projects = len({e.location.repo for e in items})
    tags = Counter(tag for e in items if (tag := e.value("domain")))
    return SkillAssessment(
        skill=skill.id,
        name=skill.name,
        level=level,
        score=score,
        reason=_reason(ranked, titles, projects),
        caveats=(*_caveats(items), *_tutorial_caveat(items), *negative_caveats),
        evidence=_top_evidence(items, weights, substance if substance is not None else file_substance(grouped))
        + tuple(negative_items[:TOP_NEGATIVE]),
        evidence_count=len(items) + len(negative_items),
        detectors=tuple(sorted({*by_detector, *negatives})),
        tags=tuple(sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))),
    )


def assess(
    evidence: Iterable[Evidence],
    taxonomy: Taxonomy,
    titles: Mapping[str, str],
    has_history: bool,
) -> tuple[SkillAssessment, ...]:
    """One assessment per taxonomy skill, in the taxonomy's order."""
    grouped = group_by_detector(evidence)
    substance = file_substance(grouped)
    return tuple(assess_skill(skill, grouped, taxonomy, titles, has_history, substance) for skill in taxonomy.skills)


def file_substance(grouped: Mapping[str, list[Evidence]]) -> Counter[tuple[str, str]]:
    """How many evidence items each file holds, whatever the skill: how much a file shows."""
    return Counter((e.location.repo, e.location.path) for items in grouped.values() for e in items)

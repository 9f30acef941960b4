"""Run proofolio on each labelled project and score it against the reviewer's labels."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from proofolio.detectors.registry import Registry, default_registry
from proofolio.evaluation.corpus import Expected, Place
from proofolio.models import Evidence, Level, SkillAssessment
from proofolio.pipeline import gather
from proofolio.scoring import assess
from proofolio.sources.base import Source
from proofolio.sources.local import LocalCollector, Project
from proofolio.taxonomy import Taxonomy, load_default_taxonomy

PRESENT_LEVELS = (Level.EMERGING, Level.DEMONSTRATED, Level.STRONG)


@dataclass(frozen=True, slots=True)
class Targets:
    precision: float = 0.95
    recall: float = 0.90


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


@dataclass(slots=True)
class ProjectOutcome:
    expected: Expected
    levels: dict[str, Level]
    cites_hit: int = 0
    signals_found: int = 0
    misses: list[str] = field(default_factory=list)
    unexpected_signals: list[str] = field(default_factory=list)
    clean: bool = True  # for negative controls: no skill present that is labelled absent, no negative signal


@dataclass(slots=True)
class Report:
    per_skill: dict[str, Counts]
    projects: list[ProjectOutcome]
    strong_labels: int = 0
    strong_reached: int = 0

    @property
    def total(self) -> Counts:
        total = Counts()
        for c in self.per_skill.values():
            total.tp += c.tp
            total.fp += c.fp
            total.fn += c.fn
            total.tn += c.tn
        return total

    @property
    def cites(self) -> tuple[int, int]:
        return sum(p.cites_hit for p in self.projects), sum(len(p.expected.cites) for p in self.projects)

    @property
    def signals(self) -> tuple[int, int]:
        return sum(p.signals_found for p in self.projects), sum(len(p.expected.signals) for p in self.projects)

    @property
    def controls(self) -> tuple[int, int]:
        controls = [p for p in self.projects if p.expected.control]
        return sum(p.clean for p in controls), len(controls)

    def failures(self, targets: Targets) -> list[str]:
        total = self.total
        failed = []
        if total.precision < targets.precision:
            failed.append(f"precision {total.precision:.3f} < {targets.precision}")
        if total.recall < targets.recall:
            failed.append(f"recall {total.recall:.3f} < {targets.recall}")
        clean, controls = self.controls
        if clean < controls:
            failed.append(f"{controls - clean} negative control(s) not clean")
        found, signals = self.signals
        if found < signals:
            failed.append(f"{signals - found} labelled negative signal(s) not found")
        return failed


def _at(evidence: Evidence, place: Place) -> bool:
    location = evidence.location
    if location.path != place.path:
        return False
    if place.cell is not None and location.cell != place.cell:
        return False
    if place.line is None:
        return True
    if location.line is None:
        return False
    return location.line <= place.line <= (location.end_line or location.line)


def _skill_evidence(evidence: Iterable[Evidence], taxonomy: Taxonomy, skill_id: str) -> list[Evidence]:
    skill = taxonomy.skill(skill_id)
    if skill is None:
        return []
    return [e for e in evidence if e.severity is None and (w := skill.weight_for(e.detector)) is not None and w > 0]


def project_source(expected: Expected) -> Source:
    """The labelled folder as ONE project, as its repository would be analysed (the folder
    collector would otherwise treat `notebooks/` of a README-and-notebook repo as its own project)."""
    collector = LocalCollector(expected.root)
    project = Project(expected.name, collector.path, collector.display, git=False)
    return collector._collect_folder(project)  # the collector's own walk and ignore rules


def evaluate_project(expected: Expected, registry: Registry, taxonomy: Taxonomy) -> tuple[ProjectOutcome, list[SkillAssessment]]:
    sources = [project_source(expected)]
    analyses, _ = gather(sources, registry)
    evidence = [e for a in analyses for e in a.evidence]
    problems = [p for a in analyses for p in a.problems]
    titles = {m.id: m.title for m in registry.metas()}
    assessments = list(assess(evidence, taxonomy, titles, any(a.has_history for a in analyses)))
    levels = {a.skill: a.level for a in assessments}
    outcome = ProjectOutcome(expected, levels)
    name = expected.name
    for skill_id, place in expected.cites:
        if any(_at(e, place) for e in _skill_evidence(evidence, taxonomy, skill_id)):
            outcome.cites_hit += 1
        else:
            outcome.misses.append(f"{name}: {skill_id} not cited at {place}")
    negatives = [e for e in evidence if e.severity is not None]
    matched: set[int] = set()
    for detector_id, place in expected.signals:
        hits = [i for i, e in enumerate(negatives) if e.detector == detector_id and _at(e, place)]
        if hits:
            outcome.signals_found += 1
            matched.update(hits)
        else:
            outcome.misses.append(f"{name}: negative signal {detector_id} not found at {place}")
    for i, item in enumerate(negatives):
        if i not in matched:
            where = Place(item.location.path, item.location.line, item.location.cell)
            outcome.unexpected_signals.append(f"{name}: unexpected negative signal {item.detector} at {where}")
    tags = {v for e in evidence if (v := e.value("tutorial_dataset"))}
    if expected.tutorial and not any(expected.tutorial in t for t in tags):
        outcome.misses.append(f"{name}: tutorial dataset {expected.tutorial} not recognised (found {sorted(tags)})")
    if not expected.tutorial and tags:
        outcome.misses.append(f"{name}: evidence tagged as tutorial data {sorted(tags)}, the data is original")
    dropped = sorted(p.path for p in problems if p.kind == "duplicate")
    if sorted(expected.duplicates) != dropped:
        outcome.misses.append(f"{name}: duplicates expected {sorted(expected.duplicates)}, dropped {dropped}")
    if expected.control:
        wrongly_present = [s for s, label in expected.skills.items() if label == "absent" and levels.get(s) in PRESENT_LEVELS]
        outcome.clean = not wrongly_present and not negatives
    return outcome, assessments


def evaluate(corpus: list[Expected], registry: Registry | None = None, taxonomy: Taxonomy | None = None) -> Report:
    registry = registry or default_registry()
    taxonomy = taxonomy or load_default_taxonomy()
    report = Report({s.id: Counts() for s in taxonomy.skills if not s.requires_history}, [])
    for expected in corpus:
        outcome, _ = evaluate_project(expected, registry, taxonomy)
        report.projects.append(outcome)
        for skill_id, label in expected.skills.items():
            counts = report.per_skill.setdefault(skill_id, Counts())
            predicted = outcome.levels.get(skill_id) in PRESENT_LEVELS
            wanted = label != "absent"
            if predicted and wanted:
                counts.tp += 1
            elif predicted:
                counts.fp += 1
                outcome.misses.append(f"{expected.name}: {skill_id} reported {outcome.levels[skill_id].value}, labelled absent")
            elif wanted:
                counts.fn += 1
                outcome.misses.append(f"{expected.name}: {skill_id} not found, labelled {label}")
            else:
                counts.tn += 1
            if label == "strong":
                report.strong_labels += 1
                report.strong_reached += outcome.levels.get(skill_id) is Level.STRONG
    return report

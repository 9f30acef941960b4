"""Load and check a taxonomy TOML; a bad file gets an error naming the line or field."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from proofolio.models import Level, Severity, TaxonomyRef

LEVEL_ORDER = (Level.EMERGING, Level.DEMONSTRATED, Level.STRONG)
# Points a negative signal takes off its skill, per severity (`[penalties]` in the taxonomy).
DEFAULT_PENALTIES: dict[Severity, int] = {Severity.HIGH: 20, Severity.LOW: 5, Severity.INFO: 0}


class TaxonomyError(ValueError):
    """The taxonomy file cannot be used; the message says where and why, in one line."""


@dataclass(frozen=True, slots=True)
class Skill:
    id: str
    name: str
    description: str
    synonyms: tuple[str, ...]
    detectors: tuple[tuple[str, float], ...]  # (id or prefix pattern, weight)
    requires_history: bool = False

    def weight_for(self, detector_id: str) -> float | None:
        """The weight of a detector for this skill; the most specific pattern wins."""
        return _weight_for(self.detectors, detector_id)


@lru_cache(maxsize=4096)
def _weight_for(detectors: tuple[tuple[str, float], ...], detector_id: str) -> float | None:
    """Memoised: scoring asks once per evidence item, and portfolios have tens of thousands."""
    best: tuple[int, float] | None = None
    for pattern, weight in detectors:
        if fnmatchcase(detector_id, pattern):
            specificity = len(pattern.rstrip("*"))
            if best is None or specificity > best[0]:
                best = (specificity, weight)
    return None if best is None else best[1]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    name: str
    version: str
    description: str
    thresholds: tuple[tuple[Level, int], ...]  # ascending
    skills: tuple[Skill, ...]
    ref: TaxonomyRef
    penalties: tuple[tuple[Severity, int], ...] = tuple(DEFAULT_PENALTIES.items())

    def penalty(self, severity: Severity) -> int:
        return dict(self.penalties).get(severity, 0)

    def skill(self, skill_id: str) -> Skill | None:
        return next((s for s in self.skills if s.id == skill_id), None)

    def level_for(self, score: int, has_evidence: bool) -> Level:
        if not has_evidence:
            return Level.NONE
        level = Level.NONE
        for candidate, threshold in self.thresholds:
            if score >= threshold:
                level = candidate
        return level if level is not Level.NONE else Level.EMERGING


def _require(table: dict[str, Any], key: str, kind: type, where: str) -> Any:
    if key not in table:
        raise TaxonomyError(f"{where}: missing field '{key}'")
    value = table[key]
    if not isinstance(value, kind):
        raise TaxonomyError(f"{where}: field '{key}' must be {kind.__name__}, not {type(value).__name__}")
    return value


def _skill(raw: Any, index: int, known_detectors: Iterable[str] | None, source: str) -> Skill:
    where = f"{source}: [[skill]] #{index + 1}"
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{where}: must be a table")
    skill_id = _require(raw, "id", str, where)
    where = f"{source}: [[skill]] #{index + 1} (id '{skill_id}')"
    if not skill_id.replace("_", "").isalnum():
        raise TaxonomyError(f"{where}: id must be letters, digits and underscores")
    detectors_raw = _require(raw, "detectors", dict, where)
    if not detectors_raw:
        raise TaxonomyError(f"{where}: field 'detectors' is empty")
    detectors: list[tuple[str, float]] = []
    known = list(known_detectors) if known_detectors is not None else None
    for pattern, weight in detectors_raw.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float) or weight < 0:
            # 0 lists a detector without scoring it (e.g. data loading: a workflow stage only)
            raise TaxonomyError(f"{where}: detector weight for '{pattern}' must be a positive number, or 0 to list it unscored")
        if known is not None and not any(fnmatchcase(d, pattern) for d in known):
            raise TaxonomyError(f"{where}: detector pattern '{pattern}' matches no detector")
        detectors.append((pattern, float(weight)))
    synonyms = raw.get("synonyms", [])
    if not isinstance(synonyms, list) or not all(isinstance(s, str) for s in synonyms):
        raise TaxonomyError(f"{where}: field 'synonyms' must be a list of strings")
    requires_history = raw.get("requires_history", False)
    if not isinstance(requires_history, bool):
        raise TaxonomyError(f"{where}: field 'requires_history' must be true or false")
    return Skill(
        id=skill_id,
        name=_require(raw, "name", str, where),
        description=str(raw.get("description", "")),
        synonyms=tuple(synonyms),
        detectors=tuple(detectors),
        requires_history=requires_history,
    )


def parse_taxonomy(text: str, source: str, known_detectors: Iterable[str] | None = None) -> Taxonomy:
    """Parse taxonomy TOML text; ``known_detectors`` lets patterns that match nothing fail loudly."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{source}: invalid TOML: {exc}") from None
    head = data.get("taxonomy", {})
    if not isinstance(head, dict):
        raise TaxonomyError(f"{source}: [taxonomy] must be a table")
    levels_raw = data.get("levels", {"emerging": 1, "demonstrated": 35, "strong": 70})
    if not isinstance(levels_raw, dict):
        raise TaxonomyError(f"{source}: [levels] must be a table")
    thresholds: list[tuple[Level, int]] = []
    for level in LEVEL_ORDER:
        value = levels_raw.get(level.value)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= 100:
            raise TaxonomyError(f"{source}: [levels] '{level.value}' must be an integer from 1 to 100")
        thresholds.append((level, value))
    if [t for _, t in thresholds] != sorted(t for _, t in thresholds):
        raise TaxonomyError(f"{source}: [levels] thresholds must rise: emerging <= demonstrated <= strong")
    extra = set(levels_raw) - {lv.value for lv in LEVEL_ORDER}
    if extra:
        raise TaxonomyError(f"{source}: [levels] unknown level(s): {', '.join(sorted(extra))}")
    penalties = _penalties(data.get("penalties", {}), source)
    raw_skills = data.get("skill")
    if not isinstance(raw_skills, list) or not raw_skills:
        raise TaxonomyError(f"{source}: no [[skill]] entries")
    skills = tuple(_skill(raw, i, known_detectors, source) for i, raw in enumerate(raw_skills))
    ids = [s.id for s in skills]
    duplicate = next((i for i in ids if ids.count(i) > 1), None)
    if duplicate:
        raise TaxonomyError(f"{source}: skill id '{duplicate}' appears twice")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    name = str(head.get("name", Path(source).stem))
    version = str(head.get("version", "1"))
    return Taxonomy(
        name=name,
        version=version,
        description=str(head.get("description", "")),
        thresholds=tuple(thresholds),
        skills=skills,
        ref=TaxonomyRef(name, version, digest, source),
        penalties=penalties,
    )


def _penalties(raw: Any, source: str) -> tuple[tuple[Severity, int], ...]:
    """`[penalties] high = 20, low = 5, info = 0`: points off a skill per distinct negative signal."""
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{source}: [penalties] must be a table")
    unknown = set(raw) - {s.value for s in Severity}
    if unknown:
        raise TaxonomyError(f"{source}: [penalties] unknown severity: {', '.join(sorted(unknown))}")
    result = dict(DEFAULT_PENALTIES)
    for key, value in raw.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            raise TaxonomyError(f"{source}: [penalties] '{key}' must be an integer from 0 to 100")
        result[Severity(key)] = value
    return tuple(result.items())


def load_taxonomy(path: str | Path, known_detectors: Iterable[str] | None = None) -> Taxonomy:
    try:
        text = Path(path).read_text("utf-8")
    except FileNotFoundError:
        raise TaxonomyError(f"taxonomy file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TaxonomyError(f"cannot read taxonomy file {path}: {exc}") from None
    return parse_taxonomy(text, str(path), known_detectors)


def load_default_taxonomy(known_detectors: Iterable[str] | None = None) -> Taxonomy:
    text = resources.files("proofolio.taxonomy").joinpath("default.toml").read_text("utf-8")
    return parse_taxonomy(text, "default", known_detectors)

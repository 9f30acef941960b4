"""The vocabulary of ML technologies and techniques, kept as data in vocabulary.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Term", "VocabularyError", "load_vocabulary", "parse_vocabulary"]


class VocabularyError(ValueError):
    """The vocabulary file is malformed; the message names the term."""


@dataclass(frozen=True, slots=True)
class Term:
    name: str
    aliases: tuple[str, ...]
    skill: str
    modules: tuple[str, ...] = ()  # import prefixes whose calls show this very technology
    detectors: tuple[str, ...] = ()  # detector ids that show it
    case_sensitive: bool = False  # applies to ``name`` only ("R", "JAX"); aliases never
    hint: str | None = None
    specific: bool = False  # only evidence of this technology covers it (implied by modules/detectors)

    @property
    def needs_own_evidence(self) -> bool:
        return self.specific or bool(self.modules or self.detectors)


def _strings(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise VocabularyError(f"{where}: '{key}' must be a list of non-empty strings")
    return tuple(value)


def parse_vocabulary(text: str) -> tuple[Term, ...]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise VocabularyError(f"vocabulary is not valid TOML: {exc}") from None
    terms = []
    for i, raw in enumerate(data.get("term", []), 1):
        where = f"[[term]] #{i}"
        if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not isinstance(raw.get("skill"), str):
            raise VocabularyError(f"{where}: needs a 'name' and a 'skill'")
        hint = raw.get("hint")
        terms.append(Term(
            name=raw["name"], aliases=_strings(raw, "aliases", where), skill=raw["skill"],
            modules=_strings(raw, "modules", where), detectors=_strings(raw, "detectors", where),
            case_sensitive=bool(raw.get("case_sensitive", False)), hint=hint if isinstance(hint, str) else None,
            specific=bool(raw.get("specific", False)),
        ))
    return tuple(terms)


@cache
def load_vocabulary() -> tuple[Term, ...]:
    """The vocabulary shipped with proofolio."""
    text = resources.files("proofolio.matching").joinpath("vocabulary.toml").read_text("utf-8")
    return parse_vocabulary(text)

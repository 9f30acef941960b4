"""Find the skills and technologies a posting asks for: whole-word, case-insensitive matches.

Two sources of words: the taxonomy (each skill's name and ``synonyms``) and the vocabulary of
technologies (vocabulary.toml). Where matches overlap, the longest wins ("PyTorch Lightning"
over "PyTorch"), and on the same span a vocabulary term beats a taxonomy synonym because it
is more specific. Boundaries are letters, digits, ``_`` and ``&``, so "R" never matches inside
"Research", "R&D" or "HR".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from proofolio.matching.vocabulary import Term
from proofolio.taxonomy import Taxonomy

__all__ = ["Requirement", "alias_pattern", "find_requirements"]


@dataclass(frozen=True, slots=True)
class Requirement:
    label: str  # the vocabulary term's name, or the taxonomy word that matched
    skill: str  # taxonomy skill id
    found: str  # the posting's own words at the first match
    line: int  # 1-based line of the first match in the posting
    count: int  # how many times the posting mentions it
    term: Term | None  # None when it came from the taxonomy's names/synonyms


@cache
def alias_pattern(alias: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """A whole-word regex for one alias: spaces/hyphens interchangeable, plural tolerated."""
    body = re.escape(alias.strip())
    body = re.sub(r"(?:\\ |\\-)+", r"[\\s\\-]+", body)  # "fine tuning" == "fine-tuning"
    if alias[-1:].isalpha() and len(alias) > 3:
        body += "(?:s|es)?"
    flags = 0 if case_sensitive else re.IGNORECASE
    return re.compile(rf"(?<![\w&]){body}(?![\w&])", flags)


@dataclass(frozen=True, slots=True)
class _Word:
    text: str
    label: str
    skill: str
    term: Term | None
    case_sensitive: bool


def _words(taxonomy: Taxonomy, vocabulary: Iterable[Term]) -> list[_Word]:
    skills = {s.id for s in taxonomy.skills}
    words: list[_Word] = []
    for term in vocabulary:
        if term.skill not in skills:
            continue  # a replaced taxonomy without that skill: the term cannot be placed
        words.append(_Word(term.name, term.name, term.skill, term, term.case_sensitive))
        words.extend(_Word(a, term.name, term.skill, term, False) for a in term.aliases)
    for skill in taxonomy.skills:
        for word in (skill.name, *skill.synonyms):
            words.append(_Word(word, word.lower(), skill.id, None, False))
    return words


def find_requirements(text: str, taxonomy: Taxonomy, vocabulary: Iterable[Term]) -> list[Requirement]:
    """Requirements in order of first mention, each once, with how often it is mentioned."""
    hits: list[tuple[int, int, int, _Word]] = []  # start, end, priority (vocabulary first), word
    for word in _words(taxonomy, vocabulary):
        for m in alias_pattern(word.text, word.case_sensitive).finditer(text):
            hits.append((m.start(), m.end(), 0 if word.term else 1, word))
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[2], h[0]))
    taken: list[tuple[int, int]] = []
    kept: list[tuple[int, int, _Word]] = []
    for start, end, _prio, word in hits:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        kept.append((start, end, word))
    kept.sort(key=lambda k: k[0])
    found: dict[tuple[str, str], Requirement] = {}
    for start, end, word in kept:
        key = (word.skill, word.label)
        if key in found:
            r = found[key]
            found[key] = Requirement(r.label, r.skill, r.found, r.line, r.count + 1, r.term)
        else:
            line = text.count("\n", 0, start) + 1
            found[key] = Requirement(word.label, word.skill, " ".join(text[start:end].split()), line, 1, word.term)
    return list(found.values())

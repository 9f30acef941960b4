"""Find the skills and technologies a posting asks for: whole-word, case-insensitive matches.

Two sources of words: the taxonomy (each skill's name and ``synonyms``) and the vocabulary of
technologies (vocabulary.toml). Where matches overlap, the longest wins ("PyTorch Lightning"
over "PyTorch"), and on the same span a vocabulary term beats a taxonomy synonym because it
is more specific. Boundaries are letters, digits, ``_`` and ``&``, so "R" never matches inside
"Research", "R&D" or "HR". Typographic dashes and non-breaking spaces count as "-" and " ".

Each requirement is *required* unless every mention of it stands under a nice-to-have heading
("Preferred qualifications", "Bonus points", "Nice to have:") or in a sentence that says so
("... is a plus", "ideally ...").
"""

from __future__ import annotations

import bisect
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
    required: bool = True  # False when every mention is a nice-to-have


@cache
def alias_pattern(alias: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """A whole-word regex for one alias: spaces/hyphens interchangeable, plural tolerated."""
    body = re.escape(alias.strip())
    body = re.sub(r"(?:\\ |\\-)+", r"[\\s\\-]+", body)  # "fine tuning" == "fine-tuning"
    if alias[-1:].isalpha() and len(alias) > 3:
        body += "(?:s|es)?"
    elif len(alias) >= 2 and alias.isalpha():
        body += "s?"  # acronyms and short words: "APIs", "LLMs", "CNNs"
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


# One character for one: positions (and so line numbers) do not move.
_TYPOGRAPHY = str.maketrans({c: "-" for c in "\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2212"}
                            | {c: " " for c in "\u00a0\u2007\u202f"})
# A taxonomy word that means something else after these words: "data modeling" is not ML.
_NOT_AFTER: dict[str, tuple[str, ...]] = {
    "modeling": ("data", "dimensional", "financial", "3d", "threat", "business", "process"),
    "modelling": ("data", "dimensional", "financial", "3d", "threat", "business", "process"),
}
# A heading that opens a nice-to-have section ("Preferred qualifications", "Bonus points", "Ideal:").
_PREFERRED_HEADING = re.compile(
    r"nice[\s-]to[\s-]have|good[\s-]to[\s-]have|\bpreferred\b|\bbonus\b|\bpluses\b|\bideal(?:ly)?\b|"
    r"\bdesir(?:able|ed)\b|\boptional\b|\bplus\b|extra credit",
    re.IGNORECASE,
)
# A sentence that says what it names is optional ("... is a plus", "ideally ..."); narrower than a
# heading: "this role is ideal for", "take advantage of" or "annual bonus" say nothing of the kind.
_PREFERRED_SENTENCE = re.compile(
    r"nice[\s-]to[\s-]have|good[\s-]to[\s-]have|\bpreferred\b|\bbonus points?\b|\b(?:is|are) a bonus\b|"
    r"\bideally\b|\bdesirable\b|\boptional\b|\b(?:an|added) advantage\b|\badvantageous\b|"
    r"would be (?:great|nice)|\bbeneficial\b|\b(?:is|are|as|a|big|huge) plus\b|not required",
    re.IGNORECASE,
)
_HEADING_WORDS = re.compile(
    r"requirements?|qualifications?|responsibilit|must[\s-]have|required|what you|who you|you will|you'll|"
    r"about|skills|experience|role|offer|benefits|perks|nice[\s-]to[\s-]have|preferred|bonus|ideal|desir",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"(?:[-•*·▪–]|\d+[.)])\s")
_SENTENCE_END = re.compile(r"[.;!?](?:\s|$|(?=[A-Z]))|\n")  # "growth.We are" (text pasted without spaces)


def _is_heading(line: str) -> bool:
    """A section heading: Markdown `#`, a short line ending in `:`, or a short title naming a section."""
    stripped = line.strip()
    if not stripped or _LIST_ITEM.match(stripped):
        return False  # a list item, however short
    stripped = stripped.strip("*_").strip()
    if stripped.startswith("#"):
        return True
    if stripped.endswith(":") and len(stripped) <= 80:
        return True
    return len(stripped.split()) <= 6 and not stripped.endswith(".") and bool(_HEADING_WORDS.search(stripped))


def preferred_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of nice-to-have text: sections under such a heading, and sentences that say so."""
    spans: list[tuple[int, int]] = []
    position, section_start, after_blank = 0, None, False
    for line in text.splitlines(keepends=True):
        heading = _is_heading(line)
        # a paragraph of prose after a blank line ends a list of nice-to-haves ("Send us your GitHub ...")
        closing = after_blank and section_start is not None and len(line.split()) >= 8 and not _LIST_ITEM.match(line.strip())
        if heading or closing:
            if section_start is not None:
                spans.append((section_start, position))
            section_start = position if heading and _PREFERRED_HEADING.search(line) else None
        after_blank = not line.strip()
        position += len(line)
    if section_start is not None:
        spans.append((section_start, position))
    start = 0
    for end_match in [*_SENTENCE_END.finditer(text), None]:
        end = end_match.end() if end_match else len(text)
        if end > start and _PREFERRED_SENTENCE.search(text, start, end):
            spans.append((start, end))
        start = end
    return spans


@cache
def _first_word(alias: str) -> str:
    """What any match of ``alias`` contains, lower-cased (its words may be joined by spaces or hyphens)."""
    return re.split(r"[\s\-]+", alias.strip().lower())[0]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans covering the same characters (looked up by bisection)."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def find_requirements(text: str, taxonomy: Taxonomy, vocabulary: Iterable[Term]) -> list[Requirement]:
    """Requirements in order of first mention, each once, with how often it is mentioned."""
    text = text.translate(_TYPOGRAPHY)
    hits: list[tuple[int, int, int, _Word]] = []  # start, end, priority (vocabulary first), word
    lowered = text.lower()
    for word in _words(taxonomy, vocabulary):
        if _first_word(word.text) not in lowered:  # a substring test per word, not a regex scan per alias
            continue
        for m in alias_pattern(word.text, word.case_sensitive).finditer(text):
            before = _NOT_AFTER.get(word.text.lower()) if word.term is None else None
            if before and text[max(0, m.start() - 40) : m.start()].rstrip().lower().endswith(before):
                continue
            hits.append((m.start(), m.end(), 0 if word.term else 1, word))
    hits.sort(key=lambda h: (-(h[1] - h[0]), h[2], h[0]))
    taken = bytearray(len(text))  # characters already in a kept match: linear, however many hits
    kept: list[tuple[int, int, _Word]] = []
    for start, end, _prio, word in hits:
        if any(taken[start:end]):
            continue
        taken[start:end] = b"\x01" * (end - start)
        kept.append((start, end, word))
    kept.sort(key=lambda k: k[0])
    preferred = _merged(preferred_spans(text))
    starts = [s for s, _ in preferred]
    found: dict[tuple[str, str], Requirement] = {}
    for start, end, word in kept:
        key = (word.skill, word.label)
        at = bisect.bisect_right(starts, start) - 1
        required = not (at >= 0 and start < preferred[at][1])
        if key in found:
            r = found[key]
            found[key] = Requirement(r.label, r.skill, r.found, r.line, r.count + 1, r.term, r.required or required)
        else:
            line = text.count("\n", 0, start) + 1
            found[key] = Requirement(word.label, word.skill, " ".join(text[start:end].split()), line, 1, word.term, required)
    return list(found.values())

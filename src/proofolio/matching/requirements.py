"""Find the skills and technologies a posting asks for: whole-word, case-insensitive matches.

Two sources of words: the taxonomy (each skill's name and ``synonyms``) and the vocabulary of
technologies (vocabulary.toml). Where matches overlap, the longest wins ("PyTorch Lightning"
over "PyTorch"), and on the same span a vocabulary term beats a taxonomy synonym because it
is more specific. Boundaries are letters, digits, ``_`` and ``&``, so "R" never matches inside
"Research", "R&D" or "HR". Typographic dashes and non-breaking spaces count as "-" and " ".

Each requirement is *required* unless every mention of it stands under a nice-to-have heading
("Preferred qualifications", "Bonus points", "Nice to have:") or in the part of a sentence that
says so ("Kafka is a plus", "Python, ideally with FastAPI", "(PyTorch preferred)"). Words under
a heading about the company, its benefits or legal notices ("About us", "What we offer",
"Equal opportunity") and in such sentences are no requirements at all. Alternatives ("Python or
R", "PyTorch, TensorFlow or JAX") are one requirement, met by any of them. The skills' own
generic words ("production", "machine learning") are one requirement per skill, and none where
the same sentence names a technology of that skill ("machine learning with scikit-learn").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from proofolio.matching.vocabulary import Term
from proofolio.taxonomy import Taxonomy

__all__ = ["PostingScan", "Requirement", "alias_pattern", "find_requirements", "scan_posting"]


@dataclass(frozen=True, slots=True)
class Requirement:
    label: str  # the vocabulary term's name, the taxonomy word that matched, or "A, B or C"
    skill: str  # taxonomy skill id
    found: str  # the posting's own words at the first match
    line: int  # 1-based line of the first match in the posting
    count: int  # how many times the posting mentions it
    term: Term | None  # None when it came from the taxonomy's names/synonyms
    required: bool = True  # False when every mention is a nice-to-have
    alternatives: tuple[Requirement, ...] = ()  # "A or B": every member, any of which meets it


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
                            | {c: " " for c in "\u00a0\u2007\u202f"} | {c: "'" for c in "\u2018\u2019"})
# A word that means something else after these words: "data modeling" is not ML, "reverse ETL"
# is no pipeline the candidate builds.
_NOT_AFTER: dict[str, tuple[str, ...]] = {
    "etl": ("reverse",),
    "classification": ("data", "security", "information", "job"),
    "modeling": ("data", "dimensional", "financial", "3d", "threat", "business", "process"),
    "modelling": ("data", "dimensional", "financial", "3d", "threat", "business", "process"),
    "evaluation": ("annual", "employee", "self", "salary"),  # a benefit, not model evaluation
}
# ... and before these: "regression tests" are software tests, "classification policies" governance.
_NOT_BEFORE: dict[str, tuple[str, ...]] = {
    "regression": ("test", "tests", "testing", "suite", "suites", "bug", "bugs"),
    "classification": ("policy", "policies", "level", "levels", "scheme", "schemes", "standard", "standards"),
    "production": ("sql", "code", "support", "incidents", "incident", "data", "database", "databases"),
}
# A heading that opens a nice-to-have section ("Preferred qualifications", "Bonus points", "Ideal:").
_PREFERRED_HEADING = re.compile(
    r"nice[\s-]to[\s-]have|good[\s-]to[\s-]have|great[\s-]to[\s-]have|\bpreferred\b|\bbonus\b|\bpluses\b|"
    r"\bideal(?:ly)?\b|\bdesir(?:able|ed)\b|\boptional\b|\bplus\b|extra credit|love to see|even better|"
    r"stand out|would be nice|\bnice\b|not (?:needed|required|necessary)|\bhelpful\b",
    re.IGNORECASE,
)
# "Required / Preferred" (a table's column header) or "Minimum and preferred qualifications" opens no optional section.
_REQUIRED_HEADING = re.compile(r"(?<!not )\brequired\b|(?<!not a )\bmust\b|\bminimum\b|\bbasic\b", re.IGNORECASE)
# A heading over words that are no requirements: the company, what it offers, legal notices.
# "About the role", "About you" and "About the job" describe the work and stay.
_BOILERPLATE_HEADING = re.compile(
    r"^[\W\d]*(?:"  # the heading's first words: "Passionate about data" is no "About us"
    r"about\b(?!\s+(?:the\s+|this\s+|your\s+)?(?:role|job|position|opportunity|you|work)\b)|who we are|"
    r"\bour (?:story|mission|values|culture|company|clients|benefits|commitment|offer)|what we offer|we offer|"
    r"in it for you|why (?:join|work)|life at|working at|\bbenefits\b|\bperks\b|compensation|\bsalary\b|"
    r"equal (?:employment )?opportunit|\beeo\b|diversity|inclusion|accommodation|how to apply|"
    r"application process|hiring process|interview process|\bfraud (?:alert|notice|warning)|recruit\w* fraud|"
    r"\bprivacy\b|disclaimer|beware)",
    re.IGNORECASE,
)
# Sentences of a legal notice anywhere in a posting: no requirement is stated in them.
_BOILERPLATE_SENTENCE = re.compile(
    r"equal (?:employment )?opportunit|without regard to|recruit\w* fraud|\bnever ask\b|reasonable accommodation|"
    r"e-verify|protected veteran|\bbeware\b",
    re.IGNORECASE,
)
# What says the part of a sentence it stands in is optional ("... is a plus"); narrower than a
# heading: "this role is ideal for", "take advantage of" or "annual bonus" say nothing of the kind.
# "You do not need Spark; we will teach you" says it is not needed either.
_PREFERRED_SENTENCE = re.compile(
    r"nice[\s-]to[\s-]have|good[\s-]to[\s-]have|\bpreferred\b|\bbonus points?\b|\b(?:is|are) a bonus\b|"
    r"\bideally\b|\bpreferably\b|\boptionally\b|\bdesirable\b|\boptional\b|\b(?:an|added) advantage\b|"
    r"\badvantageous\b|would be (?:great|nice)|\bbeneficial\b|\b(?:is|are|as|a|big|huge) plus\b|not required|"
    r"\b(?:do not|don't|won't|will not) need\b|\bnot (?:necessary|needed|expected)\b|\bno prior\b|"
    r"\bwe(?:'ll| will)? teach\b|\bwill be trained\b",
    re.IGNORECASE,
)
# Cues that make only what follows them optional: "3+ years of Python, ideally with FastAPI".
_LEADING_CUE = re.compile(r"ideally|preferably|optionally", re.IGNORECASE)
# Where a clause starts inside a sentence, for a cue that closes it: "Python is required, but Spark is a plus".
_CLAUSE_BREAK = re.compile(r";|\bbut\b|,\s*(?:while|whereas)\b|\brequired\b,?", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\([^()\n]{0,200}\)")
_HEADING_WORDS = re.compile(
    r"requirements?|qualifications?|responsibilit|must[\s-]have|required|what you|who you|you will|you'll|"
    r"about|skills|experience|role|offer|benefits|perks|nice[\s-]to[\s-]have|preferred|bonus|ideal|desir|"
    r"\bplus\b|love to see|even better|stand out|who we are|why join|life at|compensation|salary|"
    r"equal|\beeo\b|diversity|fraud|how to apply|privacy|\bnice\b|helpful|not needed",
    re.IGNORECASE,
)
# A line that asks for something rather than titling a section: "Experience optimizing algorithms for CUDA".
_ITEM_WORDING = re.compile(
    r"\b(?:experience|knowledge|familiarity|proficiency|expertise|exposure|background|skills?)\s+"
    r"(?:with|in|of|using|to|on|building|developing|designing|deploying|working|optimi[sz]ing|writing)\b",
    re.IGNORECASE,
)
_LIST_ITEM = re.compile(r"(?:[-•*·▪–]|\d+[.)])\s")
# "growth.We are" (text pasted without spaces) ends a sentence; "e.g. PyTorch" and "etc." do not
_SENTENCE_END = re.compile(r"(?<!\b[eE]\.[gG])(?<!\b[iI]\.[eE])(?<!\b[eE]tc)(?<!\bvs)(?<!\bincl)[.;!?](?:\s|$|(?=[A-Z]))|\n")


def _is_heading(line: str, names_term: bool = False) -> bool:
    """A section heading: Markdown `#`, a short line ending in `:`, or a short title naming a section.

    A short line naming a technology, or worded as a request ("Experience with Spark"), is an
    item of a list written without bullets (every HTML `<li>`, plain-text postings), not a title.
    """
    stripped = line.strip()
    if not stripped or _LIST_ITEM.match(stripped):
        return False  # a list item, however short
    stripped = stripped.strip("*_").strip()
    if stripped.startswith("#"):
        return True
    if stripped.endswith(":") and len(stripped) <= 80:
        return True
    short = len(stripped.split()) <= 6 and not stripped.endswith(".")
    if names_term or _ITEM_WORDING.search(stripped):
        return False  # "Working at scale with Spark": an item, whatever words it starts with
    if short and _BOILERPLATE_HEADING.search(stripped):
        return True  # "Recruitment Fraud Notice", "About Acme AI"
    return short and bool(_HEADING_WORDS.search(stripped))


def _looks_like_title(line: str) -> bool:
    """A short line without closing punctuation that is no list item: a heading by its shape alone."""
    stripped = line.strip().strip("*_").strip()
    return (0 < len(stripped.split()) <= 5 and not _LIST_ITEM.match(line.strip())
            and stripped[-1] not in ".,;!?" and stripped[0].isupper())


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for end_match in [*_SENTENCE_END.finditer(text), None]:
        end = end_match.end() if end_match else len(text)
        if end > start:
            spans.append((start, end))
        start = end
    return spans


def _optional_part(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The part of one sentence its nice-to-have cues cover.

    A cue in parentheses covers the parenthesis ("or JAX (PyTorch preferred)"); "ideally" and
    "preferably" cover what follows them; any other cue covers its clause, from the clause's start
    (the sentence's, or after "; " / "but" / "required,") to the sentence's end. Linear in the
    sentence however many cues it holds (a pasted posting can be one 2 MB line).
    """
    spans: list[tuple[int, int]] = []
    inside = [paren.span() for paren in _PARENTHESIS.finditer(text, start, end)]
    inside_starts = [a for a, _ in inside]
    for a, b in inside:
        if _PREFERRED_SENTENCE.search(text, a, b):
            spans.append((a, b))
    breaks = [brk.end() for brk in _CLAUSE_BREAK.finditer(text, start, end)]
    for cue in _PREFERRED_SENTENCE.finditer(text, start, end):
        at = bisect.bisect_right(inside_starts, cue.start()) - 1
        if at >= 0 and cue.start() < inside[at][1]:
            continue  # its parenthesis was judged above
        if _LEADING_CUE.fullmatch(cue.group()):
            spans.append((cue.start(), end))
            continue
        before = bisect.bisect_right(breaks, cue.start()) - 1
        spans.append((breaks[before] if before >= 0 else start, end))
    return spans


def section_spans(text: str, names_term: bytearray | None = None) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Character ranges of (nice-to-have text, boilerplate text).

    Nice to have: sections under such a heading, and the parts of sentences that say so.
    Boilerplate: sections under a heading about the company, its offer or legal notices, and
    the sentences of a legal notice. ``names_term`` marks the characters of matched terms.
    """
    preferred: list[tuple[int, int]] = []
    boilerplate: list[tuple[int, int]] = []
    position, section_start, section_kind, after_blank = 0, None, "", False
    for line in text.splitlines(keepends=True):
        heading = _is_heading(line, names_term is not None and any(names_term[position : position + len(line)]))
        # a paragraph of prose after a blank line ends a list of nice-to-haves ("Send us your GitHub ...")
        closing = (after_blank and section_kind == "preferred" and len(line.split()) >= 8
                   and not _LIST_ITEM.match(line.strip()))
        # what the company says of itself ends at any short title ("Your work", "You bring"): dropping
        # the words of a requirements section would be worse than keeping a line of boilerplate
        closing = closing or (section_kind == "boilerplate" and _looks_like_title(line))
        if heading or closing:
            if section_start is not None:
                (preferred if section_kind == "preferred" else boilerplate).append((section_start, position))
            section_start, section_kind = None, ""
            if heading and _BOILERPLATE_HEADING.search(line):
                section_start, section_kind = position, "boilerplate"
            elif heading and _PREFERRED_HEADING.search(line) and not _REQUIRED_HEADING.search(line):
                section_start, section_kind = position, "preferred"
        after_blank = not line.strip()
        position += len(line)
    if section_start is not None:
        (preferred if section_kind == "preferred" else boilerplate).append((section_start, position))
    for start, end in _sentences(text):
        if _BOILERPLATE_SENTENCE.search(text, start, end):
            boilerplate.append((start, end))
        elif _PREFERRED_SENTENCE.search(text, start, end):
            preferred += _optional_part(text, start, end)
    return preferred, boilerplate


def preferred_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of nice-to-have text (see section_spans)."""
    return section_spans(text)[0]


_NEIGHBOUR = 40  # characters looked at for the word beside a match


def _word_before(text: str, start: int) -> str:
    """The whole word right before ``start`` on the same line, lower-cased ("" if none)."""
    words = text[max(0, start - _NEIGHBOUR) : start].rsplit("\n", 1)[-1].split()
    return words[-1].strip(".,;:()").lower() if words else ""


def _word_after(text: str, end: int) -> str:
    """The whole word right after ``end`` on the same line, lower-cased ("" if none)."""
    words = text[end : end + _NEIGHBOUR].split("\n", 1)[0].split()
    return words[0].strip(".,;:()").lower() if words else ""


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


_LEADING_PREPOSITION = re.compile(r"^(?:in|into|to)\s+")
# Between two alternatives: "PyTorch, TensorFlow or JAX", "Python and/or R", "TensorFlow/PyTorch".
_JOIN = re.compile(r"[ \t]*(?:,[ \t]*(?:and/or[ \t]+|or[ \t]+)?|[ \t](?:and/)?or[ \t]+|/)[ \t]*", re.IGNORECASE)
# Examples of one kind: "frameworks (e.g., PyTorch, JAX)", "boosting libraries such as LightGBM, XGBoost".
# A bare parenthesis is no such list: "transformer models (Hugging Face, PyTorch)" names the tools used together.
_EXAMPLES_BEFORE = re.compile(r"(?:\be\.g\.|such as|for example|for instance|\blike)[\s,:]*$", re.IGNORECASE)
_OR_SIMILAR = re.compile(r",?[ \t]+or[ \t]+(?:a[ \t]+)?(?:similar|equivalent|comparable|other|another|related)\b", re.IGNORECASE)


class _Spans:
    """Merged character ranges, asked whether a position falls inside one (by bisection)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = _merged(spans)
        self.starts = [start for start, _ in self.spans]

    def __contains__(self, position: int) -> bool:
        at = bisect.bisect_right(self.starts, position) - 1
        return at >= 0 and position < self.spans[at][1]


def _without_generic_words(kept: list[tuple[int, int, _Word]], text: str, preferred: _Spans) -> list[tuple[int, int, _Word]]:
    """A skill's own word where the same sentence requires a technology of that skill says nothing more:
    "machine learning models with scikit-learn" is the scikit-learn requirement (but "machine
    learning required; scikit-learn is a plus" keeps both)."""
    sentences = _sentences(text)
    starts = [s for s, _ in sentences]

    def sentence_of(position: int) -> int:
        return bisect.bisect_right(starts, position) - 1

    named = {(sentence_of(start), word.skill) for start, _, word in kept if word.term is not None and start not in preferred}
    return [(start, end, word) for start, end, word in kept
            if word.term is not None or (sentence_of(start), word.skill) not in named]


def _alternative_groups(kept: list[tuple[int, int, _Word]], text: str) -> list[list[int]]:
    """Runs of kept matches (indexes) that name alternatives: joined by "or" (a list ending in
    "or X", or followed by "or similar"), or by "/" between technologies of one skill."""
    groups: list[list[int]] = []
    run: list[int] = []
    joins: list[str] = []

    def close() -> None:
        if len(run) >= 2 and len({(kept[i][2].skill, kept[i][2].label) for i in run}) >= 2:
            after = kept[run[-1]][1]
            said_or = any("or" in j.lower().split() or "and/or" in j.lower() for j in joins)
            one_skill = len({kept[i][2].skill for i in run}) == 1
            before = text[max(0, kept[run[0]][0] - 20) : kept[run[0]][0]]
            examples = one_skill and _EXAMPLES_BEFORE.search(before) is not None and all("and" not in j for j in joins)
            if said_or:  # "A, B or C, D and E": the alternatives end at the item after the last "or"
                last_or = max(i for i, j in enumerate(joins) if "or" in j.lower().split() or "and/or" in j.lower())
                groups.append(list(run[: last_or + 2]))
            elif examples or _OR_SIMILAR.match(text, after) or (one_skill and all(j.strip() == "/" for j in joins)):
                groups.append(list(run))

    for index, (start, _end, _word) in enumerate(kept):
        if run:
            between = text[kept[run[-1]][1] : start]
            if _JOIN.fullmatch(between):
                run.append(index)
                joins.append(between)
                continue
            close()
        run, joins = [index], []
    close()
    return groups


@dataclass(frozen=True, slots=True)
class PostingScan:
    requirements: list[Requirement]
    # lines of list items (outside boilerplate) that name nothing proofolio knows: "BSc in CS",
    # "3+ years in industry", tools it has no word for — what the coverage cannot speak to
    unrecognised_lines: tuple[int, ...] = ()


def find_requirements(text: str, taxonomy: Taxonomy, vocabulary: Iterable[Term]) -> list[Requirement]:
    """Requirements in order of first mention, each once, with how often it is mentioned."""
    return scan_posting(text, taxonomy, vocabulary).requirements


MIN_ITEM_WORDS = 3  # a list item this long asks for something ("- Python" names a term or nothing)


def _unrecognised_items(text: str, taken: bytearray, boilerplate: _Spans) -> tuple[int, ...]:
    lines: list[int] = []
    position = 0
    for number, line in enumerate(text.splitlines(keepends=True), 1):
        stripped = line.strip()
        if (_LIST_ITEM.match(stripped) and len(stripped.split()) > MIN_ITEM_WORDS and position not in boilerplate
                and not any(taken[position : position + len(line)])):
            lines.append(number)
        position += len(line)
    return tuple(lines)


def scan_posting(text: str, taxonomy: Taxonomy, vocabulary: Iterable[Term]) -> PostingScan:
    """find_requirements, and the list items that named none."""
    text = text.translate(_TYPOGRAPHY)
    hits: list[tuple[int, int, int, _Word]] = []  # start, end, priority (vocabulary first), word
    lowered = text.lower()
    for word in _words(taxonomy, vocabulary):
        if _first_word(word.text) not in lowered:  # a substring test per word, not a regex scan per alias
            continue
        before, after = _NOT_AFTER.get(word.text.lower()), _NOT_BEFORE.get(word.text.lower())
        for m in alias_pattern(word.text, word.case_sensitive).finditer(text):
            if before and _word_before(text, m.start()) in before:
                continue
            if after and _word_after(text, m.end()) in after:
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
    preferred_raw, boilerplate_raw = section_spans(text, taken)
    preferred, boilerplate = _Spans(preferred_raw), _Spans(boilerplate_raw)
    unrecognised = _unrecognised_items(text, taken, boilerplate)
    kept = [k for k in kept if k[0] not in boilerplate]
    kept = _without_generic_words(kept, text, preferred)
    grouped = {i: group for group in _alternative_groups(kept, text) for i in group}

    newlines = [m.start() for m in re.finditer("\n", text)]  # a line number is a bisection, not a count from the top

    def single(start: int, end: int, word: _Word) -> Requirement:
        line = bisect.bisect_left(newlines, start) + 1
        label = word.label if word.term is not None else _LEADING_PREPOSITION.sub("", word.label)  # "to production"
        return Requirement(label, word.skill, " ".join(text[start:end].split()), line, 1, word.term,
                           start not in preferred)

    found: dict[object, Requirement] = {}
    for index, (start, end, word) in enumerate(kept):
        group = grouped.get(index)
        if group is None:
            # a skill's own words are one requirement of that skill, named by the first of them
            key: object = (word.skill, word.label if word.term is not None else None)
            known = found.get(key)
            if known is None:
                found[key] = single(start, end, word)
            else:
                found[key] = replace(known, count=known.count + 1, required=known.required or start not in preferred)
        elif group[0] == index:
            members: list[Requirement] = []
            for i in group:
                member = single(*kept[i])
                if all((m.skill, m.label) != (member.skill, member.label) for m in members):
                    members.append(member)
            labels = [m.label for m in members]
            label = f"{', '.join(labels[:-1])} or {labels[-1]}"
            first_end = kept[group[-1]][1]
            requirement = replace(members[0], label=label, found=" ".join(text[start:first_end].split()),
                                  required=any(m.required for m in members), alternatives=tuple(members))
            key = ("or", tuple((m.skill, m.label) for m in members))
            known = found.get(key)
            found[key] = requirement if known is None else replace(
                known, count=known.count + 1, required=known.required or requirement.required)
    # "PyTorch, TensorFlow or JAX (PyTorch preferred)": the preference is within a requirement already listed
    in_required_groups = {(m.skill, m.label) for r in found.values() if r.alternatives and r.required for m in r.alternatives}
    requirements = [r for r in found.values() if r.required or r.alternatives or (r.skill, r.label) not in in_required_groups]
    return PostingScan(requirements, unrecognised)

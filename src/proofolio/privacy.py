"""Email addresses stay out of reports unless the user asks (`analyze --show-emails`).

An address is replaced by `<email:HASH>` (the first 12 hex of its SHA-256, lower-cased), so a
report still says whose lines were credited — and `proofolio verify` can find the same
people again by hashing the author emails of the repository it re-obtains — without
printing an address a candidate may not want to publish.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from proofolio.models import Result, SourceInfo

if TYPE_CHECKING:
    from proofolio.reporters import Report

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HIDDEN = re.compile(r"<email:([0-9a-f]{12})>")


def email_token(email: str) -> str:
    return f"<email:{hashlib.sha256(email.strip().lower().encode('utf-8')).hexdigest()[:12]}>"


def hide_emails(result: Result) -> Result:
    """The same result with every address in a source's `candidate` replaced by its token."""
    return replace(result, sources=hidden_sources(result.sources))


def hide_report_emails(report: Report) -> Report:
    """``hide_emails`` for a Report: only its sources change, so its other JSON sections are kept."""
    sources = report.sources
    hidden = hidden_sources(sources)
    return report if hidden == sources else report.with_candidates(hidden)


def hidden_sources(sources: Sequence[SourceInfo]) -> tuple[SourceInfo, ...]:
    """``sources`` with every address in their `candidate` replaced by its token (the only field that holds one)."""
    return tuple(
        replace(s, candidate=EMAIL.sub(lambda m: email_token(m.group(0)), s.candidate)) if s.candidate else s
        for s in sources
    )


def reveal(text: str, known: Iterable[str]) -> tuple[str, ...]:
    """The addresses among ``known`` whose tokens appear in ``text`` (plain addresses kept as they are)."""
    wanted = set(HIDDEN.findall(text))
    found = [e for e in dict.fromkeys(k.strip().lower() for k in known) if email_token(e)[7:-1] in wanted]
    return (*EMAIL.findall(HIDDEN.sub("", text)), *found)

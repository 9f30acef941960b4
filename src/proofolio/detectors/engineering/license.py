"""SE-license: a licence file at the project root."""

from __future__ import annotations

import re

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector
from proofolio.detectors.support import first_content_line
from proofolio.models import Confidence

_LICENSE = re.compile(r"^(licen[cs]e|copying|unlicense)([.-][\w.-]*)?$", re.IGNORECASE)
_KINDS: tuple[tuple[str, str], ...] = (
    ("AGPL", r"GNU AFFERO GENERAL PUBLIC LICENSE"),
    ("LGPL", r"GNU LESSER GENERAL PUBLIC LICENSE"),
    ("GPL", r"GNU GENERAL PUBLIC LICENSE"),
    ("Apache-2.0", r"Apache License"),
    ("MIT", r"Permission is hereby granted, free of charge"),
    ("BSD", r"Redistribution and use in source and binary forms"),
    ("MPL-2.0", r"Mozilla Public License"),
    ("Unlicense", r"This is free and unencumbered software"),
    ("CC", r"Creative Commons"),
)


# Licence metadata of a package: `license = "MIT"` (pyproject, setup.cfg), `license="MIT"` (setup.py),
# `license = {text = "MIT"}`, and trove classifiers `License :: OSI Approved :: MIT License`.
_METADATA_FILES = ("pyproject.toml", "setup.py", "setup.cfg")
_DECLARED = re.compile(
    r"""^\s*license\s*[=:]\s*(?:\{\s*text\s*=\s*)?["']?([A-Za-z][\w.+ -]{1,40}?)["']?\s*[,}]?\s*$|"""
    r"""License\s*::\s*OSI Approved\s*::\s*([\w.+ -]+?)["']""",
    re.MULTILINE | re.IGNORECASE,
)


def declared_license(text: str) -> tuple[int, str, str] | None:
    """(line, line text, licence) of a package's licence declaration, or None."""
    match = _DECLARED.search(text)
    if match is None:
        return None
    group = 1 if match.group(1) else 2
    name = (match.group(group) or "").strip()
    if not name or name.lower() in ("file", "none", "unknown", "proprietary"):
        return None
    line = text.count("\n", 0, match.start(group)) + 1  # the line of the name (the match may start on blank lines)
    return line, text.split("\n")[line - 1].strip(), name


def license_kind(text: str) -> str:
    for kind, marker in _KINDS:
        if re.search(marker, text, re.IGNORECASE):
            return kind
    return "other"


class License(RepoDetector):
    meta = DetectorMeta(
        id="SE-license",
        skill="software_engineering",
        title="Publishes the project under a licence",
        what=(
            "A non-empty LICENSE/LICENCE/COPYING file (any extension) at the project root. Values: the licence "
            "recognised from its text (MIT, Apache-2.0, GPL, BSD, ...) or 'other'. Without such a file, a licence "
            "declared in pyproject.toml, setup.py or setup.cfg (`license = \"MIT\"`, a `License :: OSI Approved` "
            "classifier) counts at medium confidence."
        ),
        why="A licence tells others whether they may reuse the work; it is a mark of a project meant to be shared.",
        example='''
LICENSE
MIT License                      # detected
Copyright (c) 2024 ...
''',
        not_detected="Licence files in subfolders, empty files, and `license = {file = ...}` pointing at a missing file.",
        scope="repo",
    )

    def check(self, repo: RepoContext) -> None:
        for path in repo.paths:
            if "/" in path or not _LICENSE.match(path):
                continue
            text = repo.read_text(path)
            first = first_content_line(text, comment="")
            if first is None:
                continue
            repo.emit(self.meta, path, first[0], first[1], Confidence.HIGH, (("license", license_kind(text)),))
            return
        for path in _METADATA_FILES:  # no licence file: a package may still declare one
            if path not in repo.paths:
                continue
            declared = declared_license(repo.read_text(path))
            if declared is not None:
                line, text, name = declared
                kind = license_kind(name)
                values = (("license", name if kind == "other" else kind), ("declared_in", path))
                repo.emit(self.meta, path, line, text, Confidence.MEDIUM, values)
                return

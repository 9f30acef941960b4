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
            "recognised from its text (MIT, Apache-2.0, GPL, BSD, ...) or 'other'."
        ),
        why="A licence tells others whether they may reuse the work; it is a mark of a project meant to be shared.",
        example='''
LICENSE
MIT License                      # detected
Copyright (c) 2024 ...
''',
        not_detected="Licences declared only in pyproject.toml/setup.py metadata, licence files in subfolders, and empty files.",
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

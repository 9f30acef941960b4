"""The labelled corpus: one folder per project with a hand-written expected.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

LABELS = ("strong", "present", "absent")


class CorpusError(ValueError):
    """An expected.toml that cannot be used; the message names the file and field."""


@dataclass(frozen=True, slots=True)
class Place:
    """A location the reviewer expects cited: a path, optionally a line and a notebook cell."""

    path: str
    line: int | None = None
    cell: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.cell is not None:
            where += f" cell {self.cell}"
        if self.line is not None:
            where += f" line {self.line}"
        return where


@dataclass(frozen=True, slots=True)
class Expected:
    name: str
    root: Path
    description: str
    skills: dict[str, str]  # skill id → strong / present / absent
    cites: tuple[tuple[str, Place], ...]  # (skill, place)
    signals: tuple[tuple[str, Place], ...]  # (detector id, place)
    control: bool = False
    tutorial: str | None = None
    duplicates: tuple[str, ...] = ()


def _place(raw: dict[str, object], where: str) -> Place:
    path = raw.get("path")
    if not isinstance(path, str):
        raise CorpusError(f"{where}: 'path' must be a string")
    line, cell = raw.get("line"), raw.get("cell")
    if line is not None and not isinstance(line, int):
        raise CorpusError(f"{where}: 'line' must be an integer")
    if cell is not None and not isinstance(cell, int):
        raise CorpusError(f"{where}: 'cell' must be an integer")
    return Place(path, line, cell)


def load_expected(folder: Path) -> Expected:
    source = folder / "expected.toml"
    try:
        data = tomllib.loads(source.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CorpusError(f"{source}: {exc}") from None
    project = data.get("project", {})
    skills = data.get("skills", {})
    bad = {k: v for k, v in skills.items() if v not in LABELS}
    if not skills or bad:
        raise CorpusError(f"{source}: [skills] must map skill ids to strong/present/absent (bad: {bad})")
    cites = tuple(
        (str(raw.get("skill")), _place(raw, f"{source}: [[cite]] #{i + 1}")) for i, raw in enumerate(data.get("cite", []))
    )
    signals = tuple(
        (str(raw.get("id")), _place(raw, f"{source}: [[signal]] #{i + 1}")) for i, raw in enumerate(data.get("signal", []))
    )
    return Expected(
        name=folder.name,
        root=folder,
        description=str(project.get("description", "")),
        skills=dict(skills),
        cites=cites,
        signals=signals,
        control=bool(project.get("control", False)),
        tutorial=project.get("tutorial"),
        duplicates=tuple(project.get("duplicates", ())),
    )


def load_corpus(root: Path) -> list[Expected]:
    """Every project folder under ``root`` that has an expected.toml, by name."""
    if not root.is_dir():
        raise CorpusError(f"not a folder: {root}")
    found = [load_expected(p) for p in sorted(root.iterdir()) if (p / "expected.toml").is_file()]
    if not found:
        raise CorpusError(f"no project with an expected.toml under {root}")
    return found

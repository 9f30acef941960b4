"""The one place that knows every detector: catalogue rows plus logic classes.

Logic detectors live one per file in the skill folders (``preprocessing/``,
``evaluation/`` ...) and are found by walking this package, so adding a detector is
adding a file; the meta tests then demand its docs and fixtures.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property

from proofolio.detectors.base import DetectorMeta, FileDetector, RepoDetector, TextProbe
from proofolio.detectors.catalog import CatalogRow, CatalogRunner, load_catalog


@dataclass(frozen=True)
class Registry:
    catalog: tuple[CatalogRow, ...]
    file_classes: tuple[type[FileDetector], ...]
    repo_classes: tuple[type[RepoDetector], ...]

    def metas(self) -> list[DetectorMeta]:
        found = [row.meta for row in self.catalog]
        found += [cls.meta for cls in self.file_classes]
        found += [cls.meta for cls in self.repo_classes]
        return sorted(found, key=lambda m: m.id)

    def get(self, detector_id: str) -> DetectorMeta | None:
        wanted = detector_id.strip().lower()
        return next((m for m in self.metas() if m.id.lower() == wanted), None)

    def file_detectors(self) -> list[FileDetector]:
        """Fresh instances for one file (logic detectors may keep per-file state)."""
        detectors: list[FileDetector] = [self._catalog_runner] if self.catalog else []
        detectors.extend(cls() for cls in self.file_classes)
        return detectors

    @cached_property
    def _catalog_runner(self) -> CatalogRunner:
        """The catalogue runner holds no per-file state (only the statement being walked): its indexes are built once."""
        return CatalogRunner(self.catalog)

    def repo_detectors(self) -> list[RepoDetector]:
        return [cls() for cls in self.repo_classes]

    @cached_property
    def text_probes(self) -> tuple[TextProbe, ...]:
        """Every TextProbe the selected repository detectors ask, once each."""
        found: dict[str, TextProbe] = {}
        for cls in self.repo_classes:
            for probe in cls.text_probes:
                found.setdefault(probe.key, probe)
        return tuple(found.values())

    def select(self, prefixes: Iterable[str]) -> "Registry":
        """Only the detectors whose id starts with one of ``prefixes`` (ruff-style selection)."""
        keep = tuple(p.lower() for p in prefixes)
        ok = lambda meta: meta.id.lower().startswith(keep)  # noqa: E731
        return Registry(
            tuple(r for r in self.catalog if ok(r.meta)),
            tuple(c for c in self.file_classes if ok(c.meta)),
            tuple(c for c in self.repo_classes if ok(c.meta)),
        )


@cache
def detector_modules() -> tuple[str, ...]:
    """Names of every module of the detectors package (what _discover imports)."""
    package = importlib.import_module("proofolio.detectors")
    return tuple(info.name for info in pkgutil.walk_packages(package.__path__, prefix="proofolio.detectors."))


def _discover() -> tuple[list[type[FileDetector]], list[type[RepoDetector]]]:
    file_classes: list[type[FileDetector]] = []
    repo_classes: list[type[RepoDetector]] = []
    for name in detector_modules():
        module = importlib.import_module(name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if obj.__module__ != module.__name__ or not hasattr(obj, "meta"):
                continue
            if issubclass(obj, FileDetector) and obj is not FileDetector:
                file_classes.append(obj)
            elif issubclass(obj, RepoDetector) and obj is not RepoDetector:
                repo_classes.append(obj)
    return sorted(file_classes, key=lambda c: c.meta.id), sorted(repo_classes, key=lambda c: c.meta.id)


@cache
def default_registry() -> Registry:
    file_classes, repo_classes = _discover()
    registry = Registry(load_catalog(), tuple(file_classes), tuple(repo_classes))
    ids = [m.id for m in registry.metas()]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise RuntimeError(f"duplicate detector ids: {duplicates}")
    return registry

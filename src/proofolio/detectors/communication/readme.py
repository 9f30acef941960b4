"""COM-readme: a README that explains the problem, the approach, the results and how to run it."""

from __future__ import annotations

import re

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector
from proofolio.detectors.support import basename
from proofolio.documents.reader import READABLE_SUFFIXES
from proofolio.models import Confidence

_README = re.compile(r"^readme(\.(md|markdown|rst|txt))?$", re.IGNORECASE)
_ATX = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RST = re.compile(r"^([=\-~^\"'`#*+<>:.])\1{2,}\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_WORD = re.compile(r"[^\W\d_]{2,}")
# Markdown pasted through an escaping editor: `\*\*Overview\*\*` over `\-----`
_ESCAPED = re.compile(r"\\([*_#=\-])")
# A short line that is bold and nothing else (`**Dataset:**`): the heading of many a README
_BOLD_LINE = re.compile(r"^\s{0,3}(\*\*|__)([^*_]{2,60}?)\1\s*:?\s*$")

# section → heading keywords (matched as whole words in the lower-cased heading)
SECTIONS: dict[str, tuple[str, ...]] = {
    "problem": (
        "problem", "problem statement", "motivation", "background", "overview", "introduction", "intro", "goal",
        "goals", "objective", "objectives", "about", "context", "business", "task", "question", "description",
    ),
    "approach": (
        "approach", "method", "methods", "methodology", "model", "models", "modeling", "modelling", "pipeline",
        "solution", "how it works", "architecture", "features", "feature engineering", "training", "implementation",
        "analysis", "exploratory", "eda", "preprocessing", "data cleaning", "experiments", "algorithm",
        "algorithms", "technique", "techniques", "steps", "key steps", "workflow", "process",
    ),
    "results": (
        "result", "results", "evaluation", "performance", "metrics", "findings", "conclusion", "conclusions",
        "scores", "score", "accuracy", "benchmark", "benchmarks", "insights", "outcome", "outcomes",
        "takeaways", "key takeaways", "observations", "lessons learned",
    ),
    "setup": (
        "setup", "set up", "installation", "install", "installing", "getting started", "usage", "how to run",
        "how to use", "requirements", "quickstart", "quick start", "running", "run", "reproduce", "reproducing",
        "reproducibility", "dependencies",
    ),
}
# The same sections in the languages candidates write READMEs in most often after English
# (Spanish, Portuguese, French, German, Russian; Chinese below, matched without word boundaries).
SECTIONS_ELSEWHERE: dict[str, tuple[str, ...]] = {
    "problem": (
        "descripción", "descripcion", "descrição", "descricao", "beschreibung", "описание", "введение", "о проекте",
        "introducción", "introdução", "einleitung", "objetivo", "objetivos", "objectif", "ziel", "цель", "задача",
        "problema", "problème", "contexto", "contexte", "hintergrund", "überblick", "обзор", "présentation",
        "sobre el proyecto", "sobre o projeto", "à propos",
    ),
    "approach": (
        "metodología", "metodologia", "méthodologie", "méthode", "methodik", "методология", "метод", "модель",
        "modelo", "modelos", "modèle", "modèles", "análisis", "análise", "analyse", "анализ", "обучение",
        "entrenamiento", "treinamento", "entraînement", "архитектура", "arquitectura", "arquitetura", "solución",
        "solução", "решение", "preprocesamiento", "pré-processamento", "prétraitement", "vorverarbeitung",
    ),
    "results": (
        "resultados", "résultats", "ergebnisse", "результаты", "результат", "conclusiones", "conclusões",
        "conclusion", "fazit", "выводы", "métricas", "métriques", "метрики", "evaluación", "avaliação",
        "évaluation", "auswertung", "оценка", "качество",
    ),
    "setup": (
        "instalación", "instalação", "установка", "запуск", "uso", "utilisation", "verwendung", "nutzung",
        "использование", "requisitos", "prérequis", "voraussetzungen", "требования", "ejecución", "execução",
        "cómo ejecutar", "como executar", "démarrage", "lancement", "как запустить",
    ),
}
SECTIONS_CJK: dict[str, tuple[str, ...]] = {
    "problem": ("简介", "介绍", "背景", "项目描述", "概述", "概要"),
    "approach": ("方法", "模型", "架构", "流程", "预处理"),
    "results": ("结果", "实验", "评估", "結果", "評価"),
    "setup": ("安装", "使用", "运行", "环境", "依赖", "快速开始", "インストール", "使い方"),
}
_SECTION_PATTERNS = {
    name: re.compile(
        r"\b(" + "|".join(re.escape(k) for k in (*keys, *SECTIONS_ELSEWHERE[name])) + r")\b"
        + "|" + "|".join(re.escape(k) for k in SECTIONS_CJK[name])
    )
    for name, keys in SECTIONS.items()
}


def readme_headings(text: str) -> tuple[list[tuple[int, str, int]], int]:
    """Headings (line, text, level) of a Markdown or reStructuredText README, and its word count."""
    lines = text.splitlines()
    headings: list[tuple[int, str, int]] = []
    rst_levels: list[str] = []  # other reST underline characters, in order of first appearance
    words = 0
    fenced = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        if "\\" in line:
            line = _ESCAPED.sub(r"\1", line)
        match = _ATX.match(line)
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if "\\" in nxt:
            nxt = _ESCAPED.sub(r"\1", nxt)
        bold = _BOLD_LINE.match(line) if "*" in line or "_" in line else None
        if bold and not nxt.startswith(("-", "=")):
            headings.append((i + 1, bold.group(2).strip(), 4))  # below real headings, above nothing
        elif match:
            level = len(line.strip()) - len(line.strip().lstrip("#"))
            headings.append((i + 1, match.group(1).strip(), level))
        elif line.strip() and not _RST.match(line) and len(nxt) >= 2 and (_SETEXT.match(nxt) or _RST.match(nxt)):
            char = nxt[0]
            if char in "=-":  # Markdown setext (and the usual reST choice): = is a title, - a section
                level = 1 if char == "=" else 2
            else:  # other reST underlines rank in the order they first appear, below those two
                if char not in rst_levels:
                    rst_levels.append(char)
                level = rst_levels.index(char) + 3
            headings.append((i + 1, line.strip(), level))
        else:
            words += len(_WORD.findall(line))
    return headings, words


INTRO_WORDS = 40  # an opening paragraph this long states what the project is about
_BADGE = re.compile(r"^\s*(\[?!\[|<)")  # badges, images and HTML at the top say nothing of the problem


def intro_words(text: str, headings: list[tuple[int, str, int]]) -> int:
    """Words of prose before the first section heading (after the title): the opening paragraph."""
    start = headings[0][0] if headings and headings[0][2] == 1 else 0
    sections = [line for line, _text, level in headings if line > start]
    end = sections[0] - 1 if sections else len(text.splitlines())
    words = 0
    fenced = False
    for line in text.splitlines()[start:end]:
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced and not _BADGE.match(line) and not _SETEXT.match(line) and not _RST.match(line):
            words += len(_WORD.findall(line))
    return words


def readme_sections(headings: list[tuple[int, str, int]], intro: int = 0) -> list[str]:
    """Which sections the headings cover; a top-level title is the project's name, not a section.

    An opening paragraph of INTRO_WORDS words or more (``intro``) states the problem, with or
    without a heading of its own.
    """
    if headings and headings[0][2] == 1:
        headings = headings[1:]
    found = []
    for name, pattern in _SECTION_PATTERNS.items():
        if any(pattern.search(text.lower()) for _, text, _level in headings) or (name == "problem" and intro >= INTRO_WORDS):
            found.append(name)
    return found


CODE_SUFFIXES = READABLE_SUFFIXES  # what the file pass reads
_FILE_NAME = re.compile(r"(?<![\w/.-])((?:[\w-]+/)*[\w-]+\.(?:txt|py|toml|cfg|ya?ml|ipynb|sh|lock|json))\b")


def referenced_files(text: str, paths: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Files a README names (`pip install -r requirements.txt`, `python src/train.py`) and those missing.

    A name matches a project path exactly or as its final part (`train.py` matches `src/train.py`).
    """
    named = sorted({m.group(1) for m in _FILE_NAME.finditer(text) if not m.group(1).startswith("http")})
    missing = [n for n in named if not any(p == n or p.endswith("/" + n) for p in paths)]
    return named, missing


class Readme(RepoDetector):
    meta = DetectorMeta(
        id="COM-readme",
        skill="communication",
        title="Explains the project in a README (problem, approach, results, setup)",
        what=(
            "The project's top-level README (Markdown, reStructuredText or text) when its headings cover at least "
            "one of: the problem, the approach, the results, how to set it up and run it (headings in English, Spanish, "
            "Portuguese, French, German, Russian or Chinese; an opening paragraph of "
            "40 words or more before the first section states the problem). Values: the sections "
            "found, headings and words. High confidence with three or four sections, medium with two, low with one. "
            "Evidence points at the first heading."
        ),
        why="A README that states the problem, the approach and the results is what a reviewer reads first; setup steps show reproducibility.",
        example='''
# Churn prediction          <- detected here
## Problem
## Approach
## Results
## How to run
''',
        not_detected=(
            "READMEs with a title and no sections, READMEs in subfolders, and whether the claims are true "
            "(a claim the code does not back is never evidence), and READMEs of projects with no .py/.ipynb file. "
            "Values `files_named`/`files_missing` say whether the files the README names (requirements.txt, "
            "train.py ...) exist."
        ),
        scope="repo",
    )

    def check(self, repo: RepoContext) -> None:
        candidates = [p for p in repo.paths if "/" not in p and _README.match(basename(p))]
        if not candidates or not any(p.endswith(CODE_SUFFIXES) for p in repo.paths):
            return  # a README of a project without code describes work nobody can see
        path = sorted(candidates, key=lambda p: (not p.lower().endswith((".md", ".markdown")), p))[0]
        readme = repo.read_text(path)
        headings, words = readme_headings(readme)
        sections = readme_sections(headings, intro_words(readme, headings))
        if not sections or not headings:
            return
        confidence = Confidence.HIGH if len(sections) >= 3 else Confidence.MEDIUM if len(sections) == 2 else Confidence.LOW
        line, text, _level = headings[0]
        values = [("sections", ",".join(sections)), ("headings", str(len(headings))), ("words", str(words))]
        values += [(name, "yes" if name in sections else "no") for name in SECTIONS]
        named, missing = referenced_files(readme, repo.paths)
        if named:
            values += [("files_named", str(len(named))), ("files_missing", ",".join(missing) or "none")]
        repo.emit(self.meta, path, line, text, confidence, values)

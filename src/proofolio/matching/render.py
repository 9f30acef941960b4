"""Print a Coverage: a rich table on the terminal, a Markdown table, or JSON.

Posting text and report strings are candidate/employer-controlled: they go through the same
escaping as the reports (rich ``Text``, ``md_escape``/``md_link``), never as markup.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from proofolio.matching.coverage import Coverage, CoverageRow, Gap
from proofolio.reporters._text import md_code_span, md_escape, md_link, one_line
from proofolio.reporters.markdown import LEVEL_TEXT

__all__ = ["coverage_to_dict", "render_coverage_json", "render_coverage_markdown", "render_coverage_terminal"]

MAX_LINES_LISTED = 12
STATUS_STYLE = {"covered": "green", "partial": "yellow", "gap": "red", "not assessed": "dim"}


def _level(row: CoverageRow) -> str:
    if row.level is None:
        return "not in report"
    text = LEVEL_TEXT[row.level]
    return f"{text} ({row.score})" if row.score is not None and text not in ("not assessed",) else text


def _summary(c: Coverage) -> str:
    n = c.counts()
    required = n["covered"] + n["partial"] + n["gap"] + n["not_assessed"]
    gaps = "1 gap" if n["gap"] == 1 else f"{n['gap']} gaps"
    text = f"{required} requirement{'' if required == 1 else 's'}: {n['covered']} covered, {n['partial']} partial, {gaps}"
    if n["not_assessed"]:
        text += f", {n['not_assessed']} not assessed (proofolio cannot see {'it' if n['not_assessed'] == 1 else 'them'} in code)"
    if n["nice_to_have"]:
        text += f"; and {n['nice_to_have']} nice to have, {n['nice_to_have_covered']} of them covered"
    if c.unrecognised_lines:
        count = len(c.unrecognised_lines)
        lines = ", ".join(map(str, c.unrecognised_lines[:MAX_LINES_LISTED])) + (", ..." if count > MAX_LINES_LISTED else "")
        text += (f". {count} listed item{'' if count == 1 else 's'} of the posting name{'s' if count == 1 else ''} "
                 f"nothing proofolio checks in code (line{'' if count == 1 else 's'} {lines})")
    return text


def _label(row: CoverageRow) -> str:
    return row.requirement.label if row.requirement.required else f"{row.requirement.label} (nice to have)"


def _gap_status(gap: Gap) -> str:
    return gap.status if gap.required else f"{gap.status}, nice to have"


def render_coverage_terminal(c: Coverage, console: Console) -> None:
    table = Table(title=Text(one_line(f"Coverage of {c.posting} by the report on {c.target}")), title_justify="left")
    for col in ("Requirement", "Skill", "Evidence level", "Status", "Best evidence"):
        table.add_column(col, overflow="fold")
    for row in c.rows:
        table.add_row(
            Text(one_line(_label(row))),
            Text(one_line(row.skill_name)),
            Text(_level(row)),
            Text(row.status, style=STATUS_STYLE[row.status]),
            Text(one_line(row.link or row.where or "—")),
        )
    console.print(table)
    console.print(Text(_summary(c)))
    if c.gaps:
        console.print(Text("Gaps, and what would demonstrate them:", style="bold"))
        for gap in c.gaps:
            console.print(Text.assemble("  ", Text(one_line(gap.requirement), style="bold"), f" ({_gap_status(gap)}, ",
                                        Text(one_line(gap.skill_name)), "): ", Text(one_line(gap.demonstrate))))


def render_coverage_markdown(c: Coverage) -> str:
    lines = [f"# Coverage of {md_escape(c.posting)}", "", f"Report on {md_escape(c.target, line_start=False)}. {_summary(c)}.", "",
             "| Requirement | Skill | Evidence level | Status | Best evidence |", "|---|---|---|---|---|"]
    for row in c.rows:
        where = row.where or ""
        best = md_link(md_escape(where, line_start=False), row.link) if row.link else (md_code_span(where, in_table=True) if where else "—")
        cells = [md_escape(_label(row), line_start=False), md_escape(row.skill_name, line_start=False),
                 _level(row), row.status, best]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if c.gaps:
        lines += ["## Gaps", ""]
        lines += [f"- **{md_escape(g.requirement, line_start=False)}** ({_gap_status(g)}, {md_escape(g.skill_name, line_start=False)}): "
                  f"{md_escape(g.demonstrate, line_start=False)}" for g in c.gaps]
        lines.append("")
    return "\n".join(lines)


def coverage_to_dict(c: Coverage) -> dict[str, Any]:
    return {
        "posting": c.posting,
        "target": c.target,
        "summary": c.counts(),
        "unrecognised_lines": list(c.unrecognised_lines),
        "requirements": [
            {
                "requirement": r.requirement.label,
                "found": r.requirement.found,
                "posting_line": r.requirement.line,
                "mentions": r.requirement.count,
                "required": r.requirement.required,
                "alternatives": [m.label for m in r.requirement.alternatives],
                "skill": r.requirement.skill,
                "skill_name": r.skill_name,
                "level": r.level.value if r.level else None,
                "score": r.score,
                "status": r.status,
                "specific": r.specific,
                "evidence": r.where,
                "url": r.link,
                "detector": r.detector,
            }
            for r in c.rows
        ],
        "gaps": [{"requirement": g.requirement, "skill": g.skill, "status": g.status, "required": g.required,
                  "demonstrate": g.demonstrate} for g in c.gaps],
    }


def render_coverage_json(c: Coverage) -> str:
    return json.dumps(coverage_to_dict(c), indent=2, ensure_ascii=False) + "\n"

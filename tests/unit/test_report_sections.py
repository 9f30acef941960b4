"""The JSON report in sections (what a recalled re-run reuses) writes exactly what render_json writes."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from proofolio.privacy import hide_emails, hide_report_emails
from proofolio.reporters import Report, render
from proofolio.reporters.json_report import JsonSections, render_json, report_data, report_digest
from proofolio.rerun import ENTRY_FORMAT, entry_sections, sections_entry
from test_reporters import sample_result

CANDIDATE = "Alice <alice@example.org> (--author-email)"


def _with_candidate():  # type: ignore[no-untyped-def]
    result = sample_result()
    return replace(result, sources=(replace(result.sources[0], candidate=CANDIDATE), *result.sources[1:]))


def test_sections_write_render_json_and_its_digest() -> None:
    result = sample_result()
    sections = JsonSections.of(report_data(result))
    assert sections.text() == render_json(result)
    assert sections.digest() == report_digest(report_data(result))
    assert sections.data() == report_data(result)


def test_a_replaced_section_keeps_its_place_and_the_digest_follows() -> None:
    result = sample_result()
    later = replace(result, generated_at="2031-01-01T00:00:00Z")
    sections = JsonSections.of(report_data(result)).replaced("generated_at", later.generated_at)
    assert sections.text() == render_json(later)


def test_a_report_from_sections_decodes_the_same_result() -> None:
    result = sample_result()
    recalled = Report(sections=JsonSections.of(report_data(result)))
    assert recalled.sources == result.sources
    assert recalled.result == result
    for fmt in ("json", "md"):
        assert recalled.render(fmt) == render(result, fmt)


@pytest.mark.parametrize("known", ["result", "sections", "both"])
def test_hidden_emails_in_a_report_are_hidden_in_every_form(known: str) -> None:
    result = _with_candidate()
    report = Report(result if known != "sections" else None,
                    JsonSections.of(report_data(result)) if known != "result" else None)
    hidden = hide_report_emails(report)
    assert hidden.render("json") == render_json(hide_emails(result))
    assert "alice@example.org" not in hidden.render("json")
    assert hidden.result == hide_emails(result)


def test_with_candidates_refuses_other_changes() -> None:
    result = sample_result()
    moved = (replace(result.sources[0], web_url="https://example.org/other"), *result.sources[1:])
    with pytest.raises(ValueError, match="candidates only"):
        Report(result).with_candidates(moved)


def test_cache_entry_round_trip_and_foreign_entries_are_misses() -> None:
    sections = JsonSections.of(report_data(_with_candidate()))
    entry = sections_entry(sections)
    assert entry_sections(entry) == sections
    assert entry_sections(json.dumps(report_data(sample_result()))) is None  # the previous format
    assert entry_sections(entry[:-1]) is None
    assert entry_sections("") is None
    assert entry_sections(json.dumps([ENTRY_FORMAT, ["a"], ["1", "2"]]) + "\n12") is None

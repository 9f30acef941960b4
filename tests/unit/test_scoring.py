"""Scoring is a pure function: same evidence, same verdict; confidence and authorship count."""

from proofolio.models import Confidence, Evidence, Level, Location
from proofolio.scoring import assess, assess_skill, authorship_factor
from proofolio.taxonomy.loader import parse_taxonomy

TAXONOMY = parse_taxonomy(
    """
[levels]
emerging = 1
demonstrated = 35
strong = 70
[[skill]]
id = "model_evaluation"
name = "Model evaluation"
detectors = { "EVAL-*" = 25 }
[[skill]]
id = "collaboration"
name = "Collaboration"
requires_history = true
detectors = { "COL-*" = 50 }
""",
    "t.toml",
)
TITLES = {"EVAL-metrics": "Computes metrics", "EVAL-cross-validation": "Cross-validates (k-fold)", "EVAL-train-test-split": "Holds out a test set"}


def ev(detector: str, path: str = "a.py", line: int = 1, confidence: Confidence = Confidence.HIGH,
       share: float | None = None, repo: str = "p") -> Evidence:
    return Evidence(detector, "model_evaluation", Location(repo, None, path, line), "x", confidence, (), share)


def skill(evidence, has_history=False):
    return assess_skill(TAXONOMY.skills[0], evidence, TAXONOMY, TITLES, has_history)


def test_no_evidence_is_none() -> None:
    result = skill([])
    assert (result.level, result.score, result.evidence) == (Level.NONE, 0, ())


def test_weights_add_up_per_distinct_detector() -> None:
    result = skill([ev("EVAL-metrics"), ev("EVAL-cross-validation"), ev("EVAL-train-test-split")])
    assert result.score == 75 and result.level is Level.STRONG
    assert result.detectors == ("EVAL-cross-validation", "EVAL-metrics", "EVAL-train-test-split")
    assert result.reason.startswith("3 kinds of evidence in 1 project: ")


def test_repeating_a_detector_on_one_line_or_file_adds_nothing() -> None:
    assert skill([ev("EVAL-metrics", line=i) for i in range(1, 20)]).score == 25


def test_spread_over_files_adds_a_bounded_bonus() -> None:
    assert skill([ev("EVAL-metrics", path=f"f{i}.py") for i in range(3)]).score == 30  # +20%
    assert skill([ev("EVAL-metrics", path=f"f{i}.py") for i in range(30)]).score == 38  # capped at +50%


def test_confidence_scales_the_weight() -> None:
    result = skill([ev("EVAL-metrics", confidence=Confidence.LOW)])
    assert result.score == 5 and result.level is Level.EMERGING
    assert result.caveats == ("Only indirect evidence (heuristic matches or imports), no resolved call.",)
    readme = skill([ev("EVAL-metrics", path="README.md", confidence=Confidence.MEDIUM)])  # results stated in a README
    assert readme.caveats == ("Only evidence from project files (README, requirements, configuration), none from code.",)


def test_files_written_by_others_are_discounted_and_said() -> None:
    assert authorship_factor(None) == 1.0 and authorship_factor(0.0) == 0.25
    result = skill([ev("EVAL-metrics", share=0.0), ev("EVAL-cross-validation", share=1.0)])
    assert result.score == round(25 * 0.25 + 25)
    assert any("written by someone else" in c for c in result.caveats)


def test_top_evidence_one_per_detector_first() -> None:
    items = [ev("EVAL-metrics", line=i) for i in range(1, 12)] + [ev("EVAL-cross-validation", line=50)]
    top = skill(items).evidence
    assert len(top) == 8
    assert {e.detector for e in top[:2]} == {"EVAL-metrics", "EVAL-cross-validation"}


def test_equally_strong_evidence_that_shows_more_comes_first() -> None:
    """A five-line helper's `def main()` is not the first example when a module defines more."""
    helper = _with(ev("EVAL-metrics", path="a_helper.py", line=3), functions="1")
    module = _with(ev("EVAL-metrics", path="z_train.py", line=40), functions="6", classes="2")
    assert [e.location.path for e in skill([helper, module]).evidence] == ["z_train.py", "a_helper.py"]


def test_then_evidence_from_files_that_show_the_most_comes_first() -> None:
    lone = ev("EVAL-metrics", path="a_once.py")
    busy = [ev("EVAL-metrics", path="z_busy.py", line=9), ev("EVAL-train-test-split", path="z_busy.py", line=4)]
    top = skill([lone, *busy]).evidence
    assert [(e.location.path, e.location.line) for e in top][:2] == [("z_busy.py", 4), ("z_busy.py", 9)]
    assert top[-1].location.path == "a_once.py"  # still shown, after


def _with(item: Evidence, **values: str) -> Evidence:
    from dataclasses import replace

    return replace(item, values=tuple(values.items()))


def test_collaboration_not_assessed_without_history() -> None:
    results = assess([], TAXONOMY, TITLES, has_history=False)
    assert [(a.skill, a.level) for a in results] == [("model_evaluation", Level.NONE), ("collaboration", Level.NOT_ASSESSED)]
    assert assess([], TAXONOMY, TITLES, has_history=True)[1].level is Level.NONE


def test_assessment_is_independent_of_input_order() -> None:
    items = [ev("EVAL-metrics", path="b.py"), ev("EVAL-metrics", path="a.py", line=3), ev("EVAL-cross-validation")]
    assert assess(items, TAXONOMY, TITLES, False) == assess(list(reversed(items)), TAXONOMY, TITLES, False)


# --------------------------------------------------------------------------- negative signals
from dataclasses import replace as _replace

import pytest

from proofolio.models import Severity
from proofolio.taxonomy.loader import TaxonomyError

NEG_TITLES = {**TITLES, "EVAL-test-set-selection": "Negative signal (high): model or threshold selected on the test set",
              "EVAL-leakage-preprocessing-before-split": "Negative signal (low): preprocessing fitted before the split"}


def neg(detector: str, severity: Severity, path: str = "nb.ipynb", line: int = 6, cell: int | None = None) -> Evidence:
    return Evidence(detector, "model_evaluation", Location("p", None, path, line, None, cell), "if acc > best:",
                    Confidence.HIGH, severity=severity, remediation="Choose on a validation split.")


def test_a_high_signal_takes_20_points_and_says_why_and_how_to_fix() -> None:
    positive = [ev("EVAL-metrics"), ev("EVAL-cross-validation"), ev("EVAL-train-test-split")]
    result = assess_skill(TAXONOMY.skills[0], [*positive, neg("EVAL-test-set-selection", Severity.HIGH, cell=6)],
                          TAXONOMY, NEG_TITLES, False)
    assert (result.score, result.level) == (55, Level.DEMONSTRATED)
    assert result.caveats == (
        "Negative signal (high, -20): model or threshold selected on the test set at nb.ipynb cell 7 line 6. "
        "Fix: Choose on a validation split.",
    )
    # the positive evidence stays visible, the signal is listed after it
    assert [e.detector for e in result.evidence][-1] == "EVAL-test-set-selection"
    assert {"EVAL-metrics", "EVAL-cross-validation", "EVAL-train-test-split"} <= {e.detector for e in result.evidence}
    assert result.evidence_count == 4


def test_penalties_count_once_per_signal_and_never_below_zero() -> None:
    low = [neg("EVAL-leakage-preprocessing-before-split", Severity.LOW, line=n) for n in (1, 2, 3)]
    result = skill([ev("EVAL-metrics"), *low])
    assert result.score == 20  # 25 - 5, once for three places
    assert "(+2 more)" in result.caveats[0]
    floored = skill([ev("EVAL-metrics"), neg("EVAL-test-set-selection", Severity.HIGH),
                     neg("EVAL-refit-includes-test", Severity.HIGH)])
    assert (floored.score, floored.level) == (0, Level.EMERGING)


def test_a_negative_signal_alone_never_makes_a_skill_present() -> None:
    result = skill([neg("EVAL-test-set-selection", Severity.HIGH)])
    assert (result.level, result.score) == (Level.NONE, 0)
    assert result.evidence_count == 1 and result.caveats[0].startswith("Negative signal (high, -20)")


def test_info_signals_cost_nothing_and_penalties_are_configurable() -> None:
    assert skill([ev("EVAL-metrics"), neg("EVAL-x", Severity.INFO)]).score == 25
    text = """
[penalties]
high = 50
[[skill]]
id = "model_evaluation"
name = "Model evaluation"
detectors = { "EVAL-*" = 25 }
"""
    strict = parse_taxonomy(text, "strict.toml")
    assert strict.penalty(Severity.HIGH) == 50 and strict.penalty(Severity.LOW) == 5
    result = assess_skill(strict.skills[0], [ev("EVAL-metrics"), ev("EVAL-train-test-split"),
                                             neg("EVAL-test-set-selection", Severity.HIGH)], strict, TITLES, False)
    assert result.score == 0


@pytest.mark.parametrize(
    ("table", "message"),
    [("[penalties]\nsevere = 3\n", "unknown severity: severe"), ("[penalties]\nhigh = -1\n", "'high' must be an integer")],
)
def test_bad_penalties_are_named(table: str, message: str) -> None:
    text = table + '[[skill]]\nid = "a"\nname = "A"\ndetectors = { "EVAL-*" = 1 }\n'
    with pytest.raises(TaxonomyError, match=message):
        parse_taxonomy(text, "bad.toml")


def test_zero_weight_lists_a_detector_without_scoring_it() -> None:
    text = '[[skill]]\nid = "pre"\nname = "Pre"\ndetectors = { "PRE-*" = 25, "PRE-data-loading" = 0 }\n'
    tax = parse_taxonomy(text, "z.toml")
    loading = Evidence("PRE-data-loading", "data_preprocessing", Location("p", None, "a.py", 1), "pd.read_csv(x)", Confidence.HIGH)
    assert assess_skill(tax.skills[0], [loading], tax, {}, False).level is Level.NONE


def test_tutorial_only_evidence_is_caveated() -> None:
    tagged = [_replace(ev("EVAL-metrics"), values=(("tutorial_dataset", "Iris"),))]
    assert any("tutorial datasets (Iris)" in c for c in skill(tagged).caveats)
    mixed = [*tagged, ev("EVAL-cross-validation", repo="own-data")]
    assert [c for c in skill(mixed).caveats if "tutorial" in c] == [
        "Evidence from p uses only famous tutorial datasets (Iris); the rest is on other data."]
    assert not any("tutorial" in c for c in skill([ev("EVAL-cross-validation")]).caveats)


def test_default_taxonomy_a_saved_model_alone_is_emerging_deployment() -> None:
    from proofolio.taxonomy import load_default_taxonomy

    taxonomy = load_default_taxonomy()
    deployment = next(s for s in taxonomy.skills if s.id == "deployment_mlops")

    def level(*detectors: str) -> tuple[Level, int]:
        items = [Evidence(d, "deployment_mlops", Location("p", None, "a.py", 1), "x", Confidence.HIGH, (), None) for d in detectors]
        result = assess_skill(deployment, items, taxonomy, {}, False)
        return result.level, result.score

    assert level("OPS-model-persistence") == (Level.EMERGING, 20)
    assert level("OPS-model-persistence", "OPS-model-serving") == (Level.DEMONSTRATED, 55)
    assert level("OPS-model-serving") == (Level.DEMONSTRATED, 35)


def test_default_taxonomy_three_one_line_cleanups_are_not_strong_preprocessing() -> None:
    from proofolio.taxonomy import load_default_taxonomy

    taxonomy = load_default_taxonomy()
    preprocessing = next(s for s in taxonomy.skills if s.id == "data_preprocessing")
    items = [Evidence(d, "data_preprocessing", Location("p", None, "etl.py", i), "x", Confidence.HIGH, (), None)
             for i, d in enumerate(("PRE-missing-values", "PRE-type-conversion", "PRE-duplicates-outliers"), 1)]
    result = assess_skill(preprocessing, items, taxonomy, {}, False)
    assert (result.level, result.score) == (Level.DEMONSTRATED, 65)

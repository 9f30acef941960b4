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


def test_collaboration_not_assessed_without_history() -> None:
    results = assess([], TAXONOMY, TITLES, has_history=False)
    assert [(a.skill, a.level) for a in results] == [("model_evaluation", Level.NONE), ("collaboration", Level.NOT_ASSESSED)]
    assert assess([], TAXONOMY, TITLES, has_history=True)[1].level is Level.NONE


def test_assessment_is_independent_of_input_order() -> None:
    items = [ev("EVAL-metrics", path="b.py"), ev("EVAL-metrics", path="a.py", line=3), ev("EVAL-cross-validation")]
    assert assess(items, TAXONOMY, TITLES, False) == assess(list(reversed(items)), TAXONOMY, TITLES, False)

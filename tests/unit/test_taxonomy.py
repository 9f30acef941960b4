"""The taxonomy is data; a bad file is refused with a message naming the field or line."""

from pathlib import Path

import pytest

from proofolio.models import Level
from proofolio.taxonomy import TaxonomyError, load_default_taxonomy, load_taxonomy
from proofolio.taxonomy.loader import parse_taxonomy

SKILL_IDS = [
    "python", "data_preprocessing", "exploratory_analysis", "statistics", "model_building",
    "model_evaluation", "deployment_mlops", "software_engineering", "communication", "domains", "collaboration",
]

GOOD = """
[taxonomy]
name = "mine"
[levels]
emerging = 5
demonstrated = 40
strong = 80
[[skill]]
id = "modelling"
name = "Modelling"
detectors = { "MOD-*" = 20, "MOD-torch-module" = 50 }
"""


def test_default_taxonomy_holds_the_skill_ids_verbatim() -> None:
    taxonomy = load_default_taxonomy()
    assert [s.id for s in taxonomy.skills] == SKILL_IDS
    assert taxonomy.skill("collaboration").requires_history
    assert len(taxonomy.ref.sha256) == 64


def test_most_specific_pattern_wins() -> None:
    skill = parse_taxonomy(GOOD, "mine.toml").skills[0]
    assert skill.weight_for("MOD-torch-module") == 50
    assert skill.weight_for("MOD-sklearn-estimator") == 20
    assert skill.weight_for("EVAL-metrics") is None


def test_levels_follow_thresholds() -> None:
    taxonomy = parse_taxonomy(GOOD, "mine.toml")
    assert taxonomy.level_for(0, has_evidence=False) is Level.NONE
    assert taxonomy.level_for(2, has_evidence=True) is Level.EMERGING  # any evidence is at least emerging
    assert taxonomy.level_for(40, has_evidence=True) is Level.DEMONSTRATED
    assert taxonomy.level_for(80, has_evidence=True) is Level.STRONG


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[skill]]\nid = 'x'\nname = 'X'\ndetectors = {'A' = 1}\n[levels\n", "invalid TOML"),
        (GOOD.replace('name = "Modelling"\n', ""), "(id 'modelling'): missing field 'name'"),
        (GOOD.replace('"MOD-*" = 20', '"MOD-*" = -1'), "weight for 'MOD-*' must be a positive number"),
        (GOOD.replace("strong = 80", "strong = 30"), "thresholds must rise"),
        (GOOD.replace("strong = 80", "strong = 80\nexpert = 99"), "unknown level(s): expert"),
        ("[taxonomy]\nname='x'\n", "no [[skill]] entries"),
        (GOOD + GOOD.split("[levels]")[1].split("[[skill]]", 1)[0] + "[[skill]]\nid = 'modelling'\nname='M'\ndetectors={'MOD-*'=1}\n",
         "skill id 'modelling' appears twice"),
    ],
)
def test_bad_taxonomy_is_refused_with_a_precise_message(text: str, message: str) -> None:
    with pytest.raises(TaxonomyError) as exc:
        parse_taxonomy(text, "mine.toml")
    assert message in str(exc.value)
    assert str(exc.value).startswith("mine.toml")
    assert "\n" not in str(exc.value)


def test_toml_error_names_the_line() -> None:
    with pytest.raises(TaxonomyError, match=r"line 3"):
        parse_taxonomy("[taxonomy]\nname = 'x'\nbroken = \n", "t.toml")


def test_pattern_matching_no_detector_is_refused() -> None:
    with pytest.raises(TaxonomyError, match="'MOD-\\*' matches no detector"):
        parse_taxonomy(GOOD.replace(', "MOD-torch-module" = 50', ""), "t.toml", known_detectors=["EVAL-metrics"])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="taxonomy file not found"):
        load_taxonomy(tmp_path / "nope.toml")


def test_default_taxonomy_matches_the_detectors() -> None:
    """Every pattern of the shipped taxonomy names a detector: the CLI does not check it at run time."""
    from proofolio.detectors.registry import default_registry

    known = [m.id for m in default_registry().metas()]
    assert load_default_taxonomy(known) == load_default_taxonomy()

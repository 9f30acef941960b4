"""Negative signals and workflows survive the JSON round trip and validate."""

from dataclasses import replace

from proofolio.models import Confidence, Evidence, Location, Severity, Workflow, WorkflowStage
from proofolio.reporters.json_report import result_from_dict, result_to_dict
from test_reporters import sample_result


def test_severity_remediation_and_workflows_round_trip(validate_report) -> None:
    base = sample_result()
    loc = Location("alice/churn-prediction", "a" * 40, "notebooks/eda.ipynb", 3, None, 4)
    leak = Evidence("EVAL-leakage-scaler-before-split", "model_evaluation", loc, "scaler.fit(X)", Confidence.HIGH,
                    severity=Severity.LOW, remediation="Fit the scaler on the training split only.")
    first = replace(base.assessments[0], evidence=(*base.assessments[0].evidence, leak))
    workflow = Workflow("alice/churn-prediction", "notebooks/eda.ipynb",
                        (WorkflowStage("load", "EDA-load", loc), WorkflowStage("fit", "MOD-sklearn-estimator", loc)), True)
    result = replace(base, assessments=(first, *base.assessments[1:]), workflows=(workflow,))
    data = validate_report(result_to_dict(result))
    assert data["workflows"][0]["stages"][1]["stage"] == "fit"
    assert data["assessments"][0]["evidence"][-1]["severity"] == "low"
    assert result_from_dict(data) == result
    bad = result_to_dict(result)
    bad["workflows"][0]["stages"][0]["stage"] = "magic"
    import jsonschema
    from proofolio.reporters.json_report import load_schema
    assert list(jsonschema.Draft202012Validator(load_schema()).iter_errors(bad))

"""Repository detectors: git history, and the parsing behind the file-based ones."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from proofolio.detectors.base import RepoContext
from proofolio.detectors.collaboration.git_history import GitHistory
from proofolio.detectors.communication.readme import (
    Readme,
    readme_headings,
    readme_sections,
)
from proofolio.detectors.deployment.dockerfile import Dockerfile
from proofolio.detectors.engineering.ci import ContinuousIntegration
from proofolio.detectors.engineering.dependencies import (
    Dependencies,
    lock_count,
    parse_environment,
    parse_requirements,
    pinned_label,
)
from proofolio.detectors.engineering.license import license_kind
from proofolio.detectors.engineering.tests import is_test_path
from proofolio.models import Confidence, Evidence, Location, SourceInfo
from proofolio.sources.base import Commit, Source, SourceFile


def ts(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp())


def commit(n: int, day: str, mine: bool = True) -> Commit:
    who = ("Alex Rivera", "alex@example.org") if mine else ("Sam Other", "sam@example.org")
    return Commit(f"{n:040x}", who[0], who[1], ts(day), mine)


def source(tmp_path: Path, files: dict[str, str] | None = None, **kwargs: object) -> Source:
    entries = []
    for path, text in (files or {}).items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
        entries.append(SourceFile(path, target, len(text), committed=True))
    info = SourceInfo("alex/churn", "git", str(tmp_path), commit="c" * 40)
    return Source(info, tmp_path, entries, **kwargs)  # type: ignore[arg-type]


def run(detector: object, src: Source, file_evidence: tuple[Evidence, ...] = ()) -> list[Evidence]:
    repo = RepoContext(src, file_evidence)
    detector.check(repo)  # type: ignore[attr-defined]
    return repo.evidence


# --------------------------------------------------------------------------- COL-git-history
def test_git_history_counts_the_candidates_commits(tmp_path: Path) -> None:
    commits = (
        commit(1, "2024-01-08T10:00:00"),
        commit(2, "2024-01-20T10:00:00"),
        commit(3, "2024-02-02T09:00:00", mine=False),
        commit(4, "2024-03-15T18:30:00"),
        commit(5, "2024-03-16T18:30:00"),
        commit(6, "2024-06-30T23:59:00"),
    )
    found = run(GitHistory(), source(tmp_path, commits=commits, has_history=True))
    assert len(found) == 1
    evidence = found[0]
    assert evidence.detector == "COL-git-history" and evidence.skill == "collaboration"
    assert evidence.location == Location("alex/churn", "c" * 40, "", None)
    assert dict(evidence.values) == {
        "commits": "6",
        "candidate_commits": "5",
        "first": "2024-01-08",
        "last": "2024-06-30",
        "active_months": "3",
        "span_months": "6",
    }
    assert evidence.confidence is Confidence.HIGH
    assert evidence.snippet == "5 of 6 commits by the candidate, 2024-01-08 .. 2024-06-30, 3 active months"


def test_git_history_confidence_follows_the_amount_of_work(tmp_path: Path) -> None:
    one = run(GitHistory(), source(tmp_path, commits=(commit(1, "2024-01-01"),), has_history=True))
    two = run(GitHistory(), source(tmp_path, commits=(commit(1, "2024-01-01"), commit(2, "2024-01-02")), has_history=True))
    assert [e.confidence for e in one] == [Confidence.LOW]
    assert [e.confidence for e in two] == [Confidence.MEDIUM]
    assert one[0].snippet.endswith("1 active month")


def test_git_history_needs_history(tmp_path: Path) -> None:
    folder = source(tmp_path, commits=(commit(1, "2024-01-01"),), has_history=False)
    assert run(GitHistory(), folder) == []


def test_git_history_without_candidate_commits_is_no_evidence(tmp_path: Path) -> None:
    fork = source(tmp_path, commits=(commit(1, "2024-01-01", mine=False),), has_history=True)
    assert run(GitHistory(), fork) == []


# --------------------------------------------------------------------------- dependencies
def test_requirements_parsing_and_pins() -> None:
    text = ("# comment\n-r base.txt\n--index-url https://x\npandas==2.2.2  # data\nnumpy>=1.26\n-e .\n\n"
            "-e git+https://github.com/org/lib.git#egg=lib\n-e ./vendored\n")
    found, pinned = parse_requirements(text)
    # `-e .` and `-e ./vendored` are the project's own code; an editable git checkout is a dependency
    assert found == [(4, "pandas==2.2.2"), (5, "numpy>=1.26"), (8, "-e git+https://github.com/org/lib.git#egg=lib")]
    assert pinned == 1
    assert [pinned_label(p, t) for p, t in [(3, 3), (0, 3), (1, 3)]] == ["yes", "no", "partial"]


def test_environment_parsing_counts_conda_pins() -> None:
    text = ("name: x\ndependencies:\n  - python=3.11\n  - numpy\n  - pip\n  - pip:\n      - shap==0.45\n"
            "      - -r requirements.txt\n      - -e .\nprefix: /opt\n")
    found, pinned = parse_environment(text)
    assert [spec for _, spec in found] == ["python=3.11", "numpy", "shap==0.45"]
    assert pinned == 2


def test_lock_counts() -> None:
    assert lock_count("Pipfile.lock", '{"default": {"a": {}, "b": {}}, "develop": {"c": {}}}') == 3
    assert lock_count("poetry.lock", '[[package]]\nname = "a"\n\n[[package]]\nname = "b"\n') == 2
    assert lock_count("Pipfile.lock", "not json") == 0


def test_dependencies_values(tmp_path: Path) -> None:
    files = {
        "requirements.txt": "pandas==2.2.2\nscikit-learn==1.5.0\n",
        "pyproject.toml": '[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "^3.11"\npandas = "2.2.2"\nnumpy = "^1.26"\n',
        "setup.cfg": "[options]\ninstall_requires =\n    pandas==2.2\n    numpy\n\n[flake8]\n",
    }
    found = {e.location.path: (e.location.line, dict(e.values), e.confidence) for e in run(Dependencies(), source(tmp_path, files))}
    assert found["requirements.txt"] == (1, {"file": "requirements", "dependencies": "2", "pinned": "yes"}, Confidence.HIGH)
    assert found["pyproject.toml"] == (4, {"file": "poetry", "dependencies": "2", "pinned": "partial"}, Confidence.MEDIUM)
    assert found["setup.cfg"] == (2, {"file": "setup.cfg", "dependencies": "2", "pinned": "partial"}, Confidence.MEDIUM)


# --------------------------------------------------------------------------- README
def test_readme_headings_in_markdown_and_rst() -> None:
    markdown = "# Title\n\n## Problem\n\n```\n# not a heading\n```\n\nResults\n-------\n\n| a |\n| --- |\n"
    headings, words = readme_headings(markdown)
    assert headings == [(1, "Title", 1), (3, "Problem", 2), (9, "Results", 2)]
    rst = "Churn\n=====\n\nInstallation\n------------\n\nDetails\n~~~~~~~\n\npip install churn\n"
    assert readme_headings(rst)[0] == [(1, "Churn", 1), (4, "Installation", 2), (7, "Details", 3)]


def test_readme_sections_skip_the_title() -> None:
    assert readme_sections([(1, "Churn prediction model", 1)]) == []
    headings = [(1, "Sales model", 1), (3, "Motivation", 2), (5, "Getting started", 2), (7, "Evaluation", 2)]
    assert readme_sections(headings) == ["problem", "results", "setup"]


def test_readme_confidence_by_sections(tmp_path: Path) -> None:
    files = {"README.md": "# X\n\n## Overview\n\ntext\n\n## Usage\n\nrun it\n", "main.py": "print(1)\n"}
    two = run(Readme(), source(tmp_path, files))
    assert [(e.location.line, e.confidence, e.value("sections")) for e in two] == [(1, Confidence.MEDIUM, "problem,setup")]


def test_readme_sections_in_other_languages() -> None:
    russian = [(1, "Детекция направления стрелки компаса", 1), (3, "Описание", 2), (6, "Установка", 2), (9, "Запуск", 2)]
    assert readme_sections(russian) == ["problem", "setup"]
    spanish = [(1, "Predicción", 1), (2, "Descripción del proyecto", 2), (3, "Metodología", 2), (4, "Resultados", 2)]
    assert readme_sections(spanish) == ["problem", "approach", "results"]
    assert readme_sections([(1, "情感分析", 1), (2, "项目简介", 2), (3, "安装与运行", 2)]) == ["problem", "setup"]
    # near misses: words that only contain a keyword, and a title alone
    assert readme_sections([(1, "Analizador", 1), (2, "Usuarios", 2), (3, "Modelismo", 2)]) == []


def test_readme_headings_written_bold_or_escaped_count() -> None:
    text = (
        "\\*\\*Stock Price Prediction\\*\\*\n\\-----\n\nPredicting closing prices.\n\n"  # escaped by an editor
        "**Project Overview:**\n\nDaily prices from 2010.\n\n"
        "## Key Steps\n\n1. scale\n2. fit\n\n"
        "## Key Takeaways\n\nThe LSTM beats the baseline. A line with **bold words** in it is text.\n"
    )
    headings, _ = readme_headings(text)
    assert [(line, level) for line, _, level in headings] == [(1, 2), (6, 4), (10, 2), (15, 2)]
    assert readme_sections(headings) == ["problem", "approach", "results"]


def test_readme_of_a_project_without_code_is_no_evidence(tmp_path: Path) -> None:
    text = "# Stock prediction\n\n## Problem\n\nx\n\n## Approach\n\nLSTM\n\n## Results\n\n97%\n"
    assert run(Readme(), source(tmp_path, {"README.md": text})) == []
    assert len(run(Readme(), source(tmp_path / "b", {"README.md": text, "lstm.py": "import torch\n"}))) == 1


def test_readme_says_whether_the_files_it_names_exist(tmp_path: Path) -> None:
    text = "# X\n\n## Setup\n\npip install -r requirements.txt\npython train.py\npython scripts/serve.py\n"
    files = {"README.md": text, "requirements.txt": "pandas==2.2\n", "src/train.py": "x = 1\n"}
    [evidence] = run(Readme(), source(tmp_path, files))
    assert evidence.value("files_named") == "3"
    assert evidence.value("files_missing") == "scripts/serve.py"


def test_no_random_seed_fires_only_for_model_projects_without_any_seed(tmp_path: Path) -> None:
    from proofolio.detectors.engineering.random_seed import NoRandomSeed
    from proofolio.models import Severity

    def model_evidence(path: str, detector: str = "MOD-sklearn-estimator") -> Evidence:
        return Evidence(detector, "model_building", Location("p", None, path, 3), "RandomForestClassifier()", Confidence.HIGH)

    code = {"train.py": "from sklearn.ensemble import RandomForestClassifier\nm = RandomForestClassifier()\n"}
    [signal] = run(NoRandomSeed(), source(tmp_path / "a", code), (model_evidence("train.py"),))
    assert (signal.location.path, signal.location.line, signal.severity) == ("train.py", None, Severity.INFO)
    assert signal.remediation and "random_state" in signal.remediation
    seeded = {**code, "util.py": "import torch\ntorch.manual_seed(0)\n"}
    assert run(NoRandomSeed(), source(tmp_path / "b", seeded), (model_evidence("train.py"),)) == []
    assert run(NoRandomSeed(), source(tmp_path / "c", code), ()) == []  # no model, no signal
    arima = (model_evidence("train.py", "MOD-time-series-model"),)
    assert run(NoRandomSeed(), source(tmp_path / "d", code), arima) == []  # deterministic fit
    trainer = Evidence("MOD-transformers", "model_building", Location("p", None, "train.py", 5), "Trainer(...)",
                       Confidence.HIGH, (("api", "transformers.Trainer"),))
    hub_model = Evidence("MOD-transformers", "model_building", Location("p", None, "train.py", 4), "AutoModel...",
                         Confidence.HIGH, (("api", "transformers.AutoModelForSequenceClassification.from_pretrained"),))
    # Hugging Face's Trainer seeds every generator (TrainingArguments.seed defaults to 42)
    assert run(NoRandomSeed(), source(tmp_path / "e", code), (hub_model, trainer)) == []
    assert len(run(NoRandomSeed(), source(tmp_path / "f", code), (hub_model,))) == 1  # a model loaded, no Trainer

    def api_evidence(detector: str, api: str) -> Evidence:
        return Evidence(detector, "x", Location("p", None, "fit.py", 2), api, Confidence.HIGH, (("api", api),))

    knn = api_evidence("MOD-sklearn-estimator", "sklearn.neighbors.KNeighborsClassifier")
    linear = api_evidence("MOD-sklearn-estimator", "sklearn.linear_model.LinearRegression.fit")
    split = api_evidence("EVAL-train-test-split", "sklearn.model_selection.train_test_split")
    forest = api_evidence("MOD-sklearn-estimator", "sklearn.ensemble.RandomForestClassifier")
    # deterministic fits reproduce without a seed, unless a shuffled split changes the data
    assert run(NoRandomSeed(), source(tmp_path / "g", code), (knn, linear)) == []
    assert len(run(NoRandomSeed(), source(tmp_path / "h", code), (knn, linear, split))) == 1
    assert len(run(NoRandomSeed(), source(tmp_path / "i", code), (knn, forest))) == 1
    # a network defined and never trained needs no seed; trained in another file (optimizer.step), it does
    module = Evidence("MOD-torch-module", "model_building", Location("p", None, "model.py", 4), "class Net(nn.Module):",
                      Confidence.HIGH)
    net = {"model.py": "import torch.nn as nn\nclass Net(nn.Module):\n    pass\n"}
    assert run(NoRandomSeed(), source(tmp_path / "j", net), (module,)) == []
    trained = {**net, "agent.py": "loss.backward()\noptimizer.step()\n"}
    assert len(run(NoRandomSeed(), source(tmp_path / "k", trained), (module,))) == 1


# --------------------------------------------------------------------------- other repo-level helpers
@pytest.mark.parametrize(
    "path, expected",
    [
        ("tests/test_model.py", True),
        ("test_model.py", True),
        ("pkg/model_test.py", True),
        ("tests/helpers.py", True),
        ("src/contest.py", False),
        ("tests/data/test_data.csv", False),
        ("testing_notes.md", False),
    ],
)
def test_test_paths(path: str, expected: bool) -> None:
    assert is_test_path(path) is expected


def test_license_kinds() -> None:
    assert license_kind("MIT License\n\nPermission is hereby granted, free of charge, to any person") == "MIT"
    assert license_kind("                                 Apache License\n Version 2.0") == "Apache-2.0"
    assert license_kind("GNU GENERAL PUBLIC LICENSE\nVersion 3") == "GPL"
    assert license_kind("GNU LESSER GENERAL PUBLIC LICENSE") == "LGPL"
    assert license_kind("All rights reserved.") == "other"


def test_ci_values(tmp_path: Path) -> None:
    files = {
        ".github/workflows/ci.yaml": "name: ci\njobs:\n  t:\n    steps:\n      - run: python -m pytest -q\n",
        "Jenkinsfile": "// build\npipeline {\n  stages { stage('train') { steps { sh 'python train.py' } } }\n}\n",
    }
    found = {e.location.path: (e.location.line, dict(e.values)) for e in run(ContinuousIntegration(), source(tmp_path, files))}
    assert found == {
        ".github/workflows/ci.yaml": (1, {"provider": "github", "runs_tests": "yes", "trains": "no"}),
        "Jenkinsfile": (2, {"provider": "jenkins", "runs_tests": "no", "trains": "yes"}),
    }
    named = {".gitlab-ci.yml": "train:\n  script:\n    - python src/model_training.py\n",
             ".github/workflows/lint.yml": "jobs:\n  l:\n    steps:\n      - run: ruff check constrain.py\n"}
    trains = {e.location.path: e.value("trains") for e in run(ContinuousIntegration(), source(tmp_path / "b", named))}
    assert trains == {".gitlab-ci.yml": "yes", ".github/workflows/lint.yml": "no"}  # "constrain.py" trains nothing


def _file_evidence(detector: str) -> Evidence:
    return Evidence(detector, "deployment_mlops", Location("alex/churn", None, "train.py", 3), "joblib.dump(m)", Confidence.HIGH)


def test_dockerfile_needs_model_evidence_and_grades_it(tmp_path: Path) -> None:
    src = source(tmp_path, {"docker/api.Dockerfile": "ARG V=3.11\nFROM --platform=linux/amd64 python:${V}-slim AS base\n"})
    assert run(Dockerfile(), src) == []
    persisted = run(Dockerfile(), src, (_file_evidence("OPS-model-persistence"),))
    assert [(e.location.path, e.location.line, e.confidence, e.value("base_image")) for e in persisted] == [
        ("docker/api.Dockerfile", 2, Confidence.MEDIUM, "python:${V}-slim")
    ]
    served = run(Dockerfile(), src, (_file_evidence("OPS-model-serving"),))
    assert [e.confidence for e in served] == [Confidence.HIGH]
    assert served[0].location.commit == "c" * 40  # committed file: permalinks hold


@pytest.mark.parametrize(
    ("start", "serves"),
    [
        ('CMD ["uvicorn", "api:app", "--host", "0.0.0.0"]', "yes"),
        ('ENTRYPOINT ["python"]\nCMD ["train.py"]', "yes"),  # train.py holds the serving evidence here
        ("CMD streamlit run dashboard.py", "yes"),
        ('ENTRYPOINT [ "python" ]\nCMD [ "code.py" ]', "no"),  # runs a training script: not the service
    ],
)
def test_dockerfile_serves_when_it_starts_the_service(tmp_path: Path, start: str, serves: str) -> None:
    src = source(tmp_path, {"Dockerfile": f"FROM python:3.11-slim\nCOPY . /app\n{start}\n"})
    [found] = run(Dockerfile(), src, (_file_evidence("OPS-model-serving"),))
    assert (found.value("serves_model"), found.confidence) == (serves, Confidence.HIGH if serves == "yes" else Confidence.MEDIUM)


def test_model_serving_across_modules_survives_a_file_that_does_not_parse(tmp_path: Path) -> None:
    """A broken module that mentions a loader (`joblib`) neither fails the detector nor hides the app."""
    from support import ROOT

    from proofolio.detectors.deployment.project_model_serving import ProjectModelServing

    positive = ROOT / "fixtures" / "detectors" / "OPS-model-serving-project" / "positive"
    files = {str(p.relative_to(positive)): p.read_text() for p in positive.rglob("*.py")}
    files["app/broken.py"] = "import joblib\ndef load(:\n    return joblib.load('m.pkl')\n"
    found = run(ProjectModelServing(), source(tmp_path, files))
    assert [(e.detector, e.location.path, e.location.line) for e in found] == [
        ("OPS-model-serving-project", "app/api/predict.py", 10)]


def _fragments_joined(fragments: list[str], count: int, seed: int) -> list[str]:
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice(fragments) for _ in range(rng.randint(0, 10))) for _ in range(count)]


def test_the_seed_search_answers_as_the_seed_regex_does() -> None:
    """sets_seed looks only where SEED's literals occur: every offset must still find what SEED.search finds."""
    from proofolio.detectors.engineering.random_seed import SEED, sets_seed

    cases = [
        "np.random.seed(0)", "torch.manual_seed(1)", "tf.random.set_seed(2)", "seed_everything(3)", "random_seed",
        "os.environ['PYTHONHASHSEED'] = '0'", "SEED = 42", "SEED=4", "random_state = 0", "random_state=None",
        "reseed(1)", "seeds = 3", "x.seed = 7", "seed\n(", "SEEDS", "random_state=", "# no seed here: none", "",
        '{"random_state": 42}', "{'seed': 7}", "default_rng(7)", "default_rng()", "RandomState(0)", "PRNGKey(0)",
        '"random_state": None', "'seeds': 3",
    ]
    fragments = ["seed", "SEED", "random_state", "manual_", "set_", "random_", "PYTHONHASH", "_everything",
                 "=", " ", "\n", "(", "None", "42", "x", "_", "S", "s", "e", "ED", "'", '"', ":", "default_rng",
                 "RandomState", "PRNGKey"]
    for text in cases + _fragments_joined(fragments, 20_000, seed=7):
        assert sets_seed(text) is (SEED.search(text) is not None), text


def test_model_serving_prechecks_answer_as_the_regexes_do() -> None:
    import re

    from proofolio.detectors.deployment.project_model_serving import (
        _WEB_IMPORT,
        _imports_web_framework,
        _may_load_model,
    )

    load_hint = re.compile(r"load_model|joblib|torch\.load|from_pretrained|pipeline\(|InferenceSession|pickle")
    fragments = ["from ", "import ", "fastapi", "flask", "streamlit", "gradio", "bentoml", "litserve", "\n", "  ",
                 "x", "_", ".", "load_model", "joblib", "torch.load", "torch", "load", "pipeline(", "pipeline",
                 "InferenceSession", "pickle", "from_pretrained", "\t"]
    for text in ["from flask import Flask", "  import gradio as gr", "# uses fastapi", "import flasks"] + _fragments_joined(
        fragments, 20_000, seed=11
    ):
        assert _imports_web_framework(text) is (_WEB_IMPORT.search(text) is not None), text
        assert _may_load_model(text) is (load_hint.search(text) is not None), text


def test_a_workflow_that_only_echoes_is_low_confidence_ci() -> None:
    from proofolio.detectors.engineering.ci import does_work

    trivial = ("name: trial\non: push\njobs:\n  hello:\n    runs-on: ubuntu-latest\n    steps:\n"
               "      - uses: actions/checkout@v4\n      - run: echo \"Test\"\n      - name: look\n        run: |\n"
               "          ls -la\n          # nothing else\n          echo done\n")
    assert not does_work(trivial)
    assert does_work(trivial + "      - run: pip install -r requirements.txt\n")
    assert does_work(trivial.replace("echo done", "python -m pytest -q"))
    assert does_work(trivial + "      - uses: actions/setup-python@v5\n")
    assert does_work("steps:\n  - run: >-\n      make test\n")


def test_an_opening_paragraph_states_the_problem_and_algorithms_are_an_approach() -> None:
    from proofolio.detectors.communication.readme import (
        intro_words,
        readme_headings,
        readme_sections,
    )

    intro = ("This project predicts which telecom customers will cancel their contract next month, using two years "
             "of billing and support data from a regional operator. The goal is to give the retention team a ranked "
             "list of customers to call, so they can focus their time where it matters.")
    readme = f"# Churn\n\n[![ci](https://x/badge.svg)](https://x)\n\n{intro}\n\n## Implemented algorithms\nx\n## Installation\npip\n"
    headings, _ = readme_headings(readme)
    assert intro_words(readme, headings) >= 40
    assert readme_sections(headings, intro_words(readme, headings)) == ["problem", "approach", "setup"]
    short = "# Churn\n\nPredicts churn.\n\n## Installation\npip\n"
    headings, _ = readme_headings(short)
    assert readme_sections(headings, intro_words(short, headings)) == ["setup"]


def test_a_licence_declared_in_package_metadata_counts_without_a_file(tmp_path: Path) -> None:
    from proofolio.detectors.engineering.license import License

    setup = 'from setuptools import setup\n\nsetup(\n    name="dqn",\n    license="MIT",\n)\n'
    [found] = run(License(), source(tmp_path / "a", {"setup.py": setup, "dqn.py": "x = 1\n"}))
    assert (found.location.path, found.location.line, found.confidence) == ("setup.py", 5, Confidence.MEDIUM)
    assert found.value("license") == "MIT" and found.value("declared_in") == "setup.py"
    pointer = '[project]\nname = "dqn"\nlicense = {file = "LICENSE"}\n'  # names a file that is not there
    assert run(License(), source(tmp_path / "b", {"pyproject.toml": pointer})) == []
    both = {"LICENSE": "MIT License\n\nPermission is hereby granted, free of charge\n", "setup.py": setup}
    assert [e.location.path for e in run(License(), source(tmp_path / "c", both))] == ["LICENSE"]  # the file wins

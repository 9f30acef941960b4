"""`proofolio match`: requirements found in the bundled postings, and coverage against a report.

Requirement detection is checked exactly on the three postings in examples/postings (what the
posting says, its line, how often); coverage is checked on a hand-built report so every status
(covered / partial / gap) and every link is known; the CLI runs as the installed script.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from support import ROOT
from test_reporters import BLOB, GH, SHA, sample_result

from proofolio.matching import cover, find_requirements, html_to_text, load_vocabulary, read_posting
from proofolio.matching.posting import PostingError
from proofolio.matching.requirements import alias_pattern
from proofolio.matching.vocabulary import VocabularyError, parse_vocabulary
from proofolio.models import Confidence, Evidence, Level, Location, SkillAssessment
from proofolio.reporters.json_report import render_json
from proofolio.taxonomy import load_default_taxonomy

POSTINGS = ROOT / "examples" / "postings"
SCRIPT = Path(sys.executable).with_name("proofolio")


def _found(name: str) -> list[tuple[str, str, str, int, int]]:
    text = read_posting(str(POSTINGS / name))
    return [(r.label, r.skill, r.found, r.line, r.count)
            for r in find_requirements(text, load_default_taxonomy(), load_vocabulary())]


def test_fraud_posting_requirements() -> None:
    assert _found("ml-engineer-fraud.md") == [
        ("machine learning", "model_building", "Machine Learning", 1, 2),
        ("fraud detection", "domains", "Fraud Detection", 1, 3),  # not "keeps fraud losses low"
        ("production", "deployment_mlops", "production", 7, 1),  # "monitored in production" is the FastAPI line's
        ("tabular data", "domains", "tabular", 11, 1),
        ("gradient boosting", "model_building", "gradient boosting", 11, 1),
        ("feature engineering", "data_preprocessing", "feature engineering", 13, 1),
        ("cross-validation", "model_evaluation", "cross-validation", 14, 1),
        ("model metrics", "model_evaluation", "precision/recall", 14, 1),
        ("model serving", "deployment_mlops", "FastAPI", 16, 2),
        ("Docker", "deployment_mlops", "Docker", 16, 1),  # Kubernetes is its own term
        ("MLflow", "deployment_mlops", "MLflow", 17, 1),
        ("Python", "python", "Python", 21, 1),  # "software engineering" there is the unit tests' and CI's
        ("unit tests", "software_engineering", "unit tests", 21, 1),
        ("Git", "collaboration", "code review", 21, 2),  # and "your GitHub" (line 31)
        ("CI/CD", "software_engineering", "CI/CD", 21, 1),
        ("scikit-learn", "model_building", "scikit-learn", 22, 1),
        ("XGBoost or LightGBM", "model_building", "XGBoost or LightGBM", 22, 1),
        ("PyTorch", "model_building", "PyTorch", 22, 1),
        ("SQL", "data_preprocessing", "SQL", 23, 1),
        ("pandas", "data_preprocessing", "pandas", 23, 1),
        ("Kubernetes", "deployment_mlops", "Kubernetes", 29, 1),
        ("Airflow", "deployment_mlops", "Airflow", 29, 1),
    ]
    text = read_posting(str(POSTINGS / "ml-engineer-fraud.md"))
    nice = [r.label for r in find_requirements(text, load_default_taxonomy(), load_vocabulary()) if not r.required]
    # "PyTorch is a plus", and the list under "## Nice to have" (anomaly detection is fraud detection: required
    # by the title); the closing paragraph after that list is not part of it
    assert nice == ["PyTorch", "Kubernetes", "Airflow"]


def test_retail_posting_requirements_and_no_r_inside_words() -> None:
    found = _found("data-scientist-retail.txt")
    # a skill's own words stand aside where their sentence names a technology of the skill:
    # "Exploratory data analysis and clear data visualization (matplotlib ...)", "hypothesis testing,
    # regression, causal inference basics"; "report effects with confidence intervals" is its own requirement
    assert [f[0] for f in found] == [
        "A/B testing", "confidence intervals", "time-series forecasting", "gradient boosting", "data visualization", "data cleaning",
        "statistics", "supervised learning", "causal inference", "Python", "pandas", "statsmodels", "scikit-learn",
        "SQL", "R", "Git",
    ]
    # "R is welcome" counts once; "R&D", "HR", "Requirements", "Responsibilities" do not
    assert ("R", "statistics", "R", 20, 1) in found
    assert ("A/B testing", "statistics", "Experimentation", 1, 3) in found  # title, A/B tests, online experiments


def test_html_posting_is_read_as_text_without_script_or_style() -> None:
    text = read_posting(str(POSTINGS / "nlp-engineer.html"))
    assert "trackPageview" not in text and "font-family" not in text and "Docker" not in text
    assert "Python & deep learning" in text and "Lexa Health · Berlin · Full-time" in text
    labels = [f[0] for f in _found("nlp-engineer.html")]
    assert labels == ["NLP", "fine-tuning", "Hugging Face Transformers", "PyTorch", "model metrics", "model serving",
                      "Python", "neural networks", "evaluation", "unit tests", "Git"]
    assert "Docker" not in labels  # only in <script> and <noscript>


@pytest.mark.parametrize(
    ("alias", "text", "hits"),
    [
        ("R", "Python or R.", ["R"]),
        ("R", "R&D, HR, Research, R2", []),
        ("SQL", "NoSQL and MySQL", []),
        ("A/B testing", "run A/B tests and a/b testing", ["a/b testing"]),
        ("fine tuning", "Fine-tuning and fine tuning", ["Fine-tuning", "fine tuning"]),
        ("scikit-learn", "scikit-learn.", ["scikit-learn"]),
        ("torch", "pytorch, torch and torchvision", ["torch"]),
        ("transformers", "Transformer models, transformers", ["transformers"]),
    ],
)
def test_whole_word_matching(alias: str, text: str, hits: list[str]) -> None:
    case = alias == "R"
    assert [m.group() for m in alias_pattern(alias, case).finditer(text)] == hits


def test_html_to_text_decodes_entities_and_breaks_blocks() -> None:
    assert html_to_text("<p>A&amp;B</p><ul><li>x</li><li>y</li></ul><script>z</script>") == "A&B\n- x\n- y"
    assert html_to_text("<h3>Nice to have</h3><ol><li></li><li>Spark</li></ol>") == "# Nice to have\n- Spark"


def test_vocabulary_is_valid_data_mapping_to_default_skills() -> None:
    vocab = load_vocabulary()
    skills = {s.id for s in load_default_taxonomy().skills}
    assert len(vocab) >= 40 and {t.skill for t in vocab} <= skills
    pytorch = next(t for t in vocab if t.name == "PyTorch")
    assert pytorch.skill == "model_building" and "torch" in pytorch.aliases and "torch" in pytorch.modules
    assert next(t for t in vocab if t.name == "Docker").skill == "deployment_mlops"
    with pytest.raises(VocabularyError, match=r"\[\[term\]\] #1: needs a 'name' and a 'skill'"):
        parse_vocabulary("[[term]]\nname = 'x'\n")
    with pytest.raises(VocabularyError, match="'aliases' must be a list"):
        parse_vocabulary("[[term]]\nname = 'x'\nskill = 'python'\naliases = 'y'\n")


def _report():
    """model_evaluation strong (sklearn CV, pinned), data_preprocessing demonstrated, deployment none."""
    r = sample_result()
    torchless = r.assessments[0]  # model_evaluation, strong 85, evidence cross_val_score at GH@SHA
    building = SkillAssessment(
        skill="model_building", name="Model building", level=Level.STRONG, score=90, reason="r", caveats=(),
        evidence=(Evidence("MOD-sklearn-estimator", "model_building", Location(GH, SHA, "src/train.py", 20), "m = RF()",
                           Confidence.HIGH, (("api", "sklearn.ensemble.RandomForestClassifier"),)),),
        evidence_count=1, detectors=("MOD-sklearn-estimator",),
    )
    deployment = SkillAssessment("deployment_mlops", "Deployment and MLOps", Level.NONE, 0, "none", (), (), 0, ())
    return replace(r, assessments=(torchless, building, deployment, r.assessments[1]))


def test_coverage_statuses_links_and_gaps() -> None:
    text = "Must know scikit-learn and PyTorch, cross-validation, Docker, data cleaning and R."
    tax = load_default_taxonomy()
    cov = cover(_report(), find_requirements(text, tax, load_vocabulary()), tax, "p.txt")
    rows = [(r.requirement.label, r.status, r.level.value if r.level else None, r.link or r.where) for r in cov.rows]
    assert rows == [
        ("scikit-learn", "covered", "strong", f"{BLOB}/src/train.py#L20"),
        ("PyTorch", "partial", "strong", None),  # the skill, not this technology: no scikit-learn line to show for it
        ("cross-validation", "covered", "strong", f"{BLOB}/src/train.py#L12-L14"),
        ("Docker", "gap", "none", None),
        ("data cleaning", "covered", "demonstrated", "kaggle-notebooks/src/[x](javascript:alert(1)).py:4-9"),
        ("R", "not assessed", None, None),  # proofolio cannot see R code at all: no gap of the candidate's
    ]
    assert cov.counts() == {"covered": 3, "partial": 1, "gap": 1, "not_assessed": 1, "nice_to_have": 0, "nice_to_have_covered": 0}
    gaps = {g.requirement: g.demonstrate for g in cov.gaps}
    assert list(gaps) == ["PyTorch", "Docker", "R"]
    assert gaps["PyTorch"] == "code that calls torch, torchvision, lightning"
    assert gaps["Docker"] == "a Dockerfile that serves a trained model"
    assert gaps["R"].startswith("R is not analysed by proofolio")


def test_gap_for_a_taxonomy_word_names_description_and_detectors() -> None:
    tax = load_default_taxonomy()
    cov = cover(_report(), find_requirements("strong deployment skills", tax, load_vocabulary()), tax)
    (gap,) = cov.gaps
    assert gap.requirement == "deployment" and gap.status == "gap"
    assert gap.demonstrate.startswith("Getting a trained model used: persistence, serving behind an API or app")
    assert "Containerises a model service (Dockerfile)" in gap.demonstrate


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    path = tmp_path / "report.json"
    path.write_text(render_json(_report()), "utf-8")
    return path


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), "match", *args], input=stdin, capture_output=True, text=True, timeout=120, check=False)


def test_cli_json_and_markdown_and_stdin(report_file: Path) -> None:
    out = _run(str(report_file), "-", "-f", "json", stdin="PyTorch and scikit-learn; Docker")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["posting"] == "standard input" and data["summary"] == {
        "covered": 1, "partial": 1, "gap": 1, "not_assessed": 0, "nice_to_have": 0, "nice_to_have_covered": 0}
    assert [(r["requirement"], r["status"], r["url"]) for r in data["requirements"]] == [
        ("PyTorch", "partial", None),
        ("scikit-learn", "covered", f"{BLOB}/src/train.py#L20"),
        ("Docker", "gap", None),
    ]
    assert out.stderr == ""
    md = _run(str(report_file), str(POSTINGS / "ml-engineer-fraud.md"), "-f", "md")
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith("# Coverage of ml-engineer-fraud.md\n")
    assert f"| scikit-learn | Model building | strong (90) | covered | [{GH}/src/train.py:20]({BLOB}/src/train.py#L20) |" in md.stdout
    assert "- **Docker** (gap, Deployment and MLOps): a Dockerfile that serves a trained model" in md.stdout


def test_cli_warns_when_the_digest_does_not_match(report_file: Path) -> None:
    data = json.loads(report_file.read_text())
    data["assessments"][0]["score"] = 99
    report_file.write_text(json.dumps(data))
    out = _run(str(report_file), "-", "-f", "json", stdin="scikit-learn")
    assert out.returncode == 0
    assert out.stderr == (f"warning: the digest of {report_file} does not match its content: it was edited "
                          "(run `proofolio verify` to check its claims)\n")


def test_cli_terminal_on_the_example_report() -> None:
    out = _run(str(ROOT / "examples" / "reports" / "report.json"), str(POSTINGS / "nlp-engineer.html"))
    assert out.returncode == 0, out.stderr
    assert "Coverage of nlp-engineer.html" in out.stdout
    assert "Gaps, and what would demonstrate them:" in out.stdout
    assert "requirements:" in out.stdout


def test_cli_bad_input_is_one_line_exit_2(report_file: Path, tmp_path: Path) -> None:
    missing = _run(str(report_file), str(tmp_path / "nope.txt"))
    assert (missing.returncode, missing.stderr) == (2, f"error: posting not found: {tmp_path / 'nope.txt'}\n")
    (tmp_path / "bad.json").write_text("{}")
    bad = _run(str(tmp_path / "bad.json"), str(POSTINGS / "nlp-engineer.html"))
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and bad.stderr.count("\n") == 1
    nothing = _run(str(report_file), "-", stdin="We offer free lunch.")
    assert (nothing.returncode, nothing.stderr) == (2, "error: found no skill or technology this proofolio knows in -\n")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01PyTorch")
    binary = _run(str(report_file), str(tmp_path / "bin.txt"))
    assert (binary.returncode, binary.stderr) == (2, "error: bin.txt is binary, not a text posting\n")
    with pytest.raises(PostingError, match="is empty"):
        (tmp_path / "empty.html").write_text("<script>x</script>")
        read_posting(str(tmp_path / "empty.html"))


def _required(text: str) -> list[tuple[str, bool]]:
    return [(r.label, r.required) for r in find_requirements(text, load_default_taxonomy(), load_vocabulary())]


@pytest.mark.parametrize(
    ("posting", "expected"),
    [
        ("Requirements:\n- Python\n\nNice to have:\n- Spark experience\n- AWS\n",
         [("Python", True), ("Spark", False), ("cloud platforms", False)]),
        ("**Preferred qualifications**\n* Docker\n\n## What you'll do\n* Build pipelines in Airflow\n",
         [("Docker", False), ("Airflow", True)]),
        ("You know SQL. Kafka is a plus. Ideally some PyTorch; pandas is not required.\n",
         [("SQL", True), ("Kafka", False), ("PyTorch", False), ("pandas", False)]),
        ("Bonus points:\n1. Docker\nMust have:\n1. Docker and Python\n", [("Docker", True), ("Python", True)]),
    ],
)
def test_nice_to_have_sections_and_sentences(posting: str, expected: list[tuple[str, bool]]) -> None:
    assert _required(posting) == expected


@pytest.mark.parametrize(
    ("posting", "labels"),
    [
        ("Experience with scikit\u2011learn and\u00a0fine\u2011tuning", ["scikit-learn", "fine-tuning"]),
        ("Build REST APIs around LLMs and CNNs", ["model serving", "NLP", "neural networks"]),
        ("Expertise in C++ and Python; C is fine", ["C++", "Python"]),
        ("Deploy on Kubernetes with Kubeflow", ["Kubernetes", "Kubeflow"]),
        ("Strong data modeling and dimensional modelling; predictive modeling", ["modeling"]),
        ("You excel at communication; build RAG systems", ["communication", "LLM applications"]),
        ("Excel and Tableau reporting", ["Excel", "BI tools"]),
        ("Monitor data drift with Grafana, export to ONNX", ["model monitoring", "model optimization"]),
        ("Join GitLab, where we use Git", ["Git"]),
    ],
)
def test_terms_found_in_real_posting_wordings(posting: str, labels: list[str]) -> None:
    assert [label for label, _ in _required(posting)] == labels


def test_html_chips_and_fragments_keep_their_words_apart(tmp_path: Path) -> None:
    chips = tmp_path / "chips.html"
    chips.write_text("<html><body><div><span>Python</span><span>PyTorch</span></div>"
                     "<table><tr><td>Spark</td><td>SQL</td></tr></table></body></html>")
    assert read_posting(str(chips)) == "Python PyTorch\nSpark SQL"
    fragment = tmp_path / "fragment.txt"
    fragment.write_text("<p>We use <b>Py</b>Torch</p><ul><li>Python&nbsp;&amp;&nbsp;SQL</li></ul>")
    assert read_posting(str(fragment)) == "We use PyTorch\n- Python & SQL"
    entities = tmp_path / "entities.txt"
    entities.write_text("Python&nbsp;&amp;&nbsp;SQL, no tags here")
    assert [label for label, _ in _required(read_posting(str(entities)))] == ["Python", "SQL"]


def test_a_huge_posting_is_read_in_linear_time() -> None:
    """60,000 mentions once took minutes (every match was checked against every kept one)."""
    import time

    small, big = "Python. Kafka is a plus. " * 2_000, "Python. Kafka is a plus. " * 20_000
    timings = []
    for text in (small, big):
        start = time.perf_counter()
        found = find_requirements(text, load_default_taxonomy(), load_vocabulary())
        timings.append(time.perf_counter() - start)
        assert [(r.label, r.count, r.required) for r in found] == [("Python", text.count("Python"), True),
                                                                  ("Kafka", text.count("Kafka"), False)]
    assert timings[1] < timings[0] * 40  # 10x the text: ~10x when linear, ~100x when quadratic as it was


def test_a_posting_that_is_no_regular_file_is_refused(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "posting"
    os.mkfifo(fifo)  # reading it would block forever
    for path in (str(fifo), "/dev/zero"):
        with pytest.raises(PostingError, match="is not a regular file"):
            read_posting(path)


@pytest.mark.parametrize(
    "markup",
    ["<![<![ Python and PyTorch", "<![ CDATA[ Python", "<a " * 20_000 + "Python", "<a b='" * 10_000 + " Python",
     "<!--" * 20_000 + " Python"],
)
def test_hostile_markup_is_stripped_not_parsed(markup: str) -> None:
    """The stdlib parser raises on some declarations and is quadratic on unclosed tags (CVE-2025-6069)."""
    import time

    start = time.perf_counter()
    text = html_to_text("<p>" + markup + "</p>")
    assert "Python" in text and time.perf_counter() - start < 5  # quadratic: minutes


@pytest.mark.parametrize(
    ("posting", "expected"),
    [
        # the company, its offer and legal notices state no requirement; "About the role" does
        (("About Us\nOur clients build personalization and fraud detection products.\nRequirements\n- Python\n"
          "What We Offer\n- Annual performance evaluation\n- Online courses on Kubernetes and Deep Learning\n"
          "Beware of recruitment fraud: we never ask for payment.\n"), [("Python", True)]),
        ("## About the role\nYou will build NLP models.\n## Benefits\n- Docker training budget\n",
         [("NLP", True)]),
        ("We are an equal opportunity employer and value Python developers of every background.\nSkills: SQL\n",
         [("SQL", True)]),
        # a company blurb ends at the next short title, however it is worded
        ("About Lexa\nWe build search over clinical notes.\nYour work\nTrain PyTorch models\n", [("PyTorch", True)]),
    ],
)
def test_boilerplate_sections_and_notices_state_no_requirements(posting: str, expected: list[tuple[str, bool]]) -> None:
    assert _required(posting) == expected


@pytest.mark.parametrize(
    ("posting", "expected"),
    [
        # a cue covers its own part of the sentence only
        ("Requirements\n- 3+ years of Python, ideally with FastAPI\n", [("Python", True), ("model serving", False)]),
        ("- Experience with PyTorch, TensorFlow or JAX (PyTorch preferred)\n",
         [("PyTorch, TensorFlow or JAX", True)]),  # the preference is within a requirement already listed
        ("SQL is required, but Spark is a plus.\n", [("SQL", True), ("Spark", False)]),
        # items of a nice-to-have list written without bullets (plain text, HTML <li>)
        (("Preferred Qualifications\nSW development experience in Linux\nExperience optimizing algorithms for CUDA\n"
          "Docker and Kubernetes\n"), [("Linux", False), ("CUDA", False), ("Docker", False), ("Kubernetes", False)]),
        # headings real postings use, and what a posting says is not needed
        ("Requirements\n- Python\nWhat we'd love to see\n- Kubernetes\nEven better if you have\n- Spark\nPlus\n- Airflow\n",
         [("Python", True), ("Kubernetes", False), ("Spark", False), ("Airflow", False)]),
        ("- Python\n- You do not need prior Spark experience; we will teach you Kubernetes on the job.\n",
         [("Python", True), ("Spark", False), ("Kubernetes", False)]),
        # near misses: a requirements heading after a nice-to-have one, "ideal for", an item heading with a colon
        ("Nice to have:\n- Spark\nRequirements:\n- Docker\n", [("Spark", False), ("Docker", True)]),
        ("This role is ideal for someone who knows Python.\n", [("Python", True)]),
    ],
)
def test_nice_to_have_covers_what_the_posting_says_it_covers(posting: str, expected: list[tuple[str, bool]]) -> None:
    assert _required(posting) == expected


def test_html_list_items_keep_their_section(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<h3>Requirements</h3><ul><li>Python and SQL</li></ul><h3>Preferred qualifications</h3>"
                    "<ul><li>Experience with Spark</li><li>Kubernetes</li><li>Airflow</li></ul>")
    assert _required(read_posting(str(page))) == [("Python", True), ("SQL", True), ("Spark", False),
                                                ("Kubernetes", False), ("Airflow", False)]


@pytest.mark.parametrize(
    ("posting", "expected"),
    [
        ("Proficiency in Python or R", ["Python or R"]),
        ("Experience with PyTorch, TensorFlow, or similar", ["PyTorch or TensorFlow"]),
        ("TensorFlow/PyTorch", ["TensorFlow or PyTorch"]),
        ("Python and/or Java", ["Python or Java"]),
        # near misses: a list joined by "and", "/" between different skills, one technology's two names
        ("Python, SQL and Spark", ["Python", "SQL", "Spark"]),
        ("Python/SQL skills", ["Python", "SQL"]),
        ("Looker or Tableau", ["BI tools"]),
    ],
)
def test_alternatives_are_one_requirement(posting: str, expected: list[str]) -> None:
    assert [label for label, _ in _required(posting)] == expected


@pytest.mark.parametrize(
    ("posting", "expected"),
    [
        ("Model deployment to production (MLOps)", ["model serving"]),
        ("Ship to production. Own MLOps.", ["production"]),  # one requirement of the skill, however worded
        ("Strong attention to detail and precision; teamwork and collaboration", []),
        ("Pull data from internal APIs; at the helm of our platform; report to Bert", []),
        ("Report precision and recall, and a confusion matrix", ["model metrics"]),
        ("Bootstrapping and confidence intervals", ["confidence intervals"]),
        ("Topic modelling (LDA) and word2vec", ["topic modeling"]),
        ("Front-end with React and Bootstrap", []),  # the CSS framework, not resampling
    ],
)
def test_generic_and_ambiguous_words(posting: str, expected: list[str]) -> None:
    assert [label for label, _ in _required(posting)] == expected


def _areas_report():
    """domains strong from tabular evidence only (tags: tabular), statistics not assessed."""
    r = _report()
    domains = SkillAssessment(
        skill="domains", name="Application domains", level=Level.STRONG, score=80, reason="r", caveats=(),
        evidence=(Evidence("DOM-tabular", "domains", Location(GH, SHA, "src/train.py", 3), "pd.read_csv(...)",
                           Confidence.HIGH, ()),),
        evidence_count=1, detectors=("DOM-tabular",), tags=(("tabular", 1),),
    )
    collaboration = SkillAssessment("collaboration", "GitHub and collaboration", Level.NOT_ASSESSED, 0, "no git", (), (), 0, ())
    return replace(r, assessments=(*r.assessments, domains, collaboration))


def test_coverage_of_areas_unseeable_terms_and_alternatives() -> None:
    text = "Requirements\n- NLP and tabular data\n- Kubernetes\n- Git\n- PyTorch or scikit-learn\n- PyTorch or Docker\n"
    tax = load_default_taxonomy()
    cov = cover(_areas_report(), find_requirements(text, tax, load_vocabulary()), tax, "p.txt")
    rows = [(r.requirement.label, r.status, r.skill_name, r.link) for r in cov.rows]
    assert rows == [
        ("NLP", "gap", "Application domains", None),  # tabular work is no partial NLP, and no link for it
        ("tabular data", "covered", "Application domains", f"{BLOB}/src/train.py#L3"),
        ("Kubernetes", "not assessed", "Deployment and MLOps", None),
        ("Git", "not assessed", "GitHub and collaboration", None),  # no git history: not the candidate's gap
        ("PyTorch or scikit-learn", "covered", "Model building", f"{BLOB}/src/train.py#L20"),
        ("PyTorch or Docker", "partial", "Model building", None),
    ]
    assert cov.counts()["not_assessed"] == 2 and cov.counts()["gap"] == 1
    gaps = {g.requirement: g.status for g in cov.gaps}
    assert gaps == {"NLP": "gap", "Kubernetes": "not assessed", "Git": "not assessed", "PyTorch or Docker": "partial"}


@pytest.mark.parametrize(
    ("posting", "expected"),
    [
        # a table's "Required / Preferred" column header opens no optional section; its cells say which is which
        ("# Qualifications\nQualification Required / Preferred\nPython and PyTorch Required\nONNX or TensorRT Preferred\n",
         [("Python", True), ("PyTorch", True), ("model optimization", False)]),
        # "e.g." does not end the sentence its cue closes
        ("* Knowledge in search engines / NLP (e.g. Elasticsearch, transformer embeddings) is an advantage.\n* Python\n",
         [("NLP", False), ("LLM applications", False), ("Python", True)]),
        ("What you need\n- Python\nNice, not needed\n- Fine-tuning small models\n- Docker\n",
         [("Python", True), ("fine-tuning", False), ("Docker", False)]),
        # a notice heading that names a technology word is still a notice
        ("Requirements\n- Python\n\nRecruitment Fraud Notice\nBeware: we never ask for payment. Report suspected fraud to us.\n",
         [("Python", True)]),
    ],
)
def test_table_headers_abbreviations_and_notice_headings(posting: str, expected: list[tuple[str, bool]]) -> None:
    assert _required(posting) == expected


@pytest.mark.parametrize(
    ("posting", "expected"),
    [
        ("Proficiency in deep learning frameworks (e.g., PyTorch, JAX)", ["neural networks", "PyTorch or JAX"]),
        ("Boosting libraries such as LightGBM, XGBoost, CatBoost", ["LightGBM, XGBoost or CatBoost"]),
        ("Fine-tune transformer models (Hugging Face, PyTorch)", ["fine-tuning", "Hugging Face Transformers", "PyTorch"]),
        ("Distributed compute such as Ray or Spark", ["Ray or Spark"]),
        # near misses: context words that only look like ML or deployment terms
        ("Write regression tests for every prompt; follow data classification policies; 3+ years of production SQL",
         ["SQL"]),
        ("Present findings and recommendations to stakeholders; exposure to reverse ETL", []),
        ("Classification and regression models; deploy to production", ["supervised learning", "production"]),
        ("Explain models with SHAP; version control with Git", ["model explainability", "Git"]),
        ("Serve models on Triton Inference Server and Ray Serve", ["model serving"]),
    ],
)
def test_example_lists_and_context_words(posting: str, expected: list[str]) -> None:
    assert [label for label, _ in _required(posting)] == expected


def test_listed_items_naming_nothing_known_are_counted(report_file: Path) -> None:
    posting = ("Requirements\n- BSc in Computer Science or a related field\n- 3+ years of industry experience\n- Python\n"
               "- Strong ownership and a bias for action\n- XGBoost or LightGBM for tabular work\n"
               "About us\n- We are a friendly team of twelve people\n")
    out = _run(str(report_file), "-", "-f", "json", stdin=posting)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["unrecognised_lines"] == [2, 3, 5]  # not "- Python" (short, named) nor the company's own list
    group = next(r for r in data["requirements"] if r["alternatives"])
    assert (group["requirement"], group["alternatives"]) == ("XGBoost or LightGBM", ["XGBoost", "LightGBM"])
    assert {g["requirement"]: g["demonstrate"] for g in data["gaps"]}["XGBoost or LightGBM"] == (
        "code that calls xgboost; or code that calls lightgbm")
    md = _run(str(report_file), "-", "-f", "md", stdin=posting)
    assert "3 listed items of the posting name nothing proofolio checks in code (lines 2, 3, 5)" in md.stdout


def test_a_technology_shown_in_another_skill_covers_its_requirement() -> None:
    """SQL belongs to preprocessing in the vocabulary; an aggregation query found as exploratory analysis shows it."""
    r = _report()
    eda = SkillAssessment(
        skill="exploratory_analysis", name="Exploratory data analysis", level=Level.DEMONSTRATED, score=40, reason="r",
        caveats=(), evidence=(Evidence("EDA-sql-queries", "exploratory_analysis", Location(GH, SHA, "src/sales.py", 7),
                                       "q = 'SELECT region, SUM(x) FROM t GROUP BY region'", Confidence.HIGH,
                                       (("kind", "group_by"),)),),
        evidence_count=1, detectors=("EDA-sql-queries",),
    )
    tax = load_default_taxonomy()
    with_sql = cover(replace(r, assessments=(*r.assessments, eda)), find_requirements("Strong SQL", tax, load_vocabulary()), tax)
    without = cover(r, find_requirements("Strong SQL", tax, load_vocabulary()), tax)
    assert [(row.status, row.link) for row in with_sql.rows] == [("covered", f"{BLOB}/src/sales.py#L7")]
    assert [(row.status, row.link) for row in without.rows] == [("partial", None)]


@pytest.mark.parametrize("unit", [
    "- PyTorch or TensorFlow\n",  # a group per line: every member's line was counted from the top
    "Python preferred, Spark is a plus, (Kafka preferred) ",  # one endless sentence of cues and parentheses
])
def test_long_postings_of_groups_and_cues_stay_linear(unit: str) -> None:
    import time

    timings = []
    for repeat in (1_000, 10_000):
        text = unit * repeat
        start = time.perf_counter()
        found = find_requirements(text, load_default_taxonomy(), load_vocabulary())
        timings.append(time.perf_counter() - start)
        assert found and sum(r.count for r in found) >= repeat
    assert timings[1] < timings[0] * 40  # 10x the text: ~10x when linear, ~100x when quadratic as it was


@pytest.mark.parametrize(
    ("posting", "expected"),
    [
        # an item that starts like a company heading is an item
        ("Requirements\nWorking at scale with Spark\nHands-on experience building models in PyTorch and TensorFlow\n",
         [("Spark", True), ("PyTorch", True), ("TensorFlow", True)]),
        # a heading that says "not required" is a nice-to-have one
        ("Requirements:\n- Python\nNot required:\n- Docker\nBonus (not required):\n- Spark\n",
         [("Python", True), ("Docker", False), ("Spark", False)]),
        # neighbouring words count whole and on the same line
        ("Model performance evaluation and document classification\n", [("evaluation", True), ("supervised learning", True)]),
        ("Deploy to production\nData pipelines in Airflow\n", [("production", True), ("data pipelines", True), ("Airflow", True)]),
        # "or" binds its neighbours, not the list after them
        ("PyTorch or TensorFlow, Docker, Kubernetes and AWS", [("PyTorch or TensorFlow", True), ("Docker", True),
                                                              ("Kubernetes", True), ("cloud platforms", True)]),
        # a generic word stays beside a technology that is only a plus
        ("Machine learning is required, but scikit-learn is a plus.", [("machine learning", True), ("scikit-learn", False)]),
        ("We don\u2019t need Spark experience.", [("Spark", False)]),
        ("Go above and beyond with Python", [("Python", True)]),
    ],
)
def test_review_cases_of_headings_neighbours_and_alternatives(posting: str, expected: list[tuple[str, bool]]) -> None:
    assert _required(posting) == expected

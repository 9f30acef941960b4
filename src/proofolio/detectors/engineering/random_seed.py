"""SE-no-random-seed: a project that trains models but never fixes a random seed."""

from __future__ import annotations

import re

from proofolio.detectors.base import DetectorMeta, RepoContext, RepoDetector, TextProbe
from proofolio.documents.reader import READABLE_SUFFIXES
from proofolio.models import Confidence, Severity

# random_state=42, np.random.seed(0), torch.manual_seed, tf.random.set_seed, seed=7, seed_everything,
# {"random_state": 42} (parameters passed as a dict), np.random.default_rng(7), RandomState(0), PRNGKey(0) ...
SEED = re.compile(
    r"random_state\s*=\s*(?!None)\w|\bseed\s*\(|manual_seed|set_seed|seed_everything|\bseed\s*=\s*\d|"
    r"random_seed|PYTHONHASHSEED|SEED\s*=\s*\d|[\"']random_state[\"']\s*:\s*\d|[\"']seed[\"']\s*:\s*\d|"
    r"default_rng\(\s*\w|RandomState\(\s*\w|PRNGKey\(\s*\w"
)
# Every SEED match holds one of these literals, starting at most this many characters before it
# (set_seed: 4, manual_seed/random_seed: 7, PYTHONHASHSEED: 10, a quoted key: 1). A regex of
# alternatives tries each at every position; str.find skips to the few places where one can match.
SEED_LITERALS: dict[str, tuple[int, ...]] = {
    "seed": (0, 1, 4, 7), "SEED": (0, 10), "random_state": (0, 1), "default_rng": (0,), "RandomState": (0,),
    "PRNGKey": (0,),
}
CODE_SUFFIXES = READABLE_SUFFIXES  # what the file pass reads
# Model families fitted deterministically (maximum likelihood ARIMA/exponential smoothing): no seed needed.
DETERMINISTIC = frozenset({"MOD-time-series-model"})
# Evidence that a model is defined, not trained: a project holding only these trains nothing to seed.
DEFINITIONS = frozenset({"MOD-torch-module"})
# Estimators whose fit draws no random numbers (closed-form or deterministic solvers, neighbours, naive
# Bayes, statsmodels): a project with only these, and no shuffled split, reproduces without a seed.
DETERMINISTIC_APIS = (
    "sklearn.linear_model.LinearRegression", "sklearn.linear_model.Ridge", "sklearn.linear_model.LogisticRegression",
    "sklearn.linear_model.Lasso", "sklearn.linear_model.ElasticNet", "sklearn.linear_model.BayesianRidge",
    "sklearn.neighbors.", "sklearn.naive_bayes.", "sklearn.discriminant_analysis.", "statsmodels.",
)
SHUFFLING = ("EVAL-train-test-split",)  # evidence of a random split: the data itself changes run to run
# Trainers that seed every generator themselves (Hugging Face's TrainingArguments.seed defaults to 42
# and Trainer calls set_seed with it): a project training through one is seeded.
SEEDING_TRAINERS = frozenset({
    "transformers.Trainer", "transformers.Seq2SeqTrainer", "transformers.TrainingArguments",
    "transformers.Seq2SeqTrainingArguments", "trl.SFTTrainer",
})


def sets_seed(text: str) -> bool:
    """Whether SEED matches anywhere in ``text``: the same answer as ``SEED.search``, found faster.

    A notebook's JSON runs to hundreds of kilobytes; SEED is only tried where one of its literals
    occurs, at the offsets where a match holding that literal would start.
    """
    for literal, offsets in SEED_LITERALS.items():
        at = text.find(literal)
        while at >= 0:
            if any(SEED.match(text, at - back) for back in offsets if at >= back):
                return True
            at = text.find(literal, at + 1)
    return False


_TRAINING_CALLS = (".backward(", ".step(", ".fit(", ".fit_generator(", ".learn(", ".train(", "train_on_batch(")


def trains_something(text: str) -> bool:
    """Whether a module calls anything that trains: backward/step, fit, learn, train (substring tests)."""
    return any(call in text for call in _TRAINING_CALLS)


# Asked of modules by the file pass (in the rare project whose only model evidence is a definition).
TRAINS = TextProbe(trains_something, (".py",))


# Asked of modules by the file pass; a notebook's JSON (outputs and all) runs to megabytes, so
# notebooks are only read here, and only when no module of the project sets a seed.
SETS_SEED = TextProbe(sets_seed, (".py",))


class NoRandomSeed(RepoDetector):
    meta = DetectorMeta(
        id="SE-no-random-seed",
        skill="software_engineering",
        title="Negative signal (info): trains models with no random seed anywhere in the project",
        what=(
            "A project with model-building evidence (MOD-*, except deterministic time-series models) in which no .py file or notebook sets a seed: no "
            "random_state=, np.random.seed/random.seed, torch.manual_seed, tf.random.set_seed, seed=, set_seed, "
            "a seeded generator (default_rng(7), RandomState(0), jax PRNGKey(0)) or a \"random_state\"/\"seed\" key "
            "in a parameter dict. A project training through Hugging Face's Trainer is seeded (its "
            "TrainingArguments seed defaults to 42), and so is one whose only models are deterministic "
            "(linear/logistic regression, neighbours, naive Bayes, discriminant analysis, statsmodels) "
            "with no shuffled split, and so is one that only defines networks (nn.Module classes) and calls nothing that trains "
            "(no backward/step/fit/learn/train in any file). "
            "Cited at the first file that builds a model."
        ),
        why=(
            "Without a seed, splits, initialisations and shuffles change on every run, so nobody (the candidate "
            "included) can reproduce the reported numbers exactly. Informational: it does not lower the score."
        ),
        example='''
model = RandomForestClassifier()                         # in a project with no seed anywhere: detected
X_train, X_test, y_train, y_test = train_test_split(X, y)
''',
        not_detected="Projects that set any seed in any file (one random_state= is enough to stay silent), and projects that build no model.",
        scope="repo",
        severity=Severity.INFO,
        remediation="Fix the seeds (random_state=, np.random.seed, torch.manual_seed) so results can be reproduced.",
    )

    text_probes = (SETS_SEED, TRAINS)

    def check(self, repo: RepoContext) -> None:
        models = [e for e in repo.file_evidence if e.detector.startswith("MOD-") and e.detector not in DETERMINISTIC]
        code_paths = [path for path in repo.paths if path.endswith(CODE_SUFFIXES)]
        if models and all(e.detector in DEFINITIONS for e in models) and not repo.probe_any(code_paths, TRAINS):
            return  # an nn.Module written but never trained here (no backward/step/fit anywhere): nothing random runs
        if any(e.value("api") in SEEDING_TRAINERS for e in models):
            return
        if models and all((e.value("api") or "").startswith(DETERMINISTIC_APIS) for e in models) and not any(
            e.detector in SHUFFLING or "Shuffle" in (e.value("api") or "") for e in repo.file_evidence
        ):
            return  # nothing random to seed
        if not models or repo.probe_any(code_paths, SETS_SEED):
            return
        first = min(models, key=lambda e: e.location.sort_key()).location
        repo.emit(
            self.meta, first.path, None, f"{first.path}: models are trained, no seed is set in any file",
            Confidence.MEDIUM, (("files_checked", str(sum(p.endswith(CODE_SUFFIXES) for p in repo.paths))),),
        )

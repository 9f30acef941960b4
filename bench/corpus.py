"""Generate a deterministic synthetic portfolio corpus of realistic shape for `make bench`.

Default (scale 1): 100 projects, ~5,000 .py files and ~1,000 notebooks with stored outputs
(printed text, HTML tables, base64 PNG images), about 300 MB. The same seed and scale always
give the same bytes, so runs on different days compare.
"""

from __future__ import annotations

import base64
import json
import random
import sys
from pathlib import Path

IMPORTS = [
    "import numpy as np", "import pandas as pd", "import matplotlib.pyplot as plt", "import seaborn as sns",
    "from sklearn.model_selection import train_test_split, cross_val_score, GridSearchCV",
    "from sklearn.ensemble import RandomForestClassifier", "from sklearn.linear_model import LogisticRegression",
    "from sklearn.preprocessing import StandardScaler, OneHotEncoder", "from sklearn.metrics import accuracy_score, f1_score",
    "import torch", "import torch.nn as nn", "from scipy import stats", "import joblib",
]
BODIES = [
    "df = pd.read_csv('data/{name}.csv')\ndf = df.dropna()\ndf['x{i}'] = df['x{i}'].fillna(0)",
    "X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state={i})",
    "model = RandomForestClassifier(n_estimators={i})\nmodel.fit(X_train, y_train)\nprint(accuracy_score(y_test, model.predict(X_test)))",
    "scores = cross_val_score(LogisticRegression(max_iter=200), X, y, cv=5)\nprint(scores.mean())",
    "fig, ax = plt.subplots()\nax.hist(df['x{i}'])\nax.set_title('x{i}')\nax.set_xlabel('value')",
    "scaler = StandardScaler()\nX_train = scaler.fit_transform(X_train)\nX_test = scaler.transform(X_test)",
    "t, p = stats.ttest_ind(a, b)\nprint(f'p = {{p:.3f}}')",
    "class Net{i}(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.fc = nn.Linear({i}, 2)\n\n    def forward(self, x):\n        return self.fc(x)",
    "for epoch in range({i}):\n    optimizer.zero_grad()\n    loss = criterion(net(xb), yb)\n    loss.backward()\n    optimizer.step()",
    "joblib.dump(model, 'model_{i}.joblib')",
]


def python_module(rng: random.Random, name: str) -> str:
    lines = ['"""' + f"Module {name}: part of a synthetic candidate project." + '"""', ""]
    lines += rng.sample(IMPORTS, rng.randint(3, 8))
    lines.append("")
    for i in range(rng.randint(4, 14)):
        body = rng.choice(BODIES).format(i=i + 1, name=name)
        lines.append(f"def step_{i}(X=None, y=None, a=None, b=None):")
        lines.append(f'    """Step {i} of the {name} workflow."""')
        lines += ["    " + line if line else "" for line in body.split("\n")]
        lines += ["    return locals()", "", ""]
    return "\n".join(lines) + "\n"


def png_blob(rng: random.Random, size: int) -> str:
    header = b"\x89PNG\r\n\x1a\n"
    return base64.b64encode(header + rng.randbytes(size)).decode("ascii")


def notebook(rng: random.Random, name: str, image_bytes: int) -> dict:
    cells = [{"cell_type": "markdown", "metadata": {}, "source": f"# {name}\n\nExploring the {name} dataset."}]
    count = 0
    for i in range(rng.randint(12, 40)):
        if rng.random() < 0.25:
            cells.append({"cell_type": "markdown", "metadata": {}, "source": f"## Step {i}\nWhat we do next and why."})
            continue
        count += 1
        src = "\n".join(rng.sample(IMPORTS, 2)) + "\n" + rng.choice(BODIES).format(i=i + 1, name=name)
        if i == 0:
            src = "%matplotlib inline\n!pip install -q seaborn\n" + src
        outputs: list[dict] = []
        roll = rng.random()
        if roll < 0.3:
            outputs.append({"output_type": "stream", "name": "stdout", "text": f"accuracy: 0.{rng.randint(60, 99)}\n" * rng.randint(1, 20)})
        elif roll < 0.55:
            outputs.append({"output_type": "display_data", "metadata": {},
                            "data": {"image/png": png_blob(rng, image_bytes), "text/plain": "<Figure size 640x480>"}})
        elif roll < 0.7:
            rows = "".join(f"<tr><td>{r}</td><td>{rng.random():.3f}</td></tr>" for r in range(30))
            outputs.append({"output_type": "execute_result", "execution_count": count, "metadata": {},
                            "data": {"text/html": f"<table>{rows}</table>", "text/plain": "table"}})
        cells.append({"cell_type": "code", "metadata": {}, "execution_count": count if rng.random() < 0.8 else None,
                      "source": src, "outputs": outputs})
    for index, cell in enumerate(cells):
        cell["id"] = f"{name}-{index}"
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}}


def generate(root: Path, scale: float = 1.0, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    projects = max(1, int(100 * scale))
    stats = {"projects": projects, "py": 0, "ipynb": 0, "bytes": 0}
    for p in range(projects):
        project = root / f"project-{p:03d}"
        (project / "src").mkdir(parents=True, exist_ok=True)
        (project / "notebooks").mkdir(exist_ok=True)
        (project / "README.md").write_text(f"# Project {p}\n\n## Problem\n...\n## Results\n...\n")
        (project / "requirements.txt").write_text("pandas==2.2.0\nscikit-learn==1.5.0\n")
        for m in range(50):
            text = python_module(rng, f"mod{m}")
            (project / "src" / f"mod{m}.py").write_text(text)
            stats["py"] += 1
            stats["bytes"] += len(text)
        for n in range(10):
            data = json.dumps(notebook(rng, f"analysis{n}", rng.randint(25_000, 60_000)), indent=1)
            (project / "notebooks" / f"analysis{n}.ipynb").write_text(data)
            stats["ipynb"] += 1
            stats["bytes"] += len(data)
    return stats


if __name__ == "__main__":
    out = Path(sys.argv[1])
    scale = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    print(json.dumps(generate(out, scale)))

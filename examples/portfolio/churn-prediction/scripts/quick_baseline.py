"""Quick baseline for the churn data: a k-nearest-neighbours model on the numeric columns.

Written before the notebook's pipeline existed, to get a first number to beat.
Run from the project root: python scripts/quick_baseline.py
"""

from pathlib import Path

import pandas as pd
from sklearn.metrics import accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

DATA = Path(__file__).resolve().parents[1] / "data" / "customers.csv"
NUMERIC = ["tenure_months", "monthly_charges", "support_calls"]


def main() -> None:
    df = pd.read_csv(DATA).drop_duplicates()
    X = df[NUMERIC]
    y = (df["churned"] == "Yes").astype(int)

    X_scaled = StandardScaler().fit_transform(X)
    X_train, X_test, y_train, y_test = train_test_split(X_scaled, y, test_size=0.2, stratify=y, random_state=7)

    knn = KNeighborsClassifier(n_neighbors=15)
    knn.fit(X_train, y_train)
    print(f"baseline accuracy: {accuracy_score(y_test, knn.predict(X_test)):.3f}")


if __name__ == "__main__":
    main()

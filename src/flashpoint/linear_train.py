"""Fitting the learned stages' logistic models (record screen, incident links): scikit-learn,
a dev dependency, imported only here. The models are read back by flashpoint.linear."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from flashpoint.linear import LinearModel


@dataclass(frozen=True)
class Fitted:
    names: list[str]
    weights: np.ndarray
    bias: float

    def probabilities(self, features: list[dict[str, float]]) -> list[float]:
        model = LinearModel(
            dict(zip(self.names, map(float, self.weights), strict=True)), self.bias, 0.0
        )
        return [model.probability(values) for values in features]

    def write(self, path: Path, threshold: float, trained_on: dict[str, int]) -> None:
        """The shipped model file: feature names, weights, bias, threshold, what it saw."""
        model: dict[str, Any] = {
            "features": self.names,
            "weights": [round(float(w), 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "threshold": threshold,
            "trained_on": trained_on,
        }
        path.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")


def fit(
    features: list[dict[str, float]],
    labels: list[int],
    c: float,
    sample_weight: list[float] | None = None,
) -> Fitted:
    """Logistic regression (liblinear: deterministic) over named features."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = DictVectorizer(sort=True, sparse=False)
    matrix = vectorizer.fit_transform(features)
    model = LogisticRegression(C=c, solver="liblinear", max_iter=1000)
    weights = np.array(sample_weight) if sample_weight is not None else None
    model.fit(matrix, np.array(labels), sample_weight=weights)
    return Fitted(
        list(vectorizer.get_feature_names_out()), model.coef_[0], float(model.intercept_[0])
    )


def cross_validate(
    articles: list[str],
    features: list[dict[str, float]],
    labels: list[int],
    c: float,
    folds: int,
    sample_weight: list[float] | None = None,
) -> list[float]:
    """Out-of-fold probabilities, folds by article (articles dealt round in sorted order)."""
    fold_of = {a: i % folds for i, a in enumerate(sorted(set(articles)))}
    out = [0.0] * len(features)
    for fold in range(folds):
        train = [i for i, a in enumerate(articles) if fold_of[a] != fold]
        test = [i for i, a in enumerate(articles) if fold_of[a] == fold]
        fitted = fit(
            [features[i] for i in train],
            [labels[i] for i in train],
            c,
            [sample_weight[i] for i in train] if sample_weight is not None else None,
        )
        for i, chance in zip(test, fitted.probabilities([features[i] for i in test]), strict=True):
            out[i] = chance
    return out

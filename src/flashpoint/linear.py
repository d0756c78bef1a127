"""A logistic model over named features, as the learned stages ship it (record screen, incident
links): feature names, weights, a bias and the probability threshold its stage acts on, in a
JSON file under data/models/. Predicting needs only this module; training is scikit-learn's."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

from flashpoint.resources import data_path


@dataclass(frozen=True)
class LinearModel:
    weights: dict[str, float]
    bias: float
    threshold: float

    def probability(self, values: dict[str, float]) -> float:
        score = self.bias + sum(self.weights.get(f, 0.0) * v for f, v in values.items())
        return 1.0 / (1.0 + math.exp(-score))


def load_linear_model(name: str) -> LinearModel | None:
    """The shipped model `data/<name>`, or None when it is absent (the stage then keeps its
    rules alone)."""
    path = data_path(name)
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    return LinearModel(
        weights=dict(zip(raw["features"], map(float, raw["weights"]), strict=True)),
        bias=float(raw["bias"]),
        threshold=float(raw["threshold"]),
    )

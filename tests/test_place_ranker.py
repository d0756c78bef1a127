"""The trained place ranker: the shipped model is what `flashpoint train places` rebuilds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from flashpoint.errors import DataError
from flashpoint.stages.place_ranker import FEATURE_NAMES, Ranker, load_ranker

FEATURES = Path(__file__).resolve().parents[1] / "training" / "place_ranker_features.tsv.gz"


def test_rebuilt_model_matches_the_shipped_one() -> None:
    pytest.importorskip("sklearn")
    from flashpoint.place_training import fit, read_features

    rows, labels, _ = read_features(FEATURES).arrays()
    rebuilt = fit(rows, labels)
    shipped = load_ranker()
    sample = rows[:: max(1, len(rows) // 500)]
    assert np.allclose(rebuilt.scores(sample), shipped.scores(sample), atol=1e-5)
    assert (rebuilt.scores(sample) > 0).tolist() == (shipped.scores(sample) > 0).tolist()


def test_rules_ranker_picks_the_rules_choice() -> None:
    rows = np.zeros((3, len(FEATURE_NAMES)))
    rows[1, FEATURE_NAMES.index("rule_pick")] = 1.0
    assert Ranker.rules().best(rows.tolist()) == 1


def test_a_model_of_other_features_is_refused(tmp_path: Path) -> None:
    data = Ranker.rules().to_json()
    data["features"] = data["features"][:-1]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data))
    with pytest.raises(DataError, match="retrain"):
        load_ranker(path)

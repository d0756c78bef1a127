"""The trained place ranker: the shipped model is what `flashpoint train places` rebuilds."""

from __future__ import annotations

import json
import re
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


@pytest.mark.slow
def test_the_training_rows_are_what_the_code_computes(pipeline) -> None:
    """The committed rows (and so the shipped model) come from this version of the places
    stage: a few training texts give the same rows again."""
    from flashpoint.place_training import analyze, collect, read_features, read_texts

    source = FEATURES.parent / "places_geovirus.jsonl"
    texts = read_texts(source)[:6]
    fresh = collect(texts, analyze(texts, source, pipeline), Ranker.rules())
    stored = read_features(FEATURES)
    rows = [r for r, d in zip(stored.rows, stored.documents, strict=True) if d < len(texts)]
    labels = [y for y, d in zip(stored.labels, stored.documents, strict=True) if d < len(texts)]
    assert fresh.labels == labels
    assert np.allclose(np.asarray(fresh.rows), np.asarray(rows), rtol=1e-5, atol=1e-5)


def test_train_places_from_the_committed_rows_writes_the_shipped_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sklearn")
    from typer.testing import CliRunner

    from flashpoint.cli import app
    from flashpoint.resources import data_path

    monkeypatch.chdir(FEATURES.parents[1])
    model = tmp_path / "ranker.json"
    result = CliRunner().invoke(app, ["train", "places", "--from-features", "--model", str(model)])
    assert result.exit_code == 0, result.output
    assert model.read_bytes() == data_path("place_ranker.json").read_bytes()


def test_train_places_without_its_texts_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sklearn")
    from typer.testing import CliRunner

    from flashpoint.cli import app

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["train", "places", "--no-cv"])
    assert result.exit_code == 1
    assert "places_geovirus.jsonl: no such file" in result.output


OWN_ARTICLE = """\
id: t-001
published: 2025-03-02
text: |
  MERIDIAN CITY, March 2 - Gunmen attacked a market in Kisumu on Saturday. In Kisumu,
  traders closed their stalls. The Kisumu Road was shut and police in Kenya said a
  second raid hit Nakuru, where a camp was burned.
events:
  - event: ASSAULT
    place: {text: Kisumu, lat: -0.0917, lon: 34.768, country: KEN, precision: town}
    date: 2025-03-01
    background: false
    key: true
    mentions: ["Gunmen attacked a market"]
  - event: ASSAULT
    place: {text: Nakuru, lat: -0.3031, lon: 36.08, country: KEN, precision: town}
    background: false
    key: true
    mentions: ["second raid hit Nakuru"]
  - event: ASSAULT
    place: {text: camp, lat: -0.31, lon: 36.07, country: KEN, precision: site}
    background: false
    key: false
    mentions: ["a camp was burned"]
"""


def test_own_articles_give_a_toponym_at_each_free_mention_of_a_coded_place(
    tmp_path: Path,
) -> None:
    from flashpoint.place_training import own_article_texts

    (tmp_path / "t-001.yaml").write_text(OWN_ARTICLE, encoding="utf-8")
    (text,) = own_article_texts(tmp_path)
    found = [(text.text[g.start : g.end], g.start) for g in text.toponyms]
    kisumu = [m.start() for m in re.finditer("Kisumu", text.text)]
    # "In Kisumu" counts ("In" is a function word), "The Kisumu Road" does not (a longer
    # name), nor does the site ("camp"), which is no toponym.
    assert found == [
        ("Kisumu", kisumu[0]),
        ("Kisumu", kisumu[1]),
        ("Nakuru", text.text.index("Nakuru")),
    ]
    assert all(g.located for g in text.toponyms)


def test_own_articles_with_a_bad_file_raise_a_data_error(tmp_path: Path) -> None:
    from flashpoint.place_training import own_article_texts

    (tmp_path / "bad.yaml").write_text("id: x\ntext: [", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad\.yaml"):
        own_article_texts(tmp_path)


def test_train_places_with_a_missing_articles_folder_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sklearn")
    from typer.testing import CliRunner

    from flashpoint.cli import app

    monkeypatch.chdir(FEATURES.parents[1])
    missing = tmp_path / "none"
    result = CliRunner().invoke(app, ["train", "places", "--articles", str(missing)])
    assert result.exit_code == 1
    assert "none: no such folder" in result.output

"""ACLED typing: the shipped model, its rebuild, the stage, the store's columns and upgrade."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from flashpoint import acled, acled_train
from flashpoint.errors import DataError
from flashpoint.resources import data_path
from flashpoint.store import EventFilter, Store


@pytest.fixture(scope="module")
def model() -> acled.AcledModel:
    loaded = acled.load_model()
    assert loaded is not None, "the shipped model data/models/acled.npz is missing"
    return loaded


@pytest.fixture(scope="module")
def training() -> list[acled_train.Sentence]:
    return acled_train.read_sentences(data_path(acled_train.TRAIN_FILE))


@pytest.fixture(scope="module")
def held_out() -> list[acled_train.Sentence]:
    return acled_train.read_sentences(data_path(acled_train.TEST_FILE))


def test_types_table_has_acleds_25_sub_event_types() -> None:
    types = acled.acled_types()
    assert len(types) == 25
    assert {t.event_type for t in types.values()} == {
        "Battles",
        "Protests",
        "Riots",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Strategic developments",
    }
    assert types["Air/drone strike"] == acled.AcledType(
        "Political violence", "Explosions/Remote violence", "Air/drone strike"
    )
    assert acled.acled_name("air/DRONE strike ") == "Air/drone strike"


def test_every_sub_event_type_and_none_can_come_out(model, training) -> None:
    assert sorted(model.classes) == sorted([*acled.acled_types(), acled.NONE])
    predicted = {acled_train.predict_sentence(model, s) for s in training}
    assert predicted == set(model.classes)


def test_training_data_is_varied_and_apart_from_the_held_out(training, held_out) -> None:
    assert len(training) >= 600 and len(held_out) >= 150
    assert not {s.text for s in training} & {s.text for s in held_out}
    for sentences in (training, held_out):
        labels = {s.label for s in sentences}
        assert labels == {*acled.acled_types(), acled.NONE}
        assert len({s.region for s in sentences}) >= 5
        assert {s.style for s in sentences} == {"wire", "local", "ngo"}


def test_held_out_meets_the_issue_bar(model, held_out) -> None:
    scores = acled_train.evaluate(model, held_out)
    assert scores.macro_f1 >= 0.80
    assert scores.none_precision >= 0.8 and scores.none_recall >= 0.8


def test_rebuilt_model_predicts_as_the_shipped_one_and_numpy_as_sklearn(
    model, training, held_out, tmp_path: Path
) -> None:
    pytest.importorskip("sklearn")
    rebuilt, estimator = acled_train.fit(training, acled_train.model_version(training))
    assert rebuilt.meta == model.meta
    sample = training[::7] + held_out[::3]
    for sentence in sample:
        fields = sentence.fields()[0]
        assert rebuilt.predict(sentence.text, fields)[0] == model.predict(sentence.text, fields)[0]
        assert np.allclose(
            rebuilt.probabilities(sentence.text, fields),
            model.probabilities(sentence.text, fields),
            atol=1e-5,
        )
    # numpy's probabilities are scikit-learn's, row by row.
    matrix, _, _, _ = acled_train.design(rebuilt, sample)
    rows = [(s.text, f) for s in sample for f in s.fields()]
    ours = np.array([rebuilt.probabilities(text, fields) for text, fields in rows])
    assert np.allclose(ours, estimator.predict_proba(matrix), atol=1e-5)
    # Saved and loaded, the same predictions; saved twice, the same bytes.
    first, second = tmp_path / "a.npz", tmp_path / "b.npz"
    rebuilt.save(first)
    acled.AcledModel.load(first).save(second)
    assert first.read_bytes() == second.read_bytes()


def test_bad_training_line_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x", "label": "Bombing", "text": "A bomb."}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.jsonl:1: label 'Bombing' is not an ACLED type"):
        acled_train.read_sentences(path)
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.jsonl:1: not JSON"):
        acled_train.read_sentences(path)


def test_stage_types_every_event_of_the_example(example_result) -> None:
    events = example_result.events
    assert events and all(e.acled is not None for e in events)
    strike = next(e for e in events if e.event == "ASSAULT" and e.mode == "drone")
    assert strike.acled.sub_event_type == "Air/drone strike"
    assert strike.acled.event_type == "Explosions/Remote violence"
    assert strike.acled.disorder_type == "Political violence"
    assert strike.acled.basis == "model" and strike.acled.confidence >= 0.3
    statements = [e for e in events if e.event in {"ACCUSE", "THREATEN"}]
    assert statements and all(e.acled.sub_event_type is None for e in statements)


def test_without_a_model_the_mapping_table_decides(example_result) -> None:
    strike = next(e for e in example_result.events if e.mode == "drone")
    fields = acled.PloverFields.of(strike)
    decided = acled.decide(None, acled.event_text(strike), fields)
    assert decided == ("Air/drone strike", None, "mapping")
    statement = next(e for e in example_result.events if e.event == "ACCUSE")
    assert acled.mapped_label(acled.PloverFields.of(statement)) == acled.NONE


def test_old_store_upgrades_with_acled_columns(example_result, tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with Store(path) as store:
        store.save(example_result)
    # Make it a store written before migration 0007: no columns, records without `acled`.
    conn = sqlite3.connect(path)
    for index in ("events_acled_type_date", "events_acled_sub_date"):  # migration 0010's
        conn.execute(f"DROP INDEX {index}")
    for column in ("acled_event_type", "acled_sub_event_type"):
        conn.execute(f"DROP INDEX IF EXISTS events_{column}")  # 0013 dropped it
        conn.execute(f"ALTER TABLE events DROP COLUMN {column}")
    conn.execute("UPDATE events SET record = json_remove(record, '$.acled')")
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    conn.close()
    with Store(path) as store:
        strikes = store.events(EventFilter(acled_type="air/drone STRIKE"))
        assert "drone" in [e.mode for e in strikes]
        assert {e.id for e in strikes} == {
            e.id for e in example_result.events if acled.acled_columns(e)[1] == "Air/drone strike"
        }
        battles = store.events(EventFilter(acled_type="Explosions/Remote violence"))
        assert {e.id for e in strikes} <= {e.id for e in battles}
        rows = store.conn.execute(
            "SELECT record, acled_event_type, acled_sub_event_type FROM events"
        ).fetchall()
    for record, kind, sub in rows:
        event = example_result.events[
            [e.id for e in example_result.events].index(json.loads(record)["id"])
        ]
        assert (kind, sub) == acled.acled_columns(event)


def test_train_command_reports_bad_input_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flashpoint.cli import app

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "label": "none"}\n', encoding="utf-8")
    out = tmp_path / "model.npz"
    runner = CliRunner()
    result = runner.invoke(app, ["train", "acled", "--train", str(bad), "--out", str(out)])
    assert result.exit_code != 0 and not out.exists()
    assert "bad.jsonl:1: no text" in str(result.exception) + result.output
    missing = runner.invoke(app, ["train", "acled", "--train", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 1 and "no such file" in missing.output

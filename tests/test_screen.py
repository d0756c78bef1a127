"""The record screen: the stage, its training data and the shipped model (texts of our own)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flashpoint import screen_train
from flashpoint.pipeline import Pipeline, PipelineOptions
from flashpoint.resources import data_path
from flashpoint.stages import clean, screen
from flashpoint.stages.read import RawDocument
from flashpoint.training_articles import SourceError, build_article, build_articles

TEXT = (
    "KASSALA, May 3 (Wire) - Gunmen killed six farmers near Kassala on Friday, police said.\n\n"
    "Analysts have long said the region is neglected. The governor condemned the killings and "
    "demanded that the army send more troops."
)


def test_the_shipped_model_is_rebuilt_from_the_kept_features(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    rebuilt = tmp_path / "screen.json"
    screen_train.train(screen_train.read_rows(screen_train.FEATURES_FILE), rebuilt)
    shipped = json.loads(Path(data_path(screen.MODEL_FILE)).read_text())
    again = json.loads(rebuilt.read_text())
    assert again["features"] == shipped["features"]
    assert again["threshold"] == shipped["threshold"]
    assert again["weights"] == pytest.approx(shipped["weights"], abs=1e-5)


def test_screen_leaves_out_unlikely_records_and_keeps_flagged_ones(monkeypatch) -> None:
    pipeline = Pipeline(PipelineOptions(screen_records=False))
    raw = RawDocument(name="x", text=TEXT, meta={"id": "x", "published": "2025-05-04"})
    (analyzed,) = pipeline.analyze([clean.build_article(raw)])
    pipeline.extract(analyzed)
    assert analyzed.events
    everything = [e.id for e in analyzed.events]
    # A model that finds every ASSAULT likely and every other record unlikely.
    model = screen.ScreenModel({"type=ASSAULT": 10.0}, bias=-5.0, threshold=0.5)
    monkeypatch.setattr(screen, "load_model", lambda: model)
    screen.screen_events(analyzed)
    kept = [e for e in analyzed.events if not (e.negated or e.hypothetical)]
    assert [e.event for e in kept] == ["ASSAULT"]
    assert kept[0].confidence == pytest.approx(0.993, abs=1e-3)
    assert set(e.id for e in analyzed.events) <= set(everything)
    for quote in analyzed.quotes:
        assert set(quote.event_ids) <= {e.id for e in analyzed.events}


def test_a_sentence_coded_alone_is_not_screened(monkeypatch) -> None:
    pipeline = Pipeline(PipelineOptions(screen_records=False))
    text = "Norway and Sweden agreed on Monday to hold talks in Oslo."
    raw = RawDocument(name="x", text=text, meta={"id": "x", "published": "2025-05-04"})
    (analyzed,) = pipeline.analyze([clean.build_article(raw)])
    pipeline.extract(analyzed)
    before = [e.id for e in analyzed.events]
    assert before
    # a model that finds every record unlikely leaves a one-sentence text as it was
    model = screen.ScreenModel({}, bias=-5.0, threshold=0.5)
    monkeypatch.setattr(screen, "load_model", lambda: model)
    screen.screen_events(analyzed)
    assert [e.id for e in analyzed.events] == before


def test_every_record_has_the_features_the_model_reads() -> None:
    pipeline = Pipeline(PipelineOptions(screen_records=False))
    raw = RawDocument(name="x", text=TEXT, meta={"id": "x", "published": "2025-05-04"})
    (analyzed,) = pipeline.analyze([clean.build_article(raw)])
    pipeline.extract(analyzed)
    rows = screen.record_features(analyzed)
    assert len(rows) == len(analyzed.events)
    for event, values in zip(analyzed.events, rows, strict=True):
        assert values[f"type={event.event}"] == 1.0
        assert 0.0 <= values["position"] <= 1.0


def test_training_articles_build_and_bad_ones_are_named(tmp_path: Path) -> None:
    articles = build_articles()
    assert len(articles) >= 50
    assert all(a["events"] and a["text"].endswith("\n") for a in articles)
    first = articles[0]
    for event in first["events"]:
        for start, end in event["mentions"]:
            sentence = first["text"][start:end]
            assert sentence and not sentence[0].isspace() and not sentence[-1].isspace()
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\npublished: 2025-01-01\ntext: Rebels shelled the port.\nevents:\n"
        "  - {event: ATTACK, background: false, key: true, mentions: [shelled]}\n"
    )
    with pytest.raises(SourceError, match=r"bad\.yaml event 1: 'ATTACK' is not a PLOVER type"):
        build_article(bad)
    bad.write_text(
        "id: x\npublished: 2025-01-01\ntext: Rebels shelled the port.\nevents:\n"
        "  - {event: ASSAULT, background: false, key: true, mentions: [bombed]}\n"
    )
    with pytest.raises(SourceError, match="mention 'bombed' is not in the text"):
        build_article(bad)
    bad.write_text(
        "id: x\npublished: 2025-01-01\ntext: Rebels shelled the port.\nevents:\n"
        "  - {event: ASSAULT, background: false, key: true, mentions: [shelled],\n"
        "     recipient: [{text: more than 4,000 people, sector: CVL}]}\n"
    )
    with pytest.raises(SourceError, match="unknown key '000 people'"):
        build_article(bad)


def test_run_screens_by_default_and_keeps_all_records_on_request(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from flashpoint.cli import app

    article = tmp_path / "story.txt"
    article.write_text(TEXT)
    counts = []
    for flag in ("--screen", "--all-records"):
        result = CliRunner().invoke(app, ["run", str(article), "--no-store", "--json", flag])
        assert result.exit_code == 0, result.output
        (line,) = [json.loads(x) for x in result.stdout.splitlines() if x.startswith("{")]
        counts.append(len(line["events"]))
    screened, everything = counts
    assert 0 < screened <= everything


def test_train_records_rebuilds_a_model_from_a_features_table(tmp_path: Path) -> None:
    pytest.importorskip("sklearn")
    from typer.testing import CliRunner

    from flashpoint.cli import app

    model = tmp_path / "screen.json"
    result = CliRunner().invoke(
        app,
        ["train", "records", "--features", str(screen_train.FEATURES_FILE),
         "--model", str(model), "--json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads(model.read_text())["threshold"] > 0
    missing = CliRunner().invoke(
        app, ["train", "records", "--articles", str(tmp_path / "none"), "--refresh"]
    )
    assert missing.exit_code != 0 and "no such folder" in missing.output

"""The NLP stage's table components give the stock components' annotations, token for token."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy
from spacy import attrs
from spacy.language import Language

from flashpoint.spacy_tables import TableAttributeRuler, TableLemmatizer, use_tables
from flashpoint.stages import nlp as nlp_stage

COLUMNS = [attrs.ORTH, attrs.TAG, attrs.POS, attrs.MORPH, attrs.LEMMA, attrs.DEP, attrs.HEAD]
# Words the ruler's exceptions are about: contractions, "gonna", whitespace tokens, symbols.
TRICKY = [
    "We ain't gonna let 's wait, they're gotta go -- can't we? I'd've said so.",
    "Let's see:  the  U.S.-led strikes  killed 4 (four)\n people at 10:30 p.m. on Jan. 4th.",
    "“Look,” he said, ‘they’re here’ … $5m & 20% — OK?!\t\tYes.",
    "   ",
    "Iraq's PM al-Sudani met Blinken; Hamas' leaders were n't there.",
    # Lemmas from the index, the exceptions and the suffix rules (and a form no rule knows).
    "The children's wolves went running; mice studies analyses bettered the biggest 9/11s "
    "crises, militiamen were fleeing, the geese had outflanked xyzzies.",
]


def _stock() -> Language:
    return nlp_stage.load_nlp(stock=True)


def test_pipeline_runs_the_tables_and_numpy_blas() -> None:
    nlp = nlp_stage.load_nlp()
    assert isinstance(nlp.get_pipe("attribute_ruler"), TableAttributeRuler)
    assert isinstance(nlp.get_pipe("lemmatizer"), TableLemmatizer)
    assert nlp.pipe_names == _stock().pipe_names
    for name in ("tok2vec", "ner", "parser"):
        assert not nlp.get_pipe(name).model.ops.use_blis
        assert _stock().get_pipe(name).model.ops.use_blis


def test_tables_annotate_like_the_stock_model(example_path: Path) -> None:
    texts = TRICKY + [p for p in example_path.read_text().split("\n\n") if p.strip()]
    stock = list(_stock().pipe(texts))
    tables = nlp_stage.load_nlp()
    for _ in range(2):  # the second pass answers from the caches
        for expected, doc in zip(stock, tables.pipe(texts), strict=True):
            assert (doc.to_array(COLUMNS) == expected.to_array(COLUMNS)).all(), doc.text
            assert [t.morph.to_dict() for t in doc] == [t.morph.to_dict() for t in expected]


def _ruler_pipeline(patterns: list[dict]) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("attribute_ruler").add_patterns(patterns)
    return nlp


def test_patterns_the_table_cannot_read_go_through_the_matcher() -> None:
    patterns = [
        {"patterns": [[{"LOWER": "new"}, {"LOWER": "york", "OP": "?"}]], "attrs": {"TAG": "NNP"}},
        {"patterns": [[{"LOWER": "are"}, {"IS_ALPHA": True, "OP": "+"}]], "attrs": {"POS": "AUX"}},
        {"patterns": [[{"DEP": ""}, {"LOWER": "boston"}]], "attrs": {"LEMMA": "bos"}, "index": -1},
        {"patterns": [[{"LENGTH": {">=": 6}}]], "attrs": {"TAG": "LONG"}},
        {"patterns": [[{"LOWER": {"IN": ["new", "old"]}}]], "attrs": {"POS": "ADJ"}},
        {"patterns": [[{"ORTH": "York"}]], "attrs": {"TAG": "NNP", "LEMMA": "york"}, "index": 0},
    ]
    stock, tables = _ruler_pipeline(patterns), _ruler_pipeline(patterns)
    assert use_tables(tables) == ["attribute_ruler"]
    text = "New York and old Chicago are bigger than new Boston."
    expected, doc = stock(text), tables(text)
    assert [(t.tag_, t.pos_, t.lemma_) for t in doc] == [
        (t.tag_, t.pos_, t.lemma_) for t in expected
    ]
    assert doc[1].tag_ == "NNP" and doc[4].tag_ == "LONG"


def test_a_ruler_that_sets_lexical_attributes_keeps_the_stock_component() -> None:
    nlp = _ruler_pipeline([{"patterns": [[{"LOWER": "u.s."}]], "attrs": {"NORM": "us"}}])
    assert use_tables(nlp) == []
    assert not isinstance(nlp.get_pipe("attribute_ruler"), TableAttributeRuler)


@pytest.mark.parametrize("text", ["", " "])
def test_empty_docs(text: str) -> None:
    assert [t.text for t in nlp_stage.load_nlp()(text)] == [t.text for t in _stock()(text)]

"""Stage 7, screen: keep the records an analyst would code.

The stages before code every sentence that reads like an event; many are not incidents an
analyst codes: a relative clause describing a group ("rebels fighting to topple the
government"), a speaker's commentary, a plan told in the future, an idiom read as an act, a
retelling the incidents stage could not tie to its incident. No single rule tells them apart,
so a small learned model weighs what does: the record's type, how its trigger sits in its
sentence (clause kind, tense, modal, inside a quotation), whether its slots hold coded agents,
how precisely it is dated and placed, how many sentences tell it, where it is in the article.

The model (logistic regression; `flashpoint train records`, flashpoint.screen_train) is
trained on whole articles written for the project and coded one record per incident
(training/articles/, MIT), and ships as data/models/record_screen.json: feature names,
weights and the probability under which a record is left out. Predicting needs only this
module. `PipelineOptions(screen_records=False)` keeps every record (training runs that way), and
so does a text of fewer than MIN_SENTENCES sentences.
"""

from __future__ import annotations

import math
from functools import cache

from spacy.tokens import Token

from flashpoint.analysis import AnalyzedArticle
from flashpoint.linear import LinearModel, load_linear_model
from flashpoint.model import Actor

MODEL_FILE = "models/record_screen.json"
MIN_SENTENCES = 3
"""Texts shorter than this are not screened: the model learned from whole articles and reads
their structure (the lede, a record's position, how many sentences tell it); a sentence or
two coded alone (a sentence data set, a headline with its standfirst) has none of it, and
every record the rules code is kept."""
TRIGGER_DEPS = ("ROOT", "ccomp", "xcomp", "advcl", "relcl", "acl", "conj", "pcomp", "pobj",
                "dobj", "nsubj", "nsubjpass", "parataxis", "amod", "compound")  # fmt: skip
TRIGGER_TAGS = ("VBD", "VBN", "VBZ", "VBP", "VB", "VBG", "NN", "NNS")
MODALS = frozenset({"will", "would", "could", "may", "might", "should", "can", "must", "shall"})
PRONOUNS = frozenset({"he", "she", "it", "they", "them", "we", "i", "us", "him", "her", "you"})
INTERACTING = ("dep=", "tag=", "in_quote", "subordinate", "claimed", "modal", "noun_trigger")
REPORTING = frozenset({"say", "tell", "report", "add", "claim", "announce", "state"})


ScreenModel = LinearModel  # the screen's model: a logistic model over named features


@cache
def load_model() -> ScreenModel | None:
    return load_linear_model(MODEL_FILE)


def screen_events(analyzed: AnalyzedArticle) -> None:
    """Leave out the records the model finds unlikely to be incidents an analyst codes; each
    kept record's confidence becomes the model's probability that it is one (negated and
    hypothetical records are kept whatever it is: they are flagged, not asserted)."""
    model = load_model()
    if model is None or not analyzed.events:
        return
    if sum(1 for _ in analyzed.sentences("body", "caption")) < MIN_SENTENCES:
        return
    kept = []
    for event, values in zip(analyzed.events, record_features(analyzed), strict=True):
        chance = model.probability(values)
        if chance >= model.threshold or event.negated or event.hypothetical:
            event.confidence = round(chance, 3)
            kept.append(event)
    dropped = {e.id for e in analyzed.events} - {e.id for e in kept}
    analyzed.events = kept
    if dropped:
        for quote in analyzed.quotes:
            quote.event_ids = [i for i in quote.event_ids if i not in dropped]


def record_features(analyzed: AnalyzedArticle) -> list[dict[str, float]]:
    """The features of every record of the article, in order (training uses this too)."""
    text = analyzed.article.text
    length = max(len(text), 1)
    rows = []
    seen_types: dict[str, int] = {}
    first_body = next((s for s in analyzed.segments if s.kind == "body"), None)
    for event in analyzed.events:
        values: dict[str, float] = {f"type={event.event}": 1.0}
        values |= _participant_features("actor", event.actor)
        values |= _participant_features("recipient", event.recipient)
        values["mentions"] = math.log1p(max(len(event.mentions), 1) - 1)
        values[f"date={event.date_precision or 'none'}"] = 1.0
        place = event.event_loc
        values[f"place={place.basis if place and place.basis else 'none'}"] = 1.0
        size = event.size
        values["toll"] = float(
            size is not None
            and any(getattr(size, k) for k in ("dead", "injured", "arrested", "abducted"))
        )
        values["mode"] = float(event.mode is not None)
        values["subordinate"] = float(event.subordinate)
        values["future"] = float(event.future)
        values["background"] = float(event.background)
        values["claimed"] = float(event.claimed_by is not None)
        values["in_quote"] = float(event.quote_id is not None)
        values["confidence"] = event.confidence
        values[f"section={event.section}"] = 1.0
        values["position"] = event.evidence.start / length
        if first_body is not None and first_body.start <= event.evidence.start < first_body.end:
            values["lede"] = 1.0  # the news is told first
        values["earlier_same_type"] = math.log1p(seen_types.get(event.event, 0))
        seen_types[event.event] = seen_types.get(event.event, 0) + 1

        values["records_in_sentence"] = math.log1p(
            sum(1 for e in analyzed.events if e.evidence.start == event.evidence.start) - 1
        )
        if event.trigger is not None:
            found = analyzed.word_at(event.trigger.start, event.trigger.end)
            if found is not None:
                values |= _trigger_features(found[1])
        # How a trigger sits in its sentence weighs differently by type (a reported ASSAULT
        # is news, a reported AGREE often only a position): type x syntax features.
        values |= {
            f"{event.event}&{name}": value
            for name, value in list(values.items())
            if name.startswith(INTERACTING)
        }
        rows.append(values)
    return rows


def _participant_features(slot: str, actors: list[Actor]) -> dict[str, float]:
    if not actors:
        return {f"{slot}=none": 1.0}
    values = {f"{slot}=some": 1.0}
    if any(a.code for a in actors):
        values[f"{slot}_coded"] = 1.0
    if any(a.sector for a in actors):
        values[f"{slot}_sector"] = 1.0
    if all(a.text.lower() in PRONOUNS for a in actors):
        values[f"{slot}_pronoun"] = 1.0
    if any(a.text[:1].islower() and not a.code and not a.sector for a in actors):
        values[f"{slot}_unknown_phrase"] = 1.0  # "the final area", "power cuts"
    return values


def _trigger_features(token: Token) -> dict[str, float]:
    dep = token.dep_ if token.dep_ in TRIGGER_DEPS else "other"
    tag = token.tag_ if token.tag_ in TRIGGER_TAGS else "other"
    values = {f"dep={dep}": 1.0, f"tag={tag}": 1.0}
    children = list(token.children)
    if any(c.dep_ == "aux" and c.lower_ in MODALS for c in children):
        values["modal"] = 1.0
    if any(c.dep_ == "neg" for c in children):
        values["negation"] = 1.0
    if token.dep_ in ("ccomp", "parataxis") and token.head.lemma_.lower() in REPORTING:
        values["reported"] = 1.0
    if token.pos_ == "NOUN":
        values["noun_trigger"] = 1.0
        if any(c.dep_ == "det" and c.lower_ == "the" for c in children):
            values["definite_noun"] = 1.0
    depth = 0
    current = token
    while current.head is not current and depth < 8:
        current = current.head
        depth += 1
    values["depth"] = depth / 8
    return values

"""Stage 6, incidents: the mentions of one real-world incident in an article become one event.

News tells an incident several times: the lede ("An airstrike killed 12 in X"), a quote that
retells it, "the attack" three paragraphs later, the sentence with its wounded or destroyed
houses, a second toll from another party. An analyst codes one record for all of them (ACLED,
POLECAT), so the events stage's per-sentence events are grouped here, in text order, and each
group becomes one event whose fields come from all its mentions.

Two event mentions are one incident when (see docs/events.md, "One record per incident"):
- they have the same PLOVER type, the same flags (negated, hypothetical, background) and,
  for verbal events (statements, demands, threats...), the same speaker;
- nothing they say disagrees: not two different days, not two places apart (different
  countries or provinces, or towns more than `TOWN_KM` apart), not two disjoint sets of coded
  actors or of coded recipients;
- and something ties them: a shared participant, the same town, a definite anaphor for the
  earlier mention ("the attack", "the strike"), or the later mention adds only facts right
  after it (no actor and no new target: "Five villagers were wounded.");
- the later mention does not say it is another one ("also", "another", "a second", "separately",
  "elsewhere").

The merged event keeps the first mention's id, trigger and evidence; `mentions` lists every
mention's evidence span (the first is `evidence`). Actors and recipients are the union of the
mentions' agents; place and date are the most precise any mention gives (a place the text gives
the event beats a fallback to the article's places; a stated date beats the publication date);
the toll is the lowest figure asserted (a bare ceiling such as "as many as 16" only when no
mention asserts more), with the range kept where mentions differ.

Aggregates are not incidents: a count over a period ("more than 100 civilians have been killed
since January", "the militia has killed thousands over the past decade") is dropped here.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import pairwise

from flashpoint.analysis import AnalyzedArticle
from flashpoint.linear import LinearModel, load_linear_model
from flashpoint.model import Actor, Event, Place, Size, Span

TOWN_KM = 25.0
# Two mentions placed this close are at the same town (one place under two spellings or
# gazetteer entries); a neighbouring district or suburb further off may be another incident's.
SAME_TOWN_KM = 5.0
# A mention that only adds facts (no actor, no new target, no anaphor) continues the incident
# told just before it: within about two sentences.
FACTS_GAP = 300
# Types told by speaking: one incident per speaker (and recipient).
VERBAL_TYPES = frozenset({"AGREE", "SUPPORT", "CONCEDE", "REQUEST", "ACCUSE", "REJECT", "THREATEN"})
# (CONSULT is not among them: a meeting or talks belong to both sides, and are retold from
# either: "held meetings with Russia", then "the rebels negotiated with Russia".)
# Words on a later mention that say it is not the earlier incident.
ANOTHER_WORDS = frozenset(
    {"also", "another", "second", "third", "separately", "separate", "elsewhere", "further"}
)
# Of those, the words that add to what was told as well as tell another incident.
ALSO_WORDS = frozenset({"also", "further"})
DATE_RANK = {"day": 5, "week": 4, "month": 3, "year": 2, "published": 1, None: 0}
PLACE_BASIS_RANK = {"clause": 3, "sentence": 3, "paragraph": 2, "article": 1, "country": 0}
TOLLS = ("dead", "injured", "arrested", "abducted", "displaced")


@dataclass
class Incident:
    event: Event
    members: list[Event] = field(default_factory=list)


def group_incidents(analyzed: AnalyzedArticle) -> None:
    """Replace the article's event mentions with one event per incident."""
    incidents = group_events(analyzed.events, analyzed.article.text, load_link_model())
    analyzed.events = [_merged(incident) for incident in incidents]
    # Quotes that retell a merged mention now point at its incident.
    incident_of = {m.id: i.event.id for i in incidents for m in i.members}
    kept = {e.id for e in analyzed.events}
    for quote in analyzed.quotes:
        ids = [incident_of.get(event_id, event_id) for event_id in quote.event_ids]
        quote.event_ids = [i for n, i in enumerate(ids) if i in kept and i not in ids[:n]]


# Acts of force told together on the same people are one incident of the graver kind
# ("captured and killed three soldiers", "abducted and beat them"): the lesser folds into it.
# Armed people moving in to do it are part of it too ("entered the village, searched houses
# and took away young men").
JOINED_ACTS = {
    frozenset({"COERCE", "ASSAULT"}): "ASSAULT",
    frozenset({"MOBILIZE", "ASSAULT"}): "ASSAULT",
}
JOINING_WORDS = frozenset({"and", ",", ", and", "and then", ", then"})


def _fold_joined_acts(events: list[Event], text: str) -> list[Event]:
    ordered = sorted(events, key=_anchor)
    dropped: set[str] = set()
    folded: dict[str, Event] = {}
    for one, other in pairwise(ordered):
        graver = JOINED_ACTS.get(frozenset({one.event, other.event}))
        if graver is None or one.trigger is None or other.trigger is None:
            continue
        joining = text[one.trigger.end : other.trigger.start].strip().lower()
        keep, fold = (one, other) if one.event == graver else (other, one)
        # things seized after an attack told at length ("killed 17 militants in fighting
        # around the village on Tuesday and seized a cache of weapons") are still its spoils
        gap = SPOILS_GAP if fold is other and _spoils(fold) else JOINED_GAP
        if (
            one.evidence.start != other.evidence.start
            or not _joined(joining, gap)
            or _flags(one) != _flags(other)
        ):
            continue
        # other people are another act; things seized are the attack's spoils
        if (
            keep.recipient
            and fold.recipient
            and not _share_participant(keep.recipient, fold.recipient)
            and any(r.code or r.sector for r in fold.recipient)
        ):
            continue
        if (
            fold.event == "MOBILIZE"
            and fold.actor
            and keep.actor
            and not _share_participant(keep.actor, fold.actor)
        ):
            continue  # "ambushed a UN patrol": the patrol is the attacked side's
        keep = folded.get(keep.id, keep)
        folded[keep.id] = keep.model_copy(
            update={
                "actor": _union([keep.actor, fold.actor]),
                "recipient": keep.recipient
                if _spoils(fold)
                else _union([keep.recipient, fold.recipient]),
                "size": keep.size or fold.size,
            }
        )
        dropped.add(fold.id)
    return [folded.get(e.id, e) for e in events if e.id not in dropped]


# Modes of a RETREAT that, told with an attack, are how that attack ended.
AFTERMATH_MODES = frozenset({"withdraw", "release"})


def _drop_attack_aftermath(events: list[Event]) -> list[Event]:
    """ "exchanged fire with the attackers, who withdrew towards the hills", "gunmen abducted
    20 pupils; they were freed days later", "he had surrendered and was shot": the attackers'
    withdrawal, their captives' release or a victim's surrender told in the sentence of the
    attack is how that attack went, not a RETREAT of its own (analysts code the attack)."""
    attacks = [e for e in events if e.event == "ASSAULT" and not e.negated]
    dropped = set()
    for event in events:
        if event.event != "RETREAT" or (event.mode and event.mode not in AFTERMATH_MODES):
            continue
        for attack in attacks:
            if attack.evidence.start != event.evidence.start:
                continue
            sides = [*attack.actor, *attack.recipient]
            told = [*event.actor, *event.recipient]
            if _share_participant(sides, told) or (told and _unnamed(told)):
                dropped.add(event.id)
                break
    return [e for e in events if e.id not in dropped]


def _spoils(event: Event) -> bool:
    """Things seized, not people held: "seized two rifles" (no coded or sector-named party)."""
    return (
        event.event == "COERCE"
        and event.mode == "seize"
        and all(not r.code and not r.sector for r in event.recipient)
    )


def _joined(between: str, gap: int = 0) -> bool:
    """The words between two acts join them: "and" or a series comma right after the first
    act's object ("killed dozens and captured two vehicles", "overran the garrison, seized two
    vehicles and withdrew"), not another clause ("; later", "after")."""
    if between in JOINING_WORDS:
        return True
    if len(between) > (gap or JOINED_GAP) or any(mark in between for mark in (";", ":", "(")):
        return False
    words = between.replace(",", " , ").split()
    return bool(words) and words[-1] in ("and", ",") and not set(words) & CLAUSE_WORDS


# Acts joined by "and" after an object of at most this many characters ("killed 12 soldiers
# and seized two armoured vehicles"); a longer stretch holds a clause of its own.
JOINED_GAP = 45
SPOILS_GAP = 120
CLAUSE_WORDS = frozenset({"after", "before", "when", "while", "which", "who", "that", "then"})


def _flags(event: Event) -> tuple[bool, bool, bool]:
    return event.negated, event.hypothetical, event.background


def _anchor(event: Event) -> int:
    return event.trigger.start if event.trigger else event.evidence.start


def _aggregate(event: Event) -> bool:
    """A toll over a period ("has killed thousands since 2020", "over the past decade"), by
    whomever: a statistic, not an incident."""
    size = event.size
    return bool(event.event == "ASSAULT" and size is not None and size.cumulative)


def group_events(
    events: list[Event],
    text: str,
    model: LinearModel | None = None,
    observe: Callable[[Incident, Event, dict[str, float]], None] | None = None,
) -> list[Incident]:
    """The article's event mentions grouped into incidents, in text order: a mention joins the
    nearest earlier incident the rules tie it to; with none, the one the link model finds
    likeliest (at or above its threshold). `observe` sees every pair the model would weigh
    (training)."""
    incidents: list[Incident] = []
    for event in sorted(
        _fold_joined_acts(_drop_attack_aftermath(events), text),
        key=lambda e: (e.evidence.start, _anchor(e)),
    ):
        if _aggregate(event):
            continue
        target = _incident_for(event, incidents, text, model, observe)
        if target is None:
            incidents.append(Incident(event.model_copy(deep=True), [event]))
        else:
            target.members.append(event)
    return incidents


def _incident_for(
    event: Event,
    incidents: list[Incident],
    text: str,
    model: LinearModel | None = None,
    observe: Callable[[Incident, Event, dict[str, float]], None] | None = None,
) -> Incident | None:
    if _says_another(event, text):
        return None
    cue = _another_cue(event, text)
    if cue is not None:
        # another incident than those told before: the one begun after the cue in its own
        # sentence, if any ("A separate strike hit a clinic, killing two")
        return next(
            (
                incident
                for incident in reversed(incidents)
                if incident.members[0].event == event.event
                and any(
                    _one_sentence(member, event) and member.trigger and member.trigger.start > cue
                    for member in incident.members
                )
            ),
            None,
        )
    for incident in reversed(incidents):  # the nearest earlier mention first
        if _same_incident(incident, event, text):
            return incident
    if event.event in VERBAL_TYPES or (model is None and observe is None):
        return None  # a statement is its speaker's: the rules' speaker test decides
    open_pairs = [i for i in incidents if _may_be_one(i, event, text)]
    best, best_chance = None, 0.0
    for rank, incident in enumerate(reversed(open_pairs)):
        values = link_features(incident, event, incidents, text, rank)
        if observe is not None:
            observe(incident, event, values)
        if model is not None and (chance := model.probability(values)) > best_chance:
            best, best_chance = incident, chance
    if model is not None and best is not None and best_chance >= model.threshold:
        return best
    return None


def _may_be_one(incident: Incident, event: Event, text: str) -> bool:
    """Nothing rules the pair out: same type and flags, no disagreement, no anaphor that points
    at another incident ("the offensive" after a single strike, "the Kunduz attack" after one
    told elsewhere), no answer to it. What is missing is a tie."""
    first = incident.members[0]
    if first.event != event.event or _flags(first) != _flags(event):
        return False
    if _answers_another(incident, event, text):
        return False
    if _anaphor(event, text) and not _refers_back(event, incident, text):
        return False
    return not any(
        _disagree(member, event, _one_sentence(member, event)) for member in incident.members
    )


LINK_MODEL_FILE = "models/incident_link.json"


@cache
def load_link_model() -> LinearModel | None:
    return load_linear_model(LINK_MODEL_FILE)


def link_features(
    incident: Incident, event: Event, incidents: list[Incident], text: str, rank: int
) -> dict[str, float]:
    """What an analyst weighs when no rule ties a mention to an earlier incident of its type:
    how far back it was told, whether it was the article's first of its kind (the lede's
    incident, which the body retells), whether the mention names anyone new, gives its own
    place or day, sits in a quote or a claim, and shares a kind of participant."""
    members = incident.members
    first, last = members[0], members[-1]
    same_type = [i for i in incidents if i.members[0].event == event.event]
    values: dict[str, float] = {
        f"type={event.event if event.event in ('ASSAULT', 'COERCE', 'PROTEST') else 'other'}": 1.0,
        "rank": math.log1p(rank),
        "gap": math.log1p(max(event.evidence.start - last.evidence.end, 0)) / 10,
        "from_first": math.log1p(max(event.evidence.start - first.evidence.end, 0)) / 10,
        "incident_is_first": float(same_type[0] is incident),
        "incidents_of_type": math.log1p(len(same_type) - 1),
        "members": math.log1p(len(members) - 1),
        "in_quote": float(event.quote_id is not None),
        "claimed": float(event.claimed_by is not None),
        "subordinate": float(event.subordinate),
        "background": float(event.background),
        "event_toll": float(_has_toll(event)),
        "incident_toll": float(any(_has_toll(m) for m in members)),
        "event_day": float(_stated_day(event)),
        "incident_day": float(any(_stated_day(m) for m in members)),
        "event_place": float(_own_place(event.event_loc)),
        "incident_place": float(any(_own_place(m.event_loc) for m in members)),
        "within": float(any(_within(event.event_loc, m.event_loc) for m in members)),
        "same_mode": float(event.mode is not None and any(m.mode == event.mode for m in members)),
        "same_word": float(any(_head_word(m) == _head_word(event) for m in members)),
    }
    sectors = {a.sector for m in members for a in m.actor if a.sector}
    targets = {a.sector for m in members for a in m.recipient if a.sector}
    own_time = _time_words(event, text)
    told_times = {t for m in members if (t := _time_words(m, text))}
    if own_time and told_times and own_time not in told_times:
        values["time_differs"] = 1.0  # "on Tuesday" after "on Saturday night"
    opening = text[event.evidence.start : event.evidence.start + 40].lower()
    if any(word.strip(",;:") in SEQUEL_WORDS for word in opening.split()[:4]):
        values["sequel"] = 1.0  # "Hours later, ...", "Afterwards ..."
    placed = [m for m in members if _own_place(m.event_loc)]
    if (
        placed
        and _own_place(event.event_loc)
        and not any(_within(event.event_loc, m.event_loc) for m in placed)
        and not any(_within(m.event_loc, event.event_loc) for m in placed)
    ):
        values["place_differs"] = 1.0  # both placed, neither place inside the other
    modes = {m.mode for m in members if m.mode}
    if event.mode and modes and event.mode not in modes:
        values["mode_differs"] = 1.0  # a suicide bombing, then cluster bombs
    told = [r for m in members for r in m.recipient if r.text.lower() not in PRONOUNS]
    new = [r for r in event.recipient if r.text.lower() not in PRONOUNS]
    if (
        told
        and new
        and not _share_participant(told, new)
        and not any(r.sector and r.sector in targets for r in new)
    ):
        values["recipients_differ"] = 1.0  # "the barracks" after "several villages"
    actor_sectors = {a.sector for a in event.actor if a.sector}
    if actor_sectors and sectors and not actor_sectors & sectors:
        values["actor_sectors_differ"] = 1.0
    values[f"actor={_kind(event.actor)}"] = 1.0
    values[f"recipient={_kind(event.recipient)}"] = 1.0
    if any(a.sector in sectors for a in event.actor):
        values["actor_sector_shared"] = 1.0
    if any(a.sector in targets for a in event.recipient):
        values["recipient_sector_shared"] = 1.0
    return values


# Words that open a mention of what followed an incident told before ("Hours later, ...").
SEQUEL_WORDS = frozenset(
    {"later", "afterwards", "afterward", "then", "next", "following", "subsequently"}
)


def _time_words(event: Event, text: str) -> str:
    """The words of the time the mention's own sentence gives ("on tuesday"), if any."""
    span = event.date_span
    if span is None or not (event.evidence.start <= span.start < event.evidence.end):
        return ""
    return text[span.start : span.end].lower().removeprefix("on ").strip()


def _kind(actors: list[Actor]) -> str:
    if not actors:
        return "none"
    if _unnamed(actors):
        return "pronoun"
    if any(a.code for a in actors):
        return "coded"
    return "sector" if any(a.sector for a in actors) else "words"


def _has_toll(event: Event) -> bool:
    size = event.size
    return size is not None and any(getattr(size, name) for name in TOLLS)


def _head_word(event: Event) -> str:
    return (event.trigger.text if event.trigger else "").lower().removesuffix("s")


# Words for a whole campaign: "the offensive" refers back to one, not to a single strike.
CAMPAIGN_WORDS = frozenset({"offensive", "campaign", "operation", "incursion", "invasion", "war"})


def _refers_back(event: Event, incident: Incident, text: str) -> bool:
    """A definite anaphor ("the attack") for an earlier mention of the same kind: a campaign
    word only for an incident told as a campaign."""
    if not _anaphor(event, text):
        return False
    named = _names_before(event, text)
    if named and not all(_names_a_party_or_place(name, incident) for name in named):
        return False  # "the Kunduz attack" after an attack told elsewhere: another one
    if _head_word(event) not in CAMPAIGN_WORDS:
        return True
    return any(_told_as_campaign(m, text) for m in incident.members)


def _names_before(event: Event, text: str) -> list[str]:
    """Capitalised words between the determiner and the event noun ("the Sylvanian
    incursion", "the Kunduz attack")."""
    if event.trigger is None:
        return []
    start = max(event.evidence.start, event.trigger.start - 50)
    words = text[start : event.trigger.start].split()[-3:]
    for n in range(len(words) - 1, -1, -1):
        if words[n].lower() in DEFINITE:
            return [w.strip(".,;:'’s") for w in words[n + 1 :] if w[:1].isupper()]
    return []


def _names_a_party_or_place(name: str, incident: Incident) -> bool:
    """The name is in one of the incident's participants or its place."""
    name = name.lower()
    for member in incident.members:
        texts = [a.text for a in member.actor + member.recipient]
        if member.event_loc is not None:
            texts.append(member.event_loc.name or "")
        if any(name in t.lower() or t.lower() in name for t in texts if t):
            return True
    return False


def _told_as_campaign(event: Event, text: str) -> bool:
    """ "the offensive", or a light verb with it: "launched an incursion into the province"."""
    if event.trigger is None:
        return False
    if _head_word(event) in CAMPAIGN_WORDS:
        return True
    after = text[event.trigger.end : event.trigger.end + 30].lower().split()[:3]
    return any(w.strip(".,;:").removesuffix("s") in CAMPAIGN_WORDS for w in after)


RESPONSE_WORDS = re.compile(
    r"\b(?:respond(?:ed|s|ing)?|retaliat\w*|in response|in reprisal|hit(?:ting)? back|"
    r"str(?:uck|ike|iking) back|fired back|counter-?attack\w*)\b"
)


def _answers_another(incident: Incident, event: Event, text: str) -> bool:
    """ "The militia responded with a barrage on Kunduz", "in retaliation, the army struck":
    an answer to an act is the answering side's own incident, not a retelling of one whose
    actors it does not share."""
    if event.trigger is None or not event.actor:
        return False
    said = text[event.evidence.start : event.trigger.end].lower()
    if not RESPONSE_WORDS.search(said):
        return False
    return not any(_share_participant(m.actor, event.actor) for m in incident.members)


def _says_another(event: Event, text: str) -> bool:
    if event.trigger is None:
        return False
    # The few words before the trigger, within its sentence ("also targeted", "a second
    # strike", "another attack").
    start = max(event.evidence.start, event.trigger.start - 40)
    before = text[start : event.trigger.start].lower().replace(",", " ").split()[-4:]
    if _unnamed(event.actor) and not any(_target(r) for r in event.recipient):
        # "a soldier was also killed": one more victim of the incident told, not another one
        before = [w for w in before if w not in ALSO_WORDS]
    return any(word in ANOTHER_WORDS for word in before)


def _another_cue(event: Event, text: str) -> int | None:
    """ "A separate air strike on Monday hit a health centre", "..., and a second attack
    killed nine more": the word is on the event noun that is the subject of the verb the
    mention was coded from. Where the cue starts, if there is one."""
    if event.trigger is None:
        return None
    before = text[event.evidence.start : event.trigger.start].lower()
    cues = list(ANOTHER_EVENT_NOUN.finditer(before))
    return event.evidence.start + cues[-1].start() if cues else None  # the nearest the verb


def _same_incident(incident: Incident, event: Event, text: str) -> bool:
    first = incident.members[0]
    if first.event != event.event:
        return False
    if _answers_another(incident, event, text):
        return False
    if (first.negated, first.hypothetical) != (event.negated, event.hypothetical):
        return False
    # a background flag read off one clause of the sentence that tells the incident does not
    # make another incident of it
    if first.background != event.background and not _one_sentence(first, event):
        return False
    members = incident.members
    if any(_disagree(member, event, _one_sentence(member, event)) for member in members):
        return False
    if event.event in VERBAL_TYPES:
        return any(_same_speaker(member, event) for member in members)
    if _refers_back(event, incident, text):
        return True  # "the attack", "the strikes"
    if (
        _unnamed(event.actor)
        and not any(_target(r) for r in event.recipient)
        and event.evidence.start - members[-1].evidence.end <= FACTS_GAP
    ):
        # it adds facts right after ("Five villagers were wounded.", "“They fired at
        # everyone,” a witness said.")
        return True
    if (
        not any(m.actor for m in members)
        and not any(_target(r) for r in event.recipient)
        and _own_place(event.event_loc)
        and event.evidence.start - members[-1].evidence.end <= FACTS_GAP
        and any(_within(event.event_loc, m.event_loc) for m in members)
    ):
        return True  # it names who did it, in the place the unclaimed mentions gave
    return any(
        _share_participant(member.actor + member.recipient, event.actor + event.recipient)
        or _same_town(member.event_loc, event.event_loc)
        # an unclaimed mention the article places where this incident happened
        or (not event.actor and _placed_by(event.event_loc, member.event_loc))
        for member in members
    )


# Pronouns: one that coreference left unresolved names no new actor.
PRONOUNS = frozenset({"he", "she", "it", "they", "them", "him", "her"})


def _unnamed(actors: list[Actor]) -> bool:
    return all(a.text.lower() in PRONOUNS and not a.code for a in actors)


def _placed_by(fallback: Place | None, own: Place | None) -> bool:
    """A mention the text does not place, placed by the article at the very town an earlier
    mention of its type happened in ("A PMF headquarters was targeted Thursday in a drone
    strike" after "a militia targeted in a recent attack in Baghdad")."""
    if fallback is None or fallback.basis != "article" or not _own_place(own):
        return False
    assert own is not None
    if (own.precision or 0) < 3 or (fallback.precision or 0) < 3:
        return False
    distance = _distance_km(fallback, own)
    return distance is not None and distance <= TOWN_KM


# Last words of a recipient that is a place or facility attacked, not the people hurt: a
# mention that names a new one tells another attack ("hospitals were bombed").
TARGET_WORDS = frozenset(
    {
        "hospital",
        "hospitals",
        "clinic",
        "clinics",
        "school",
        "schools",
        "market",
        "mosque",
        "church",
        "base",
        "bases",
        "camp",
        "camps",
        "town",
        "towns",
        "village",
        "villages",
        "city",
        "areas",
        "area",
        "positions",
        "position",
        "convoy",
        "checkpoint",
        "prison",
        "embassy",
        "headquarters",
        "airport",
        "port",
        "ship",
        "vessel",
        "tanker",
    }
)


def _target(actor: Actor) -> bool:
    words = actor.text.lower().split()
    return bool(words) and words[-1] in TARGET_WORDS


def _disagree(one: Event, other: Event, one_sentence: bool = False) -> bool:
    if _dates_apart(one, other):
        return True  # two stated days, or "last week" and "on Monday" of this week
    if _places_apart(one.event_loc, other.event_loc):
        return True
    if _codes_disjoint(one.actor, other.actor):
        return True
    # one sentence may name the same target twice ("mercenaries were killed when US forces
    # struck a pro-regime force"): by the same actor, that is one attack
    if one_sentence and _share_participant(one.actor, other.actor):
        return False
    return _codes_disjoint(one.recipient, other.recipient)


def _one_sentence(one: Event, other: Event) -> bool:
    return (one.evidence.start, one.evidence.end) == (other.evidence.start, other.evidence.end)


def _dates_apart(one: Event, other: Event) -> bool:
    """Both say when, to the day or the week ("last week"), and the times do not overlap."""
    spans = [_stated_span(one), _stated_span(other)]
    if None in spans:
        return False
    (first_start, first_end), (second_start, second_end) = spans  # type: ignore[misc]
    return first_end < second_start or second_end < first_start


def _stated_span(event: Event) -> tuple[date, date] | None:
    if event.date is None or event.date_precision not in ("day", "week"):
        return None
    start = event.date
    return start, start + timedelta(days=6 if event.date_precision == "week" else 0)


def _stated_day(event: Event) -> bool:
    return event.date is not None and event.date_precision == "day"


def _own_place(place: Place | None) -> bool:
    return place is not None and place.basis in ("clause", "sentence")


def _places_apart(one: Place | None, other: Place | None) -> bool:
    """Two places the text gives the mentions themselves that cannot be one incident's."""
    if not (_own_place(one) and _own_place(other)):
        return False
    assert one is not None and other is not None
    if one.country and other.country and one.country != other.country:
        return True
    if (
        (one.precision or 0) >= 2
        and (other.precision or 0) >= 2
        and one.admin1
        and other.admin1
        and one.admin1 != other.admin1
    ):
        return True
    if (one.precision or 0) >= 4 and (other.precision or 0) >= 4:
        distance = _distance_km(one, other)
        return distance is not None and distance > TOWN_KM
    return False


def _within(inner: Place | None, outer: Place | None) -> bool:
    """`inner` lies in `outer` as the text gives them: the same town, or a town of the
    country or province named."""
    if not (_own_place(inner) and _own_place(outer)):
        return False
    assert inner is not None and outer is not None
    if _same_town(inner, outer):
        return True
    if not inner.country or inner.country != outer.country:
        return False
    if outer.precision == 1:
        return True
    return outer.precision == 2 and bool(outer.admin1) and inner.admin1 == outer.admin1


def _same_town(one: Place | None, other: Place | None) -> bool:
    if not (_own_place(one) and _own_place(other)):
        return False
    assert one is not None and other is not None
    if (one.precision or 0) < 3 or (other.precision or 0) < 3:
        return False
    distance = _distance_km(one, other)
    return distance is not None and distance <= SAME_TOWN_KM


def _distance_km(one: Place, other: Place) -> float | None:
    if None in (one.lat, one.lon, other.lat, other.lon):
        return None
    lat1, lon1 = math.radians(one.lat), math.radians(one.lon)  # type: ignore[arg-type]
    lat2, lon2 = math.radians(other.lat), math.radians(other.lon)  # type: ignore[arg-type]
    a = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


# Sectors of a state's side and of the armed groups fighting states: one country's
# government and its rebels are two sides, not one participant.
# Pro-government militias (PRM) sit between the two and are compatible with either.
STATE_SECTORS = frozenset({"GOV", "MIL", "ELI", "PTY", "LEG", "JUD", "COP", "SPY"})
ARMED_GROUP_SECTORS = frozenset({"REB", "INS", "IMG", "UAF", "OPP"})


def _sides(actors: list[Actor]) -> set[tuple[str, str]]:
    sides = set()
    for actor in actors:
        if not actor.code:
            continue
        side = "state" if actor.sector in STATE_SECTORS else "armed"
        if actor.sector not in STATE_SECTORS and actor.sector not in ARMED_GROUP_SECTORS:
            side = "other"
        sides.add((actor.code, side))
    return sides


def _codes_disjoint(one: list[Actor], other: list[Actor]) -> bool:
    """Both name coded participants and none is on the same side of the same country."""
    first, second = _sides(one), _sides(other)
    if not first or not second:
        return False

    def compatible(a: tuple[str, str], b: tuple[str, str]) -> bool:
        return a[0] == b[0] and (a[1] == b[1] or "other" in (a[1], b[1]))

    return not any(compatible(a, b) for a in first for b in second)


def _key(actor: Actor) -> str:
    """The participant's name, else its words without an article ("the police" is "Police")."""
    words = (actor.name or actor.text).lower().split()
    if len(words) > 1 and words[0] in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def _share_participant(one: list[Actor], other: list[Actor]) -> bool:
    keys = {_key(a) for a in one}
    if any(_key(a) in keys for a in other):
        return True
    coded = {(a.code, a.sector) for a in one if a.code}
    return any((a.code, a.sector) in coded for a in other if a.code)


def _same_speaker(one: Event, other: Event) -> bool:
    if not one.actor or not other.actor:
        return False
    if {_key(a) for a in one.actor} & {_key(a) for a in other.actor}:
        return True
    # The same coded person or body under two names ("Ruto", "the Kenyan president").
    named = {(a.code, a.sector) for a in one.actor if a.code and a.sector}
    return any((a.code, a.sector) in named for a in other.actor if a.code and a.sector) and (
        not one.recipient
        or not other.recipient
        or _share_participant(one.recipient, other.recipient)
    )


def _anaphor(event: Event, text: str) -> bool:
    """A definite event noun or a pronoun that refers back: "the attack", "the strikes",
    "this bombing", "it"."""
    trigger = event.trigger
    if trigger is None:
        return False
    start = max(event.evidence.start, trigger.start - 50)
    before = text[start : trigger.start].lower().replace(",", " , ").split()[-4:]
    if trigger.text.lower().endswith(EVENT_NOUNS) and _definite(before):
        return True
    # a light verb whose object is the anaphor: "carried out the attack", "claimed the bombing"
    after = [w.strip(".,;:!?\"”’'") for w in text[trigger.end : trigger.end + 30].lower().split()]
    after = after[:3]
    return trigger.text.lower() in LIGHT_VERBS and any(
        word in DEFINITE and following.endswith(EVENT_NOUNS) for word, following in pairwise(after)
    )


def _definite(before: list[str]) -> bool:
    """The words before an event noun make it definite: "the attack", also with modifiers
    between ("the Sylvanian incursion", "the deadly attack"), but not a count, another one,
    or a phrase that ends before it ("the town, an attack")."""
    for n, word in enumerate(reversed(before)):
        if word in DEFINITE:
            return True
        if n >= 2 or word in ANOTHER_WORDS or word in ("a", "an", ",", "of") or word[:1].isdigit():
            return False
    return False


DEFINITE = frozenset({"the", "this", "that", "these", "those"})
EVENT_NOUNS = (
    "attack", "attacks", "strike", "strikes", "bombing", "bombings", "assault", "raid",
    "shelling", "explosion", "blast", "offensive", "ambush", "killing", "killings",
    "incursion", "invasion", "airstrike", "airstrikes", "bombardment",
    "arrest", "arrests", "detention", "abduction", "kidnapping",
)  # fmt: skip
# Of the words that say a mention is another incident, those written on its event noun ("a
# separate strike"), not the adverbs ("also", "elsewhere").
ANOTHER_EVENT_NOUN = re.compile(
    rf"\b(?:{'|'.join(sorted(ANOTHER_WORDS - ALSO_WORDS - {'separately', 'elsewhere'}))})"
    rf"\s+(?:[\w-]+\s+){{0,2}}?(?:{'|'.join(EVENT_NOUNS)})\b"
)
LIGHT_VERBS = frozenset(
    {"carried", "conducted", "claimed", "launched", "staged", "mounted", "perpetrated"}
)


def _merged(incident: Incident) -> Event:
    members = incident.members
    if len(members) == 1:
        return incident.event
    primary = members[0]
    event = primary.model_copy(deep=True)
    members = [primary, *[m for m in members if m is not primary]]
    mentions: list[Span] = []
    for member in members:
        span = member.evidence
        if not any(m.start == span.start and m.end == span.end for m in mentions):
            mentions.append(span)
    event.mentions = mentions
    event.actor = _union([m.actor for m in members])
    event.recipient = _union([m.recipient for m in members])
    best_place = max(
        (m for m in members if m.event_loc is not None),
        key=lambda m: (
            PLACE_BASIS_RANK.get(m.event_loc.basis or "", 0),  # type: ignore[union-attr]
            m.event_loc.precision or 0,  # type: ignore[union-attr]
        ),
        default=None,
    )
    if best_place is not None:
        event.event_loc = best_place.event_loc
    best_date = max(members, key=lambda m: DATE_RANK.get(m.date_precision, 0))
    if best_date.date is not None:
        event.date = best_date.date
        event.date_precision = best_date.date_precision
        event.date_span = best_date.date_span
    event.size = _merged_size([m.size for m in members if m.size is not None])
    event.confidence = max(m.confidence for m in members)
    event.mode = event.mode or next((m.mode for m in members if m.mode), None)
    if event.event in GRAVEST_MODE_TYPES:
        # a march that turned to burning and stoning is a riot, as ACLED codes it
        gravest = min(members, key=lambda m: m.event_scale)
        if gravest.mode and gravest.event_scale < event.event_scale:
            event.mode, event.event_scale = gravest.mode, gravest.event_scale
    event.subordinate = all(m.subordinate for m in members)
    return event


# Types whose incident takes the gravest form any of its mentions tells: one protest told as
# a march, a blockade and a riot is coded a riot.
GRAVEST_MODE_TYPES = frozenset({"PROTEST"})


def _union(groups: list[list[Actor]]) -> list[Actor]:
    """Every agent named in any mention, once: by its resolved entity, else its words."""
    kept: list[Actor] = []
    for group in groups:
        for actor in group:
            if any(_key(actor) == _key(k) for k in kept):
                continue
            if actor.code and any(
                (k.code, k.sector, k.name) == (actor.code, actor.sector, actor.name) and k.name
                for k in kept
            ):
                continue
            kept.append(actor)
    named = [k for k in kept if k.text.lower() not in PRONOUNS]
    # a pronoun in a later mention refers to someone a mention names
    return named or kept


def _merged_size(sizes: list[Size]) -> Size | None:
    if not sizes:
        return None
    merged = Size()
    for name in TOLLS:
        values = [getattr(s, name) for s in sizes if getattr(s, name) is not None]
        if not values:
            continue
        if name in ("dead", "injured"):
            asserted = [
                getattr(s, name)
                for s in sizes
                if getattr(s, name) is not None and not _ceiling_only(s, name)
            ]
            setattr(merged, name, min(asserted or values))
            lows = [getattr(s, f"{name}_low") for s in sizes if getattr(s, f"{name}_low")]
            highs = [getattr(s, f"{name}_high") for s in sizes if getattr(s, f"{name}_high")]
            if len(set(values)) > 1:
                setattr(merged, f"{name}_low", min(values + lows))
                setattr(merged, f"{name}_high", max(values + highs))
            else:
                setattr(merged, f"{name}_low", min(lows) if lows else None)
                setattr(merged, f"{name}_high", max(highs) if highs else None)
        else:
            setattr(merged, name, min(values))
    spans: list[Span] = []
    victims: list[Span] = []
    for size in sizes:
        spans.extend(s for s in size.spans if not any(_same_span(s, k) for k in spans))
        victims.extend(v for v in size.victims if not any(_same_span(v, k) for k in victims))
    merged.spans = spans
    merged.victims = victims
    merged.cumulative = all(s.cumulative for s in sizes)
    return merged


def _ceiling_only(size: Size, name: str) -> bool:
    """ "As many as 16", "up to 250": a bound, not a figure the text asserts."""
    value, low, high = (
        getattr(size, name),
        getattr(size, f"{name}_low"),
        getattr(size, f"{name}_high"),
    )
    return low is None and high is not None and value == high


def _same_span(one: Span, other: Span) -> bool:
    return one.start == other.start and one.end == other.end

"""How well reposts are folded: a test set of planted reposts built from real articles.

No labelled set of reposts ships with the project, so one is made: each original article gets
reposts the way outlets republish wire copy: another headline, a dateline and wire tag on the
first paragraph, the outlet's boilerplate (newsletter prompts, copyright lines, "Reporting
by"), a photo caption with its credit, paragraphs split differently, and small edits (a few
words changed, one sentence dropped, "said" turned into "told reporters"). The originals are
different stories, so any cluster holding two of them is a false merge.

    recall        share of reposts placed in the cluster of their original
    false merges  clusters that hold more than one original story
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from flashpoint.stages import clean
from flashpoint.stages.dedup import DedupOptions, DuplicateFinder, MemoryIndex
from flashpoint.stages.read import RawDocument

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'])")

OUTLET_BOILERPLATE = (
    "Sign up for our morning newsletter to get the day's top stories in your inbox.",
    "© 2024 The Daily Courier. All rights reserved.",
    "Reporting by staff correspondents; Editing by the world desk",
    "Follow us on Twitter for live updates.",
    "Read more: Our full coverage of the region",
    # Not in the layout rules on purpose: some boilerplate is left in the body.
    "Our journalism depends on readers like you. Support independent reporting today.",
)
WIRE_TAGS = ("(Reuters) - ", "(AP) — ", "(AFP) - ", " - ")
CITIES = ("BEIRUT", "KYIV", "NAIROBI", "BAGHDAD", "LONDON", "GENEVA", "DHAKA")
HEADLINE_PREFIXES = ("UPDATE 2-", "WRAPUP 1-", "", "Live: ", "Analysis: ")
CAPTIONS = (
    "Smoke rises over the area on Tuesday. Photo: Staff Photographer/AFP via Getty Images",
    "Residents gather outside the building. Photograph: Local Stringer/Reuters",
)
# Small copy-desk edits: (pattern, replacement).
EDITS = (
    (r"\bsaid\b", "told reporters"),
    (r"\bon Monday\b", "on Monday evening"),
    (r"\bpeople\b", "civilians"),
    (r"\bgovernment\b", "administration"),
    (r"\bhowever\b", "but"),
    (r"\bpercent\b", "per cent"),
)


@dataclass
class PlantedItem:
    story: str  # the original's id: versions of one story share it
    text: str
    is_repost: bool


@dataclass
class DedupScores:
    originals: int
    reposts: int
    recall: float
    false_merges: int
    merged_stories: list[tuple[str, ...]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "originals": self.originals,
            "reposts": self.reposts,
            "recall": round(self.recall, 4),
            "false_merges": self.false_merges,
        }


def make_repost(text: str, title: str, rng: random.Random) -> str:
    """One repost of an article: new headline, wire tag, re-split paragraphs, edits,
    boilerplate and a caption."""
    sentences = [s for s in _SENTENCE.split(" ".join(text.split())) if s]
    if len(sentences) > 6:
        del sentences[rng.randrange(2, len(sentences) - 1)]  # a sentence cut for length
    body = " ".join(sentences)
    for pattern, replacement in rng.sample(EDITS, 3):
        body = re.sub(pattern, replacement, body, count=2)
    sentences = [s for s in _SENTENCE.split(body) if s]
    paragraphs: list[str] = []
    while sentences:
        take = rng.randint(1, 3)
        paragraphs.append(" ".join(sentences[:take]))
        sentences = sentences[take:]
    paragraphs[0] = f"{rng.choice(CITIES)} {rng.choice(WIRE_TAGS)}{paragraphs[0]}"
    if len(paragraphs) > 2:
        paragraphs.insert(rng.randrange(1, len(paragraphs)), rng.choice(CAPTIONS))
    boilerplate = rng.sample(OUTLET_BOILERPLATE, 2)
    headline = f"{rng.choice(HEADLINE_PREFIXES)}{title}"
    if rng.random() < 0.5:
        headline = headline.upper()
    return "\n\n".join([headline, *paragraphs, *boilerplate])


def plant_reposts(
    originals: Iterable[tuple[str, str, str]], reposts_per_story: int = 2, seed: int = 13
) -> list[PlantedItem]:
    """Originals (id, title, text) and their planted reposts, shuffled (a repost may come
    before its original, as it does in real feeds)."""
    rng = random.Random(seed)
    items: list[PlantedItem] = []
    for story, title, text in originals:
        items.append(PlantedItem(story, f"{title}\n\n{text}", is_repost=False))
        for _ in range(reposts_per_story):
            items.append(PlantedItem(story, make_repost(text, title, rng), is_repost=True))
    rng.shuffle(items)
    return items


def score(items: list[PlantedItem], options: DedupOptions | None = None) -> DedupScores:
    """Run the duplicate finder over the items in order and score its clusters."""
    index = MemoryIndex()
    finder = DuplicateFinder([index], options or DedupOptions())
    cluster_of: list[str] = []
    for number, item in enumerate(items):
        article = clean.build_article(RawDocument(name=f"planted:{number}", text=item.text))
        if not hasattr(article, "parts"):
            raise ValueError(f"planted item {number} could not be read: {article}")
        fingerprint = finder.check(article)
        index.add(fingerprint)
        cluster_of.append(fingerprint.cluster_id)
    original_cluster = {
        item.story: cluster
        for item, cluster in zip(items, cluster_of, strict=True)
        if not item.is_repost
    }
    reposts = [(i, c) for i, c in zip(items, cluster_of, strict=True) if i.is_repost]
    found = sum(1 for item, cluster in reposts if original_cluster[item.story] == cluster)
    stories_in: dict[str, set[str]] = defaultdict(set)
    for item, cluster in zip(items, cluster_of, strict=True):
        stories_in[cluster].add(item.story)
    merged = [tuple(sorted(s)) for s in stories_in.values() if len(s) > 1]
    return DedupScores(
        originals=len(original_cluster),
        reposts=len(reposts),
        recall=found / len(reposts) if reposts else 1.0,
        false_merges=len(merged),
        merged_stories=merged,
    )

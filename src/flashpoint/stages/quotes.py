"""Stage 5c, quotes: quotations with their speakers, linked to the events they express.

    quotes = find_quotes(analyzed, resolver)     # direct, partial and indirect quotes
    link_events(analyzed)                        # events inside a quote point to it

Only body text is read: captions, credits and boilerplate never give a quote.

How a quote is found, in order:
1. Quote marks are paired paragraph by paragraph (straight and curly double quotes; an opening
   mark with no closing one before the paragraph ends runs on into the next paragraph when that
   one opens with a mark, the newspaper convention for quotes over several paragraphs). Pieces
   split around their cue ("This act," Rasool said, "is condemned") become one quote.
2. Each quotation gets its cue: a speech verb (`data/quote_cues.yaml`) between the pieces,
   right after the closing mark, governing the quoted words in the parse, or before the
   opening mark in the same sentence; else a colon after the speaker (`Rep. X (R-S.C.): "..."`)
   or a cue sentence just before (`X disagreed. "..."`). A quotation whose opening mark starts
   a sentence or follows a colon, a comma or a speech verb is `direct`; one woven into the
   reporter's sentence ("decried the strike as "a blatant aggression"") is `partial`. Short
   quoted words with no cue are scare quotes, titles or nicknames and are dropped.
3. Indirect speech: a speech verb with a clause complement ("X told Newsweek that ...") or
   "according to X" gives a quote of kind `indirect` over the complement.
4. The speaker is the subject of the cue (or the noun phrase right before it when the parse has
   none); a quotation with no cue continues the speaker of the quote before it in the same
   paragraph, or of the paragraph before when it opens its paragraph. A bare surname, "he"/"she"
   or "the official" takes the full mention of the speaker introduced earlier; the local mention
   is kept as `speaker_mention`. Names and codes come from the actor resolver.
5. The medium ("told Newsweek", "in a statement", "on Twitter") and the speaker's affiliation
   ("a spokesperson for the Nujaba Movement") are kept separately.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

import numpy
from spacy import attrs as spacy_attrs
from spacy.strings import get_string_id
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from flashpoint.analysis import AnalyzedArticle, Segment
from flashpoint.errors import DataError
from flashpoint.model import Actor, Quote, Span
from flashpoint.resources import data_path, read_yaml
from flashpoint.stages.actors import ActorResolver

CUES_FILE = "quote_cues.yaml"

# Double quotation marks and the direction their glyph implies (None: the straight mark,
# whose direction comes from its neighbours only).
QUOTE_MARKS: dict[str, str | None] = {
    '"': None,
    "“": "open",
    "”": "close",
    "„": "open",
    "‟": "open",
    "«": "open",
    "»": "close",
}
# A mark after one of these (or a space) opens; before one of these (or a space) it closes.
_OPENS_AFTER = set("([{—–-/")
_CLOSES_BEFORE = set(",.;:!?)]}—–…")
_MARK = re.compile("[" + "".join(QUOTE_MARKS) + "]")
_MARKUP_VALUE = re.compile(r'\w=("[^"\n]*")')
# Punctuation that ends a sentence when it stands as its own token.
_SENTENCE_ENDS = {".", "!", "?"}
# Punctuation after which a quotation stands on its own: it is not woven into the sentence.
# (Not an opening bracket: a quotation in brackets is most often a title or a citation.)
_STANDALONE_BEFORE = set(":,;—–-….!?")
# How far (tokens) a cue is looked for on either side of a quotation.
REGION_TOKENS = 40
# A quote with no closing mark is cut (at a sentence end) after this many characters.
MAX_UNCLOSED_CHARS = 1200
_SENTENCE_STOP = re.compile(r"[.!?…](?=\s)")
# Pieces of one split quote are at most this far apart (characters): "A," X said, "B".
MAX_SPLIT_GAP = 160
_NOMINAL = {"PROPN", "NOUN", "PRON", "NUM"}
_NP_INNER = {"PROPN", "NOUN", "ADJ", "DET", "NUM", "PART"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass"}  # deps whose subtree is the speaker's phrase
# Deps through which a cue without a subject takes its head's ("..., adding that", "and
# stressed that").
_CLIMB_DEPS = {"conj", "xcomp", "advcl", "pcomp", "acl"}
_DEFINITE = {"the", "this", "that"}
_HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "sir", "dame", "lord", "lady"}
_RELATIVE = {"WDT", "WP", "WP$"}
_PHRASE_BREAKS = {"-", "—", "–", "(", ")", ":", ";", "|"}
# Entity types that are never the speaker ("said Thursday morning").
_NOT_SPEAKERS = {"DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "MONEY", "QUANTITY"}
_AUDIENCE_VERBS = {"tell", "inform", "brief", "assure", "remind", "text", "email", "message"}


# --- the cue lexicon ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CueLexicon:
    """The word lists of `data/quote_cues.yaml` (plus a user's additions)."""

    speech_verbs: frozenset[str]
    indirect_verbs: frozenset[str]
    phrasal_cues: dict[str, frozenset[str]]
    medium_nouns: frozenset[str]
    audience_nouns: frozenset[str]
    role_nouns: frozenset[str]
    affiliation_preps: frozenset[str]
    source_phrases: dict[str, str]
    person_pronouns: frozenset[str]
    scare_max_words: int
    unattributed_min_words: int

    def is_cue(self, token: Token, *, indirect: bool = False) -> bool:
        """Does this word attribute speech ("said", "pointed out", "according to")?"""
        lemma = token.lemma_.lower()
        if self.source_phrase_object(token) is not None:
            return True
        if not token.tag_.startswith("VB"):
            return False
        verbs = self.indirect_verbs if indirect else self.speech_verbs
        if lemma in verbs:
            return True
        particles = self.phrasal_cues.get(lemma)
        return bool(particles) and any(
            c.dep_ == "prt" and c.lower_ in particles for c in token.children
        )

    def source_phrase_object(self, token: Token) -> Token | None:
        """The source in "according to X", "in the words of X", "in X's words" when `token`
        opens one."""
        prep = self.source_phrases.get(token.lower_)
        if prep is None:
            return None
        for child in token.children:
            if child.dep_ == "prep" and child.lower_ == prep:
                for grandchild in child.children:
                    if grandchild.dep_ == "pobj":
                        return grandchild
            elif child.dep_ == "poss" and child.pos_ in ("PROPN", "NOUN"):
                return child
        return None


_LIST_KEYS = (
    "speech_verbs",
    "indirect_verbs",
    "medium_nouns",
    "audience_nouns",
    "role_nouns",
    "affiliation_preps",
    "person_pronouns",
)
_MAP_KEYS = ("phrasal_cues", "source_phrases")
_INT_KEYS = ("scare_max_words", "unattributed_min_words")
_PARTICLE_BOOLS = {True: "on", False: "off"}


def _words(path: Path, key: str, value: object) -> set[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataError(f"{path}: '{key}' must be a list of words")
    return {v.strip().lower() for v in value if v.strip()}


def load_cues(extra_files: Iterable[Path] = ()) -> CueLexicon:
    """The shipped cue lists, with the lists of `extra_files` (same keys) added."""
    extra = tuple(Path(p) for p in extra_files)
    return _load_cues(extra)


@cache
def _load_cues(extra: tuple[Path, ...]) -> CueLexicon:
    lists: dict[str, set[str]] = {key: set() for key in _LIST_KEYS}
    phrasal: dict[str, set[str]] = {}
    sources: dict[str, str] = {}
    numbers: dict[str, int] = {}
    for path in (data_path(CUES_FILE), *extra):
        data = read_yaml(path)
        if not isinstance(data, dict):
            raise DataError(f"{path}: expected a mapping of cue lists")
        for key, value in data.items():
            if key in lists:
                lists[key] |= _words(path, key, value)
            elif key in _MAP_KEYS:
                if not isinstance(value, dict):
                    raise DataError(f"{path}: '{key}' must be a mapping")
                for word, rest in value.items():
                    if key == "phrasal_cues":
                        # YAML reads a bare particle on/off as true/false: give the words back.
                        if isinstance(rest, list):
                            rest = [
                                _PARTICLE_BOOLS.get(v, v) if isinstance(v, bool) else v
                                for v in rest
                            ]
                        phrasal.setdefault(str(word).lower(), set()).update(
                            _words(path, f"{key}.{word}", rest)
                        )
                    elif isinstance(rest, str):
                        sources[str(word).lower()] = rest.lower()
                    else:
                        raise DataError(f"{path}: '{key}.{word}' must be a word")
            elif key in _INT_KEYS:
                if not isinstance(value, int) or value < 0:
                    raise DataError(f"{path}: '{key}' must be a whole number >= 0")
                numbers[key] = value
            else:
                raise DataError(f"{path}: unknown key '{key}'")
    missing = [key for key in _INT_KEYS if key not in numbers]
    if missing:
        raise DataError(f"{CUES_FILE}: missing {', '.join(missing)}")
    return CueLexicon(
        speech_verbs=frozenset(lists["speech_verbs"]),
        indirect_verbs=frozenset(lists["indirect_verbs"]),
        phrasal_cues={k: frozenset(v) for k, v in phrasal.items()},
        medium_nouns=frozenset(lists["medium_nouns"]),
        audience_nouns=frozenset(lists["audience_nouns"]),
        role_nouns=frozenset(lists["role_nouns"]),
        affiliation_preps=frozenset(lists["affiliation_preps"]),
        source_phrases=sources,
        person_pronouns=frozenset(lists["person_pronouns"]),
        scare_max_words=numbers["scare_max_words"],
        unattributed_min_words=numbers["unattributed_min_words"],
    )


# --- 1. quote marks -----------------------------------------------------------------------------


@dataclass
class Piece:
    """One stretch of quoted words between an opening mark and its closing mark."""

    paragraph: int
    open_mark: int
    close_mark: int | None  # None: the paragraph (or a new opening mark) came first
    start: int  # the quoted words, without marks or outer spaces
    end: int

    @property
    def outer_end(self) -> int:
        return self.close_mark + 1 if self.close_mark is not None else self.end


def body_paragraphs(analyzed: AnalyzedArticle) -> list[tuple[int, int]]:
    """(start, end) of every body paragraph (a line of a body part)."""
    text = analyzed.article.text
    paragraphs = []
    for part in analyzed.article.parts_of("body"):
        position = part.start
        for line in text[part.start : part.end].split("\n"):
            start, end = position, position + len(line)
            position = end + 1
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                paragraphs.append((start, end))
    return paragraphs


def _mark_role(text: str, i: int, start: int, end: int) -> str | None:
    before = text[i - 1] if i > start else " "
    after = text[i + 1] if i + 1 < end else " "
    open_side = before.isspace() or before in _OPENS_AFTER or before in QUOTE_MARKS
    close_side = after.isspace() or after in _CLOSES_BEFORE or after in QUOTE_MARKS
    if open_side and not close_side:
        return "open"
    if close_side and not open_side:
        return "close"
    return QUOTE_MARKS[text[i]]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def scan_paragraph(text: str, start: int, end: int, index: int) -> list[Piece]:
    """Pair the double quote marks of one paragraph into pieces."""
    pieces: list[Piece] = []
    opened: int | None = None
    # Attribute values of markup left in the text (`<tweet author="X">`) are not quotes.
    markup = {
        i for m in _MARKUP_VALUE.finditer(text, start, end) for i in (m.start(1), m.end(1) - 1)
    }
    for match in _MARK.finditer(text, start, end):
        i = match.start()
        if i in markup:
            continue
        role = _mark_role(text, i, start, end)
        if opened is None:
            if role != "close":  # a stray closing mark opens nothing
                opened = i
            continue
        if role == "open" and text[i] != '"':
            # A new opening while one is open: the earlier quote was never closed.
            inner = _trimmed(text, opened + 1, i)
            if inner[1] > inner[0]:
                pieces.append(Piece(index, opened, None, *inner))
            opened = i
            continue
        inner = _trimmed(text, opened + 1, i)
        if inner[1] > inner[0]:
            pieces.append(Piece(index, opened, i, *inner))
        opened = None
    if opened is not None:
        inner = _trimmed(text, opened + 1, end)
        if inner[1] > inner[0]:
            pieces.append(Piece(index, opened, None, *inner))
    return [_capped(text, p) for p in pieces]


def _capped(text: str, piece: Piece) -> Piece:
    """A quote left open that runs on for pages (a lost closing mark in flattened text) is
    cut at the last sentence end within MAX_UNCLOSED_CHARS."""
    if piece.close_mark is not None or piece.end - piece.start <= MAX_UNCLOSED_CHARS:
        return piece
    limit = piece.start + MAX_UNCLOSED_CHARS
    ends = [m.end() for m in _SENTENCE_STOP.finditer(text, piece.start, limit)]
    end = ends[-1] if ends else limit
    return Piece(piece.paragraph, piece.open_mark, None, *_trimmed(text, piece.start, end))


# --- token access -------------------------------------------------------------------------------


class _Tokens:
    """Article offsets to the tokens of the parsed body segments."""

    def __init__(self, analyzed: AnalyzedArticle) -> None:
        self.segments = [s for s in analyzed.segments if s.kind == "body"]
        self.starts = [s.start for s in self.segments]
        # doc.text is rebuilt token by token on every access: take the lengths once.
        self.ends = [
            s.start + (s.doc[-1].idx + len(s.doc[-1]) if len(s.doc) else 0) for s in self.segments
        ]
        self._token_starts: dict[int, list[int]] = {}

    def segment_at(self, offset: int) -> Segment | None:
        position = bisect.bisect_right(self.starts, offset) - 1
        if position < 0 or offset > self.ends[position]:
            return None
        return self.segments[position]

    def token_starts(self, segment: Segment) -> list[int]:
        starts = self._token_starts.get(segment.index)
        if starts is None:
            starts = (segment.doc.to_array("IDX") + segment.start).tolist()
            self._token_starts[segment.index] = starts
        return starts

    def tokens_in(self, segment: Segment, start: int, end: int) -> list[Token]:
        """Tokens of `segment` lying wholly inside [start, end)."""
        starts = self.token_starts(segment)
        first = bisect.bisect_left(starts, start)
        doc = segment.doc
        tokens = []
        for i in range(first, len(doc)):
            token = doc[i]
            if starts[i] >= end:
                break
            if starts[i] + len(token.text) <= end:
                tokens.append(token)
        return tokens


# --- 2. quotations and their cues ---------------------------------------------------------------


@dataclass
class Attribution:
    """A quote before its speaker is resolved: what was said, the cue and the speaker's head."""

    kind: str
    pieces: list[tuple[int, int]]
    paragraph: int
    segment: Segment | None = None
    cue: Token | None = None
    introducer: Token | None = None  # a colon standing for the cue: `X: "..."`
    speaker_head: Token | None = None
    speaker_tokens: tuple[int, int] | None = None  # token range [start, end) in segment
    opens_paragraph: bool = False
    words: int = 0
    ends_sentence: bool = False
    # Filled by resolution:
    speaker: Actor | None = None
    speaker_mention: Span | None = None
    affiliation: Actor | None = None
    medium: Span | None = None
    continued: bool = False  # the speaker comes from the quote before

    @property
    def start(self) -> int:
        return self.pieces[0][0]

    @property
    def end(self) -> int:
        return self.pieces[-1][1]


def _group_pieces(text: str, pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces of one quotation together: runs over paragraphs, and splits around the cue."""
    groups: list[list[Piece]] = []
    for piece in pieces:
        if groups:
            last = groups[-1][-1]
            runs_on = last.close_mark is None and (
                piece.paragraph == last.paragraph or piece.paragraph == last.paragraph + 1
            )
            # The open quote goes on in this piece: its mark ended the earlier one mid-paragraph
            # (nothing but spaces between) or opens the next paragraph.
            touching = not text[last.end : piece.open_mark].strip()
            if runs_on and (
                (piece.paragraph == last.paragraph and touching) or _opens_line(text, piece)
            ):
                groups[-1].append(piece)
                continue
            if (
                last.close_mark is not None
                and piece.paragraph == last.paragraph
                and _opens_clause(text, groups[-1][0])
                and _is_split(text, last, piece)
            ):
                groups[-1].append(piece)
                continue
        groups.append([piece])
    return groups


def _opens_clause(text: str, piece: Piece) -> bool:
    """Does the piece open its sentence or clause (after a line start, colon, comma, ...)?"""
    position = piece.open_mark
    while position > 0 and text[position - 1] in " \t":
        position -= 1
    if position == 0 or text[position - 1] == "\n":
        return True
    return text[position - 1] in _STANDALONE_BEFORE or text[position - 1] in QUOTE_MARKS


def _opens_line(text: str, piece: Piece) -> bool:
    position = piece.open_mark
    while position > 0 and text[position - 1] in " \t":
        position -= 1
    return position == 0 or text[position - 1] == "\n"


def _is_split(text: str, first: Piece, second: Piece) -> bool:
    """ "A," X said, "B": the gap holds the attribution and ends in a comma or colon."""
    assert first.close_mark is not None
    quoted = text[first.start : first.end].rstrip()
    if not quoted or quoted[-1] in ".!?":
        return False
    gap = text[first.close_mark + 1 : second.open_mark].strip()
    if not gap or len(gap) > MAX_SPLIT_GAP or gap[-1] not in ",:—–":
        return False
    return any(ch.isalpha() for ch in gap) and not any(ch in ".!?" for ch in gap[:-1])


def _outside(tokens: list[Token], blocked: set[int]) -> list[Token]:
    return [t for t in tokens if t.i not in blocked]


def _breaks(token: Token, blocked: set[int]) -> bool:
    """Where a search for a cue stops: another quote, a sentence end, a line break."""
    return (
        token.i in blocked
        or token.text in _SENTENCE_ENDS
        or (token.is_space and "\n" in token.text)
    )


def _region_before(doc: Doc, first: int, blocked: set[int]) -> list[Token]:
    """Tokens before token `first` back to the sentence start, the line start or the
    previous quote."""
    region: list[Token] = []
    i = first - 1
    while i >= 0 and len(region) < REGION_TOKENS and not _breaks(doc[i], blocked):
        region.append(doc[i])
        i -= 1
    region.reverse()
    return region


def _region_after(doc: Doc, last: int, blocked: set[int]) -> list[Token]:
    """Tokens after token `last` up to the sentence end, the line end or the next quote."""
    region: list[Token] = []
    i = last + 1
    while i < len(doc) and len(region) < REGION_TOKENS and not _breaks(doc[i], blocked):
        region.append(doc[i])
        i += 1
    return region


def _name_before(colon: Token, blocked: set[int]) -> Token | None:
    """The name right before a colon, past a parenthesis: `Rep. Trey Gowdy (R-S.C.):`."""
    doc = colon.doc
    i = colon.i - 1
    if colon.text.startswith(")"):  # the tokenizer keeps "):" whole
        i = colon.i
    if i >= 0 and doc[i].text.startswith(")"):
        i -= 1
        while i >= 0 and doc[i].text != "(":
            i -= 1
        i -= 1
    if i < 0 or i in blocked or doc[i].pos_ not in ("PROPN", "NOUN"):
        return None
    return doc[i]


def _is_mark(token: Token) -> bool:
    return any(ch in QUOTE_MARKS for ch in token.text)


@dataclass
class _Context:
    """A quotation's pieces and the words around it, for finding its cue."""

    group: list[Piece]
    paragraphs: list[tuple[int, int]]
    first_tokens: list[Token]
    last_tokens: list[Token]
    before: list[Token]
    after: list[Token]
    segment: Segment
    last_segment: Segment
    standalone: bool


@dataclass
class _Found:
    """What attributes a quotation: the cue, the segment it is in and the speaker's head (when
    not the cue's subject); `introducer` is a colon that stands for the cue."""

    cue: Token | None
    segment: Segment
    speaker: Token | None = None
    introducer: Token | None = None


class _Finder:
    """Finds the quotes of one article."""

    def __init__(
        self, analyzed: AnalyzedArticle, resolver: ActorResolver, cues: CueLexicon
    ) -> None:
        self.analyzed = analyzed
        self.resolver = resolver
        self.cues = cues
        self.text = analyzed.article.text
        self.tokens = _Tokens(analyzed)
        # Token indices inside quotation marks (marks included), per segment.
        self.quoted: dict[int, set[int]] = {}
        self.quoted_chars: list[tuple[int, int]] = []

    # -- direct and partial quotes --

    def quotations(self) -> list[Attribution]:
        paragraphs = body_paragraphs(self.analyzed)
        pieces: list[Piece] = []
        for index, (start, end) in enumerate(paragraphs):
            pieces.extend(scan_paragraph(self.text, start, end, index))
        groups = _group_pieces(self.text, pieces)
        for piece in pieces:
            segment = self.tokens.segment_at(piece.open_mark)
            if segment is None:
                continue
            self.quoted_chars.append((piece.open_mark, piece.outer_end))
            inside = self.tokens.tokens_in(segment, piece.open_mark, piece.outer_end)
            self.quoted.setdefault(segment.index, set()).update(t.i for t in inside)
        found = []
        for group in groups:
            attribution = self._attribute(group, paragraphs)
            if attribution is not None:
                found.append(attribution)
        return found

    def _attribute(
        self, group: list[Piece], paragraphs: list[tuple[int, int]]
    ) -> Attribution | None:
        first, last = group[0], group[-1]
        segment = self.tokens.segment_at(first.open_mark)
        last_segment = self.tokens.segment_at(last.open_mark)
        if segment is None or last_segment is None:
            return None
        words = sum(len(self.text[p.start : p.end].split()) for p in group)
        attribution = Attribution(
            kind="direct",
            pieces=[(p.start, p.end) for p in group],
            paragraph=first.paragraph,
            segment=segment,
            words=words,
            opens_paragraph=first.open_mark == paragraphs[first.paragraph][0],
            ends_sentence=self.text[last.start : last.end].rstrip("”’\"' ")[-1:] in ".!?…",
        )
        blocked = self.quoted.get(segment.index, set())
        last_blocked = self.quoted.get(last_segment.index, set())
        first_tokens = self.tokens.tokens_in(segment, first.open_mark, first.outer_end)
        last_tokens = self.tokens.tokens_in(last_segment, last.open_mark, last.outer_end)
        if not first_tokens or not last_tokens:
            return None
        before = _region_before(segment.doc, first_tokens[0].i, blocked)
        after = _region_after(last_segment.doc, last_tokens[-1].i, last_blocked)
        standalone = self._standalone(first, before)
        attribution.kind = "direct" if standalone else "partial"
        context = _Context(
            group=group,
            paragraphs=paragraphs,
            first_tokens=first_tokens,
            last_tokens=last_tokens,
            before=before,
            after=after,
            segment=segment,
            last_segment=last_segment,
            standalone=standalone,
        )
        found = self._cue(context)
        if found is None:
            return attribution
        attribution.cue, attribution.segment, attribution.introducer = (
            found.cue,
            found.segment,
            found.introducer,
        )
        head = found.speaker
        cue_blocked = self.quoted.get(found.segment.index, set())
        if head is None and found.cue is not None:
            head = self._speaker_head(found.cue, cue_blocked)
        if head is not None:
            attribution.speaker_head = head
            stop = found.cue.i if found.cue is not None else None
            attribution.speaker_tokens = _np_range(head, cue_blocked, stop)
        return attribution

    def _cue(self, c: _Context) -> _Found | None:
        """The words that attribute a quotation: a speech verb, or a colon after its speaker."""
        # Between the pieces of a split quote: "A," X said, "B".
        for left, right in pairwise(c.group):
            if left.close_mark is None or right.paragraph != left.paragraph:
                continue
            gap_segment = self.tokens.segment_at(left.close_mark)
            if gap_segment is None:
                continue
            gap = self.tokens.tokens_in(gap_segment, left.close_mark + 1, right.open_mark)
            found = self._cue_in(_outside(gap, self.quoted.get(gap_segment.index, set())))
            if found is not None:
                return found
        last = c.group[-1]
        quoted_end = self.text[last.start : last.end].rstrip()
        # `"...," X said` / `"...?" she asked`: the sentence goes on after the closing mark.
        goes_on = (bool(quoted_end) and quoted_end[-1] != ".") or bool(
            c.after and c.after[0].is_lower
        )
        if not c.standalone:
            return (
                self._governing(c)
                or self._cue_in(c.before, last_first=True)
                or self._cue_in(c.after)
            )
        if goes_on and c.after:
            found = self._cue_in(c.after) or self._unlisted_verb(c.after)
            if found is not None:
                return found
        return (
            self._governing(c)
            or self._cue_in(c.before, last_first=True)
            or self._colon(c)
            or self._cue_in(c.after[:3])  # `"Grizzly Adams." Clinton said.`
            or self._sentence_before(c)
        )

    def _cue_in(self, tokens: list[Token], *, last_first: bool = False) -> _Found | None:
        """The first (or last) cue among `tokens` that has a speaker."""
        for token in reversed(tokens) if last_first else tokens:
            if not self._usable_cue(token):
                continue
            segment = self._segment_of(token)
            if segment is None:
                continue
            speaker = self._speaker_head(token, self.quoted.get(segment.index, set()))
            if speaker is not None:
                return _Found(cue=token, segment=segment, speaker=speaker)
        return None

    def _usable_cue(self, token: Token) -> bool:
        # "a play called ...", "a statement issued ...": naming and describing, not speech.
        if token.dep_ in ("acl", "amod") and token.tag_ == "VBN":
            return False
        if self.cues.is_cue(token):
            return True
        # `Trump issued a statement, "..."`, `Palin posted her message: "..."`.
        return token.tag_.startswith("VB") and any(
            c.dep_ == "dobj" and c.lemma_.lower() in self.cues.medium_nouns for c in token.children
        )

    def _unlisted_verb(self, after: list[Token]) -> _Found | None:
        """`"...," Hannity pressed.`: right after a quote that runs on, a verb with a named
        subject attributes it even when the cue list does not know the verb."""
        for token in after[:5]:
            if not token.tag_.startswith("VB") or token.pos_ == "AUX":
                continue
            segment = self._segment_of(token)
            if segment is None:
                return None
            blocked = self.quoted.get(segment.index, set())
            subject = next((c for c in token.children if c.dep_ == "nsubj"), None)
            if subject is None:
                subject = _adjacent_nominal(token, blocked, step=1)
            if subject is None or subject.pos_ not in _NOMINAL or subject.tag_ in _RELATIVE:
                return None
            return _Found(cue=token, segment=segment, speaker=self._checked(subject))
        return None

    def _governing(self, c: _Context) -> _Found | None:
        """A cue the quoted words hang from in the parse ("decried ... as "...""), within the
        paragraph."""
        runs = [(c.segment, c.first_tokens)]
        if c.last_segment is not c.segment:
            runs.append((c.last_segment, c.last_tokens))
        elif c.last_tokens[0].i != c.first_tokens[0].i:
            runs = [(c.segment, c.first_tokens + c.last_tokens)]
        for segment, tokens in runs:
            low, high = (
                c.paragraphs[c.group[0].paragraph][0],
                c.paragraphs[c.group[-1].paragraph][1],
            )
            cue = self._governing_cue(tokens, segment.start, low, high)
            if cue is not None:
                found = self._cue_in([cue])
                if found is not None:
                    return found
        return None

    def _colon(self, c: _Context) -> _Found | None:
        """`Rep. Trey Gowdy (R-S.C.): "..."`, `In a 1963 speech, he declared:` + a paragraph
        that is the quote: a colon introduces the quotation and its speaker comes before it."""
        position = c.group[0].open_mark
        while position > 0 and self.text[position - 1].isspace():
            position -= 1
        if position == 0 or self.text[position - 1] != ":":
            return None
        segment = self.tokens.segment_at(position - 1)
        if segment is None:
            return None
        blocked = self.quoted.get(segment.index, set())
        tokens = self.tokens.tokens_in(segment, 0, position)
        if not tokens or not tokens[-1].text.endswith(":"):
            return None
        colon = tokens[-1]
        sentence = _region_before(segment.doc, colon.i, blocked)
        if not sentence:
            return None
        found = self._cue_in(sentence, last_first=True)
        if found is not None:
            return found
        # No speech verb: the subject of the sentence's verb, else the name before the colon.
        for token in reversed(sentence):
            if token.tag_.startswith("VB"):
                subject = next((t for t in token.children if t.dep_ == "nsubj"), None)
                if subject is not None and subject.pos_ in _NOMINAL:
                    return _Found(None, segment, self._checked(subject), introducer=colon)
        head = _name_before(colon, blocked)
        if head is None:
            return None
        return _Found(None, segment, head, introducer=colon)

    def _sentence_before(self, c: _Context) -> _Found | None:
        """`Dianne Bystrom agreed. "Mainstream Republicans are ..."`: a quotation that opens
        its sentence, after a sentence of the same paragraph whose main verb is a cue."""
        if c.before:
            return None
        doc = c.segment.doc
        i = c.first_tokens[0].i - 1
        while i >= 0 and doc[i].is_space and "\n" not in doc[i].text:
            i -= 1
        if i < 0 or doc[i].text not in _SENTENCE_ENDS:
            return None
        blocked = self.quoted.get(c.segment.index, set())
        sentence = _region_before(doc, i, blocked)
        if not sentence or sentence[0].i - 1 in blocked:
            return None  # that sentence attributes its own quote: this one continues it
        roots = [t for t in sentence if t.dep_ == "ROOT"]
        if len(roots) != 1:
            return None
        return self._cue_in(roots)

    def _segment_of(self, token: Token) -> Segment | None:
        for segment in self.tokens.segments:
            if segment.doc is token.doc:
                return segment
        return None

    def _standalone(self, first: Piece, before: list[Token]) -> bool:
        """Does the quotation stand on its own (a direct quote), not woven into a sentence?"""
        position = first.open_mark
        while position > 0 and self.text[position - 1] in " \t":
            position -= 1
        if position == 0 or self.text[position - 1] == "\n":
            return True
        previous = self.text[position - 1]
        if previous in _STANDALONE_BEFORE or previous in QUOTE_MARKS:
            return True
        # `Trump declared "I think ..."`, `Patrick says "regardless of ..."`: the quotation is
        # the whole complement of a speech verb.
        return bool(before) and self._usable_cue(before[-1])

    def _governing_cue(self, tokens: list[Token], offset: int, low: int, high: int) -> Token | None:
        inside = {t.i for t in tokens}
        for token in tokens:
            head = token.head
            if head.i in inside or head.i == token.i:
                continue
            for _ in range(8):
                if not low <= offset + head.idx < high:
                    break
                if head.i not in inside and self._usable_cue(head):
                    return head
                if head.head.i == head.i:  # the root
                    break
                head = head.head
        return None

    def _speaker_head(self, cue: Token, blocked: set[int]) -> Token | None:
        """Who speaks through `cue`: its subject, the agent of a passive, the object of
        "according to"; None when the parse says it is no one ("a report that said")."""
        source = self.cues.source_phrase_object(cue)
        if source is not None:
            return self._checked(source)
        verb = cue
        for _ in range(4):
            for child in verb.children:
                if child.i in blocked:
                    continue
                if child.dep_ == "nsubj" or (child.dep_ == "nsubjpass" and verb.lemma_ == "quote"):
                    if child.tag_ in _RELATIVE:
                        # "Ryan, who said ...": the noun the clause hangs from; "a report
                        # that said": not a speaker.
                        if child.lower_ in ("who", "whom") and verb.dep_ == "relcl":
                            return self._checked(verb.head)
                        return None
                    if child.ent_type_ in _NOT_SPEAKERS:
                        continue
                    return self._checked(child)
                if child.dep_ == "agent":
                    agent = next((g for g in child.children if g.dep_ == "pobj"), None)
                    return self._checked(agent) if agent is not None else None
            # "It is estimated that ...", "was told": passive without an agent, no speaker.
            if any(c.dep_ in ("nsubjpass", "expl") for c in verb.children) and not any(
                c.dep_ == "agent" for c in verb.children
            ):
                return None
            if verb.dep_ in _CLIMB_DEPS and verb.head.i != verb.i and verb.head.i not in blocked:
                verb = verb.head
                continue
            break
        # No subject in the parse: the noun phrase right before the cue ("..., spokesperson
        # Major General X decried"), else right after it ("said Jim Clyburn, a ...").
        left = _adjacent_nominal(cue, blocked, step=-1)
        if left is not None:
            return self._checked(left)
        right = _adjacent_nominal(cue, blocked, step=1)
        return self._checked(right) if right is not None else None

    def _checked(self, head: Token) -> Token:
        """The head of the speaker's phrase: past an apposition ("Flynn, a top surrogate") to
        its anchor, out of a parenthesis ("John Kasich (R-OH)")."""
        doc = head.doc
        if head.dep_ == "appos" and head.head.pos_ in _NOMINAL:
            head = head.head
        for i in range(head.i - 1, max(-1, head.i - 5), -1):
            if doc[i].text == ")":
                break
            if doc[i].text == "(":
                if i > 0 and doc[i - 1].pos_ in _NOMINAL:
                    return doc[i - 1]
                break
        return head

    # -- indirect speech --

    def indirect(self, quotations: list[Attribution]) -> list[Attribution]:
        """Reported speech: "X said (that) ...", "X told Newsweek that ...", "according to X"."""
        found: list[Attribution] = []
        cues = self.cues
        phrases = numpy.array([get_string_id(p) for p in cues.source_phrases], dtype=numpy.uint64)
        for segment in self.tokens.segments:
            blocked = self.quoted.get(segment.index, set())
            doc = segment.doc
            for index in _possible_cues(doc, phrases):
                token = doc[index]
                lower = token.lower_
                if lower in cues.source_phrases:
                    source = cues.source_phrase_object(token)
                    if source is None or token.i in blocked:
                        continue
                    content = _around_phrase(token.sent, token)
                    head: Token | None = source
                elif token.tag_.startswith("VB") and token.i not in blocked:
                    if not cues.is_cue(token, indirect=True):
                        continue
                    complement = next((c for c in token.children if c.dep_ == "ccomp"), None)
                    if complement is None:
                        continue
                    content = _balanced(
                        _trimmed_tokens(
                            complement.doc, complement.left_edge.i, complement.right_edge.i + 1
                        ),
                        complement.doc,
                    )
                    head = self._speaker_head(token, blocked)
                else:
                    continue
                if content is None or head is None or head.i in blocked:
                    continue
                if head.pos_ not in _NOMINAL:
                    continue
                start, end = segment.char_span(segment.doc[content[0] : content[1]])
                if _quoted_share((start, end), self.quoted_chars) >= 0.5:
                    continue  # the quoted words are the quote (a partial one)
                words = len(self.text[start:end].split())
                if words < 2:
                    continue
                found.append(
                    Attribution(
                        kind="indirect",
                        pieces=[(start, end)],
                        paragraph=-1,
                        segment=segment,
                        cue=token,
                        speaker_head=head,
                        speaker_tokens=_np_range(head, blocked, token.i),
                        words=words,
                    )
                )
        return found


_VERB_TAGS = numpy.array([get_string_id(t) for t in ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ")],
                         dtype=numpy.uint64)  # fmt: skip


def _possible_cues(doc: Doc, phrases: numpy.ndarray) -> list[int]:
    """Indices of the verbs and of the source words ("according"; `phrases` holds their
    hashes) of a doc, read from its arrays so that no Token is built for the other words."""
    table = doc.to_array([spacy_attrs.LOWER, spacy_attrs.TAG]).reshape(len(doc), 2)
    possible = numpy.isin(table[:, 1], _VERB_TAGS) | numpy.isin(table[:, 0], phrases)
    return numpy.flatnonzero(possible).tolist()


class _Blocked:
    """Token indices of the quote plus those of the speaker, without copying the set."""

    def __init__(self, quoted: set[int], speaker: range) -> None:
        self.quoted, self.speaker = quoted, speaker

    def __contains__(self, index: object) -> bool:
        return index in self.speaker or index in self.quoted


def _np_range(head: Token, blocked: set[int], stop: int | None) -> tuple[int, int]:
    """Token range [start, end) of the speaker's noun phrase: the head's subtree when the
    parse gives it as subject (or as the object of "according to"), else the run of
    noun-phrase words around the head; never into a quote, over the cue (`stop`) or over a
    dash or bracket that sets off something else ("ORLANDO (Reuters) - President Obama")."""
    doc = head.doc
    if head.dep_ in _SUBJECT_DEPS or head.dep_ == "pobj":
        low, high = head.left_edge.i, head.right_edge.i
    else:
        low, high = _nominal_run(head, blocked, stop)

    def open_at(i: int) -> bool:
        if i in blocked or i == stop:
            return False
        token = doc[i]
        return not (token.text in _PHRASE_BREAKS and (token.whitespace_ or token.text in "()"))

    start = head.i
    while start - 1 >= low and open_at(start - 1):
        start -= 1
    end = head.i
    while end + 1 <= high and open_at(end + 1):
        end += 1
    while start < head.i and (doc[start].is_punct or doc[start].dep_ in ("cc", "prep")):
        start += 1
    while end > head.i and (doc[end].is_punct or doc[end].dep_ in ("cc", "case")):
        end -= 1
    return start, end + 1


def _trimmed_tokens(doc: Doc, low: int, high: int) -> tuple[int, int] | None:
    while low < high and doc[low].is_punct and not _is_mark(doc[low]):
        low += 1
    while high > low and doc[high - 1].is_punct and not _is_mark(doc[high - 1]):
        high -= 1
    return (low, high) if high > low else None


def _balanced(span: tuple[int, int] | None, doc: Doc) -> tuple[int, int] | None:
    """Take in the closing mark a clause leaves outside (`was a "defensive coalition."`)."""
    if span is None:
        return None
    low, high = span
    if sum(_is_mark(t) for t in doc[low:high]) % 2 == 0:
        return span
    for end in range(high, min(high + 3, len(doc))):
        if _is_mark(doc[end]):
            return low, end + 1
        if not doc[end].is_punct:
            break
    return span


def _around_phrase(sentence: SpacySpan, token: Token) -> tuple[int, int] | None:
    """The claim around "according to X": the longer side of the sentence without it."""
    left = (sentence.start, token.left_edge.i)
    right = (token.right_edge.i + 1, sentence.end)
    low, high = max((left, right), key=lambda r: r[1] - r[0])
    span = _trimmed_tokens(sentence.doc, low, high)
    if span is None or span[1] - span[0] < 3:
        return None
    doc = sentence.doc
    low, high = span
    while low < high and doc[low].dep_ == "cc":
        low += 1
    return (low, high) if high > low else None


def _quoted_share(span: tuple[int, int], quoted: list[tuple[int, int]]) -> float:
    start, end = span
    if end <= start:
        return 0.0
    inside = sum(max(0, min(end, e) - max(start, s)) for s, e in quoted)
    return inside / (end - start)


def _adjacent_nominal(cue: Token, blocked: set[int], step: int) -> Token | None:
    """The head of a noun phrase touching the cue on one side: adverbs may come between, and
    on the left a comma-set apposition or a parenthesis ("Flynn, a top surrogate, said",
    "John Kasich (R-OH), said")."""
    doc = cue.doc
    i = cue.i + step
    while 0 <= i < len(doc) and i not in blocked and doc[i].pos_ in ("ADV", "AUX", "PART"):
        i += step
    if step < 0 and i >= 0 and doc[i].text == ",":
        i -= 1
    if step < 0 and i >= 0 and doc[i].text == ")":
        while i >= 0 and doc[i].text != "(" and i not in blocked:
            i -= 1
        i -= 1
    if not 0 <= i < len(doc) or i in blocked or doc[i].pos_ not in _NOMINAL:
        return None
    if doc[i].ent_type_ in _NOT_SPEAKERS:
        return None
    if step > 0:
        # "said Jim Clyburn, a Democratic congressman": the last word of the first name run.
        while i + 1 < len(doc) and i + 1 not in blocked and doc[i + 1].pos_ == "PROPN":
            i += 1
    return doc[i]


def _nominal_run(head: Token, blocked: set[int], stop: int | None) -> tuple[int, int]:
    """The run of noun-phrase words around `head`, hyphenated words ("commander-in-chief")
    kept whole; a determiner only opens the run."""
    doc = head.doc

    def hyphen(i: int) -> bool:
        return 0 <= i < len(doc) and doc[i].text in ("-", "–") and doc[i].whitespace_ == ""

    def inner(i: int) -> bool:
        if not 0 <= i < len(doc) or i in blocked or i == stop:
            return False
        if doc[i].pos_ in _NP_INNER or hyphen(i):
            return True
        return hyphen(i - 1) and hyphen(i + 1)  # the "in" of "commander-in-chief"

    low = head.i
    while inner(low - 1) and doc[low].pos_ != "DET":
        low -= 1
    high = head.i
    while inner(high + 1) and doc[high + 1].pos_ != "DET":
        high += 1
    return low, high


# --- 3. speakers --------------------------------------------------------------------------------


@dataclass
class _Introduced:
    """A speaker named in the article so far: the phrase later mentions refer back to."""

    segment: Segment
    span: SpacySpan
    head_lemma: str
    is_person: bool
    surnames: frozenset[str]
    words: frozenset[str]


class _Speakers:
    """Resolves speakers in text order: coreference within the article, then the actor
    resolver for names and codes."""

    def __init__(self, finder: _Finder) -> None:
        self.finder = finder
        self.cues = finder.cues
        self.analyzed = finder.analyzed
        self.introduced: list[tuple[int, _Introduced]] = []
        self.persons: list[tuple[int, Segment, SpacySpan]] = sorted(
            (
                (segment.start + ent.start_char, segment, ent)
                for segment in finder.tokens.segments
                for ent in segment.ents
                if ent.label_ == "PERSON"
            ),
            key=lambda item: item[0],
        )

    def resolve(self, attributions: list[Attribution]) -> None:
        last_quote: Attribution | None = None
        last_in_paragraph: dict[int, Attribution] = {}
        for attribution in attributions:
            if attribution.speaker_head is not None:
                self._resolve(attribution)
            elif attribution.kind != "indirect" and last_quote is not None:
                self._continue(attribution, last_quote, last_in_paragraph)
            if attribution.kind != "indirect":
                if attribution.speaker is not None:
                    last_quote = attribution
                last_in_paragraph[attribution.paragraph] = attribution

    def _continue(
        self, attribution: Attribution, previous: Attribution, last: dict[int, Attribution]
    ) -> None:
        """A quote with no cue goes on with the speaker of the quote before it: in the same
        paragraph, or in the paragraph before when it opens its own paragraph."""
        same_paragraph = previous.paragraph == attribution.paragraph
        next_paragraph = (
            attribution.opens_paragraph
            and previous.paragraph == attribution.paragraph - 1
            and last.get(previous.paragraph) is previous
        )
        if not (same_paragraph or next_paragraph):
            return
        attribution.speaker = previous.speaker
        attribution.speaker_mention = previous.speaker_mention
        attribution.affiliation = previous.affiliation
        attribution.medium = previous.medium
        attribution.continued = True

    def _resolve(self, attribution: Attribution) -> None:
        segment = attribution.segment
        head = attribution.speaker_head
        assert segment is not None and head is not None and attribution.speaker_tokens
        start, end = attribution.speaker_tokens
        phrase = segment.doc[start:end]
        mention_start, mention_end = segment.char_span(phrase)
        attribution.speaker_mention = Span(text=phrase.text, start=mention_start, end=mention_end)
        earlier = self._antecedent(phrase, head, mention_start)
        full_segment, full = (earlier.segment, earlier.span) if earlier else (segment, phrase)
        chosen = self._actor(segment, phrase, head)
        if earlier is not None and (chosen is None or chosen.code is None):
            chosen = self._actor(full_segment, full, full.root) or chosen
        full_start, full_end = full_segment.char_span(full)
        attribution.speaker = Actor(
            text=full.text,
            start=full_start,
            end=full_end,
            name=chosen.name if chosen else None,
            code=chosen.code if chosen else None,
            sector=chosen.sector if chosen else None,
            matched_by=(chosen.matched_by if chosen and chosen.matched_by else None)
            or ("coref" if earlier is not None else None),
        )
        attribution.affiliation = self._affiliation(full_segment, full)
        attribution.medium = self._medium(attribution)
        # Every mention counts for recency ("she" is the speaker named last).
        item = earlier or self._introduce(full_segment, full)
        if head.pos_ != "PRON" or earlier is not None:
            self.introduced.append((mention_start, item))

    def _actor(self, segment: Segment, phrase: SpacySpan, head: Token) -> Actor | None:
        actors = self.finder.resolver.actors_for(self.analyzed, segment, phrase)
        if not actors:
            return None
        head_start, head_end = segment.char_span(head)
        for actor in actors:
            if actor.start <= head_start and head_end <= actor.end:
                return actor
        return next((a for a in actors if a.code), actors[0])

    def _introduce(self, segment: Segment, phrase: SpacySpan) -> _Introduced:
        root = phrase.root
        names = [e for e in segment.ents_in(phrase) if e.label_ == "PERSON"]
        return _Introduced(
            segment=segment,
            span=phrase,
            head_lemma=root.lemma_.lower(),
            # The phrase names a person when its head does: "Assad's office" is not one.
            is_person=root.ent_type_ == "PERSON" or root.lemma_.lower() in self.cues.role_nouns,
            surnames=frozenset(e[-1].text for e in names if len(e) > 1),
            words=frozenset(t.lemma_.lower() for t in phrase),
        )

    def _antecedent(self, phrase: SpacySpan, head: Token, offset: int) -> _Introduced | None:
        """The earlier full mention a pronoun, surname or definite description refers to."""
        before = [item for start, item in self.introduced if start < offset]
        lower = head.lower_
        if head.pos_ == "PRON":
            if lower not in self.cues.person_pronouns:
                return None
            for item in reversed(before):
                if item.is_person:
                    return item
            return self._person_before(offset, full_names_only=False)
        # A bare surname, perhaps with a title: "Rasool", "Mr. Trump", "Sen. Cruz".
        words = [
            t
            for t in phrase
            if not t.is_punct
            and not t.text.endswith(".")
            and t.lower_ not in self.cues.role_nouns
            and t.lower_ not in _HONORIFICS
        ]
        if head.pos_ == "PROPN" and len(words) == 1 and words[0].i == head.i:
            for item in before:  # the introduction, with the title and affiliation
                if head.text in item.surnames and len(item.span) > len(phrase):
                    return item
            return self._person_before(offset, full_names_only=True, surname=head.text)
        # "the senior administration official" -> "a senior Biden administration official":
        # same head, no name of its own, and no word the earlier mention lacks.
        if (
            phrase[0].lower_ in _DEFINITE
            and head.pos_ == "NOUN"
            and not any(t.pos_ == "PROPN" or t.ent_type_ == "PERSON" for t in phrase)
        ):
            words = {t.lemma_.lower() for t in phrase[1:] if not t.is_punct}
            for item in reversed(before):
                if item.head_lemma == head.lemma_.lower() and words <= item.words:
                    return item
        return None

    def _person_before(
        self, offset: int, *, full_names_only: bool, surname: str | None = None
    ) -> _Introduced | None:
        candidates = [
            (segment, ent)
            for start, segment, ent in self.persons
            if start < offset
            and (not full_names_only or len(ent) > 1)
            and (surname is None or ent[-1].text == surname)
        ]
        if not candidates:
            return None
        # A surname refers to its first, fullest mention; a pronoun to the nearest person.
        segment, ent = candidates[0] if surname else candidates[-1]
        return self._introduce(segment, ent)

    def _affiliation(self, segment: Segment, phrase: SpacySpan) -> Actor | None:
        """The organisation a person speaks for: "a spokesperson for X", "X spokesperson Y"."""
        root = phrase.root
        is_person = root.ent_type_ == "PERSON" or root.lemma_.lower() in self.cues.role_nouns
        if not is_person:
            return None
        found: SpacySpan | None = None
        for token in phrase:
            if (
                token.dep_ == "prep"
                and token.lower_ in self.cues.affiliation_preps
                and (
                    token.head.lemma_.lower() in self.cues.role_nouns
                    or token.head.ent_type_ == "PERSON"
                )
            ):
                target = next((c for c in token.children if c.dep_ == "pobj"), None)
                if target is not None and (
                    target.ent_type_ in ("ORG", "GPE", "NORP") or target.pos_ == "PROPN"
                ):
                    low = max(target.left_edge.i, phrase.start)
                    high = min(target.right_edge.i + 1, phrase.end)
                    found = phrase.doc[low:high]
                    break
        if found is None:
            for ent in segment.ents_in(phrase):
                if ent.label_ == "ORG" and not (ent.start <= root.i < ent.end):
                    found = ent
                    break
        if found is None:
            return None
        actor = self._actor(segment, found, found.root)
        start, end = segment.char_span(found)
        return Actor(
            text=found.text,
            start=start,
            end=end,
            name=actor.name if actor else None,
            code=actor.code if actor else None,
            sector=actor.sector if actor else None,
            matched_by=actor.matched_by if actor else None,
        )

    def _medium(self, attribution: Attribution) -> Span | None:
        """Where it was said: "told Newsweek", "in a statement", "on Twitter", "to reporters"."""
        cue, segment = attribution.cue, attribution.segment
        if cue is None or segment is None:
            return None
        quoted = self.finder.quoted.get(segment.index, set())
        speaker = range(*attribution.speaker_tokens) if attribution.speaker_tokens else range(0)
        blocked = _Blocked(quoted, speaker)
        verbs = [cue]
        verbs += [
            c for c in cue.children if c.dep_ == "advcl" and c.lemma_ in ("speak", "talk", "write")
        ]
        for verb in verbs:
            for child in verb.children:
                if child.i in blocked:
                    continue
                target: Token | None = None
                if child.dep_ in ("dative", "dobj", "iobj") and verb.lemma_ in _AUDIENCE_VERBS:
                    if child.ent_type_ == "ORG" or child.lemma_.lower() in self.cues.audience_nouns:
                        target = child
                elif child.dep_ == "prep":
                    target = self._medium_object(child)
                if target is not None:
                    # The medium's phrase without clauses hanging from it.
                    clauses = [c for c in target.children if c.dep_ in ("relcl", "acl")]
                    low, high = target.left_edge.i, target.right_edge.i + 1
                    if clauses:
                        high = min(c.left_edge.i for c in clauses)
                    if any(i in blocked for i in range(low, high)):
                        high = next(i for i in range(low, high) if i in blocked)
                    trimmed = _trimmed_tokens(segment.doc, low, high)
                    if trimmed is None:
                        continue
                    low, high = trimmed
                    phrase = segment.doc[low:high]
                    start, end = segment.char_span(phrase)
                    return Span(text=phrase.text, start=start, end=end)
        return None

    def _medium_object(self, prep: Token) -> Token | None:
        word = prep.lower_
        if word not in ("in", "on", "during", "via", "through", "at", "to", "with", "over"):
            return None
        target = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if target is None:
            return None
        lemma = target.lemma_.lower()
        if lemma in self.cues.medium_nouns and word != "to":
            return target
        if word in ("on", "via") and target.ent_type_ in ("ORG", "PRODUCT", "WORK_OF_ART"):
            return target
        if word == "to" and lemma in self.cues.audience_nouns:
            return target
        return None


# --- 4. records ---------------------------------------------------------------------------------


def _keep(attribution: Attribution, cues: CueLexicon) -> bool:
    """Speech, not scare quotes, titles or nicknames."""
    if attribution.kind == "indirect":
        return True
    if attribution.cue is not None or attribution.introducer is not None:
        return attribution.speaker is not None or attribution.words > cues.scare_max_words
    if attribution.kind == "partial" or attribution.words <= cues.scare_max_words:
        return False
    if attribution.speaker is not None:  # continues the quote before it
        return True
    # No speaker at all: kept when it reads as speech (sentences), not as a title.
    return attribution.words >= cues.unattributed_min_words and attribution.ends_sentence


def _piece_text(text: str, start: int, end: int, kind: str) -> tuple[int, int]:
    """Quoted words without the comma (and, in a partial quote, the full stop) that US style
    moves inside the closing mark."""
    trailing = ", \t." if kind == "partial" else ", \t"
    while end > start and text[end - 1] in trailing:
        end -= 1
    return start, end


def _cue_span(analyzed: AnalyzedArticle, attribution: Attribution, cues: CueLexicon) -> Span | None:
    cue, segment = attribution.cue or attribution.introducer, attribution.segment
    if cue is None or segment is None:
        return None
    if attribution.cue is None:  # the colon (the tokenizer may have kept "):" whole)
        end = segment.char_span(cue)[1]
        return Span(text=analyzed.article.text[end - 1 : end], start=end - 1, end=end)
    tokens = [cue]
    prep = cues.source_phrases.get(cue.lower_)
    tokens += [
        c
        for c in cue.children
        if c.dep_ == "prt" or (prep and c.dep_ == "prep" and c.lower_ == prep)
    ]
    low, high = min(t.i for t in tokens), max(t.i for t in tokens) + 1
    phrase = segment.doc[low:high]
    start, end = segment.char_span(phrase)
    return Span(text=analyzed.article.text[start:end], start=start, end=end)


def quote_id(article_id: str, start: int, kind: str) -> str:
    digest = hashlib.sha1(f"{article_id}:{start}:{kind}".encode()).hexdigest()
    return "q" + digest[:16]


def _to_quote(analyzed: AnalyzedArticle, attribution: Attribution, cues: CueLexicon) -> Quote:
    text = analyzed.article.text
    parts = []
    for start, end in attribution.pieces:
        start, end = _piece_text(text, start, end, attribution.kind)
        if end > start:
            parts.append(Span(text=text[start:end], start=start, end=end))
    medium = attribution.medium
    return Quote(
        id=quote_id(analyzed.article.id, parts[0].start, attribution.kind),
        article_id=analyzed.article.id,
        text=" ".join(p.text for p in parts),
        start=parts[0].start,
        end=parts[-1].end,
        kind=attribution.kind,  # type: ignore[arg-type]
        speaker=attribution.speaker,
        cue=_cue_span(analyzed, attribution, cues),
        medium=medium.text if medium else None,
        event_ids=[],
        parts=parts,
        speaker_mention=attribution.speaker_mention,
        affiliation=attribution.affiliation,
        medium_span=medium,
    )


# --- entry points -------------------------------------------------------------------------------


def find_quotes(
    analyzed: AnalyzedArticle, resolver: ActorResolver, cues: CueLexicon | None = None
) -> list[Quote]:
    """Every quotation and reported statement in the body of an analysed article."""
    cues = cues or load_cues()
    finder = _Finder(analyzed, resolver, cues)
    quotations = finder.quotations()
    attributions = sorted(quotations + finder.indirect(quotations), key=lambda a: a.start)
    _Speakers(finder).resolve(attributions)
    return [_to_quote(analyzed, a, cues) for a in attributions if a.pieces and _keep(a, cues)]


def link_events(analyzed: AnalyzedArticle) -> None:
    """Point each event whose trigger lies inside a quote at the innermost such quote (every
    quote holding it lists it). The event takes the quote's speaker as the source of the claim
    when it has none, or when its own source is the same mention the quote resolved ("Rasool"
    -> the full mention); a first-person actor ("we will act") becomes the speaker, or the
    organisation the speaker speaks for."""
    for event in analyzed.events:
        trigger = event.trigger or event.evidence
        holders = [q for q in analyzed.quotes if _holds(q, trigger.start, trigger.end)]
        if not holders:
            continue
        for quote in holders:
            if event.id not in quote.event_ids:
                quote.event_ids.append(event.id)
        innermost = min(holders, key=lambda q: (q.kind == "indirect", q.end - q.start))
        event.quote_id = innermost.id
        speaker = innermost.speaker
        if speaker is None:
            continue
        if event.claimed_by is None or _same_mention(event.claimed_by, innermost):
            event.claimed_by = speaker
        if (
            innermost.kind != "indirect"
            and event.actor
            and all(a.text.lower() in _FIRST_PERSON for a in event.actor)
        ):
            plural = any(a.text.lower() in ("we", "us", "our", "ours") for a in event.actor)
            source = innermost.affiliation if plural and innermost.affiliation else speaker
            event.actor = [source.model_copy(update={"matched_by": "quote"})]


_FIRST_PERSON = {"i", "me", "my", "we", "us", "our", "ours"}


def _same_mention(actor: Actor, quote: Quote) -> bool:
    spans = [s for s in (quote.speaker_mention, quote.speaker) if s is not None]
    return any(actor.start < s.end and s.start < actor.end for s in spans)


def _holds(quote: Quote, start: int, end: int) -> bool:
    parts = quote.parts or [Span(text=quote.text, start=quote.start, end=quote.end)]
    return any(p.start <= start and end <= p.end for p in parts)

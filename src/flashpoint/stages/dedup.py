"""Stage 3, dedup: reposts of the same story are folded before anything is coded.

A wire story reaches a corpus many times: under another headline, with the outlet's own
boilerplate and captions, lightly edited. Each such article is a *mention* of the story, not a
new report, and is not coded a second time.

How: the article's BODY paragraphs (parts of kind "body": no title, dateline, captions, credits
or boilerplate) are lower-cased and cut into overlapping word k-grams (shingles); a MinHash
signature (datasketch) estimates the Jaccard similarity of two articles' shingle sets, and
locality-sensitive hashing (LSH) finds the candidates worth comparing without comparing every
pair. An article whose estimated similarity to an earlier one reaches `threshold` joins that
article's cluster; the cluster's canonical article is its first (earliest stored) member, and
`duplicate_of` names it. Every article gets a `cluster_id` ("c" + the canonical id's digest),
so an article and its reposts share one, within a run and across runs.

The LSH bands live in the store (see `store/corpus.sql`, migration 3) rather than in
datasketch's in-memory `MinHashLSH`: datasketch's persistent back-ends are Redis and Cassandra,
and a corpus of a million articles would not fit in memory. datasketch still computes the
signatures and chooses the banding (b bands of r rows) that minimises false positives plus
false negatives at the threshold.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol

import numpy as np
from datasketch import MinHash, MinHashLSH

from flashpoint.model import Article

# Letters and digits, apostrophes inside words kept: "Israel's" is one token.
_WORD = re.compile(r"\w+(?:['’]\w+)*")
MINHASH_SCHEME = "affine32"
MINHASH_SEED = 1


@dataclass(frozen=True)
class DedupOptions:
    threshold: float = 0.5  # estimated Jaccard of body shingles at or above which it is a repost
    num_perm: int = 128  # MinHash permutations: more is more exact and more costly
    shingle_words: int = 4  # words per shingle

    def params(self) -> dict[str, float | int]:
        """What the stored signatures and bands depend on (to detect a change of settings)."""
        bands, rows = lsh_banding(self.threshold, self.num_perm)
        return {
            "num_perm": self.num_perm,
            "shingle_words": self.shingle_words,
            "seed": MINHASH_SEED,
            "bands": bands,
            "rows": rows,
        }


@cache
def lsh_banding(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's optimal (bands, rows) for the threshold."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def body_words(article: Article) -> list[str]:
    """Lower-cased words of the article's body paragraphs, in order."""
    words: list[str] = []
    for part in article.parts_of("body"):
        words.extend(w.lower() for w in _WORD.findall(article.part_text(part)))
    return words


def shingles(words: Sequence[str], size: int) -> set[bytes]:
    """Overlapping word k-grams; a body shorter than k words is one shingle."""
    if not words:
        return set()
    size = min(size, len(words))
    return {" ".join(words[i : i + size]).encode() for i in range(len(words) - size + 1)}


def signature(article: Article, options: DedupOptions) -> np.ndarray | None:
    """MinHash signature of the body (uint64 array), or None when there is no body text."""
    grams = shingles(body_words(article), options.shingle_words)
    if not grams:
        return None
    minhash = MinHash(num_perm=options.num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME)
    minhash.update_batch(list(grams))
    return np.asarray(minhash.hashvalues, dtype=np.uint64)


def band_keys(sig: np.ndarray, options: DedupOptions) -> list[tuple[int, int]]:
    """(band, bucket) pairs: two articles sharing any pair are candidates. Buckets are signed
    64-bit integers so that SQLite can index them."""
    bands, rows = lsh_banding(options.threshold, options.num_perm)
    keys = []
    for band in range(bands):
        chunk = sig[band * rows : (band + 1) * rows].tobytes()
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        keys.append((band, int.from_bytes(digest, "big", signed=True)))
    return keys


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Estimated Jaccard similarity: the share of MinHash values two signatures agree on."""
    return float(np.count_nonzero(first == second)) / len(first)


def cluster_id_for(canonical_id: str) -> str:
    """A cluster is named after its canonical article."""
    return "c" + canonical_id.removeprefix("a")


def signature_to_bytes(sig: np.ndarray) -> bytes:
    return sig.astype("<u8").tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<u8").astype(np.uint64)


@dataclass
class Fingerprint:
    """What dedup decided for one article, and what the store keeps to find its reposts."""

    article_id: str
    cluster_id: str
    canonical_id: str
    signature: np.ndarray | None
    keys: list[tuple[int, int]] = field(default_factory=list)
    similarity: float | None = None  # to the canonical-side match, for reposts


class SignatureIndex(Protocol):
    """Earlier articles' fingerprints, looked up by LSH band keys, in the order they came."""

    def dedup_candidates(self, keys: Sequence[tuple[int, int]]) -> list[Fingerprint]: ...


class MemoryIndex:
    """An in-memory SignatureIndex: fingerprints decided but not yet stored, and tests."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[int, int], list[str]] = {}
        self._prints: dict[str, Fingerprint] = {}
        self._order: dict[str, int] = {}
        self._added = 0

    def __len__(self) -> int:
        return len(self._prints)

    def __contains__(self, article_id: str) -> bool:
        return article_id in self._prints

    def get(self, article_id: str) -> Fingerprint | None:
        return self._prints.get(article_id)

    def add(self, fingerprint: Fingerprint) -> None:
        self._prints[fingerprint.article_id] = fingerprint
        self._order[fingerprint.article_id] = self._added
        self._added += 1
        for key in fingerprint.keys:
            self._by_key.setdefault(key, []).append(fingerprint.article_id)

    def discard(self, article_id: str) -> None:
        fingerprint = self._prints.pop(article_id, None)
        if fingerprint is None:
            return
        del self._order[article_id]
        for key in fingerprint.keys:
            members = self._by_key.get(key, [])
            if article_id in members:
                members.remove(article_id)
            if not members:
                self._by_key.pop(key, None)

    def dedup_candidates(self, keys: Sequence[tuple[int, int]]) -> list[Fingerprint]:
        found: set[str] = set()
        for key in keys:
            found.update(self._by_key.get(key, ()))
        return [self._prints[a] for a in sorted(found, key=self._order.__getitem__)]


class DuplicateFinder:
    """Decides, article by article in input order, which cluster each belongs to.

    `indexes` are searched in order (the store first, then articles decided in this run but
    not yet stored); the best match wins, the earliest on a tie."""

    def __init__(self, indexes: Iterable[SignatureIndex], options: DedupOptions) -> None:
        self.indexes = list(indexes)
        self.options = options

    def check(self, article: Article) -> Fingerprint:
        """Fingerprint the article and mark it a repost if it is one (status "duplicate")."""
        sig = signature(article, self.options)
        if sig is None:
            article.cluster_id = cluster_id_for(article.id)
            return Fingerprint(article.id, article.cluster_id, article.id, None)
        keys = band_keys(sig, self.options)
        best: Fingerprint | None = None
        best_score = -1.0
        for index in self.indexes:
            for candidate in index.dedup_candidates(keys):
                if candidate.signature is None or candidate.article_id == article.id:
                    continue
                score = similarity(sig, candidate.signature)
                if score >= self.options.threshold and score > best_score:
                    best, best_score = candidate, score
        if best is None:
            article.cluster_id = cluster_id_for(article.id)
            return Fingerprint(article.id, article.cluster_id, article.id, sig, keys)
        article.cluster_id = best.cluster_id
        article.duplicate_of = best.canonical_id
        article.status = "duplicate"
        article.status_reason = f"repost of {best.canonical_id} (body similarity {best_score:.2f})"
        return Fingerprint(
            article.id, best.cluster_id, best.canonical_id, sig, keys, round(best_score, 3)
        )

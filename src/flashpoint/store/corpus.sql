-- Migration 3 (0003_corpus): near-duplicate clusters, the LSH index that finds them, and
-- linked events (one real-world event, many reporting articles). Written by
-- `flashpoint run/ingest` (stages/dedup.py, stages/link.py); read by the API and exports.
--
--   articles.cluster_id / duplicate_of (migration 1) say which cluster an article is in and,
--   for a repost (status 'duplicate', not coded), which article is the cluster's canonical one.
--   events.link_id (migration 1) names the linked event a factual event mention belongs to
--   (NULL for negated, hypothetical and future events, which are never linked).

-- One row per near-duplicate cluster: an original article and its reposts.
CREATE TABLE IF NOT EXISTS clusters (
    id              TEXT PRIMARY KEY,          -- "c" + the canonical article id's digest
    canonical_id    TEXT NOT NULL,             -- the first stored article of the cluster
    size            INTEGER NOT NULL,          -- articles stored in it (canonical included)
    first_published TEXT,                      -- ISO 8601, earliest / latest member
    last_published  TEXT
);

-- The MinHash signature of every article with body text, kept so that the LSH buckets can
-- be rebuilt when the dedup settings change (see the settings table).
CREATE TABLE IF NOT EXISTS article_fingerprints (
    article_id   TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    cluster_id   TEXT NOT NULL,
    canonical_id TEXT NOT NULL,
    signature    BLOB NOT NULL                 -- num_perm little-endian uint64 MinHash values
);

-- The LSH index: articles sharing a (band, bucket) are compared.
CREATE TABLE IF NOT EXISTS lsh_buckets (
    band       INTEGER NOT NULL,
    bucket     INTEGER NOT NULL,               -- signed 64-bit hash of the band's rows
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, bucket, article_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS lsh_buckets_article ON lsh_buckets (article_id);

-- One row per real-world event; the columns mirror LinkedEvent (model.py), `record` is it
-- as JSON (without its mentions, which are in event_mentions).
CREATE TABLE IF NOT EXISTS linked_events (
    id               TEXT PRIMARY KEY,         -- "l" + the first mention's event id digest
    event            TEXT NOT NULL,            -- PLOVER type
    mode             TEXT,
    date             TEXT,                     -- earliest date among the mentions
    date_last        TEXT,                     -- latest
    country          TEXT,                     -- ISO3 of the first mention's place
    lat              REAL,
    lon              REAL,
    actor_codes      TEXT,                     -- padded, space-separated: " ISR "
    recipient_codes  TEXT,
    num_mentions     INTEGER NOT NULL,
    num_articles     INTEGER NOT NULL,         -- distinct articles, reposts included
    num_sources      INTEGER NOT NULL,         -- distinct outlets (unknown: one per cluster)
    num_reports      INTEGER NOT NULL,         -- distinct clusters: independently written
    first_article_id TEXT NOT NULL,            -- earliest report (by publication time)
    first_reported   TEXT,
    confidence       REAL NOT NULL,            -- grows with independent sources
    record           TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS linked_events_type_date ON linked_events (event, date);
CREATE INDEX IF NOT EXISTS linked_events_country ON linked_events (country);

-- Which article reports which linked event (one row per article and linked event, as in
-- GDELT's mentions), through which event mentions. A repost's rows point at its canonical
-- article's events (repost = 1).
CREATE TABLE IF NOT EXISTS event_mentions (
    link_id    TEXT NOT NULL REFERENCES linked_events (id),
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    event_id   TEXT NOT NULL,                  -- events.id of the first mention in the article
    event_ids  TEXT NOT NULL,                  -- all of them, space-separated
    repost     INTEGER NOT NULL DEFAULT 0,     -- (the canonical article's, for a repost)
    source     TEXT,                           -- outlet (or URL host); NULL when unknown
    published  TEXT,                           -- ISO 8601 publication time of the article
    cluster_id TEXT,                           -- the article's near-duplicate cluster
    confidence REAL NOT NULL,                  -- highest confidence of its event mentions
    PRIMARY KEY (link_id, article_id)
);
CREATE INDEX IF NOT EXISTS event_mentions_article ON event_mentions (article_id);

-- Candidate mentions for linking: same type and country, dates in a window.
CREATE INDEX IF NOT EXISTS events_link_candidates ON events (event, country, date);

-- Settings the stored data depends on (dedup: num_perm, shingle size, bands, rows).
CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

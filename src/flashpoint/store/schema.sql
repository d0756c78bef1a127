-- Flashpoint's SQLite schema, version 1. Later versions are migrations in migrations.py.
-- Full records are kept as JSON (the one data model); the columns beside them exist to filter
-- and sort without parsing JSON.

CREATE TABLE IF NOT EXISTS articles (
    id            TEXT PRIMARY KEY,
    source_id     TEXT,
    title         TEXT,
    category      TEXT,
    published     TEXT,            -- ISO 8601
    source        TEXT,
    url           TEXT,
    language      TEXT,
    status        TEXT NOT NULL,   -- coded | skipped | duplicate | failed
    status_reason TEXT,
    input_name    TEXT,
    cluster_id    TEXT,
    duplicate_of  TEXT,
    text          TEXT NOT NULL,
    record        TEXT NOT NULL,   -- the Article as JSON
    stored_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published);
CREATE INDEX IF NOT EXISTS articles_cluster ON articles (cluster_id);

CREATE TABLE IF NOT EXISTS events (
    id             TEXT PRIMARY KEY,
    article_id     TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    event          TEXT NOT NULL,
    mode           TEXT,
    date           TEXT,
    date_precision TEXT,
    actor_codes    TEXT,           -- space-separated, padded: " USA IRQ "
    recipient_codes TEXT,
    country        TEXT,           -- ISO3 of event_loc
    lat            REAL,
    lon            REAL,
    quad_code      INTEGER,
    event_scale    REAL,
    confidence     REAL,
    negated        INTEGER NOT NULL DEFAULT 0,
    hypothetical   INTEGER NOT NULL DEFAULT 0,
    future         INTEGER NOT NULL DEFAULT 0,
    background     INTEGER NOT NULL DEFAULT 0,
    section        TEXT,
    link_id        TEXT,
    record         TEXT NOT NULL   -- the Event as JSON
);
CREATE INDEX IF NOT EXISTS events_article ON events (article_id);
CREATE INDEX IF NOT EXISTS events_type_date ON events (event, date);
CREATE INDEX IF NOT EXISTS events_date ON events (date);
CREATE INDEX IF NOT EXISTS events_country ON events (country);
CREATE INDEX IF NOT EXISTS events_link ON events (link_id);

CREATE TABLE IF NOT EXISTS quotes (
    id           TEXT PRIMARY KEY,
    article_id   TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    speaker_code TEXT,
    kind         TEXT,
    record       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quotes_article ON quotes (article_id);
CREATE INDEX IF NOT EXISTS quotes_speaker ON quotes (speaker_code);

CREATE TABLE IF NOT EXISTS entities (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    text       TEXT NOT NULL,
    label      TEXT,
    code       TEXT,
    sector     TEXT,
    record     TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
);
CREATE INDEX IF NOT EXISTS entities_code ON entities (code);

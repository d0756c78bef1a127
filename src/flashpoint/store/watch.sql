-- Migration 4 (0004_watch): what `flashpoint watch` needs to resume after a restart without
-- fetching or storing anything twice (watch.py). The articles themselves are stored as
-- `ingest` stores them (articles, events, ...); these tables only say where they came from.

-- One row per watched source: a feed (RSS 2.0 / Atom, URL or file), a sitemap, or a folder.
CREATE TABLE IF NOT EXISTS watch_sources (
    id                 TEXT PRIMARY KEY,       -- the URL, or the file or folder's absolute path
    kind               TEXT NOT NULL,          -- feed | sitemap | folder (feed: sniffed later)
    name               TEXT,                   -- outlet name given in SOURCES.yaml, if any
    added_at           TEXT NOT NULL,          -- ISO 8601 UTC
    last_polled        TEXT,
    last_ok            TEXT,                   -- last poll that read the source itself
    etag               TEXT,                   -- validators of the last 200 response
    last_modified      TEXT,
    polls              INTEGER NOT NULL DEFAULT 0,
    items_seen         INTEGER NOT NULL DEFAULT 0,   -- distinct item URLs or files
    articles_stored    INTEGER NOT NULL DEFAULT 0,   -- of them, stored as articles
    items_failed       INTEGER NOT NULL DEFAULT 0,
    consecutive_errors INTEGER NOT NULL DEFAULT 0,   -- failed polls of the source in a row
    last_error         TEXT                          -- the reason of the last one
);

-- One row per item (a page URL, or a file in a watched folder) met in a source. An item is
-- written here only after its article is stored (or its failure known), so a watcher killed
-- in between fetches it once more and the store's article id keeps it from doubling.
CREATE TABLE IF NOT EXISTS watch_items (
    url         TEXT PRIMARY KEY,              -- page URL, or file path (+ '#' + mtime)
    source_id   TEXT NOT NULL,
    first_seen  TEXT NOT NULL,
    last_tried  TEXT NOT NULL,
    status      TEXT NOT NULL,                 -- stored | failed | retry
    reason      TEXT,                          -- why it failed
    article_id  TEXT,                          -- the stored article (a repost: its own id)
    text_from   TEXT,                          -- page | summary (feed summary fallback) | file
    attempts    INTEGER NOT NULL DEFAULT 1,
    retry_after TEXT                           -- status 'retry': not before this time
);
CREATE INDEX IF NOT EXISTS watch_items_source ON watch_items (source_id);

-- Every problem met, per source: a source that failed to poll (url = the source's) or an item.
CREATE TABLE IF NOT EXISTS watch_errors (
    id        INTEGER PRIMARY KEY,
    source_id TEXT NOT NULL,
    url       TEXT NOT NULL,
    at        TEXT NOT NULL,
    reason    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS watch_errors_source ON watch_errors (source_id, at);

-- The incremental alerts update's own tables (alerts.py, ensure_tables), created when an
-- update or a full computation first needs them, not by a migration: they are a cache of what
-- the events table holds, and a store without them is complete (its first update rebuilds
-- them with a full computation).
-- The incremental update's state (alerts.update): the stored alerts are those a full
-- computation gives over the events up to `watermark` (an events rowid); `first_day` is the
-- coverage start their baselines were clipped to, `config` a hash of the thresholds.
CREATE TABLE IF NOT EXISTS alerts_state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- The countable events of each actor dyad (an update reloads a touched dyad's events here;
-- countries and admin1 units go by the events' country index).
CREATE TABLE IF NOT EXISTS alerts_dyads (
    dyad        TEXT NOT NULL,      -- "AAA-BBB"
    event_rowid INTEGER NOT NULL,   -- events.rowid
    PRIMARY KEY (dyad, event_rowid)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS alerts_series ON alerts (series_type, series, quad, day);

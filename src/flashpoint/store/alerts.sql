-- Migration 5 (0005_alerts): escalation alerts (alerts.py), computed by `flashpoint alerts`
-- and after each `flashpoint watch` poll; read by `/api/alerts`. An alert's id is a hash of
-- its kind, series, quad class and day, so computing again stores nothing twice.
CREATE TABLE IF NOT EXISTS alerts (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,      -- spike | media_spike | sustained_rise | fatalities_jump |
                                    -- first_lethal | new_actor
    severity    TEXT NOT NULL,      -- low | medium | high
    day         TEXT NOT NULL,      -- ISO date the alert is for
    series_type TEXT NOT NULL,      -- dyad | country | admin1
    series      TEXT NOT NULL,      -- "AAA-BBB", "UKR", "UKR/Kharkiv"
    country     TEXT,               -- ISO3 of a country or admin1 series
    quad        INTEGER,
    media       INTEGER NOT NULL DEFAULT 0,  -- a rise in reporting, not in incidents
    score       REAL NOT NULL,      -- -log10 tail probability (0: rule without one)
    created_at  TEXT NOT NULL,
    record      TEXT NOT NULL       -- the alert as JSON (baseline, history, events)
);
CREATE INDEX IF NOT EXISTS alerts_day ON alerts (day);
CREATE INDEX IF NOT EXISTS alerts_country ON alerts (country, day);

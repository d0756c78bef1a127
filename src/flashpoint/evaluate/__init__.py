"""Scoring against gold sets: events, and (added by later issues) places, dates, quotes."""

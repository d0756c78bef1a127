"""Event ids made from their article's id first (stages/events.py `event_id`): the events of one
article share their leading characters, so that they sit together in every b-tree keyed by
event id or link id; ids stay deterministic, 17 characters long, and ids of the older form
(stored before) are found as before."""

from __future__ import annotations

from pathlib import Path

from flashpoint.model import ArticleResult
from flashpoint.stages.events import EVENT_ID_ARTICLE_CHARS, event_id
from flashpoint.stages.link import link_id_for
from flashpoint.store import Store

SHARED = 1 + EVENT_ID_ARTICLE_CHARS  # 'e' and the article's digits


def test_an_articles_events_share_their_leading_characters(example_result) -> None:
    ids = [e.id for e in example_result.events]
    assert len(ids) >= 5 and len(set(ids)) == len(ids)
    assert {len(i) for i in ids} == {17}
    assert len({i[:SHARED] for i in ids}) == 1
    article = example_result.article.id
    for event in example_result.events:
        assert event.trigger is not None
        assert event_id(article, event.trigger.start, event.event) == event.id  # deterministic
    assert event_id("a-another-article", 0, "ASSAULT")[:SHARED] != ids[0][:SHARED]
    # Two events of one article differ after the shared part.
    assert event_id(article, 10, "ASSAULT")[SHARED:] != event_id(article, 11, "ASSAULT")[SHARED:]


def test_links_named_after_an_event_share_its_articles_characters(example_result) -> None:
    ids = [e.id for e in example_result.events]
    links = [link_id_for(i) for i in ids]
    assert len({link[1:SHARED] for link in links}) == 1
    # The linker finds a linked event's first mention from the link's name.
    assert all("e" + link.removeprefix("l") == i for link, i in zip(links, ids, strict=True))


def _with_old_ids(result: ArticleResult) -> ArticleResult:
    """Another article with the same events, their ids of the form made before (hex digits
    after 'e' with no part shared by the article's events)."""
    text = result.model_dump_json().replace(result.article.id, "a-older")
    for n, event in enumerate(result.events):
        text = text.replace(event.id, f"e{n:04x}" + "9" * 12)
    return type(result).model_validate_json(text)


def test_old_and_new_ids_are_found_in_one_store(tmp_path: Path, example_result) -> None:
    old = _with_old_ids(example_result)
    with Store(tmp_path / "ids.db") as store:
        assert store.save(old) and store.save(example_result)
        for event in [*old.events, *example_result.events]:
            stored = store.event(event.id)
            assert stored is not None and stored.article_id == event.article_id
        prefix = example_result.events[0].id[:SHARED]
        assert sorted(store.event_ids_with_prefix(prefix, limit=100)) == sorted(
            e.id for e in example_result.events
        )
        assert store.event_ids_with_prefix(old.events[0].id[:8]) == [old.events[0].id]
        # Keyed by id, an article's events are one run of the primary key.
        run = [
            row[0]
            for row in store.conn.execute(
                "SELECT article_id FROM events INDEXED BY sqlite_autoindex_events_1 ORDER BY id"
            )
        ]
        first = run.index(example_result.article.id)
        assert set(run[first : first + len(example_result.events)]) == {example_result.article.id}

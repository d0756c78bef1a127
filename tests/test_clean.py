"""Cleaning: the layout of reposts (title, category, dateline, captions, boilerplate)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from flashpoint.errors import InputError
from flashpoint.stages import clean
from flashpoint.stages.read import RawDocument


def article_from(text: str, fmt: str = "text"):
    return clean.build_article(RawDocument(name="t", text=text, format=fmt))


def test_example_layout(example_path: Path) -> None:
    article = article_from(example_path.read_text(encoding="utf-8"))
    assert (
        article.title
        == "Iraq Militia Threatens US with 'Earth-Shattering' Response to Deadly Strike"
    )
    assert article.category == "War"
    assert article.published == datetime(2024, 1, 4, 21, 50)
    kinds = [p.kind for p in article.parts]
    assert kinds[:3] == ["title", "category", "dateline"]
    assert kinds[-2:] == ["boilerplate", "boilerplate"]
    (caption,) = article.parts_of("caption")
    (credit,) = article.parts_of("credit")
    assert article.part_text(caption).endswith("blamed on the U.S.")
    assert article.part_text(credit) == "AHMAD AL-RUBAYE/AFP/Getty Images"
    body = " ".join(article.part_text(p) for p in article.parts_of("body"))
    assert "Disclaimer" not in body and "developing story" not in body and "Getty" not in body


def test_article_id_is_stable_across_spacing_and_case() -> None:
    first = article_from("Rebels attacked a convoy.\n\nFour died.")
    second = article_from("  rebels attacked a   convoy.\r\n\r\nFour died.  ")
    assert first.id == second.id


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Post At: Jan 04/2024 09:50PM", datetime(2024, 1, 4, 21, 50)),
        ("Published: 4 January 2024", datetime(2024, 1, 4)),
        ("Published January 4, 2024 10:15 AM", datetime(2024, 1, 4, 10, 15)),
        ("2024-01-04T21:50:00", datetime(2024, 1, 4, 21, 50)),
        ("January 4, 2024", datetime(2024, 1, 4)),
        ("Updated: Thursday, 4 January 2024", datetime(2024, 1, 4)),
    ],
)
def test_dateline_forms(line: str, expected: datetime) -> None:
    assert clean.parse_dateline(line) == expected


@pytest.mark.parametrize(
    "line", ["War", "Iraq Militia Threatens US", "The attack killed 2024 people in total today"]
)
def test_not_a_dateline(line: str) -> None:
    assert clean.parse_dateline(line) is None


@pytest.mark.parametrize(
    ("paragraph", "credit"),
    [
        (
            "Protesters gather in Tahrir Square. KHALED DESOUKI/AFP via Getty Images",
            "KHALED DESOUKI/AFP via Getty Images",
        ),
        ("Smoke rises over Gaza City on Monday. Reuters/Mohammed Salem", "Reuters/Mohammed Salem"),
        ("Iraqi soldiers patrol Mosul. (AP Photo/Hadi Mizban)", "(AP Photo/Hadi Mizban)"),
    ],
)
def test_caption_credits(paragraph: str, credit: str) -> None:
    text = f"Title of the story here\n\nPublished: 4 January 2024\n\nBody paragraph one.\n\n{paragraph}\n\nBody two."
    article = article_from(text)
    (found,) = article.parts_of("credit")
    assert article.part_text(found) == credit
    assert article.parts_of("caption")


def test_sentence_mentioning_an_agency_is_not_a_caption() -> None:
    article = article_from("Officials said the strike killed four, according to Reuters.")
    assert [p.kind for p in article.parts] == ["body"]


def test_plain_text_without_layout_is_all_body() -> None:
    article = article_from("Police arrested ten protesters in Lagos on Monday, officials said.")
    assert [p.kind for p in article.parts] == ["body"]
    assert article.title is None and article.published is None


def test_html_page_uses_trafilatura_and_our_dateline() -> None:
    html = (
        "<html><head><title>Troops withdraw from border town</title></head><body><article>"
        "<h1>Troops withdraw from border town</h1><p>Published: 4 January 2024</p>"
        "<p>Government troops withdrew from the border town of Kessab on Thursday after a week "
        "of fighting with rebels, local officials said. The withdrawal followed talks between "
        "the two sides mediated by tribal elders, who said the truce would hold.</p>"
        "<p>Residents began returning to their homes on Friday, according to witnesses who "
        "spoke to reporters in the town square.</p></article></body></html>"
    )
    article = article_from(html, fmt="html")
    assert article.title == "Troops withdraw from border town"
    assert article.published == datetime(2024, 1, 4)
    assert "withdrew from the border town" in article.text


def test_broken_html_gives_clear_error() -> None:
    result = article_from("<html><body><div><<<</div>", fmt="html")
    assert isinstance(result, InputError) and "HTML" in result.message


@pytest.mark.parametrize(
    ("opening", "dateline"),
    [
        ("BAGHDAD (Reuters) -- ", "BAGHDAD (Reuters)"),
        ("ADDIS ABABA, May 15 (Xinhua) -- ", "ADDIS ABABA, May 15 (Xinhua)"),
        ("Moscow (Reuters) - ", "Moscow (Reuters)"),
        ("THE HAGUE, Netherlands -- ", "THE HAGUE, Netherlands"),
        # accented capitals, several places, a country of several words
        ("LYÓN, France - ", "LYÓN, France"),
        ("OSLO/KUNDUZ, Oct 21 (Wire) - ", "OSLO/KUNDUZ, Oct 21 (Wire)"),
        (
            "GARISSA, Democratic Republic of Sylvania, July 2 (Wire) - ",
            "GARISSA, Democratic Republic of Sylvania, July 2 (Wire)",
        ),
        ("Rep. Jane Porter (D-Ohio): ", None),
        ("US President Trump - ", None),
    ],
)
def test_wire_dateline_opening_the_story(opening: str, dateline: str | None) -> None:
    article = article_from(f"{opening}Officials said troops withdrew from the town on Monday.")
    found = article.parts_of("dateline")
    if dateline is None:
        assert found == [] and article.text.startswith(opening.strip())
    else:
        assert [article.part_text(p) for p in found] == [dateline]
        (body,) = article.parts_of("body")
        assert article.part_text(body).startswith("Officials said")


def test_a_story_stored_on_one_line_gets_its_paragraphs_back() -> None:
    sentences = [
        "Gunmen attacked a police post in the hill town of Varna on Monday, officials said.",
        "Gen. Ortiz told reporters the U.S. Embassy had warned of such raids for weeks.",
        "“We saw them come. They were shouting,” a shopkeeper said.",
    ]
    filler = "Residents said the market stayed shut for most of the day as patrols passed. "
    text = " ".join(sentences) + " " + filler * 14 + "Wire services contributed to this report."
    article = article_from(text)
    body = [article.text[p.start : p.end] for p in article.parts_of("body")]
    # Cut at sentence ends, never after an abbreviation or inside a quotation.
    assert body[:3] == sentences
    assert all(len(paragraph) < 200 for paragraph in body)
    # A short paragraph is never cut.
    short = article_from("One sentence here. And a second one.")
    assert [short.text[p.start : p.end] for p in short.parts_of("body")] == [
        "One sentence here. And a second one."
    ]


def test_a_quotation_running_over_lost_paragraphs_is_cut_where_it_opens_again() -> None:
    # News convention: a quotation over several paragraphs opens each one and closes the last.
    sentences = [
        "A nurse described the night: “The wards were full. We had no power.",
        "“By morning the generators failed. Nobody came,” she said.",
        "The army denied shelling the hospital on Tuesday.",
    ]
    filler = "Residents said the market stayed shut for most of the day as patrols passed. "
    text = " ".join(sentences) + " " + filler * 14
    article = article_from(text)
    body = [article.text[p.start : p.end] for p in article.parts_of("body")]
    assert body[:3] == sentences


def test_html_character_references_in_plain_text_are_characters() -> None:
    text = "Ports &amp; harbours reopened. AT&T, R&D, &quot;no&quot; &#39;yes&#39; &nosuch;"
    assert (
        clean.normalize_text(text) == "Ports & harbours reopened. AT&T, R&D, \"no\" 'yes' &nosuch;"
    )


def test_a_live_blog_entry_time_is_not_part_of_its_sentence() -> None:
    text = (
        "Protests in Lyon: live\n\n"
        "17:20 - The interior minister tells reporters she rejects calls to resign.\n\n"
        "2.15pm – Police fire tear gas at protesters.\n\n"
        "12.5 million people live in the region."
    )
    article = clean.build_article(RawDocument(name="x", text=text, meta={}))
    bodies = [article.text[p.start : p.end] for p in article.parts if p.kind == "body"]
    assert bodies == [
        "The interior minister tells reporters she rejects calls to resign.",
        "Police fire tear gas at protesters.",
        "12.5 million people live in the region.",
    ]

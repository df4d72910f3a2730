"""HTML pages as news sites write them: JSON-LD NewsArticle metadata, boilerplate on pages
without <article>/<main>, and trafilatura as the reader of article bodies (kg[html]).

The pages are written for kg, in the style of real news sites (Yoast-style JSON-LD graphs,
cookie and notification banners, alert bars, share dialogs).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.html_jsonld import news_article
from kg.html_text import extract_article
from kg.ingest import read_documents

# A WordPress news site: the article in an @graph, its author a reference to a Person node.
YOAST = """<!DOCTYPE html><html lang="en-US"><head>
<title>Tariff truce extended - Harbour Times</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "@id": "https://harbour.example/#website", "name": "Harbour Times"},
 {"@type": "WebPage", "@id": "https://harbour.example/2025/08/truce/", "name": "Tariff truce"},
 {"@type": ["NewsArticle"], "@id": "https://harbour.example/2025/08/truce/#article",
  "headline": "U.S. and China extend tariff truce by 90 days",
  "author": {"@id": "https://harbour.example/#/schema/person/ab12"},
  "datePublished": "2025-08-12T06:05:00+00:00",
  "mainEntityOfPage": {"@id": "https://harbour.example/2025/08/truce/"}},
 {"@type": "Person", "@id": "https://harbour.example/#/schema/person/ab12",
  "name": "Mei Lin Okafor"}]}</script>
</head><body>
<div class="cookie-consent" role="dialog"><p>We use cookies. Accept all cookies?</p></div>
<div class="notification-bar" role="alert"><p>Allow Notifications From Harbour Times</p></div>
<header role="banner"><p>Harbour Times Newsletter Signup</p></header>
<div class="content">
<h1>U.S. and China extend tariff truce by 90 days</h1>
<p>WASHINGTON - President Donald Trump signed an executive order extending the tariff truce
with China for another 90 days, the White House said on Monday.</p>
<p>Chinese President Xi Jinping had spoken with Trump by phone in June.</p>
<span aria-hidden="true">Share this article Facebook X</span>
</div>
<div id="newsletter-modal"><p>Sign Up For Breaking News Alerts From Our Desk</p></div>
</body></html>
"""

# A site whose JSON-LD author is a list of names and objects, with no <meta> tags at all.
AUTHORS = """<html><head><script type="application/ld+json">
[{"@type": "BreadcrumbList", "itemListElement": []},
 {"@type": "ReportageNewsArticle", "headline": "Ministers meet in Geneva",
  "author": ["Ana Ruiz", {"@type": "Person", "name": "Tom Baker"},
             {"@type": "Organization", "name": "Wire Desk"}],
  "datePublished": "2025-05-11", "url": "https://wire.example/geneva"}]
</script></head><body><article><p>Ministers met in Geneva on Sunday.</p></article></body></html>
"""


def test_json_ld_graph_gives_headline_author_date_and_url() -> None:
    page = extract_article(YOAST)
    assert page.title == "U.S. and China extend tariff truce by 90 days"  # not <title>'s
    assert page.author == "Mei Lin Okafor"  # the @id reference, resolved in the @graph
    assert page.published == "2025-08-12T06:05:00+00:00"
    assert page.url == "https://harbour.example/2025/08/truce/"


def test_json_ld_author_lists_and_subtypes() -> None:
    page = extract_article(AUTHORS)
    assert page.title == "Ministers meet in Geneva"
    assert page.author == "Ana Ruiz, Tom Baker, Wire Desk"
    assert (page.published, page.url) == ("2025-05-11", "https://wire.example/geneva")
    string_author = json.dumps({"@type": "NewsArticle", "headline": "H", "author": "Jo Bloggs"})
    assert news_article([string_author])["author"] == "Jo Bloggs"


def test_broken_or_deep_json_ld_is_passed_over() -> None:
    deep = "[" * 5_000 + "]" * 5_000
    broken = '{"@type": "NewsArticle", "headline": '
    assert news_article([deep, broken, "{}"]) == dict.fromkeys(
        ("title", "author", "published", "url")
    )
    no_article = json.dumps({"@type": "Organization", "name": "Harbour Times"})
    assert news_article([no_article])["title"] is None


def test_boilerplate_is_dropped_from_a_page_without_article_or_main() -> None:
    text = extract_article(YOAST).text
    assert text.startswith("U.S. and China extend tariff truce by 90 days\n\nWASHINGTON")
    for banner in ("cookies", "Allow Notifications", "Newsletter", "Share this", "Sign Up"):
        assert banner not in text, banner
    assert "Chinese President Xi Jinping had spoken with Trump by phone in June." in text


def test_inside_an_article_only_the_dropped_elements_go() -> None:
    page = (
        "<body><article><p>Talks resumed.</p><div class='alert-box'>Alert: talks resumed"
        "</div></article><div role='alert'>Allow Notifications</div></body>"
    )
    assert extract_article(page).text == "Talks resumed.\n\nAlert: talks resumed"


def test_metadata_reaches_the_document(tmp_path: Path) -> None:
    (tmp_path / "truce.html").write_text(YOAST, encoding="utf-8")
    (doc,) = read_documents([tmp_path], html_reader="stdlib")
    assert (doc.title, doc.author) == (
        "U.S. and China extend tariff truce by 90 days",
        "Mei Lin Okafor",
    )
    assert doc.published == "2025-08-12T06:05:00+00:00"


def test_trafilatura_reads_the_body_and_offsets_point_into_its_text(tmp_path: Path) -> None:
    pytest.importorskip("trafilatura", reason="kg[html] not installed")
    from kg.nlp import shared_nlp
    from kg.pipeline import run_build
    from kg.results import Settings

    page = extract_article(YOAST, reader="trafilatura")
    assert page.text == extract_article(YOAST, reader="trafilatura").text  # deterministic
    assert "Allow Notifications" not in page.text and "cookies" not in page.text
    assert "Chinese President Xi Jinping had spoken with Trump by phone in June." in page.text
    assert page.author == "Mei Lin Okafor"  # the metadata is read by kg in either case
    (tmp_path / "truce.html").write_text(YOAST, encoding="utf-8")
    result = run_build([tmp_path], None, Settings(html_reader="trafilatura"), nlp=shared_nlp())
    (doc,) = result.documents
    assert doc.text == page.text  # what kg stored is what trafilatura gave
    office = next(
        f for f in result.facts if f.kind == "office" and f.fields["holder"].label == "Xi Jinping"
    )
    (ev,) = office.evidence
    assert ev.quote == "Chinese President Xi Jinping"
    assert doc.text[ev.start : ev.end] == "Chinese President Xi Jinping"


def test_auto_uses_trafilatura_only_when_it_is_installed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kg.html_text

    (tmp_path / "truce.html").write_text(YOAST, encoding="utf-8")
    monkeypatch.setattr(kg.html_text, "trafilatura_available", lambda: False)
    (auto,) = read_documents([tmp_path])
    (stdlib,) = read_documents([tmp_path], html_reader="stdlib")
    assert auto.text == stdlib.text


def test_auto_stands_for_the_reader_installed_here() -> None:
    """A Dask build fixes "auto" on the driver (kg.distributed.DaskReading), so that workers
    read each page as a local build here would."""
    from kg.html_text import chosen_reader, trafilatura_available

    assert chosen_reader("auto") == ("trafilatura" if trafilatura_available() else "stdlib")
    assert chosen_reader("stdlib") == "stdlib"

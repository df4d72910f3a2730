"""Tests of kg.ingest: reading .txt, .md, .html and .jsonl articles into Documents."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.html_text import HtmlTooDeep, HtmlTooManyElements, extract_article
from kg.ingest import InputWarning, normalise_date, read_documents

DATA = Path(__file__).parent / "data"
FORMATS = DATA / "formats"
BAD = DATA / "bad_inputs"
EXAMPLE = Path(__file__).parents[1] / "examples" / "trump-xi-call"


def read(inputs, **kwargs):
    """All documents and warnings of one read (HTML by the standard library's reader, which
    these tests are of; tests/test_html_reading.py has trafilatura's)."""
    kwargs.setdefault("html_reader", "stdlib")
    warnings: list[InputWarning] = []
    docs = list(read_documents(inputs, on_warning=warnings.append, **kwargs))
    return docs, warnings


def by_id(docs):
    return {doc.id: doc for doc in docs}


# --- bad inputs -------------------------------------------------------------------------------


def test_bad_folder_reads_to_completion_with_one_warning_per_problem_file():
    docs, warnings = read([BAD])
    assert [doc.id for doc in docs] == ["bom", "empty", "script"]
    named = sorted(Path(w.path).name for w in warnings)
    assert named == ["binary.txt", "empty.txt", "latin1.txt"]
    skipped = {Path(w.path).name: w.skipped for w in warnings}
    assert skipped == {"binary.txt": True, "latin1.txt": True, "empty.txt": False}


def test_binary_file_is_reported_as_not_text():
    _, warnings = read([BAD / "binary.txt"])
    assert len(warnings) == 1
    assert "binary file, not text" in warnings[0].problem
    assert warnings[0].path == str(BAD / "binary.txt")


def test_latin1_file_names_byte_offset_and_suggests_iconv():
    _, warnings = read([BAD / "latin1.txt"])
    (warning,) = warnings
    offset = (BAD / "latin1.txt").read_bytes().index("é".encode("latin-1"))
    assert f"byte offset {offset}" in warning.problem
    assert "iconv -f latin1 -t utf-8" in warning.problem
    assert warning.skipped


def test_empty_document_is_yielded_with_a_warning():
    docs, warnings = read([BAD / "empty.txt"])
    assert [doc.id for doc in docs] == ["empty"]
    (warning,) = warnings
    assert "empty document: no facts" in warning.problem
    assert not warning.skipped


def test_bom_is_stripped_and_nothing_else_changes():
    (doc,) = read([BAD / "bom.txt"])[0]
    assert not doc.text.startswith("\ufeff")
    assert doc.text == (BAD / "bom.txt").read_bytes()[3:].decode("utf-8")
    assert doc.text.startswith("The Swiss National Bank")


def test_script_and_style_content_never_reach_the_text():
    (doc,) = read([BAD / "script.html"])[0]
    assert "alert" not in doc.text
    assert "color: red" not in doc.text
    assert doc.text == (
        "The central bank of Norway kept its key rate at 4.5 percent,"
        " the governor said on Thursday."
    )
    assert doc.title == "Rate cut"


def test_strict_mode_raises_naming_the_file():
    with pytest.raises(InputError) as caught:
        list(read_documents([BAD], strict=True))
    assert caught.value.path == str(BAD / "binary.txt")
    assert "binary.txt" in str(caught.value)


def test_strict_mode_raises_on_undecodable_file():
    with pytest.raises(InputError, match="latin1.txt: not valid UTF-8"):
        list(read_documents([BAD / "latin1.txt"], strict=True))


def test_strict_mode_still_yields_empty_document():
    warnings: list[InputWarning] = []
    docs = list(read_documents([BAD / "empty.txt"], strict=True, on_warning=warnings.append))
    assert [doc.id for doc in docs] == ["empty"]
    assert len(warnings) == 1


def test_missing_and_unsupported_inputs_are_warned_and_skipped(tmp_path):
    notes = tmp_path / "notes.docx"
    notes.write_bytes(b"PK\x03\x04")
    docs, warnings = read([tmp_path / "missing.txt", notes, FORMATS / "port-strike.txt"])
    assert [doc.id for doc in docs] == ["port-strike"]
    assert [(Path(w.path).name, w.skipped) for w in warnings] == [
        ("missing.txt", True),
        ("notes.docx", True),
    ]
    assert "no such file" in warnings[0].problem
    assert "'.docx'" in warnings[1].problem


def test_warnings_go_to_the_kg_ingest_logger_without_callback(caplog):
    with caplog.at_level(logging.WARNING, logger="kg.ingest"):
        docs = list(read_documents([BAD]))
    assert len(docs) == 3
    records = [r for r in caplog.records if r.name == "kg.ingest"]
    assert len(records) == 3
    assert all(r.levelno == logging.WARNING for r in records)
    assert any("latin1.txt" in r.getMessage() for r in records)


# --- formats ----------------------------------------------------------------------------------


def test_formats_folder_ids_order_and_formats():
    docs, warnings = read([FORMATS])
    assert [(doc.id, doc.format) for doc in docs] == [
        ("eu-steel-tariff", "md"),
        ("g7-summit", "html"),
        ("port-strike", "txt"),
        ("brief-rates", "jsonl"),
        ("wire-briefs-3", "jsonl"),
    ]
    assert [w.path for w in warnings] == [f"{FORMATS / 'wire-briefs.jsonl'}:2"]
    assert warnings[0].skipped
    assert "invalid JSON" in warnings[0].problem


def test_sha256_is_the_digest_of_the_text():
    for doc in read([FORMATS, BAD])[0]:
        assert doc.sha256 == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()


def test_txt_text_is_the_exact_file_content_and_offsets_line_up():
    (doc,) = read([FORMATS / "port-strike.txt"])[0]
    content = (FORMATS / "port-strike.txt").read_text(encoding="utf-8")
    assert doc.text == content
    start = content.index("FNV union")
    assert doc.text[start : start + len("FNV union")] == "FNV union"
    assert doc.path == str(FORMATS / "port-strike.txt")
    assert doc.title is None and doc.published is None


def test_markdown_front_matter_metadata_and_body():
    (doc,) = read([FORMATS / "eu-steel-tariff.md"])[0]
    raw = (FORMATS / "eu-steel-tariff.md").read_text(encoding="utf-8")
    assert doc.text == raw[raw.index("The European Commission") :]
    assert doc.title == "EU raises tariff on Chinese steel to 25 percent"
    assert doc.author == "Maria Lopez, Henrik Olsen"
    assert doc.published == "2025-06-05"
    assert doc.url == "https://news.example.org/2025/06/05/eu-steel-tariff"
    assert doc.language == "en"


def test_html_article_text_and_metadata():
    (doc,) = read([FORMATS / "g7-summit.html"])[0]
    assert doc.text.startswith("G7 leaders agree on critical minerals plan\n\nBy Claire Dubois")
    assert "critical minerals & rare earths." in doc.text
    assert "reduce\u00a0dependence" in doc.text  # &nbsp; kept as U+00A0
    assert "Japan\u2019s delegation welcomed the agreement." in doc.text
    assert "single supplier.\nOfficials said" in doc.text  # <br> is a line break
    for absent in ("dataLayer", "trackRead", "font-family", "Home", "Related", "Subscribe", "©"):
        assert absent not in doc.text
    assert "The Daily Ledger" not in doc.text  # the site header is outside the <article>
    assert "  " not in doc.text and doc.text == doc.text.strip()
    assert doc.title == "G7 leaders agree on critical minerals plan"
    assert doc.author == "Claire Dubois"
    assert doc.published == "2025-06-16T09:30:00+00:00"
    assert doc.url == "https://ledger.example.com/world/g7-minerals"
    assert doc.language == "en-GB"


def test_jsonl_ids_metadata_and_bad_line():
    docs, warnings = read([FORMATS / "wire-briefs.jsonl"])
    docs_by_id = by_id(docs)
    assert list(docs_by_id) == ["brief-rates", "wire-briefs-3"]
    rates = docs_by_id["brief-rates"]
    assert rates.text.startswith("The Bank of England held its main interest rate at 4.25 percent")
    assert rates.title == "Bank of England holds rates"
    assert rates.published == "2025-06-05"
    assert rates.path == str(FORMATS / "wire-briefs.jsonl")
    assert docs_by_id["wire-briefs-3"].published == "2025-06-05"
    assert docs_by_id["wire-briefs-3"].url is None
    assert len(warnings) == 1 and warnings[0].path.endswith("wire-briefs.jsonl:2")


def test_jsonl_blank_lines_ignored_and_each_bad_line_reported(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"text": "Brazil cut its benchmark rate by half a point."}\n'
        "\n"
        '{"id": "no-text", "title": "Missing"}\n'
        '{"text": 42}\n'
        '["a list"]\n'
        '{"text": "Kenya signed a trade pact with the EU.", "published": "last week"}\n',
        encoding="utf-8",
    )
    docs, warnings = read([feed])
    assert [doc.id for doc in docs] == ["feed-1", "feed-6"]
    assert docs[1].published is None
    paths = [w.path.rsplit(":", 1)[1] for w in warnings]
    assert paths == ["3", "4", "5", "6"]
    assert [w.skipped for w in warnings] == [True, True, True, False]
    assert '"text"' in warnings[0].problem
    assert "string" in warnings[1].problem
    assert "'last week'" in warnings[3].problem


def test_crlf_line_endings_are_preserved(tmp_path):
    raw = "Oil prices rose on Friday.\r\nBrent crude gained 2 percent.\r\n"
    (tmp_path / "oil.txt").write_bytes(raw.encode("utf-8"))
    (tmp_path / "oil-note.md").write_bytes(
        ("---\r\ntitle: Oil\r\npublished: 5 June 2025\r\n---\r\n" + raw).encode("utf-8")
    )
    docs = by_id(read([tmp_path])[0])
    assert docs["oil"].text == raw
    assert docs["oil-note"].text == raw
    assert docs["oil-note"].title == "Oil"
    assert docs["oil-note"].published == "2025-06-05"


def test_malformed_front_matter_is_skipped(tmp_path):
    (tmp_path / "broken.md").write_text("---\ntitle: [unclosed\n---\nText.\n", encoding="utf-8")
    (tmp_path / "open.md").write_text("---\ntitle: Never closed\nText.\n", encoding="utf-8")
    (tmp_path / "plain.md").write_text("# Heading\n\nNo front matter here.\n", encoding="utf-8")
    docs, warnings = read([tmp_path])
    assert [doc.id for doc in docs] == ["plain"]
    assert docs[0].text == "# Heading\n\nNo front matter here.\n"
    assert [(Path(w.path).name, w.skipped) for w in warnings] == [
        ("broken.md", True),
        ("open.md", True),
    ]
    assert "front matter" in warnings[0].problem and "front matter" in warnings[1].problem


def test_duplicate_ids_keep_the_first_and_name_both_paths(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "report.txt").write_text("The first report.", encoding="utf-8")
    (tmp_path / "b" / "report.md").write_text("The second report.", encoding="utf-8")
    docs, warnings = read([tmp_path])
    assert [(doc.id, doc.text) for doc in docs] == [("report", "The first report.")]
    (warning,) = warnings
    assert warning.skipped
    assert str(tmp_path / "a" / "report.txt") in warning.problem
    assert warning.path == str(tmp_path / "b" / "report.md")
    with pytest.raises(InputError, match="duplicate document id"):
        list(read_documents([tmp_path], strict=True))


def test_folders_walk_sorted_skipping_hidden_and_unsupported(tmp_path):
    for name in ("zeta.txt", "beta/gamma.md", "alpha.html", ".hidden.txt", ".git/x.txt", "n.csv"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<p>Port of {path.stem} reopened.</p>", encoding="utf-8")
    # zeta.txt is named twice (alone and inside the folder) and read once
    docs, warnings = read([tmp_path / "zeta.txt", tmp_path])
    assert warnings == []
    assert [Path(doc.path).relative_to(tmp_path).as_posix() for doc in docs] == [
        "alpha.html",
        "beta/gamma.md",
        "zeta.txt",
    ]
    assert [doc.text for doc in docs] == [
        "Port of alpha reopened.",
        "<p>Port of gamma reopened.</p>",
        "<p>Port of zeta reopened.</p>",
    ]


def test_order_does_not_depend_on_input_order():
    forward = [doc.id for doc in read([FORMATS, BAD])[0]]
    backward = [doc.id for doc in read([BAD, FORMATS])[0]]
    assert forward == backward


def test_empty_folder_is_reported(tmp_path):
    docs, warnings = read([tmp_path])
    assert docs == []
    assert len(warnings) == 1 and warnings[0].skipped and warnings[0].path == str(tmp_path)


# --- sample corpus ----------------------------------------------------------------------------


def test_sample_corpus_reads_five_documents_verbatim():
    docs, warnings = read([EXAMPLE])
    files = sorted(EXAMPLE.glob("*.txt"))
    assert warnings == []
    assert len(docs) == 5
    assert [doc.id for doc in docs] == [path.stem for path in files]
    for doc, path in zip(docs, files, strict=True):
        assert doc.text == path.read_bytes().decode("utf-8")
        assert doc.format == "txt"


# --- dates and HTML details -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2025-06-05", "2025-06-05"),
        ("2025-06-05T14:03:00Z", "2025-06-05T14:03:00+00:00"),
        ("2025-06-05T14:03:00+02:00", "2025-06-05T14:03:00+02:00"),
        ("June 5, 2025", "2025-06-05"),
        ("5 June 2025", "2025-06-05"),
        ("Thursday, June 5, 2025", "2025-06-05"),
        ("Sept. 30, 2024", "2024-09-30"),
        ("1st March 2024", "2024-03-01"),
        ("  Jun 5 2025 ", "2025-06-05"),
    ],
)
def test_normalise_date_accepts_news_dates(written, iso):
    assert normalise_date(written) == iso


@pytest.mark.parametrize(
    "written", ["last week", "2025-13-01", "June 31, 2025", "Smarch 5, 2025", "2025", ""]
)
def test_normalise_date_rejects_non_dates(written):
    assert normalise_date(written) is None


def test_html_falls_back_to_main_then_body():
    with_main = extract_article(
        "<body><nav>Menu</nav><main><h2>Markets</h2><p>Stocks fell.</p></main>"
        "<p>Cookie notice</p></body>"
    )
    assert with_main.text == "Markets\n\nStocks fell."
    assert with_main.title is None  # no og:title, <title> or <h1>
    body_only = extract_article(
        "<html><body><h1>Floods  in\n Valencia</h1><div>Rain fell for <b>three</b> days."
        "</div></body></html>"
    )
    assert body_only.text == "Floods in Valencia\n\nRain fell for three days."
    assert body_only.title == "Floods in Valencia"


def test_html_optional_end_tags_close_as_browsers_close_them():
    # <p>, <li>, <td>... need no end tag: the next one closes the open one, so 6,000
    # paragraphs without </p> are 6,000 paragraphs, not nested 6,000 deep (html-depth 5,000)
    page = extract_article("<body>" + "<p>Rates rose." * 6_000, max_depth=5_000)
    assert page.text == "\n\n".join(["Rates rose."] * 6_000)
    nested = extract_article(
        "<article><ul><li>Steel<ul><li>Rebar<li>Wire</ul><li>Aluminium</ul>"
        "<table><tr><td>A<td>B<tr><td>C</table><p>After</article>",
        max_depth=5,  # each list item and cell closes its open sibling: never 6 open at once
    )
    assert nested.text == "Steel\n\nRebar\n\nWire\n\nAluminium\n\nA B\n\nC\n\nAfter"
    with pytest.raises(HtmlTooDeep):
        extract_article("<div>" * 6 + "x", max_depth=5)  # a <div> does need its end tag


def test_html_elements_are_bounded():
    assert extract_article("<br>" * 10 + "x", max_elements=10).text == "x"
    with pytest.raises(HtmlTooManyElements, match="<br> at line 1, column 41"):
        extract_article("<br>" * 11 + "x", max_elements=10)


def test_html_time_element_gives_published_date():
    page = extract_article(
        "<article><p>Talks <time datetime='2025-06-05T08:00'>Thursday</time>.</p></article>"
    )
    assert page.published == "2025-06-05T08:00"
    assert page.text == "Talks Thursday."


def test_html_ignores_dropped_articles_svg_titles_and_hidden_blocks():
    page = extract_article(
        "<body><aside><article><p>Related: Gold hits a record</p></article></aside>"
        "<svg><title>Share icon</title></svg><div hidden>Subscriber-only teaser</div>"
        "<p>Wheat exports from Ukraine rose 12 percent.<p>&nbsp;</p>"
        "<table><tr><th>Port</th><th>Tonnes</th></tr><tr><td>Odesa</td><td>1.2m</td></tr></table>"
    )
    assert page.text == ("Wheat exports from Ukraine rose 12 percent.\n\nPort Tonnes\n\nOdesa 1.2m")
    assert page.title is None


def test_html_published_from_time_element_is_normalised(tmp_path):
    (tmp_path / "ceasefire.html").write_text(
        "<html lang='fr'><body><article><h1>Ceasefire talks resume</h1>"
        "<p><time datetime='June 5, 2025'>5 juin</time> Negotiators met in Doha.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    (doc,) = read([tmp_path])[0]
    assert doc.published == "2025-06-05"
    assert doc.title == "Ceasefire talks resume"
    assert doc.language == "fr"
    assert doc.text == "Ceasefire talks resume\n\n5 juin Negotiators met in Doha."


def test_a_dateline_with_its_year_gives_the_publication_date(tmp_path):
    # written for kg, in the manner of press releases on CNW, PR Newswire and gov.uk mirrors
    texts = {
        "cnw.txt": "OTTAWA, ON, Oct. 8, 2025 /CNW/ - Today, the Prime Minister met him.\n",
        "prn.txt": "WASHINGTON, Sept. 8, 2023 /PRNewswire/ -- The company announced a deal.\n",
        "uk.txt": "LONDON, 5 June 2024 — The Prime Minister spoke with the Chancellor.\n",
        "wire.txt": "BEIJING, March 3 (Reuters) - China said on Monday it would retaliate.\n",
        "plain.txt": "WASHINGTON – U.S. Senator Jane Doe announced today that she will run.\n",
    }
    for name, text in texts.items():
        (tmp_path / name).write_text(text, "utf-8")
    (tmp_path / "meta.md").write_text(
        "---\npublished: 2024-01-02\n---\nLONDON, 5 June 2024 — The minister spoke.\n", "utf-8"
    )
    got = {d.id: d.published for d in read_documents([tmp_path])}
    assert got == {
        "cnw": "2025-10-08",
        "prn": "2023-09-08",
        "uk": "2024-06-05",
        "wire": None,  # no year: no date
        "plain": None,  # no dateline date
        "meta": "2024-01-02",  # the metadata wins over the dateline
    }

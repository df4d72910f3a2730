"""Tests of kg.evaluate: gold parsing, name/title/duration matching, scoring and the gold sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kg.evaluate import EvalError, evaluate, format_report, load_gold
from kg.evaluate.gold import FACT_KINDS, KINDS, parse_claim
from kg.evaluate.index import NameIndex
from kg.evaluate.names import normalise_name, same_duration, title_keys
from kg.ingest import read_documents

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "trump-xi-call"
GOLD_SETS = sorted(p.parent for p in (ROOT / "tests" / "data" / "gold").glob("*/gold.yaml"))
ALL_GOLD = [SAMPLE, *GOLD_SETS]
LEAD_BUILD = ROOT / "exports" / "trump-xi-call"


def _texts(folder: Path) -> dict[str, str]:
    return {doc.id: doc.text for doc in read_documents([folder])}


# --- names, titles, durations -----------------------------------------------------------------


def test_normalise_name_folds_case_accents_articles_and_honorifics() -> None:
    assert normalise_name("Cecilia Malmström") == normalise_name("cecilia MALMSTROM")
    assert normalise_name("the United States") == normalise_name("United States")
    assert normalise_name("Mr. Smith") == "smith"
    assert normalise_name("U.S.") == normalise_name("US")
    assert normalise_name("the") == "the"  # never stripped to nothing


def test_title_keys_accept_word_order_and_organisation_prefix() -> None:
    assert "commerce secretary" in title_keys("Secretary of Commerce")
    assert title_keys("Secretary of the Treasury") & title_keys("Treasury Secretary")
    us = {"us", "united states"}
    assert "president" in title_keys("U.S. President", us)
    assert "president" in title_keys("President of the United States", us)
    assert not title_keys("Vice President", us) & title_keys("President", us)


def test_durations_compare_by_length_not_spelling() -> None:
    assert same_duration("90 days", "P90D")
    assert same_duration("PT90M", "PT1H30M")
    assert same_duration("2 days", "P2D")
    assert not same_duration("90 days", "P90M")
    assert not same_duration("90 days", None)


def test_phrases_resolve_through_gold_aliases_and_lexicon_demonyms() -> None:
    index = NameIndex([["China", "Beijing", "Chinese"], ["United States", "U.S.", "US"]])
    assert index.resolve_phrase("Chinese goods") == "China"
    assert index.resolve_phrase("US imports") == "United States"
    # The gold's own names come first: "U.S. steel" is US steel, not the company U.S. Steel.
    assert index.resolve_phrase("U.S. steel") == "United States"
    assert index.resolve_phrase("imported steel") is None
    # Without a gold alias, the lexicon's demonyms still apply (ontology/lexicon/countries.yaml).
    assert NameIndex([]).resolve_phrase("Canadian aluminum") == "Canada"


def test_a_person_named_only_by_a_gold_alias_of_several_words_matches() -> None:
    # a text that writes only "President Xi": the entity "Xi" has that alias, as the gold does
    people = [["Xi Jinping", "President Xi"], ["Jane Roe", "Roe"]]
    entities = {
        "xi": {"id": "xi", "label": "Xi", "aliases": ["President Xi", "Xi"]},
        "roe": {"id": "roe", "label": "Ann Roe", "aliases": ["Roe", "Ann Roe"]},
    }
    index = NameIndex([], entities, people)
    assert index.matches("Xi Jinping", entities["xi"])
    # a shared one-word alias proves nothing: "Ann Roe" is not "Jane Roe"
    assert not index.matches("Jane Roe", entities["roe"])


def test_contested_claim_splits_into_status_title_and_organisation() -> None:
    index = NameIndex([["United States", "U.S."]])
    claim = parse_claim("former President of the United States", index.resolve_name)
    assert claim == {"title": "President", "of": "United States", "status": "former"}
    claim = parse_claim("Secretary of the Treasury of the United States", index.resolve_name)
    assert claim == {"title": "Secretary of the Treasury", "of": "United States", "status": None}


# --- gold files -------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", ALL_GOLD, ids=lambda p: p.name)
def test_gold_file_parses_with_required_keys(folder: Path) -> None:
    raw = yaml.safe_load((folder / "gold.yaml").read_text(encoding="utf-8"))
    assert {"docs", "people", "organizations", "tariffs", "events", "figures"} <= set(raw)
    gold = load_gold(folder / "gold.yaml")
    kinds = {item.kind for item in gold.items}
    assert {"office", "authorship"} <= kinds
    assert gold.people and all(p.fields["name"] for p in gold.people)
    for item in gold.items:
        assert item.kind in FACT_KINDS and item.docs and item.quote


@pytest.mark.parametrize("folder", ALL_GOLD, ids=lambda p: p.name)
def test_gold_quotes_appear_verbatim_in_their_documents(folder: Path) -> None:
    gold = load_gold(folder / "gold.yaml")
    texts = _texts(folder)
    assert set(gold.docs) == set(texts), "gold docs and article files differ"
    for item in gold.items:
        assert any(item.quote in texts[doc] for doc in item.docs), (item.where, item.quote)


@pytest.mark.parametrize("folder", GOLD_SETS, ids=lambda p: p.name)
def test_gold_set_folder_is_documented_and_sized_like_news(folder: Path) -> None:
    assert "written for testing" in (folder / "README").read_text(encoding="utf-8")
    texts = _texts(folder)
    assert 2 <= len(texts) <= 3
    for doc_id, text in texts.items():
        assert 100 <= len(text.split()) <= 400, doc_id
        assert "By " in text, doc_id


def test_gold_errors_name_the_item_and_the_missing_key(tmp_path: Path) -> None:
    path = tmp_path / "gold.yaml"
    path.write_text(
        "docs: {a: {}}\npeople:\n  - name: X\n    offices:\n      - {title: T, docs: [a]}\n"
    )
    with pytest.raises(EvalError, match=r"people\[0\]\.offices\[0\].*'quote'"):
        load_gold(path)
    path.write_text("docs: {a: {}}\npeople: []\nfigures:\n  - {value: 1, docs: [b], quote: q}\n")
    with pytest.raises(EvalError, match=r"figures\[0\]\.docs.*'b'"):
        load_gold(path)
    path.write_text("people: []\n")
    with pytest.raises(EvalError, match="'docs'"):
        load_gold(path)


# --- scoring a hand-made build ----------------------------------------------------------------


def _ref(label: str, type_: str = "Person") -> dict[str, str]:
    return {"id": f"e:{label}", "label": label, "type": type_}


def _source(texts: dict[str, str], doc: str, quote: str, shift: int = 0) -> dict[str, Any]:
    start = texts[doc].index(quote) + shift
    return {
        "doc": doc,
        "sentence": quote,
        "start": start,
        "end": start + len(quote),
        "quote": quote,
        "extractor": "test.v1",
        "confidence": 1.0,
    }


US, CN = _ref("United States", "Country"), _ref("China", "Country")


def _fact(fid: str, kind: str, source: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"id": fid, "kind": kind, "sources": [source], **fields}


def _hand_build(folder: Path) -> None:
    """A build of the sample corpus with right and wrong facts, written by hand."""
    t = _texts(SAMPLE)
    d0, d1, d2, d3, d4 = sorted(t)
    trump, xi, bessent = _ref("Donald Trump"), _ref("President Xi"), _ref("Scott Bessent")
    office, event = "office", "event"
    # fmt: off
    facts: list[dict[str, Any]] = [
        # office: 4 right (one contested, one titled "Chinese President"), 1 wrong title
        _fact("f:bessent", office, _source(t, d2, "Treasury Secretary Scott Bessent"),
              holder=bessent, title="Secretary of the Treasury", organization=US,
              as_written=["Treasury Secretary"], status="current"),
        _fact("f:trump", office, _source(t, d1, "U.S. President Donald Trump"),
              holder=trump, title="President", organization=US, as_written=["U.S. President"],
              status="current", conflicts_with=["f:trump-former"]),
        _fact("f:trump-former", office, _source(t, d0, "former U.S. President Donald Trump"),
              holder=trump, title="President", organization=US,
              as_written=["former U.S. President"], status="former", conflicts_with=["f:trump"]),
        _fact("f:xi", office, _source(t, d0, "Chinese President Xi Jinping"),
              holder=xi, title="Chinese President", organization=CN, as_written=[], status=None),
        _fact("f:lutnick", office, _source(t, d2, "Commerce Secretary Howard Lutnick"),
              holder=_ref("Howard Lutnick"), title="Secretary of the Treasury", organization=US,
              as_written=[], status="current"),
        # tariff: 1 right (duration written as ISO), 1 without the previous rate gold gives
        _fact("f:t30", "tariff", _source(t, d3, "Trump dropping tariffs on Chinese goods"),
              imposed_by=US, target=CN, goods="Chinese goods", rate_percent=30,
              previous_rate_percent=145, duration="P90D"),
        _fact("f:t10", "tariff", _source(t, d3, "China cutting its tariffs on US imports"),
              imposed_by=CN, target=US, goods="US imports", rate_percent=10,
              previous_rate_percent=None, duration=None),
        # event: 3 right (synonym type, partial participants, PT1H30M == PT90M), 1 wrong
        _fact("f:call", event, _source(t, d1, "The 90-minute conversation"),
              event_type="phone_call", participants=[trump, xi], initiator=trump, invitees=[],
              place=None, date=None, date_text="Thursday", duration="PT1H30M", topics=["trade"]),
        _fact("f:talks", event, _source(t, d2, "Treasury Secretary Scott Bessent"),
              event_type="talks", participants=[bessent], initiator=None, invitees=[], place=None),
        _fact("f:invite", event, _source(t, d3, "Xi had “graciously” invited him"),
              event_type="invitation", participants=[xi], initiator=xi,
              invitees=[trump, _ref("Melania Trump")], place=CN),
        _fact("f:visit", event, _source(t, d4, "Trump had previously visited China"),
              event_type="visit", participants=[trump], initiator=None, invitees=[],
              place=_ref("Mar-a-Lago", "Place")),
        # affiliation, authorship: 1 right and 1 wrong each (the wrong one also 3 characters off)
        _fact("f:singleton", "affiliation", _source(t, d3, "Craig Singleton of the Foundation"),
              person=_ref("Craig Singleton"), role=None,
              organization=_ref("Foundation for Defense of Democracies", "ThinkTank")),
        _fact("f:wildau", "affiliation", _source(t, d3, "Gabriel Wildau of consultancy Teneo"),
              person=_ref("Gabriel Wildau"), organization=_ref("Xinhua", "Media"), role=None),
        _fact("f:mbua", "authorship", _source(t, d1, "Written By Rodney Mbua"),
              author=_ref("Rodney Mbua"), doc=d1),
        _fact("f:dhole", "authorship",
              _source(t, d3, "Anurag Dhole is a seasoned journalist", shift=3),
              author=_ref("Anurag Dhole"), doc=d1),
        # figure: right, unit spelled differently; a quote, which the gold does not score
        _fact("f:deficit", "figure", _source(t, d4, "$295 billion"), subject="trade imbalance",
              value=295e9, unit="US dollars", date="2024", entities=[US, CN]),
        _fact("f:quote", "quote", _source(t, d0, "very good"), speaker=trump, text="very good"),
    ]
    # fmt: on
    for fact in facts:
        fact.setdefault("conflicts_with", [])
        fact["support"] = len({s["doc"] for s in fact["sources"]})
    names = [
        "Donald Trump",
        "President Xi",
        "Scott Bessent",
        "Howard Lutnick",
        "Craig Singleton",
        "Gabriel Wildau",
        "Rodney Mbua",
        "Anurag Dhole",
        "Jane",
    ]
    entities = [
        {"id": f"e:{n}", "label": n, "type": "Person", "aliases": [n], "docs": []} for n in names
    ]
    entities += [
        {
            "id": "e:United States",
            "label": "United States",
            "type": "Country",
            "aliases": ["U.S.", "US"],
            "docs": [],
        }
    ]
    folder.mkdir()
    (folder / "facts.jsonl").write_text("".join(json.dumps(f) + "\n" for f in facts))
    (folder / "entities.jsonl").write_text("".join(json.dumps(e) + "\n" for e in entities))


def test_evaluate_counts_right_and_wrong_facts_per_kind(tmp_path: Path) -> None:
    _hand_build(tmp_path / "build")
    report = evaluate(SAMPLE / "gold.yaml", SAMPLE, tmp_path / "build")
    counts = {s.kind: (s.tp, s.fp, s.fn) for s in report.scores}
    assert counts == {
        "office": (4, 1, 3),
        "tariff": (1, 1, 2),
        "event": (3, 1, 4),
        "affiliation": (1, 1, 1),
        "authorship": (1, 1, 1),
        "figure": (1, 0, 0),
        "person": (8, None, 2),
    }
    assert [s.kind for s in report.scores] == list(KINDS)
    office = report.score("office")
    assert office.precision == pytest.approx(4 / 5) and office.recall == pytest.approx(4 / 7)
    assert report.overall.tp == 11 and report.overall.gold == 22 and report.overall.predicted == 16
    assert report.unscored == {"quote": 1}
    assert report.person_extras == ["Jane"]


def test_evaluate_reports_misses_extras_conflicts_and_provenance(tmp_path: Path) -> None:
    _hand_build(tmp_path / "build")
    report = evaluate(SAMPLE / "gold.yaml", SAMPLE, tmp_path / "build")
    assert (report.conflicts.expected, report.conflicts.flagged) == (1, 1)
    lutnick = next(m for m in report.misses if m.gold.startswith("Howard Lutnick"))
    assert lutnick.quote == "Secretary of Commerce Howard Lutnick"
    assert lutnick.nearest == "f:lutnick" and lutnick.differences[0].startswith("title")
    assert lutnick.location and lutnick.location.startswith("000_")
    extra = next(e for e in report.extras if e.fact_id == "f:wildau")
    assert extra.quote == "Gabriel Wildau of consultancy Teneo" and extra.doc.startswith("003_")
    bessent = next(m for m in report.matches if m.fact_id == "f:bessent")
    assert bessent.provenance.doc_recall == pytest.approx(1 / 3)
    assert bessent.provenance.spans_exact and bessent.provenance.quote_covered is False
    call = next(m for m in report.matches if m.fact_id == "f:call")
    assert call.provenance.quote_covered is True
    assert call.details == {
        "all participants": True,
        "initiator": True,
        "date": True,
        "topics": True,
    }
    # one source was written three characters off: the only bad span
    assert report.provenance.spans_checked == 17
    assert report.provenance.spans_exact == 16
    assert [b.fact_id for b in report.provenance.bad_spans] == ["f:dhole"]
    text = format_report(report)
    assert "Secretary of Commerce Howard Lutnick" in text and "f:wildau" in text
    assert json.loads(json.dumps(report.to_dict()))["scores"][0]["kind"] == "office"


def test_evaluate_rejects_a_missing_or_broken_build(tmp_path: Path) -> None:
    with pytest.raises(EvalError, match="facts.jsonl: not found"):
        evaluate(SAMPLE / "gold.yaml", SAMPLE, tmp_path)
    (tmp_path / "facts.jsonl").write_text('{"id": "x", "kind": "office"}\n{oops\n')
    with pytest.raises(EvalError, match=r"facts.jsonl:2: not valid JSON"):
        evaluate(SAMPLE / "gold.yaml", SAMPLE, tmp_path)
    with pytest.raises(EvalError, match="corpus folder not found"):
        evaluate(SAMPLE / "gold.yaml", tmp_path / "nowhere", tmp_path)


# --- a build made from the gold itself scores perfectly ----------------------------------------


def _perfect_build(folder: Path, gold_dir: Path) -> None:
    """Facts that state exactly what the gold says, each with a source on its gold quote."""
    gold = load_gold(gold_dir / "gold.yaml")
    texts = _texts(gold_dir)
    refs: dict[str, dict[str, str]] = {}

    def ref(name: str | None) -> dict[str, str] | None:
        if name is None:
            return None
        refs.setdefault(name, _ref(name, "Thing"))
        return refs[name]

    facts = []
    for n, item in enumerate(gold.items):
        g = item.fields
        fact: dict[str, Any] = {"id": f"f:{n}", "kind": item.kind, "conflicts_with": []}
        if item.kind == "office":
            fact |= {
                "holder": ref(g["holder"]),
                "title": g["title"],
                "organization": ref(g["of"]),
                "as_written": [],
                "status": g["status"] or "current",
            }
            if item.contested:
                fact["conflicts_with"] = ["f:other"]
        elif item.kind == "tariff":
            fact |= {
                "imposed_by": ref(g["imposed_by"]),
                "target": ref(g["target"]),
                "rate_percent": g["rate_percent"],
                "duration": g["duration"],
                "previous_rate_percent": g["previous_rate_percent"],
                "status": g["status"],
            }
        elif item.kind == "event":
            fact |= {
                "event_type": g["event_type"],
                "participants": [ref(p) for p in g["participants"]],
                "initiator": ref(g["inviter"] or g["initiator"]),
                "invitees": [ref(p) for p in g["invitees"]],
                "place": ref(g["places"][0]) if g["places"] else None,
                "date": g["date"],
                "duration": g["duration"],
                "topics": g["topics"],
            }
        elif item.kind == "affiliation":
            fact |= {"person": ref(g["person"]), "organization": ref(g["org"]), "role": g["role"]}
        elif item.kind == "authorship":
            fact |= {"author": ref(g["author"]), "doc": g["doc"]}
        elif item.kind == "figure":
            fact |= {
                "subject": g["subject"],
                "value": g["value"],
                "unit": g["unit"],
                "date": g["date"],
            }
        fact["sources"] = [
            _source(texts, d, item.quote) for d in item.docs if item.quote in texts[d]
        ]
        facts.append(fact)
    for person in gold.people:
        refs[person.label] = _ref(person.label)
    folder.mkdir()
    (folder / "facts.jsonl").write_text("".join(json.dumps(f) + "\n" for f in facts))
    (folder / "entities.jsonl").write_text(
        "".join(
            json.dumps({**r, "aliases": [r["label"]], "docs": []}) + "\n" for r in refs.values()
        )
    )


@pytest.mark.parametrize("folder", ALL_GOLD, ids=lambda p: p.name)
def test_a_build_stating_the_gold_scores_perfectly(tmp_path: Path, folder: Path) -> None:
    _perfect_build(tmp_path / "build", folder)
    report = evaluate(folder / "gold.yaml", folder, tmp_path / "build")
    for score in report.scores:
        assert score.fn == 0 and score.fp in (0, None), score
    assert report.overall.tp > 0 and not report.problems
    assert report.conflicts.flagged == report.conflicts.expected
    # each fact matched its own gold item, not a look-alike (same rate, same title, ...)
    assert all(m.provenance.quote_covered for m in report.matches)
    assert report.provenance.spans_exact == report.provenance.spans_checked


# --- the lead's build of the sample corpus ------------------------------------------------------


@pytest.mark.skipif(not (LEAD_BUILD / "facts.jsonl").is_file(), reason="no sample build exported")
def test_report_on_the_exported_sample_build_is_well_formed() -> None:
    report = evaluate(SAMPLE / "gold.yaml", SAMPLE, LEAD_BUILD)
    assert [s.kind for s in report.scores] == list(KINDS)
    for score in report.scores:
        assert score.tp + score.fn == score.gold
        if score.predicted is not None:
            assert score.tp + (score.fp or 0) == score.predicted
        for rate in (score.precision, score.recall, score.f1):
            assert rate is None or 0.0 <= rate <= 1.0
    assert len(report.matches) == report.overall.tp
    assert len(report.misses) == report.overall.fn
    assert len(report.extras) == report.overall.fp
    assert json.loads(json.dumps(report.to_dict()))["gold_path"].endswith("gold.yaml")
    assert "precision" in format_report(report)


def test_a_fact_matches_only_gold_of_its_own_documents_and_other_is_any_unnamed_type(
    tmp_path: Path,
) -> None:
    """A predicted fact whose sources lie in none of a gold item's documents is not that item
    (two reports of one kind of event in different articles are not each other); a gold event
    of kind `other` takes any predicted type outside the brief's kinds."""
    text = "The European Commission launched an anti-subsidy investigation into Chinese cars."
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a", "b"):
        (corpus / f"{name}.txt").write_text(text, encoding="utf-8")
    gold = tmp_path / "gold.yaml"
    gold.write_text(
        "docs: {a: {}, b: {}}\npeople: []\nevents:\n"
        "  - {kind: other, what: investigation, participants: [European Commission],"
        " docs: [a], quote: 'launched an anti-subsidy investigation'}\n",
        encoding="utf-8",
    )
    ec = _ref("European Commission", "GovernmentBody")

    def scored(doc: str, event_type: str) -> tuple[int, int]:
        build = tmp_path / f"build-{doc}-{event_type}"
        build.mkdir()
        source = _source({doc: text}, doc, "launched an anti-subsidy investigation")
        fact = _fact("f:x", "event", source, event_type=event_type, participants=[ec])
        fact.update(conflicts_with=[], support=1)
        (build / "facts.jsonl").write_text(json.dumps(fact) + "\n")
        (build / "entities.jsonl").write_text(json.dumps({**ec, "aliases": [], "docs": [doc]}))
        score = evaluate(gold, corpus, build).score("event")
        return score.tp, score.fp

    assert scored("a", "investigation") == (1, 0)
    assert scored("b", "investigation") == (0, 1)  # the same words, in another article
    assert scored("a", "meeting") == (0, 1)  # a kind of the brief is no `other`

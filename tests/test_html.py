"""The single-file HTML viewer: structure, escaping, determinism, scale mode, atomic write."""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.errors import ExportError
from kg.export.html import (
    build_view_data,
    embed_json,
    locate_quote,
    render_html,
    summarise_fact,
    write_html,
)

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
CORPUS = ROOT / "examples" / "trump-xi-call"
DATA_BLOCK = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)
HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>window.pwned=1</script>",
    "quote \" and ' and back\\slash",
    "\u202eright-to-left override \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",
    "emoji \U0001f984 and \u2028line\u2029separators & <!-- comment",
]


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def facts() -> list[dict]:
    return load_jsonl(DATA / "viewer_facts.jsonl")


@pytest.fixture(scope="module")
def entities() -> list[dict]:
    return load_jsonl(DATA / "viewer_entities.jsonl")


def data_of(page: str) -> dict:
    blocks = DATA_BLOCK.findall(page)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def outside_data(page: str) -> str:
    return DATA_BLOCK.sub("", page)


def test_fixture_offsets_match_the_corpus(facts: list[dict]) -> None:
    texts = {p.stem: p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt")}
    kinds = set()
    for fact in facts:
        kinds.add(fact["kind"])
        assert fact["support"] == len({s["doc"] for s in fact["sources"]})
        for src in fact["sources"]:
            assert texts[src["doc"]][src["start"] : src["end"]] == src["quote"]
            assert src["sentence"] in texts[src["doc"]]
            assert src["quote"] in src["sentence"]
    assert kinds == {"office", "tariff", "event", "affiliation", "figure", "quote", "authorship"}


def test_page_is_self_contained(facts: list[dict], entities: list[dict]) -> None:
    page = render_html(facts, entities, {"title": "sample"})
    rest = outside_data(page)
    for pattern in (
        r"<script[^>]*\ssrc",
        r"<link",
        r"@import",
        r"url\(\s*['\"]?https?:",
        r"<iframe",
    ):
        assert not re.search(pattern, rest, re.I), pattern
    # The only URLs outside the data are licence and comment strings of vis-network itself.
    vis = (ROOT / "kg" / "assets" / "vis-network").glob("vis-network.*")
    vis_text = "".join(p.read_text(encoding="utf-8") for p in vis)
    for url in re.findall(r"https?://[^\s\"')]+", rest):
        assert url in vis_text, url
    assert "Content-Security-Policy" in page and "connect-src 'none'" in page
    assert len(re.findall(r"^<script", page, re.M)) == 3 and page.count("</script>") == 3


def test_hostile_strings_are_escaped_data(facts: list[dict], entities: list[dict]) -> None:
    entities = copy.deepcopy(entities)
    for i, text in enumerate(HOSTILE):
        entities.append(
            {"id": f"urn:x:{i}", "label": text, "type": text, "aliases": [text], "docs": [text]}
        )
    summary = {"title": HOSTILE[1], "docs": {HOSTILE[0]: {"title": HOSTILE[1], "url": HOSTILE[2]}}}
    page = render_html(facts, entities, summary)
    block = DATA_BLOCK.findall(page)[0]
    for char in "<>&\u2028\u2029":
        assert char not in block
    assert "\\u003c/script\\u003e\\u003cscript\\u003e" in block
    data = data_of(page)
    labels = {n["label"] for n in data["nodes"]}
    assert set(HOSTILE) <= labels
    assert data["meta"]["title"] == HOSTILE[1]
    for text in HOSTILE:
        if "<" in text:
            assert text not in page
    assert "pwned" not in outside_data(page)


@given(st.recursive(st.text() | st.integers() | st.none(), lambda c: st.lists(c, max_size=4)))
def test_embedded_json_round_trips_and_has_no_unsafe_characters(value: object) -> None:
    text = embed_json({"v": value})
    assert not re.search("[<>&\u2028\u2029\ud800-\udfff]", text)
    assert json.loads(text) == {"v": value}


def test_same_input_gives_identical_bytes(facts: list[dict], entities: list[dict]) -> None:
    summary = {"title": "t", "documents": 5, "build_seconds": 1.5}
    first = render_html(facts, entities, summary)
    shuffled = render_html(list(reversed(facts)), list(reversed(entities)), dict(summary))
    assert first == shuffled


class _Drawing:
    """The view data of ``build_view_data``, indexed for the checks of one fact kind each."""

    def __init__(self, data: dict) -> None:
        self.nodes, self.edges = data["nodes"], data["edges"]
        self.index = {f["id"]: i for i, f in enumerate(data["facts"])}
        self.node_of = {n["id"]: i for i, n in enumerate(self.nodes)}

    def node(self, node_id: str) -> dict:
        return self.nodes[self.node_of[node_id]]

    def edges_of(self, fact: dict) -> list[tuple[str, str, str, int]]:
        """(from, to, label, dashed) of each edge drawn for ``fact``."""
        k, nodes = self.index[fact["id"]], self.nodes
        return [(nodes[e[0]]["id"], nodes[e[1]]["id"], e[2], e[4]) for e in self.edges if e[3] == k]


def _check_office(fact: dict, drawn: list, drawing: _Drawing) -> None:
    dashed = 1 if fact["status"] == "former" else 0
    assert drawn == [(fact["holder"]["id"], fact["organization"]["id"], fact["title"], dashed)]


def _check_affiliation(fact: dict, drawn: list, drawing: _Drawing) -> None:
    label = fact["role"] or "affiliated with"
    assert drawn == [(fact["person"]["id"], fact["organization"]["id"], label, 0)]


def _check_quote(fact: dict, drawn: list, drawing: _Drawing) -> None:
    assert drawn == [] and fact["id"] not in drawing.node_of
    assert drawing.index[fact["id"]] in drawing.node(fact["speaker"]["id"])["facts"]


def _check_authorship(fact: dict, drawn: list, drawing: _Drawing) -> None:
    doc_node = drawing.node("doc:" + fact["doc"])
    assert doc_node["type"] == "Document"
    assert drawn == [(fact["author"]["id"], doc_node["id"], "author of", 0)]


def _check_event(fact: dict, drawn: list, drawing: _Drawing) -> None:
    node = drawing.node(fact["id"])
    assert (node["type"], node["label"]) == ("Event", fact["event_type"].replace("_", " "))
    linked = {(s, d): label for s, d, label, _ in drawn}
    for ref in fact["participants"]:
        assert "participant" in linked[(ref["id"], fact["id"])]
    if fact["initiator"]:
        assert "initiator" in linked[(fact["initiator"]["id"], fact["id"])]
    for ref in fact["invitees"]:
        assert linked[(fact["id"], ref["id"])] == "invitee"
    if fact["place"]:
        assert linked[(fact["id"], fact["place"]["id"])] == "place"


def _check_tariff(fact: dict, drawn: list, drawing: _Drawing) -> None:
    node = drawing.node(fact["id"])
    assert (node["type"], node["label"]) == ("Tariff", f"tariff {fact['rate_percent']}%")
    assert (fact["imposed_by"]["id"], fact["id"], "imposed by", 0) in drawn
    assert (fact["id"], fact["target"]["id"], "target", 0) in drawn


def _check_figure(fact: dict, drawn: list, drawing: _Drawing) -> None:
    assert drawing.node(fact["id"])["type"] == "Figure"
    assert {d for _, d, _, _ in drawn} == {e["id"] for e in fact["entities"]}


# How each kind is drawn: an edge (office, affiliation, authorship), a node with edges (event,
# tariff, figure), or no edge at all (a quote is listed on its speaker's node).
DRAWN_AS = {
    "office": _check_office,
    "affiliation": _check_affiliation,
    "quote": _check_quote,
    "authorship": _check_authorship,
    "event": _check_event,
    "tariff": _check_tariff,
    "figure": _check_figure,
}


def test_every_fact_kind_is_drawn_as_specified(facts: list[dict], entities: list[dict]) -> None:
    drawing = _Drawing(build_view_data(facts, entities, {}))
    assert {f["kind"] for f in facts} <= set(DRAWN_AS)
    for fact in facts:
        DRAWN_AS[fact["kind"]](fact, drawing.edges_of(fact), drawing)


def test_panel_data_carries_evidence_and_conflicts(facts: list[dict], entities: list[dict]) -> None:
    data = build_view_data(facts, entities, {})
    view = {f["id"]: f for f in data["facts"]}
    conflicted = [f for f in facts if f["conflicts_with"]]
    assert conflicted
    for fact in conflicted:
        assert view[fact["id"]]["conflicts"] == fact["conflicts_with"]
        for other in fact["conflicts_with"]:
            assert view[other]["summary"]
    for fact in facts:
        shown = view[fact["id"]]
        assert shown["support"] == fact["support"]
        for src, out in zip(fact["sources"], shown["sources"], strict=True):
            sentence = data["sentences"][out["s"]]
            assert sentence == src["sentence"]
            assert data["docs"][out["doc"]]["id"] == src["doc"]
            a, b = out["mark"]
            assert sentence.encode("utf-16-le")[2 * a : 2 * b].decode("utf-16-le") == src["quote"]
            assert (out["extractor"], out["confidence"]) == (src["extractor"], src["confidence"])


def test_search_names_include_aliases(facts: list[dict], entities: list[dict]) -> None:
    data = build_view_data(facts, entities, {})
    by_id = {n["id"]: n for n in data["nodes"]}
    for entity in entities:
        node = by_id[entity["id"]]
        assert set(node["aliases"]) | {node["label"]} == set(entity["aliases"]) | {entity["label"]}
        if entity.get("wikidata"):
            assert node["wikidata"] == entity["wikidata"]


def test_locate_quote_counts_utf16_and_tolerates_whitespace() -> None:
    assert locate_quote("The minister said no.", "minister") == (4, 12)
    assert locate_quote("\U0001f984 Ada Lovelace spoke", "Ada Lovelace") == (3, 15)
    assert locate_quote("from 145 per cent\u00a0to 30 per cent", "145 per cent to 30") == (5, 23)
    assert locate_quote("Nothing here.", "elsewhere") is None
    assert locate_quote("Short.", "") is None


def test_summaries_say_what_each_kind_states() -> None:
    ada = {"id": "urn:p:ada", "label": "Ada Example", "type": "Person"}
    land = {"id": "urn:c:land", "label": "Examplia", "type": "Country"}
    other = {"id": "urn:c:other", "label": "Otherland", "type": "Country"}
    cases = [
        ({"kind": "office", "holder": ada, "title": "Minister", "organization": land,
          "status": "former"}, "Ada Example — Minister, Examplia (former)"),
        ({"kind": "tariff", "imposed_by": land, "target": other, "goods": "steel",
          "rate_percent": 30, "previous_rate_percent": 145.5, "duration": "P90D",
          "status": "reduced"},
         "Tariff by Examplia on steel, target Otherland: 145.5% → 30%, P90D (reduced)"),
        ({"kind": "event", "event_type": "phone_call", "participants": [ada, land],
          "initiator": ada, "invitees": [], "place": None, "date_text": "Thursday"},
         "phone call: Ada Example, Examplia; initiated by Ada Example; Thursday"),
        ({"kind": "affiliation", "person": ada, "organization": land, "role": None},
         "Ada Example — Examplia"),
        ({"kind": "figure", "subject": "deficit", "value": 2.5e9, "unit": "USD", "date": "2024"},
         "deficit: 2.5 billion USD (2024)"),
        ({"kind": "quote", "speaker": ada, "text": "We agree."}, "Ada Example: “We agree.”"),
        ({"kind": "authorship", "author": ada, "doc": "d1"}, "Ada Example wrote Title One"),
    ]  # fmt: skip
    for fact, expected in cases:
        assert summarise_fact(fact, {"d1": {"title": "Title One"}}) == expected


def test_above_max_nodes_the_page_starts_large(facts: list[dict], entities: list[dict]) -> None:
    small = build_view_data(facts, entities, {}, max_nodes=1500)
    large = build_view_data(facts, entities, {}, max_nodes=5)
    assert small["meta"]["large"] is False and large["meta"]["large"] is True
    weights = [n["weight"] for n in large["nodes"]]
    assert weights == sorted(weights, reverse=True)
    assert large["nodes"][0]["x"] == 0 and large["nodes"][0]["y"] == 0
    radii = [math.hypot(n["x"], n["y"]) for n in large["nodes"]]
    assert radii == sorted(radii)


def test_references_missing_from_entities_still_get_nodes(facts: list[dict]) -> None:
    data = build_view_data(facts, [], {})
    holders = {f["holder"]["id"] for f in facts if f["kind"] == "office"}
    assert holders <= {n["id"] for n in data["nodes"]}


@pytest.mark.parametrize(
    ("facts", "entities", "kw", "message"),
    [
        ([{"kind": "office"}], [], {}, "facts[0] has no string 'id'"),
        ([{"id": "a", "kind": "quote"}] * 2, [], {}, "holds id 'a' twice"),
        ([], [], {"max_nodes": 0}, "max_nodes must be a positive integer"),
        (
            [{"id": "a", "kind": "quote", "sources": [{"doc": "d", "confidence": math.nan}]}],
            [],
            {},
            "NaN",
        ),
    ],
)
def test_bad_input_raises_export_error(facts: list, entities: list, kw: dict, message: str) -> None:
    with pytest.raises(ExportError, match=re.escape(message)):
        render_html(facts, entities, {}, **kw)


def test_write_html_is_atomic(tmp_path: Path, facts: list[dict], entities: list[dict]) -> None:
    target = tmp_path / "out" / "graph.html"
    write_html(facts, entities, {}, target)
    assert target.read_text(encoding="utf-8") == render_html(facts, entities, {})
    assert [p.name for p in target.parent.iterdir()] == ["graph.html"]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ExportError, match="cannot write the HTML viewer"):
        write_html(facts, entities, {}, blocker / "graph.html")


def test_real_build_output_renders() -> None:
    out = ROOT / "exports" / "trump-xi-call"
    if not (out / "facts.jsonl").is_file() or not (out / "entities.jsonl").is_file():
        pytest.skip(
            "no build output yet: run `kg build examples/trump-xi-call --out exports/trump-xi-call`"
        )
    facts, entities = load_jsonl(out / "facts.jsonl"), load_jsonl(out / "entities.jsonl")
    data = data_of(render_html(facts, entities, {}))
    assert len(data["facts"]) == len(facts)
    assert {e["id"] for e in entities} <= {n["id"] for n in data["nodes"]}
    for fact in data["facts"]:
        for src in fact["sources"]:
            assert src["mark"] is not None or src["quote"] not in data["sentences"][src["s"]]


def test_vendored_vis_network_matches_its_record(
    facts: list[dict], entities: list[dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    """vis-network ships inside kg (kg/assets/vis-network), as VENDORED.md records it, and the
    viewer renders without pyvis, which is no longer a dependency."""
    import hashlib
    import sys

    import tomllib

    folder = ROOT / "kg" / "assets" / "vis-network"
    record = (folder / "VENDORED.md").read_text(encoding="utf-8")
    assert "9.1.2" in record and "Apache-2.0" in record and "MIT" in record
    for name in ("vis-network.min.js", "vis-network.css"):
        digest = hashlib.sha256((folder / name).read_bytes()).hexdigest()
        assert f"`{name}` {digest}" in record, name
    assert "@version 9.1.2" in (folder / "vis-network.min.js").read_text(encoding="utf-8")[:400]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert not [d for d in project["dependencies"] if d.lower().startswith("pyvis")]
    monkeypatch.setitem(sys.modules, "pyvis", None)  # an import of pyvis would now fail
    page = render_html(facts, entities, {"title": "no pyvis"})
    assert (folder / "vis-network.min.js").read_text(encoding="utf-8") in page

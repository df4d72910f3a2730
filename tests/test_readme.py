"""The README's SPARQL examples run on the sample build and answer with its facts."""

from __future__ import annotations

import re

import pyoxigraph as ox

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
QUERIES = re.findall(r"```sparql\n(.*?)```", README, re.S)


def test_readme_has_queries() -> None:
    assert QUERIES


def test_readme_queries_answer_on_the_sample(sample_build) -> None:
    _, out = sample_build
    store = ox.Store()
    store.bulk_load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    text = {p.stem: p.read_text("utf-8") for p in (ROOT / "examples/trump-xi-call").glob("*.txt")}
    for query in QUERIES:
        rows = list(store.query(query))
        assert rows, query
    rows = list(store.query(QUERIES[0]))
    holders = {r["holder"].value for r in rows}
    assert {"Scott Bessent", "Howard Lutnick", "Jamieson Greer", "Xi Jinping"} <= holders
    for r in rows:  # every answer carries a sentence that holds its span
        doc = r["doc"].value
        doc_id = next(k for k in text if k.replace("_", "-") in doc)
        quote = text[doc_id][int(r["start"].value) : int(r["end"].value)]
        assert quote and quote in r["sentence"].value


def test_readme_lists_exactly_the_exit_codes() -> None:
    from kg.commands.common import ExitCode

    sentence = "Exit codes: " + "; ".join(f"`{c.value}` {c.meaning}" for c in ExitCode) + "."
    assert sentence in " ".join(README.split())
    store_doc = (ROOT / "docs" / "store.md").read_text("utf-8")
    table = store_doc.split("\n## Exit codes\n", 1)[1].split("\n## ", 1)[0]
    assert [int(c) for c in re.findall(r"^\| (\d+) \|", table, re.M)] == [c.value for c in ExitCode]


def test_readme_limits_table_lists_every_limit_with_its_default() -> None:
    import dataclasses

    from kg.limits import Limits

    section = README[README.index("## Limits\n") :]
    rows = dict(re.findall(r"^\| `([a-z-]+)` \| ([\d,]+) \|", section, re.MULTILINE))
    expected = {
        f.name.replace("_", "-"): f"{getattr(Limits(), f.name):,}"
        for f in dataclasses.fields(Limits)
    }
    assert rows == expected

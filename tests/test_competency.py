"""The competency questions of the sample corpus, one SPARQL query each, against the built graph.

Queries live in tests/competency/*.rq (also usable as examples), expected answers in
tests/competency/expected.yaml. Queries use explicit GRAPH patterns, so they run unchanged on
any SPARQL 1.1 store holding the dataset.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml

HERE = Path(__file__).parent / "competency"
QUERIES = sorted(HERE.glob("*.rq"))
EXPECTED = yaml.safe_load((HERE / "expected.yaml").read_text("utf-8"))


_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def _seconds(text: str) -> int:
    """An xsd:duration without years or months in seconds: PT90M and PT1H30M are equal."""
    m = _DURATION.match(text)
    if m is None:
        raise ValueError(f"not a day-time duration: {text!r}")
    d, h, mi, s = (int(g or 0) for g in m.groups())
    return ((d * 24 + h) * 60 + mi) * 60 + s


def _value(name: str, term: ox.NamedNode | ox.Literal) -> object:
    text = term.value
    if name == "duration":
        return float(_seconds(text))
    if name == "doc":
        return text[:3]
    if name == "kind":
        return text.rsplit("#", 1)[-1]
    try:
        return float(text) if any(c.isdigit() for c in text) and "-" not in text else text
    except ValueError:
        return text


def _normal(row: dict) -> tuple:
    if isinstance(row.get("duration"), str):
        row = {**row, "duration": float(_seconds(row["duration"]))}
    return tuple(
        sorted(
            (k, float(v) if isinstance(v, int) else str(v) if not isinstance(v, float) else v)
            for k, v in row.items()
        )
    )


@pytest.fixture(scope="module")
def store(sample_build) -> ox.Store:
    _, out = sample_build
    s = ox.Store()
    s.bulk_load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    return s


def run(store: ox.Store, path: Path) -> list[dict]:
    solutions = store.query(path.read_text("utf-8"))
    names = [v.value for v in solutions.variables]
    return [{n: _value(n, row[n]) for n in names if row[n] is not None} for row in solutions]


def test_every_question_has_a_query_and_an_answer() -> None:
    assert len(QUERIES) == 14
    assert sorted(EXPECTED) == [q.stem for q in QUERIES]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_competency_question(store: ox.Store, path: Path) -> None:
    expected = EXPECTED[path.stem]
    rows = run(store, path)
    if "people" in expected:
        people = {r["person"]: set(r["names"].split("|")) for r in rows}
        assert set(people) == set(expected["people"])
        for person, names in expected["names"].items():
            assert set(names) <= people[person]
        return
    got = {_normal(r) for r in rows}
    if "rows" in expected:
        assert got == {_normal(r) for r in expected["rows"]}
    else:
        assert {_normal(r) for r in expected["contains"]} <= got

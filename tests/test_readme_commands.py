"""The README's command examples for the store, exports and loading, run as written against a
real Oxigraph server (tests/servers); and ``kg load --data`` of a file without named graphs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.load import Endpoint, server_counts
from tests.conftest import ROOT
from tests.servers import oxigraph_url  # noqa: F401  (fixture)

README = (ROOT / "README.md").read_text("utf-8")
README_PORT = "http://127.0.0.1:7878"


def readme_block(containing: str) -> str:
    """The README's bash block that holds ``containing``."""
    blocks = re.findall(r"```bash\n(.*?)```", README, re.S)
    found = [b for b in blocks if containing in b]
    assert len(found) == 1, f"one README bash block holds {containing!r}"
    return found[0]


def commands(block: str) -> list[list[str]]:
    """The block's commands as argument lists: continuation lines joined, comments dropped, a
    quoted argument may run over lines."""
    text = block.replace("\\\n", " ")
    out: list[list[str]] = []
    pending = ""
    for line in text.split("\n"):
        pending = f"{pending}\n{line}" if pending else line
        try:
            words = shlex.split(pending, comments=True)
        except ValueError:  # an open quote: the argument goes on on the next line
            continue
        pending = ""
        if words:
            out.append(words)
    assert not pending, f"unbalanced quotes in {pending!r}"
    return out


def run(words: list[str], cwd: Path) -> tuple[int, str]:
    """One ``kg`` command through the runner, with ``< file`` and ``> file`` as a shell does."""
    stdin = None
    if "<" in words:
        i = words.index("<")
        stdin = (cwd / words[i + 1]).read_text("utf-8")
        words = words[:i] + words[i + 2 :]
    target = None
    if ">" in words:
        i = words.index(">")
        target = cwd / words[i + 1]
        words = words[:i] + words[i + 2 :]
    result = CliRunner().invoke(app, words[1:], input=stdin)
    if target is not None:
        target.write_bytes(result.stdout_bytes)
    return result.exit_code, result.output if target is None else result.stderr


def test_the_readme_store_examples_run_as_written_against_oxigraph(
    oxigraph_url: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    base = oxigraph_url.rsplit("/", 1)[0]
    block = readme_block("kg load --endpoint").replace(README_PORT, base)
    for folder in ("examples", "tests"):
        (tmp_path / folder).symlink_to(ROOT / folder)
    monkeypatch.chdir(tmp_path)
    ran = []
    for words in commands(block):
        if words[0] == "oxigraph":  # the tests' own server plays it (tests/servers)
            assert words[1] == "serve" and words[-1] == "&"
            continue
        assert words[0] == "kg", words
        code, output = run(words, tmp_path)
        assert code == 0, (words, output)
        ran.append((words[1], output))
    loads = [out for name, out in ran if name == "load"]
    assert len(loads) == 2 and all("check passed" in out for out in loads)
    queries = [out for name, out in ran if name == "query"]
    assert len(queries) == 3 and queries[0] == queries[2]  # the file and stdin: one answer
    assert "Xi Jinping" in queries[0] and "PT1H30M" in queries[0]
    assert "Jamieson Greer" in queries[1]
    graphml = (tmp_path / "graph.graphml").read_text("utf-8")
    assert "<graphml" in graphml and "Xi Jinping" in graphml
    quads = list(ox.parse(path=str(tmp_path / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    graphs = sorted({q.graph_name.value for q in quads})  # type: ignore[union-attr]
    expected = {g: sum(1 for q in set(quads) if q.graph_name.value == g) for g in graphs}  # type: ignore[union-attr]
    assert server_counts(Endpoint(query=oxigraph_url), graphs) == expected
    assert (tmp_path / "neo4j" / "import.cypher").is_file()


def test_load_of_a_turtle_file_needs_a_named_graph_and_never_sends_nothing(
    oxigraph_url: str,  # noqa: F811
    tmp_path: Path,
    sample_build,
) -> None:
    _, out = sample_build
    ttl = out / "graph.ttl"
    runner = CliRunner()
    refused = runner.invoke(app, ["load", "--endpoint", oxigraph_url, "--data", str(ttl)])
    assert refused.exit_code == 1, refused.output
    assert "default graph" in refused.output and "--graph IRI" in refused.output
    assert "check passed" not in refused.output
    graph = "https://example.org/graph/sample-union"
    assert server_counts(Endpoint(query=oxigraph_url), [graph]) == {graph: 0}  # nothing sent
    loaded = runner.invoke(
        app, ["load", "--endpoint", oxigraph_url, "--data", str(ttl), "--graph", graph]
    )
    assert loaded.exit_code == 0, loaded.output
    assert "loaded 1 graphs" in loaded.output and "check passed" in loaded.output
    triples = len(set(ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE)))
    assert server_counts(Endpoint(query=oxigraph_url), [graph]) == {graph: triples}
    empty = tmp_path / "empty.nq"
    empty.write_text("", encoding="utf-8")
    nothing = runner.invoke(app, ["load", "--endpoint", oxigraph_url, "--data", str(empty)])
    assert nothing.exit_code == 1 and "nothing to load" in nothing.output
    assert "check passed" not in nothing.output
    relative = runner.invoke(
        app, ["load", "--endpoint", oxigraph_url, "--data", str(ttl), "--graph", "sample"]
    )
    assert relative.exit_code == 1 and "not an absolute IRI" in relative.output

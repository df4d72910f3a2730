"""The command line for users (issue 15): one build writes every format; kg export from a
build folder, an RDF file or to stdout; the query on stdin; inputs checked before spaCy loads;
progress by phase; kg info, python -m kg, and the example that ends every --help."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import EXAMPLES, app
from kg.commands.common import ExitCode
from kg.export import exporters
from kg.nlp import shared_nlp
from tests.conftest import ROOT, SAMPLE

runner = CliRunner()
ONE = SAMPLE / "002_237a4dc78d8b169e.txt"


def _files(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes)."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def full_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built with every export (``--format all``)."""
    from kg.pipeline import run_build
    from kg.results import Settings

    out = tmp_path_factory.mktemp("all") / "trump-xi-call"
    run_build([str(SAMPLE)], out, Settings(exports=tuple(exporters())), nlp=shared_nlp())
    return out


def _in_fresh_python(args: list[str], cwd: Path) -> tuple[int, str, bool]:
    """``kg ARGS`` in a new interpreter: (exit code, output, whether spaCy was imported)."""
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom kg.cli import app\n"
        f"r = CliRunner().invoke(app, {args!r})\n"
        "print(r.output)\nprint('EXIT', r.exit_code, 'spacy' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd)
    *lines, last = done.stdout.rstrip("\n").split("\n")
    _, exit_code, spacy = last.split()
    return int(exit_code), "\n".join(lines), spacy == "True"


def test_build_writes_the_formats_asked_for(tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["build", str(ONE), "--out", str(tmp_path), "--format", "graphml,facts"]
    )
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".kg-output",
        "facts.jsonl",
        "graph.graphml",
    ]


def test_format_all_writes_every_export(full_build: Path) -> None:
    names = {p.name for p in full_build.iterdir()}
    assert names == {*exporters().values(), ".kg-output"}
    assert (full_build / "neo4j" / "import.cypher").is_file()


def test_an_unknown_reader_of_the_files_is_a_usage_error_before_spacy_loads(
    tmp_path: Path,
) -> None:
    code, output, spacy = _in_fresh_python(
        ["build", str(ONE), "--out", str(tmp_path / "o"), "--engine", "dask",
         "--read-on", "nodes"], ROOT
    )
    assert code == ExitCode.USAGE, output
    assert "'nodes': expected one of workers, driver" in output and not spacy
    assert not (tmp_path / "o").exists()


def test_an_unknown_format_is_a_usage_error_before_spacy_loads(tmp_path: Path) -> None:
    code, output, spacy = _in_fresh_python(
        ["build", str(ONE), "--out", str(tmp_path / "o"), "--format", "ttl,graphmlx"], ROOT
    )
    assert code == ExitCode.USAGE, output
    assert "unknown export format 'graphmlx'" in output and not spacy
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("name", sorted(exporters()))
def test_export_from_a_build_folder_equals_what_the_build_wrote(
    full_build: Path, tmp_path: Path, name: str
) -> None:
    filename = exporters()[name]
    target = tmp_path / filename
    res = runner.invoke(
        app, ["export", "--build", str(full_build), "--format", name, "--out", str(target)]
    )
    assert res.exit_code == 0, res.output
    if target.is_dir():
        assert _files(target) == _files(full_build / filename)
    else:
        assert target.read_bytes() == (full_build / filename).read_bytes()


def test_export_takes_the_format_from_the_file_name_and_writes_to_stdout(
    full_build: Path, tmp_path: Path
) -> None:
    res = runner.invoke(
        app, ["export", "--build", str(full_build), "--out", str(tmp_path / "g.gexf")]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "g.gexf").read_bytes() == (full_build / "graph.gexf").read_bytes()
    out = runner.invoke(
        app, ["export", "--data", str(full_build / "graph.trig"), "--format", "nq", "--out", "-"]
    )
    assert out.exit_code == 0, out.output
    assert out.stdout_bytes == (full_build / "graph.nq").read_bytes()
    assert not Path("-").exists()
    ambiguous = runner.invoke(app, ["export", "--build", str(full_build), "--out", "x.jsonl"])
    assert ambiguous.exit_code == ExitCode.USAGE
    assert "entities, facts write .jsonl files" in ambiguous.output
    no_format = runner.invoke(app, ["export", "--build", str(full_build), "--out", "-"])
    assert no_format.exit_code == ExitCode.USAGE and "needs --format" in no_format.output


def test_export_from_an_rdf_file_gives_the_rdf_formats_only(
    full_build: Path, tmp_path: Path
) -> None:
    ttl = tmp_path / "union.ttl"
    res = runner.invoke(app, ["export", "--data", str(full_build / "graph.nq"), "--out", str(ttl)])
    assert res.exit_code == 0, res.output
    assert ttl.read_bytes() == (full_build / "graph.ttl").read_bytes()
    refused = runner.invoke(
        app,
        ["export", "--data", str(full_build / "graph.nq"), "--out", str(tmp_path / "g.graphml")],
    )
    assert refused.exit_code == ExitCode.USAGE
    assert "holds RDF only" in refused.output and not (tmp_path / "g.graphml").exists()
    missing = runner.invoke(app, ["export", "--build", str(tmp_path / "nope"), "--out", str(ttl)])
    assert missing.exit_code == 1 and "no such folder" in missing.output


def test_query_reads_the_query_from_stdin(full_build: Path) -> None:
    query = "SELECT DISTINCT ?name WHERE { ?p a schema:Person ; rdfs:label ?name } ORDER BY ?name"
    data = str(full_build / "graph.trig")
    piped = runner.invoke(app, ["query", "--data", data, "--format", "csv"], input=query)
    assert piped.exit_code == 0, piped.output
    argument = runner.invoke(app, ["query", query, "--data", data, "--format", "csv"])
    assert piped.stdout == argument.stdout and "Xi Jinping" in piped.stdout
    empty = runner.invoke(app, ["query", "--data", data], input="  \n")
    assert empty.exit_code == ExitCode.USAGE and "empty" in empty.output
    both = runner.invoke(app, ["query", query, "--file", "q.rq", "--data", data])
    assert both.exit_code == ExitCode.USAGE and "not both" in both.output


@pytest.mark.parametrize("kind", ["missing", "empty folder", "nothing readable"])
def test_nothing_to_read_is_a_usage_error_that_touches_no_output(kind: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = runner.invoke(app, ["build", str(ONE), "--out", str(out), "-q"])
    assert first.exit_code == 0, first.output
    before = _files(out)
    corpus = tmp_path / "corpus"
    if kind != "missing":
        corpus.mkdir()
    if kind == "nothing readable":
        (corpus / "notes.csv").write_text("a,b\n", encoding="utf-8")
    inputs = [str(ONE), str(corpus)] if kind == "missing" else [str(corpus)]  # one typo is enough
    code, output, spacy = _in_fresh_python(["build", *inputs, "--out", str(out)], ROOT)
    assert code == ExitCode.USAGE, output
    assert "error: no documents to build" in output and not spacy
    expected = "no such file or folder" if kind == "missing" else "nothing to read"
    assert expected in output
    assert _files(out) == before  # the previous build, byte for byte


def test_build_reports_each_phase_to_on_phase(tmp_path: Path) -> None:
    from kg.pipeline import run_build

    seen: list[tuple[str, int, int | None]] = []
    run_build([str(SAMPLE)], tmp_path, nlp=shared_nlp(), on_phase=lambda *a: seen.append(a))
    phases = list(dict.fromkeys(name for name, _, _ in seen))
    assert phases == ["read", "analyse", "resolve", "write"]
    last = {name: (done, total) for name, done, total in seen}
    assert last == {"read": (5, 5), "analyse": (5, 5), "resolve": (1, 1), "write": (6, 6)}
    analyse = [done for name, done, _ in seen if name == "analyse"]
    assert analyse == [0, 1, 2, 3, 4, 5]


def test_progress_bars_on_a_terminal_and_none_otherwise() -> None:
    from rich.console import Console

    from kg.progress import PhaseProgress, wanted

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    with PhaseProgress(True, {"analyse": "docs"}, console=console) as progress:
        progress.on_phase("read", 3, 3)
        progress.on_phase("analyse", 0, 4)
        progress.on_phase("analyse", 2, 4)
    shown = screen.getvalue()
    assert "read" in shown and "3/3" in shown and "100%" in shown
    assert "analyse" in shown and "2/4" in shown and "50%" in shown and "ETA" in shown
    assert not wanted(quiet=False, stream=io.StringIO())  # not a terminal
    assert not wanted(quiet=True, stream=sys.__stderr__)
    silent = PhaseProgress(False)
    silent.on_phase("read", 1, 1)  # draws nothing, needs no terminal
    assert silent.tasks == {}


def test_build_output_has_no_progress_when_stderr_is_no_terminal(tmp_path: Path) -> None:
    res = runner.invoke(app, ["build", str(ONE), "--out", str(tmp_path)])
    assert res.exit_code == 0
    assert "analyse" not in res.output and "ETA" not in res.output
    assert res.output.startswith("kg: 1 documents read")


def test_info_and_python_dash_m() -> None:
    res = runner.invoke(app, ["info"])
    assert res.exit_code == 0, res.output
    assert "kg: 0.1.0" in res.output and "spacy: 3.8" in res.output
    assert "model: en_core_web_sm" in res.output and "pyoxigraph: " in res.output
    assert f"ontology: {ROOT / 'ontology'}" in res.output
    assert "extra dask (dask, distributed): installed" in res.output
    assert "extra html (trafilatura): " in res.output
    done = subprocess.run(
        [sys.executable, "-m", "kg", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0 and done.stdout.strip() == "kg 0.1.0"


@pytest.mark.parametrize("command", sorted(EXAMPLES))
def test_every_help_ends_with_an_example(command: str) -> None:
    res = runner.invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    last = [line.strip() for line in res.output.splitlines() if line.strip()][-1]
    assert last == EXAMPLES[command] and last.startswith("Example: kg ")


def test_commands_without_examples_are_none() -> None:
    assert set(EXAMPLES) == {c.name or c.callback.__name__ for c in app.registered_commands}  # type: ignore[union-attr]
    top = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert "exports/kg" in top.output


def test_a_store_build_reports_its_phases(tmp_path: Path) -> None:
    from kg.results import Settings
    from kg.store import build_store

    seen: list[tuple[str, int, int | None]] = []
    store = tmp_path / "s"
    build_store([str(ONE)], store, Settings(), nlp=shared_nlp(), on_phase=lambda *a: seen.append(a))
    assert seen == [("analyse", 0, 1), ("analyse", 1, 1), ("sync", 0, 1), ("sync", 1, 1)]
    seen.clear()
    build_store([str(ONE)], store, Settings(), nlp=shared_nlp(), on_phase=lambda *a: seen.append(a))
    assert seen == [("sync", 0, 1), ("sync", 1, 1)]  # nothing new to analyse

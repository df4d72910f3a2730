"""The Python interface (docs/api.md): kg.build, result.export, kg.Store; the walk-through
examples/notebook.md runs as written; import kg stays light."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

import kg
from kg.nlp import shared_nlp
from tests.conftest import ROOT, SAMPLE

NOTEBOOK = ROOT / "examples" / "notebook.md"


def test_import_kg_loads_neither_spacy_nor_the_pipeline() -> None:
    code = (
        "import sys, kg\n"
        "names = (kg.build, kg.Store, kg.BuildResult, kg.Settings, kg.KGError, kg.__version__)\n"
        "print(sorted(m for m in ('spacy', 'kg.pipeline', 'rich') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_unknown_names_are_attribute_errors() -> None:
    with pytest.raises(AttributeError, match="no attribute 'bulid'"):
        kg.bulid  # noqa: B018
    assert {"build", "Store", "BuildResult"} <= set(dir(kg))


def test_the_notebook_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kg.pipeline

    cells = re.findall(r"```python\n(.*?)```", NOTEBOOK.read_text("utf-8"), re.S)
    assert len(cells) >= 6
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(tmp_path)
    nlp = shared_nlp()  # the session's pipeline, instead of loading a new one per build
    monkeypatch.setattr(kg.pipeline, "load_nlp", lambda model=None: nlp)
    namespace: dict[str, object] = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for i, cell in enumerate(cells):
            exec(compile(cell, f"{NOTEBOOK.name} cell {i + 1}", "exec"), namespace)
    shown = printed.getvalue()
    assert "5 documents, 43 facts, 33 entities" in shown
    assert "Xi Jinping | President | 000_e11ff9137715a641 Chinese President Xi Jinping" in shown
    assert "Jamieson Greer - United States Trade Representative" in shown
    assert "5 analysed\n0 analysed the second time" in shown
    assert "PT1H30M" in shown
    assert (tmp_path / "notebook-out" / "graph.graphml").read_text("utf-8").startswith("<?xml")
    assert (tmp_path / "notebook-out" / "neo4j" / "import.cypher").is_file()
    assert sorted(p.name for p in (tmp_path / "notebook-build").iterdir()) == [
        ".kg-output",
        "facts.jsonl",
        "graph.graphml",
        "graph.trig",
    ]


def test_result_export_equals_the_build_files(sample_build, tmp_path: Path) -> None:
    result, out = sample_build
    for name in ("graph.trig", "facts.jsonl", "graph.html"):
        assert result.export(tmp_path / name).read_bytes() == (out / name).read_bytes()
    folder = tmp_path / "here"
    folder.mkdir()
    assert result.export(folder, "nq") == folder / "graph.nq"  # a folder: the usual name
    with pytest.raises(kg.KGError, match="pass --format"):
        result.export(tmp_path / "graph.xlsx")


def test_build_refuses_missing_inputs_before_spacy(tmp_path: Path) -> None:
    with pytest.raises(kg.KGError, match="no such file or folder"):
        kg.build([SAMPLE, tmp_path / "nope"], tmp_path / "out")
    with pytest.raises(kg.KGError, match="unknown export format 'png'"):
        kg.build(SAMPLE, formats="ttl,png")
    assert not (tmp_path / "out").exists()

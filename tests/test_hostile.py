"""The hostile-input corpus (tests/hostile.py) through `kg build`, and ingest on random input.

Every case must give its warnings (file, line and problem, printable), its exit code and its
documents, and every RDF file it writes must parse with pyoxigraph and rdflib and conform to
ontology/shapes.ttl. Speed is measured by benchmarks/hostile.py, never here.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import ExportError
from kg.ingest import InputWarning, read_documents
from kg.iri import doc_graph_iri, doc_iri, document_key
from kg.limits import Limits, one_token_runs, parse_limits, printable
from kg.nlp import shared_nlp
from kg.segment import spacy_inputs, split_points
from kg.walk import MARKER_TEXT
from tests.hostile import CASES, FACT, Case, make_case
from tests.test_ontology import shacl, union

runner = CliRunner()
SUMMARY = re.compile(r"kg: (\d+) documents read, (\d+) skipped")


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI with the session's spaCy pipeline (loading one per build takes a second)."""
    monkeypatch.setattr("kg.pipeline.load_nlp", lambda model=None: shared_nlp())
    return runner


def build(cli: CliRunner, case: Case, tmp_path: Path) -> tuple[int, str, Path, Path]:
    folder = make_case(case, tmp_path)
    out = folder / case.out if case.out else tmp_path / "out"
    result = cli.invoke(app, ["build", str(folder), "--out", str(out)])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output, folder, out


def check_outputs(out: Path) -> None:
    """Every RDF file of a build parses with pyoxigraph and rdflib and conforms to the shapes."""
    quads = list(ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    assert quads
    trig = list(ox.parse(path=str(out / "graph.trig"), format=ox.RdfFormat.TRIG))
    assert len(trig) == len(quads)
    with warnings.catch_warnings():  # rdflib 7's TriG parser warns about its own ConjunctiveGraph
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset = Dataset()
        dataset.parse(data=(out / "graph.trig").read_bytes(), format="trig")
    assert len(union(dataset)) == len(Graph().parse(out / "graph.ttl", format="turtle"))
    conforms, _report, text = shacl(union(dataset))
    assert conforms, text
    for name in ("facts.jsonl", "entities.jsonl"):
        for line in (out / name).read_bytes().split(b"\n"):
            if line:
                json.loads(line)


def _case_id(case: Case) -> str:
    return case.name


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_hostile_case(cli: CliRunner, case: Case, tmp_path: Path) -> None:
    if case.posix_only and os.name != "posix":
        pytest.skip("needs FIFOs, symbolic links and byte file names")
    if not case.root_reads and os.geteuid() == 0:
        pytest.skip("root reads a folder whatever its permissions (see test_unreadable_folder)")
    code, output, folder, out = build(cli, case, tmp_path)
    warnings = [line for line in output.splitlines() if line.startswith(("warning: ", "error: "))]
    assert "Traceback" not in output
    for expected in case.expect:
        assert any(expected in w for w in warnings), (expected, warnings)
    for w in warnings:
        assert "\x1b" not in w and "\x07" not in w
        assert len(w) <= 1_200, w[:200]  # Limits.warning_chars plus the path's share
    if case.exit_code in (1, 2):  # no document: an error, and nothing written
        assert code == case.exit_code and case.documents == 0, output
        assert not (out / "graph.trig").exists() and not (out / ".kg-output").exists()
        return
    summary = SUMMARY.search(output)
    assert summary is not None, output
    assert int(summary.group(1)) == case.documents
    assert code == case.exit_code, output
    assert (int(summary.group(2)) > 0) == (code == 3)
    check_outputs(out)


def test_long_document_is_parsed_in_pieces_with_offsets_into_the_whole_text(
    tmp_path: Path,
) -> None:
    from kg.pipeline import run_build

    paragraph = "Chinese President Xi Jinping met U.S. President Donald Trump in Geneva.\n\n"
    text = paragraph * 2_000  # 146,000 characters: two pieces of at most 100,000 (Limits)
    (tmp_path / "long.txt").write_text(text, encoding="utf-8")
    result = run_build([str(tmp_path)], None, nlp=shared_nlp())
    assert len(spacy_inputs(text, shared_nlp(), Limits())) == 2
    assert [d.text for d in result.documents] == [text]
    sources = [e for f in result.facts for e in f.evidence]
    last = max(sources, key=lambda e: e.start)
    assert last.start > 100_000  # a fact from the second piece, not only the first
    assert last.sentence == paragraph.strip()
    assert text[last.sentence_start : last.sentence_start + len(paragraph) - 2] == last.sentence


def test_pieces_join_to_the_text_and_long_runs_are_one_token() -> None:
    nlp = shared_nlp()
    limits = Limits(spacy_chars=60, word_chars=10)
    text = "Markets fell.\n\nOil rose by 2 percent.\n" + "=" * 40 + " Gold held.\n\nThe end."
    pieces = spacy_inputs(text, nlp, limits)
    assert len(pieces) > 1
    assert "".join(p if isinstance(p, str) else p.text for p in pieces) == text
    tokens = [t.text for p in pieces if not isinstance(p, str) for t in p]
    assert "=" * 40 in tokens
    assert spacy_inputs("Markets fell.", nlp, limits) == ["Markets fell."]


def test_runs_spacy_is_slow_on_are_one_token_and_others_are_left_alone() -> None:
    limits = Limits()  # word_chars 1,000, run_punctuation 50
    url = "https://www.example.com/2025/06/05/world/asia/us-china-call-xi-trump.html?ref=a_b"
    text = f"See {url} now. {'x' * 999} {')' * 51} {'”)' * 20}x {'a' * 1001}"
    runs = [text[a:b] for a, b in one_token_runs(text, limits)]
    assert runs == [")" * 51, "a" * 1001]  # not the URL, the letters or 40 punctuation marks
    pieces = spacy_inputs(text, shared_nlp(), limits)
    tokens = [t.text for p in pieces if not isinstance(p, str) for t in p]
    assert ")" * 51 in tokens and "a" * 1001 in tokens and url in "".join(tokens)


@given(st.text(alphabet=st.sampled_from("ab \n\t=."), min_size=1, max_size=300), st.integers(5, 80))
def test_split_points_cover_the_text_in_bounded_pieces(text: str, size: int) -> None:
    points = split_points(text, size)
    bounds = [0, *points, len(text)]
    assert all(0 < b - a <= size for a, b in zip(bounds, bounds[1:], strict=False))


def test_build_is_deterministic_on_a_hostile_case(cli: CliRunner, tmp_path: Path) -> None:
    case = next(c for c in CASES if c.name == "id-case")
    folder = make_case(case, tmp_path)
    outputs = []
    for name in ("one", "two"):
        result = cli.invoke(app, ["build", str(folder), "--out", str(tmp_path / name)])
        assert result.exit_code == 3
        outputs.append({p.name: p.read_bytes() for p in (tmp_path / name).iterdir()})
    assert outputs[0] == outputs[1]


def test_ids_are_nfc_and_distinct_ids_stay_apart(tmp_path: Path) -> None:
    (tmp_path / unicodedata.normalize("NFD", "émigré.txt")).write_text(FACT, encoding="utf-8")
    (tmp_path / "AB-2.txt").write_text(FACT, encoding="utf-8")
    (tmp_path / "AB-1.txt").write_text(FACT, encoding="utf-8")
    docs = list(read_documents([tmp_path]))
    assert sorted(d.id for d in docs) == ["AB-1", "AB-2", "émigré"]
    assert unicodedata.is_normalized("NFC", next(d.id for d in docs if d.id[0] == "é"))


def test_a_failed_export_leaves_the_previous_build_intact(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kg import export

    source = tmp_path / "in"
    source.mkdir()
    (source / "call.txt").write_text(FACT, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.invoke(app, ["build", str(source), "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (source / "more.txt").write_text("U.S. President Donald Trump visited Ottawa.", "utf-8")

    def full_disk(build: object, path: Path) -> None:
        raise OSError(28, "No space left on device")

    name, _ = export._EXPORTERS["entities"]
    monkeypatch.setitem(export._EXPORTERS, "entities", (name, full_disk))
    result = cli.invoke(app, ["build", str(source), "--out", str(out)])
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # no staging folder left
    assert isinstance(ExportError("x"), Exception)


def test_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok.txt").write_text(FACT, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    walk = os.walk

    def denying(top: str, onerror=None, **kw: object):  # type: ignore[no-untyped-def]
        for root, dirs, files in walk(top, onerror=onerror, **kw):  # type: ignore[arg-type]
            if Path(root).name == "locked":
                onerror(PermissionError(13, "Permission denied", root))
                dirs[:] = []
                continue
            yield root, dirs, files

    monkeypatch.setattr("kg.walk.os.walk", denying)
    warnings: list[InputWarning] = []
    docs = list(read_documents([tmp_path], on_warning=warnings.append))
    assert [d.id for d in docs] == ["ok"]
    (warning,) = warnings
    assert warning.path == str(tmp_path / "locked") and warning.skipped
    assert "cannot read the folder: Permission denied" in warning.problem


def test_limits_flag_raises_a_limit_and_rejects_unknown_names(
    cli: CliRunner, tmp_path: Path
) -> None:
    assert parse_limits(["document-chars=5_000_000"]).document_chars == 5_000_000
    page = tmp_path / "page.html"
    page.write_text("<p>" + "word " * 300 + "</p>", encoding="utf-8")
    (tmp_path / "good.txt").write_text(FACT, encoding="utf-8")
    small = cli.invoke(
        app, ["build", str(tmp_path), "--out", str(tmp_path / "a"), "--limit", "html-bytes=100"]
    )
    assert (
        small.exit_code == 3
        and "over the limit of 100; raise it with --limit html-bytes=N" in small.output
    )
    unknown = cli.invoke(app, ["build", str(page), "--limit", "speed=3"])
    assert unknown.exit_code == 2 and "document-chars" in unknown.output


def test_printable_escapes_terminal_controls_and_caps_length() -> None:
    assert printable("red\x1b[31m\u202e.txt") == "red\\x1b[31m\\u202e.txt"
    assert printable("x" * 50, 10) == "x" * 10 + "... (40 more characters)"
    assert printable(os.fsdecode(b"caf\xe9.md")) == "caf\\xe9.md"


SUFFIXES = (".txt", ".md", ".html", ".jsonl")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(st.binary(max_size=400), st.text(max_size=300).map(str.encode)),
    suffix=st.sampled_from(SUFFIXES),
    prefix=st.sampled_from([b"", b"---\n", b"<p>", b'{"text": "']),
)
def test_ingest_never_fails_on_random_bytes(
    tmp_path_factory: pytest.TempPathFactory, data: bytes, suffix: str, prefix: bytes
) -> None:
    folder = tmp_path_factory.mktemp("random")
    (folder / f"input{suffix}").write_bytes(prefix + data)
    warnings: list[InputWarning] = []
    for doc in read_documents([folder], on_warning=warnings.append):
        doc.text.encode("utf-8")  # no lone surrogate reaches a document
        doc.id.encode("utf-8")
        assert doc.id and unicodedata.is_normalized("NFC", doc.id)
        for value in (doc.title, doc.author, doc.url, doc.published, doc.language):
            assert value is None or value.encode("utf-8")
    for w in warnings:
        assert printable(w.problem) == w.problem and printable(w.path) == w.path


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.text(max_size=40))
def test_jsonl_with_any_unicode_text_and_id(
    tmp_path_factory: pytest.TempPathFactory, text: str, doc_id: str
) -> None:
    folder = tmp_path_factory.mktemp("unicode")
    line = json.dumps({"id": doc_id, "text": text, "title": doc_id})
    (folder / "feed.jsonl").write_text(line + "\n", encoding="utf-8")
    warnings: list[InputWarning] = []
    docs = list(read_documents([folder], on_warning=warnings.append))
    if doc_id.strip():
        (doc,) = docs
        assert len(doc.text) == len(text)  # surrogates replaced one for one
        assert doc.id == unicodedata.normalize("NFC", doc_id.translate(_SURROGATES))
    else:
        assert docs == [] and warnings[0].skipped


_SURROGATES = {c: "\ufffd" for c in range(0xD800, 0xE000)}


ID_CHARS = st.sampled_from(
    ["a", "A", "b", " ", "  ", "\t", "\u00a0", "e\u0301", "\u00e9", "ß", "ss", "-"]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(ID_CHARS, min_size=1, max_size=6).map("".join), min_size=2, max_size=6))
def test_ids_one_key_apart_are_never_two_documents_of_one_iri(
    tmp_path_factory: pytest.TempPathFactory, ids: list[str]
) -> None:
    """Any ids (case, spaces, NFC/NFD, ß/ss): the documents built have distinct keys and so
    distinct IRIs, and each id dropped for its key is named in a warning with the first."""
    folder = tmp_path_factory.mktemp("ids")
    lines = [json.dumps({"id": doc_id, "text": f"Story {i}."}) for i, doc_id in enumerate(ids)]
    (folder / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    warnings: list[InputWarning] = []
    docs = list(read_documents([folder], on_warning=warnings.append))
    keys = [document_key(d.id) for d in docs]
    assert len(set(keys)) == len(keys)
    assert (
        len({doc_iri(d.id) for d in docs}) == len({doc_graph_iri(d.id) for d in docs}) == len(docs)
    )
    kept = {document_key(i) for i in ids if i.strip()}
    assert set(keys) == kept  # every key is built once: the first line that has it
    dropped = [w for w in warnings if "duplicate document id" in w.problem]
    usable = [i for i in ids if i.strip()]
    assert len(dropped) == len(usable) - len(kept)
    for w in dropped:
        first = next(i for i, x in enumerate(ids) if document_key(x) == _key_of(w, ids))
        assert f"feed.jsonl:{first + 1} already has it" in w.problem


def _key_of(w: InputWarning, ids: list[str]) -> str:
    line = int(w.path.rsplit(":", 1)[1])
    return document_key(ids[line - 1])


# Any JSON value: strings with any code point (lone surrogates included, which json.dumps
# writes as "\ud800" escapes), numbers, lists and objects a few levels deep.
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=10,
)
META_FIELDS = ("title", "url", "author", "published", "language")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=st.dictionaries(st.sampled_from(META_FIELDS), JSON_VALUES, max_size=5))
def test_metadata_of_any_json_value_is_text_or_empty(
    tmp_path_factory: pytest.TempPathFactory, fields: dict[str, object]
) -> None:
    """Whatever a JSONL line or front matter gives as metadata, every string of the documents
    is UTF-8 text (a lone surrogate in an author list once crashed the RDF writer)."""
    folder = tmp_path_factory.mktemp("meta")
    (folder / "feed.jsonl").write_text(json.dumps({**fields, "text": FACT}) + "\n", "utf-8")
    front = "".join(f"{key}: {json.dumps(value)}\n" for key, value in fields.items())
    (folder / "page.md").write_text(f"---\n{front}---\n{FACT}", encoding="utf-8")
    warnings: list[InputWarning] = []
    docs = list(read_documents([folder], on_warning=warnings.append))
    assert docs[0].id == "feed-1"  # the JSONL line is never skipped for its metadata
    for doc in docs:
        for value in (doc.id, doc.text, doc.title, doc.author, doc.url, doc.published):
            assert value is None or value.encode("utf-8")
    for w in warnings:
        assert printable(w.problem) == w.problem


def test_a_build_never_reads_the_outputs_of_another_build(cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "call.txt").write_text(FACT, encoding="utf-8")
    first = cli.invoke(app, ["build", str(folder), "--out", str(folder / "kg-a")])
    assert first.exit_code == 0, first.output
    assert (folder / "kg-a" / ".kg-output").read_bytes() == MARKER_TEXT
    # another --out, and a store build without one: neither reads kg-a's files as articles
    second = cli.invoke(app, ["build", str(folder), "--out", str(folder / "kg-b")])
    store = cli.invoke(app, ["build", str(folder), "--store", str(tmp_path / "s")])
    for run in (second, store):
        assert run.exit_code == 0, run.output
        assert f"{folder / 'kg-a'}: the build's output folder" in run.output
    assert "1 documents read, 0 skipped" in second.output
    assert "1 documents (1 analysed, 0 from the cache), 0 skipped" in store.output
    named = cli.invoke(app, ["build", str(folder / "kg-a" / "facts.jsonl"), "--out", str(tmp_path)])
    assert named.exit_code == 2 and "not read as input" in named.output


def test_an_out_that_is_a_file_is_an_error_not_a_traceback(cli: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "call.txt").write_text(FACT, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    args = ["build", str(tmp_path / "call.txt"), "--out", str(tmp_path / "notes.txt")]
    run = cli.invoke(app, args)
    assert run.exit_code == 1, run.output
    assert isinstance(run.exception, SystemExit)  # kg's error and exit code, no traceback
    assert "is a file, not a folder" in run.output
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_build_of_no_documents_leaves_the_previous_outputs(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "call.txt").write_text(FACT, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.invoke(app, ["build", str(tmp_path / "call.txt"), "--out", str(out)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    typo = cli.invoke(app, ["build", str(tmp_path / "cal.txt"), "--out", str(out)])
    assert typo.exit_code == 2, typo.output  # a usage error, before spaCy loads
    assert "error: no documents to build" in typo.output and "no such file" in typo.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_store_refuses_a_second_spelling_of_an_id_it_holds(
    cli: CliRunner, tmp_path: Path
) -> None:
    first, second, store = tmp_path / "one", tmp_path / "two", str(tmp_path / "s")
    first.mkdir()
    second.mkdir()
    (first / "AB-1.txt").write_text(FACT, encoding="utf-8")
    other = "British Prime Minister Keir Starmer met French President Emmanuel Macron.\n"
    (second / "ab-1.txt").write_text(other, encoding="utf-8")
    assert cli.invoke(app, ["build", str(first), "--store", store]).exit_code == 0
    again = cli.invoke(app, ["build", str(second), "--store", store])
    assert again.exit_code == 3, again.output
    assert f"{second / 'ab-1.txt'}: duplicate document id 'ab-1': the store already holds" in (
        again.output
    )
    assert f"'AB-1' (from {first / 'AB-1.txt'})" in again.output
    assert "1 documents (0 analysed, 1 from the cache), 1 skipped" in again.output
    labels = cli.invoke(app, ["query", "--store", store, "--format", "csv", LABELS])
    assert "Xi Jinping" in labels.output and "Starmer" not in labels.output  # nothing merged
    removed = cli.invoke(app, ["remove", "ab-1", "--store", store])  # the same id: AB-1
    assert removed.exit_code == 0 and "removed 1 documents; 0 left" in removed.output


LABELS = "SELECT DISTINCT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l }"


def test_store_build_never_reads_its_file_exports(cli: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "call.txt").write_text(FACT, encoding="utf-8")
    args = ["build", str(folder), "--store", str(tmp_path / "s"), "--out", str(folder / "kg")]
    assert cli.invoke(app, args).exit_code == 0
    assert (folder / "kg" / "facts.jsonl").is_file()
    again = cli.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert f"{folder / 'kg'}: the build's output folder (--out)" in again.output
    assert "1 documents (0 analysed, 1 from the cache)" in again.output

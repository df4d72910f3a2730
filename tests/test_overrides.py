"""Entity overrides the user writes (kg.resolve.overrides): merge, split, rename and drop,
recorded with reason ``user``, applied on file builds and kept by the store; and the flag on
entities named once and in no fact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import KGError
from kg.extract import extract
from kg.model import Claim, Mention
from kg.nlp import shared_nlp
from kg.resolve import Resolution, load_overrides, resolve
from kg.resolve.overrides import parse_overrides
from kg.results import Settings
from tests.conftest import analyse

# Written for kg, in the style of wire reporting on a trade dispute.
DOCS = {
    "a": "Commerce Secretary Jane Holloway said the tariffs would stay. Holloway spoke in Ohio.",
    "b": "J. Holloway, the commerce secretary, met Mark Brennan in Ottawa on Monday.",
    "c": "Mark Brennan said Canada would respond. Brennan left Ottawa on Tuesday.",
}


def _resolved(overrides: str | None = None) -> Resolution:
    claims: list[Claim] = []
    mentions: dict[str, list[Mention]] = {}
    for doc_id, text in DOCS.items():
        ctx = analyse(text, doc_id=doc_id)
        mentions[doc_id] = ctx.mentions
        claims += list(extract(ctx))
    parsed = parse_overrides(json.loads(overrides), "test.yaml") if overrides else None
    return resolve(claims, mentions, overrides=parsed)


def _corpus(tmp_path: Path) -> Path:
    """DOCS as a folder of text files."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for doc_id, text in DOCS.items():
        (corpus / f"{doc_id}.txt").write_text(text, "utf-8")
    return corpus


def _people(resolution: Resolution) -> dict[str, set[str]]:
    return {e.label: e.aliases for e in resolution.entities.values() if e.type == "Person"}


def test_without_overrides_the_two_forms_stay_apart() -> None:
    people = _people(_resolved())
    assert {"Jane Holloway", "J. Holloway", "Mark Brennan"} <= set(people)


def test_merge_joins_entities_under_the_first_and_records_reason_user() -> None:
    resolution = _resolved('{"merge": [["Jane Holloway", "J. Holloway"]]}')
    people = _people(resolution)
    assert "J. Holloway" not in people and "J. Holloway" in people["Jane Holloway"]
    (entity,) = [e for e in resolution.entities.values() if e.label == "Jane Holloway"]
    assert {"alias": "J. Holloway", "doc": "b", "reason": "user"} in entity.merge_reasons
    # facts follow: the office stated in document b is now Jane Holloway's
    holders = {f.fields["holder"].label for f in resolution.facts if f.kind == "office"}
    assert holders == {"Jane Holloway"}


def test_split_takes_surface_forms_out_into_an_entity_of_their_own() -> None:
    spec = '{"split": [{"entity": "Mark Brennan", "aliases": ["Brennan"], "label": "Brennan"}]}'
    people = _people(_resolved(spec))
    assert "Brennan" not in people["Mark Brennan"]
    assert people["Brennan"] == {"Brennan"}


def test_rename_keeps_the_id_and_records_the_old_label() -> None:
    before = {e.label: e.id for e in _resolved().entities.values()}
    after = _resolved('{"rename": [{"entity": "J. Holloway", "to": "Jane Holloway (b)"}]}')
    (entity,) = [e for e in after.entities.values() if e.label == "Jane Holloway (b)"]
    assert entity.id == before["J. Holloway"]
    assert {"alias": "Jane Holloway (b)", "doc": "", "reason": "user"} in entity.merge_reasons


def test_drop_removes_the_entity_and_the_facts_naming_it() -> None:
    before = _resolved()
    assert any(f.kind == "office" and f.fields["holder"].label == "J. Holloway"
               for f in before.facts)
    after = _resolved('{"drop": ["J. Holloway"]}')
    assert "J. Holloway" not in _people(after)
    assert not any(f.kind == "office" and f.fields["holder"].label == "J. Holloway"
                   for f in after.facts)
    assert "Jane Holloway" in _people(after)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ('{"merge": [["Nobody Here", "Mark Brennan"]]}', "no entity is named 'Nobody Here'"),
        ('{"drop": ["Ohio", "Nobody"]}', "drop\\[1\\]: no entity is named 'Nobody'"),
        # "Ottawa": the city, and Canada's government by metonymy
        ('{"drop": ["Ottawa"]}', "'Ottawa' names several entities .*give the entity's id"),
    ],
)
def test_a_name_that_fits_no_entity_or_several_is_an_error_naming_the_file_and_entry(
    spec: str, message: str
) -> None:
    with pytest.raises(KGError, match=message) as info:
        _resolved(spec)
    assert str(info.value).startswith("test.yaml: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("merge: [[Only One]]\n", "merge\\[0\\]: expected a list of at least 2"),
        ("rename: [{entity: X}]\n", "rename\\[0\\]: expected {entity: NAME, to: NEW LABEL}"),
        ("combine: []\n", "unknown key\\(s\\) combine"),
        ("- just a list\n", "expected a mapping"),
    ],
)
def test_a_malformed_file_is_an_error_naming_it(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "overrides.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(KGError, match=message) as info:
        load_overrides(path)
    assert str(path) in str(info.value)


def test_an_entity_named_once_in_no_fact_is_flagged_minor() -> None:
    entities = {e.label: e for e in _resolved().entities.values()}
    assert entities["Mark Brennan"].mentions >= 2 and not entities["Mark Brennan"].minor
    ohio = entities["Ohio"]  # named once, in no fact
    assert ohio.mentions == 1 and ohio.minor


def test_the_store_keeps_the_overrides_for_later_builds(tmp_path: Path) -> None:
    from kg.store import build_store, read_store

    corpus = _corpus(tmp_path)
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("merge:\n  - [Jane Holloway, J. Holloway]\n", "utf-8")
    store = tmp_path / "store"
    settings = Settings(overrides=load_overrides(overrides))
    first = build_store([corpus], store, settings, nlp=shared_nlp()).result
    labels = {e.label for e in first.entities.values()}
    assert "Jane Holloway" in labels and "J. Holloway" not in labels
    # a later build without --entities, and a read of the store, apply the kept overrides
    later = build_store([corpus], store, Settings(), nlp=shared_nlp()).result
    assert {e.label for e in later.entities.values()} == labels
    assert {e.label for e in read_store(store).entities.values()} == labels


def test_kg_build_refuses_a_bad_overrides_file_before_reading_anything(tmp_path: Path) -> None:
    bad = tmp_path / "overrides.yaml"
    bad.write_text("merge: [[Only One]]\n", "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", str(tmp_path), "--out", str(out), "--entities", str(bad)]
    )
    assert result.exit_code == 2
    assert "merge[0]: expected a list of at least 2" in result.output  # (in a framed box)
    assert not out.exists()


def test_kg_build_applies_the_overrides_to_entities_jsonl(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    overrides = tmp_path / "overrides.yaml"
    overrides.write_text("rename:\n  - {entity: Mark Brennan, to: Mark J. Brennan}\n", "utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        app, ["build", str(corpus), "--out", str(out), "--entities", str(overrides), "-q"]
    )
    assert result.exit_code == 0, result.output
    lines = (out / "entities.jsonl").read_text("utf-8").split("\n")
    labels = {json.loads(line)["label"] for line in lines if line}
    assert "Mark J. Brennan" in labels and "Mark Brennan" not in labels

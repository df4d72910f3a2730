"""Cross-document resolution of people: name variants and surnames (kg.resolve.entities)."""

from __future__ import annotations

from kg.model import Mention
from kg.resolve.entities import resolve_entities


def _person(label: str, start: int = 0) -> Mention:
    return Mention(label, label, "Person", start, start + len(label))


def _entities(docs: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """The label of each person entity and its aliases, from documents' person names."""
    mentions = {d: [_person(n, 10 * i) for i, n in enumerate(ns)] for d, ns in docs.items()}
    index = resolve_entities(mentions)
    return {e.label: tuple(sorted(e.aliases)) for e in index.entities.values()}


def test_a_short_given_name_and_a_middle_initial_are_one_person() -> None:
    # "Joe Biden" (a UK readout) and "Joseph R. Biden" (a Japanese one), then "Biden" alone
    got = _entities({"a": ["Joe Biden"], "b": ["Joseph R. Biden"], "c": ["Biden"]})
    assert got == {"Joseph R. Biden": ("Biden", "Joe Biden", "Joseph R. Biden")}


def test_different_given_names_with_one_surname_stay_apart() -> None:
    got = _entities({"a": ["Joe Biden"], "b": ["Hunter Biden"], "c": ["Jill Biden"]})
    assert set(got) == {"Joe Biden", "Hunter Biden", "Jill Biden"}


def test_a_name_that_fits_two_disagreeing_forms_stays_apart() -> None:
    # two middle initials that disagree: "Joe Smith" could be either, so it joins neither
    got = _entities({"a": ["Joseph R. Smith"], "b": ["Joseph T. Smith"], "c": ["Joe Smith"]})
    assert set(got) == {"Joseph R. Smith", "Joseph T. Smith", "Joe Smith"}


def test_the_merge_is_recorded_with_its_reason() -> None:
    index = resolve_entities({"a": [_person("Bill Clinton")], "b": [_person("William J. Clinton")]})
    (entity,) = index.entities.values()
    reasons = {(r["alias"], r["reason"]) for r in entity.merge_reasons}
    assert ("Bill Clinton", "name-variant-across-documents") in reasons

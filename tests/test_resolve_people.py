"""Cross-document resolution of people: name variants and surnames (kg.resolve.entities)."""

from __future__ import annotations

from kg.extract import extract
from kg.model import Mention
from kg.resolve import resolve
from kg.resolve.entities import resolve_entities
from tests.conftest import analyse


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


def test_different_initials_are_different_people() -> None:
    got = _entities({"a": ["George W. Bush"], "b": ["George H. W. Bush"], "c": ["George Bush"]})
    assert set(got) == {"George W. Bush", "George H. W. Bush", "George Bush"}


def test_a_middle_name_is_not_an_initial() -> None:
    got = _entities({"a": ["John Smith"], "b": ["John Paul Smith"]})
    assert set(got) == {"John Smith", "John Paul Smith"}


def test_a_surname_counts_the_variants_of_one_name_once() -> None:
    # "Trump" fits "Donald Trump" and "Donald J. Trump": one person, so it joins them
    got = _entities({"a": ["Donald Trump"], "b": ["Donald J. Trump"], "c": ["Trump"]})
    assert got == {"Donald J. Trump": ("Donald J. Trump", "Donald Trump", "Trump")}


def _aliases_of(text: str, label: str) -> set[str]:
    """The aliases the entity ``label`` gets from one analysed text, claims included."""
    ctx = analyse(text)
    res = resolve(extract(ctx), {"t": ctx.mentions})
    return next(set(e.aliases) for e in res.entities.values() if e.label == label)


def test_a_person_acting_for_a_country_is_no_alias_of_it() -> None:
    # Written for kg, in the way wire reports put it: the tariff's imposer is the United States,
    # reached through the president, whose name must not become a name of the country.
    text = (
        "U.S. President Donald Trump imposed a 25% tariff on steel imports from Canada on "
        "Thursday. Canadian Prime Minister Justin Trudeau called the move unacceptable."
    )
    us = _aliases_of(text, "United States")
    assert "Donald Trump" not in us and "U.S." in us


def test_a_title_that_implies_its_organisation_is_no_alias_of_it() -> None:
    # Written for kg: "chair of the Federal Reserve" names the office, not the central bank.
    text = "Powell, a former chair of the Federal Reserve, met the Senate Banking Committee."
    fed = _aliases_of(text, "Federal Reserve")
    assert not any(a.lower().startswith("chair") for a in fed)


def test_a_legal_instrument_standing_for_its_government_is_no_alias_of_it() -> None:
    # Written for kg: only the United States imposes Section 232 tariffs, so it is the imposer
    # though unnamed; the tariff's words must not become a name of the country.
    text = "The agreement removes the Section 232 tariffs on steel and aluminum imports."
    assert _aliases_of(text, "United States") == {"United States"}


def test_a_family_name_written_first_in_capitals_is_the_same_name_reversed() -> None:
    # the style of Japanese government readouts ("Mr. ISHIBA Shigeru") against news style
    got = _entities({"a": ["ISHIBA Shigeru"], "b": ["Shigeru Ishiba"], "c": ["Kishida Fumio"]})
    assert got["Shigeru Ishiba"] == ("ISHIBA Shigeru", "Shigeru Ishiba")
    # without capitals the order proves nothing: two people named with the same two words
    got = _entities({"a": ["Li Wei"], "b": ["Wei Li"]})
    assert set(got) == {"Li Wei", "Wei Li"}

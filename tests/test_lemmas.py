"""Rule files name verbs and nouns by lemma; kg.lemmas gives every form a match accepts. The
forms are checked against the spaCy model's own English lemmatizer tables."""

from __future__ import annotations

import functools

import pytest
import spacy

from kg.extract.event_types import event_rules
from kg.lemmas import forms, noun_forms, verb_forms
from kg.nlp import resolve_model_name
from kg.rules import EventRules, rules_file


@functools.cache
def _spacy_verb_exceptions() -> dict[str, set[str]]:
    """lemma -> the irregular and spelling-changed forms the model's lemmatizer knows."""
    nlp = spacy.load(resolve_model_name(None), exclude=["tok2vec", "tagger", "parser", "ner"])
    table = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_exc")["verb"]
    out: dict[str, set[str]] = {}
    for form, lemmas in table.items():
        for lemma in lemmas:
            out.setdefault(lemma, set()).add(form)
    return out


def _declared_verbs() -> list[str]:
    data = rules_file("events", EventRules)
    verbs = {v for t in data.types.values() for v in t.verbs}
    verbs |= {v for words in data.verbs.values() for v in words}
    return sorted(verbs)


# Forms the model's table lists that no news text writes.
ARCHAIC = frozenset({"addrest"})


@pytest.mark.parametrize("lemma", _declared_verbs())
def test_every_form_spacy_knows_of_a_declared_verb_is_generated(lemma: str) -> None:
    known = _spacy_verb_exceptions().get(lemma, set()) - ARCHAIC
    assert known <= verb_forms(lemma), sorted(known - verb_forms(lemma))


def test_regular_and_irregular_forms() -> None:
    assert {"meet", "meets", "meeting", "met"} <= verb_forms("meet")
    assert {"phoned", "phoning", "phones"} <= verb_forms("phone")
    assert {"planned", "planning"} <= verb_forms("plan") and "planed" not in verb_forms("plan")
    assert {"travelled", "traveled", "travelling"} <= verb_forms("travel")
    assert {"applied", "applies", "applying"} <= verb_forms("apply")
    assert {"agreed", "agreeing"} <= verb_forms("agree")
    assert {"swore", "sworn", "swearing"} <= verb_forms("swear")
    assert noun_forms("truce") == {"truce", "truces"}
    assert noun_forms("ceasefire") == {"ceasefire", "ceasefires"}
    assert forms("phone call", "noun") == {"phone call", "phone calls"}
    assert "went up" in forms("go up", "verb")


def test_triggers_match_inflections_never_written_in_the_rules() -> None:
    triggers = event_rules().triggers
    # "held talks" as written; "meets" and "swore" only by lemma
    assert triggers["meets"].type == "meeting" and triggers["meets"].lemma == "meet"
    assert triggers["swore"].type == "swearing_in"
    assert triggers["summits"].type == "summit" and "nouns" in triggers["summits"].listed

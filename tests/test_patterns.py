"""The tree-pattern engine (kg/extract/patterns.py) and the event frames that use it: each
declared path on real sentences, and the errors a malformed declaration gives."""

from __future__ import annotations

import pytest

from kg.errors import RuleError
from kg.extract.patterns import Words, compile_path, paths, select, walk
from kg.rules import PathDecl
from tests.conftest import analyse


def _run(text: str, path_id: str, word: str) -> list[str]:
    """The labels ``path_id`` finds starting at the first token ``word`` of ``text``."""
    ctx = analyse(text)
    start = next(t for t in ctx.doc if t.text == word)
    path = paths()[path_id]
    return [m.label for m in select(ctx, path, walk(ctx, path, [start], None))]


# Sentences written for these tests, in the manner of wire copy.
@pytest.mark.parametrize(
    ("text", "path_id", "word", "want"),
    [
        # the subject, through the verb an infinitive depends on
        (
            "Canada and Mexico agreed to resume talks.",
            "path.subject",
            "resume",
            ["Canada", "Mexico"],
        ),
        # people first: the person, not the country of the title
        (
            "German Chancellor Angela Merkel met reporters.",
            "path.subject",
            "met",
            ["Angela Merkel"],
        ),
        (
            "Japan's trade minister met Katherine Tai in Tokyo.",
            "path.direct_object",
            "met",
            ["Katherine Tai"],
        ),
        (
            "Prime Minister Mark Carney held talks with Donald Trump.",
            "path.with",
            "talks",
            ["Donald Trump"],
        ),
        ("The order was signed by Joe Biden on Monday.", "path.by", "signed", ["Joe Biden"]),
        # the agent of a passive; a dateline parsed as a second subject is no actor
        (
            "WASHINGTON, Jan 25 -- The U.S. Senate on Monday confirmed Janet Yellen.",
            "path.agent",
            "confirmed",
            ["United States Senate"],
        ),
        (
            "The U.S. Senate on Monday confirmed Janet Yellen.",
            "path.patient",
            "confirmed",
            ["Janet Yellen"],
        ),
        # a proper-noun phrase the NER does not know as a place
        (
            "Japanese Prime Minister Shinzo Abe visited Pearl Harbor in December.",
            "path.object_place",
            "visited",
            ["Pearl Harbor"],
        ),
    ],
)
def test_path_on_a_sentence(text: str, path_id: str, word: str, want: list[str]) -> None:
    assert _run(text, path_id, word) == want


def test_the_governor_of_a_noun_is_the_verb_it_is_an_argument_of() -> None:
    ctx = analyse("The two leaders held a long phone call on Thursday.")
    call = next(t for t in ctx.doc if t.text == "call")
    assert [t.text for t in walk(ctx, paths()["path.governor"], [call], None)] == ["held"]


def _decl(steps: list[dict]) -> PathDecl:
    return PathDecl(id="path.test", description="a test", steps=steps)


def test_malformed_paths_name_the_file_the_path_and_the_problem() -> None:
    words = Words({"arguments": ["dobj"]}, "rules/patterns.yaml")
    with pytest.raises(RuleError, match=r"path\.test\.steps\[0\]: a step is one of"):
        compile_path(_decl([{"jump": {}}]), words, "rules/patterns.yaml", {})
    with pytest.raises(RuleError, match=r"'\$nowhere' names no word list; lists: \$arguments"):
        compile_path(_decl([{"climb": {"through": "$nowhere"}}]), words, "rules/patterns.yaml", {})
    with pytest.raises(RuleError, match=r"follow 'path\.later': no path of that id declared"):
        compile_path(_decl([{"follow": "path.later"}]), words, "rules/patterns.yaml", {})
    # YAML reads an unquoted `on` as true: the error says so rather than failing in .lower()
    with pytest.raises(RuleError, match=r"\[True, 'for'\] is not a list of words .* quote them"):
        compile_path(_decl([{"scan": {"words": [True, "for"]}}]), words, "rules/patterns.yaml", {})


def test_follow_reuses_the_steps_of_an_earlier_path() -> None:
    words = Words({}, "rules/patterns.yaml")
    done = {"path.governor": paths()["path.governor"]}
    decl = _decl([{"follow": "path.governor"}, {"children": {"dep": ["nsubj"]}}])
    path = compile_path(decl, words, "rules/patterns.yaml", done)
    ctx = analyse("Donald Trump held a call with Xi Jinping.")
    call = next(t for t in ctx.doc if t.text == "call")
    assert [t.text for t in walk(ctx, path, [call], None)] == ["Trump"]

"""kg.names.find_names finds what the regular expression \\b(?:name|...)\\b finds, with
the names longest first, but in time linear in the text for thousands of names."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.names import find_names

WORDS = ["Le", "Pen", "Le Pen", "Marine Le Pen", "Safadi", "al-Safadi", "O'Brien", "Xi", "Xin"]


def _regex(text: str, names: list[str]) -> list[tuple[int, int, str]]:
    ordered = sorted(set(names), key=lambda n: (-len(n), n))
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in ordered) + r")\b")
    return [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(WORDS + [" ", "-", ",", "said", "Xinhua", "\n"]), max_size=30),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=6),
)
def test_find_names_equals_the_regular_expression(pieces: list[str], names: list[str]) -> None:
    text = " ".join(pieces)
    assert list(find_names(text, names)) == _regex(text, names)


def test_a_name_inside_a_longer_word_or_a_hyphenated_pair() -> None:
    text = "Xinhua said Xi met Trump-Xi aides; Le Pen and Marine Le Pen spoke."
    got = [n for _, _, n in find_names(text, ["Xi", "Le Pen", "Marine Le Pen", "Trump"])]
    assert got == ["Xi", "Trump", "Xi", "Le Pen", "Marine Le Pen"]

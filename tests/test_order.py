"""Extraction does not depend on the order extractors run in: every extractor reads the same
lazily computed indexes of the extraction context, whoever asks first (kg/extract/context.py)."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from kg.extract import extract, registered
from kg.model import Claim, Mention
from tests.conftest import SAMPLE, analyse

NEWS_DEV = Path(__file__).parent / "data" / "news-dev"


def _plain(value: Any) -> Any:
    if isinstance(value, Mention):
        return (value.label, value.type, value.start, value.end)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())}
    return value


def _facts(claims: list[Claim]) -> list[str]:
    return sorted(repr((c.kind, _plain(c.fields), c.evidence)) for c in claims)


def _orders() -> list[list[str]]:
    names = list(registered())
    shuffled = names[:]
    random.Random(20261201).shuffle(shuffled)
    return [names, names[::-1], shuffled]


def test_a_pronoun_after_a_quote_gives_the_same_call_whichever_extractor_runs_first() -> None:
    text = (
        "Xi Jinping listened as Donald Trump said: “We will talk again soon.” He later phoned"
        " Emmanuel Macron."
    )
    for order in _orders():
        calls = [c for c in extract(analyse(text), order) if c.kind == "event"]
        assert [(c.fields["initiator"].label, c.evidence.rule) for c in calls] == [
            ("Donald Trump", "event.call")
        ], order[0]


@pytest.mark.parametrize(
    "path",
    sorted(SAMPLE.glob("*.txt")) + sorted(NEWS_DEV.glob("*.txt")),
    ids=lambda p: p.stem[:24],
)
def test_every_order_of_the_extractors_gives_the_same_facts(path: Path) -> None:
    text = path.read_text("utf-8")
    results = [_facts(list(extract(analyse(text, path.stem), order))) for order in _orders()]
    assert results[1] == results[0] and results[2] == results[0]

"""Scoring a build against a gold file: ``kg eval GOLD --corpus DIR --build OUT``.

``evaluate`` compares the facts.jsonl and entities.jsonl of a build with a gold file (the format
of examples/trump-xi-call/gold.yaml) per fact kind, checks provenance (documents and exact spans)
and returns an ``EvalReport``; ``format_report`` renders it as text, ``EvalReport.to_dict`` as
JSON. The matching rules are described in docs/evaluation.md.
"""

from __future__ import annotations

from kg.evaluate.gold import FACT_KINDS, KINDS, EvalError, GoldItem, GoldSet, load_gold
from kg.evaluate.report import EvalReport, KindScore, format_report
from kg.evaluate.scorer import evaluate

__all__ = [
    "FACT_KINDS",
    "KINDS",
    "EvalError",
    "EvalReport",
    "GoldItem",
    "GoldSet",
    "KindScore",
    "evaluate",
    "format_report",
    "load_gold",
]

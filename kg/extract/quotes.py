"""Quotes: words between quotation marks, attributed to the person or body that said them.

The quotations and their speakers are an index of the document (``ctx.quotes``, built by
kg.extract.speakers.find_quotes, where the attribution rules are); this extractor turns each
attributed quotation into a claim. Rules: ontology/rules/quotes.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator

from kg.extract import ExtractionContext, register
from kg.extract.speakers import quote_rules
from kg.model import Claim

NAME = "kg.quotes.v1"


@register(NAME)
def extract_quotes(ctx: ExtractionContext) -> Iterator[Claim]:
    """Yield one quote claim per quotation whose speaker a rule finds."""
    rules = quote_rules()
    for q in ctx.quotes:
        if q.speaker is None or q.rule is None:
            continue
        text = ctx.text[q.inner_start : q.inner_end].strip().rstrip(",").strip()
        if not text:
            continue
        yield Claim(
            kind="quote",
            fields={"speaker": q.speaker, "text": text},
            evidence=ctx.evidence(
                q.evidence_start, q.evidence_end, NAME, rules.confidence[q.rule], q.rule
            ),
        )

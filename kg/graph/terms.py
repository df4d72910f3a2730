"""RDF terms from Python values: IRIs, typed literals, dates by precision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from kg.vocab import XSD


def node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def lit(value: Any) -> ox.Literal:
    """A typed literal for a Python value (str, int, float/Decimal, bool)."""
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=node(str(XSD.boolean)))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=node(str(XSD.integer)))
    if isinstance(value, (float, Decimal)):
        return ox.Literal(decimal_text(value), datatype=node(str(XSD.decimal)))
    return ox.Literal(str(value))


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=node(datatype))


def decimal_text(value: float | Decimal) -> str:
    """Canonical xsd:decimal lexical form: 30 -> "30.0", 0.125 -> "0.125"."""
    d = Decimal(str(value)).normalize()
    text = format(d, "f")
    return text if "." in text else text + ".0"


def date_literal(value: str) -> ox.Literal:
    """xsd:gYear, xsd:gYearMonth, xsd:date or xsd:dateTime by the precision of an ISO string."""
    n = len(value)
    if n == 4:
        return typed(value, str(XSD.gYear))
    if n == 7:
        return typed(value, str(XSD.gYearMonth))
    if n == 10:
        return typed(value, str(XSD.date))
    return typed(value, str(XSD.dateTime))

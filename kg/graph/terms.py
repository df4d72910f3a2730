"""RDF terms from Python values: IRIs, typed literals, dates by precision."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from kg.vocab import XSD


def node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


_DATATYPES: dict[str, ox.NamedNode] = {}  # datatype IRI -> node, made once each


def _datatype(iri: str) -> ox.NamedNode:
    dt = _DATATYPES.get(iri)
    if dt is None:
        dt = _DATATYPES[iri] = ox.NamedNode(iri)
    return dt


_BOOLEAN, _INTEGER, _DECIMAL = str(XSD.boolean), str(XSD.integer), str(XSD.decimal)


def lit(value: Any) -> ox.Literal:
    """A typed literal for a Python value (str, int, float/Decimal, bool)."""
    if isinstance(value, str):
        return ox.Literal(value)
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_datatype(_BOOLEAN))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_datatype(_INTEGER))
    if isinstance(value, (float, Decimal)):
        return ox.Literal(decimal_text(value), datatype=_datatype(_DECIMAL))
    return ox.Literal(str(value))


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=_datatype(datatype))


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

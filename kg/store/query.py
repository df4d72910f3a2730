"""SPARQL queries against a store or an exported file, with bound parameters.

Values given with ``--bind name=value`` are passed to Oxigraph as substitutions (RDF-dev
SEP-0007), never pasted into the query text. By default the default graph is the union of
every named graph, so a query without ``GRAPH`` sees the whole corpus.

A query with ``SERVICE`` would make Oxigraph send HTTP requests to the server it names;
``run_query`` refuses one unless ``allow_service`` is given. A time limit and Ctrl-C need the
query in another process: kg/store/deadline.py.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError
from kg.export.rdf import file_format, unknown_file_type
from kg.terminal import shown
from kg.vocab import PREFIXES

FORMATS = ("table", "csv", "tsv", "json")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_DECIMAL = re.compile(r"^[+-]?[0-9]*\.[0-9]+$")
_XSD = "http://www.w3.org/2001/XMLSchema#"


class QueryError(KGError):
    """A SPARQL query, a binding or a data file is invalid."""


class ServiceRefused(QueryError):
    """The query calls another SPARQL endpoint (``SERVICE``) and that was not allowed."""


Term = ox.NamedNode | ox.Literal | ox.BlankNode


def parse_term(value: str) -> Term:
    """An RDF term from its command-line spelling.

    ``<iri>`` is an IRI; ``"text"``, ``"text"@en`` and ``"5"^^xsd:integer`` are literals in
    N-Triples/Turtle syntax (prefixed datatypes allowed); ``prefix:local`` with a kg prefix and
    ``http(s)://…`` are IRIs; bare integers, decimals and true/false are typed as in SPARQL;
    anything else is a plain string.
    """
    text = value.strip()
    if text.startswith("<") or text.startswith('"'):
        return _parse_ntriples_term(value)
    if re.match(r"^https?://\S+$", text):
        return ox.NamedNode(text)
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and re.match(r"^[A-Za-z0-9_.\-/#]*$", local):
        return ox.NamedNode(PREFIXES[prefix] + local)
    if _INTEGER.match(text):
        return ox.Literal(text, datatype=ox.NamedNode(_XSD + "integer"))
    if _DECIMAL.match(text):
        return ox.Literal(text, datatype=ox.NamedNode(_XSD + "decimal"))
    if text in ("true", "false"):
        return ox.Literal(text, datatype=ox.NamedNode(_XSD + "boolean"))
    return ox.Literal(value)


def _parse_ntriples_term(value: str) -> Term:
    match = re.match(r'^(".*")\^\^([A-Za-z][\w-]*):(\S*)$', value.strip(), re.S)
    if match and match.group(2) in PREFIXES:  # "5"^^xsd:integer
        value = f"{match.group(1)}^^<{PREFIXES[match.group(2)]}{match.group(3)}>"
    try:
        triples = list(ox.parse(f"<urn:kg:s> <urn:kg:p> {value} .", format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise QueryError(
            f'--bind value {value!r} is not an RDF term: {exc}; write <iri>, "text",'
            ' "text"@en or "5"^^xsd:integer'
        ) from None
    if len(triples) != 1:
        raise QueryError(f"--bind value {value!r} is not a single RDF term")
    return triples[0].object


def parse_bindings(items: list[str]) -> dict[str, Term]:
    """``name=value`` pairs (``--bind``) as variable name to RDF term."""
    out: dict[str, Term] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not _NAME.match(name):
            raise QueryError(
                f"--bind {item!r}: expected name=value, e.g. --bind person='<https://…>'"
                " or --bind title='Secretary of State'"
            )
        out[name] = parse_term(value)
    return out


def load_data(path: str | os.PathLike[str]) -> ox.Store:
    """An in-memory store holding an exported file (TriG, N-Quads, Turtle, JSON-LD, …)."""
    p = Path(path)
    fmt = file_format(p)
    if fmt is None:
        raise QueryError(unknown_file_type(p))
    store = ox.Store()
    try:
        store.load(path=str(p), format=fmt)
    except FileNotFoundError:
        raise QueryError(f"{p}: no such file; pass an exported graph file to --data") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise QueryError(f"{p}: cannot read {fmt.name} data: {exc}") from None
    return store


def run_query(
    store: ox.Store,
    query: str,
    bindings: Mapping[str, Term] | None = None,
    *,
    union: bool = True,
    allow_service: bool = False,
) -> Any:
    """Run a SPARQL query; returns pyoxigraph solutions, a boolean or triples.

    A query with ``SERVICE`` raises :class:`ServiceRefused` unless ``allow_service``: it would
    send requests to the endpoint it names.
    """
    if not allow_service:
        endpoint = service_endpoint(query)
        if endpoint is not None:
            raise ServiceRefused(
                f"the query calls SERVICE {endpoint}, which sends it to another server over"
                " HTTP; kg refuses that unless you pass --allow-service"
            )
    subs: dict[ox.Variable, Any] = {ox.Variable(k): v for k, v in (bindings or {}).items()}
    try:
        return store.query(
            query,
            use_default_graph_as_union=union,
            substitutions=subs or None,
            prefixes=dict(PREFIXES),
        )
    except SyntaxError as exc:
        raise QueryError(f"SPARQL syntax error: {exc}") from None
    except RuntimeError as exc:
        hint = ""
        if "projection" in str(exc):
            hint = "; a bound variable must be selected (SELECT * or SELECT ?name …)"
        raise QueryError(f"the query cannot run: {exc}{hint}") from None
    except OSError as exc:
        raise QueryError(f"the query failed: {exc}") from None


def service_endpoint(query: str) -> str | None:
    """The first endpoint a ``SERVICE`` clause of ``query`` names, or None if it has none.

    Read from rdflib's parse of the query, so the word in a string, an IRI, a comment or a
    variable name does not count. A query rdflib cannot parse (Oxigraph accepts a few
    extensions) is scanned token by token with strings, IRIs and comments skipped.
    """
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(query)
    except (ParseBaseException, ValueError, RecursionError):
        return _service_token(query)
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if getattr(node, "name", None) == "ServiceGraphPattern":
            return _spelling(node.get("term"))
        if isinstance(node, dict):
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(reversed(list(node)))
    return None


def _spelling(term: Any) -> str:
    """An endpoint as the query writes it: <iri>, prefix:name or ?variable."""
    if getattr(term, "name", None) == "pname":
        return f"{term.get('prefix') or ''}:{term.get('localname') or ''}"
    if type(term).__name__ == "Variable":
        return f"?{term}"
    return "(no endpoint)" if term is None else f"<{term}>"


# What a SPARQL lexer must tell apart so that SERVICE is only ever the keyword.
_TOKENS = re.compile(
    "|".join(
        (
            r'"""(?:[^"\\]|\\.|"(?!""))*"""',  # long strings first
            r"'''(?:[^'\\]|\\.|'(?!''))*'''",
            r'"(?:[^"\\\n]|\\.)*"',
            r"'(?:[^'\\\n]|\\.)*'",
            r'<[^<>"{}|^`\\\s]*>',  # IRIs
            r"#[^\n]*",  # comments
            r"[?$]?[\w.:-]+",  # variables, prefixed names, keywords
            r"\S",
        )
    )
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _service_token(query: str) -> str | None:
    """The token after the keyword SERVICE (and SILENT), for queries rdflib cannot parse."""
    # SPARQL applies \u escapes to the whole query text before parsing it.
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), query)
    tokens = iter(_TOKENS.findall(text))
    for token in tokens:
        if token.upper() == "SERVICE":
            following = next(tokens, "")
            if following.upper() == "SILENT":
                following = next(tokens, "")
            return following or "(no endpoint)"
    return None


def short(term: Any) -> str:
    """A term for a table cell: IRIs as prefixed names where a kg prefix fits, literals bare."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            local = term.value[len(ns) :]
            if term.value.startswith(ns) and re.match(r"^[A-Za-z0-9_\-]*$", local):
                return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, ox.Literal):
        return term.value + (f"@{term.language}" if term.language else "")
    return str(term)


def format_results(results: Any, fmt: str) -> str:
    """Query results as text: an aligned table (for people: terminal controls in the data
    escaped, kg.terminal), or SPARQL 1.1 CSV, TSV or JSON results (the exact values)."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
    if isinstance(results, ox.QueryBoolean):
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(results)}) + "\n"
        return ("true" if results else "false") + "\n"
    if isinstance(results, ox.QueryTriples):
        if fmt == "table":
            data = ox.serialize(results, format=ox.RdfFormat.TURTLE, prefixes=dict(PREFIXES))
        elif fmt == "json":
            data = ox.serialize(results, format=ox.RdfFormat.JSON_LD)
        else:
            data = ox.serialize(results, format=ox.RdfFormat.N_TRIPLES)
        return (data or b"").decode("utf-8")
    if fmt == "json":
        return results.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8") + "\n"
    if fmt == "csv":
        return results.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8")
    if fmt == "tsv":
        return results.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8")
    names = [v.value for v in results.variables]
    rows = [[short(sol[name]) for name in names] for sol in results]
    return _table(names, rows)


def _table(names: list[str], rows: list[list[str]]) -> str:
    cells = [[shown(c.replace("\n", " ")) for c in row] for row in rows]
    widths = [max([len(n), *(len(r[i]) for r in cells)]) for i, n in enumerate(names)]
    lines = [" | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("-+-".join("-" * w for w in widths))
    for row in cells:
        lines.append(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"

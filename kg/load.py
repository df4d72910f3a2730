"""Push the graph to an external SPARQL store over HTTP (standard library only).

Two methods:

- ``gsp`` (default): the SPARQL 1.1 Graph Store HTTP Protocol, one ``PUT ?graph=<g>`` per named
  graph. A PUT replaces the graph, so loading again is idempotent.
- ``update``: SPARQL 1.1 Update, ``DROP SILENT GRAPH <g>`` then ``INSERT DATA`` in batches of
  ``batch_size`` triples (for servers without the Graph Store Protocol).

Both authenticate with HTTP basic or digest authentication when given a user, retry failed
requests with exponential back-off (connection errors, 408, 429 and 5xx answers), and then
check the load: one ``SELECT (COUNT(*) AS ?n)`` per graph, compared with the number of triples
sent. Counting rather than listing matters: Virtuoso silently cuts result sets at 10,000 rows.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kg.errors import KGError
from kg.store.writer import group_by_graph

METHODS = ("gsp", "update")
AUTH_SCHEMES = ("basic", "digest")
_RETRY_STATUS = {408, 429, 500, 502, 503, 504}
# Known query-endpoint paths and the Graph Store / Update endpoints beside them.
_SIBLINGS = {
    "/query": ("/store", "/update"),  # Oxigraph server
    "/sparql": ("/sparql-graph-crud", "/sparql"),  # Virtuoso, anonymous
    "/sparql-auth": ("/sparql-graph-crud-auth", "/sparql-auth"),  # Virtuoso, authenticated
}


class LoadError(KGError):
    """The external store refused a request, or could not be reached after the retries."""


@dataclass(frozen=True)
class Endpoint:
    """Where and how to reach a SPARQL server."""

    query: str
    gsp: str | None = None  # default: derived from ``query`` (see _SIBLINGS)
    update: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "digest"
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 0.5  # seconds before the first retry; doubles each time

    def sibling(self, which: str) -> str:
        """The Graph Store (``gsp``) or Update (``update``) URL of this server."""
        given = self.gsp if which == "gsp" else self.update
        if given:
            return given
        parts = urllib.parse.urlsplit(self.query)
        for path, (gsp, update) in _SIBLINGS.items():
            if parts.path.rstrip("/") == path:
                new = gsp if which == "gsp" else update
                return urllib.parse.urlunsplit(parts._replace(path=new))
        return self.query


@dataclass
class LoadReport:
    """Triples sent per graph and, after the check, the server's count per graph."""

    sent: dict[str, int] = field(default_factory=dict)
    counted: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    retries: int = 0

    @property
    def mismatches(self) -> dict[str, tuple[int, int]]:
        """Graphs whose server count differs from what was sent: iri -> (sent, counted)."""
        return {
            g: (n, self.counted.get(g, -1))
            for g, n in self.sent.items()
            if self.counted and self.counted.get(g) != n
        }


class SparqlClient:
    """A small SPARQL 1.1 protocol client on urllib, with authentication and retries."""

    def __init__(self, endpoint: Endpoint, report: LoadReport | None = None) -> None:
        self.endpoint = endpoint
        self.report = report or LoadReport()
        handlers: list[Any] = []
        self._digest: urllib.request.HTTPDigestAuthHandler | None = None
        self._challenge: dict[str, str] | None = None
        if endpoint.user is not None and endpoint.auth == "digest":
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in {endpoint.query, endpoint.sibling("gsp"), endpoint.sibling("update")}:
                manager.add_password(None, url, endpoint.user, endpoint.password or "")
            self._digest = urllib.request.HTTPDigestAuthHandler(manager)
            handlers.append(self._digest)
        elif endpoint.user is not None and endpoint.auth not in AUTH_SCHEMES:
            raise LoadError(f"unknown authentication {endpoint.auth!r}; use basic or digest")
        self.opener = urllib.request.build_opener(*handlers)

    def _probe(self) -> dict[str, str]:
        """The server's digest challenge, from one request without a body.

        Sending a large body unauthenticated first (as urllib does) fails: the server answers
        401 and closes the connection before reading the body. So kg authenticates up front.
        """
        request = urllib.request.Request(self.endpoint.query, method="GET")
        try:
            with urllib.request.urlopen(request, timeout=self.endpoint.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            with exc:  # an error response holds its socket open until closed
                header = exc.headers.get("WWW-Authenticate", "")
            scheme, _, rest = header.partition(" ")
            if exc.code == 401 and scheme.lower() == "digest":
                return urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        except OSError:
            return {}
        return {}

    def _authorise(self, request: urllib.request.Request) -> None:
        if self._digest is None:
            return
        if self._challenge is None:
            self._challenge = self._probe()
        if self._challenge:
            value = self._digest.get_authorization(request, self._challenge)
            if value:
                request.add_unredirected_header("Authorization", f"Digest {value}")

    def _headers(self, extra: dict[str, str]) -> dict[str, str]:
        headers = {"User-Agent": "kg-load", **extra}
        if self.endpoint.user is not None and self.endpoint.auth == "basic":
            token = f"{self.endpoint.user}:{self.endpoint.password or ''}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
        return headers

    def send(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> bytes:
        """One HTTP request with retries; returns the response body."""
        attempt = 0
        while True:
            request = urllib.request.Request(
                url, data=body, method=method, headers=self._headers(headers)
            )
            self._authorise(request)
            self.report.requests += 1
            try:
                with self.opener.open(request, timeout=self.endpoint.timeout) as response:
                    return response.read()
            except urllib.error.HTTPError as exc:
                with exc:  # an error response holds its socket open until closed
                    detail = exc.read()[:500].decode("utf-8", "replace").strip()
                if exc.code not in _RETRY_STATUS or attempt >= self.endpoint.retries:
                    hint = (
                        "; check --user/--password and that the user may write"
                        if exc.code in (401, 403)
                        else ""
                    )
                    raise LoadError(
                        f"{method} {url}: HTTP {exc.code} {exc.reason}{hint}: {detail}"
                    ) from None
            except (urllib.error.URLError, OSError) as exc:
                if attempt >= self.endpoint.retries:
                    reason = getattr(exc, "reason", exc)
                    raise LoadError(
                        f"{method} {url}: cannot reach the server after"
                        f" {attempt + 1} attempts: {reason}; is it running?"
                    ) from None
            time.sleep(self.endpoint.backoff * (2**attempt))
            self._challenge = None  # a fresh nonce for the next attempt
            attempt += 1
            self.report.retries += 1

    def put_graph(self, graph: str, ntriples: bytes) -> None:
        """Replace a named graph (Graph Store Protocol PUT)."""
        url = _with_query(self.endpoint.sibling("gsp"), {"graph": _plain_iri(graph)})
        # N-Triples is a subset of Turtle, and every Graph Store implementation reads Turtle.
        self.send("PUT", url, ntriples, {"Content-Type": "text/turtle; charset=utf-8"})

    def update(self, text: str) -> None:
        """Run a SPARQL Update (form-encoded POST, SPARQL 1.1 Protocol)."""
        body = urllib.parse.urlencode({"update": text}).encode("utf-8")
        self.send(
            "POST",
            self.endpoint.sibling("update"),
            body,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )

    def select(self, query: str) -> list[dict[str, Any]]:
        """Run a SELECT query; rows as ``{variable: {"type":…, "value":…}}``."""
        body = urllib.parse.urlencode({"query": query}).encode("utf-8")
        data = self.send(
            "POST",
            self.endpoint.query,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
        try:
            parsed = json.loads(data)
            return list(parsed["results"]["bindings"])
        except (ValueError, KeyError, TypeError) as exc:
            raise LoadError(
                f"{self.endpoint.query}: the answer is not SPARQL JSON results ({exc}):"
                f" {data[:200]!r}"
            ) from None

    def count(self, graph: str) -> int:
        """Triples in a named graph, counted by the server."""
        rows = self.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{_plain_iri(graph)}> {{ ?s ?p ?o }} }}"
        )
        try:
            return int(rows[0]["n"]["value"]) if rows else 0
        except (KeyError, ValueError) as exc:
            raise LoadError(f"unexpected count answer for <{graph}>: {rows!r}") from exc


def _plain_iri(iri: str) -> str:
    if not iri or any(c in iri for c in '<>"{}|^`\\ \n\r\t'):
        raise LoadError(f"graph name {iri!r} is not a plain IRI; kg mints only plain IRIs")
    return iri


def _with_query(url: str, params: dict[str, str]) -> str:
    sep = "&" if urllib.parse.urlsplit(url).query else "?"
    return url + sep + urllib.parse.urlencode(params)


def _ntriples(quads: Sequence[ox.Quad]) -> bytes:
    triples = [q.triple for q in quads]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def load_quads(
    quads: Sequence[ox.Quad],
    endpoint: Endpoint,
    *,
    method: str = "gsp",
    batch_size: int = 5000,
    check: bool = True,
    on_graph: Callable[[str, int], None] | None = None,
) -> LoadReport:
    """Send every named graph of ``quads`` to ``endpoint``; then count triples per graph.

    Quads in the default graph are refused (``LoadError``, nothing sent): servers disagree on
    what their default graph is (Virtuoso's is the union of every graph), so no count could
    check them; :func:`into_graph` puts them into a named graph. Nothing to send is an error
    too, never a check that passes. Graphs on the server that are not in ``quads`` are left
    alone.
    """
    default = sum(1 for q in quads if isinstance(q.graph_name, ox.DefaultGraph))
    if default:
        raise LoadError(
            f"{default} triples are in the default graph (a Turtle or N-Triples file has no"
            " named graphs), and kg loads named graphs only: pass --graph IRI to load them into"
            " that named graph, or load graph.trig or graph.nq, which keep one graph per"
            " document"
        )
    if not quads:
        raise LoadError("nothing to load: no triples were given; check the store or the file")
    if method not in METHODS:
        raise LoadError(f"unknown load method {method!r}; use one of {', '.join(METHODS)}")
    if batch_size < 1:
        raise LoadError(f"--batch-size must be at least 1, not {batch_size}")
    report = LoadReport()
    client = SparqlClient(endpoint, report)
    for graph, graph_quads in sorted(group_by_graph(quads).items()):
        if not graph:
            continue
        unique = sorted(set(graph_quads), key=str)
        if method == "gsp":
            client.put_graph(graph, _ntriples(unique))
        else:
            _update_graph(client, graph, unique, batch_size)
        report.sent[graph] = len(unique)
        if on_graph is not None:
            on_graph(graph, len(unique))
    if check:
        for graph in report.sent:
            report.counted[graph] = client.count(graph)
    return report


def into_graph(quads: Sequence[ox.Quad], graph: str) -> list[ox.Quad]:
    """``quads`` with those of the default graph moved into the named graph ``graph``."""
    try:
        target = ox.NamedNode(_plain_iri(graph))
    except ValueError:
        raise LoadError(
            f"--graph {graph!r} is not an absolute IRI; give one such as"
            " https://example.org/graph/news"
        ) from None
    return [
        ox.Quad(q.subject, q.predicate, q.object, target)
        if isinstance(q.graph_name, ox.DefaultGraph)
        else q
        for q in quads
    ]


def _update_graph(
    client: SparqlClient, graph: str, quads: Sequence[ox.Quad], batch_size: int
) -> None:
    g = _plain_iri(graph)
    for i in range(0, max(len(quads), 1), batch_size):
        batch = quads[i : i + batch_size]
        triples = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in batch)
        insert = f"INSERT DATA {{ GRAPH <{g}> {{\n{triples}\n}} }}" if batch else ""
        if i == 0:
            client.update(f"DROP SILENT GRAPH <{g}>" + (f" ;\n{insert}" if insert else ""))
        else:
            client.update(insert)


def server_counts(endpoint: Endpoint, graphs: Sequence[str]) -> dict[str, int]:
    """Triples per named graph on the server (for checks and tests)."""
    client = SparqlClient(endpoint)
    return {g: client.count(g) for g in graphs}

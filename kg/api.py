"""The Python interface: ``kg.build`` and ``kg.Store`` (docs/api.md).

``import kg`` stays light: this module is imported on first use of ``kg.build`` or
``kg.Store``, and spaCy only when a build starts.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.results import BuildResult, Settings

if TYPE_CHECKING:
    from kg.ingest import InputWarning
    from kg.store import StoreBuild

__all__ = ["Store", "build", "rows"]

PathLike = str | os.PathLike[str]
Phase = Callable[[str, int, int | None], None]


def _paths(inputs: PathLike | Iterable[PathLike]) -> list[str]:
    if isinstance(inputs, (str, os.PathLike)):
        return [os.fspath(inputs)]
    return [os.fspath(p) for p in inputs]


def _exports(formats: str | Sequence[str] | None) -> tuple[str, ...] | None:
    from kg.export.formats import parse_formats

    if formats is None:
        return None
    return parse_formats(formats if isinstance(formats, str) else ",".join(formats))


def build(
    inputs: PathLike | Iterable[PathLike],
    out: PathLike | None = None,
    *,
    formats: str | Sequence[str] | None = None,
    settings: Settings | None = None,
    on_warning: Callable[[InputWarning], None] | None = None,
    on_phase: Phase | None = None,
    **options: Any,
) -> BuildResult:
    """Build the graph of ``inputs`` (files and folders); write the exports to ``out`` if given.

    ``formats`` is what ``kg build --format`` takes (``"ttl,graphml"``, ``"all"`` or a list of
    names; default: the build's usual six). ``options`` are fields of ``kg.Settings``
    (``model``, ``strict``, ``jobs``, ``copy_threshold``...). Returns the ``BuildResult``
    (``documents``, ``entities``, ``facts``, ``quads``; ``export(path)``, ``query(sparql)``).
    A missing input, or inputs with no file kg reads, raise ``InputError`` before spaCy loads.
    """
    from kg.walk import input_problems

    paths = _paths(inputs)
    problems = input_problems(paths, [out] if out is not None else [])
    if problems:
        raise InputError(", ".join(paths), "no documents to build: " + "; ".join(problems))
    base = settings if settings is not None else Settings()
    exports = _exports(formats)
    if exports is not None:
        options["exports"] = exports
    if options:
        from dataclasses import replace

        base = replace(base, **options)
    from kg.pipeline import run_build

    return run_build(paths, out, base, on_warning=on_warning, on_phase=on_phase)


def rows(results: Any) -> list[dict[str, str | None]]:
    """SELECT solutions as plain rows: each variable's value as text (an IRI, a literal's
    lexical form), ``None`` where unbound. ASK gives ``[{"ask": "true"}]`` or ``"false"``."""
    import pyoxigraph as ox

    if isinstance(results, bool):
        return [{"ask": "true" if results else "false"}]
    if isinstance(results, ox.QuerySolutions):
        names = [v.value for v in results.variables]
        return [{n: (None if s[n] is None else s[n].value) for n in names} for s in results]
    return [
        {"subject": t.subject.value, "predicate": t.predicate.value, "object": t.object.value}
        for t in results
    ]


class Store:
    """A kg store folder (``kg build --store``): build into it, query it, export it.

    ``Store(".kg-store").query("SELECT ...")`` runs SPARQL (the default graph is the union of
    every document graph; kg's prefixes are declared) and returns plain rows (:func:`rows`).
    """

    def __init__(self, path: PathLike) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"kg.Store({str(self.path)!r})"

    def build(
        self,
        inputs: PathLike | Iterable[PathLike],
        *,
        settings: Settings | None = None,
        reanalyse: bool = False,
        on_warning: Callable[[InputWarning], None] | None = None,
        **options: Any,
    ) -> StoreBuild:
        """Add or update the documents of ``inputs`` (only new or changed ones go through
        spaCy); see ``kg.store.build_store``."""
        from dataclasses import replace

        from kg.store import build_store
        from kg.walk import input_problems

        paths = _paths(inputs)
        problems = input_problems(paths, [self.path])
        if problems:
            raise InputError(", ".join(paths), "no documents to build: " + "; ".join(problems))
        base = replace(settings or Settings(), **options)
        return build_store(paths, self.path, base, reanalyse=reanalyse, on_warning=on_warning)

    def remove(self, doc_ids: Sequence[str]) -> StoreBuild:
        """Retract documents; entities, support and conflicts are recomputed."""
        from kg.store import remove_documents

        return remove_documents(self.path, list(doc_ids), Settings())

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
    ) -> list[dict[str, str | None]]:
        """Run a SPARQL query; ``bindings`` maps variable names to values (``kg query
        --bind``'s syntax as text: ``"<iri>"``, ``'"text"'``, ``5``, plain text)."""
        from kg.store import open_rdf

        with open_rdf(self.path) as rdf:
            return _query(rdf, sparql, bindings, union)

    def result(self) -> BuildResult:
        """The store's corpus as a ``BuildResult`` (entities, facts, quads, ``export``)."""
        from kg.store import read_store

        return read_store(self.path)

    def export(self, path: PathLike, format: str | None = None) -> Path:
        """Write one export of the store (format from the file name unless given)."""
        return self.result().export(path, format)


def _query(
    rdf: Any, sparql: str, bindings: Mapping[str, Any] | None, union: bool
) -> list[dict[str, str | None]]:
    from kg.store.query import parse_term, run_query

    terms = {k: parse_term(str(v)) for k, v in (bindings or {}).items()}
    return rows(run_query(rdf, sparql, terms, union=union))

"""kg: a knowledge-graph builder for news text, with span provenance for every fact.

The Python interface (docs/api.md)::

    import kg
    result = kg.build(["articles/"], "exports/kg", formats="all")
    result.export("graph.graphml")
    kg.Store(".kg-store").query("SELECT ?name WHERE { ?p a schema:Person ; rdfs:label ?name }")

Importing kg loads none of its dependencies: each name below is imported on first use, and
spaCy only when a build starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from kg.api import Store, build
    from kg.errors import KGError
    from kg.results import BuildResult, Settings

__all__ = ["BuildResult", "KGError", "Settings", "Store", "__version__", "build", "info"]

_LAZY = {
    "build": "kg.api",
    "Store": "kg.api",
    "BuildResult": "kg.results",
    "Settings": "kg.results",
    "KGError": "kg.errors",
    "info": "kg.about",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

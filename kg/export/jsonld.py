"""JSON-LD export: the dataset compacted with kg's context (``ontology/context.jsonld``).

The context is embedded, not referenced by URL, so the file reads offline. Each named graph is
one object of the top-level ``@graph`` with its own ``@graph`` of nodes; nodes, their values and
graphs are sorted, so a rebuild writes the same bytes.
"""

from __future__ import annotations

import functools
import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.export import exporter
from kg.export.atomic import atomic_write
from kg.graph import to_rdflib
from kg.resources import data_path

if TYPE_CHECKING:
    from kg.results import BuildResult


@functools.cache
def context() -> dict[str, Any]:
    """The ``@context`` object of ontology/context.jsonld."""
    data = json.loads(data_path("context.jsonld").read_text(encoding="utf-8"))
    return dict(data["@context"])


def _key(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("id", value.get("@id", ""))) + json.dumps(value, sort_keys=True)
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _sorted(value: Any) -> Any:
    """Sort arrays (JSON-LD arrays are unordered unless @list, which kg does not use)."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted(v) for v in value), key=_key)
    return value


def to_jsonld(build: BuildResult) -> dict[str, Any]:
    """The build's dataset as a compacted JSON-LD document (a dict)."""
    dataset = to_rdflib(build.quads)
    with warnings.catch_warnings():  # rdflib's JSON-LD writer calls its own deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        text = dataset.serialize(format="json-ld", context=context(), auto_compact=True)
    data = json.loads(text)
    data["@context"] = context()
    if "@graph" not in data:  # a single graph comes out flattened; keep one shape
        body = {k: v for k, v in data.items() if k != "@context"}
        data = {"@context": context(), "@graph": [body] if body else []}
    data["@graph"] = _sorted(data["@graph"])
    return data


@exporter("jsonld", "graph.jsonld")
def export_jsonld(build: BuildResult, path: Path) -> None:
    """JSON-LD 1.1 with kg's context embedded: one object per named graph."""
    data = to_jsonld(build)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    atomic_write(path, text.encode("utf-8") + b"\n")

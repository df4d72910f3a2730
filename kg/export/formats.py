"""Naming export formats: a ``--format`` list (``ttl,trig`` or ``all``), or a file's name.

Both read the exporter registry (kg/export/__init__.py), so a new exporter is known here
without a change.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import ExportError
from kg.export import exporters

if TYPE_CHECKING:
    from kg.results import BuildResult

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


def export_file(build: BuildResult, path: str | os.PathLike[str], fmt: str | None = None) -> Path:
    """Write one export of ``build`` to ``path``: a file (for ``neo4j`` a folder) of that
    name, or, when ``path`` is an existing folder, the format's usual file in it. The format
    is ``fmt`` or the one the name asks for (:func:`format_of`). The export is written in a
    temporary folder beside ``path`` and moved into place whole."""
    from kg.export import export

    name = fmt if fmt is not None else format_of(path)
    target = Path(path)
    if target.is_dir():
        return export(name, build, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        os.replace(export(name, build, tmp), target)
    except OSError as exc:
        raise ExportError(f"{target}: cannot write the {name} export: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target

"""Which files a build reads: the inputs, folders walked in sorted order, every skip reported.

Hidden files and folders (a name starting with ``.``) and files of other types are passed over
silently: that is what a folder of articles holds besides articles. Everything else that is not
read gets a warning: a folder that cannot be listed, a link to a folder (never followed, so a
link loop cannot make the walk endless), a dangling link, a FIFO, socket or device (opening one
would block or read forever), the build's own output folder and any other folder a kg build
wrote (it holds ``OUTPUT_MARKER``): a second ``kg build .`` must not read the first one's
exports, whatever ``--out`` either was given.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")

# Every output folder of `kg build` holds this file (written before the exports), so a later
# build never reads kg's own facts.jsonl, entities.jsonl and graph.html as articles.
OUTPUT_MARKER = ".kg-output"
MARKER_TEXT = (
    b"This folder holds the outputs of a kg build (kg build --out). kg never reads a folder\n"
    b"holding this file as input; delete the file if the folder should be read as articles.\n"
)

Warn = Callable[..., None]  # warn(path, problem, skipped=...)


def collect(
    inputs: Sequence[str | os.PathLike[str]], warn: Warn, exclude: Sequence[Path] = ()
) -> list[Path]:
    """The readable files named by ``inputs``, each once, in sorted path order; nothing under a
    folder of ``exclude`` (the output folder)."""
    excluded = {_real(p) for p in exclude}
    found: dict[Path, Path] = {}
    for item in inputs:
        path = Path(item)
        if _inside(path, excluded) or _marked(path if path.is_dir() else path.parent):
            warn(str(path), _OUTPUT_FOLDER, skipped=True)  # named, yet not read: a skip
            continue
        if path.is_dir():
            files = list(_walk(path, warn, excluded))
            if not files:
                warn(
                    str(path),
                    f"folder holds no {', '.join(SUPPORTED_SUFFIXES)} files; nothing to read",
                    skipped=True,
                )
        elif path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                kind = repr(path.suffix) if path.suffix else "without a suffix"
                warn(
                    str(path),
                    f"unsupported file type {kind}: kg reads {', '.join(SUPPORTED_SUFFIXES)};"
                    " convert the file or rename it if it is plain text",
                    skipped=True,
                )
                continue
            files = [path]
        elif path.is_symlink():
            warn(str(path), _dangling(path), skipped=True)
            continue
        elif path.exists():
            warn(str(path), _special(path), skipped=True)
            continue
        else:
            warn(str(path), "no such file or folder; check the path", skipped=True)
            continue
        for file in files:
            found.setdefault(file.resolve(), file)
    return sorted(found.values(), key=lambda p: p.parts)


_OUTPUT_FOLDER = (
    f"the build's output folder (--out), or one a kg build wrote (it holds {OUTPUT_MARKER});"
    " not read as input"
)


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _marked(folder: Path) -> bool:
    return (folder / OUTPUT_MARKER).is_file()


def _inside(path: Path, excluded: set[Path]) -> bool:
    if not excluded:
        return False
    real = _real(path)
    return any(real == e or e in real.parents for e in excluded)


def _walk(folder: Path, warn: Warn, excluded: set[Path]) -> Iterator[Path]:
    """Supported, non-hidden files under ``folder``, in a deterministic order."""

    def unreadable(exc: OSError) -> None:
        where = exc.filename if exc.filename is not None else folder
        reason = exc.strerror or str(exc)
        warn(str(where), f"cannot read the folder: {reason}; its files are skipped", skipped=True)

    for root, dirs, files in os.walk(folder, onerror=unreadable):
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            path = Path(root, name)
            if path.is_symlink():
                warn(
                    str(path),
                    "a link to a folder: not followed (a link loop would never end); name its"
                    " target as an input to read it",
                    skipped=True,
                )
            elif _inside(path, excluded) or _marked(path):
                warn(str(path), _OUTPUT_FOLDER, skipped=False)
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            path = Path(root, name)
            if name.startswith(".") or path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            if path.is_symlink() and _inside(path, excluded):
                warn(str(path), f"a link into {_OUTPUT_FOLDER}", skipped=False)
            elif path.is_file():
                yield path
            elif path.is_symlink() and not path.exists():
                warn(str(path), _dangling(path), skipped=True)
            else:
                warn(str(path), _special(path), skipped=True)


def _dangling(path: Path) -> str:
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    if os.path.lexists(path.parent / target):  # the target is a link that leads nowhere
        return (
            f"a link that never reaches a file (a loop of links, or links to a missing file,"
            f" through {target!r}); fix or remove the link"
        )
    return f"a dangling link: its target {target!r} does not exist; fix or remove the link"


def _special(path: Path) -> str:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read the file: {exc.strerror or exc}"
    kind = (
        "a FIFO (named pipe)"
        if stat.S_ISFIFO(mode)
        else "a socket"
        if stat.S_ISSOCK(mode)
        else "a device"
        if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
        else "not a regular file"
    )
    return f"{kind}, not a regular file; kg reads only regular files"


def mark_output_folder(folder: Path) -> None:
    """Create ``folder`` if need be and put ``OUTPUT_MARKER`` in it: no build reads it again."""
    from kg.export.atomic import atomic_write

    marker = folder / OUTPUT_MARKER
    if not marker.is_file() or marker.read_bytes() != MARKER_TEXT:
        atomic_write(marker, MARKER_TEXT)


def input_problems(
    inputs: Sequence[str | os.PathLike[str]], exclude: Sequence[str | os.PathLike[str]] = ()
) -> list[str]:
    """Why ``inputs`` cannot be built, checked before anything is loaded: each input that does
    not exist, or, when no input holds a file kg reads, every reason none does. Empty when the
    build can start (a file may still be skipped once read: binary, malformed...)."""
    missing = [
        f"{p}: no such file or folder; check the path"
        for p in inputs
        if not os.path.lexists(p)
    ]
    if missing:
        return missing
    found: list[str] = []
    files = collect(
        inputs,
        lambda path, problem, skipped=True: found.append(f"{path}: {problem}"),
        [Path(p) for p in exclude],
    )
    if files:
        return []
    return found or [f"{', '.join(map(str, inputs))}: nothing to read"]

"""Reading articles from files and folders into ``Document`` objects.

``read_documents`` is the pipeline's first stage. It reads .txt, .md (with optional YAML front
matter), .html and .jsonl files, reports every input it cannot use as an ``InputWarning`` (or
raises ``InputError`` in strict mode) and never changes a document's text after decoding it:
later stages keep character offsets into exactly that text.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import json
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError
from kg.html_text import extract_article
from kg.model import Document

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
_FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}
_META_KEYS = ("title", "url", "author", "published", "language")
_LOG = logging.getLogger("kg.ingest")

_FRONT_OPEN = re.compile(r"---[ \t]*\r?\n")
_FRONT_CLOSE = re.compile(r"^---[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_MONTH_FIRST = re.compile(rf"{_WEEKDAY}([a-z]+)\.?\s+{_DAY},?\s+(\d{{4}})")
_DAY_FIRST = re.compile(rf"{_WEEKDAY}{_DAY}\s+([a-z]+)\.?,?\s+(\d{{4}})")
_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}


@dataclass(frozen=True)
class InputWarning:
    """A problem with one input: a file, or ``file.jsonl:LINE`` for one line of a JSONL file."""

    path: str  # the file (and ":LINE" for a jsonl line)
    problem: str  # what is wrong and, where useful, the fix
    skipped: bool  # True when the input produced no document


class _Reporter:
    """Sends each distinct problem once to the caller's callback, the log, or (strict) raises."""

    def __init__(self, strict: bool, on_warning: Callable[[InputWarning], None] | None) -> None:
        self.strict = strict
        self.on_warning = on_warning
        self.seen: set[tuple[str, str]] = set()

    def warn(self, path: str, problem: str, *, skipped: bool) -> None:
        if self.strict and skipped:
            raise InputError(path, problem)
        if (path, problem) in self.seen:
            return
        self.seen.add((path, problem))
        if self.on_warning is None:
            _LOG.warning("%s: %s", path, problem)
        else:
            self.on_warning(InputWarning(path, problem, skipped))


# A document before the duplicate and emptiness checks: (where, id, text, metadata).
_Parsed = tuple[str, str, str, dict[str, Any]]


def read_documents(
    inputs: Sequence[str | os.PathLike[str]],
    *,
    strict: bool = False,
    on_warning: Callable[[InputWarning], None] | None = None,
) -> Iterator[Document]:
    """Yield one ``Document`` per article found in ``inputs`` (files and folders).

    Folders are walked recursively, skipping hidden files and folders and files of other
    types; all files are read in sorted path order, JSONL lines in line order. A document's id
    is its file stem (JSONL: the line's ``id``, else ``<stem>-<line>``); an input whose id was
    already used is skipped. Problems go to ``on_warning`` (default: the ``kg.ingest`` logger);
    with ``strict=True`` the first problem that would skip an input raises ``InputError``.
    """
    reporter = _Reporter(strict, on_warning)
    first_use: dict[str, str] = {}
    for path in _collect(inputs, reporter):
        fmt = _FORMATS[path.suffix.lower()]
        for where, doc_id, text, meta in _parse_file(path, fmt, reporter):
            if doc_id in first_use:
                reporter.warn(
                    where,
                    f"duplicate document id {doc_id!r}: {first_use[doc_id]} already has it, so"
                    f" {where} is skipped; ids must be unique, rename one of the two"
                    ' (or give the JSONL line its own "id")',
                    skipped=True,
                )
                continue
            first_use[doc_id] = where
            if not text.strip():
                reporter.warn(
                    where, "empty document: no facts (the text is empty or blank)", skipped=False
                )
            yield Document(
                id=doc_id,
                text=text,
                path=str(path),
                format=fmt,
                sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
                **meta,
            )


def _collect(inputs: Sequence[str | os.PathLike[str]], reporter: _Reporter) -> list[Path]:
    """The readable files named by ``inputs``, each once, in sorted path order."""
    found: dict[Path, Path] = {}
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            files = list(_walk(path))
            if not files:
                reporter.warn(
                    str(path),
                    f"folder holds no {', '.join(SUPPORTED_SUFFIXES)} files; nothing to read",
                    skipped=True,
                )
        elif path.is_file():
            if path.suffix.lower() not in _FORMATS:
                kind = repr(path.suffix) if path.suffix else "without a suffix"
                reporter.warn(
                    str(path),
                    f"unsupported file type {kind}: kg reads {', '.join(SUPPORTED_SUFFIXES)};"
                    " convert the file or rename it if it is plain text",
                    skipped=True,
                )
                continue
            files = [path]
        elif path.exists():
            reporter.warn(str(path), "not a regular file or folder; nothing to read", skipped=True)
            continue
        else:
            reporter.warn(str(path), "no such file or folder; check the path", skipped=True)
            continue
        for file in files:
            found.setdefault(file.resolve(), file)
    return sorted(found.values(), key=lambda p: p.parts)


def _walk(folder: Path) -> Iterator[Path]:
    """Supported, non-hidden files under ``folder``, in a deterministic order."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root, name)
            if not name.startswith(".") and path.suffix.lower() in _FORMATS and path.is_file():
                yield path


def _parse_file(path: Path, fmt: str, reporter: _Reporter) -> Iterator[_Parsed]:
    where = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        reporter.warn(where, f"cannot read the file: {exc.strerror or exc}", skipped=True)
        return
    text = _decode(where, path.name, data, reporter)
    if text is None:
        return
    if fmt == "jsonl":
        yield from _parse_jsonl(where, path.stem, text, reporter)
        return
    meta: dict[str, Any] = dict.fromkeys(_META_KEYS)
    if fmt == "md":
        split = _split_front_matter(where, text, reporter)
        if split is None:
            return
        raw, text = split
        meta = _metadata(raw, where, reporter)
    elif fmt == "html":
        article = extract_article(text)
        text = article.text
        raw = {key: getattr(article, key) for key in _META_KEYS}
        meta = _metadata(raw, where, reporter)
    yield where, path.stem, text, meta


def _decode(where: str, name: str, data: bytes, reporter: _Reporter) -> str | None:
    """The file's text: UTF-8 with its byte order mark removed, or None after a warning."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        reporter.warn(
            where,
            f"UTF-16 text, not UTF-8; re-encode it, e.g. `iconv -f utf-16 -t utf-8 {name}`",
            skipped=True,
        )
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        reporter.warn(
            where,
            f"binary file, not text (NUL byte at byte offset {nul}); give kg UTF-8 text files",
            skipped=True,
        )
        return None
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = bom + exc.start
        line = data.count(b"\n", 0, offset) + 1
        reporter.warn(
            where,
            f"not valid UTF-8: byte 0x{data[offset]:02x} at byte offset {offset} (line {line})"
            " cannot be decoded; re-encode the file to UTF-8 from its real encoding, e.g."
            f" `iconv -f latin1 -t utf-8 {name} > {name}.utf8`",
            skipped=True,
        )
        return None


def _split_front_matter(
    where: str, text: str, reporter: _Reporter
) -> tuple[Mapping[str, Any], str] | None:
    """Markdown front matter and the text after it; None (after a warning) if malformed."""
    opening = _FRONT_OPEN.match(text)
    if opening is None:
        return {}, text
    closing = _FRONT_CLOSE.search(text, opening.end())
    if closing is None:
        reporter.warn(
            where,
            "malformed front matter: the '---' on line 1 is never closed; add a '---' line"
            " after the metadata (or remove line 1 if the file has no front matter)",
            skipped=True,
        )
        return None
    try:
        raw = yaml.safe_load(text[opening.end() : closing.start()])
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" on line {mark.line + 2}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc)
        reporter.warn(
            where,
            f"malformed YAML front matter{line}: {reason}; fix the YAML between the '---' lines",
            skipped=True,
        )
        return None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        reporter.warn(
            where,
            f"malformed front matter: expected keys such as 'title:' and 'published:', got a"
            f" YAML {type(raw).__name__}",
            skipped=True,
        )
        return None
    return raw, text[closing.end() :]


def _parse_jsonl(where: str, stem: str, text: str, reporter: _Reporter) -> Iterator[_Parsed]:
    """One document per JSON object line; bad lines are reported and skipped."""
    count = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        count += 1
        here = f"{where}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            reporter.warn(
                here,
                f"invalid JSON ({exc.msg}, column {exc.colno}); each line must be one JSON"
                ' object such as {"id": "a1", "text": "..."}',
                skipped=True,
            )
            continue
        problem = _check_record(record)
        if problem:
            reporter.warn(here, problem, skipped=True)
            continue
        doc_id = record.get("id")
        if doc_id is None:
            doc_id = f"{stem}-{number}"
        elif isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        yield here, doc_id, record["text"], _metadata(record, here, reporter)
    if count == 0:
        reporter.warn(where, "empty file: no JSON lines, no documents", skipped=True)


def _check_record(record: Any) -> str | None:
    """What is wrong with one parsed JSONL line, or None."""
    if not isinstance(record, dict):
        return f'the line is a JSON {_json_type(record)}, not an object with a "text" field'
    if "text" not in record:
        return 'no "text" field; add "text": "<the article text>"'
    if not isinstance(record["text"], str):
        return f'"text" must be a string, got a JSON {_json_type(record["text"])}'
    doc_id = record.get("id")
    if doc_id is None or (isinstance(doc_id, int) and not isinstance(doc_id, bool)):
        return None
    if not isinstance(doc_id, str) or not doc_id.strip():
        return f'"id" must be a non-empty string, got {doc_id!r}; fix it or leave "id" out'
    return None


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), "number")


def _metadata(raw: Mapping[str, Any], where: str, reporter: _Reporter) -> dict[str, Any]:
    """The five metadata fields as strings or None; unusable values are reported and dropped."""
    meta: dict[str, Any] = dict.fromkeys(_META_KEYS)
    for key in _META_KEYS:
        value = raw.get(key)
        if value is None:
            continue
        if key == "published":
            meta[key] = _published(value, where, reporter)
            continue
        if key == "author" and isinstance(value, list) and all(_is_scalar(v) for v in value):
            value = ", ".join(str(v).strip() for v in value if v is not None and str(v).strip())
        if not _is_scalar(value):
            reporter.warn(
                where,
                f"metadata {key!r} must be text, got {type(value).__name__} {value!r};"
                " the field is left empty",
                skipped=False,
            )
            continue
        meta[key] = str(value).strip() or None
    return meta


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool, dt.date))


def _published(value: Any, where: str, reporter: _Reporter) -> str | None:
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    normalised = normalise_date(value) if isinstance(value, str) else None
    if normalised is None:
        reporter.warn(
            where,
            f"published date {value!r} is not a date kg understands; write ISO 8601 such as"
            " 2025-06-05 or 2025-06-05T14:03:00Z (the field is left empty)",
            skipped=False,
        )
    return normalised


def normalise_date(text: str) -> str | None:
    """ISO 8601 for a date or datetime as news pages write it, or None if it is not one.

    Accepts ISO 8601 (``2025-06-05``, ``2025-06-05T14:03:00Z``) and English dates
    (``June 5, 2025``, ``5 June 2025``, ``Thu, June 5, 2025``); independent of the locale.
    """
    text = text.strip()
    if _ISO_DATE.match(text):
        try:
            if len(text) == 10:
                return dt.date.fromisoformat(text).isoformat()
            if text[-1] in "Zz":
                text = text[:-1] + "+00:00"
            return dt.datetime.fromisoformat(text).isoformat()
        except ValueError:
            return None
    lowered = " ".join(text.lower().split())
    month_first = _MONTH_FIRST.fullmatch(lowered)
    if month_first:
        month, day, year = month_first.groups()
    else:
        day_first = _DAY_FIRST.fullmatch(lowered)
        if not day_first:
            return None
        day, month, year = day_first.groups()
    if month not in _MONTHS:
        return None
    try:
        return dt.date(int(year), _MONTHS[month], int(day)).isoformat()
    except ValueError:
        return None

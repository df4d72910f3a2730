"""Reading articles from files and folders into ``Document`` objects.

``read_documents`` is the pipeline's first stage. It reads .txt, .md (with optional YAML front
matter), .html and .jsonl files, reports every input it cannot use as an ``InputWarning`` (or
raises ``InputError`` in strict mode) and never changes a document's text after decoding it:
later stages keep character offsets into exactly that text.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import logging
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from kg.errors import InputError
from kg.html_text import HtmlTooDeep, HtmlTooManyElements, extract_article
from kg.iri import document_key
from kg.limits import Limits, limit_flag, load_yaml, nesting_depth, one_token_runs, printable
from kg.metadata import META_KEYS, dateline_date, metadata, normalise_date, without_surrogates
from kg.model import Document
from kg.walk import SUPPORTED_SUFFIXES, collect

__all__ = [
    "SUPPORTED_SUFFIXES",
    "FileItem",
    "InputWarning",
    "Parsed",
    "Reader",
    "normalise_date",
    "read_documents",
    "read_file",
    "within_length",
]
_FORMATS = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
}
_LOG = logging.getLogger("kg.ingest")

_FRONT_OPEN = re.compile(r"---[ \t]*\r?\n")
_FRONT_CLOSE = re.compile(r"^---[ \t]*(?:\r?\n|\Z)", re.MULTILINE)
_SURROGATE = re.compile("[\ud800-\udfff]")
_WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),  # before UTF-16: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)
_JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}


@dataclass(frozen=True)
class InputWarning:
    """A problem with one input: a file, or ``file.jsonl:LINE`` for one line of a JSONL file."""

    path: str  # the file (and ":LINE" for a jsonl line), control characters escaped
    problem: str  # what is wrong and, where useful, the fix
    skipped: bool  # True when the input produced no document


class _Reporter:
    """Sends each distinct problem once to the caller's callback, the log, or (strict) raises.

    Paths and problems are made printable (terminal escapes in a file name or id are shown as
    ``\\x1b``, never sent raw) and cut to ``Limits.warning_chars``.
    """

    def __init__(
        self, strict: bool, on_warning: Callable[[InputWarning], None] | None, limits: Limits
    ) -> None:
        self.strict = strict
        self.on_warning = on_warning
        self.limits = limits
        self.seen: set[tuple[str, str]] = set()

    def warn(self, path: str, problem: str, *, skipped: bool) -> None:
        path = printable(path, self.limits.warning_chars // 2)
        problem = printable(problem, self.limits.warning_chars)
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
    limits: Limits = Limits(),
    exclude: Sequence[str | os.PathLike[str]] = (),
    on_file: Callable[[int, int], None] | None = None,
    html_reader: str = "auto",
) -> Iterator[Document]:
    """Yield one ``Document`` per article found in ``inputs`` (files and folders).

    Folders are walked recursively (kg/walk.py: hidden files and other types passed over,
    links to folders, FIFOs, unreadable folders and anything under a folder of ``exclude``
    reported); all files are read in sorted path order, JSONL lines in line order. A
    document's id is its file stem (JSONL: the line's ``id``, else ``<stem>-<line>``) in NFC;
    two ids with one ``document_key`` (NFC, case-folded, spaces collapsed: the key of the
    document's IRI) are one id, and the later input is skipped with a warning naming both.
    Problems go to ``on_warning`` (default: the ``kg.ingest`` logger); with ``strict=True``
    the first problem that would skip an input raises ``InputError``. ``on_file(done,
    total)`` is called after each file is read (and once with 0 before the first).
    ``html_reader`` is how HTML pages are read (kg.html_text.extract_article: "auto" uses
    trafilatura when it is installed, "stdlib" never).
    """
    reader = Reader(strict=strict, on_warning=on_warning, limits=limits)
    files = reader.files(inputs, exclude)
    progress = on_file if on_file is not None else _no_progress
    progress(0, len(files))
    for done, path in enumerate(files, 1):
        for item in read_file(path, limits, html_reader):
            document = reader.admit(item)
            if document is not None:
                yield document
        progress(done, len(files))


def _no_progress(done: int, total: int) -> None:
    """The default ``on_file`` of ``read_documents``."""


@dataclass(frozen=True, slots=True)
class Parsed:
    """One document as its file gave it, before the checks across files (its id unused
    before, its length): the document it becomes once admitted."""

    where: str  # the file, or "file.jsonl:LINE"
    raw_id: str  # the id as written (NFC is applied in ``document``)
    document: Document


# What reading one file gives, in the order a reader meets it: problems and documents.
FileItem = InputWarning | Parsed


class Reader:
    """The checks across the files of one build: each problem reported once (strict: the
    first that skips an input raises), each document id used once, the length limit. A build
    reads the files itself (``read_documents``) or takes each file's items from elsewhere (a
    Dask worker read them: kg/distributed.py) and admits them here in file order, with the
    same warnings and documents either way."""

    def __init__(
        self,
        *,
        strict: bool = False,
        on_warning: Callable[[InputWarning], None] | None = None,
        limits: Limits = Limits(),
    ) -> None:
        self.limits = limits
        self._reporter = _Reporter(strict, on_warning, limits)
        self._first_use: dict[str, tuple[str, str]] = {}

    def files(
        self,
        inputs: Sequence[str | os.PathLike[str]],
        exclude: Sequence[str | os.PathLike[str]] = (),
    ) -> list[Path]:
        """The files to read, in order (folders walked, problems reported)."""
        return collect(inputs, self._reporter.warn, [Path(p) for p in exclude])

    def admit(self, item: FileItem) -> Document | None:
        """Report a problem, or the document if it is admitted: None for a duplicate id or a
        document over the length limit (both reported)."""
        if isinstance(item, InputWarning):
            self._reporter.warn(item.path, item.problem, skipped=item.skipped)
            return None
        where, raw_id, document = item.where, item.raw_id, item.document
        text, limits, reporter = document.text, self.limits, self._reporter
        key = document_key(document.id)
        if key in self._first_use:
            other, other_id = self._first_use[key]
            reporter.warn(
                where,
                f"duplicate document id {document.id!r}: {other} already has it"
                f"{_how_same(other_id, raw_id)}, so"
                f" {where} is skipped; ids must be unique, rename one of the two"
                ' (or give the JSONL line its own "id")',
                skipped=True,
            )
            return None
        if not within_length(document, limits):
            reporter.warn(
                where,
                f"document of {len(text):,} characters, over the limit of"
                f" {limits.document_chars:,}; split it or raise the limit with"
                f" {limit_flag('document_chars')}",
                skipped=True,
            )
            return None
        self._first_use[key] = (where, raw_id)
        if not text.strip():
            reporter.warn(
                where, "empty document: no facts (the text is empty or blank)", skipped=False
            )
        runs = one_token_runs(text, limits)
        if runs:
            reporter.warn(where, _one_token_warning(text, runs, limits), skipped=False)
        return document


def within_length(document: Document, limits: Limits) -> bool:
    """Whether a document is within the length limit (``Reader.admit`` skips it otherwise)."""
    return len(document.text) <= limits.document_chars


class _Recorder:
    """A reporter that keeps the problems of one file in order, for a ``Reader`` to report."""

    def __init__(self) -> None:
        self.items: list[FileItem] = []

    def warn(self, path: str, problem: str, *, skipped: bool) -> None:
        self.items.append(InputWarning(path, problem, skipped))


def read_file(
    path: Path, limits: Limits = Limits(), html_reader: str = "auto", source: Path | None = None
) -> list[FileItem]:
    """The problems and documents of one file, in order, before the checks across files
    (``Reader.admit``); reading needs nothing from the other files, so any process that sees
    the file can do it (a Dask worker: kg/distributed.py). ``path`` is the file as the build
    names it (in warnings and ``Document.path``), ``source`` where to read it if elsewhere (its
    absolute path, for a worker whose working folder is not the driver's)."""
    fmt = _FORMATS[path.suffix.lower()]
    recorder = _Recorder()
    parsed = _parse_file(path, fmt, recorder, limits, html_reader, source)
    for where, raw_id, text, meta in parsed:
        if not meta.get("published"):  # a dateline with its year: the day of the release
            meta = {**meta, "published": dateline_date(text)}
        document = Document(
            id=unicodedata.normalize("NFC", raw_id),
            text=text,
            path=printable(str(path)),
            format=fmt,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            **meta,
        )
        recorder.items.append(Parsed(where, raw_id, document))
    return recorder.items


def _one_token_warning(text: str, runs: list[tuple[int, int]], limits: Limits) -> str:
    start, end = runs[0]
    more = f" (and {len(runs) - 1:,} more such runs)" if len(runs) > 1 else ""
    return (
        f"{end - start:,} characters without a space at character {start:,}"
        f" ({text[start : start + 20]!r}...){more}: spaCy reads a run of more than"
        f" {limits.word_chars:,} characters, or with more than {limits.run_punctuation:,}"
        " characters other than letters and digits, as one token (its tokeniser is"
        f" quadratic on them); the text is unchanged ({limit_flag('word_chars')},"
        f" {limit_flag('run_punctuation')})"
    )


def _how_same(first: str, second: str) -> str:
    """Why two ids with one ``document_key`` are one id, for the duplicate warning; ids that
    print alike (NFC and NFD ``émigré``) are shown with their code points escaped."""
    if first == second:
        return ""
    if unicodedata.normalize("NFC", first) == unicodedata.normalize("NFC", second):
        return (
            f" (as {ascii(first)}; this one is {ascii(second)}: the same letters in another"
            " Unicode normalisation, one id)"
        )
    return (
        f" (as {first!r}: ids that differ only in case, spacing or Unicode normalisation are"
        " one id)"
    )


def _parse_file(
    path: Path,
    fmt: str,
    reporter: _Recorder,
    limits: Limits,
    html_reader: str = "auto",
    source: Path | None = None,
) -> Iterator[_Parsed]:
    where = str(path)
    stem = _file_stem(path, reporter)
    try:
        data = (source or path).read_bytes()
    except OSError as exc:
        reporter.warn(where, f"cannot read the file: {exc.strerror or exc}", skipped=True)
        return
    if fmt == "html" and len(data) > limits.html_bytes:
        reporter.warn(
            where,
            f"HTML file of {len(data):,} bytes, over the limit of {limits.html_bytes:,};"
            f" raise it with {limit_flag('html_bytes')}",
            skipped=True,
        )
        return
    if _wide_text(where, path.name, data, reporter):
        return
    if fmt == "jsonl":
        yield from _parse_jsonl(where, stem, data, reporter, limits)
        return
    text = _decode(where, path.name, data, reporter)
    if text is None:
        return
    meta: dict[str, Any] = dict.fromkeys(META_KEYS)
    if fmt == "md":
        split = _split_front_matter(where, text, reporter, limits)
        if split is None:
            return
        raw, text = split
        meta = metadata(raw, where, reporter.warn)
    elif fmt == "html":
        try:
            article = extract_article(
                text,
                max_depth=limits.html_depth,
                max_elements=limits.html_elements,
                reader=html_reader,
            )
        except HtmlTooDeep as exc:
            reporter.warn(
                where,
                f"HTML nested more than {limits.html_depth:,} elements deep ({exc});"
                f" raise the limit with {limit_flag('html_depth')}",
                skipped=True,
            )
            return
        except HtmlTooManyElements as exc:
            reporter.warn(
                where,
                f"HTML with more than {limits.html_elements:,} elements ({exc}); raise the"
                f" limit with {limit_flag('html_elements')}",
                skipped=True,
            )
            return
        text = article.text
        raw = {key: getattr(article, key) for key in META_KEYS}
        meta = metadata(raw, where, reporter.warn)
    yield where, stem, text, meta


def _file_stem(path: Path, reporter: _Recorder) -> str:
    """The file's stem as a document id; a name that is not UTF-8 gets its bytes escaped."""
    stem = path.stem
    if not _SURROGATE.search(stem):
        return stem
    escaped = os.fsencode(stem).decode("utf-8", "backslashreplace")
    reporter.warn(
        str(path),
        f"the file name is not valid UTF-8; the document id is {escaped!r} (its bytes"
        " escaped); rename the file to UTF-8 for a readable id",
        skipped=False,
    )
    return escaped


def _wide_text(where: str, name: str, data: bytes, reporter: _Recorder) -> bool:
    """True (after a warning) if ``data`` starts with a UTF-32 or UTF-16 byte order mark."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            reporter.warn(
                where,
                f"{encoding} text, not UTF-8; re-encode it, e.g."
                f" `iconv -f {encoding.lower()} -t utf-8 {name}`",
                skipped=True,
            )
            return True
    return False


def _decode(where: str, name: str, data: bytes, reporter: _Recorder) -> str | None:
    """The file's text: UTF-8 with its byte order mark removed, or None after a warning."""
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
    where: str, text: str, reporter: _Recorder, limits: Limits
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
    front = text[opening.end() : closing.start()]
    size = len(front.encode("utf-8"))
    if size > limits.front_matter_bytes:
        reporter.warn(
            where,
            f"front matter of {size:,} bytes, over the limit of {limits.front_matter_bytes:,};"
            f" raise it with {limit_flag('front_matter_bytes')}",
            skipped=True,
        )
        return None
    try:
        raw = load_yaml(front, limits)
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
    except (ValueError, RecursionError) as exc:  # a value PyYAML's constructors reject
        reporter.warn(where, f"unusable YAML front matter: {exc}", skipped=True)
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


def _parse_jsonl(
    where: str, stem: str, data: bytes, reporter: _Recorder, limits: Limits
) -> Iterator[_Parsed]:
    """One document per JSON object line; each bad line is reported and skipped alone."""
    count = 0
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        count += 1
        here = f"{where}:{number}"
        record = _json_line(here, raw, reporter, limits)
        if record is None:
            continue
        problem = _check_record(record)
        if problem:
            reporter.warn(here, problem, skipped=True)
            continue
        _replace_surrogates(here, record, reporter)
        doc_id = record.get("id")
        if doc_id is None:
            doc_id = f"{stem}-{number}"
        elif isinstance(doc_id, int) and not isinstance(doc_id, bool):
            doc_id = str(doc_id)
        yield here, doc_id, record["text"], metadata(record, here, reporter.warn)
    if count == 0:
        reporter.warn(where, "empty file: no JSON lines, no documents", skipped=True)


_EXAMPLE_LINE = 'each line must be one JSON object such as {"id": "a1", "text": "..."}'


def _json_line(here: str, raw: bytes, reporter: _Recorder, limits: Limits) -> Any:
    """The parsed value of one JSONL line, or None after a warning."""
    if len(raw) > limits.line_bytes:
        reporter.warn(
            here,
            f"line of {len(raw):,} bytes, over the limit of {limits.line_bytes:,}; raise it"
            f" with {limit_flag('line_bytes')}",
            skipped=True,
        )
        return None
    nul = raw.find(b"\x00")
    if nul >= 0:
        reporter.warn(
            here,
            f"binary data, not JSON text (NUL byte at byte {nul + 1} of the line)",
            skipped=True,
        )
        return None
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        reporter.warn(
            here,
            f"not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte {exc.start + 1} of the line;"
            " re-encode the file to UTF-8",
            skipped=True,
        )
        return None
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        reporter.warn(
            here, f"invalid JSON ({exc.msg}, column {exc.colno}); {_EXAMPLE_LINE}", skipped=True
        )
        return None
    except ValueError as exc:  # a number past Python's 4,300 digits
        reporter.warn(here, f"unusable JSON: {exc}", skipped=True)
        return None
    except RecursionError:
        reporter.warn(
            here,
            f"JSON nested too deep to read (limit {limits.nesting}); {_EXAMPLE_LINE}",
            skipped=True,
        )
        return None
    if nesting_depth(record, limits.nesting) > limits.nesting:
        reporter.warn(
            here,
            f"JSON values nested more than {limits.nesting} deep; raise the limit with"
            f" {limit_flag('nesting')}",
            skipped=True,
        )
        return None
    return record


def _replace_surrogates(here: str, record: dict[str, Any], reporter: _Recorder) -> None:
    """Lone surrogates in the line's "id" and "text" become U+FFFD, one character for one, so
    offsets into the text stay those of the line's text (kg.metadata does the other fields)."""
    for name in ("id", "text"):
        value = record.get(name)
        if isinstance(value, str):
            record[name] = without_surrogates(value, name, here, reporter.warn)


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

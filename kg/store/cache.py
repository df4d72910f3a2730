"""The per-document analysis cache of a store: what ``kg.pipeline.analyse`` found, as JSON.

spaCy is nearly all of a build's time and resolution is cheap, so a store keeps each document's
``Analysis`` (the ``Document`` with its text, its mentions and its claims with their evidence)
in ``<store>/analyses/<hash of the id>.json``. An incremental build analyses only documents
whose content changed and resolves over every cached analysis.

The serialiser is faithful: ``decode_analysis(encode_analysis(a)) == a`` for every value a
claim field may hold (``None``, booleans, integers, floats, strings, ``Mention``, lists, tuples
and dicts of these). Tuples and lists are kept apart because resolution treats them
differently. An unknown value type is an error, not a silent ``str()``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.export.atomic import atomic_write
from kg.model import Claim, Document, Evidence, Mention
from kg.results import Analysis

CACHE_FORMAT = 1


class CacheError(KGError):
    """An analysis cache entry cannot be written or read."""


def _schema() -> dict[str, list[str]]:
    """Field names of the cached dataclasses: a change of the model invalidates the cache."""
    return {
        cls.__name__: [f.name for f in dataclasses.fields(cls)]
        for cls in (Document, Mention, Evidence, Claim)
    }


def _encode_value(value: Any, where: str) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {"$float": repr(value)}
    if isinstance(value, Mention):
        return {"$mention": _fields(value)}
    if isinstance(value, list):
        return [_encode_value(v, where) for v in value]
    if isinstance(value, tuple):
        return {"$tuple": [_encode_value(v, where) for v in value]}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise CacheError(f"{where}: a claim field holds a dict with non-string keys: {value!r}")
        return {"$dict": {k: _encode_value(v, where) for k, v in value.items()}}
    raise CacheError(
        f"{where}: cannot cache a claim field value of type {type(value).__name__}"
        f" ({value!r}); extractors must emit JSON values, Mention, lists, tuples or dicts"
    )


def _decode_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_decode_value(v) for v in value]
    if isinstance(value, dict):
        if "$mention" in value:
            return Mention(**value["$mention"])
        if "$tuple" in value:
            return tuple(_decode_value(v) for v in value["$tuple"])
        if "$dict" in value:
            return {k: _decode_value(v) for k, v in value["$dict"].items()}
        if "$float" in value:
            return float(value["$float"])
        raise CacheError(f"unknown tagged value in cache entry: {sorted(value)}")
    return value


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def encode_analysis(analysis: Analysis, key: str, info: dict[str, str]) -> dict[str, Any]:
    """The JSON object of one cache entry."""
    where = f"document {analysis.document.id!r}"
    return {
        "format": CACHE_FORMAT,
        "key": key,
        "info": info,
        "schema": _schema(),
        "document": _fields(analysis.document),
        "mentions": [_fields(m) for m in analysis.mentions],
        "claims": [
            {
                "kind": c.kind,
                "fields": {k: _encode_value(v, where) for k, v in c.fields.items()},
                "evidence": _fields(c.evidence),
            }
            for c in analysis.claims
        ],
    }


def decode_analysis(data: dict[str, Any]) -> Analysis:
    """Rebuild an ``Analysis`` from :func:`encode_analysis` output."""
    document = Document(**data["document"])
    mentions = [Mention(**m) for m in data["mentions"]]
    claims = [
        Claim(
            kind=c["kind"],
            fields={k: _decode_value(v) for k, v in c["fields"].items()},
            evidence=Evidence(**c["evidence"]),
        )
        for c in data["claims"]
    ]
    return Analysis(document, mentions, claims)


@dataclasses.dataclass
class CacheEntry:
    """One cached analysis with the key and model it was made with."""

    analysis: Analysis
    key: str
    info: dict[str, str]

    @property
    def document(self) -> Document:
        return self.analysis.document


class AnalysisCache:
    """The ``analyses/`` folder of a store: one JSON file per document, written atomically."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)

    def path_of(self, doc_id: str) -> Path:
        digest = hashlib.sha256(doc_id.encode("utf-8")).hexdigest()[:32]
        return self.folder / f"{digest}.json"

    def write(self, analysis: Analysis, key: str, info: dict[str, str]) -> None:
        """Store one document's analysis (atomically: the old entry or the new, never half)."""
        data = encode_analysis(analysis, key, info)
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        try:
            atomic_write(self.path_of(analysis.document.id), text.encode("utf-8"))
        except OSError as exc:
            raise CacheError(
                f"{self.folder}: cannot write the analysis of {analysis.document.id!r}: {exc}"
            ) from exc

    def delete(self, doc_id: str) -> bool:
        """Forget one document; returns whether it was cached."""
        try:
            self.path_of(doc_id).unlink()
        except FileNotFoundError:
            return False
        return True

    def read_all(self) -> Iterator[CacheEntry]:
        """Every cached analysis, in file-name order; unreadable entries raise CacheError."""
        if not self.folder.is_dir():
            return
        for path in sorted(self.folder.glob("*.json")):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CacheError(
                    f"{path}: unreadable analysis cache entry ({exc}); delete the file and"
                    " build again with the document among the inputs"
                ) from exc
            if data.get("format") != CACHE_FORMAT or data.get("schema") != _schema():
                # Written by another kg version: keep the document, re-analyse it.
                yield CacheEntry(_stale_analysis(data, path), "", {})
                continue
            yield CacheEntry(decode_analysis(data), data["key"], data["info"])


def _stale_analysis(data: dict[str, Any], path: Path) -> Analysis:
    """The document of an entry in an old format, with no mentions or claims (key '')."""
    try:
        names = {f.name for f in dataclasses.fields(Document)}
        document = Document(**{k: v for k, v in data["document"].items() if k in names})
    except (KeyError, TypeError) as exc:
        raise CacheError(
            f"{path}: analysis cache entry has no readable document ({exc}); delete the file"
            " and build again with the document among the inputs"
        ) from exc
    return Analysis(document, [], [])

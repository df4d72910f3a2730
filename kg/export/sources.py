"""What ``kg export`` reads besides a store: a build folder, or one RDF file.

``read_build(folder)`` gives back the ``BuildResult`` a build wrote into ``folder``: its quads
from ``graph.nq`` (else ``graph.trig``), its facts from ``facts.jsonl`` with each source's rule
and sentence start from the RDF evidence, its entities from ``entities.jsonl``, its documents,
copies and model from the metadata graph. Exports from it are those of the build itself
(byte-identical), except that a build folder does not hold the articles' text (no export needs
it); the corpus's name (the viewer's title) is read from its ``graph.html`` when there is one,
else it is the folder's name.

``read_rdf(path)`` gives a result that holds only the file's quads: enough for the RDF exports
(``trig``, ``nq``, ``ttl``, ``jsonld``), which ``RDF_ONLY`` names.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import ExportError
from kg.export.rdf import file_format, unknown_file_type
from kg.export.records import jsonl_lines
from kg.vocab import DCTERMS, KG, OA, SCHEMA

if TYPE_CHECKING:
    from kg.results import BuildResult

__all__ = ["RDF_ONLY", "read_build", "read_rdf", "rdf_format"]

# The exports that need nothing but the quads.
RDF_ONLY = ("trig", "nq", "ttl", "jsonld")
_P = {
    name: str(term)
    for name, term in {
        "identifier": DCTERMS.identifier,
        "sha256": KG.sha256,
        "fileName": KG.fileName,
        "headline": SCHEMA.headline,
        "url": SCHEMA.url,
        "author": SCHEMA.author,
        "published": SCHEMA.datePublished,
        "language": SCHEMA.inLanguage,
        "copyOf": KG.copyOf,
        "copySimilarity": KG.copySimilarity,
        "copyMethod": KG.copyMethod,
        "model": KG.model,
        "modelVersion": KG.modelVersion,
        "startedAtTime": "http://www.w3.org/ns/prov#startedAtTime",
        "hasBody": OA.hasBody,
        "hasTarget": OA.hasTarget,
        "hasSource": OA.hasSource,
        "hasSelector": OA.hasSelector,
        "extractor": KG.extractor,
        "rule": KG.rule,
        "sentenceStart": KG.sentenceStart,
        "start": OA.start,
        "end": OA.end,
    }.items()
}
_WANTED = {iri: name for name, iri in _P.items()}
_VIEWER_DATA = re.compile(r'<script type="application/json" id="kg-data">(.*?)</script>', re.S)
_BUILD_CLASS = "http://www.w3.org/ns/prov#Activity"


def rdf_format(path: str | os.PathLike[str]) -> ox.RdfFormat:
    """The RDF format of a file, by its suffix; ``ExportError`` for another suffix."""
    fmt = file_format(path)
    if fmt is None:
        raise ExportError(unknown_file_type(path))
    return fmt


def _parse(path: Path) -> list[ox.Quad]:
    fmt = rdf_format(path)
    try:
        return list(ox.parse(path=str(path), format=fmt))
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file; pass an RDF file kg wrote") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise ExportError(f"{path}: cannot read {fmt.name} data: {exc}") from None


def read_rdf(path: str | os.PathLike[str]) -> BuildResult:
    """A result holding only the quads of one RDF file (for the ``RDF_ONLY`` exports)."""
    from kg.graph import BuildInfo
    from kg.results import BuildResult

    quads = _parse(Path(path))
    result = BuildResult([], {}, [], lambda: quads, BuildInfo("", ""))
    result.title = Path(path).stem
    return result


def read_build(folder: str | os.PathLike[str]) -> BuildResult:
    """The build a ``kg build --out folder`` wrote (see the module docstring)."""
    from kg.results import BuildResult

    path = Path(folder)
    if not path.is_dir():
        raise ExportError(f"--build {path}: no such folder; pass the --out folder of a kg build")
    rdf = next((path / n for n in ("graph.nq", "graph.trig") if (path / n).is_file()), None)
    missing = [n for n in ("facts.jsonl", "entities.jsonl") if not (path / n).is_file()]
    if rdf is None or missing:
        names = (["graph.nq or graph.trig"] if rdf is None else []) + missing
        raise ExportError(
            f"--build {path}: {', '.join(names)} not found; a build folder needs graph.nq (or"
            " graph.trig), facts.jsonl and entities.jsonl: build with the default --format"
        )
    quads = _parse(rdf)
    graph = _Index(quads)
    documents = graph.documents()
    copies = graph.copies()
    entities = {e.id: e for e in (_entity(r) for r in _records(path / "entities.jsonl"))}
    source_of = copies.originals()
    facts = [graph.fact(r, source_of) for r in _records(path / "facts.jsonl")]
    result = BuildResult(documents, entities, facts, lambda: quads, graph.info())
    result.copies = copies
    result.title = _viewer_title(path / "graph.html") or path.resolve().name or str(path)
    return result


def _viewer_title(page: Path) -> str | None:
    """The corpus's name as the build's viewer shows it, if the folder holds the viewer."""
    try:
        html = page.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    match = _VIEWER_DATA.search(html)
    try:
        title = json.loads(match.group(1))["meta"]["title"] if match else None
    except (ValueError, KeyError, TypeError):
        return None
    return title if isinstance(title, str) else None


def _records(path: Path) -> Iterable[dict[str, Any]]:
    for number, line in jsonl_lines(path):
        try:
            yield json.loads(line)
        except ValueError as exc:
            raise ExportError(f"{path}:{number}: not a JSON line kg wrote: {exc}") from None


class _Index:
    """The values of the predicates a build folder's reader needs, by subject."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.values: dict[str, dict[str, list[Any]]] = {}
        self.builds: list[str] = []
        for q in quads:
            predicate = q.predicate.value
            name = _WANTED.get(predicate)
            subject = q.subject.value  # type: ignore[union-attr]
            if name is not None:
                self.values.setdefault(subject, {}).setdefault(name, []).append(q.object)
            elif predicate.endswith("#type") and getattr(q.object, "value", "") == _BUILD_CLASS:
                self.builds.append(subject)
        self._evidence: dict[tuple[str, str, int, int, str], tuple[str | None, int]] = {}

    def one(self, subject: str, name: str) -> str | None:
        found = self.values.get(subject, {}).get(name)
        return str(found[0].value) if found else None

    def text(self, subject: str, name: str) -> str | None:
        """The first literal value (``schema:author`` also links a document to a person)."""
        for value in self.values.get(subject, {}).get(name, []):
            if isinstance(value, ox.Literal):
                return value.value
        return None

    def documents(self) -> list[Any]:
        from kg.model import Document

        out = []
        for subject in self.values:
            doc_id = self.one(subject, "identifier")
            sha = self.one(subject, "sha256")
            if doc_id is None or sha is None:
                continue
            name = self.one(subject, "fileName") or ""
            out.append(
                Document(
                    id=doc_id,
                    text="",  # a build folder does not hold the articles
                    path=name,
                    format=Path(name).suffix.lstrip(".").lower(),
                    sha256=sha,
                    title=self.text(subject, "headline"),
                    url=self.text(subject, "url"),
                    author=self.text(subject, "author"),
                    published=self.text(subject, "published"),
                    language=self.text(subject, "language"),
                )
            )
        return sorted(out, key=lambda d: d.id)

    def doc_ids(self) -> dict[str, str]:
        return {
            s: v for s in self.values if (v := self.one(s, "identifier")) and self.one(s, "sha256")
        }

    def copies(self) -> Any:
        from kg.resolve.copies import Copies, Copy

        ids = self.doc_ids()
        records = {}
        for subject, doc in ids.items():
            original = self.one(subject, "copyOf")
            if original is None or original not in ids:
                continue
            records[doc] = Copy(
                doc=doc,
                original=ids[original],
                method=self.one(subject, "copyMethod") or "",
                similarity=Decimal(self.one(subject, "copySimilarity") or "0"),
            )
        return Copies(records=dict(sorted(records.items())))

    def info(self) -> Any:
        from kg.graph import BuildInfo

        for build in self.builds:
            model = self.one(build, "model")
            if model is not None and "/build/" in build:
                return BuildInfo(
                    model,
                    self.one(build, "modelVersion") or "",
                    self.one(build, "startedAtTime"),
                )
        return BuildInfo("", "")

    def evidence(self) -> dict[tuple[str, str, int, int, str], tuple[str | None, int]]:
        """(fact, doc, start, end, extractor) -> (rule, sentence start) of each annotation."""
        if self._evidence:
            return self._evidence
        ids = self.doc_ids()
        for subject, values in self.values.items():
            if "hasBody" not in values or "hasTarget" not in values:
                continue
            target = str(values["hasTarget"][0].value)
            doc = ids.get(self.one(target, "hasSource") or "")
            start = end = None
            for selector in self.values.get(target, {}).get("hasSelector", []):
                s = self.one(str(selector.value), "start")
                e = self.one(str(selector.value), "end")
                if s is not None and e is not None:
                    start, end = int(s), int(e)
            fact = self.one(subject, "hasBody")
            if doc is None or start is None or end is None or fact is None:
                continue
            key = (fact, doc, start, end, self.one(subject, "extractor") or "")
            sentence_start = int(self.one(subject, "sentenceStart") or 0)
            self._evidence[key] = (self.one(subject, "rule"), sentence_start)
        return self._evidence

    def fact(self, record: dict[str, Any], source_of: dict[str, str]) -> Any:
        from kg.kinds import KIND_FIELDS
        from kg.model import Evidence, Fact

        evidence = []
        fields_of = {}
        known = self.evidence()
        for s in record.get("sources", []):
            rule, sentence_start = known.get(
                (record["id"], s["doc"], s["start"], s["end"], s["extractor"]), (None, 0)
            )
            ev = Evidence(
                doc=s["doc"],
                sentence=s["sentence"],
                sentence_start=sentence_start,
                start=s["start"],
                end=s["end"],
                quote=s["quote"],
                extractor=s["extractor"],
                confidence=s["confidence"],
                rule=rule,
            )
            evidence.append(ev)
            fields_of[ev] = tuple(s.get("fields", ()))
        fields = {
            name: _value(record.get(name))
            for name in KIND_FIELDS.get(record["kind"], ())
            if record.get(name) not in (None, [])
        }
        return Fact(
            id=record["id"],
            kind=record["kind"],
            fields=fields,
            evidence=evidence,
            conflicts_with=list(record.get("conflicts_with", [])),
            evidence_fields=fields_of,
            source_of=source_of,
        )


def _value(value: Any) -> Any:
    from kg.model import EntityRef

    if isinstance(value, dict) and set(value) == {"id", "label", "type"}:
        return EntityRef(value["id"], value["label"], value["type"])
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def _entity(record: dict[str, Any]) -> Any:
    from kg.model import Entity

    return Entity(
        id=record["id"],
        label=record["label"],
        type=record["type"],
        aliases=set(record.get("aliases", [])),
        docs=set(record.get("docs", [])),
        wikidata=record.get("wikidata"),
        merge_reasons=list(record.get("merges", [])),
        mentions=record.get("mentions", 0),
        minor=bool(record.get("minor", False)),
    )

"""Reading a gold file (the format of examples/trump-xi-call/gold.yaml) into comparable items.

A gold file lists documents, people (with offices, contested claims, affiliations and authorship
roles), organisations with aliases, tariffs, events and figures; every fact names the documents
that state it and an exact quote from one of them. ``load_gold`` checks the required keys and
turns each fact into a ``GoldItem`` of one kind of the facts table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.errors import KGError
from kg.evaluate.index import NameIndex
from kg.kinds import SCORED_KINDS


class EvalError(KGError):
    """A gold file, build folder or corpus folder given to the evaluator cannot be used."""


# Kinds scored as facts, in report order (ontology/kinds.yaml `scored`); "person" is scored for
# recall only.
FACT_KINDS = SCORED_KINDS
KINDS = (*FACT_KINDS, "person")
_FORMER_PREFIXES = ("former ", "ex-", "ex ")


@dataclass
class GoldItem:
    """One gold fact (or gold person), ready to compare with predicted facts."""

    kind: str
    label: str
    fields: dict[str, Any]
    docs: list[str]
    quote: str
    where: str  # position in the gold file, e.g. "people[2].offices[0]"
    contested: bool = False


@dataclass
class GoldSet:
    """A parsed gold file."""

    path: str
    docs: dict[str, Any]
    items: list[GoldItem]  # facts of FACT_KINDS, in file order
    people: list[GoldItem]  # one item of kind "person" per gold person
    org_groups: list[list[str]] = field(default_factory=list)  # [canonical, *aliases]
    person_groups: list[list[str]] = field(default_factory=list)


def _text(value: Any) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return "" if value is None else str(value)


class _Reader:
    """Checks keys and shapes while walking the YAML tree, with positions for error messages."""

    def __init__(self, path: Path, doc_ids: set[str]) -> None:
        self.path = path
        self.doc_ids = doc_ids

    def fail(self, where: str, problem: str) -> EvalError:
        return EvalError(f"{self.path}: {where}: {problem}; see docs/evaluation.md for the format")

    def mapping(self, value: Any, where: str, required: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, f"expected a mapping, got {type(value).__name__} {value!r}")
        # YAML 1.1 reads an unquoted key `on` (as in `on: Chinese goods`) as the boolean true.
        value = {("on" if k is True else str(k)): v for k, v in value.items()}
        for key in required:
            if value.get(key) in (None, "", []):
                raise self.fail(where, f"missing key {key!r} (required: {', '.join(required)})")
        return value

    def listing(self, value: Any, where: str) -> list[Any]:
        """A list, or a single mapping treated as a one-item list; None is empty."""
        if value is None:
            return []
        if isinstance(value, Mapping):
            return [value]
        if not isinstance(value, list):
            raise self.fail(where, f"expected a list, got {type(value).__name__} {value!r}")
        return value

    def names(self, value: Any, where: str) -> list[str]:
        if value is None:
            return []
        if isinstance(value, (str, int)):
            return [str(value)]
        if not isinstance(value, list):
            raise self.fail(where, f"expected a name or a list of names, got {value!r}")
        return [str(v) for v in value]

    def docs(self, value: Any, where: str) -> list[str]:
        docs = self.names(value, where)
        for doc in docs:
            if doc not in self.doc_ids:
                raise self.fail(
                    where,
                    f"document {doc!r} is not listed under the top-level 'docs'; add it there",
                )
        return docs

    def item(
        self, kind: str, label: str, fields: dict[str, Any], raw: Mapping[str, Any], where: str
    ) -> GoldItem:
        """A gold fact with the documents and quote of its entry ``raw``."""
        docs = self.docs(raw["docs"], f"{where}.docs")
        return GoldItem(kind, label, fields, docs, self.quote(raw["quote"], where), where)

    def quote(self, value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"'quote' must be a non-empty string, got {value!r}")
        return value


def load_gold(path: str | Path, index: NameIndex | None = None) -> GoldSet:
    """Parse and check a gold file.

    ``index`` resolves phrases ("Chinese goods", "the United States") to the organisation or
    country they name, for tariff targets and contested office claims; by default it knows the
    file's own organisations and the lexicon's countries and organisations.
    Raises ``EvalError`` naming the file, the item and the missing or malformed key.
    """
    file = Path(path)
    data = _read_gold_file(file)
    reader = _Reader(file, {str(k) for k in data["docs"]})
    gold = GoldSet(
        path=str(file), docs={str(k): v for k, v in data["docs"].items()}, items=[], people=[]
    )
    for i, org in enumerate(reader.listing(data.get("organizations"), "organizations")):
        org = reader.mapping(org, f"organizations[{i}]", ("name",))
        gold.org_groups.append([str(org["name"]), *reader.names(org.get("aliases"), "aliases")])
    if index is None:
        index = NameIndex(gold.org_groups)
    for i, person in enumerate(reader.listing(data["people"], "people")):
        _read_person(reader, gold, reader.mapping(person, f"people[{i}]", ("name",)), i, index)
    for i, raw in enumerate(reader.listing(data.get("tariffs"), "tariffs")):
        gold.items.append(_tariff(reader, raw, f"tariffs[{i}]", index))
    for i, raw in enumerate(reader.listing(data.get("events"), "events")):
        gold.items.append(_event(reader, raw, f"events[{i}]"))
    for i, raw in enumerate(reader.listing(data.get("figures"), "figures")):
        gold.items.append(_figure(reader, raw, f"figures[{i}]"))
    return gold


def _read_gold_file(file: Path) -> Mapping[str, Any]:
    """The top level of a gold file, checked: a mapping with 'docs' (a mapping) and 'people'."""
    if not file.is_file():
        raise EvalError(f"{file}: gold file not found; pass the path of a gold.yaml")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise EvalError(f"{file}: not valid YAML: {exc}; fix the syntax") from exc
    if not isinstance(data, Mapping):
        raise EvalError(f"{file}: expected a mapping with 'docs' and 'people' at the top level")
    for key in ("docs", "people"):
        if key not in data:
            raise EvalError(f"{file}: missing top-level key {key!r}; see docs/evaluation.md")
    if not isinstance(data["docs"], Mapping):
        raise EvalError(f"{file}: 'docs' must map document ids to {{title, author}}")
    return data


def _read_person(
    reader: _Reader, gold: GoldSet, person: Mapping[str, Any], i: int, index: NameIndex
) -> None:
    name = str(person["name"])
    base = f"people[{i}]"
    gold.person_groups.append([name, *reader.names(person.get("aliases"), f"{base}.aliases")])
    gold.people.append(GoldItem("person", name, {"name": name}, [], name, base))
    for j, raw in enumerate(reader.listing(person.get("offices"), f"{base}.offices")):
        where = f"{base}.offices[{j}]"
        office = reader.mapping(raw, where, ("title", "docs", "quote"))
        status = _text(office.get("status")) or None
        fields = {
            "holder": name,
            "title": str(office["title"]),
            "of": _text(office.get("of")) or None,
            "status": status,
        }
        gold.items.append(
            GoldItem(
                "office",
                _office_label(fields),
                fields,
                reader.docs(office["docs"], f"{where}.docs"),
                reader.quote(office["quote"], where),
                where,
            )
        )
    for j, raw in enumerate(reader.listing(person.get("contested"), f"{base}.contested")):
        where = f"{base}.contested[{j}]"
        claim = reader.mapping(raw, where, ("claim", "docs", "quote"))
        fields = {"holder": name, **parse_claim(str(claim["claim"]), index.resolve_name)}
        gold.items.append(
            GoldItem(
                "office",
                _office_label(fields),
                fields,
                reader.docs(claim["docs"], f"{where}.docs"),
                reader.quote(claim["quote"], where),
                where,
                contested=True,
            )
        )
    for j, raw in enumerate(reader.listing(person.get("affiliation"), f"{base}.affiliation")):
        where = f"{base}.affiliation[{j}]"
        aff = reader.mapping(raw, where, ("org", "docs", "quote"))
        fields = {"person": name, "org": str(aff["org"]), "role": _text(aff.get("role")) or None}
        gold.items.append(
            GoldItem(
                "affiliation",
                f"{name}: {fields['org']}",
                fields,
                reader.docs(aff["docs"], f"{where}.docs"),
                reader.quote(aff["quote"], where),
                where,
            )
        )
    for j, raw in enumerate(reader.listing(person.get("role"), f"{base}.role")):
        where = f"{base}.role[{j}]"
        role = reader.mapping(raw, where, ("author_of", "quote"))
        for doc in reader.docs(role["author_of"], f"{where}.author_of"):
            gold.items.append(
                GoldItem(
                    "authorship",
                    f"{name} wrote {doc}",
                    {"author": name, "doc": doc},
                    [doc],
                    reader.quote(role["quote"], where),
                    where,
                )
            )


def parse_claim(claim: str, resolve: Callable[[str], str | None]) -> dict[str, Any]:
    """Split a contested office claim: "former President of the United States" ->
    title "President", of "United States", status "former".

    The organisation is the longest text after an " of " that ``resolve`` recognises as a name
    of an organisation or country; without one, the whole claim is the title.
    """
    text = " ".join(claim.split())
    status = None
    for prefix in _FORMER_PREFIXES:
        if text.lower().startswith(prefix):
            status, text = "former", text[len(prefix) :].strip()
            break
    title, org = text, None
    parts = text.split(" of ")
    for cut in range(1, len(parts)):  # the longest name wins: "Governor of the Bank of England"
        right = " of ".join(parts[cut:])
        found = resolve(right)
        if found is not None:
            title, org = " of ".join(parts[:cut]), found
            break
    return {"title": title, "of": org, "status": status}


def _office_label(fields: Mapping[str, Any]) -> str:
    former = "former " if fields.get("status") == "former" else ""
    org = f" of {fields['of']}" if fields.get("of") else ""
    return f"{fields['holder']}: {former}{fields['title']}{org}"


def _tariff(reader: _Reader, raw: Any, where: str, index: NameIndex) -> GoldItem:
    tariff = reader.mapping(raw, where, ("docs", "quote"))
    on = _text(tariff.get("on")) or None
    target = _text(tariff.get("target")) or (index.resolve_phrase(on) if on else None)
    fields = {
        "imposed_by": _text(tariff.get("imposed_by")) or None,
        "on": on,
        "target": target,
        "rate_percent": tariff.get("rate_percent"),
        "previous_rate_percent": tariff.get("previous_rate_percent"),
        "duration": _text(tariff.get("duration")) or None,
        "status": _text(tariff.get("status")) or None,
    }
    label = f"{fields['imposed_by'] or '?'} on {on or target or '?'}"
    if fields["rate_percent"] is not None:
        label += f": {fields['rate_percent']}%"
    if fields["previous_rate_percent"] is not None:
        label += f" (from {fields['previous_rate_percent']}%)"
    if fields["duration"]:
        label += f" for {fields['duration']}"
    return reader.item("tariff", label, fields, tariff, where)


def _event(reader: _Reader, raw: Any, where: str) -> GoldItem:
    event = reader.mapping(raw, where, ("kind", "docs", "quote"))
    places = reader.names(event.get("place"), f"{where}.place")
    places += reader.names(event.get("to_visit"), f"{where}.to_visit")
    participants = reader.names(event.get("participants"), f"{where}.participants")
    inviter = _text(event.get("inviter")) or None
    invitees = reader.names(event.get("invitees"), f"{where}.invitees")
    fields: dict[str, Any] = {
        "event_type": str(event["kind"]),
        "participants": participants,
        "initiator": _text(event.get("initiated_by")) or None,
        "inviter": inviter,
        "invitees": invitees,
        # A place written in lower case ("to be determined") describes, it does not name.
        "places": [p for p in places if p[:1].isupper() or p[:1].isdigit()],
        "date": _text(event.get("date")) or None,
        "duration": _text(event.get("duration")) or None,
        "topics": reader.names(event.get("topics"), f"{where}.topics"),
    }
    if inviter or invitees:
        who = f"{inviter or '?'} invites {', '.join(invitees) or '?'}"
    else:
        who = ", ".join(participants) or "?"
    label = f"{fields['event_type']}: {who}"
    if fields["places"]:
        label += f" {'to' if inviter or invitees else 'at'} {fields['places'][0]}"
    if fields["date"]:
        label += f" ({fields['date']})"
    return reader.item("event", label, fields, event, where)


def _figure(reader: _Reader, raw: Any, where: str) -> GoldItem:
    figure = reader.mapping(raw, where, ("value", "docs", "quote"))
    fields = {
        "subject": _text(figure.get("what")) or None,
        "value": figure["value"],
        "unit": _text(figure.get("unit")) or None,
        "date": _text(figure.get("year") or figure.get("date")) or None,
    }
    label = f"{fields['subject'] or '?'}: {fields['value']} {fields['unit'] or ''}".rstrip()
    return reader.item("figure", label, fields, figure, where)

"""Entity overrides the user writes: merges, splits, renames and drops that resolution applies.

The file (``kg build --entities overrides.yaml``; format in docs/model.md, "Entity overrides")::

    merge:                      # each: names of entities that are one; the first names the kept one
      - [Jane Doe, J. Doe]
    split:                      # surface forms taken out of an entity into one of their own
      - {entity: George Bush, aliases: [Bush], label: George Bush (unresolved)}
    rename:
      - {entity: Xi, to: Xi Jinping}
    drop: [Nice Guy]            # junk: the entity and the facts that name it go

An entity is named by its id (the IRI in entities.jsonl), its label or one of its aliases; a
name that fits no entity or several is an error naming the file, the entry and the candidates.
Every change is recorded in the entity's merge log with reason ``user``.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kg.errors import KGError
from kg.iri import normalise_key

_KEYS = ("merge", "split", "rename", "drop")


@dataclass(frozen=True)
class Split:
    entity: str
    aliases: tuple[str, ...]
    label: str | None = None


@dataclass(frozen=True)
class Overrides:
    """What the user's overrides file asks for, in the file's order."""

    merge: tuple[tuple[str, ...], ...] = ()
    split: tuple[Split, ...] = ()
    rename: tuple[tuple[str, str], ...] = ()
    drop: tuple[str, ...] = ()
    source: str = "overrides"
    digest: str = field(default="", compare=False)
    text: str = field(default="", compare=False, repr=False)  # the file as written
    # whether an entry naming no entity is an error (a file given now) or passed over (the
    # store's kept copy, after the entity's documents were removed)
    strict: bool = field(default=True, compare=False)

    def __bool__(self) -> bool:
        return bool(self.merge or self.split or self.rename or self.drop)


def load_overrides(path: str | Path) -> Overrides:
    """Read an overrides file; a problem is a KGError naming the file and the entry."""
    where = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise KGError(f"{where}: cannot read the entity overrides: {exc.strerror or exc}") from None
    try:
        data = yaml.safe_load(raw.decode("utf-8")) or {}
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KGError(f"{where}: not a YAML file of entity overrides: {exc}") from None
    overrides = parse_overrides(data, where, hashlib.sha256(raw).hexdigest())
    return dataclasses.replace(overrides, text=raw.decode("utf-8"))


def parse_overrides(data: Any, where: str = "overrides", digest: str = "") -> Overrides:
    if not isinstance(data, Mapping):
        raise KGError(f"{where}: expected a mapping with keys {', '.join(_KEYS)}")
    unknown = sorted(str(k) for k in data if k not in _KEYS)
    if unknown:
        raise KGError(f"{where}: unknown key(s) {', '.join(unknown)}; expected {', '.join(_KEYS)}")
    merges = []
    for i, entry in enumerate(_list(data, "merge", where)):
        names = entry.get("names") if isinstance(entry, Mapping) else entry
        merges.append(_names(names, f"{where}: merge[{i}]", at_least=2))
    splits = []
    for i, entry in enumerate(_list(data, "split", where)):
        at = f"{where}: split[{i}]"
        if not isinstance(entry, Mapping) or "entity" not in entry or "aliases" not in entry:
            raise KGError(f"{at}: expected {{entity: NAME, aliases: [FORM, ...], label: NAME}}")
        label = entry.get("label")
        splits.append(
            Split(_name(entry["entity"], at), _names(entry["aliases"], at, 1),
                  _name(label, at) if label is not None else None)
        )
    renames = []
    for i, entry in enumerate(_list(data, "rename", where)):
        at = f"{where}: rename[{i}]"
        if not isinstance(entry, Mapping) or "entity" not in entry or "to" not in entry:
            raise KGError(f"{at}: expected {{entity: NAME, to: NEW LABEL}}")
        renames.append((_name(entry["entity"], at), _name(entry["to"], at)))
    drops = tuple(_name(v, f"{where}: drop[{i}]") for i, v in enumerate(_list(data, "drop", where)))
    return Overrides(tuple(merges), tuple(splits), tuple(renames), drops, where, digest)


def _list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise KGError(f"{where}: {key} must be a list")
    return value


def _name(value: Any, at: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise KGError(f"{at}: expected a non-empty name, got {value!r}")
    return value.strip()


def _names(value: Any, at: str, at_least: int) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) < at_least:
        raise KGError(f"{at}: expected a list of at least {at_least} name(s), got {value!r}")
    return tuple(_name(v, at) for v in value)


def name_of(value: str) -> str:
    """How a user's name is compared with labels and aliases."""
    return normalise_key(value)

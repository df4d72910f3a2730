"""Deciding whether a gold name denotes a predicted entity.

A gold name matches a predicted entity when, after ``normalise_name``, the gold name equals the
entity's label or one of its aliases (from entities.jsonl), or the entity's label equals one of
the gold name's aliases (from the gold file, widened by the lexicon's names of the same country
or organisation).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from kg.evaluate.names import lexicon_surfaces, normalise_name, tokens


class NameIndex:
    """Name groups from the gold file and the lexicon, and the names of predicted entities."""

    def __init__(
        self,
        gold_groups: Sequence[Sequence[str]],
        entities: Mapping[str, Mapping[str, Any]] | None = None,
        person_groups: Sequence[Sequence[str]] = (),
    ) -> None:
        """``gold_groups``: [canonical, *aliases] of organisations and places; ``person_groups``
        the same for people (never used to resolve phrases); ``entities``: entities.jsonl by id."""
        # Each group: canonical name, name keys, demonym keys (for phrases and title prefixes).
        self._canonical: list[str] = []
        self._names: list[set[str]] = []
        self._demonyms: list[set[str]] = []
        self._person: list[bool] = []
        self._owner: dict[str, int] = {}
        for groups, person in ((gold_groups, False), (person_groups, True)):
            for group in groups:
                if group:
                    names = {normalise_name(str(n)) for n in group}
                    self._add(str(group[0]), names, set(), person)
        self._gold_groups = len(self._canonical)  # groups before this index come from the gold
        for triples in lexicon_surfaces():
            names = {normalise_name(s) for s, _, dem in triples if not dem}
            demonyms = {normalise_name(s) for s, _, dem in triples if dem} - names
            owners = {self._owner[k] for k in names if k in self._owner}
            if len(owners) == 1:  # the gold already knows this entity: widen its group
                i = owners.pop()
                self._names[i] |= {k for k in names if self._owner.setdefault(k, i) == i}
                self._demonyms[i] |= {k for k in demonyms if self._owner.setdefault(k, i) == i}
            elif not owners:
                self._add(triples[0][1], names, demonyms, False)
        self._entities: dict[str, set[str]] = {}
        for entity_id, entity in (entities or {}).items():
            names_of = {normalise_name(str(entity.get("label") or ""))}
            names_of |= {normalise_name(str(a)) for a in entity.get("aliases") or []}
            self._entities[entity_id] = {n for n in names_of if n}

    def _add(self, canonical: str, names: set[str], demonyms: set[str], person: bool) -> None:
        i = len(self._canonical)
        self._canonical.append(canonical)
        self._person.append(person)
        self._names.append({k for k in names if k and self._owner.setdefault(k, i) == i})
        self._demonyms.append({k for k in demonyms if k and self._owner.setdefault(k, i) == i})

    def keys(self, name: str) -> set[str]:
        """Normalised names of ``name``'s group (itself and its aliases)."""
        key = normalise_name(name)
        i = self._owner.get(key)
        return ({key} | self._names[i]) if i is not None else {key}

    def surface_keys(self, name: str) -> set[str]:
        """Names and demonyms of ``name``'s group ("us", "united states", "american")."""
        key = normalise_name(name)
        i = self._owner.get(key)
        return ({key} | self._names[i] | self._demonyms[i]) if i is not None else {key}

    def entity_names(self, ref: Any) -> set[str]:
        """Normalised label and aliases of a predicted entity reference."""
        if ref is None:
            return set()
        if isinstance(ref, str):
            return {normalise_name(ref)}
        if not isinstance(ref, Mapping):
            return set()
        names = set(self._entities.get(str(ref.get("id")), set()))
        if ref.get("label"):
            names.add(normalise_name(str(ref["label"])))
        return names

    def matches(self, name: str | None, ref: Any) -> bool:
        """Whether the gold ``name`` denotes the predicted entity ``ref``."""
        if not name or ref is None:
            return False
        label = (
            ref
            if isinstance(ref, str)
            else (ref.get("label") if isinstance(ref, Mapping) else None)
        )
        names = self.entity_names(ref)
        if normalise_name(name) in names:
            return True
        if bool(label) and normalise_name(str(label)) in self.keys(name):
            return True
        # a person the text names only as the gold's alias does ("President Xi" for "Xi
        # Jinping", a name never written in full): the alias of more than one word is theirs
        i = self._owner.get(normalise_name(name))
        return (
            i is not None
            and self._person[i]
            and any(" " in k for k in self._names[i] & names)
        )

    def matches_any(self, name: str | None, refs: Iterable[Any]) -> bool:
        return any(self.matches(name, ref) for ref in refs)

    def resolve_name(self, name: str) -> str | None:
        """The canonical name of the organisation or country ``name`` (all of it) names, or None."""
        i = self._owner.get(normalise_name(name))
        return self._canonical[i] if i is not None and not self._person[i] else None

    def resolve_phrase(self, phrase: str) -> str | None:
        """The canonical name of the organisation or country a phrase names, longest span first.

        "Chinese goods" -> "China" (a demonym), "US imports" -> "United States"; None if the
        phrase names none ("imported steel"). Names from the gold file are tried before the
        lexicon's.
        """
        toks = tokens(phrase)
        for from_gold in (
            True,
            False,
        ):  # the gold's own names first: "U.S. steel" is not U.S. Steel
            for size in range(len(toks), 0, -1):
                for start in range(len(toks) - size + 1):
                    key = normalise_name(" ".join(toks[start : start + size]))
                    i = self._owner.get(key)
                    if (
                        i is not None
                        and not self._person[i]
                        and (not from_gold or i < self._gold_groups)
                    ):
                        return self._canonical[i]
        return None

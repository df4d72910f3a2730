"""The one checked loader of the data files under ontology/: YAML read against a typed schema.

A schema is a frozen dataclass; :func:`load` turns a file (or part of one) into an instance and
checks it on the way: an unknown key, a missing key or a value of the wrong type is a
:class:`kg.errors.RuleError` naming the file, the key's path and the fix. Fields with a default
are optional; a field's YAML key is its name, or ``metadata={"key": ...}`` for keys that are
Python keywords (``class``, ``from``). Supported field types: ``str``, ``int``, ``float``,
``bool``, ``Any``, ``X | None``, ``list[X]``, ``tuple[X, ...]``, fixed-size tuples,
``frozenset[X]``, ``dict[str, X]`` and nested dataclasses.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, TypeVar

from kg.errors import RuleError
from kg.resources import data_path, load_yaml

T = TypeVar("T")


def load(relative: str, schema: type[T]) -> T:
    """The data file ``relative`` (under ontology/) read as an instance of ``schema``."""
    key: tuple[str, Any] = (relative, schema)
    return _load(key)


@functools.cache
def _load(key: tuple[str, Any]) -> Any:
    relative, schema = key
    return convert(load_yaml(relative), schema, f"{data_path(relative)}")


def convert(value: Any, schema: Any, where: str) -> Any:
    """``value`` (parsed YAML) as the type ``schema``; ``where`` names it in error messages."""
    origin = typing.get_origin(schema)
    args = typing.get_args(schema)
    if schema is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        for alternative in inner[:-1]:  # the first alternative the value fits
            try:
                return convert(value, alternative, where)
            except RuleError:
                continue
        return convert(value, inner[-1], where)
    if dataclasses.is_dataclass(schema):
        return _dataclass(value, schema, where)
    if origin in (list, tuple, frozenset):
        return _sequence(value, origin, args, where)
    if origin is dict:
        if not isinstance(value, dict):
            raise _wrong(where, "a mapping", value)
        return {
            convert(k, args[0], f"{where} key {k!r}"): convert(v, args[1], f"{where}.{k}")
            for k, v in value.items()
        }
    return _scalar(value, schema, where)


def _sequence(value: Any, origin: Any, args: tuple[Any, ...], where: str) -> Any:
    if not isinstance(value, list):
        raise _wrong(where, "a list", value)
    if origin is tuple and args[-1] is not Ellipsis:  # a fixed-size tuple
        if len(value) != len(args):
            raise _wrong(where, f"a list of {len(args)} items", value)
        pairs = enumerate(zip(value, args, strict=True))
        return tuple(convert(v, a, f"{where}[{i}]") for i, (v, a) in pairs)
    return origin(convert(v, args[0], f"{where}[{i}]") for i, v in enumerate(value))


def _scalar(value: Any, schema: Any, where: str) -> Any:
    if schema is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if schema is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # a YAML number used as a word or code ("040")
    if not isinstance(value, schema) or (schema is int and isinstance(value, bool)):
        raise _wrong(where, f"a {schema.__name__}", value)
    return value


def _dataclass(value: Any, schema: Any, where: str) -> Any:
    if not isinstance(value, dict):
        raise _wrong(where, f"a mapping ({schema.__name__})", value)
    fields = {f.metadata.get("key", f.name): f for f in dataclasses.fields(schema) if f.init}
    hints = typing.get_type_hints(schema)
    unknown = sorted(str(k) for k in value if k not in fields)
    if unknown:
        raise RuleError(
            f"{where}: unknown key {unknown[0]!r}; the keys of {schema.__name__} are"
            f" {', '.join(fields)} (a typo, or a key no code reads: remove it)"
        )
    out: dict[str, Any] = {}
    for key, f in fields.items():
        if key not in value:
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                raise RuleError(f"{where}: missing key {key!r} ({schema.__name__} needs it)")
            continue
        out[f.name] = convert(value[key], hints[f.name], f"{where}.{key}")
    return schema(**out)


def _wrong(where: str, expected: str, value: Any) -> RuleError:
    return RuleError(f"{where}: expected {expected}, got {type(value).__name__} {value!r:.60}")


@dataclasses.dataclass(frozen=True)
class RuleDecl:
    """A rule id a rule file declares: what it recognises and the confidence it gives."""

    id: str
    description: str
    confidence: float | None = None

"""Extractors: pure functions from an analysed document to claims, registered by versioned name.

An extractor takes an :class:`ExtractionContext` and yields :class:`kg.model.Claim` objects whose
evidence carries the extractor's registered name. Bump the version in the name when the output
changes meaning, so provenance says which rule set produced a fact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from kg.errors import RegistryError
from kg.extract.context import ExtractionContext, build_context
from kg.model import Claim

__all__ = ["ExtractionContext", "build_context", "extract", "register", "registered"]

Extractor = Callable[[ExtractionContext], Iterable[Claim]]

_NAME = re.compile(r"^kg\.[a-z_]+\.v[0-9]+$")
_REGISTRY: dict[str, Extractor] = {}


def register(name: str) -> Callable[[Extractor], Extractor]:
    """Register an extractor under a dotted, versioned name such as ``kg.offices.v1``."""
    if not _NAME.match(name):
        raise RegistryError(f"extractor name {name!r} must look like 'kg.<kind>.v<N>'")

    def decorator(func: Extractor) -> Extractor:
        if name in _REGISTRY:
            raise RegistryError(f"extractor {name!r} is registered twice; bump its version")
        _REGISTRY[name] = func
        return func

    return decorator


def registered() -> dict[str, Extractor]:
    """Every registered extractor by name (importing the built-in modules registers them)."""
    from kg.extract import builtin  # noqa: F401  (registers the built-in extractors)

    return dict(sorted(_REGISTRY.items()))


def default_extractors() -> tuple[str, ...]:
    """The extractors a build runs by default: the built-in ones."""
    from kg.extract.builtin import DEFAULT_EXTRACTORS

    return DEFAULT_EXTRACTORS


def extract(ctx: ExtractionContext, names: Iterable[str] | None = None) -> Iterator[Claim]:
    """Run the named extractors (the built-in ones by default) over one document."""
    extractors = registered()
    for name in names if names is not None else default_extractors():
        if name not in extractors:
            raise RegistryError(f"unknown extractor {name!r}; registered: {', '.join(extractors)}")
        yield from extractors[name](ctx)

"""The built-in extractors: importing this module registers them.

They are the extractor modules the fact kinds of ontology/kinds.yaml name (``module``), so a
new kind's extractor runs once the kind is declared. ``DEFAULT_EXTRACTORS`` is what a build runs
unless told otherwise; a module imported elsewhere (a plug-in, a test) never changes it.
"""

import importlib
from types import ModuleType

from kg.errors import RuleError
from kg.kinds import kinds


def _module(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise RuleError(
            f"ontology/kinds.yaml: module {name!r} cannot be imported ({exc}); give the module"
            " of the kind's extractor, such as kg.extract.offices"
        ) from exc


MODULES = tuple(_module(m) for m in dict.fromkeys(spec.module for spec in kinds().values()))
DEFAULT_EXTRACTORS: tuple[str, ...] = tuple(sorted(m.NAME for m in MODULES))

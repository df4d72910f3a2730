"""The built-in extractors: importing this module registers them.

``DEFAULT_EXTRACTORS`` is what a build runs unless told otherwise. It is derived from the
modules listed here, so a module imported elsewhere (a plug-in, a test) never changes what a
default build extracts.
"""

from kg.extract import affiliations, authorship, events, figures, offices, quotes, tariffs

MODULES = (affiliations, authorship, events, figures, offices, quotes, tariffs)
DEFAULT_EXTRACTORS: tuple[str, ...] = tuple(sorted(m.NAME for m in MODULES))

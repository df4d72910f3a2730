"""The small exception tree every kg module raises from.

Messages say where, what, the offending value and the fix.
"""


class KGError(Exception):
    """Base class of every error kg raises on purpose."""


class InputError(KGError):
    """A document could not be read (not text, undecodable, malformed metadata)."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class ModelNotFoundError(KGError):
    """The spaCy model named by the settings is not installed."""


class RuleError(KGError):
    """A rule, pattern or lexicon file under ontology/ is malformed or names an unknown term."""


class RegistryError(KGError):
    """An extractor or exporter name is unknown or registered twice."""


class ExportError(KGError):
    """An exporter could not write its output."""

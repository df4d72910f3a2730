"""Importing this module registers every built-in extractor."""

from kg.extract import affiliations, authorship, offices  # noqa: F401

"""The limits that keep one hostile input from stalling or exhausting a build.

Every limit is a field of ``Limits`` (``Settings.limits``), raised on the command line with
``kg build --limit NAME=VALUE`` (NAME a field name, dashes for underscores). The README's
"Limits" table lists each with its default and what happens past it; tests/test_readme.py
checks the two agree.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Any

import yaml

from kg.errors import KGError


@dataclass(frozen=True)
class Limits:
    """Bounds on one input; past one, the input is skipped with a warning naming the limit."""

    document_chars: int = 2_000_000  # characters of one document's text
    line_bytes: int = 10_000_000  # bytes of one JSONL line
    front_matter_bytes: int = 65_536  # bytes of one Markdown file's YAML front matter
    yaml_aliases: int = 10  # alias uses (*name) in one front matter
    nesting: int = 100  # depth of YAML front matter and of a JSONL line's values
    html_bytes: int = 5_000_000  # bytes of one HTML file
    html_depth: int = 5_000  # open elements at once in one HTML page
    html_elements: int = 100_000  # start tags in one HTML page (parsing costs about 5 µs each)
    word_chars: int = 1_000  # characters without whitespace that spaCy tokenises; longer: 1 token
    run_punctuation: int = 50  # non-alphanumerics in one run without whitespace; more: 1 token
    spacy_chars: int = 100_000  # characters per spaCy call; longer documents are split
    warning_chars: int = 1_000  # characters of one warning line


LIMIT_NAMES = tuple(f.name for f in dataclasses.fields(Limits))


def limit_flag(name: str) -> str:
    """How a user raises limit ``name``: the text every message about it ends with."""
    return f"--limit {name.replace('_', '-')}=N"


def parse_limits(values: list[str], base: Limits | None = None) -> Limits:
    """``Limits`` with the ``NAME=VALUE`` settings of ``values`` applied (the --limit flags)."""
    changes: dict[str, int] = {}
    for value in values:
        name, sep, number = value.partition("=")
        key = name.strip().replace("-", "_")
        if not sep or key not in LIMIT_NAMES:
            known = ", ".join(n.replace("_", "-") for n in LIMIT_NAMES)
            raise KGError(f"--limit {value!r}: expected NAME=N with NAME one of {known}")
        try:
            changes[key] = int(number.replace("_", ""))
        except ValueError:
            raise KGError(f"--limit {value!r}: {number!r} is not a whole number") from None
        if changes[key] < 1:
            raise KGError(f"--limit {value!r}: a limit must be at least 1")
    return dataclasses.replace(base or Limits(), **changes)


_NOT_ALNUM = re.compile(r"[\W_]")


@functools.cache
def _run(longer_than: int) -> re.Pattern[str]:
    return re.compile(rf"(?<!\S)\S{{{longer_than + 1},}}")


def one_token_runs(text: str, limits: Limits) -> list[tuple[int, int]]:
    """The ``(start, end)`` of every run without whitespace that spaCy gets as one token: runs
    of more than ``word_chars`` characters, or holding more than ``run_punctuation``
    characters that are neither letters nor digits. spaCy's tokeniser strips punctuation from
    a run's ends one character at a time, each time searching the rest of the run, so its time
    grows with run length times punctuation count: 1,000 ``=`` took 0.36 s, a paragraph of
    such runs a minute (letters, URLs and ordinary punctuation cost nothing of the kind)."""
    runs = []
    for match in _run(min(limits.word_chars, limits.run_punctuation)).finditer(text):
        chunk = match.group()
        if len(chunk) > limits.word_chars or (
            len(_NOT_ALNUM.findall(chunk)) > limits.run_punctuation
        ):
            runs.append(match.span())
    return runs


# Characters a warning must not print raw: C0 and C1 controls (terminal escape sequences start
# with ESC), line and paragraph separators, bidirectional overrides, lone surrogates.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, limit: int | None = None) -> str:
    """``text`` safe for a terminal: control characters escaped, cut to ``limit`` characters."""
    if _ESCAPED_BYTE.search(text):
        # a file name's undecodable bytes (surrogateescape) show as \xNN; other lone
        # surrogates make encode fail and are escaped below
        with contextlib.suppress(UnicodeEncodeError):
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    text = _UNPRINTABLE.sub(_escape, text)
    if limit is not None and len(text) > limit:
        cut = len(text) - limit
        text = f"{text[:limit]}... ({cut:,} more characters)"
    return text


def short_repr(value: Any, limit: int = 80) -> str:
    """``repr(value)`` of at most about ``limit`` characters, without building a huge repr."""
    if isinstance(value, (list, tuple, dict, set)) and len(value) > 8:
        return f"with {len(value):,} items"
    text = repr(value if not isinstance(value, str) else value[: limit + 1])
    return text if len(text) <= limit else text[:limit] + "..."


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader with a bound on aliases and nesting; timestamps stay text."""

    max_aliases = 10
    max_depth = 100

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.aliases = 0
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > self.max_aliases:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"more than {self.max_aliases} YAML aliases (*name); kg does not expand"
                    f" alias chains, raise the bound with {limit_flag('yaml_aliases')}",
                    mark,
                )
        self.depth += 1
        try:
            if self.depth > self.max_depth:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"values nested more than {self.max_depth} deep; raise the bound with"
                    f" {limit_flag('nesting')}",
                    self.peek_event().start_mark,
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


# Dates stay strings, read by kg.ingest.normalise_date: PyYAML's own timestamp constructor
# raises on an impossible date (2025-02-30) instead of reporting it.
_BoundedLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str, limits: Limits) -> Any:
    """Parse YAML front matter safely: no alias expansion past ``limits.yaml_aliases``, no
    nesting past ``limits.nesting``; raises ``yaml.YAMLError`` otherwise."""
    loader_class = type(
        "Loader",
        (_BoundedLoader,),
        {"max_aliases": limits.yaml_aliases, "max_depth": limits.nesting},
    )
    loader = loader_class(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def nesting_depth(value: Any, limit: int) -> int:
    """The nesting depth of a parsed JSON value, counting no further than ``limit + 1``."""
    depth = 0
    level = [value]
    while level and depth <= limit:
        depth += 1
        children: list[Any] = []
        for item in level:
            if isinstance(item, dict):
                children.extend(item.values())
            elif isinstance(item, list):
                children.extend(item)
        level = [c for c in children if isinstance(c, (dict, list))]
    return depth

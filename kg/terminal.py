"""Text from articles made safe to print on a terminal.

Control characters (an escape sequence from an article, a line break inside a name), line and
paragraph separators and bidi overrides would act on the terminal instead of showing: they are
printed escaped, as Python writes them (``\\x1b``, ``\\u2028``). Only output meant for people
goes through here; machine formats (CSV, TSV, JSON, the files a build writes) keep the text.
"""

from __future__ import annotations

import re
from typing import Any

_ACTIVE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def shown(value: Any) -> str:
    """``value`` as text safe to print on a terminal, with what would act on it escaped."""
    return _ACTIVE.sub(lambda m: repr(m.group())[1:-1], str(value))

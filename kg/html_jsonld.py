"""An HTML page's ``<script type="application/ld+json">`` metadata: the NewsArticle in it.

Most news sites describe the article in schema.org JSON-LD: ``headline``, ``author`` (a name,
a ``Person`` or ``Organization`` object, or a list of them; in an ``@graph`` also a reference
``{"@id": ...}`` to a node of the graph), ``datePublished`` and ``url`` (or
``mainEntityOfPage``). This module finds the article among the page's JSON-LD blocks (a
``NewsArticle`` or one of its subtypes first, then any ``Article`` or ``BlogPosting``) and
returns those four values as text. Blocks that are not JSON, nest deeper than ``MAX_DEPTH`` or
hold no article are passed over: metadata is a hint, never a reason to skip a page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

MAX_DEPTH = 20  # JSON-LD nesting read (a page's article sits at depth one to three)
# schema.org types of an article, best first: a news article over any other kind.
_NEWS = (
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
)
_OTHER = ("Article", "BlogPosting", "LiveBlogPosting", "Report", "SocialMediaPosting")

__all__ = ["news_article"]


def _types(node: dict[str, Any]) -> list[str]:
    kinds = node.get("@type", [])
    kinds = kinds if isinstance(kinds, list) else [kinds]
    # "schema:NewsArticle", "https://schema.org/NewsArticle" and "NewsArticle" are one type
    return [k.rsplit("/", 1)[-1].rsplit(":", 1)[-1] for k in kinds if isinstance(k, str)]


def _nodes(value: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD value, in document order, down to ``MAX_DEPTH``."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from _nodes(item, depth + 1)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in value:
                yield from _nodes(value[key], depth + 1)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _names(value: Any, by_id: dict[str, dict[str, Any]], depth: int = 0) -> list[str]:
    """The names an ``author`` value gives: text, objects with a name, references, lists."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(value, list):
        return [n for item in value for n in _names(item, by_id, depth + 1)]
    if isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str):
            value = by_id.get(value["@id"], value)
        name = _text(value.get("name"))
        return [name] if name else []
    name = _text(value)
    return [name] if name else []


def _url(node: dict[str, Any]) -> str | None:
    url = _text(node.get("url"))
    if url:
        return url
    page = node.get("mainEntityOfPage")
    if isinstance(page, dict):
        return _text(page.get("@id")) or _text(page.get("url"))
    return _text(page)


def _parsed(blocks: Iterable[str]) -> list[Any]:
    out = []
    for block in blocks:
        try:
            out.append(json.loads(block))
        except (ValueError, RecursionError):  # not JSON, or nested past Python's stack
            continue
    return out


def news_article(blocks: Iterable[str]) -> dict[str, str | None]:
    """``title``, ``author``, ``published`` and ``url`` of the page's article, from the text of
    its JSON-LD blocks (each ``None`` when no block gives it); several authors are joined
    with ", "."""
    nodes = [n for value in _parsed(blocks) for n in _nodes(value)]
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    article = None
    for wanted in (_NEWS, _OTHER):
        article = next((n for n in nodes if any(t in wanted for t in _types(n))), None)
        if article is not None:
            break
    if article is None:
        return dict.fromkeys(("title", "author", "published", "url"))
    authors = list(dict.fromkeys(_names(article.get("author"), by_id)))
    return {
        "title": _text(article.get("headline")) or _text(article.get("name")),
        "author": ", ".join(authors) or None,
        "published": _text(article.get("datePublished")),
        "url": _url(article),
    }

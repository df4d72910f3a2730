"""Article text and metadata from an HTML page, with the standard library's ``html.parser``.

The text a caller gets is what a reader of the article sees: never script or style content,
never navigation, footers, asides or forms. Offsets of later stages index into this text, so it
is built once here and never changed afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from kg.html_jsonld import news_article

# Elements whose content is never article text; ``head`` is read for metadata only.
_DROPPED = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "head",
        "nav",
        "footer",
        "aside",
        "form",
        "iframe",
        "button",
        "select",
        "textarea",
        "object",
        "canvas",
        "video",
        "audio",
        "dialog",
    }
)
_VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    }
)
# Elements that end one paragraph of text and start another.
_BLOCKS = frozenset(
    {
        "address",
        "article",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    }
)
_CELLS = frozenset({"td", "th"})
# Start tags that close an open element without its end tag (HTML's "implied end tags":
# `<p>a<p>b` is two paragraphs side by side, not one inside the other), each with the elements
# that bound the search: an open `<li>` of an outer list is not closed by a nested list's.
_SCOPE = frozenset({"button", "table", "td", "th", "template", "object", "marquee", "applet"})
_IMPLIED: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "li": (frozenset({"li"}), frozenset({"ul", "ol", "menu"}) | _SCOPE),
    "dt": (frozenset({"dt", "dd"}), frozenset({"dl"}) | _SCOPE),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl"}) | _SCOPE),
    "tr": (frozenset({"tr", "td", "th"}), frozenset({"table", "thead", "tbody", "tfoot"})),
    "td": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "th": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "option": (frozenset({"option"}), frozenset({"select", "datalist", "optgroup"})),
}
_CLOSES_P = (frozenset({"p"}), _SCOPE)
# HTML's own whitespace; U+00A0 (&nbsp;) is deliberately not in it and survives as written.
_HTML_SPACE = " \t\n\r\f"
_SPACE_RUN = re.compile(f"[{_HTML_SPACE}]+")

# Where a piece of text sits: (dropped, in <article>, in <main>, in <body>, in boilerplate).
_Context = tuple[bool, bool, bool, bool, bool]
# What an element does to its content.
_KEEP, _DROP, _BOILERPLATE = 0, 1, 2
# Text in boilerplate is left out when the page has no <article> or <main> (whose content is
# the article's): the containers of such a page's text.
_WITHOUT_ARTICLE = (3, None)
_JSONLD = "application/ld+json"
# ARIA roles of what is not the article: a site's banner, alerts, dialogs, navigation, footer.
_BOILERPLATE_ROLES = frozenset(
    {"banner", "alert", "alertdialog", "dialog", "navigation", "contentinfo", "search"}
)
# Class or id words of cookie, consent and notification banners, newsletter and paywall boxes.
_BOILERPLATE_NAMES = re.compile(
    r"(?:^|[\s_-])(?:cookies?|consent|gdpr|notifications?|newsletter|subscribe|paywall|popup"
    r"|modal|alert|banner)(?:$|[\s_-])",
    re.IGNORECASE,
)
_PARAGRAPH = "\n\n"
_LINE = "\n"


@dataclass(frozen=True)
class HtmlArticle:
    """The text of one page's article and its metadata, as the page states it (not normalised)."""

    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    url: str | None = None
    language: str | None = None


def _collapse(text: str) -> str:
    return _SPACE_RUN.sub(" ", text).strip(_HTML_SPACE)


def _content_mode(tag: str, attributes: dict[str, str]) -> int:
    """Whether an element's content is dropped, boilerplate (dropped from a page without
    <article> or <main>) or kept."""
    if tag in _DROPPED or "hidden" in attributes:
        return _DROP
    if attributes.get("aria-hidden", "").strip().lower() == "true":
        return _BOILERPLATE
    if attributes.get("role", "").strip().lower() in _BOILERPLATE_ROLES:
        return _BOILERPLATE
    names = f"{attributes.get('class', '')} {attributes.get('id', '')}"
    if _BOILERPLATE_NAMES.search(names):
        return _BOILERPLATE
    return _KEEP


class HtmlTooDeep(ValueError):
    """A page opens more elements at once than the caller's bound allows."""


class HtmlTooManyElements(ValueError):
    """A page has more elements than the caller's bound allows (parsing costs per tag)."""


class _PageParser(HTMLParser):
    """Records text pieces with their context, block breaks and metadata while parsing.

    The context of a piece of text is kept as counts of the open elements that matter, updated
    on each start and end tag, so deep nesting costs no more per tag than flat markup.
    """

    def __init__(self, max_depth: int | None = None, max_elements: int | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.max_elements = max_elements
        self.elements = 0
        # Open elements as (tag, what it does to its content: _KEEP, _DROP or _BOILERPLATE);
        # an end tag closes up to its last opening.
        self.stack: list[tuple[str, int]] = []
        self.max_depth = max_depth
        # How many open elements drop their content, are <article>, <main>, <body>, <svg>;
        # each tag's last index in the stack, for an end tag's search.
        self.counts = {
            "dropped": 0,
            "article": 0,
            "main": 0,
            "body": 0,
            "svg": 0,
            "boilerplate": 0,
        }
        self.jsonld: list[str] = []  # the text of each <script type="application/ld+json">
        self._jsonld_parts: list[str] | None = None
        self.positions: dict[str, list[int]] = {}
        self.events: list[tuple[str, str, _Context | None]] = []
        self.meta: dict[str, str] = {}
        self.canonical: str | None = None
        self.language: str | None = None
        self.title: str | None = None
        self.first_h1: str | None = None
        self._title_parts: list[str] | None = None
        self._h1_parts: list[str] | None = None

    def context(self) -> _Context:
        c = self.counts
        return (
            c["dropped"] > 0,
            c["article"] > 0,
            c["main"] > 0,
            c["body"] > 0,
            c["boilerplate"] > 0,
        )

    def _push(self, tag: str, drops: int) -> None:
        if self.max_depth is not None and len(self.stack) >= self.max_depth:
            line, column = self.getpos()
            raise HtmlTooDeep(f"<{tag}> at line {line}, column {column + 1}")
        self.positions.setdefault(tag, []).append(len(self.stack))
        self.stack.append((tag, drops))
        self._count(tag, drops, 1)

    def _count(self, tag: str, drops: int, step: int) -> None:
        if drops == _DROP:
            self.counts["dropped"] += step
        elif drops == _BOILERPLATE:
            self.counts["boilerplate"] += step
        if tag in self.counts:
            self.counts[tag] += step

    def _pop_to(self, index: int) -> None:
        while len(self.stack) > index:
            tag, drops = self.stack.pop()
            self.positions[tag].pop()
            self._count(tag, drops, -1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements += 1
        if self.max_elements is not None and self.elements > self.max_elements:
            line, column = self.getpos()
            raise HtmlTooManyElements(f"<{tag}> at line {line}, column {column + 1}")
        attributes: dict[str, str] = {}
        for name, value in attrs:
            attributes.setdefault(name, value if value is not None else "")
        self._read_metadata(tag, attributes)
        if tag in _VOID:
            if tag == "br":
                self.events.append(("break", _LINE, None))
            elif tag == "hr":
                self.events.append(("break", _PARAGRAPH, None))
            return
        self._close_implied(tag)
        self._push(tag, _content_mode(tag, attributes))
        if tag == "script" and attributes.get("type", "").strip().lower() == _JSONLD:
            self._jsonld_parts = []
        context = self.context()
        if tag in _BLOCKS:
            self.events.append(("break", _PARAGRAPH, None))
        elif tag in _CELLS:
            self.events.append(("text", " ", context))
        if tag == "time" and attributes.get("datetime"):
            self.events.append(("time", attributes["datetime"], context))
        if tag == "title" and self.title is None and not self.counts["svg"]:
            self._title_parts = []
        if tag == "h1" and self.first_h1 is None and not context[0]:
            self._h1_parts = []

    def _close_implied(self, tag: str) -> None:
        """Close what ``tag`` ends without an end tag (an open ``<p>`` at a block, an ``<li>``
        at the next ``<li>``), so valid pages without optional end tags are not deep."""
        rule = _IMPLIED.get(tag)
        if rule is None:
            if tag not in _BLOCKS or not self.positions.get("p"):
                return
            rule = _CLOSES_P
        closes, bounds = rule
        last = -1
        for name in closes:
            opened = self.positions.get(name)
            if opened and opened[-1] > last:
                last = opened[-1]
        if last < 0:
            return
        for name in bounds:
            opened = self.positions.get(name)
            if opened and opened[-1] > last:
                return  # inside a nested list, table...: not the element to close
        self._pop_to(last)

    def _read_metadata(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "html" and self.language is None and attributes.get("lang", "").strip():
            self.language = attributes["lang"].strip()
        elif tag == "meta":
            key = attributes.get("property") or attributes.get("name") or ""
            content = attributes.get("content", "").strip()
            if key and content:
                self.meta.setdefault(key.strip().lower(), content)
        elif tag == "link" and self.canonical is None:
            rels = attributes.get("rel", "").lower().split()
            if "canonical" in rels and attributes.get("href", "").strip():
                self.canonical = attributes["href"].strip()

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.events.append(("break", _PARAGRAPH, None))
        elif tag in _CELLS:
            self.events.append(("text", " ", self.context()))
        opened = self.positions.get(tag)
        if not opened:
            return  # a stray end tag closes nothing
        self._pop_to(opened[-1])
        if tag == "script" and self._jsonld_parts is not None:
            self.jsonld.append("".join(self._jsonld_parts))
            self._jsonld_parts = None
        if tag == "title" and self._title_parts is not None:
            self.title = _collapse("".join(self._title_parts)) or None
            self._title_parts = None
        if tag == "h1" and self._h1_parts is not None:
            self.first_h1 = _collapse("".join(self._h1_parts)) or None
            self._h1_parts = None

    def handle_data(self, data: str) -> None:
        if self._title_parts is not None:
            self._title_parts.append(data)
        if self._jsonld_parts is not None:
            self._jsonld_parts.append(data)
        context = self.context()
        if context[0]:
            return
        if self._h1_parts is not None:
            self._h1_parts.append(data)
        self.events.append(("text", data, context))


def _render(events: list[tuple[str, str, _Context | None]], container: int | None) -> str:
    """Join the text pieces inside ``container`` (index into the context) into paragraphs."""
    paragraphs: list[str] = []
    lines: list[str] = []
    pieces: list[str] = []

    def end_line() -> None:
        line = _collapse("".join(pieces))
        pieces.clear()
        if line.strip():  # a line of only &nbsp; is layout, not text
            lines.append(line)

    for kind, value, context in events:
        if kind == "text" and context is not None and (container is None or context[container]):
            if context[4] and container in _WITHOUT_ARTICLE:
                continue  # a cookie or notification banner, an alert, a dialog
            pieces.append(value)
        elif kind == "break":
            end_line()
            if value == _PARAGRAPH and lines:
                paragraphs.append(_LINE.join(lines))
                lines.clear()
    end_line()
    if lines:
        paragraphs.append(_LINE.join(lines))
    return _PARAGRAPH.join(paragraphs)


READERS = ("auto", "stdlib", "trafilatura")


def trafilatura_available() -> bool:
    """Whether the optional reader of article bodies is installed (``pip install 'kg[html]'``)."""
    import importlib.util

    return importlib.util.find_spec("trafilatura") is not None


def chosen_reader(reader: str) -> str:
    """The reader "auto" stands for here: "trafilatura" when it is installed, else "stdlib"
    (a Dask build fixes it on the driver, so that its workers read as a local build would)."""
    if reader != "auto":
        return reader
    return "trafilatura" if trafilatura_available() else "stdlib"


def _trafilatura_text(html: str) -> str | None:
    """The article body as trafilatura reads it (offline, deterministic: no fetching, no
    time-out), its paragraphs separated by a blank line; ``None`` when it finds none."""
    import trafilatura
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # no signal alarm: works in any thread
    text = trafilatura.extract(
        html,
        output_format="txt",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        include_formatting=False,
        with_metadata=False,
        deduplicate=False,
        config=config,
    )
    if not text:
        return None
    paragraphs = [_collapse(line) for line in text.split("\n")]
    return _PARAGRAPH.join(p for p in paragraphs if p) or None


def extract_article(
    html: str,
    max_depth: int | None = None,
    max_elements: int | None = None,
    reader: str = "stdlib",
) -> HtmlArticle:
    """Extract the article text and metadata of one HTML page.

    With ``reader`` "stdlib" (and "auto" when trafilatura is not installed) the text comes
    from the page's ``<article>`` elements if they hold text, else ``<main>``, else ``<body>``
    (without cookie and notification banners, alerts, dialogs and what is ``aria-hidden``),
    else the whole page; blocks are separated by a blank line, ``<br>`` gives a line break,
    runs of HTML whitespace become one space and entities are decoded. With "trafilatura"
    (and "auto" when it is installed) trafilatura reads the body, and the stdlib reader's text
    is kept when it finds none. Metadata comes from the page's JSON-LD NewsArticle first
    (kg/html_jsonld.py), then its ``<meta>`` tags, ``<title>`` and first ``<h1>``. The page is
    always parsed by the stdlib reader first: it raises ``HtmlTooDeep`` if more than
    ``max_depth`` elements are open at once, and ``HtmlTooManyElements`` past
    ``max_elements`` start tags.
    """
    if reader not in READERS:
        raise ValueError(f"unknown HTML reader {reader!r}; use one of {', '.join(READERS)}")
    parser = _PageParser(max_depth, max_elements)
    parser.feed(html)
    parser.close()
    text = ""
    chosen: int | None = None
    for container in (1, 2, 3, None):
        text = _render(parser.events, container)
        if text:
            chosen = container
            break
    if chosen_reader(reader) == "trafilatura":
        text = _trafilatura_text(html) or text
    ld = news_article(parser.jsonld)
    meta = parser.meta
    published = ld["published"] or meta.get("article:published_time") or meta.get("date")
    if published is None:
        for kind, value, context in parser.events:
            wanted = context is not None and (chosen is None or context[chosen])
            if kind == "time" and wanted and context is not None and not context[0]:
                published = value.strip() or None
                break
    return HtmlArticle(
        text=text,
        title=ld["title"] or meta.get("og:title") or parser.title or parser.first_h1,
        author=ld["author"] or meta.get("author") or meta.get("article:author"),
        published=published,
        url=parser.canonical or ld["url"] or meta.get("og:url"),
        language=parser.language,
    )

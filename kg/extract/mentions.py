"""Entity mentions of one document: spaCy NER plus the lexicon rulers, typed and resolved.

Within a document a short person name ("Trump", "Xi") takes the full name it abbreviates
("Donald Trump", "Xi Jinping") when the document names exactly one compatible person, or
the one it names most often; names that NER mislabels (a surname tagged ORG) are re-typed
when the document also names that person in full.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from spacy.tokens import Doc, Span

from kg.extract.tokens import Tokens, leftmost_titles
from kg.lexicon import Lexicon, entry_mention
from kg.model import Mention
from kg.names import family_names, find_names, sentence_form
from kg.nlp import TITLES_KEY

# two names joined by a slash, or a day of the month: NER's span holds more than one name
_NOT_ONE_NAME = re.compile(r"\s/\s|\b\d+(?:st|nd|rd|th)\b")
# last words of an event's name that NER takes for an organisation's
_EVENT_ENDS = frozenset({"meeting", "summit", "talks", "talk"})
_KEEP_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "PRODUCT"}
_POSSESSIVE = re.compile(r"[’']s?$")
_QUOTES = "\"'“”‘’«»"
_ROMAN = re.compile(r"[IVXLC]+")


def find_mentions(tokens: Tokens, lexicon: Lexicon, title: str | None = None) -> list[Mention]:
    """Typed entity mentions of a document, sorted by position, with person names resolved;
    ``title`` is the document's headline, when its metadata gives one."""
    doc = tokens.doc
    in_title = {i for span in doc.spans.get(TITLES_KEY, []) for i in range(span.start, span.end)}
    raw: list[Mention] = []
    for ent in doc.ents:
        if ent.label_ not in _KEEP_LABELS:
            continue
        if _attached_by_hyphen(ent):
            raw.extend(_hyphen_parts(ent, lexicon))
            continue
        if (
            ent.label_ != "PERSON"
            and not ent.ent_id_
            and all(i in in_title for i in range(ent.start, ent.end))
        ):
            continue  # "Commerce" inside "Secretary of Commerce": part of a title, not an entity
        mention = _name_after_title(ent, in_title, lexicon) or _mention_from_ent(
            ent, lexicon, in_title
        )
        if mention is not None:
            raw.append(mention)
    raw = _after_honorifics(tokens, raw, lexicon, in_title)
    raw = _before_titles(tokens, raw, lexicon)
    found = _token_pass(tokens, raw, lexicon)
    whole = [(m.start, m.end) for m in found if m.resolved_by == "name-particle"]
    raw = [m for m in raw if not any(a <= m.start and m.end <= b for a, b in whole)] + found
    raw = _with_particles(tokens, raw, lexicon)
    raw = [_with_given_name(tokens, m, raw, in_title, lexicon) for m in raw]
    raw = [_with_hyphenated_end(tokens, m) for m in raw]
    raw = [_with_capitals(tokens, m, raw) if m.type == "Person" else m for m in raw]
    raw = _distinguished(tokens, raw, lexicon)
    raw = _not_credited(tokens.text, raw, lexicon)
    raw = _not_in_headlines(tokens.text, raw, title)
    raw = _without_trailing_org(raw, lexicon)
    people = _resolve_people(raw, lexicon)
    references = _title_references(tokens, people, lexicon)
    return sorted(people + references, key=lambda m: (m.start, m.end))


def _after_honorifics(
    tokens: Tokens, mentions: list[Mention], lexicon: Lexicon, in_title: set[int]
) -> list[Mention]:
    """A name after an honorific or form of address (lexicon `honorifics`: "the Honourable X",
    "Dame X", "Sheikh X", "His Excellency X") is a person's, also where NER missed it or took
    it for an organisation: the capitalised words after it, with particles and hyphens, up to
    five, none of them a title word. A mention inside those words that the lexicon does not
    know gives way; a place's name after the word ("Prince Edward Island") stays a place."""
    doc = tokens.doc
    longest = max((len(h.split()) for h in lexicon.honorifics), default=0)
    openers = {h.split()[0] for h in lexicon.honorifics}
    out = list(mentions)
    i = 0
    while i < len(doc):
        width = 0
        if doc[i].text in openers:
            width = next(
                (w for w in range(min(longest, len(doc) - i), 0, -1)
                 if doc[i : i + w].text in lexicon.honorifics),
                0,
            )
        if not width:
            i += 1
            continue
        end, words = _name_words(doc, i + width, in_title, lexicon)
        span, honorific = doc[i + width : end], doc[i : i + width]
        i = max(end, i + 1)
        if not words or any(t.ent_type_ in {"GPE", "LOC", "FAC"} for t in span):
            continue
        if all(t.is_upper for t in span if t.is_alpha):
            continue  # "So much for being Mr. NICE GUY!": shouting, not a name
        if lexicon.descriptors.get(span[-1].lower_):
            continue  # "Prince Albert Foundation": an organisation's name
        opens = honorific.start_char  # a mention may start at it ("Dame X" as an ORG)
        if honorific.text in lexicon.place_honorifics:
            opens = span.start_char
        inside = [m for m in out if m.start < span.end_char and span.start_char < m.end]
        if any(m.key or m.type == "Person" or m.start < opens or m.end > span.end_char
               for m in inside):
            continue  # a person found already, or a known name: left as it is
        if not inside and end < len(doc) and doc[end].text in _QUOTES:
            continue  # "no longer 'Mr Nice Guy'": a phrase quoted, not a name NER missed
        out = [m for m in out if m not in inside]
        text = span.text
        out.append(Mention(text, _clean_label(text), "Person", span.start_char, span.end_char,
                           None, None, "name-after-honorific"))
    return sorted(out, key=lambda m: (m.start, m.end))


def _name_words(doc: Doc, start: int, in_title: set[int], lexicon: Lexicon) -> tuple[int, int]:
    """Where the capitalised proper nouns from ``start`` end (particles and hyphens between
    them, up to five, no title word), and how many there are."""
    j = end = start
    words = 0
    while j < len(doc) and j not in in_title and words < 5:
        t = doc[j]
        if t.is_alpha and t.text[:1].isupper() and t.pos_ == "PROPN":
            words += 1
            end = j = j + 1
        elif (
            (t.lower_ in lexicon.particles or (t.text in {"-", "–"} and not t.whitespace_))
            and words and j + 1 < len(doc) and doc[j + 1].text[:1].isupper()
        ):
            j += 1
        else:
            break
    return end, words


def _before_titles(tokens: Tokens, mentions: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """A name NER missed in apposition to a title after it ("Jane Roe, executive vice president
    of the European Commission, said"): two to four capitalised proper nouns (particles and
    hyphens between them) right before ", [the] TITLE", covered by no mention, naming no
    organisation ("Ministry") and no lexicon entry, are a person."""
    doc = tokens.doc
    covered = {c for m in mentions for c in range(m.start, m.end)}
    out = list(mentions)
    starts = sorted({span.start for span in doc.spans.get(TITLES_KEY, [])})
    for t in starts:
        i = t - 1
        if i >= 0 and doc[i].lower_ in {"the", "a", "an"}:
            i -= 1
        if i < 1 or doc[i].text != ",":
            continue
        j = i
        words = 0
        while j > 0 and words < 4:
            tok = doc[j - 1]
            if tok.is_alpha and tok.text[:1].isupper() and tok.pos_ == "PROPN":
                words += 1
            elif not (words and (tok.lower_ in lexicon.particles or tok.text in {"-", "–"})):
                break
            j -= 1
        while j < i and not doc[j].text[:1].isupper():
            j += 1  # a particle cannot open the name
        span = doc[j:i]
        if words < 2 or len(span) == 0 or any(c in covered for c in range(span.start_char,
                                                                         span.end_char)):
            continue
        if _type_from_name(span.text, lexicon) or lexicon.lookup(span.text) is not None:
            continue
        if j > 0 and doc[j - 1].text[:1].isupper() and not doc[j - 1].is_sent_start:
            continue  # more capitalised words before: not where a name starts
        out.append(Mention(span.text, _clean_label(span.text), "Person", span.start_char,
                           span.end_char, None, None, "name-before-title"))
    return sorted(out, key=lambda m: (m.start, m.end))


def _not_credited(text: str, mentions: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """Without the names of photo and video credits ("Photo: Jane Doe/AP", lexicon `credits`)
    and the words that name nothing though NER takes them for names (`not_names`: era names)."""
    spans = [(m.start(), m.end()) for c in lexicon.credits for m in c.finditer(text)]
    return [
        m
        for m in mentions
        if m.label not in lexicon.not_names
        and not any(a <= m.start and m.end <= b for a, b in spans)
    ]


_WORD_RE = re.compile(r"[^\W\d_][\w'’.-]*")


def _headlines(text: str, title: str | None) -> list[tuple[int, int]]:
    """Where the document has headlines: its first line when written in title case ("High-Stakes
    Deal Brewing Behind Closed Doors"), a later short line in title case of four long words or
    more (another article's headline), a line that is its title, and a line in capitals of
    three words or more ("MACRON AND SCHOLZ MEET IN PARIS")."""
    spans = []
    first = True
    wanted = " ".join(title.split()).casefold() if title else None
    offset = 0
    for line in text.split("\n"):
        start, body = offset, line.strip()
        offset += len(line) + 1
        if not body:
            continue
        words = _WORD_RE.findall(body)
        long = [w for w in words if len(w) >= 4]
        shouted = len(words) >= 3 and all(w.isupper() for w in words if w.isalpha())
        capitalised = sum(w[0].isupper() for w in long) >= 0.8 * len(long)
        open_end = not body.endswith((".", "?", "!", ":", ";", ",", '"', "”", "’"))
        titled = open_end and capitalised and (
            (first and len(long) >= 3)
            # another article's headline further down ("Read it at ...", "Related"): a short
            # line of four capitalised words or more, not a list of names
            or (len(long) >= 4 and len(words) <= 14 and body.count(",") <= 1)
        )
        if titled or shouted or (wanted and " ".join(body.split()).casefold() == wanted):
            spans.append((start, start + len(line)))
        first = False
    return spans


def _not_in_headlines(text: str, mentions: list[Mention], title: str | None) -> list[Mention]:
    """Headlines write every word with a capital, and NER reads names in them ("Biden
    Quadruples Tariffs", "Solar Cells"): in a headline only a name the lexicon knows, or one the
    rest of the document also writes (a person's full, first or last name), is kept."""
    spans = _headlines(text, title)
    if not spans:
        return mentions

    def inside(m: Mention) -> bool:
        return any(a <= m.start and m.end <= b for a, b in spans)

    known = set()
    for m in mentions:
        if not inside(m):
            known.add(m.label.casefold())
            if m.type == "Person":
                known.update(w.casefold() for w in m.label.split())
    return [m for m in mentions if not inside(m) or m.key or m.label.casefold() in known]


def _without_trailing_org(mentions: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """A person's name NER ran into the organisation after it ("Jane DOE Associated Press" in a
    byline): the organisation the lexicon knows at its end is cut off, the rest is the person."""
    out = []
    for m in mentions:
        words = m.text.split()
        cut = None
        if m.type == "Person" and m.key is None and len(words) >= 3:
            for k in range(2, len(words)):
                entry = lexicon.lookup(" ".join(words[k:]))
                if entry is not None:
                    cut = k, entry
                    break
        if cut is None:
            out.append(m)
            continue
        k, entry = cut
        head = " ".join(words[:k])
        tail_at = m.start + m.text.index(words[k], len(head))
        out.append(Mention(head, _clean_label(head), "Person", m.start, m.start + len(head)))
        tail = m.text[tail_at - m.start :]
        out.append(entry_mention(entry, tail, tail_at, m.end))
    return out


# Starts only where a word starts (after white space or a hyphen): a match can start nowhere
# else, and without the look-behind the engine would retry every position inside every word.
_HYPHENATED = re.compile(r"(?<![^\s-])[^\s-]+(?:-[^\s-]+)+")


def _token_pass(tokens: Tokens, mentions: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """Mentions NER misses: hyphenated country pairs ("U.S.-China" as one token) and bare
    surnames of people the document names in full ("Trump left at noon").

    Both are found by searching the text, not by walking every token in Python.
    """
    covered = {c for m in mentions for c in range(m.start, m.end)}
    people = [m for m in mentions if m.type == "Person" and " " in m.label]
    # the surname, and a word written in capitals ("MOTEGI Toshimitsu": MOTEGI, the surname in
    # the style of Japanese government readouts, which NER drops when it stands alone)
    capitals = {w for m in people for w in m.text.split() if in_capitals(w)}
    # family names: the last word, a last word without its particle ("Safadi" of "Ayman
    # al-Safadi"), the words from a particle on ("von der Leyen"; "Von der Leyen" opening a
    # sentence)
    families = {f for m in people for f in family_names(m.label.split(), lexicon.particles)}
    particled = {w for f in families if " " in f for w in (f, sentence_form(f))}
    names = sorted(
        {f for f in families if " " not in f} | capitals | particled,
        key=lambda n: (-len(n), n),
    )
    doc, text = tokens.doc, tokens.text
    out: list[Mention] = []
    for match in _HYPHENATED.finditer(text):
        tok = doc.char_span(match.start(), match.end())
        if tok is None or len(tok) != 1 or match.start() in covered or len(tok.text) <= 3:
            continue
        parts = _hyphen_parts(tok, lexicon)
        if len(parts) >= 2:
            out.extend(parts)
    if names:
        for start, end, name in find_names(text, names):
            if start in covered:
                continue
            span = doc.char_span(start, end)
            if span is None:
                continue
            if len(span) > 1:  # a family name with a particle, which NER missed or cut
                if name in particled:
                    out.append(Mention(name, _clean_label(name), "Person", start, end, None,
                                       None, "name-particle"))
                continue
            word = span[0]
            shouted = word.text in capitals  # NER types a lone capitalised surname at random
            if word.pos_ in {"PROPN", "NOUN"} and (shouted or not word.ent_type_):
                out.append(Mention(word.text, word.text, "Person", word.idx, word.idx + len(word)))
    return sorted(out, key=lambda m: m.start)


def _title_references(tokens: Tokens, mentions: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """ "the Treasury Secretary" after "Treasury Secretary Jane Doe": a mention of Jane Doe.

    A title with "the" and no name after it refers to the person the document last gave that
    title to, when exactly one person holds it there (two presidents named: no reference), and
    when a country before the title ("the U.S. president") agrees with the holder's.
    """
    doc = tokens.doc
    by_start = {m.start: m for m in mentions}
    by_end = {m.end: m for m in mentions}
    holders: dict[str, dict[str, str | None]] = {}  # office id -> holder label -> country label
    out: list[Mention] = []
    for span in leftmost_titles(doc.spans.get(TITLES_KEY, [])):
        country = None
        left = span.start
        if left > 0:
            owner = by_end.get(doc[left - 1].idx + len(doc[left - 1]))
            if owner is not None and owner.type == "Country":
                country, left = owner.label, tokens.token_at(owner.start)
        after = _named_after(doc, span.end, by_start)
        if after is not None and after.type == "Person":
            holders.setdefault(span.id_, {})[after.label] = country
            continue
        before = _named_before(doc, left, by_end)
        if before is not None and before.type == "Person":  # "Jane Doe, the Prime Minister,"
            holders.setdefault(span.id_, {})[before.label] = country
            continue
        if left == 0 or doc[left - 1].lower_ != "the":
            continue
        if span.end < len(doc) and doc[span.end].lower_ in {"of", "'s", "’s", "for"}:
            continue  # "the president of the bank": another post than the one named
        known = holders.get(span.id_, {})
        fitting = [h for h, c in known.items() if country is None or c in (None, country)]
        if len(fitting) == 1:
            start = doc[left - 1].idx
            out.append(
                Mention(
                    tokens.text[start : span.end_char],
                    fitting[0],
                    "Person",
                    start,
                    span.end_char,
                    None,
                    None,
                    "title-in-document",
                )
            )
    return out


def _with_particles(tokens: Tokens, mentions: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """Names NER cuts at a particle ("Ursula von der" and a place "Leyen"; "Frans van" and
    "Linden"): the person's name goes on past the particles (lexicon `particles`) to the
    capitalised word after them, and the mentions it covers are dropped."""
    doc = tokens.doc
    longer: dict[int, Mention] = {}
    dropped: set[int] = set()
    for k, m in enumerate(mentions):
        if m.type != "Person" or k in dropped:
            continue
        last = tokens.token_at(m.end - 1)
        j = last + 1
        while j < len(doc) and doc[j].lower_ in lexicon.particles:
            j += 1
        ends_in_particle = doc[last].lower_ in lexicon.particles and last > tokens.token_at(m.start)
        if (j == last + 1 and not ends_in_particle) or j >= len(doc):
            continue
        name = doc[j]
        if not (name.is_alpha and name.is_title):
            continue
        end = name.idx + len(name)
        dropped |= {
            i for i, o in enumerate(mentions) if i != k and m.end <= o.start and o.end <= end
        }
        text = tokens.text[m.start : end]
        longer[k] = Mention(text, _clean_label(text), "Person", m.start, end, None, None,
                            "name-particle")
    return [longer.get(i, m) for i, m in enumerate(mentions) if i not in dropped]


def _with_given_name(
    tokens: Tokens, m: Mention, mentions: list[Mention], in_title: set[int], lexicon: Lexicon
) -> Mention:
    """A person's name NER began at a middle initial ("J. Blinken" of "Secretary of State
    Antony J. Blinken"): the capitalised proper noun right before it, in no title, mention or
    honorific, is the given name."""
    if m.type != "Person" or m.key is not None or not re.fullmatch(r"[A-Z]\.", m.text.split()[0]):
        return m
    i = tokens.token_at(m.start) - 1
    doc = tokens.doc
    if i < 0 or i in in_title or doc[i].whitespace_ == "":
        return m
    given = doc[i]
    if not (given.is_alpha and given.is_title and given.pos_ == "PROPN") or given.is_sent_start:
        return m
    if given.text in lexicon.honorifics or any(o.start <= given.idx < o.end for o in mentions):
        return m
    text = tokens.text[given.idx : m.end]
    return Mention(text, _clean_label(text), "Person", given.idx, m.end, None, None,
                   "given-name-before-initial")


_HYPHEN_END = re.compile(r"-[^\W\d_]+(?![\w-])")


def _with_hyphenated_end(tokens: Tokens, m: Mention) -> Mention:
    """A name NER cut at a hyphen ("Moon" of "Moon Jae-in"): a person's name goes on over
    "Word-word" joined to it, the way Korean given names are written."""
    if m.type != "Person" or m.key is not None:
        return m
    text = tokens.text
    nxt = re.match(r" ([A-Z][^\W\d_]*)(?=-)", text[m.end : m.end + 40])
    if nxt is None:
        return m
    tail = _HYPHEN_END.match(text, m.end + nxt.end())
    if tail is None or not tail.group()[1:2].islower():
        return m
    end = tail.end()
    return Mention(text[m.start : end], _clean_label(text[m.start : end]), "Person", m.start, end,
                   None, None, m.resolved_by)


def in_capitals(word: str) -> bool:
    """A name word written in capitals ("TAKAICHI"), not an initialism ("JD", "EU") or a
    regnal number ("Charles III")."""
    return len(word) >= 3 and word.isalpha() and word.isupper() and not _ROMAN.fullmatch(word)


def _with_capitals(tokens: Tokens, m: Mention, mentions: list[Mention]) -> Mention:
    """A person's name with the surname in capitals that NER left out ("Ms. Sanae TAKAICHI":
    the style of Japanese government readouts), labelled in ordinary case ("Sanae Takaichi",
    "Motegi Toshimitsu"); the text stays as written."""
    doc = tokens.doc
    end_tok = tokens.token_at(m.end - 1) + 1
    nxt = doc[end_tok] if end_tok < len(doc) else None
    end = m.end
    if (
        nxt is not None
        and nxt.idx == m.end + 1
        and nxt.pos_ == "PROPN"
        and in_capitals(nxt.text)
        and not any(o.start <= nxt.idx < o.end for o in mentions)
    ):
        end = nxt.idx + len(nxt)
    text = tokens.text[m.start : end]
    words = text.split()
    if end == m.end and not any(in_capitals(w) for w in words):
        return m
    # a name all in capitals (a byline's "JANE DOE") is labelled in ordinary case too
    label = " ".join(w.title() if in_capitals(w) else w for w in m.label.split())
    if end != m.end:
        label += " " + doc[end_tok].text.title()
    return Mention(text, label, m.type, m.start, end, m.wikidata, m.key, m.resolved_by)


def _named_after(doc: Doc, end: int, by_start: dict[int, Mention]) -> Mention | None:
    """The mention right after a title ("Prime Minister Jane Doe"), or between commas after it
    ("the Prime Minister, Jane Doe, said")."""
    if end >= len(doc):
        return None
    if doc[end].text != ",":
        return by_start.get(doc[end].idx)
    m = by_start.get(doc[end + 1].idx) if end + 1 < len(doc) else None
    if m is None:
        return None
    close = next((t for t in doc[end + 1 :] if t.idx >= m.end), None)
    return m if close is None or close.text in {",", ".", ";", ")"} else None


def _named_before(doc: Doc, left: int, by_end: dict[int, Mention]) -> Mention | None:
    """The name a title is in apposition to ("Jane Doe, Prime Minister of P,", "Jane Doe,
    the Prime Minister,")."""
    i = left - 1
    if i >= 0 and doc[i].lower_ == "the":
        i -= 1
    if i < 1 or doc[i].text != ",":
        return None
    return by_end.get(doc[i - 1].idx + len(doc[i - 1]))


def _attached_by_hyphen(ent: Span) -> bool:
    """A name glued to a neighbour by a hyphen ("Trump-Xi", "Mar-a-Lago", "U.S.-China")."""
    doc = ent.doc
    before = (
        ent.start > 0
        and doc[ent.start - 1].text in {"-", "–"}
        and not doc[ent.start - 1].whitespace_
    )
    after = (
        ent.end < len(doc) and doc[ent.end].text in {"-", "–"} and not doc[ent.end - 1].whitespace_
    )
    return before or after or ("-" in ent.text and ent.label_ in {"GPE", "NORP"})


def _hyphen_parts(ent: Span, lexicon: Lexicon) -> list[Mention]:
    """Lexicon entities inside a hyphenated compound: "U.S.-China" names both countries."""
    out = []
    offset = ent.start_char
    for part in ent.text.split("-"):
        entry = lexicon.lookup(part)
        if entry is not None and part:
            out.append(entry_mention(entry, part, offset, offset + len(part)))
        offset += len(part) + 1
    return out


def _shouted(ent: Span) -> bool:
    """An upper-case abbreviation inside upper-case text ("A DEAL WITH US"): a word, not a name."""
    doc = ent.doc
    words = [t for t in doc[max(ent.start - 3, 0) : ent.start] if t.is_alpha]
    words += [t for t in doc[ent.end : ent.end + 3] if t.is_alpha]
    return bool(words) and all(t.is_upper and len(t) > 1 for t in words)


def _dateline_city(ent: Span) -> bool:
    """ "LA MALBAIE, Quebec, June 8 --": an upper-case name opening a line, then a comma."""
    doc = ent.doc
    at_line_start = ent.start == 0 or "\n" in doc[ent.start - 1].text_with_ws
    followed = ent.end < len(doc) and doc[ent.end].text in {",", "(", "-", "--", "—", "–"}
    return at_line_start and followed and ent.text.isupper() and len(ent.text) > 3


def _mention_from_ent(ent: Span, lexicon: Lexicon, in_title: set[int]) -> Mention | None:
    """The mention an NER entity makes, or None when it names nothing (a shouted word).

    A dateline city and an entity the lexicon rulers tagged are taken whole; otherwise the name,
    trimmed of articles and titles, is looked up in the lexicon, then typed by its NER label.
    """
    if _shouted_abbreviation(ent):
        return None
    whole = _dateline_place(ent) or _tagged_entry(ent, lexicon)
    if whole is not None:
        return whole
    span = _trim(ent, lexicon, in_title if ent.label_ == "PERSON" else set())
    if span is None:
        return None
    label = ent.label_
    if label == "PERSON" and _employer(span, in_title):
        label = "ORG"
    return _known_name(span, lexicon) or _typed_by_label(label, span, lexicon)


def _employer(span: Span, in_title: set[int]) -> bool:
    """ "Managing Director at Example Tech Hub": a name after a title and "at" is where the
    title is held, an organisation, though NER calls it a person."""
    doc = span.doc
    before = [t.i for t in reversed(doc[max(span.start - 4, 0) : span.start]) if not t.is_space]
    possessive = span.end < len(doc) and doc[span.end].lower_ in {"'s", "’s"}
    return (
        len(before) >= 2
        and doc[before[0]].lower_ == "at"
        and before[1] in in_title
        and not possessive
    )


def _name_after_title(ent: Span, in_title: set[int], lexicon: Lexicon) -> Mention | None:
    """A person's name NER joined to the end of the title before it as one organisation
    ("Secretary of Commerce Gina Raimondo": ORG "Commerce Gina Raimondo"): the one to three
    capitalised proper nouns after the title's words are the person ("EVP Jane Doe",
    "Commissioner Doe" as an ORG), unless a word of them names an organisation ("Ministry")."""
    if ent.label_ != "ORG" or ent.start not in in_title:
        return None
    start = ent.start
    while start < ent.end and start in in_title:
        start += 1
    rest = ent.doc[start : ent.end]
    if not 1 <= len(rest) <= 3 or not all(
        t.pos_ == "PROPN" and t.is_alpha and t.text[0].isupper() for t in rest
    ):
        return None
    if _type_from_name(rest.text, lexicon) or lexicon.lookup(rest.text) is not None:
        return None
    return _person(rest)


def _shouted_abbreviation(ent: Span) -> bool:
    """ "US" in "A DEAL WITH US": a short upper-case word inside upper-case text."""
    written = ent.text
    return written.isupper() and len(written) <= 4 and _shouted(ent)


def _dateline_place(ent: Span) -> Mention | None:
    """Where the reporter filed from: a place, never an actor of the story."""
    if ent.label_ in {"GPE", "ORG", "PERSON", "LOC", "FAC", "NORP"} and _dateline_city(ent):
        written = ent.text
        return Mention(written, written.title(), "Place", ent.start_char, ent.end_char)
    return None


def _tagged_entry(ent: Span, lexicon: Lexicon) -> Mention | None:
    """The lexicon entry a ruler tagged the entity with (its ``ent_id_``), if still known."""
    entry = lexicon.entries.get(ent.ent_id_) if ent.ent_id_ else None
    if entry is None:
        return None
    return entry_mention(entry, ent.text, ent.start_char, ent.end_char)


def _known_name(span: Span, lexicon: Lexicon) -> Mention | None:
    """The lexicon entry of the trimmed name, if it has one."""
    entry = lexicon.lookup(span.text)
    if entry is None:
        return None
    return entry_mention(entry, span.text, span.start_char, span.end_char)


def _typed_by_label(label: str, span: Span, lexicon: Lexicon) -> Mention | None:
    """A name the lexicon does not know, typed by its NER label: a person, place or organisation."""
    if label == "PERSON":
        if span[-1].lower_ in lexicon.gathering_words:
            return None
        return _person(span, lexicon.particles)
    if label in {"GPE", "LOC", "FAC"}:
        return _place(span)
    return _organization(label, span, lexicon)


def _person(span: Span, particles: frozenset[str] = frozenset()) -> Mention | None:
    """A person NER found, unless the name cannot be one (digits, shouting, too long)."""
    text = span.text
    if not _plausible_person(span, particles):
        return None
    return Mention(text, _clean_label(text), "Person", span.start_char, span.end_char)


def _place(span: Span) -> Mention | None:
    """A place NER found, unless it is a shouted word."""
    text = span.text
    if text.isupper() and (len(text) > 3 or len(text) <= 2):  # "TOTALLY", "AI": not places
        return None
    return Mention(text, _clean_label(text), "Place", span.start_char, span.end_char)


def _organization(label: str, span: Span, lexicon: Lexicon) -> Mention | None:
    """An ORG, or a PRODUCT a descriptor before it calls an organisation ("consultancy X")."""
    text = span.text
    descriptor = _descriptor_type(span, lexicon)
    if not (label == "ORG" or (label == "PRODUCT" and descriptor)):
        return None
    if text.isupper() and (len(text) > 5 or len(text) <= 2) and " " not in text:
        return None  # shouted words and two-letter abbreviations the lexicon does not know
    if _NOT_ONE_NAME.search(text):
        return None  # "UrduPoint News / Sputnik - 19th": a dateline's sources and date
    if text in lexicon.honorifics or text.split()[-1].lower() in _EVENT_ENDS:
        return None  # "H.E." alone; "the Japan-China Summit Meeting" is an event, not a body
    etype = descriptor or _type_from_name(text, lexicon) or "Organization"
    return Mention(text, _clean_label(text), etype, span.start_char, span.end_char)


def _trim(ent: Span, lexicon: Lexicon, in_title: set[int]) -> Span | None:
    """Drop leading articles, titles and honorifics, trailing possessives and punctuation."""
    start, end = ent.start, ent.end
    doc = ent.doc
    person = ent.label_ == "PERSON"
    # a name never runs across a line break ("...underway: Dombrovskis\n\nValdis")
    end = next((t.i for t in doc[start:end] if t.is_space and "\n" in t.text), end)
    while start < end and (
        doc[start].is_space
        or doc[start].lower_ in {"the", "a", "an"}
        or doc[start].text in _QUOTES
        or doc[start].text in {"-", "–", "—", ",", "."}
        or (person and start in in_title)
        or (person and doc[start].text in lexicon.honorifics)
        or (person and lexicon.country_of_demonym(doc[start].text) is not None)
    ):
        start += 1
    while end > start and (
        doc[end - 1].is_space
        or doc[end - 1].text in {"'s", "’s", "'", "’", ",", ".", "-", "—"}
        or doc[end - 1].text in _QUOTES
    ):
        end -= 1
    if start >= end:
        return None
    return doc[start:end]


def _plausible_person(span: Span, particles: frozenset[str] = frozenset()) -> bool:
    """A name of at most five words; particles and hyphens are not words of their own
    ("Faisal bin Farhan Al-Saud" has four)."""
    text = span.text
    words = [t for t in span if t.text not in {"-", "–"} and t.lower_ not in particles]
    if any(ch.isdigit() for ch in text) or "@" in text or len(words) > 5:
        return False
    if len(span) == 1 and text.isupper():  # "NICE", "TRADE": shouting; "CV": initials
        return False
    return any(tok.text[:1].isupper() for tok in span)


def _clean_label(text: str) -> str:
    text = " ".join(text.split())
    return _POSSESSIVE.sub("", text) if text.endswith(("'s", "’s")) else text


def _descriptor_type(span: Span, lexicon: Lexicon) -> str | None:
    """Entity type told by a descriptor just before the name ("consultancy Teneo")."""
    i = span.start - 1
    while i >= 0 and span.doc[i].lower_ in {"the", "a", "an"}:
        i -= 1
    if i >= 0:
        return lexicon.descriptors.get(span.doc[i].lower_)
    return None


def _type_from_name(text: str, lexicon: Lexicon) -> str | None:
    """Entity type told by a descriptor word in the name ("... Institute", "Ministry of ...")."""
    for word in reversed(text.split()):
        etype = lexicon.descriptors.get(word.lower())
        if etype:
            return etype
    return None


def _distinguished(tokens: Tokens, mentions: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """ "President Obama and Mrs. Obama": a one-word person name after a distinguishing
    honorific (lexicon `distinguishing_honorifics`), in a sentence that names another person
    of that surname without it, is another person, named with the honorific ("Mrs. Obama")
    wherever the document writes it so."""
    doc = tokens.doc
    honorific: dict[int, str] = {}  # mention start -> the distinguishing honorific before it
    for m in mentions:
        if m.type != "Person" or " " in m.label or m.key is not None:
            continue
        i = tokens.token_at(m.start)
        if i > 0 and doc[i - 1].text in lexicon.distinguishing:
            honorific[m.start] = doc[i - 1].text
    if not honorific:
        return mentions
    split: set[str] = set()
    for m in mentions:
        if m.start not in honorific:
            continue
        sent = doc[tokens.token_at(m.start)].sent
        if any(
            o.type == "Person"
            and o.start not in honorific
            and o.label.split()[-1] == m.label
            and sent.start_char <= o.start < sent.end_char
            for o in mentions
        ):
            split.add(m.label)
    return [
        Mention(m.text, f"{honorific[m.start]} {m.label}", m.type, m.start, m.end, None, None,
                "honorific-distinguishes")
        if m.start in honorific and m.label in split
        else m
        for m in mentions
    ]


def _resolve_people(mentions: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """Give short person names their full form and re-type mislabelled surnames."""
    singles = {m.label for m in mentions if m.type == "Person" and " " not in m.label}
    mentions = [_place_as_person(m, singles) for m in mentions]
    full = [  # "Mrs. Obama" (_distinguished) is nobody's full name
        m
        for m in mentions
        if m.type == "Person" and " " in m.label and m.resolved_by != "honorific-distinguishes"
    ]
    full_names = Counter(m.label for m in full)
    first_seen: dict[str, int] = {}
    for m in full:
        first_seen.setdefault(m.label, m.start)
    # the full names each short form can stand for, looked up rather than compared with every
    # full name (a document naming thousands of people stays linear)
    ends: dict[str, list[str]] = defaultdict(list)
    middles: dict[str, list[str]] = defaultdict(list)
    for n in full_names:
        parts = n.split()
        for form in {parts[0].casefold(), *_surnames(n, lexicon.particles)}:
            ends[form].append(n)
        for w in {w.casefold() for w in parts[1:-1]}:
            middles[w].append(n)
    out: list[Mention] = []
    for m in mentions:
        short = " " not in m.label or _particle_name(m.label, lexicon.particles)
        if short and m.key is None and m.type in {"Person", "Organization", "Place"}:
            key = m.label.casefold()
            candidates = [
                n for n in ends.get(key, ()) if _abbreviates(m.label, n, lexicon.particles)
            ]
            if not candidates:  # a middle name, for the one full name it fits
                middle = [
                    n for n in middles.get(key, ()) if _middle_of(m.label, n, lexicon.particles)
                ]
                candidates = middle if len(middle) == 1 else []
            if candidates:
                best = min(candidates, key=lambda n: (-full_names[n], first_seen[n], n))
                reason = "surname-in-document" if len(candidates) == 1 else "most-named-in-document"
                m = Mention(m.text, best, "Person", m.start, m.end, None, None, reason)
        out.append(m)
    return out


def _place_as_person(m: Mention, singles: set[str]) -> Mention:
    """ "Yang Jiechi" taken for a place where the document also names "Yang" as a person: a
    name of two or three capitalised words that no lexicon entry knows, whose first or last
    word is a one-word person name of the document, is that person."""
    parts = m.label.split()
    if m.type != "Place" or m.key is not None or not 2 <= len(parts) <= 3:
        return m
    if not all(p[:1].isupper() and p.isalpha() for p in parts):
        return m
    if parts[0] not in singles and parts[-1] not in singles:
        return m
    return Mention(m.text, m.label, "Person", m.start, m.end, None, None, "person-name-in-document")


def _particle_name(label: str, particles: frozenset[str]) -> bool:
    """A family name that starts with a particle ("Le Pen", "Von der Leyen", "bin Salman")."""
    words = label.split()
    return 2 <= len(words) <= 4 and words[0].lower() in particles and words[-1][:1].isupper()


def _surnames(full: str, particles: frozenset[str]) -> set[str]:
    """The family names a full name can be shortened to (kg.names.family_names), case-folded."""
    return {f.casefold() for f in family_names(full.split(), particles)}


def _abbreviates(short: str, full: str, particles: frozenset[str] = frozenset()) -> bool:
    """``short`` is the first or family name of ``full`` ("Smith", "Xi" of "Xi Jinping",
    "Le Pen" of "Marine Le Pen", "Al-Safadi" of "Ayman al-Safadi"), also written in capitals."""
    parts = full.split()
    if len(parts) < 2 or len(short.split()) >= len(parts):
        return False
    folded = short.casefold()
    return folded == parts[0].casefold() or folded in _surnames(full, particles)


def _middle_of(short: str, full: str, particles: frozenset[str]) -> bool:
    """``short`` is a middle name of ``full`` ("Lula" of "Luiz Inácio Lula da Silva"), not an
    initial or a particle."""
    middle = full.split()[1:-1]
    return len(short) > 2 and short.casefold() in {
        w.casefold() for w in middle if w.lower() not in particles and not w.endswith(".")
    }

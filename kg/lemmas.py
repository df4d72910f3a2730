"""English inflection for rule files that name words by lemma.

Rule files list trigger verbs and nouns by lemma ("meet", "phone call"); :func:`forms` gives
every form a match should accept: regular inflection (meets, meeting, phoned; calls) generated
by rule, irregular verb forms (met, held, sworn) from ontology/lexicon/irregular_verbs.yaml. The
generation may give forms that are not words ("meeted", "visitted"): they never match, so
over-generating is safe, missing a form is not (tests/test_lemmas.py checks the forms against the
spaCy model's own lemmatizer tables). Matching stays on the words as written, so the pipeline
needs no lemmatizer.
"""

from __future__ import annotations

import functools

from kg.resources import load_yaml

_VOWELS = frozenset("aeiou")
_SIBILANT_ENDS = ("s", "x", "z", "ch", "sh")


@functools.cache
def _irregular() -> dict[str, tuple[str, ...]]:
    data = load_yaml("lexicon/irregular_verbs.yaml") or {}
    return {str(k): tuple(str(f) for f in v) for k, v in data["irregular_verbs"].items()}


def _syllables(word: str) -> int:
    return sum(
        1 for i, ch in enumerate(word) if ch in _VOWELS and (i == 0 or word[i - 1] not in _VOWELS)
    )


def _final_consonant_doubles(word: str) -> bool:
    """A final consonant after one short vowel, which may double before -ed/-ing ("plan" ->
    "planned", "travel" -> "travelled")."""
    return (
        len(word) >= 3
        and word[-1] not in _VOWELS | {"w", "x", "y"}
        and word[-2] in _VOWELS
        and word[-3] not in _VOWELS
    )


def verb_forms(lemma: str) -> frozenset[str]:
    """Every form of a one-word verb: base, -s, -ed, -ing and irregular forms."""
    w = lemma.lower()
    out = {w, *_irregular().get(w, ())}
    if w.endswith("y") and len(w) > 1 and w[-2] not in _VOWELS:
        out |= {w[:-1] + "ies", w[:-1] + "ied", w + "ing"}  # apply, applies, applied, applying
        return frozenset(out)
    if w.endswith(_SIBILANT_ENDS) or w.endswith("o"):
        out.add(w + "es")  # address, addresses; veto, vetoes (and vetos)
    if not w.endswith(_SIBILANT_ENDS):
        out.add(w + "s")
    if w.endswith("ie"):
        out |= {w + "d", w[:-2] + "ying"}  # tie, tied, tying
    elif w.endswith(("ee", "oe", "ye")):
        out |= {w + "d", w + "ing"}  # agree, agreed, agreeing
    elif w.endswith("e"):
        out |= {w + "d", w[:-1] + "ing"}  # phone, phoned, phoning
    elif _final_consonant_doubles(w):
        # one syllable always doubles (tap, tapped); longer words may (travel, travelled;
        # visit, visited): both spellings, since a form that is no word never matches
        out |= {w + w[-1] + "ed", w + w[-1] + "ing"}
        if _syllables(w) > 1:
            out |= {w + "ed", w + "ing"}
    else:
        out |= {w + "ed", w + "ing"}
    return frozenset(out)


def noun_forms(lemma: str) -> frozenset[str]:
    """Singular and plural of a one-word noun."""
    w = lemma.lower()
    if w.endswith(_SIBILANT_ENDS):
        return frozenset({w, w + "es"})
    if w.endswith("y") and len(w) > 1 and w[-2] not in _VOWELS:
        return frozenset({w, w[:-1] + "ies"})
    return frozenset({w, w + "s"})


def forms(phrase: str, pos: str) -> frozenset[str]:
    """Every form of a trigger phrase: a verb phrase inflects its first word ("go up" ->
    "went up"), a noun phrase its last ("phone call" -> "phone calls"); ``pos`` is "verb" or
    "noun". A phrase written in a form of its own (an already plural "talks") is kept as it is."""
    words = phrase.lower().split()
    if not words:
        return frozenset()
    if pos == "verb":
        return frozenset(" ".join([f, *words[1:]]) for f in verb_forms(words[0]))
    if pos == "noun":
        return frozenset(" ".join([*words[:-1], f]) for f in noun_forms(words[-1]))
    raise ValueError(f"forms: pos must be 'verb' or 'noun', not {pos!r}")

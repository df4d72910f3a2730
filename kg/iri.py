"""The one function that mints entity, fact and evidence IRIs.

An IRI is ``{base}{kind}/{slug}-{hash}``: a readable ASCII slug of the label and a short hash
of the normalised key. Minting is deterministic (same key, same IRI), so merging facts is a set
union and a rerun is idempotent. Keys are NFC-normalised first, so NFC and NFD spellings of a
name give one IRI.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from kg.vocab import DEFAULT_BASE

_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
_KIND = re.compile(r"^[a-z][a-z0-9/_-]*$")
SLUG_MAX = 48
HASH_LEN = 12


def normalise_key(text: str) -> str:
    """NFC, case-folded, whitespace-collapsed form of a key; stable across spellings."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def slugify(text: str) -> str:
    """ASCII slug of a label: accents folded, other characters dropped, at most SLUG_MAX chars."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_CHARS.sub("-", folded.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-")


def key_hash(key: str, fold_case: bool = True) -> str:
    text = normalise_key(key) if fold_case else unicodedata.normalize("NFC", key)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LEN]


def mint_iri(
    kind: str,
    key: str,
    label: str | None = None,
    base: str = DEFAULT_BASE,
    *,
    fold_case: bool = True,
) -> str:
    """IRI for a thing of ``kind`` (``person``, ``fact/office``...) identified by ``key``.

    Keys are case-folded by default (names differ in case from source to source); records
    whose identity is the exact spelling ("XI" and "Xi" as two surface forms) pass
    ``fold_case=False``.
    """
    if not _KIND.match(kind):
        raise ValueError(f"IRI kind {kind!r} must be lower-case ASCII path segments")
    slug = slugify(label if label is not None else key)
    digest = key_hash(key, fold_case)
    return f"{base}{kind}/{slug}-{digest}" if slug else f"{base}{kind}/{digest}"


def document_key(doc_id: str) -> str:
    """What makes two document ids one: NFC, case-folded, runs of whitespace as one space,
    ends stripped (``AB-1`` and ``ab-1``, ``a b`` and ``a  b``, NFC and NFD ``émigré``). The
    document and graph IRIs hash this key; kg.ingest refuses a second document with a key
    already used."""
    return normalise_key(doc_id)


def doc_iri(doc_id: str, base: str = DEFAULT_BASE) -> str:
    """IRI of a document: readable when its id is a safe slug, hashed otherwise (the hash is
    of ``document_key(doc_id)``)."""
    return mint_iri("doc", doc_id, doc_id, base)


def doc_graph_iri(doc_id: str, base: str = DEFAULT_BASE) -> str:
    """IRI of the named graph holding one document's facts and evidence."""
    return mint_iri("graph/doc", doc_id, doc_id, base)


def meta_graph_iri(base: str = DEFAULT_BASE) -> str:
    return f"{base}graph/meta"

"""``evaluate``: score a build (facts.jsonl, entities.jsonl) against a gold file and its corpus."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from kg.evaluate.compare import Comparison, compare
from kg.evaluate.gold import FACT_KINDS, EvalError, GoldItem, GoldSet, load_gold
from kg.evaluate.index import NameIndex
from kg.evaluate.names import normalise_name
from kg.evaluate.report import (
    BadSpan,
    ConflictCheck,
    EvalReport,
    Extra,
    KindScore,
    Match,
    Miss,
    Provenance,
    ProvenanceSummary,
    describe_fact,
)
from kg.export.records import jsonl_lines
from kg.ingest import InputWarning, read_documents

Location = tuple[str, int, int]  # doc, start, end


def evaluate(gold_path: str | Path, corpus_dir: str | Path, build_dir: str | Path) -> EvalReport:
    """Score the facts of ``build_dir`` against the gold file, per kind, with provenance checks.

    ``corpus_dir`` holds the articles the build was made from (document id = file stem); it is
    read as ``kg build`` reads it, so that source offsets and gold quotes can be checked.
    Raises ``EvalError`` when a file is missing or malformed.
    """
    gold = load_gold(gold_path)
    problems: list[str] = []
    texts = load_corpus(corpus_dir, problems)
    facts, entities = load_build(build_dir, problems)
    index = NameIndex(gold.org_groups, entities, gold.person_groups)
    locations = {id(item): locate_quote(item, texts, problems) for item in gold.items}

    matches: list[Match] = []
    misses: list[Miss] = []
    extras: list[Extra] = []
    scores: list[KindScore] = []
    details: dict[str, dict[str, int]] = defaultdict(lambda: {"ok": 0, "total": 0})
    conflicts = ConflictCheck()
    for kind in FACT_KINDS:
        golds = [g for g in gold.items if g.kind == kind]
        preds = [f for f in facts if f.get("kind") == kind]
        table = {
            (gi, pi): compare(g, f, index)
            for gi, g in enumerate(golds)
            for pi, f in enumerate(preds)
        }
        pairs = _assign(golds, preds, table, locations)
        for gi, pi in pairs:
            g, f, comparison = golds[gi], preds[pi], table[gi, pi]
            match = _match(g, f, comparison, locations[id(g)])
            matches.append(match)
            for check in comparison.details:
                details[f"{kind}.{check.field}"]["total"] += 1
                details[f"{kind}.{check.field}"]["ok"] += check.ok
        matched_gold = {gi for gi, _ in pairs}
        matched_pred = {pi for _, pi in pairs}
        for gi, g in enumerate(golds):
            if gi not in matched_gold:
                misses.append(
                    _miss(
                        g,
                        preds,
                        [table[gi, pi] for pi in range(len(preds))],
                        matched_pred,
                        locations[id(g)],
                    )
                )
        for pi, f in enumerate(preds):
            if pi not in matched_pred:
                extras.append(_extra(f))
        scores.append(KindScore.of(kind, len(golds), len(preds), len(pairs)))
        if kind == "office":
            conflicts = _conflicts(golds, pairs, preds)
    person_score, person_extras = _people(gold, entities, index)
    scores.append(person_score)
    overall = KindScore.of(
        "all facts",
        sum(s.gold for s in scores if s.kind != "person"),
        sum(s.predicted or 0 for s in scores if s.kind != "person"),
        sum(s.tp for s in scores if s.kind != "person"),
    )
    unscored: dict[str, int] = defaultdict(int)
    for fact in facts:
        if fact.get("kind") not in FACT_KINDS:
            unscored[str(fact.get("kind"))] += 1
    return EvalReport(
        gold_path=str(gold_path),
        corpus_dir=str(corpus_dir),
        build_dir=str(build_dir),
        scores=scores,
        overall=overall,
        conflicts=conflicts,
        provenance=_provenance(matches, facts, texts),
        details=dict(details),
        matches=matches,
        misses=misses,
        extras=extras,
        person_extras=person_extras,
        unscored=dict(unscored),
        problems=problems,
    )


def load_corpus(corpus_dir: str | Path, problems: list[str]) -> dict[str, str]:
    """Document id -> text, read as the build reads it (front matter removed, HTML extracted)."""
    folder = Path(corpus_dir)
    if not folder.is_dir():
        raise EvalError(
            f"{folder}: corpus folder not found; pass the folder the build was made from"
        )

    def note(warning: InputWarning) -> None:
        problems.append(f"corpus: {warning}")

    return {doc.id: doc.text for doc in read_documents([folder], on_warning=note)}


def load_build(
    build_dir: str | Path, problems: list[str]
) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    """The records of facts.jsonl and, by id, of entities.jsonl (optional) in ``build_dir``."""
    folder = Path(build_dir)
    facts_path = folder / "facts.jsonl"
    if not facts_path.is_file():
        raise EvalError(f"{facts_path}: not found; run `kg build` with this output folder first")
    facts = _read_jsonl(facts_path)
    entities_path = folder / "entities.jsonl"
    entities: dict[str, dict[str, Any]] = {}
    if entities_path.is_file():
        entities = {str(e.get("id")): e for e in _read_jsonl(entities_path)}
    else:
        problems.append(
            f"{entities_path}: not found; names are matched on fact labels only,"
            " and people are not scored"
        )
    return facts, entities


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    records = []
    for number, line in jsonl_lines(path):
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise EvalError(
                f"{path}:{number}: not valid JSON ({exc.msg}); rebuild the file"
            ) from exc
        if not isinstance(record, dict):
            raise EvalError(f"{path}:{number}: expected a JSON object, got {record!r}")
        records.append(record)
    return records


def _loose_pattern(quote: str) -> re.Pattern[str]:
    """The quote with any whitespace run, quote mark or dash standing for any of its kind."""
    parts = []
    for token in re.findall(r"\s+|.", quote, flags=re.DOTALL):
        if token.isspace():
            parts.append(r"\s+")
        elif token in "'‘’":
            parts.append("['‘’]")
        elif token in '"“”':
            parts.append('["“”]')
        elif token in "-–—":
            parts.append("[-–—]")
        else:
            parts.append(re.escape(token))
    return re.compile("".join(parts))


def locate_quote(item: GoldItem, texts: Mapping[str, str], problems: list[str]) -> Location | None:
    """Where the gold quote stands in the first of its documents that holds it (exactly, else
    up to whitespace and typographic quote marks)."""
    for doc in item.docs:
        if doc in texts and (start := texts[doc].find(item.quote)) >= 0:
            return doc, start, start + len(item.quote)
    pattern = _loose_pattern(item.quote)
    for doc in item.docs:
        if doc in texts and (found := pattern.search(texts[doc])):
            return doc, found.start(), found.end()
    missing = [d for d in item.docs if d not in texts]
    if missing:
        problems.append(f"gold {item.where}: documents {missing} are not in the corpus")
    problems.append(f"gold {item.where}: quote {item.quote!r} not found in {item.docs}")
    return None


def _source_docs(fact: Mapping[str, Any]) -> list[str]:
    return sorted({str(s.get("doc")) for s in fact.get("sources") or [] if isinstance(s, Mapping)})


def _covers(fact: Mapping[str, Any], where: Location | None) -> bool | None:
    if where is None:
        return None
    doc, start, end = where
    return any(
        isinstance(s, Mapping)
        and s.get("doc") == doc
        and isinstance(s.get("start"), int)
        and isinstance(s.get("end"), int)
        and s["start"] < end
        and start < s["end"]
        for s in fact.get("sources") or []
    )


def _assign(
    golds: Sequence[GoldItem],
    preds: Sequence[Mapping[str, Any]],
    table: Mapping[tuple[int, int], Comparison],
    locations: Mapping[int, Location | None],
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of compatible pairs, best score first."""
    ranked = []
    for (gi, pi), comparison in table.items():
        if not comparison.matched:
            continue
        g, f = golds[gi], preds[pi]
        gold_docs, pred_docs = set(g.docs), set(_source_docs(f))
        if pred_docs and not gold_docs & pred_docs:
            continue  # a fact no document of the gold item states is not that item
        jaccard = len(gold_docs & pred_docs) / len(gold_docs | pred_docs) if pred_docs else 0.0
        done = [c.ok for c in comparison.details]
        score = (
            len(comparison.core)
            + comparison.overlap
            + jaccard
            + (sum(done) / len(done) if done else 1.0)
            + (0.5 if _covers(f, locations[id(g)]) else 0.0)
        )
        ranked.append((-score, gi, str(f.get("id")), pi))
    pairs, used_gold, used_pred = [], set(), set()
    for _, gi, _, pi in sorted(ranked):
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


def _spans_exact(fact: Mapping[str, Any], texts: Mapping[str, str]) -> bool:
    return all(_span_problem(s, texts) is None for s in fact.get("sources") or [])


def _span_problem(source: Any, texts: Mapping[str, str]) -> str | None:
    if not isinstance(source, Mapping):
        return "source is not an object"
    text = texts.get(str(source.get("doc")))
    start, end, quote = source.get("start"), source.get("end"), source.get("quote")
    if text is None:
        return "document not in the corpus"
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text)):
        return f"offsets out of range (document has {len(text)} characters)"
    if text[start:end] != quote:
        return f"text[start:end] is {text[start:end]!r}, not the quote {quote!r}"
    return None


def _match(
    g: GoldItem, f: Mapping[str, Any], comparison: Comparison, where: Location | None
) -> Match:
    pred_docs = _source_docs(f)
    missing = [d for d in g.docs if d not in pred_docs]
    provenance = Provenance(
        gold_docs=list(g.docs),
        predicted_docs=pred_docs,
        missing_docs=missing,
        doc_recall=(len(g.docs) - len(missing)) / len(g.docs) if g.docs else 1.0,
        spans_exact=False,  # filled in by _provenance, which has the texts
        quote_covered=_covers(f, where),
    )
    return Match(
        g.kind,
        g.label,
        g.where,
        str(f.get("id")),
        provenance,
        {c.field: c.ok for c in comparison.details},
        g.contested,
        [str(x) for x in f.get("conflicts_with") or []],
    )


def _miss(
    g: GoldItem,
    preds: Sequence[Mapping[str, Any]],
    comparisons: Sequence[Comparison],
    matched_pred: set[int],
    where: Location | None,
) -> Miss:
    miss = Miss(
        g.kind,
        g.label,
        g.where,
        g.quote,
        list(g.docs),
        f"{where[0]}:{where[1]}-{where[2]}" if where else None,
    )
    best = max(
        range(len(preds)),
        key=lambda pi: (
            comparisons[pi].core[0].ok if comparisons[pi].core else False,
            comparisons[pi].core_ok,
            pi not in matched_pred,
            len(set(g.docs) & set(_source_docs(preds[pi]))),
        ),
        default=None,
    )
    # A candidate is "nearest" only if it agrees on the first field (holder, imposer, event type,
    # person, author, value): otherwise the differences would say nothing useful.
    if best is not None and comparisons[best].core and comparisons[best].core[0].ok:
        miss.nearest = str(preds[best].get("id"))
        miss.differences = [c.describe() for c in comparisons[best].core if not c.ok]
        if not miss.differences:  # the nearest candidate matched a better-fitting gold item
            miss.differences = ["taken by another gold item"]
    return miss


def _extra(f: Mapping[str, Any]) -> Extra:
    sources = [s for s in f.get("sources") or [] if isinstance(s, Mapping)]
    first = sources[0] if sources else {}
    return Extra(
        str(f.get("kind")), str(f.get("id")), describe_fact(f), first.get("doc"), first.get("quote")
    )


def _conflicts(
    golds: Sequence[GoldItem], pairs: Sequence[tuple[int, int]], preds: Sequence[Mapping[str, Any]]
) -> ConflictCheck:
    check = ConflictCheck(expected=sum(g.contested for g in golds))
    by_gold = dict(pairs)
    for gi, g in enumerate(golds):
        if not g.contested:
            continue
        fact = preds[by_gold[gi]] if gi in by_gold else None
        flagged = bool(fact and fact.get("conflicts_with"))
        check.matched += fact is not None
        check.flagged += flagged
        check.items.append(
            {
                "gold": g.label,
                "fact_id": fact.get("id") if fact else None,
                "conflicts_with": list(fact.get("conflicts_with") or []) if fact else [],
                "flagged": flagged,
            }
        )
    return check


def _people(
    gold: GoldSet, entities: Mapping[str, Mapping[str, Any]], index: NameIndex
) -> tuple[KindScore, list[str]]:
    """Recall of gold people among predicted Person entities (one-to-one), and the rest."""
    persons = [e for e in entities.values() if e.get("type") == "Person"]
    ranked = []
    for gi, person in enumerate(gold.people):
        name = person.fields["name"]
        for ei, entity in enumerate(persons):
            if index.matches(name, entity):
                exact = normalise_name(str(entity.get("label") or "")) == normalise_name(name)
                ranked.append((not exact, gi, str(entity.get("id")), ei))
    used_gold, used_entity = set(), set()
    for _, gi, _, ei in sorted(ranked):
        if gi not in used_gold and ei not in used_entity:
            used_gold.add(gi)
            used_entity.add(ei)
    others = sorted(
        str(e.get("label"))
        for ei, e in enumerate(persons)
        if ei not in used_entity
        and not any(index.matches(p.fields["name"], e) for p in gold.people)
    )
    return KindScore.of("person", len(gold.people), None, len(used_gold)), others


def _provenance(
    matches: Sequence[Match], facts: Sequence[Mapping[str, Any]], texts: Mapping[str, str]
) -> ProvenanceSummary:
    """Doc recall and quote coverage over matches; span and sentence checks over all sources."""
    summary = ProvenanceSummary(matched_facts=len(matches))
    by_id = {str(f.get("id")): f for f in facts}
    for match in matches:
        match.provenance.spans_exact = _spans_exact(by_id.get(match.fact_id, {}), texts)
        summary.gold_docs_total += len(match.provenance.gold_docs)
        summary.gold_docs_covered += len(match.provenance.gold_docs) - len(
            match.provenance.missing_docs
        )
        summary.fully_supported += not match.provenance.missing_docs
        if match.provenance.quote_covered is not None:
            summary.quotes_located += 1
            summary.quotes_covered += match.provenance.quote_covered
    if matches:
        summary.doc_recall_macro = sum(m.provenance.doc_recall for m in matches) / len(matches)
    for fact in facts:
        for source in fact.get("sources") or []:
            summary.spans_checked += 1
            problem = _span_problem(source, texts)
            if problem is None:
                summary.spans_exact += 1
            else:
                s = source if isinstance(source, Mapping) else {}
                text = texts.get(str(s.get("doc")))
                found = None
                if (
                    text is not None
                    and isinstance(s.get("start"), int)
                    and isinstance(s.get("end"), int)
                ):
                    found = text[s["start"] : s["end"]]
                summary.bad_spans.append(
                    BadSpan(
                        str(fact.get("id")),
                        str(s.get("doc")),
                        s.get("start"),
                        s.get("end"),
                        s.get("quote"),
                        found,
                        problem,
                    )
                )
            if isinstance(source, Mapping):
                text = texts.get(str(source.get("doc")))
                sentence = source.get("sentence")
                if (
                    text is not None
                    and isinstance(sentence, str)
                    and sentence
                    and (sentence in text)
                ):
                    summary.sentences_found += 1
    return summary

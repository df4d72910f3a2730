"""The evaluation report: scores per kind, provenance, misses and extras, and its text form."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class KindScore:
    """Counts and rates of one fact kind (``fp``, precision and F1 are None for persons)."""

    kind: str
    gold: int
    predicted: int | None
    tp: int
    fp: int | None
    fn: int
    precision: float | None
    recall: float | None
    f1: float | None

    @classmethod
    def of(cls, kind: str, gold: int, predicted: int | None, tp: int) -> KindScore:
        """Rates from counts; a rate whose denominator is 0 is None, and F1 is 0 when only one
        side (gold or predicted) is empty. ``predicted`` None means recall only."""
        fp = None if predicted is None else predicted - tp
        recall = tp / gold if gold else None
        precision = tp / predicted if predicted else None
        f1: float | None = None
        if precision is not None and recall is not None:
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        elif predicted is not None and bool(gold) != bool(predicted):
            f1 = 0.0
        return cls(kind, gold, predicted, tp, fp, gold - tp, precision, recall, f1)


@dataclass
class Provenance:
    """Provenance of one matched fact against its gold item."""

    gold_docs: list[str]
    predicted_docs: list[str]
    missing_docs: list[str]
    doc_recall: float
    spans_exact: bool  # every predicted source span is text[start:end] == quote
    quote_covered: bool | None  # a predicted span overlaps the gold quote (None: quote not found)


@dataclass
class Match:
    """A gold item and the predicted fact matched to it."""

    kind: str
    gold: str
    where: str
    fact_id: str
    provenance: Provenance
    details: dict[str, bool] = field(default_factory=dict)
    contested: bool = False
    conflicts_with: list[str] = field(default_factory=list)


@dataclass
class Miss:
    """A gold item no predicted fact matched, with the nearest candidate and how it differs."""

    kind: str
    gold: str
    where: str
    quote: str
    docs: list[str]
    location: str | None  # "doc:start-end" of the quote in the corpus
    nearest: str | None = None
    differences: list[str] = field(default_factory=list)


@dataclass
class Extra:
    """A predicted fact no gold item matched."""

    kind: str
    fact_id: str
    label: str
    doc: str | None
    quote: str | None


@dataclass
class BadSpan:
    """A predicted source whose offsets do not give its quote in the corpus."""

    fact_id: str
    doc: str
    start: Any
    end: Any
    quote: str | None
    found: str | None
    problem: str


@dataclass
class ConflictCheck:
    """Contested gold claims: matched, and flagged by the build as conflicting (conflicts_with)."""

    expected: int = 0
    matched: int = 0
    flagged: int = 0
    items: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ProvenanceSummary:
    """Provenance over all matched facts and all predicted source spans."""

    matched_facts: int = 0
    doc_recall_macro: float | None = None
    gold_docs_total: int = 0
    gold_docs_covered: int = 0
    fully_supported: int = 0
    spans_checked: int = 0
    spans_exact: int = 0
    sentences_found: int = 0
    quotes_located: int = 0
    quotes_covered: int = 0
    bad_spans: list[BadSpan] = field(default_factory=list)


@dataclass
class EvalReport:
    """Everything ``evaluate`` measured; ``to_dict`` gives its JSON form."""

    gold_path: str
    corpus_dir: str
    build_dir: str
    scores: list[KindScore]
    overall: KindScore
    conflicts: ConflictCheck
    provenance: ProvenanceSummary
    details: dict[str, dict[str, int]]
    matches: list[Match]
    misses: list[Miss]
    extras: list[Extra]
    person_extras: list[str]
    unscored: dict[str, int]
    problems: list[str]

    def score(self, kind: str) -> KindScore:
        """The score of one kind ("office", ..., "person")."""
        for item in self.scores:
            if item.kind == kind:
                return item
        raise KeyError(kind)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable dict of the whole report."""
        return asdict(self)


def describe_fact(fact: Mapping[str, Any]) -> str:
    """A one-line human reading of a facts.jsonl record."""
    kind = fact.get("kind")
    describe = _DESCRIBERS.get(kind) if isinstance(kind, str) else None
    return describe(fact) if describe is not None else str(fact.get("id"))


def _name(value: Any) -> str:
    """The label of an entity reference, labels of a list of them, or the value itself."""
    if isinstance(value, Mapping):
        return str(value.get("label"))
    if isinstance(value, list):
        return ", ".join(_name(v) for v in value)
    return "?" if value is None else str(value)


def _describe_office(fact: Mapping[str, Any]) -> str:
    status = f"{fact['status']} " if fact.get("status") not in (None, "current") else ""
    return (
        f"{_name(fact.get('holder'))}: {status}{fact.get('title')}"
        f" of {_name(fact.get('organization'))}"
    )


def _describe_tariff(fact: Mapping[str, Any]) -> str:
    text = f"{_name(fact.get('imposed_by'))} on {_name(fact.get('target'))}"
    if fact.get("goods"):
        text += f" ({fact['goods']})"
    if fact.get("rate_percent") is not None:
        text += f": {fact['rate_percent']}%"
    if fact.get("previous_rate_percent") is not None:
        text += f" (from {fact['previous_rate_percent']}%)"
    if fact.get("duration"):
        text += f" for {fact['duration']}"
    return text


def _describe_event(fact: Mapping[str, Any]) -> str:
    who = _name(fact.get("participants") or []) or _name(fact.get("initiator"))
    text = f"{fact.get('event_type')}: {who or '?'}"
    if fact.get("place"):
        text += f" at {_name(fact.get('place'))}"
    return text


def _describe_affiliation(fact: Mapping[str, Any]) -> str:
    return f"{_name(fact.get('person'))}: {_name(fact.get('organization'))}"


def _describe_authorship(fact: Mapping[str, Any]) -> str:
    return f"{_name(fact.get('author'))} wrote {fact.get('doc')}"


def _describe_figure(fact: Mapping[str, Any]) -> str:
    return f"{fact.get('subject')}: {fact.get('value')} {fact.get('unit') or ''}".rstrip()


# The reading of each kind; other kinds read as their id.
_DESCRIBERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "office": _describe_office,
    "tariff": _describe_tariff,
    "event": _describe_event,
    "affiliation": _describe_affiliation,
    "authorship": _describe_authorship,
    "figure": _describe_figure,
}


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def format_report(report: EvalReport) -> str:
    """The report as text: a score table, provenance, conflicts, misses and extras."""
    lines = [
        f"gold:   {report.gold_path}",
        f"corpus: {report.corpus_dir}",
        f"build:  {report.build_dir}",
        "",
        f"{'kind':<12}{'gold':>6}{'pred':>6}{'tp':>5}{'fp':>5}{'fn':>5}"
        f"{'precision':>11}{'recall':>8}{'f1':>8}",
    ]
    for score in [
        *[s for s in report.scores if s.kind != "person"],
        report.overall,
        *[s for s in report.scores if s.kind == "person"],
    ]:
        lines.append(
            f"{score.kind:<12}{score.gold:>6}{_count(score.predicted):>6}{score.tp:>5}"
            f"{_count(score.fp):>5}{score.fn:>5}{_rate(score.precision):>11}"
            f"{_rate(score.recall):>8}{_rate(score.f1):>8}"
        )
    lines.append("(person: recall only; predicted people outside the gold are listed below)")
    c = report.conflicts
    lines += [
        "",
        f"conflicts: {c.flagged}/{c.expected} contested claims found with conflicts_with"
        f" set ({c.matched} matched)",
    ]
    p = report.provenance
    lines += [
        "",
        f"provenance over {p.matched_facts} matched facts:",
        f"  doc recall: macro {_rate(p.doc_recall_macro)},"
        f" {p.gold_docs_covered}/{p.gold_docs_total} gold documents covered,"
        f" {p.fully_supported} facts with every gold document",
        f"  gold quote overlapped by a predicted span: {p.quotes_covered}/{p.quotes_located}",
        f"  predicted spans exact (text[start:end] == quote): {p.spans_exact}/{p.spans_checked};"
        f" sentences found: {p.sentences_found}/{p.spans_checked}",
    ]
    for bad in p.bad_spans:
        lines.append(f"  BAD SPAN {bad.fact_id} {bad.doc}:{bad.start}-{bad.end}: {bad.problem}")
    if report.details:
        lines += ["", "details of matched facts (not used to decide a match):"]
        for key, counts in sorted(report.details.items()):
            lines.append(f"  {key}: {counts['ok']}/{counts['total']}")
    lines += ["", f"misses ({len(report.misses)}):"]
    for miss in report.misses:
        lines.append(f"  - [{miss.kind}] {miss.gold}  ({miss.location or 'quote not found'})")
        lines.append(f"      quote: {miss.quote!r}")
        if miss.nearest:
            lines.append(f"      nearest: {miss.nearest}; differs in {'; '.join(miss.differences)}")
    lines += ["", f"extras ({len(report.extras)}):"]
    for extra in report.extras:
        lines.append(f"  - [{extra.kind}] {extra.label}  ({extra.fact_id})")
        if extra.quote is not None:
            lines.append(f"      {extra.doc}: {extra.quote!r}")
    if report.person_extras:
        lines += [
            "",
            "people in the build but not in the gold (informational):",
            "  " + ", ".join(report.person_extras),
        ]
    if report.unscored:
        unscored = ", ".join(f"{k} {v}" for k, v in sorted(report.unscored.items()))
        lines += ["", f"predicted facts of kinds the gold does not score: {unscored}"]
    if report.problems:
        lines += ["", "problems:"] + [f"  - {problem}" for problem in report.problems]
    return "\n".join(lines) + "\n"

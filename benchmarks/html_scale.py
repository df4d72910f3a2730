"""Scale benchmark of the HTML viewer: file size and time until interactive in headless Chromium.

Generates synthetic graphs of about 1k, 5k and 20k nodes (facts and entities in the
facts.jsonl / entities.jsonl format of docs/facts.md), renders each with ``render_html``, opens it
from file:// in headless Chromium and reads ``window.kgReady`` (milliseconds from navigation
start until the graph is drawn and laid out). Prints a table.

    python benchmarks/html_scale.py                 # 1000 5000 20000 nodes
    python benchmarks/html_scale.py 2000 --keep out # other sizes; keep the pages in out/
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import random
import sys
import tempfile
import time
from pathlib import Path

from kg.export.html import build_view_data, write_html

ROOT = Path(__file__).resolve().parent.parent
TYPES = ["Person"] * 5 + ["Organization", "Country", "GovernmentBody", "Company", "Media",
         "ThinkTank", "InternationalOrganization", "PoliticalParty", "Place"]  # fmt: skip
EVENTS = ["meeting", "phone_call", "talks", "summit", "visit", "agreement", "announcement"]
WORDS = ["the", "minister", "said", "on", "Tuesday", "that", "talks", "would", "resume", "after",
         "a", "long", "pause", "in", "trade", "relations", "between", "both", "governments",
         "and", "several", "officials", "welcomed", "it"]  # fmt: skip


def load_chromium() -> type:
    """The DevTools-protocol Chromium driver of the browser tests (one copy of that code)."""
    path = ROOT / "tests" / "test_browser.py"
    spec = importlib.util.spec_from_file_location("kg_test_browser", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{path}: cannot load the Chromium driver")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if module.BROWSER is None:
        raise SystemExit("chromium is not installed: apt-get install -y chromium")
    return module.Chromium


def synthetic(nodes: int, seed: int = 7) -> tuple[list[dict], list[dict], dict]:
    """About ``nodes`` graph nodes of facts and entities, with skewed (Zipf-like) popularity."""
    rng = random.Random(seed)
    n_docs = max(5, nodes // 40)
    docs = [f"doc-{i:05d}" for i in range(n_docs)]
    n_hubs = nodes // 4
    n_entities = nodes - n_hubs
    entities = _entities(rng, n_entities, docs)
    maker = _FactMaker(rng, docs, entities)
    maker.add_hubs(n_hubs)
    maker.add_links(n_entities)
    facts = maker.facts
    add_dates(facts, random.Random(seed + 1))
    if len(facts) > 10:
        facts[0]["conflicts_with"] = [facts[1]["id"]]
        facts[1]["conflicts_with"] = [facts[0]["id"]]
    summary = {"title": f"synthetic {nodes}", "documents": n_docs, "entities": len(entities),
               "facts": len(facts), "build_seconds": 0.0}  # fmt: skip
    return facts, entities, summary


def add_dates(facts: list[dict], rng: random.Random) -> None:
    """Dates for the timeline, drawn from their own generator (the graph stays as it was):
    three events in five, one tariff in two and one office in ten dated, between 2015 and
    2025, at the precision of a year, a month or a day."""
    share = {"event": ("date", 0.6), "tariff": ("effective_date", 0.5), "office": ("start", 0.1)}
    for fact in facts:
        name, p = share.get(fact["kind"], ("", 0.0))
        if rng.random() >= p:
            continue
        year, month, day = rng.randint(2015, 2025), rng.randint(1, 12), rng.randint(1, 28)
        precision = rng.choice(["year", "month", "day", "day"])
        fact[name] = {"year": f"{year}", "month": f"{year}-{month:02d}"}.get(
            precision, f"{year}-{month:02d}-{day:02d}"
        )


def _entities(rng: random.Random, n: int, docs: list[str]) -> list[dict]:
    """``n`` entity records of random types, each in one to three documents."""
    entities = []
    for i in range(n):
        type_ = rng.choice(TYPES)
        label = f"{type_} {i} {rng.choice(WORDS).title()}"
        entities.append({
            "id": f"https://example.org/kg/entity/{i}", "label": label, "type": type_,
            "aliases": sorted({label, f"{type_[0]}. {i}", f"E{i}"}),
            "docs": sorted(rng.sample(docs, rng.randint(1, 3))),
        })  # fmt: skip
    return entities


class _FactMaker:
    """Fact records naming entities picked by a Zipf-like popularity, with random sources."""

    def __init__(self, rng: random.Random, docs: list[str], entities: list[dict]) -> None:
        self.rng = rng
        self.docs = docs
        self.entities = entities
        # cumulative once: random.choices picks the same as with weights=, without summing
        # them again on every call
        weights = (1 / (i + 1) ** 0.8 for i in range(len(entities)))
        self.cum_weights = list(itertools.accumulate(weights))
        self.facts: list[dict] = []

    def pick(self, k: int = 1) -> list[dict]:
        chosen = self.rng.choices(self.entities, cum_weights=self.cum_weights, k=k)
        return [{"id": e["id"], "label": e["label"], "type": e["type"]} for e in chosen]

    def sources(self) -> list[dict]:
        rng = self.rng
        out = []
        for doc in sorted(rng.sample(self.docs, rng.choices([1, 2, 3, 5], [6, 3, 2, 1])[0])):
            words = rng.choices(WORDS, k=24)
            sentence = " ".join(words) + "."
            quote = " ".join(words[8:14])
            start = rng.randint(0, 4000)
            out.append({
                "doc": doc, "sentence": sentence, "start": start, "end": start + len(quote),
                "quote": quote, "extractor": "kg.synthetic.v1", "confidence": 0.8,
            })  # fmt: skip
        return out

    def add(self, kind: str, **fields: object) -> None:
        src = self.sources()
        self.facts.append({"id": f"https://example.org/kg/fact/{len(self.facts):07d}",
                           "kind": kind, "support": len({s["doc"] for s in src}),
                           "sources": src, "conflicts_with": [], **fields})  # fmt: skip

    def add_hubs(self, n_hubs: int) -> None:
        """Facts drawn as nodes of their own: events, tariffs and figures."""
        rng, pick, add = self.rng, self.pick, self.add
        for _ in range(n_hubs * 3 // 4):
            who = pick(rng.randint(1, 4))
            add("event", event_type=rng.choice(EVENTS), participants=who, initiator=who[0],
                invitees=[], place=pick()[0] if rng.random() < 0.3 else None, date=None,
                date_text="Tuesday", duration=None, topics=["trade"])  # fmt: skip
        for _ in range(n_hubs // 8):
            by, on = pick(2)
            add("tariff", imposed_by=by, target=on, goods="steel",
                rate_percent=rng.choice([10, 25, 30]), previous_rate_percent=None,
                duration=None, effective_date=None, status="imposed")  # fmt: skip
        for _ in range(n_hubs - n_hubs * 3 // 4 - n_hubs // 8):
            add("figure", subject="trade deficit", value=rng.randint(1, 900) * 1e9, unit="USD",
                date="2024", entities=pick(2))  # fmt: skip

    def add_links(self, n_entities: int) -> None:
        """Facts drawn as edges between entities (offices, affiliations) or on one (quotes)."""
        rng, pick, add = self.rng, self.pick, self.add
        for _ in range(n_entities // 3):
            holder, org = pick(2)
            add("office", holder=holder, title="Minister", organization=org,
                as_written=["Minister"], status=rng.choice(["current", "current", "former"]),
                start=None, end=None)  # fmt: skip
        for _ in range(n_entities // 5):
            person, org = pick(2)
            add("affiliation", person=person, organization=org, role=None)
        for _ in range(n_entities // 5):
            add("quote", speaker=pick()[0], text="We will see.")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one row per size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 5000, 20000])
    parser.add_argument("--max-nodes", type=int, default=1500)
    parser.add_argument("--keep", type=Path, help="folder to keep the rendered pages in")
    args = parser.parse_args(argv)
    chromium = load_chromium()()
    rows = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = args.keep or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            for size in args.sizes:
                facts, entities, summary = synthetic(size)
                data = build_view_data(facts, entities, summary, max_nodes=args.max_nodes)
                page = folder / f"graph-{size}.html"
                started = time.perf_counter()
                write_html(facts, entities, summary, page, max_nodes=args.max_nodes)
                render = time.perf_counter() - started
                ready = chromium.open(page.as_uri()) / 1000
                shown = len(chromium.evaluate("kgViewer.visibleNodeIds()"))
                rows.append((size, len(data["nodes"]), len(data["edges"]), len(facts), shown,
                             page.stat().st_size / 1e6, render, ready))  # fmt: skip
                print(f"  {size}: ready in {ready:.2f} s", file=sys.stderr)
    finally:
        chromium.close()
    print(
        "| target | nodes | edges | facts | drawn at start | file MB | render s | interactive s |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| {} | {} | {} | {} | {} | {:.1f} | {:.2f} | {:.2f} |".format(*row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

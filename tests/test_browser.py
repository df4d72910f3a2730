"""The HTML viewer in headless Chromium, driven over the DevTools protocol.

Opens a rendered page from file://, uses its own search box and panel, and checks that the
evidence shows with the quote highlighted, that no request leaves the page, and that hostile
article strings stay text. Needs Debian's ``chromium`` and the ``websockets`` package.
Set ``KG_SCREENSHOT=1`` to also save ``docs/graph.png``.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest

from kg.export.html import write_html

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--remote-debugging-port=0",
]
# Records CSP violations and dialogs; runs before the page's own scripts.
PROBE = """
window.kgCsp = [];
document.addEventListener('securitypolicyviolation', function (e) {
  window.kgCsp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


class Chromium:
    """A headless Chromium and one page, spoken to over the DevTools protocol (flat sessions)."""

    def __init__(self, width: int = 1400, height: int = 900, timeout: float = 30.0) -> None:
        if BROWSER is None:
            raise RuntimeError("chromium is not installed (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="kg-chromium-")
        self.stack = contextlib.ExitStack()
        self.stack.callback(shutil.rmtree, self.profile, ignore_errors=True)
        self.proc = subprocess.Popen(
            [BROWSER, *FLAGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.stack.callback(self._stop)
        try:
            self._start(width, height, timeout)
        except BaseException:
            self.stack.close()
            raise

    def _start(self, width: int, height: int, timeout: float) -> None:
        from websockets.sync.client import connect

        port_file = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + timeout
        while not (port_file.is_file() and len(port_file.read_text().split()) == 2):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise RuntimeError("chromium did not open its DevTools port")
            time.sleep(0.05)
        port, path = port_file.read_text().split()
        url = f"ws://127.0.0.1:{port}{path}"
        self.ws = self.stack.enter_context(connect(url, max_size=None, open_timeout=timeout))
        self.ids = itertools.count(1)
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = self.send(
            "Target.attachToTarget",
            {"targetId": target["targetId"], "flatten": True},
            session=False,
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False,
        })  # fmt: skip
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source": PROBE})

    def send(self, method: str, params: dict | None = None, *, session: bool = True) -> dict:
        """Send one command and wait for its reply, keeping the events that arrive meanwhile."""
        message: dict[str, Any] = {"id": next(self.ids), "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv(timeout=120))
            if reply.get("id") == message["id"]:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self._event(reply)

    def _event(self, event: dict[str, Any]) -> None:
        self.events.append(event)
        if event["method"] == "Page.javascriptDialogOpening":
            # A dialog would block the page; dismiss it (the test fails on the recorded event).
            self.ws.send(json.dumps({
                "id": next(self.ids), "method": "Page.handleJavaScriptDialog",
                "params": {"accept": False}, "sessionId": self.session,
            }))  # fmt: skip

    def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression in the page (promises awaited)."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, url: str, timeout: float = 120.0) -> float:
        """Load ``url`` and wait until the viewer sets window.kgReady; return that time (ms)."""
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = self.evaluate("window.kgReady === undefined ? null : window.kgReady")
            if ready is not None:
                return float(ready)
            time.sleep(0.05)
        raise TimeoutError(f"{url}: the viewer did not become ready in {timeout} s")

    def screenshot(self, path: Path) -> None:
        shot = self.send("Page.captureScreenshot", {"format": "png"})
        path.write_bytes(base64.b64decode(shot["data"]))

    def _stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def close(self) -> None:
        """Close the connection, stop the browser, remove its profile."""
        self.stack.close()


pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        BROWSER is None, reason="chromium is not installed (apt-get install chromium)"
    ),
]

HOSTILE_LABEL = '<img src=x onerror="window.pwned=1">'
HOSTILE_ALIAS = "</script><script>window.pwned=2</script>"
HOSTILE_SENTENCE = (
    'Zq\u00e9\u202e said "<b onmouseover=alert(1)>" \\ \U0001f984 \u05e9\u05dc\u05d5\u05dd.'
)


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def records() -> tuple[list[dict], list[dict]]:
    facts = load_jsonl(DATA / "viewer_facts.jsonl")
    entities = load_jsonl(DATA / "viewer_entities.jsonl")
    hostile = {"id": "urn:test:hostile", "label": HOSTILE_LABEL, "type": "Person"}
    org = {"id": "urn:test:org", "label": "Example & <Co>", "type": "Company"}
    entities = copy.deepcopy(entities) + [
        dict(hostile, aliases=[HOSTILE_ALIAS, "Zq\u00e9"], docs=["hostile-doc"]),
        dict(org, aliases=[], docs=["hostile-doc"]),
    ]
    quote = '"<b onmouseover=alert(1)>"'
    facts = copy.deepcopy(facts) + [
        {
            "id": "urn:test:fact",
            "kind": "affiliation",
            "person": hostile,
            "organization": org,
            "role": "</script>",
            "support": 1,
            "conflicts_with": [],
            "sources": [{
                "doc": "hostile-doc", "sentence": HOSTILE_SENTENCE, "start": 10,
                "end": 10 + len(quote), "quote": quote, "extractor": "test.v1", "confidence": 0.5,
            }],
        }
    ]  # fmt: skip
    return facts, entities


@pytest.fixture(scope="module")
def browser():
    chromium = Chromium()
    yield chromium
    chromium.close()


def summary(facts: list[dict], entities: list[dict]) -> dict:
    return {
        "title": "sample corpus </script><script>window.pwned=3</script>",
        "documents": 6,
        "entities": len(entities),
        "facts": len(facts),
        "build_seconds": 3.2,
        "docs": {"hostile-doc": {"title": HOSTILE_LABEL, "url": "javascript:window.pwned=4"}},
    }


def best_person(facts: list[dict], entities: list[dict]) -> tuple[dict, dict]:
    """The fixture person with the most facts (chosen from data, not named), and one fact."""
    people = {
        e["id"]: e
        for e in entities
        if e["type"] == "Person" and not e["id"].startswith("urn:test:")
    }
    counts: dict[str, list[dict]] = {}
    for fact in facts:
        for value in fact.values():
            for ref in value if isinstance(value, list) else [value]:
                if isinstance(ref, dict) and ref.get("id") in people:
                    counts.setdefault(ref["id"], []).append(fact)
    pid = max(sorted(counts), key=lambda k: len(counts[k]))
    return people[pid], counts[pid][0]


def pick_in_search(browser: Chromium, query: str, label: str) -> None:
    """Type ``query`` into the page's search box and click the result labelled ``label``."""
    clicked = browser.evaluate(f"""(() => {{
        const box = document.getElementById('kg-search');
        box.value = {json.dumps(query)};
        box.dispatchEvent(new Event('input', {{bubbles: true}}));
        const hit = [...document.querySelectorAll('#kg-results button')]
            .find(b => b.firstChild.textContent === {json.dumps(label)});
        if (hit) hit.click();
        return Boolean(hit);
    }})()""")
    assert clicked, f"no search result for {query!r}"


def panel() -> str:
    return """(() => {
        const p = document.getElementById('kg-panel');
        return {
            heading: p.querySelector('h2').textContent,
            sentences: [...p.querySelectorAll('.kg-sentence')].map(e => e.textContent),
            marks: [...p.querySelectorAll('.kg-sentence mark')].map(e => e.textContent),
            html: p.innerHTML,
        };
    })()"""


def test_search_click_shows_highlighted_evidence(browser: Chromium, tmp_path: Path) -> None:
    facts = load_jsonl(DATA / "viewer_facts.jsonl")
    entities = load_jsonl(DATA / "viewer_entities.jsonl")
    page = tmp_path / "graph.html"
    write_html(facts, entities, {"title": "trump-xi-call", "build_seconds": 3.2}, page)
    assert browser.open(page.as_uri()) > 0
    person, fact = best_person(facts, entities)
    alias = min((a for a in person["aliases"] if a != person["label"]), key=len)
    pick_in_search(browser, alias.lower(), person["label"])
    shown = browser.evaluate(panel())
    assert shown["heading"] == person["label"]
    for src in fact["sources"]:
        assert src["sentence"] in shown["sentences"]
        assert src["quote"] in shown["marks"]
    assert browser.evaluate("kgViewer.network.getSelectedNodes().length") == 1
    faded = browser.evaluate(
        "kgViewer.network.body.data.nodes.get().filter(n => "
        "n.color && n.color.background && n.color.background.startsWith('rgba')).length"
    )
    assert faded > 0  # the rest of the graph is dimmed around the selection


def test_edge_click_shows_its_fact_and_conflict(browser: Chromium, tmp_path: Path) -> None:
    facts = load_jsonl(DATA / "viewer_facts.jsonl")
    entities = load_jsonl(DATA / "viewer_entities.jsonl")
    page = tmp_path / "graph.html"
    write_html(facts, entities, {}, page)
    browser.open(page.as_uri())
    fact = next(f for f in facts if f["kind"] == "office" and f["conflicts_with"])
    other = next(f for f in facts if f["id"] == fact["conflicts_with"][0])
    shown = browser.evaluate(f"""(() => {{
        const d = JSON.parse(document.getElementById('kg-data').textContent);
        const k = d.facts.findIndex(f => f.id === {json.dumps(fact["id"])});
        const edge = d.edges.findIndex(e => e[3] === k);
        kgViewer.network.emit('click', {{nodes: [], edges: [edge]}});
        const p = document.getElementById('kg-panel');
        return {{
            heading: p.querySelector('h2').textContent,
            conflict: p.querySelector('.kg-conflict-note').textContent,
            summary: p.querySelector('.kg-summary').textContent,
        }};
    }})()""")
    holder, org = fact["holder"]["label"], fact["organization"]["label"]
    assert shown["heading"] == f"{holder} → {org}"
    assert fact["title"] in shown["summary"]
    assert other["status"] in shown["conflict"] and holder in shown["conflict"]


def test_hostile_strings_stay_text_and_nothing_leaves(
    browser: Chromium, records: tuple[list[dict], list[dict]], tmp_path: Path
) -> None:
    facts, entities = records
    page = tmp_path / "graph.html"
    write_html(facts, entities, summary(facts, entities), page)
    seen = len(browser.events)
    browser.open(page.as_uri())
    pick_in_search(browser, "zq\u00e9", HOSTILE_LABEL)
    shown = browser.evaluate(panel())
    assert shown["heading"] == HOSTILE_LABEL
    assert HOSTILE_SENTENCE in shown["sentences"]
    assert shown["marks"] == ['"<b onmouseover=alert(1)>"']
    assert "<img" not in shown["html"] and "<b " not in shown["html"]
    assert browser.evaluate("document.title").startswith("sample corpus </script>")
    assert browser.evaluate("typeof window.pwned") == "undefined"
    assert browser.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    events = browser.events[seen:]
    methods = {e["method"] for e in events}
    assert "Page.javascriptDialogOpening" not in methods
    assert "Runtime.exceptionThrown" not in methods
    assert browser.evaluate("window.kgCsp") == []
    # Nothing but the file itself (and inline data: images) was requested.
    urls = [
        e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"
    ]
    urls += browser.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert page.as_uri() in urls
    assert all(u.startswith(("file:", "data:")) for u in urls), urls


def test_filters_and_show_more(
    browser: Chromium, records: tuple[list[dict], list[dict]], tmp_path: Path
) -> None:
    facts, entities = records
    page = tmp_path / "graph.html"
    write_html(facts, entities, {}, page, max_nodes=8)
    browser.open(page.as_uri())
    assert browser.evaluate("document.getElementById('kg-physics').checked") is False
    assert len(browser.evaluate("kgViewer.visibleNodeIds()")) == 8
    browser.evaluate("document.getElementById('kg-more').click()")
    assert len(browser.evaluate("kgViewer.visibleNodeIds()")) == 16

    # A person far down the ranking is revealed, with its neighbours, when picked in search.
    low = min(
        (e for e in entities if e["type"] == "Person" and not e["id"].startswith("urn:test:")),
        key=lambda e: len(e["docs"]),
    )
    pick_in_search(browser, low["label"], low["label"])
    assert low["id"] in browser.evaluate("kgViewer.visibleNodeIds()")

    # Type filter: unticking Person hides every person except the one pinned by search.
    browser.evaluate(
        "(() => { const b = document.querySelector('#kg-legend input[data-type=Person]');"
        " b.click(); })()"
    )
    people = {e["id"] for e in entities if e["type"] == "Person"}
    visible = set(browser.evaluate("kgViewer.visibleNodeIds()"))
    assert visible & people == {low["id"]}

    # Document filter: only nodes from that document remain.
    browser.evaluate("document.getElementById('kg-reset').click()")
    doc = sorted({s["doc"] for f in facts for s in f["sources"]})[0]
    browser.evaluate(f"""(() => {{
        const s = document.getElementById('kg-doc');
        s.value = [...s.options].find(o => o.textContent.startsWith({json.dumps(doc)})).value;
        s.dispatchEvent(new Event('change'));
    }})()""")
    in_doc = {e["id"] for e in entities if doc in e["docs"]}
    in_doc |= {f["id"] for f in facts if any(s["doc"] == doc for s in f["sources"])}
    visible = set(browser.evaluate("kgViewer.visibleNodeIds()")) - {low["id"]}
    assert visible and visible <= in_doc | {"doc:" + doc}

    # Minimum support: every node left is supported by at least that many documents.
    browser.evaluate("document.getElementById('kg-reset').click()")
    browser.evaluate(
        "(() => { const s = document.getElementById('kg-support'); s.value = '3';"
        " s.dispatchEvent(new Event('input')); })()"
    )
    supported = browser.evaluate(
        "(() => { const d = JSON.parse(document.getElementById('kg-data').textContent);"
        " const ids = new Set(kgViewer.visibleNodeIds());"
        " return d.nodes.filter(n => ids.has(n.id)).map(n => [n.id, n.support]); })()"
    )
    supports = [n for i, n in supported if i != low["id"]]  # the search pick stays pinned
    assert supports and min(supports) >= 3


def test_real_build_output_in_the_browser(browser: Chromium) -> None:
    """The committed sample page (what `kg build` wrote): every gold person with their offices
    and the evidence sentences, offline. ``KG_SCREENSHOT=1`` saves docs/graph.png from it."""
    import yaml

    out = ROOT / "exports" / "trump-xi-call"
    page = out / "graph.html"
    if not page.is_file():
        pytest.skip(
            "no build output: run `kg build examples/trump-xi-call --out exports/trump-xi-call`"
        )
    gold = yaml.safe_load((ROOT / "examples" / "trump-xi-call" / "gold.yaml").read_text("utf-8"))
    facts = load_jsonl(out / "facts.jsonl")
    seen = len(browser.events)
    browser.open(page.as_uri())
    for person in gold["people"]:
        pick_in_search(browser, person["name"], person["name"])
        shown = browser.evaluate(panel())
        assert shown["heading"] == person["name"]
        for office in person.get("offices", []):
            (fact,) = [
                f
                for f in facts
                if f["kind"] == "office"
                and f["holder"]["label"] == person["name"]
                and f["title"] == office["title"]
                and f["status"] == "current"
            ]
            assert office["title"] in shown["html"]
            for src in fact["sources"]:
                assert src["sentence"] in shown["sentences"]
                assert src["quote"] in shown["marks"]
    urls = [
        e["params"]["request"]["url"]
        for e in browser.events[seen:]
        if e["method"] == "Network.requestWillBeSent"
    ]
    urls += browser.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith(("file:", "data:")) for u in urls), urls
    if os.environ.get("KG_SCREENSHOT") == "1":
        pick_in_search(browser, "Donald Trump", "Donald Trump")
        browser.screenshot(ROOT / "docs" / "graph.png")


def test_huge_labels_and_titles_do_not_freeze_the_tab(browser: Chromium, tmp_path: Path) -> None:
    """A word with 100,000 combining marks and a 2 MB title froze the tab once the panel showed
    them (the next DevTools call timed out after 120 s): the page shows them cut, says how much
    is left out, and stays scriptable."""
    zalgo = "Za" + "\u0301" * 100_000 + "lgo"
    person = {"id": "urn:test:zalgo", "label": zalgo, "type": "Person"}
    org = {"id": "urn:test:org", "label": "Org", "type": "Company"}
    sentence = "Before " + zalgo + " works at Org. " + "x" * 300_000
    facts = [{
        "id": "urn:test:fact", "kind": "affiliation", "person": person, "organization": org,
        "role": "analyst", "support": 1, "conflicts_with": [],
        "sources": [{
            "doc": "big", "sentence": sentence, "start": 7, "end": 7 + len(zalgo), "quote": zalgo,
            "extractor": "test.v1", "confidence": 0.5,
        }],
    }]  # fmt: skip
    entities = [dict(person, aliases=[zalgo + "x"], docs=["big"]), dict(org, aliases=[], docs=[])]
    page = tmp_path / "graph.html"
    write_html(facts, entities, {"docs": {"big": {"title": "T" * 2_000_000}}}, page)
    browser.open(page.as_uri())
    assert browser.evaluate("kgViewer.reveal('urn:test:zalgo')") is True
    shown = browser.evaluate("""(() => {
        const p = document.getElementById('kg-panel');
        return {heading: p.querySelector('h2').textContent,
                doc: p.querySelector('.kg-source-doc').textContent,
                sentence: p.querySelector('.kg-sentence').textContent,
                mark: p.querySelector('.kg-sentence mark').textContent,
                total: p.textContent.length};
    })()""")
    assert shown["heading"] == "Za" + "\u0301" * 30 + "lgo"  # the run cut to 30 marks
    assert shown["mark"] == shown["heading"]
    assert shown["doc"].startswith("big \u2014 TTT") and shown["doc"].endswith("\u2026")
    assert len(shown["doc"]) == 200
    assert shown["sentence"].startswith("Before Za")
    assert shown["sentence"].endswith(f" [\u2026 {300_000 + 15 - 2000} more characters]")
    assert shown["total"] < 20_000


def test_entities_named_once_in_no_fact_are_hidden_until_asked(
    browser: Chromium, tmp_path: Path
) -> None:
    facts = load_jsonl(DATA / "viewer_facts.jsonl")
    entities = load_jsonl(DATA / "viewer_entities.jsonl")
    doc = sorted({s["doc"] for f in facts for s in f["sources"]})[0]
    once = {"id": "urn:test:once", "label": "Once Named", "type": "Person", "aliases": [],
            "docs": [doc], "mentions": 1, "minor": True, "merges": []}
    page = tmp_path / "graph.html"
    write_html(facts, [*entities, once], {}, page)
    browser.open(page.as_uri())
    assert once["id"] not in browser.evaluate("kgViewer.visibleNodeIds()")
    assert browser.evaluate("document.getElementById('kg-minor-count').textContent") == "1"
    browser.evaluate("document.getElementById('kg-minor').click()")
    assert once["id"] in browser.evaluate("kgViewer.visibleNodeIds()")
    browser.evaluate("document.getElementById('kg-reset').click()")
    assert once["id"] not in browser.evaluate("kgViewer.visibleNodeIds()")
    pick_in_search(browser, "once named", "Once Named")  # search still finds it
    assert once["id"] in browser.evaluate("kgViewer.visibleNodeIds()")


def test_copies_show_as_copies_and_support_beside_mentions(
    browser: Chromium, tmp_path: Path
) -> None:
    facts = load_jsonl(DATA / "viewer_facts.jsonl")
    entities = load_jsonl(DATA / "viewer_entities.jsonl")
    person, fact = best_person(facts, entities)
    original = fact["sources"][0]["doc"]
    # a copy of the fact's first document states it again: one more mention, no more support
    fact["sources"].append(dict(fact["sources"][0], doc="wire-copy"))
    fact["mentions"] = len({s["doc"] for s in fact["sources"]})
    assert fact["mentions"] == fact["support"] + 1
    summary = {"title": "copies", "docs": {"wire-copy": {"copy_of": original}}}
    page = tmp_path / "graph.html"
    write_html(facts, entities, summary, page)
    assert browser.open(page.as_uri()) > 0
    pick_in_search(browser, person["label"], person["label"])
    text = browser.evaluate("document.getElementById('kg-panel').textContent")
    assert f"support {fact['support']}, mentions {fact['mentions']}" in text
    assert f"wire-copy (copy of {original})" in text
    label = browser.evaluate("document.querySelector('label[for=kg-support]').textContent")
    assert label == "Minimum support: 1 independent source(s)"


# --- the timeline (kg/export/timeline.js) ------------------------------------------------------


def png_rows(data: bytes) -> list[bytes]:
    """The unfiltered pixel rows of an 8-bit RGB or RGBA PNG (as Chromium writes them)."""
    import struct
    import zlib

    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (size,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + size]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + size
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytes(width * bpp)
    for y in range(height):
        line = raw[y * (stride + 1) : (y + 1) * (stride + 1)]
        kind, row = line[0], bytearray(line[1:])
        for x in range(stride):
            a = row[x - bpp] if x >= bpp else 0
            b, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                row[x] = (row[x] + a) & 0xFF
            elif kind == 2:
                row[x] = (row[x] + b) & 0xFF
            elif kind == 3:
                row[x] = (row[x] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(row))
        prev = row
    return [b"".join(r[i : i + 3] for i in range(0, len(r), bpp)) for r in rows]  # RGB


def assert_drawn(browser: Chromium, selector: str, path: Path) -> None:
    """Screenshot the element ``selector`` to ``path`` and check it is not blank: many
    colours, and a good share of pixels that are not the background."""
    box = browser.evaluate(
        f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
        ".getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })()"
    )
    assert box[2] > 200 and box[3] > 150, box
    clip = dict(zip(("x", "y", "width", "height"), box, strict=True), scale=1)
    shot = browser.send("Page.captureScreenshot", {"format": "png", "clip": clip})
    data = base64.b64decode(shot["data"])
    path.write_bytes(data)
    pixels = [row[i : i + 3] for row in png_rows(data) for i in range(0, len(row), 3)]
    background = max(set(pixels), key=pixels.count)
    assert len(set(pixels)) > 20, "the screenshot is nearly one colour"
    assert sum(p != background for p in pixels) > 0.02 * len(pixels)


def timeline_state() -> str:
    return """(() => {
        const rows = id => [...document.querySelectorAll('#' + id + ' .kg-tl-item')];
        return {
            dated: rows('kg-tl-dated').map(b => [b.dataset.fact,
                b.querySelector('.kg-tl-date').textContent,
                b.querySelector('.kg-tl-prec').textContent,
                b.querySelector('.kg-tl-summary').textContent]),
            undated: rows('kg-tl-undated').map(b => b.querySelector('.kg-tl-summary').textContent),
            pairs: [...document.querySelectorAll('#kg-tl-rates .kg-tl-pair')]
                .map(e => e.textContent),
            steps: [...document.querySelectorAll('#kg-tl-rates .kg-tl-step')]
                .map(e => e.dataset.fact),
            rates: [...document.querySelectorAll('#kg-tl-rates .kg-tl-rate')]
                .map(e => e.textContent),
            bars: document.querySelectorAll('#kg-tl-axis rect').length,
            count: document.getElementById('kg-tl-count').textContent,
        };
    })()"""


def _refs_of(fact: dict) -> set[str]:
    return {
        r["id"]
        for k, v in fact.items()
        if k != "sources"
        for r in (v if isinstance(v, list) else [v])
        if isinstance(r, dict) and "id" in r
    }


def _errors(events: list[dict]) -> list[dict]:
    return [
        e
        for e in events
        if e["method"] == "Runtime.exceptionThrown"
        or (e["method"] == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
    ]


def test_timeline_of_the_sample_build(browser: Chromium, tmp_path: Path) -> None:
    """The committed sample page: the two dated state visits on the axis with their month
    precision, the undated events and tariffs apart, each tariff pair's rates as a step chart;
    a click on an item or a step shows its quote and document in the evidence panel; the
    entity filter keeps what involves the entity; offline, no error, drawn."""
    out = ROOT / "exports" / "trump-xi-call"
    page = out / "graph.html"
    if not page.is_file():
        pytest.skip("no build output: run `kg build examples/trump-xi-call --out exports/...`")
    facts = load_jsonl(out / "facts.jsonl")
    seen = len(browser.events)
    browser.open(page.as_uri())
    shown = browser.evaluate(timeline_state())
    visits = sorted(
        (f["date"], f) for f in facts if f["kind"] == "event" and f["event_type"] == "state_visit"
    )
    assert [d for d, _ in visits] == ["2017-04", "2017-11"]  # "April of that same year", ...
    assert [(d, p) for _, d, p, _ in shown["dated"]] == [("2017-04", "month"), ("2017-11", "month")]
    assert "Mar-a-Lago" in shown["dated"][0][3] and "Xi Jinping" in shown["dated"][0][3]
    undated = [f for f in facts if f["kind"] in ("event", "tariff") and not f.get("date")]
    undated = [f for f in undated if not f.get("effective_date")]
    assert len(shown["undated"]) == len(undated) == 9
    assert shown["count"] == "2 dated, 9 undated, 2 rate histories"
    assert sorted(shown["pairs"]) == ["China → United States", "United States → China"]
    # each pair's steps in order: the rate "from 145% to 30%" replaced comes first
    assert shown["rates"] == ["125%", "10%", "145%", "30%"]
    assert shown["bars"] == 2

    # A dated item and a step open their fact's evidence in the panel.
    _, visit = visits[1]
    row = next(r for r in shown["dated"] if r[1] == "2017-11")
    browser.evaluate(f"document.querySelector('#kg-tl-dated [data-fact=\"{row[0]}\"]').click()")
    text = browser.evaluate(panel())
    for src in visit["sources"]:
        assert src["quote"] in text["marks"] and src["sentence"] in text["sentences"]
    docs = browser.evaluate(
        "[...document.querySelectorAll('#kg-panel .kg-source-doc')].map(e => e.textContent)"
    )
    assert sorted(docs) == sorted(s["doc"] for s in visit["sources"])
    tariff = next(f for f in facts if f["kind"] == "tariff" and f["rate_percent"] == 30.0)
    browser.evaluate(
        "(() => { const d = JSON.parse(document.getElementById('kg-data').textContent);"
        f" const k = d.facts.findIndex(f => f.id === {json.dumps(tariff['id'])});"
        " document.querySelector(`#kg-tl-rates .kg-tl-step[data-fact=\"${k}\"]`)"
        ".dispatchEvent(new MouseEvent('click')); })()"
    )
    text = browser.evaluate(panel())
    assert text["heading"].startswith("Tariff by United States")
    assert [s["quote"] for s in tariff["sources"]] == text["marks"]

    # The entity filter: Xi Jinping's items only, no tariff pair; China's pairs both.
    def pick(label: str) -> dict:
        browser.evaluate(f"""(() => {{
            const s = document.getElementById('kg-tl-entity');
            s.value = [...s.options].find(o => o.textContent === {json.dumps(label)}).value;
            s.dispatchEvent(new Event('change'));
        }})()""")
        return browser.evaluate(timeline_state())

    xi = next(f["holder"]["id"] for f in facts if f.get("holder", {}).get("label") == "Xi Jinping")
    mine = [f for f in facts if xi in _refs_of(f) and f["kind"] in ("event", "tariff")]
    shown = pick("Xi Jinping")
    assert [r[1] for r in shown["dated"]] == ["2017-04"]
    assert len(shown["dated"]) + len(shown["undated"]) == len(mine) and shown["pairs"] == []
    assert len(pick("China")["pairs"]) == 2
    assert pick("All entities")["count"] == "2 dated, 9 undated, 2 rate histories"

    # From an entity's panel: "Show on the timeline" sets the filter.
    pick_in_search(browser, "Xi Jinping", "Xi Jinping")
    browser.evaluate("document.querySelector('#kg-panel .kg-tl-link').click()")
    assert browser.evaluate(timeline_state())["dated"][0][1] == "2017-04"
    assert browser.evaluate(
        "document.getElementById('kg-tl-entity').selectedOptions[0].textContent"
    ) == "Xi Jinping"

    events = browser.events[seen:]
    assert _errors(events) == [] and browser.evaluate("window.kgCsp") == []
    urls = [
        e["params"]["request"]["url"] for e in events if e["method"] == "Network.requestWillBeSent"
    ]
    urls += browser.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert all(u.startswith(("file:", "data:")) for u in urls), urls
    assert_drawn(browser, "#kg-timeline", tmp_path / "timeline.png")


def _synthetic(nodes: int) -> tuple[list[dict], list[dict], dict]:
    """The benchmark's synthetic graph (benchmarks/html_scale.py), dates included."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "kg_html_scale", ROOT / "benchmarks" / "html_scale.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.synthetic(nodes)


def test_timeline_stays_lazy_at_20000_nodes(browser: Chromium, tmp_path: Path) -> None:
    """20,000 nodes with thousands of dated items and hundreds of tariff pairs: only the rows
    in each list's visible window are in the DOM, scrolling brings in the right ones, and a
    click on one of them still opens its evidence."""
    import re

    from kg.export.html import render_html

    facts, entities, summary = _synthetic(20_000)
    text = render_html(facts, entities, summary)
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', text, re.S)[1])  # type: ignore[index]
    timeline = data["timeline"]
    assert len(data["nodes"]) == 20_000
    assert len(timeline["dated"]) > 2000 and len(timeline["rates"]) > 300
    page = tmp_path / "graph.html"
    page.write_text(text, encoding="utf-8")
    seen = len(browser.events)
    browser.open(page.as_uri())
    in_dom = browser.evaluate(
        "[document.querySelectorAll('#kg-tl-dated .kg-tl-item').length,"
        " document.querySelectorAll('#kg-tl-undated .kg-tl-item').length,"
        " document.querySelectorAll('#kg-tl-rates .kg-tl-chart').length]"
    )
    assert 0 < in_dom[0] < 60 and 0 < in_dom[1] < 60 and 0 < in_dom[2] < 20, in_dom
    middle = len(timeline["dated"]) // 2
    first = browser.evaluate(f"""(() => {{
        const box = document.getElementById('kg-tl-dated');
        box.scrollTop = {middle} * 26;
        box.dispatchEvent(new Event('scroll'));
        return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => {{
            const rows = [...box.querySelectorAll('.kg-tl-item')];
            const top = rows.find(r => parseFloat(r.style.top) >= box.scrollTop);
            done([rows.length, Number(top.dataset.fact),
                  top.querySelector('.kg-tl-date').textContent]);
        }})));
    }})()""")
    fact, t0, t1, date, precision = timeline["dated"][middle]
    assert first[0] < 60 and first[1:] == [fact, date]
    browser.evaluate(f"document.querySelector('#kg-tl-dated [data-fact=\"{fact}\"]').click()")
    quotes = browser.evaluate(panel())["marks"]
    assert quotes == [s["quote"] for s in data["facts"][fact]["sources"]]
    assert _errors(browser.events[seen:]) == []
    assert_drawn(browser, "#kg-timeline", tmp_path / "timeline-20k.png")


def test_a_graph_with_nothing_in_time_folds_the_timeline(browser: Chromium, tmp_path: Path) -> None:
    facts = [f for f in load_jsonl(DATA / "viewer_facts.jsonl") if f["kind"] == "office"]
    facts = [f for f in facts if not f.get("start") and not f.get("end")]
    page = tmp_path / "graph.html"
    write_html(facts, load_jsonl(DATA / "viewer_entities.jsonl"), {}, page)
    seen = len(browser.events)
    browser.open(page.as_uri())
    shown = browser.evaluate("""(() => {
        const t = document.getElementById('kg-timeline');
        return [t.classList.contains('kg-tl-empty'), t.getBoundingClientRect().height,
                document.getElementById('kg-tl-count').textContent];
    })()""")
    assert shown[0] is True and shown[1] < 60
    assert shown[2] == "no events or measures in this graph"
    assert _errors(browser.events[seen:]) == []

"""The hostile-input corpus of issue 16: every case written into a folder at test time.

Each ``Case`` writes its inputs with ``make(folder, big)`` and states what a build of that
folder must do: the words every warning about it contains (``expect``), the exit code of
``kg build`` and how many documents are built. ``big=False`` gives sizes small enough for the
test suite; ``big=True`` the sizes of the issue's probe (benchmarks/hostile.py runs those).
Nothing is committed: a case is a few lines of Python, not megabytes of files.

    python tests/hostile.py DIR [--big]     # write every case into DIR/<case>/
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# A sentence kg extracts a fact from, so a case shows that the rest of its input was built.
FACT = "Chinese President Xi Jinping spoke with U.S. President Donald Trump on Thursday.\n"


@dataclass(frozen=True)
class Case:
    """One hostile input: how to write it and what a build of it must do."""

    name: str
    make: Callable[[Path, bool], None]
    expect: tuple[str, ...]  # each of these is in some warning
    # of `kg build`: 0 all read, 3 some input skipped, 1 nothing built (every input skipped
    # once read), 2 nothing to read (a usage error before spaCy loads)
    exit_code: int
    documents: int  # documents in the build
    posix_only: bool = False  # needs a file system with FIFOs, symlinks, byte file names
    out: str | None = None  # the output folder inside the case's folder (default: outside)
    root_reads: bool = True  # False: as root the case reads the file anyway (permissions)


def _write(folder: Path, name: str | bytes, data: bytes | str) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if isinstance(name, bytes):
        path = os.path.join(os.fsencode(folder), name)
        with open(path, "wb") as handle:
            handle.write(raw)
        return
    target = folder / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(raw)


def _good(folder: Path) -> None:
    _write(folder, "good.txt", FACT)


def _pair(first: str, second: str) -> Callable[[Path, bool], None]:
    def make(folder: Path, big: bool) -> None:
        _write(folder, first, FACT)
        _write(folder, second, "A second article that must not be merged into the first.\n")

    return make


def _nfc_nfd(folder: Path, big: bool) -> None:
    _write(folder, unicodedata.normalize("NFC", "émigré.md"), FACT)
    _write(folder, unicodedata.normalize("NFD", "émigré.md"), "The decomposed twin.\n")


def _jsonl_lines(folder: Path, big: bool) -> None:
    lines = [{"id": "wire-1", "text": FACT}, {"id": "wire-1", "text": "Another story.\n"}]
    _write(folder, "feed.jsonl", "".join(json.dumps(x) + "\n" for x in lines))


def _jsonl_files(folder: Path, big: bool) -> None:
    _write(folder, "a.jsonl", json.dumps({"id": "Wire-2", "text": FACT}) + "\n")
    _write(folder, "b.jsonl", json.dumps({"id": "wire-2", "text": "Another story."}) + "\n")


def _front(published: str) -> Callable[[Path, bool], None]:
    def make(folder: Path, big: bool) -> None:
        _good(folder)
        _write(folder, "dated.md", f"---\ntitle: Dated\npublished: {published}\n---\n{FACT}")

    return make


def _long_document(folder: Path, big: bool) -> None:
    paragraph = "The ministers met in Geneva on Monday to discuss the steel tariffs.\n\n"
    size = 1_000_001 if big else 150_000  # over spaCy's max_length; over one spaCy piece
    _write(folder, "long.txt", paragraph * (size // len(paragraph) + 1))


def _jsonl_surrogate(field: str) -> Callable[[Path, bool], None]:
    def make(folder: Path, big: bool) -> None:
        record = {"id": "s1", "title": "Title", "text": FACT}
        record[field] = record[field] + "\\ud800"
        line = json.dumps(record).replace("\\\\ud800", "\\ud800")  # a lone JSON escape
        _write(folder, "feed.jsonl", line + "\n" + json.dumps({"id": "s2", "text": FACT}) + "\n")

    return make


def _front_matter_surrogate(folder: Path, big: bool) -> None:
    _good(folder)  # YAML's "\ud800" escape, in a title and in an author list
    _write(folder, "lone.md", '---\ntitle: "A \\ud800 title"\nauthor: ["\\udc00"]\n---\n' + FACT)


def _jsonl_author_list(folder: Path, big: bool) -> None:
    line = '{"id": "s1", "author": ["Ann", "\\ud800"], "text": ' + json.dumps(FACT) + "}"
    _write(folder, "feed.jsonl", line + "\n")


def _byte_file_name(folder: Path, big: bool) -> None:
    _good(folder)
    _write(folder, b"caf\xe9.txt", FACT)  # Latin-1 bytes: not a UTF-8 file name


def _big_number(folder: Path, big: bool) -> None:
    line = '{"id": "n1", "text": "Text.", "count": ' + "9" * 5000 + "}"
    _write(folder, "feed.jsonl", line + "\n" + json.dumps({"id": "n2", "text": FACT}) + "\n")


def _deep_yaml(folder: Path, big: bool) -> None:
    _good(folder)
    depth = 5000
    _write(folder, "deep.md", "---\ntitle: " + "[" * depth + "]" * depth + "\n---\n" + FACT)


def _deep_json(folder: Path, big: bool) -> None:
    depth = 100_000
    line = '{"id": "d1", "text": "T", "x": ' + "[" * depth + "]" * depth + "}"
    _write(folder, "feed.jsonl", line + "\n" + json.dumps({"id": "d2", "text": FACT}) + "\n")


def _utf32(folder: Path, big: bool) -> None:
    _good(folder)
    _write(folder, "wide.txt", FACT.encode("utf-32"))


def _jsonl_nul(folder: Path, big: bool) -> None:
    lines = [json.dumps({"id": "n1", "text": FACT}), '{"id": "n2", "text": "a\x00b"}']
    lines.append(json.dumps({"id": "n3", "text": FACT}))
    _write(folder, "feed.jsonl", "\n".join(lines) + "\n")


def _escape_names(folder: Path, big: bool) -> None:
    _write(folder, "red\x1b[31m.md", "---\ntitle: [unclosed\n---\n")
    line = '{"id": "\\u001b]0;owned\\u0007", "text": "Twice the same id."}\n'
    _write(folder, "feed.jsonl", line + line)
    _good(folder)


def _alias_bomb(folder: Path, big: bool) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    lines.append("title: *i")
    _good(folder)
    _write(folder, "bomb.md", "---\n" + "\n".join(lines) + "\n---\n" + FACT)


def _html_deep(folder: Path, big: bool) -> None:
    depth = 200_000 if big else 20_000
    _good(folder)
    _write(folder, "deep.html", "<div>" * depth + "Text" + "</div>" * depth)


def _html_unclosed(folder: Path, big: bool) -> None:
    _good(folder)  # valid HTML: <p> needs no end tag, so these are 6,000 paragraphs, not deep
    _write(folder, "paragraphs.html", "<body>" + "<p>" * 5_999 + "<p>Rates rose.")


def _html_elements(folder: Path, big: bool) -> None:
    _good(folder)  # 4.9 MB (big) of short elements: parsing costs about 5 µs per tag
    _write(folder, "tags.html", "<p>" + "<b>x</b> " * (544_000 if big else 101_000) + "</p>")


def _html_amp(folder: Path, big: bool) -> None:
    _good(folder)
    _write(folder, "amp.html", "<p>" + "&amp;" * (200_000 if big else 20_000) + "</p>")


def _html_big(folder: Path, big: bool) -> None:
    _good(folder)
    _write(folder, "big.html", "<p>" + "word " * 1_000_000 + "</p>")  # 5 MB


def _jsonl_many(folder: Path, big: bool) -> None:
    count = 100_000 if big else 500
    lines = (json.dumps({"id": f"w{i}", "text": f"Brief {i}."}) for i in range(count))
    _write(folder, "feed.jsonl", "\n".join(lines) + "\n")


def _jsonl_long_line(folder: Path, big: bool) -> None:
    line = json.dumps({"id": "huge", "text": "x" * 11_000_000})
    _write(folder, "feed.jsonl", line + "\n" + json.dumps({"id": "ok", "text": FACT}) + "\n")


def _punctuation(folder: Path, big: bool) -> None:
    _write(folder, "rule.txt", FACT + "=" * 20_000 + "\n" + FACT)


def _punctuation_runs(folder: Path, big: bool) -> None:
    # distinct runs under the 1,000-character word bound (spaCy caches a repeated one): its
    # tokeniser took 0.3 s for each, as long as 0.3 s per KB
    count = 200 if big else 20
    runs = " ".join(f"{i:04d}" + "”)" * 450 for i in range(count))
    _write(folder, "runs.txt", FACT + runs + "\n" + FACT)


def _many_names(folder: Path, big: bool) -> None:
    # a document naming thousands of distinct people: kg.extract.mentions once compared every
    # short name with every full name of the document (all pairs); now it looks them up
    letters, vowels = "BCDFGHKLMNPRSTVZ", "aeiou"

    def surname(i: int) -> str:
        word = ""
        for _ in range(4):
            i, k = divmod(i, len(letters) * len(vowels))
            word += letters[k % len(letters)] + vowels[k // len(letters)]
        return word.capitalize()

    first = ("James", "Mary", "Robert", "Linda", "Peter", "Anna")
    count = 4_000 if big else 10  # small: the SHACL check of the test costs per entity
    lines = [
        f"{first[i % 6]} {surname(3 * i)} met {first[(i + 1) % 6]} {surname(3 * i + 1)} in"
        f" Geneva, and {surname(3 * i + 2)} said so."
        for i in range(count)
    ]
    _write(folder, "names.txt", "\n".join(lines) + "\n")


def _long_warning(folder: Path, big: bool) -> None:
    huge = "id-" + "x" * 200_000  # a duplicate id the warning names: twice 200 KB unless cut
    lines = [{"id": huge, "text": FACT}, {"id": huge, "text": "The same id again."}]
    _write(folder, "feed.jsonl", "".join(json.dumps(x) + "\n" for x in lines))
    _write(folder, "list.md", "---\ntitle: [" + ", ".join(["x" * 50] * 1_000) + "]\n---\nText.")


def _front_matter_big(folder: Path, big: bool) -> None:
    _good(folder)
    _write(folder, "fat.md", "---\ntitle: T\nnote: '" + "x" * 2_000_000 + "'\n---\n" + FACT)


def _out_inside(folder: Path, big: bool) -> None:
    _good(folder)
    # what a previous `kg build .` left in its default output folder
    _write(folder, "exports/kg/facts.jsonl", json.dumps({"id": "f1", "text": "stale"}) + "\n")


def _other_output(folder: Path, big: bool) -> None:
    _good(folder)
    # what a build with another --out left inside the corpus: kg's marker and its outputs
    _write(folder, "old-build/.kg-output", "This folder holds the outputs of a kg build.\n")
    _write(folder, "old-build/facts.jsonl", json.dumps({"id": "f1", "text": "stale"}) + "\n")
    _write(folder, "old-build/graph.html", "<p>The viewer page, not an article.</p>")


def _out_is_input(folder: Path, big: bool) -> None:
    _good(folder)  # `kg build DIR --out DIR`: the input is the output folder, nothing is read


def _link_into_out(folder: Path, big: bool) -> None:
    _good(folder)
    _write(folder, "out/facts.jsonl", json.dumps({"id": "f1", "text": "stale"}) + "\n")
    os.symlink("out/facts.jsonl", folder / "facts-link.jsonl")


def _unreadable(folder: Path, big: bool) -> None:
    _good(folder)
    locked = folder / "locked"
    locked.mkdir()
    _write(locked, "secret.txt", FACT)
    locked.chmod(0)


def _links(folder: Path, big: bool) -> None:
    _good(folder)
    (folder / "loop").mkdir()
    os.symlink("..", folder / "loop" / "up")
    os.symlink("missing.txt", folder / "dangling.txt")
    os.symlink("ping.txt", folder / "pong.txt")  # a loop of two file links
    os.symlink("pong.txt", folder / "ping.txt")
    os.mkfifo(folder / "pipe.txt")


CASES = (
    Case("id-case", _pair("AB-1.txt", "ab-1.txt"), ("document id", "AB-1.txt"), 3, 1),
    Case("id-spaces", _pair("a b.txt", "a  b.txt"), ("document id", "a b.txt"), 3, 1),
    Case("id-suffix", _pair("Report.txt", "report.md"), ("document id", "Report.txt"), 3, 1),
    Case("id-nfd", _nfc_nfd, ("document id", "'e\\u0301migre\\u0301'"), 3, 1),
    Case("id-jsonl-lines", _jsonl_lines, ("document id", "feed.jsonl:1"), 3, 1),
    Case("id-jsonl-files", _jsonl_files, ("document id", "a.jsonl:1"), 3, 1),
    Case("date-invalid", _front("2025-02-30"), ("dated.md", "published"), 0, 2),
    Case("time-invalid", _front("2025-02-03 25:61:00"), ("dated.md", "published"), 0, 2),
    Case("long-document", _long_document, (), 0, 1),
    Case("surrogate-text", _jsonl_surrogate("text"), ("feed.jsonl:1", "surrogate"), 0, 2),
    Case("surrogate-id", _jsonl_surrogate("id"), ("feed.jsonl:1", "surrogate"), 0, 2),
    Case("surrogate-title", _jsonl_surrogate("title"), ("feed.jsonl:1", "surrogate"), 0, 2),
    Case("surrogate-front-matter", _front_matter_surrogate, ("lone.md", "surrogate"), 0, 2),
    Case("surrogate-author-list", _jsonl_author_list, ("feed.jsonl:1", "surrogate"), 0, 1),
    Case("file-name-bytes", _byte_file_name, ("caf\\xe9.txt", "UTF-8"), 0, 2, True),
    Case("json-big-number", _big_number, ("feed.jsonl:1", "digits"), 3, 1),
    Case("yaml-deep", _deep_yaml, ("deep.md", "nested"), 3, 1),
    Case("json-deep", _deep_json, ("feed.jsonl:1", "nested"), 3, 1),
    Case("utf-32", _utf32, ("wide.txt", "UTF-32"), 3, 1),
    Case("jsonl-nul", _jsonl_nul, ("feed.jsonl:2", "NUL"), 3, 2),
    Case("escape-codes", _escape_names, ("\\x1b[31m", "\\x1b]0;owned\\x07"), 3, 2),
    Case("yaml-alias-bomb", _alias_bomb, ("bomb.md", "alias"), 3, 1),
    Case("html-deep", _html_deep, ("deep.html", "nested"), 3, 1),
    Case("html-unclosed-p", _html_unclosed, (), 0, 2),
    Case("html-elements", _html_elements, ("tags.html", "--limit html-elements"), 3, 1),
    Case("html-amp", _html_amp, (), 0, 2),
    Case("html-big", _html_big, ("big.html", "--limit html-bytes"), 3, 1),
    Case("jsonl-many", _jsonl_many, (), 0, 500),
    Case("jsonl-long-line", _jsonl_long_line, ("feed.jsonl:1", "--limit line-bytes"), 3, 1),
    Case("punctuation-run", _punctuation, ("rule.txt", "without a space"), 0, 1),
    Case("punctuation-runs", _punctuation_runs, ("runs.txt", "other than letters"), 0, 1),
    Case("many-names", _many_names, (), 0, 1),
    Case("long-warning", _long_warning, ("more characters", "list.md"), 3, 2),
    Case("front-matter-big", _front_matter_big, ("fat.md", "front matter"), 3, 1),
    Case("out-inside-input", _out_inside, ("exports", "output folder"), 0, 1, out="exports/kg"),
    Case("other-output-inside", _other_output, ("old-build", ".kg-output"), 0, 1),
    Case("out-is-input", _out_is_input, ("output folder", "no documents to build"), 2, 0, out="."),
    Case("link-into-out", _link_into_out, ("facts-link.jsonl", "a link into"), 0, 1, True, "out"),
    Case("unreadable-folder", _unreadable, ("locked", "cannot read"), 3, 1, True, root_reads=False),
    Case(
        "links-and-fifos",
        _links,
        ("dangling.txt", "pipe.txt", "loop", "ping.txt: a link that never"),
        3,
        1,
        True,
    ),
)
BY_NAME = {case.name: case for case in CASES}


def make_case(case: Case, folder: Path, big: bool = False) -> Path:
    """Write ``case`` into ``folder/<name>`` and return that folder."""
    target = folder / case.name
    target.mkdir(parents=True)
    case.make(target, big)
    return target


def main(argv: list[str]) -> None:
    if not argv or argv[0].startswith("-"):
        sys.exit(__doc__)
    out = Path(argv[0])
    for case in CASES:
        make_case(case, out, big="--big" in argv)
        print(out / case.name)


if __name__ == "__main__":
    main(sys.argv[1:])

"""Keep every HTML document the suite renders, so `make test` can run the Nu Html Checker over them once.

With HTML_CAPTURE_DIR set, tests/conftest.py hands each `text/html` response (and each HTML email part)
to `capture`. A full page is kept as it is; an htmx partial is put in a minimal document, each top-level
element inside the parent its content model needs (a `<tr>` in a table, an `<li>` in a list, an
`<option>` in a select), so a fragment is checked as the body content it becomes after the swap. Files
are named by a digest of the body with per-request noise (CSRF tokens, ids, signed links) replaced, so a
render seen in a hundred tests is checked once; `<digest>.json` beside it says which test and URL made
it. Workers of pytest-xdist write into the same folder; each file is written whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

# Runs of token characters this long are CSRF tokens, UUIDs, signed email links and the like.
_NOISE = re.compile(r"[A-Za-z0-9_\-.=]{32,}")
_STAGE = re.compile(r" \((setup|call|teardown)\)$")
_DOCTYPE = re.compile(r"\s*<!doctype", re.IGNORECASE)
# The parent each element needs when it is the root of a partial (HTML's content models).
_PARENTS = {
    "tr": ("<table><tbody>", "</tbody></table>"),
    "td": ("<table><tbody><tr>", "</tr></tbody></table>"),
    "th": ("<table><tbody><tr>", "</tr></tbody></table>"),
    "tbody": ("<table>", "</table>"),
    "thead": ("<table>", "</table>"),
    "tfoot": ("<table>", "</table>"),
    "caption": ("<table>", "</table>"),
    "colgroup": ("<table>", "</table>"),
    "li": ("<ul>", "</ul>"),
    "dt": ("<dl>", "</dl>"),
    "dd": ("<dl>", "</dl>"),
    "option": ('<select aria-label="Fragment">', "</select>"),
    "optgroup": ('<select aria-label="Fragment">', "</select>"),
    "figcaption": ("<figure>", "</figure>"),
    "summary": ("<details>", "</details>"),
}
_NO_PARENT = ("", "")
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
_FRAGMENT_HEAD = '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8">{title}</head>\n<body>\n'
_FRAGMENT_END = "\n</body>\n</html>\n"


def noise_free(body: str) -> str:
    """The body with each token-like run replaced by its order of first appearance, for the digest."""
    seen: dict[str, str] = {}
    return _NOISE.sub(lambda match: seen.setdefault(match.group(0), f"<token {len(seen)}>"), body)


class _TopLevel(HTMLParser):
    """Finds where each top-level element of a fragment starts, and its tag."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[int, str]] = []
        self._depth = 0
        self._line_offsets = [0]
        for line in text.splitlines(keepends=True):
            self._line_offsets.append(self._line_offsets[-1] + len(line))
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._line_offsets[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self._depth == 0:
            self.starts.append((self._offset(), tag))
        if tag not in _VOID:
            self._depth += 1

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if self._depth == 0:
            self.starts.append((self._offset(), tag))

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID:
            self._depth = max(self._depth - 1, 0)


def as_document(fragment: str) -> str:
    """A fragment as the body of a minimal document, each top-level run of elements in its parent.

    A top-level `<title>` goes to the head: htmx takes it out of a response and makes it the page title.
    """
    starts = _TopLevel(fragment).starts
    title = "<title>htmx partial</title>"
    if not starts:
        return _FRAGMENT_HEAD.format(title=title) + fragment + _FRAGMENT_END
    parts = [fragment[: starts[0][0]]]
    ends = [offset for offset, _ in starts[1:]] + [len(fragment)]
    open_parent = _NO_PARENT
    for (start, tag), end in zip(starts, ends, strict=True):
        if tag == "title":
            title = fragment[start:end]
            continue
        parent = _PARENTS.get(tag, _NO_PARENT)
        if parent != open_parent:
            parts.append(open_parent[1] + parent[0])
            open_parent = parent
        parts.append(fragment[start:end])
    parts.append(open_parent[1])
    return _FRAGMENT_HEAD.format(title=title) + "".join(parts) + _FRAGMENT_END


def capture(directory: Path, body: str, source: dict) -> Path | None:
    """Keep one rendered body (a page or a partial) for the checker, once per distinct render."""
    document = body if _DOCTYPE.match(body) else as_document(body)
    digest = hashlib.sha256(noise_free(document).encode()).hexdigest()[:24]
    path = directory / f"{digest}.html"
    if path.exists():
        return None
    directory.mkdir(parents=True, exist_ok=True)
    source = {**source, "test": _STAGE.sub("", os.environ.get("PYTEST_CURRENT_TEST", ""))}
    _write_whole(directory / f"{digest}.json", json.dumps(source))
    _write_whole(path, document)
    return path


def _write_whole(path: Path, text: str) -> None:
    """Write beside, then rename: another worker never reads half a file."""
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)

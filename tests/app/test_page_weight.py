"""Today's first load stays light (issue 7): at most 60 KB compressed and 10 requests, text compressed
with brotli or gzip, static files under content-hashed names and cached for a year.

`first_load` fetches, through the test client, what Chromium fetches on a first visit to Today with an
empty cache. Measured with Chromium 156 in a normal (not incognito) profile: the page, its stylesheet
and scripts, the favicon, the manifest, one manifest icon for its installability check (the scalable
icon.svg again), and the service worker, which precaches the app shell and the offline page. A URL
asked for again costs no request when its first answer was immutable (the HTTP cache answers);
otherwise it is a revalidation and counts. The apple-touch-icon is never loaded. (Scripts a worker
imports would be revalidated at its first install whatever their headers, so /sw.js imports none.)
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import brotli
import pytest
from flask import url_for

from tracker.static_files import IMMUTABLE, StaticFiles, hashed_name

BUDGET_BYTES = 60 * 1024
BUDGET_REQUESTS = 10
ACCEPT = {"Accept-Encoding": "br, gzip"}
CHROMIUM_ACCEPT = {"Accept-Encoding": "gzip, deflate, br, zstd"}
# What the browser loads from a <link rel=...>; not apple-touch-icon (Chromium never does), not prefetch.
LOADED_RELS = {"stylesheet", "icon", "manifest", "preload", "modulepreload"}
TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/manifest+json")


@dataclass(frozen=True)
class Fetched:
    """One request of the first load: what it was for and what went over the wire."""

    url: str
    why: str
    status: int
    mimetype: str
    raw: int  # body bytes once decoded
    sent: int  # body bytes as sent (compressed when it was)
    coding: str | None
    vary: str
    cache: str

    def row(self) -> str:
        return (
            f"{self.sent:>7} B sent {self.raw:>7} B raw {self.coding or '-':>4}  {self.url}  "
            f"({self.why}; {self.status}; Cache-Control: {self.cache or '-'})"
        )


class _Links(HTMLParser):
    """The URLs a browser loads while parsing a page, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: value or "" for name, value in attrs}
        rels = set(attr.get("rel", "").lower().split())
        if tag == "link" and rels & LOADED_RELS and attr.get("href"):
            self.found.append((attr["href"], f"link rel={attr['rel']}"))
        elif tag in ("script", "img") and attr.get("src"):
            self.found.append((attr["src"], f"{tag} src"))


def loaded_by(html: str) -> list[tuple[str, str]]:
    """(url, why) for everything the page makes a browser load."""
    parser = _Links()
    parser.feed(html)
    return parser.found


def decoded(response) -> bytes:
    """The body as the browser sees it after undoing the Content-Encoding."""
    coding = response.headers.get("Content-Encoding")
    data = response.get_data()
    if coding == "br":
        return brotli.decompress(data)
    if coding == "gzip":
        return gzip.decompress(data)
    assert coding is None, coding
    return data


def installability_icon(icons: list[dict]) -> dict:
    """The manifest icon Chromium loads for its installability check.

    Chromium 156 takes the scalable icon (sizes "any") when there is one; without one we count the
    largest "any"-purpose icon, the most it could be.
    """
    usable = [icon for icon in icons if "any" in icon.get("purpose", "any").split()]
    scalable = [icon for icon in usable if icon["sizes"] == "any"]
    return scalable[0] if scalable else max(usable, key=lambda icon: int(icon["sizes"].split("x")[0]))


def first_load(client) -> list[Fetched]:
    """Every request of a first visit to Today with an empty cache (the client must be logged in)."""
    fetched: list[Fetched] = []
    bodies: dict[str, bytes] = {}

    def load(url: str, why: str) -> bytes:
        earlier = next((f for f in fetched if f.url == url), None)
        if earlier is not None and "immutable" in earlier.cache:
            return bodies[url]  # the HTTP cache answers: no request
        response = client.get(url, headers=ACCEPT)
        body = decoded(response)
        bodies[url] = body
        fetched.append(
            Fetched(
                url=url,
                why=why,
                status=response.status_code,
                mimetype=response.mimetype or "",
                raw=len(body),
                sent=len(response.get_data()),
                coding=response.headers.get("Content-Encoding"),
                vary=response.headers.get("Vary", ""),
                cache=response.headers.get("Cache-Control", ""),
            )
        )
        return body

    html = load("/", "the page").decode()
    manifest_url = None
    for url, why in loaded_by(html):
        body = load(url, why)
        if "manifest" in why:
            manifest_url, manifest = url, json.loads(body)
    assert manifest_url, "Today links no manifest"
    load(installability_icon(manifest["icons"])["src"], "manifest icon (installability check)")
    worker = load("/sw.js", "service worker (offline.js registers it)").decode()
    shell = json.loads(re.match(r"const SHELL = (\{.*\});", worker).group(1))
    for url in shell["assets"]:
        load(url, "worker: precache")
    load(shell["offline"], "worker: precache the offline page")
    return fetched


def describe(fetched: list[Fetched]) -> str:
    """The first load as a readable list, for assertion messages."""
    total = sum(f.sent for f in fetched)
    lines = [f.row() for f in fetched]
    lines.append(
        f"{len(fetched)} requests (budget {BUDGET_REQUESTS}), {total} B sent (budget {BUDGET_BYTES})"
    )
    return "\n".join(lines)


def test_first_load_of_today_fits_the_budget(client, logged_in):
    fetched = first_load(client)
    report = describe(fetched)
    assert all(f.status == 200 for f in fetched), report
    assert len(fetched) <= BUDGET_REQUESTS, report
    assert sum(f.sent for f in fetched) <= BUDGET_BYTES, report
    # The list is complete: the page's own resources, the manifest, the worker and the offline page.
    urls = {f.url for f in fetched}
    assert {"/", "/manifest.webmanifest", "/sw.js", "/offline"} <= urls, report
    assert sum(url.startswith("/static/") for url in urls) >= 5, report


def test_first_load_is_compressed_and_static_files_are_cached_for_a_year(client, logged_in):
    fetched = first_load(client)
    report = describe(fetched)
    for f in fetched:
        if f.mimetype.startswith(TEXT_TYPES) or f.mimetype == "image/svg+xml":
            assert f.coding == "br", report
            assert "Accept-Encoding" in f.vary, report
        else:
            assert f.coding is None, report  # PNG and the like are compressed already
        if f.url.startswith("/static/"):
            assert re.search(r"\.[0-9a-f]{10}\.\w+$", f.url), report
            assert f.cache == IMMUTABLE, report
            assert "Cookie" not in f.vary, report  # a new session cookie must not refetch them
        else:
            # Pages, the manifest and the worker are checked again each time (the worker must update).
            assert "immutable" not in f.cache and "max-age" not in f.cache, report


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("br, gzip", "br"),
        ("gzip, deflate, br, zstd", "br"),  # Chromium's
        ("gzip", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0.5, br;q=0.9", "br"),
        ("identity", None),
        ("", None),
    ],
)
def test_the_coding_follows_accept_encoding(app, client, accept, coding):
    original = (Path(app.static_folder) / "css" / "app.css").read_bytes()
    for url in ("/static/css/app.css", "/about"):
        response = client.get(url, headers={"Accept-Encoding": accept})
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == coding
        assert "Accept-Encoding" in response.headers["Vary"]
        if url.startswith("/static/"):
            assert decoded(response) == original
        else:
            assert decoded(response).startswith(b"<!doctype html>")


def test_tiny_and_binary_responses_are_sent_as_they_are(client):
    tiny = client.get("/pwa/session", headers=CHROMIUM_ACCEPT)  # about 40 bytes of JSON
    assert tiny.status_code == 200 and "Content-Encoding" not in tiny.headers
    png = client.get("/static/icons/icon-192.png", headers=CHROMIUM_ACCEPT)
    assert png.status_code == 200 and "Content-Encoding" not in png.headers
    assert "Accept-Encoding" not in png.headers.get("Vary", "")
    assert png.get_data()[:8] == b"\x89PNG\r\n\x1a\n"


def test_worker_and_manifest_are_compressed_but_never_kept(client):
    for url in ("/sw.js", "/manifest.webmanifest"):
        response = client.get(url, headers=ACCEPT)
        assert response.headers["Content-Encoding"] == "br"
        assert response.headers["Cache-Control"] == "no-cache"


def test_url_for_names_static_files_by_their_content(app, client):
    with app.test_request_context():
        url = url_for("static", filename="css/app.css")
    data = (Path(app.static_folder) / "css" / "app.css").read_bytes()
    assert url == f"/static/{hashed_name('css/app.css', data)}"
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{10}\.css", url)
    assert client.get(url).headers["Cache-Control"] == IMMUTABLE


def test_plain_stale_unknown_and_outside_names(app, client, tmp_path):
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "app.css").write_text("body { color: teal }\n" * 40)
    app.extensions["static_files"] = StaticFiles(tmp_path)
    with app.test_request_context():
        current = url_for("static", filename="css/app.css")
    assert current == f"/static/{hashed_name('css/app.css', (tmp_path / 'css' / 'app.css').read_bytes())}"

    exact = client.get(current)
    assert exact.status_code == 200 and exact.headers["Cache-Control"] == IMMUTABLE
    # An old page or worker may still ask for the plain name or an earlier hash: the current file,
    # to be checked again next time.
    for url in ("/static/css/app.css", "/static/css/app.0123456789.css"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.get_data() == exact.get_data()
        assert response.headers["Cache-Control"] == "no-cache"
    for url in (
        "/static/css/nope.css",
        "/static/css/nope.0123456789.css",
        "/static/css/app.0123456789.js",
        "/static/../wsgi.py",
        "/static/%2e%2e/wsgi.py",
        "/static/css/..%2f..%2fwsgi.py",
        "/static/css/../../tracker/__init__.py",
        "/static//etc/passwd",
        "/static/css",
    ):
        assert client.get(url, follow_redirects=True).status_code == 404, url


def test_a_changed_file_gets_a_new_url(tmp_path):
    css = tmp_path / "app.css"
    css.write_text("a { color: red }")
    before = StaticFiles(tmp_path).url_name("app.css")
    css.write_text("a { color: blue }")
    restarted = StaticFiles(tmp_path)
    assert restarted.url_name("app.css") != before
    found, exact = restarted.resolve(before)
    assert (found.data, exact) == (b"a { color: blue }", False)
    assert restarted.url_name("missing.css") == "missing.css"


def test_in_debug_mode_edits_are_noticed_without_a_restart(tmp_path):
    css = tmp_path / "app.css"
    css.write_text("a { color: red }")
    static = StaticFiles(tmp_path, watch=True)
    before = static.url_name("app.css")
    css.write_text("a { color: rebeccapurple }")  # another size, so noticed whatever the clock
    assert static.url_name("app.css") != before
    (tmp_path / "new.js").write_text("1")
    assert static.url_name("new.js") != "new.js"
    css.unlink()
    assert static.resolve("app.css") is None


@pytest.mark.parametrize("accept", ["br", "gzip", ""])
def test_etags_answer_conditional_requests_per_coding(client, accept):
    url = "/static/css/app.css"
    first = client.get(url, headers={"Accept-Encoding": accept})
    etag = first.headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": accept, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = "identity" if accept else "br"
    assert client.get(url, headers={"Accept-Encoding": other, "If-None-Match": etag}).status_code == 200


def test_head_sends_the_headers_only(client):
    response = client.head("/static/css/app.css", headers=ACCEPT)
    assert response.status_code == 200 and response.get_data() == b""
    assert response.headers["Content-Encoding"] == "br"
    assert int(response.headers["Content-Length"]) > 0

"""Today's first load stays light (issue 7): at most 60 KB compressed and 10 requests, text compressed
with brotli or gzip (Flask-Compress for what the app renders, WhiteNoise's precompressed copies for
static files), static files under content-hashed names and cached for a year (tracker/assets.py).

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
import hashlib
import json
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import brotli
import pytest
from flask import url_for

from tracker import create_app
from tracker.assets import IMMUTABLE, build, plain_name

BUDGET_BYTES = 60 * 1024
BUDGET_REQUESTS = 10
ACCEPT = {"Accept-Encoding": "br, gzip"}
CHROMIUM_ACCEPT = {"Accept-Encoding": "gzip, deflate, br, zstd"}
# What the browser loads from a <link rel=...>; not apple-touch-icon (Chromium never does), not prefetch.
LOADED_RELS = {"stylesheet", "icon", "manifest", "preload", "modulepreload"}
TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/manifest+json")
HASHED = r"-[0-9a-f]{32}(\.[\w.]+)?$"  # Flask-Static-Digest's: css/app-<md5 of the bytes>.css


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
        with client.get(url, headers=ACCEPT) as response:  # a static file holds its file until closed
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
            assert re.search(HASHED, f.url), report
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
def test_pages_follow_accept_encoding(client, accept, coding):
    response = client.get("/about", headers={"Accept-Encoding": accept})
    assert response.status_code == 200
    assert response.headers.get("Content-Encoding") == coding
    assert "Accept-Encoding" in response.headers["Vary"]
    assert decoded(response).startswith(b"<!doctype html>")


# WhiteNoise picks the smallest copy whose coding the request names (it doesn't weigh q-values;
# browsers don't send them for these codings).
@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("br, gzip", "br"),
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("gzip;q=0.5, br;q=0.9", "br"),
        ("identity", None),
        ("", None),
    ],
)
def test_static_files_are_sent_in_a_coding_the_browser_accepts(app, client, accept, coding):
    original = (Path(app.static_folder) / "css" / "app.css").read_bytes()
    with client.get("/static/css/app.css", headers={"Accept-Encoding": accept}) as response:
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding") == coding
        assert "Accept-Encoding" in response.headers["Vary"]
        assert decoded(response) == original


def test_tiny_and_binary_responses_are_sent_as_they_are(client):
    tiny = client.get("/pwa/session", headers=CHROMIUM_ACCEPT)  # about 40 bytes of JSON
    assert tiny.status_code == 200 and "Content-Encoding" not in tiny.headers
    with client.get("/static/icons/icon-192.png", headers=CHROMIUM_ACCEPT) as png:
        assert png.status_code == 200 and "Content-Encoding" not in png.headers
        assert "Accept-Encoding" not in png.headers.get("Vary", "")
        assert png.get_data()[:8] == b"\x89PNG\r\n\x1a\n"


def test_worker_and_manifest_are_compressed_but_never_kept(client):
    for url in ("/sw.js", "/manifest.webmanifest"):
        response = client.get(url, headers=ACCEPT)
        assert response.headers["Content-Encoding"] == "br"
        # The manifest differs by person (the discreet mode): never kept by a shared cache either.
        expected = "private, no-cache" if url == "/manifest.webmanifest" else "no-cache"
        assert response.headers["Cache-Control"] == expected


def md5_name(name: str, data: bytes) -> str:
    path = Path(name)
    return str(
        path.with_name(f"{path.stem}-{hashlib.md5(data, usedforsecurity=False).hexdigest()}{path.suffix}")
    )


def test_url_for_names_static_files_by_their_content(app, client):
    with app.test_request_context():
        url = url_for("static", filename="css/app.css")
    data = (Path(app.static_folder) / "css" / "app.css").read_bytes()
    assert url == f"/static/{md5_name('css/app.css', data)}"
    with client.get(url) as response:
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert "Cookie" not in response.headers.get("Vary", "")


def test_plain_older_unknown_and_outside_names(app, client):
    with app.test_request_context():
        current = url_for("static", filename="css/app.css")
    with client.get(current) as exact:
        assert exact.status_code == 200 and exact.headers["Cache-Control"] == IMMUTABLE
        body = exact.get_data()
    # An old page or worker may still ask for the plain name or an earlier hash: the current file,
    # to be checked again next time.
    for url in ("/static/css/app.css", f"/static/css/app-{'0' * 32}.css"):
        with client.get(url, follow_redirects=True) as response:
            assert response.status_code == 200, url
            assert response.get_data() == body
            assert response.headers["Cache-Control"] == "no-cache"
    for url in (
        "/static/css/nope.css",
        f"/static/css/nope-{'0' * 32}.css",
        f"/static/css/app-{'0' * 32}.js",
        f"/static/css/app-{'0' * 31}.css",
        "/static/../wsgi.py",
        "/static/%2e%2e/wsgi.py",
        "/static/css/..%2f..%2fwsgi.py",
        "/static/css/../../tracker/__init__.py",
        "/static//etc/passwd",
        "/static/css",
    ):
        with client.get(url, follow_redirects=True) as response:
            assert response.status_code == 404, url


@pytest.mark.parametrize(
    ("name", "plain"),
    [
        (f"css/app-{'a1' * 16}.css", "css/app.css"),
        (f"vendor/htmx.min-{'0' * 32}.js", "vendor/htmx.min.js"),
        (f"LICENSE-{'f' * 32}", "LICENSE"),
        ("css/app.css", None),
        (f"css/app-{'A' * 32}.css", None),
        (f"css/-{'0' * 32}.css", None),
        (f"css/app{'0' * 32}.css", None),
    ],
)
def test_plain_name(name, plain):
    assert plain_name(name) == plain


def test_a_changed_folder_gets_a_new_build_and_an_unchanged_one_the_same(tmp_path):
    source, builds = tmp_path / "static", tmp_path / "builds"
    (source / "css").mkdir(parents=True)
    css = source / "css" / "app.css"
    css.write_text("a { color: red }\n" * 100)
    first = build(source, builds)
    manifest = json.loads((first / "cache_manifest.json").read_text())
    assert manifest == {"css/app.css": md5_name("css/app.css", css.read_bytes())}
    hashed = first / "files" / manifest["css/app.css"]
    assert brotli.decompress(Path(f"{hashed}.br").read_bytes()) == css.read_bytes()
    assert gzip.decompress(Path(f"{hashed}.gz").read_bytes()) == css.read_bytes()
    assert build(source, builds) == first
    css.write_text("a { color: blue }\n" * 100)
    second = build(source, builds)
    assert second != first
    assert json.loads((second / "cache_manifest.json").read_text()) != manifest


def test_only_the_newest_builds_are_kept(tmp_path):
    source, builds = tmp_path / "static", tmp_path / "builds"
    source.mkdir()
    made = []
    for n in range(5):
        (source / "app.js").write_text(f"let n = {n};")
        made.append(build(source, builds))
    kept = {path for path in builds.iterdir()}
    assert made[-1] in kept and made[0] not in kept and len(kept) <= 3


def test_in_debug_mode_static_files_keep_their_names_and_are_checked_each_time(database_url):
    debug = create_app({"TESTING": True, "DEBUG": True, "DATABASE_URL": database_url, "SECRET_KEY": "x"})
    with debug.test_request_context():
        assert url_for("static", filename="css/app.css") == "/static/css/app.css"
    with debug.test_client().get("/static/css/app.css") as response:
        assert response.status_code == 200 and response.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("accept", ["br", "gzip", ""])
def test_etags_answer_conditional_requests(client, accept):
    url = "/static/css/app.css"
    with client.get(url, headers={"Accept-Encoding": accept}) as first:
        etag = first.headers["ETag"]
    with client.get(url, headers={"Accept-Encoding": accept, "If-None-Match": etag}) as again:
        assert again.status_code == 304 and again.get_data() == b""


def test_head_sends_the_headers_only(client):
    with client.head("/static/css/app.css", headers=ACCEPT) as response:
        pass
    assert response.status_code == 200 and response.get_data() == b""
    assert response.headers["Content-Encoding"] == "br"
    assert int(response.headers["Content-Length"]) > 0

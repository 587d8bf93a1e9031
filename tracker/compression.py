"""Compressed responses: brotli or gzip, whichever the browser accepts (brotli first).

Pages, JSON, the manifest and the service worker are compressed as they leave (fast settings: a page
costs about a millisecond, more than serving it from the page cache, so the last few compressed bodies
are kept and a page sent again is compressed once). Static files are compressed once at the strongest
settings by static_files.py, which sets Content-Encoding itself, so this hook passes them by.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict

import brotli
from flask import Flask, Request, Response, request

# Below this a compressed body saves less than the headers it adds.
MIN_SIZE = 500
# Text formats; images such as PNG are compressed already and only grow.
TYPES = frozenset(
    {
        "application/javascript",
        "application/json",
        "application/manifest+json",
        "application/xml",
        "image/svg+xml",
        "text/css",
        "text/csv",
        "text/html",
        "text/javascript",
        "text/plain",
    }
)
CODINGS = ("br", "gzip")  # preferred first when the browser accepts both equally
FAST = {"br": 5, "gzip": 6}  # under a millisecond for a 20 KB page
SMALLEST = {"br": 11, "gzip": 9}


def worth_compressing(mimetype: str | None, size: int) -> bool:
    """Whether a body of this type and size is sent compressed to browsers that accept it."""
    return mimetype in TYPES and size >= MIN_SIZE


def choose(req: Request) -> str | None:
    """The coding to send: the best the request's Accept-Encoding allows (q-values respected)."""
    return req.accept_encodings.best_match(CODINGS)


def compress(data: bytes, coding: str, *, smallest: bool = False) -> bytes:
    """`data` encoded; `smallest` spends a lot more time for a few percent (for files kept)."""
    level = (SMALLEST if smallest else FAST)[coding]
    if coding == "br":
        return brotli.compress(data, quality=level)
    # mtime=0: the same bytes give the same gzip stream on every host (stable ETags and caches).
    return gzip.compress(data, compresslevel=level, mtime=0)


class RecentlyCompressed:
    """The compressed forms of recently sent bodies, by a digest of the body; bounded in bytes."""

    def __init__(self, max_bytes: int = 4 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._bodies: OrderedDict[tuple[bytes, str], bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def compressed(self, data: bytes, coding: str) -> bytes:
        key = (hashlib.blake2b(data, digest_size=16).digest(), coding)
        with self._lock:
            if key in self._bodies:
                self._bodies.move_to_end(key)
                return self._bodies[key]
        body = compress(data, coding)
        with self._lock:
            if key not in self._bodies:
                self._bodies[key] = body
                self._bytes += len(body)
            while self._bytes > self.max_bytes:
                _, evicted = self._bodies.popitem(last=False)
                self._bytes -= len(evicted)
        return body


_recent = RecentlyCompressed()


def compress_response(response: Response) -> Response:
    """Compress a finished, buffered response in place when the browser and the content allow it."""
    if (
        response.status_code < 200
        or response.status_code in (204, 206, 304)
        or response.is_streamed  # files and generators: not buffered here, sent as they are
        or "Content-Encoding" in response.headers
    ):
        return response
    data = response.get_data()
    if not worth_compressing(response.mimetype, len(data)):
        return response
    response.vary.add("Accept-Encoding")
    coding = choose(request)
    if coding is None:
        return response
    response.set_data(_recent.compressed(data, coding))
    response.headers["Content-Encoding"] = coding
    etag, weak = response.get_etag()
    if etag and not weak:
        # A strong ETag names exact bytes: the compressed ones get their own, and a conditional
        # request (which names what the browser kept, the compressed bytes) is answered against it.
        response.set_etag(f"{etag}.{coding}")
        response.make_conditional(request)
    return response


def init_app(app: Flask) -> None:
    """Register the hook; create_app registers it first, and after-request hooks run last-first."""
    app.after_request(compress_response)

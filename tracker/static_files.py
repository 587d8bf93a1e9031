"""Static files under content-hashed names: cached by browsers for a year, compressed once.

`url_for("static", filename="css/app.css")` gives `/static/css/app.3f2a1b9c0d.css`, the name carrying a
hash of the file's bytes. A changed file gets a new URL, so a browser (and the service worker) may keep a
copy for a year and never ask again. The plain name, or a name with an old hash (a page or a worker from
before a deploy), still answers with the current file, but with `no-cache`: the browser asks again next
time (with the ETag). Any other name is a 404: only files found in the folder are served, by a lookup in
a table, so no request can name a path outside it.

The files are read and hashed once at start-up (they are small and don't change while the app runs);
in debug mode a lookup notices an edited, added or removed file. Each file is compressed at most once
per coding and content, at the strongest settings.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import threading
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import Flask, Response, abort, current_app, request, session

from tracker import compression

HASH_LENGTH = 10
HASHED_NAME = re.compile(rf"^(?P<stem>.+)\.[0-9a-f]{{{HASH_LENGTH}}}(?P<suffix>\.[^./]+)?$")
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"

# (content digest, coding) -> the compressed bytes; shared by every app in the process, since the same
# bytes always compress the same way. Bounded by the versions of the static files that were served.
_compressed: dict[tuple[str, str], bytes] = {}


def digest(data: bytes) -> str:
    """The SHA-256 of a file's bytes, in hex."""
    return hashlib.sha256(data).hexdigest()


def hashed_name(filename: str, data: bytes) -> str:
    """`css/app.css` with these bytes is called `css/app.<first 10 hex digits of their hash>.css`."""
    path = PurePosixPath(filename)
    return str(path.with_name(f"{path.stem}.{digest(data)[:HASH_LENGTH]}{path.suffix}"))


@dataclass(frozen=True)
class StaticFile:
    """One file: its plain and hashed names, its bytes and what tells a change (modified time, size)."""

    name: str
    hashed: str
    data: bytes
    digest: str
    mimetype: str
    stamp: tuple[int, int]


@dataclass(frozen=True)
class _Index:
    by_name: dict[str, StaticFile]
    by_hashed: dict[str, StaticFile]


class StaticFiles:
    """The files of one folder under their hashed names; `watch` re-reads changed files (debug mode)."""

    def __init__(self, folder: str | Path, *, watch: bool = False) -> None:
        self.folder = Path(folder)
        self.watch = watch
        self._lock = threading.Lock()
        self._index = self._scan(_Index({}, {}))

    def _scan(self, old: _Index) -> _Index:
        """Every file under the folder, reusing the entries of files whose stamp is unchanged."""
        files = {}
        for path in sorted(self.folder.rglob("*")):
            if not path.is_file():
                continue
            name = path.relative_to(self.folder).as_posix()
            try:
                stat = path.stat()
                stamp = (stat.st_mtime_ns, stat.st_size)
                known = old.by_name.get(name)
                files[name] = known if known and known.stamp == stamp else _read(path, name, stamp)
            except OSError:  # removed while we looked (debug mode, an editor saving)
                continue
        return _Index(files, {entry.hashed: entry for entry in files.values()})

    def _current(self) -> _Index:
        if self.watch:
            with self._lock:
                self._index = self._scan(self._index)
        return self._index

    def get(self, name: str) -> StaticFile | None:
        """The file with this plain name, if there is one."""
        return self._current().by_name.get(name)

    def url_name(self, name: str) -> str:
        """The name to put in a URL: hashed for a known file, else as given (it will 404)."""
        found = self.get(name)
        return found.hashed if found else name

    def resolve(self, requested: str) -> tuple[StaticFile, bool] | None:
        """The file a URL names, and whether it named exactly this content (so may be kept a year)."""
        index = self._current()
        if requested in index.by_hashed:
            return index.by_hashed[requested], True
        found = index.by_name.get(requested)
        if found is None and (match := HASHED_NAME.match(requested)):
            found = index.by_name.get(match["stem"] + (match["suffix"] or ""))  # an older hash
        return (found, False) if found else None

    def body(self, found: StaticFile, coding: str | None) -> bytes:
        """The file's bytes as sent: as they are, or compressed (once per content and coding)."""
        if coding is None:
            return found.data
        key = (found.digest, coding)
        if key not in _compressed:
            _compressed[key] = compression.compress(found.data, coding, smallest=True)
        return _compressed[key]


def _read(path: Path, name: str, stamp: tuple[int, int]) -> StaticFile:
    data = path.read_bytes()
    return StaticFile(
        name=name,
        hashed=hashed_name(name, data),
        data=data,
        digest=digest(data),
        mimetype=mimetypes.guess_type(name)[0] or "application/octet-stream",
        stamp=stamp,
    )


def files() -> StaticFiles:
    """The current app's static files."""
    return current_app.extensions["static_files"]


def serve(filename: str) -> Response:
    """The static view: the file a (hashed, plain or stale) name stands for, compressed if worth it."""
    static = files()
    resolved = static.resolve(filename)
    if resolved is None:
        abort(404)
    found, exact = resolved
    compressible = compression.worth_compressing(found.mimetype, len(found.data))
    coding = compression.choose(request) if compressible else None
    response = current_app.response_class(static.body(found, coding), mimetype=found.mimetype)
    if compressible:
        response.vary.add("Accept-Encoding")
    if coding:
        response.headers["Content-Encoding"] = coding
    # A strong ETag per representation: the compressed bytes are not the plain ones.
    response.set_etag(found.digest[:20] + (f".{coding}" if coding else ""))
    response.headers["Cache-Control"] = IMMUTABLE if exact else REVALIDATE
    return response.make_conditional(request)


def _same_for_every_session(response: Response) -> Response:
    """No `Vary: Cookie` on static files, so a new session cookie doesn't refetch them all.

    Flask adds it once anything reads the session, and Flask-Login's after-request hook always does;
    but a static file is the same for everyone. (Runs after that hook: registered before it.)
    """
    if request.endpoint == "static" and not session.modified:
        session.accessed = False
    return response


def _hashed_url(endpoint: str, values: dict) -> None:
    """url_for("static", filename=...) builds the hashed name, so templates need no change."""
    if endpoint == "static" and isinstance(values.get("filename"), str):
        values["filename"] = files().url_name(values["filename"])


def init_app(app: Flask) -> None:
    """Read the static folder, hash names in url_for, and serve them through `serve`."""
    if app.static_folder is None:
        return
    app.extensions["static_files"] = StaticFiles(app.static_folder, watch=app.debug)
    app.url_defaults(_hashed_url)
    app.view_functions["static"] = serve
    app.after_request(_same_for_every_session)
